from django.urls import path
from django.views.generic import RedirectView

from . import auth_views, views

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="my-work"), name="home"),
    path("sign-in/", auth_views.sign_in, name="login"),
    path("sign-out/", auth_views.sign_out, name="logout"),
    path("mfa/verify/", auth_views.mfa_verify, name="mfa-verify"),
    path("mfa/setup/", auth_views.mfa_setup, name="mfa-setup"),
    path("confirm-identity/", auth_views.confirm_identity, name="confirm-identity"),
    path("my-work/", views.my_work, name="my-work"),
    path("children/", views.find_child, name="find-child"),
    path("children/<int:child_id>/", views.child_overview, name="child-overview"),
    path("children/<int:child_id>/chronology/", views.chronology, name="child-chronology"),
    path("children/<int:child_id>/chronology.csv", views.chronology_csv, name="child-chronology-csv"),
    path("children/<int:child_id>/chronology/add/", views.add_chronology_entry, name="child-chronology-add"),
    path("children/<int:child_id>/who-viewed/", views.who_viewed, name="child-who-viewed"),
    path("children/add/", views.add_person, name="person-add"),
    path("children/<int:child_id>/edit/", views.edit_person, name="child-edit"),
    path("children/<int:child_id>/addresses/add/", views.add_address, name="child-address-add"),
    path(
        "children/<int:child_id>/addresses/<int:address_id>/confidential/",
        views.reveal_address,
        name="child-address-reveal",
    ),
    path("children/<int:child_id>/previous-names/add/", views.add_previous_name, name="child-previous-name-add"),
    path("children/<int:child_id>/people/<int:person_id>/", views.person_detail, name="child-person"),
    path("children/<int:child_id>/people/<int:person_id>/edit/", views.edit_adult, name="child-person-edit"),
    path(
        "children/<int:child_id>/people/<int:person_id>/addresses/add/",
        views.add_adult_address,
        name="child-person-address-add",
    ),
    path(
        "children/<int:child_id>/people/<int:person_id>/previous-names/add/",
        views.add_previous_name,
        name="child-person-previous-name-add",
    ),
    path("children/<int:child_id>/relationships/add/", views.add_relationship, name="child-relationship-add"),
    path(
        "children/<int:child_id>/relationships/<int:relationship_id>/end/",
        views.end_relationship,
        name="child-relationship-end",
    ),
    path("children/<int:child_id>/allocate/", views.allocate, name="child-allocate"),
    path("children/<int:child_id>/involvement/add/", views.add_involvement, name="child-involvement-add"),
    path(
        "children/<int:child_id>/involvement/<int:involvement_id>/end/",
        views.end_involvement,
        name="child-involvement-end",
    ),
    path("children/<int:child_id>/merge/", views.merge_person, name="child-merge"),
    path("children/<int:child_id>/restriction/", views.restrict, name="child-restrict"),
    path("children/<int:child_id>/restriction/lift/", views.lift_restriction, name="child-restriction-lift"),
    path("children/<int:child_id>/break-glass/", views.break_glass, name="child-break-glass"),
    path("children/<int:child_id>/chronology.pdf", views.chronology_pdf, name="child-chronology-pdf"),
    path("merges/", views.merges, name="merges"),
    path("merges/<int:merge_id>/unmerge/", views.unmerge, name="unmerge"),
    path("break-glass/", views.break_glass_reviews, name="break-glass-reviews"),
    path("break-glass/<int:grant_id>/review/", views.review_break_glass, name="break-glass-review"),
]
