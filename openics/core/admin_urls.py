"""Administration of organisations, teams and staff (system administrators)."""

from django.urls import URLPattern, path

from . import admin_views as v

urlpatterns: list[URLPattern] = [
    path("", v.index, name="admin-home"),
    path("organisations/", v.organisations, name="admin-organisations"),
    path("organisations/add/", v.organisation_add, name="admin-organisation-add"),
    path("organisations/<int:org_id>/edit/", v.organisation_edit, name="admin-organisation-edit"),
    path("teams/", v.teams, name="admin-teams"),
    path("teams/add/", v.team_add, name="admin-team-add"),
    path("teams/<int:team_id>/edit/", v.team_edit, name="admin-team-edit"),
    path("staff/", v.staff_list, name="admin-staff"),
    path("staff/add/", v.staff_add, name="admin-staff-add"),
    path("staff/<int:staff_id>/", v.staff_detail, name="admin-staff-detail"),
    path("staff/<int:staff_id>/edit/", v.staff_edit, name="admin-staff-edit"),
    path("staff/<int:staff_id>/password/", v.staff_password, name="admin-staff-password"),
    path("staff/<int:staff_id>/roles/add/", v.role_add, name="admin-role-add"),
    path("staff/<int:staff_id>/roles/<int:role_id>/end/", v.role_end, name="admin-role-end"),
    path("staff/<int:staff_id>/deactivate/", v.staff_deactivate, name="admin-staff-deactivate"),
    path("staff/<int:staff_id>/reactivate/", v.staff_reactivate, name="admin-staff-reactivate"),
    path("staff/<int:staff_id>/reset-mfa/", v.staff_reset_mfa, name="admin-staff-reset-mfa"),
    path("staff/<int:staff_id>/unlock/", v.staff_unlock, name="admin-staff-unlock"),
]
