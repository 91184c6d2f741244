"""SEND One Planning and EHC needs assessment request pages (included from plans/urls.py)."""

from django.urls import path

from . import oneplan_views as views

urlpatterns = [
    path("plans/<int:plan_id>/one-plan/", views.one_plan_cycles, name="one-plan-cycles"),
    path("plans/<int:plan_id>/one-plan/evidence/", views.one_plan_add_evidence, name="one-plan-evidence-add"),
    path("plans/<int:plan_id>/one-plan/delivery/", views.one_plan_log_delivery, name="one-plan-delivery-add"),
    path("plans/<int:plan_id>/one-plan/pdf/", views.one_plan_pdf, name="one-plan-pdf"),
    path("plans/<int:plan_id>/one-plan/copies/", views.one_plan_copies, name="one-plan-copies"),
    path("children/<int:child_id>/ehc-requests/", views.child_ehc_requests, name="child-ehc-requests"),
    path("children/<int:child_id>/ehc-requests/new/", views.ehc_request_new, name="ehc-request-new"),
    path("ehc-requests/<int:request_id>/", views.ehc_request_detail, name="ehc-request-detail"),
    path("ehc-requests/<int:request_id>/step/", views.ehc_request_step, name="ehc-request-step"),
]
