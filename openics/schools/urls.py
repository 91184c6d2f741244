from django.urls import path

from . import views

S = "schools/<int:school_id>/"
A = "allegations/<int:allegation_id>/"

urlpatterns = [
    path("schools/", views.home, name="schools-home"),
    path(S + "arrangements/", views.arrangements, name="school-arrangements"),
    path(S + "arrangements/edit/", views.arrangements_edit, name="school-arrangements-edit"),
    path(S + "attendance/", views.attendance, name="school-attendance"),
    path(S + "attendance/import/", views.attendance_import, name="school-attendance-import"),
    path(
        S + "attendance/import/<int:import_id>/confirm/",
        views.attendance_import_confirm,
        name="school-attendance-import-confirm",
    ),
    path(S + "attendance/mark/", views.attendance_mark, name="school-attendance-mark"),
    path(S + "attendance/pupils/<int:child_id>/", views.attendance_pupil, name="school-attendance-pupil"),
    path(
        S + "attendance/pupils/<int:child_id>/follow-up/",
        views.attendance_follow_up,
        name="school-attendance-follow-up",
    ),
    path(
        S + "attendance/notifications/<int:notification_id>/",
        views.absence_notification,
        name="school-absence-notification",
    ),
    path(S + "emergency-contacts/", views.emergency_contacts, name="school-emergency-contacts"),
    path(S + "training/", views.training, name="school-training"),
    path(S + "training/new/", views.training_new, name="school-training-new"),
    path(S + "governors-report/", views.report, name="school-governors-report"),
    path("allegations/", views.allegations, name="allegations"),
    path("allegations/new/", views.allegation_new, name="allegation-new"),
    path(A, views.allegation_detail, name="allegation-detail"),
    path(A + "lado/", views.allegation_lado, name="allegation-lado"),
    path(A + "entries/", views.allegation_entry, name="allegation-entry"),
    path(A + "participants/", views.allegation_participant, name="allegation-participant"),
    path(A + "outcome/", views.allegation_outcome, name="allegation-outcome"),
]
