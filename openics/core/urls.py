from django.urls import path
from django.views.generic import RedirectView

from . import auth_views, views

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="my-work"), name="home"),
    path("sign-in/", auth_views.sign_in, name="login"),
    path("sign-out/", auth_views.sign_out, name="logout"),
    path("mfa/verify/", auth_views.mfa_verify, name="mfa-verify"),
    path("mfa/setup/", auth_views.mfa_setup, name="mfa-setup"),
    path("my-work/", views.my_work, name="my-work"),
    path("children/", views.find_child, name="find-child"),
    path("children/<int:child_id>/", views.child_overview, name="child-overview"),
    path("children/<int:child_id>/chronology/", views.chronology, name="child-chronology"),
    path("children/<int:child_id>/chronology.csv", views.chronology_csv, name="child-chronology-csv"),
    path("children/<int:child_id>/chronology/add/", views.add_chronology_entry, name="child-chronology-add"),
    path("children/<int:child_id>/who-viewed/", views.who_viewed, name="child-who-viewed"),
]
