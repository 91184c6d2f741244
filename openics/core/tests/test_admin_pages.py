"""System administrators manage organisations, teams and staff through the
`/manage/` pages; nobody else can even see that the pages exist."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from openics.core.models import AuditEvent, Organisation, OrganisationKind, RoleAssignment, Team, User
from openics.core.roles import Role


@pytest.fixture(autouse=True)
def _quick_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _post(client, url, data):
    return client.post(url, data, secure=True)


def _get(client, url):
    return client.get(url, secure=True)


def test_ada_sets_up_a_school_a_team_and_a_social_worker(world, client_for):
    client = client_for(world.ada_admin)

    response = _post(
        client,
        "/manage/organisations/add/",
        {"name": "Hilltop Primary", "kind": "school", "nation": "ENG", "urn": "123456", "local_authority": world.la.pk},
    )
    assert response.status_code == 302
    school = Organisation.objects.get(urn="123456")
    assert school.kind == OrganisationKind.SCHOOL and school.local_authority == world.la and school.active
    assert "Hilltop Primary" in _get(client, "/manage/organisations/?q=hilltop").content.decode()

    response = _post(
        client,
        "/manage/teams/add/",
        {"organisation": world.la.pk, "name": "Family Support East", "parent": world.service.pk},
    )
    assert response.status_code == 302
    team = Team.objects.get(name="Family Support East")
    assert team.parent == world.service and team.organisation == world.la

    response = _post(
        client,
        "/manage/staff/add/",
        {
            "username": "erin_sw",
            "first_name": "Erin",
            "last_name": "Walker",
            "email": "erin@example.org",
            "organisation": world.la.pk,
            "job_title": "Social worker",
            "role": Role.SOCIAL_WORKER,
            "team": team.pk,
            "temporary_password": "a long temporary passphrase",
        },
    )
    erin = User.objects.get(username="erin_sw")
    assert response.status_code == 302 and response["Location"] == f"/manage/staff/{erin.pk}/"
    assert erin.check_password("a long temporary passphrase")
    assignment = erin.role_assignments.get()
    assert (assignment.role, assignment.team, assignment.organisation) == (Role.SOCIAL_WORKER, team, world.la)

    page = _get(client, f"/manage/staff/{erin.pk}/").content.decode()
    assert "Erin Walker" in page and "Family Support East" in page
    listed = _get(client, f"/manage/staff/?team={team.pk}&role=sw&status=active").content.decode()
    assert "erin_sw" in listed and "sam_sw" not in listed

    # Each change is in the audit trail, naming the administrator.
    actions = list(AuditEvent.objects.filter(user_id=world.ada_admin.pk).values_list("action", "object_type"))
    assert ("admin_create", "core.organisation") in actions
    assert ("admin_create", "core.team") in actions
    assert ("admin_create", "core.user") in actions


def test_a_second_role_and_ending_a_role_changes_access_at_the_next_request(world, client_for):
    admin = client_for(world.ada_admin)
    sam = Client()
    sam.force_login(world.sam_sw)
    assert _get(sam, f"/children/{world.amy.pk}/").status_code == 200

    role = world.sam_sw.role_assignments.get()
    assert _post(admin, f"/manage/staff/{world.sam_sw.pk}/roles/{role.pk}/end/", {}).status_code == 302
    role.refresh_from_db()
    assert role.ended_on is not None and not role.is_current
    # Sam is still the allocated worker, so she keeps Amy; but her team's
    # other children (allocated to the team, not to her) are gone.
    from openics.core import testing as t

    team_child = t.make_child("Team", "Child")
    t.allocate(team_child, world.north, None)
    assert _get(sam, f"/children/{team_child.pk}/").status_code == 404

    response = _post(
        admin,
        f"/manage/staff/{world.sam_sw.pk}/roles/add/",
        {"role": Role.SOCIAL_WORKER, "organisation": world.la.pk, "team": world.north.pk},
    )
    assert response.status_code == 302
    assert _get(sam, f"/children/{team_child.pk}/").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/manage/",
        "/manage/organisations/",
        "/manage/organisations/add/",
        "/manage/teams/",
        "/manage/staff/",
        "/manage/staff/add/",
    ],
)
def test_nobody_but_a_system_administrator_finds_the_pages(world, client_for, path):
    for persona in (world.sam_sw, world.sean_sm, world.dee_dsl, world.nina_nurse):
        client = Client()
        client.force_login(persona)
        assert _get(client, path).status_code == 404, persona
    assert _get(Client(), path).status_code == 302  # anonymous: sent to sign in
    assert AuditEvent.objects.filter(action="admin", outcome="denied", user_id=world.sam_sw.pk).exists()


def test_a_social_worker_cannot_deactivate_anyone(world, client_for):
    client = client_for(world.sam_sw)
    assert _post(client, f"/manage/staff/{world.olu_other.pk}/deactivate/", {}).status_code == 404
    world.olu_other.refresh_from_db()
    assert world.olu_other.is_active


def test_the_manage_link_is_shown_to_administrators_only(world, client_for):
    assert 'href="/manage/"' in _get(client_for(world.ada_admin), "/my-work/").content.decode()
    sam = Client()
    sam.force_login(world.sam_sw)
    assert 'href="/manage/"' not in _get(sam, "/my-work/").content.decode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "Bad School", "kind": "school", "nation": "ENG", "urn": "12ab"}, "urn", "Enter a 6-digit URN"),
        ({"name": "Bad School", "kind": "school", "nation": "ENG", "urn": ""}, "urn", "Enter a 6-digit URN"),
        (
            {"name": "Dup School", "kind": "school", "nation": "ENG", "urn": "114999"},
            "urn",
            "Another school already has this URN",
        ),
        (
            {"name": "New LA", "kind": "la", "nation": "ENG", "dfe_la_code": "88", "ons_code": "E10000099"},
            "dfe_la_code",
            "Enter a 3-digit DfE local authority code",
        ),
        (
            {"name": "New LA", "kind": "la", "nation": "ENG", "dfe_la_code": "882", "ons_code": "nonsense"},
            "ons_code",
            "Enter the 9-character ONS code",
        ),
        ({"name": "", "kind": "health", "nation": "ENG"}, "name", "Enter the name"),
        ({"name": "Odd", "kind": "spaceship", "nation": "ENG"}, "kind", "Select the kind"),
        ({"name": "Odd", "kind": "health", "nation": "ENG", "local_authority": "abc"}, "local_authority", "Select a"),
    ],
)
def test_organisation_errors_are_clear(world, client_for, data, field, message):
    response = _post(client_for(world.ada_admin), "/manage/organisations/add/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    assert f'href="#id_{field}' in page
    assert not Organisation.objects.filter(name=data["name"]).exclude(pk__in=[world.school.pk]).exists()


def test_team_and_staff_errors_are_clear(world, client_for):
    client = client_for(world.ada_admin)
    # A parent team must be in the same organisation.
    other = Team.objects.create(organisation=world.health, name="Health visitors")
    response = _post(client, "/manage/teams/add/", {"organisation": world.la.pk, "name": "X", "parent": other.pk})
    assert response.status_code == 400 and "Select a parent team in the same organisation" in response.content.decode()
    # A team cannot be moved inside a team below it.
    response = _post(
        client,
        f"/manage/teams/{world.service.pk}/edit/",
        {"organisation": world.la.pk, "name": world.service.name, "parent": world.north.pk, "version": "1"},
    )
    assert response.status_code == 400 and "cannot sit inside itself" in response.content.decode()
    # Duplicate team names in one organisation.
    response = _post(client, "/manage/teams/add/", {"organisation": world.la.pk, "name": "assessment team north"})
    assert response.status_code == 400 and "already a team with this name" in response.content.decode()

    base = {"username": "x_sw", "last_name": "X", "email": "x@example.org", "organisation": world.la.pk}
    response = _post(client, "/manage/staff/add/", {**base, "role": "sw"})
    assert response.status_code == 400 and "social care roles are held in a team" in response.content.decode()
    response = _post(client, "/manage/staff/add/", {**base, "temporary_password": "short"})
    assert response.status_code == 400 and "at least 12 characters" in response.content.decode()
    response = _post(client, "/manage/staff/add/", {**base, "username": "SAM_SW"})
    assert response.status_code == 400 and "This username is already taken" in response.content.decode()
    response = _post(client, "/manage/staff/add/", {**base, "email": "not-an-email", "organisation": "99999"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Enter an email address in the correct format" in page and "Select the person&#x27;s organisation" in page
    assert not User.objects.filter(username="x_sw").exists()
    # A role that has not started yet cannot end before it starts; a real date is asked for.
    response = _post(
        client,
        f"/manage/staff/{world.sam_sw.pk}/roles/add/",
        {
            "role": "iro",
            "organisation": world.la.pk,
            "team": world.service.pk,
            "started_on_day": "31",
            "started_on_month": "2",
            "started_on_year": "2025",
        },
    )
    assert response.status_code == 400 and "Start date must be a real date" in response.content.decode()
    # Unknown ids are a 404, not a server error.
    assert _get(client, "/manage/staff/999999/").status_code == 404
    assert _get(client, "/manage/organisations/999999/edit/").status_code == 404


def test_a_stale_edit_of_an_organisation_is_refused(world, client_for):
    client = client_for(world.ada_admin)
    data = {
        "name": "Grange Primary",
        "kind": "school",
        "nation": "ENG",
        "urn": "114999",
        "active": "on",
        "version": "1",
    }
    assert _post(client, f"/manage/organisations/{world.school.pk}/edit/", data).status_code == 302
    response = _post(client, f"/manage/organisations/{world.school.pk}/edit/", {**data, "name": "Grange Junior"})
    assert response.status_code == 400
    assert "Someone else changed this organisation since you opened it" in response.content.decode()
    world.school.refresh_from_db()
    assert world.school.name == "Grange Primary" and world.school.version == 2


def test_deactivating_a_user_ends_their_session_at_once(world, client_for):
    sam = Client()
    sam.force_login(world.sam_sw)
    assert _get(sam, "/my-work/").status_code == 200
    assert any(s.get_decoded().get("_auth_user_id") == str(world.sam_sw.pk) for s in Session.objects.all())

    admin = client_for(world.ada_admin)
    response = _post(admin, f"/manage/staff/{world.sam_sw.pk}/deactivate/", {})
    assert response.status_code == 302
    world.sam_sw.refresh_from_db()
    assert not world.sam_sw.is_active
    assert not any(s.get_decoded().get("_auth_user_id") == str(world.sam_sw.pk) for s in Session.objects.all())

    # Sam's very next request, on the browser she was already signed in on,
    # goes to sign in; her child's record is gone too.
    response = _get(sam, "/my-work/")
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")
    assert _get(sam, f"/children/{world.amy.pk}/").status_code == 302
    # The administrator's own session is untouched.
    assert _get(admin, "/manage/staff/").status_code == 200
    assert AuditEvent.objects.filter(action="admin_deactivate", object_id=str(world.sam_sw.pk)).exists()

    assert _post(admin, f"/manage/staff/{world.sam_sw.pk}/reactivate/", {}).status_code == 302
    world.sam_sw.refresh_from_db()
    assert world.sam_sw.is_active


def test_an_administrator_cannot_deactivate_herself(world, client_for):
    client = client_for(world.ada_admin)
    response = client.post(f"/manage/staff/{world.ada_admin.pk}/deactivate/", {}, secure=True, follow=True)
    assert "You cannot deactivate your own account" in response.content.decode()
    world.ada_admin.refresh_from_db()
    assert world.ada_admin.is_active


def test_reset_mfa_removes_the_authenticator_and_signs_out(world, client_for):
    TOTPDevice.objects.create(user=world.dee_dsl, name="Phone", confirmed=True)
    dee = Client()
    dee.force_login(world.dee_dsl)
    response = _post(client_for(world.ada_admin), f"/manage/staff/{world.dee_dsl.pk}/reset-mfa/", {})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=world.dee_dsl).exists()
    assert _get(dee, "/my-work/").status_code == 302


def test_temporary_password_and_staff_edit(world, client_for):
    client = client_for(world.ada_admin)
    url = f"/manage/staff/{world.tom_teacher.pk}/password/"
    response = _post(client, url, {"password": "tom_teacher"})
    assert response.status_code == 400 and "too short" in response.content.decode()
    assert _post(client, url, {"password": "another long passphrase"}).status_code == 302
    world.tom_teacher.refresh_from_db()
    assert world.tom_teacher.check_password("another long passphrase")

    response = _post(
        client,
        f"/manage/staff/{world.tom_teacher.pk}/edit/",
        {
            "username": "tom_teacher",
            "first_name": "Thomas",
            "last_name": "Teacher",
            "email": "tom@example.org",
            "organisation": world.school.pk,
            "version": str(world.tom_teacher.version),
        },
    )
    assert response.status_code == 302
    world.tom_teacher.refresh_from_db()
    assert world.tom_teacher.first_name == "Thomas" and world.tom_teacher.version == 2
    assert RoleAssignment.objects.filter(user=world.tom_teacher, role=Role.SCHOOL_STAFF).exists()


def test_a_partial_change_keeps_the_codes_it_does_not_mention(world):
    """The API changes one field at a time; the rest of the record still counts."""
    from openics.core import admin_actions

    school = admin_actions.do_update_organisation(world.school, actor=world.ada_admin, data={"phone": "01234 567890"})
    assert (school.urn, school.phone, school.version) == ("114999", "01234 567890", 2)
    la = admin_actions.do_update_organisation(world.la, actor=world.ada_admin, data={"name": "Northshire Council"})
    assert (la.name, la.dfe_la_code, la.ons_code) == ("Northshire Council", "881", "E10000012")
    with pytest.raises(ValidationError) as refused:
        admin_actions.do_update_organisation(world.school, actor=world.ada_admin, data={"urn": "1234"})
    assert refused.value.message_dict == {"urn": ["Enter a 6-digit URN"]}


@pytest.mark.parametrize("extra", [0, 25])
def test_list_pages_do_not_grow_queries_with_data(world, client_for, django_assert_num_queries, extra):
    from openics.core import testing as t

    for i in range(extra):
        t.make_user(f"extra{i}", Role.SOCIAL_WORKER, organisation=world.la, team=world.south)
        t.make_org(f"Extra School {i}", OrganisationKind.SCHOOL, world.la, urn=f"2{i:05d}")
        Team.objects.create(organisation=world.la, name=f"Extra team {i}", parent=world.service)
    client = client_for(world.ada_admin)
    # Every page: 1 session, 2 the user, 3 the administrator's roles (the
    # session is re-saved at most once a minute, so not here).
    # Staff: 4 count, 5-6 the filter's organisations and teams, 7 the page
    # of staff with organisation, 8 their current roles with team and organisation.
    # Organisations and teams: 4 count, 5 the page with its related rows.
    expected = {
        "/manage/staff/": 8,
        "/manage/staff/?role=sw&status=active": 8,
        "/manage/organisations/": 5,
        "/manage/teams/": 5,
    }
    for url, count in expected.items():
        with django_assert_num_queries(count):
            assert _get(client, url).status_code == 200
