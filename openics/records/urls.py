from django.urls import path

from . import copy_views, team, views

urlpatterns = [
    path("children/<int:child_id>/records/", views.child_records, name="child-records"),
    path("children/<int:child_id>/records/start/", views.start_record, name="record-start"),
    path("records/awaiting-endorsement/", views.awaiting_endorsement, name="records-awaiting-endorsement"),
    path("team/", team.team_view, name="team-view"),
    path("records/<int:record_id>/", views.view_record, name="record-detail"),
    path("records/<int:record_id>/edit/", views.edit_record, name="record-edit"),
    path("records/<int:record_id>/submit/", views.submit_record, name="record-submit"),
    path("records/<int:record_id>/review/", views.review_record, name="record-review"),
    path("records/<int:record_id>/correct/", views.correct_record, name="record-correct"),
    path("records/<int:record_id>/link/", views.link_children, name="record-link"),
    path("records/<int:record_id>/pdf/", copy_views.record_pdf, name="record-pdf"),
    path("records/<int:record_id>/copies/", copy_views.record_copies, name="record-copies"),
]
