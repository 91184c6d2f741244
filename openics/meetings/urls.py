from django.urls import path

from . import views

urlpatterns = [
    path("children/<int:child_id>/meetings/", views.child_meetings, name="child-meetings"),
    path("children/<int:child_id>/meetings/plan/", views.plan_meeting, name="meeting-plan"),
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="meeting-detail"),
    path("meetings/<int:meeting_id>/edit/", views.meeting_edit, name="meeting-edit"),
    path("meetings/<int:meeting_id>/participants/", views.meeting_participants, name="meeting-participants"),
    path("meetings/<int:meeting_id>/invite/", views.meeting_invite, name="meeting-invite"),
    path("meetings/<int:meeting_id>/cancel/", views.meeting_cancel, name="meeting-cancel"),
    path("meetings/<int:meeting_id>/record/", views.meeting_record, name="meeting-record"),
    path("meetings/<int:meeting_id>/send-record/", views.meeting_send_record, name="meeting-send-record"),
    path("meetings/<int:meeting_id>/record/pdf/", views.meeting_record_pdf, name="meeting-record-pdf"),
    path("meetings/<int:meeting_id>/distribution/", views.meeting_distribution, name="meeting-distribution"),
]
