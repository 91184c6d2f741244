from django.urls import include, path

from . import cost_views, pdf_views, views

urlpatterns = [
    path("", include("openics.plans.oneplan_urls")),
    path("children/<int:child_id>/plans/", views.child_plans, name="child-plans"),
    path("children/<int:child_id>/plans/start/", views.start_plan, name="plan-start"),
    path("children/<int:child_id>/level-of-need/", views.child_level_of_need, name="child-level-of-need"),
    path("children/<int:child_id>/level-of-need/record/", views.record_level_of_need, name="level-of-need-record"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan-detail"),
    path("plans/<int:plan_id>/history/", views.plan_history, name="plan-history"),
    path("plans/<int:plan_id>/compare/", views.plan_compare, name="plan-compare"),
    path("plans/<int:plan_id>/new-version/", views.plan_new_version, name="plan-new-version"),
    path("plans/<int:plan_id>/review/", views.plan_review, name="plan-review"),
    path("plans/<int:plan_id>/costs/", cost_views.plan_costs, name="plan-costs"),
    path("plan-versions/<int:version_id>/", views.version_detail, name="plan-version-detail"),
    path("plan-versions/<int:version_id>/edit/", views.version_edit, name="plan-version-edit"),
    path("plan-versions/<int:version_id>/agree/", views.version_agree, name="plan-version-agree"),
    path("plan-versions/<int:version_id>/endorse/", views.version_endorse, name="plan-version-endorse"),
    path("plan-reviews/<int:review_id>/", views.review_detail, name="plan-review-detail"),
    path("plan-versions/<int:version_id>/pdf/", pdf_views.version_pdf, name="plan-version-pdf"),
    path("plan-versions/<int:version_id>/copies/", pdf_views.version_copies, name="plan-version-copies"),
]
