"""Retention pages.  Every route is in retention/route_matrix.py."""

from django.urls import path

from . import views

urlpatterns = [
    path("retention/", views.home, name="retention-home"),
    path("retention/reviews/<int:review_id>/", views.review_detail, name="retention-review"),
    path("retention/holds/", views.hold_list, name="retention-holds"),
    path("retention/holds/new/", views.hold_new, name="retention-hold-new"),
    path("retention/holds/<int:hold_id>/lift/", views.hold_lift, name="retention-hold-lift"),
    path("retention/destructions/", views.destruction_log, name="retention-destructions"),
    path("retention/children/<int:child_id>/adoption-order/", views.adoption_order, name="retention-adoption-order"),
]
