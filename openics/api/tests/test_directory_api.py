"""Organisations, teams and staff through the API: read by staff, changed
only by the system administrator through the administration actions."""

from __future__ import annotations

from typing import Any

from openics.core.models import AuditEvent, Organisation, Team, User


def test_staff_read_the_directory_without_sign_in_details(world: Any, api: Any) -> None:
    response = api(world.tom_teacher).get(f"/api/v1/staff/{world.sam_sw.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Sam Tester"
    assert body["roles"] == [{"role": "sw", "organisation": world.la.pk, "team": world.north.pk}]
    assert "password" not in body and "username" not in body


def test_only_the_administrator_adds_an_organisation(world: Any, api: Any) -> None:
    data = {"name": "Northshire Youth Project", "kind": "voluntary"}
    refused = api(world.sean_sm).post("/api/v1/organisations/", data, format="json")
    assert refused.status_code == 403
    response = api(world.ada_admin).post("/api/v1/organisations/", data, format="json")
    assert response.status_code == 201
    org = Organisation.objects.get(pk=response.json()["id"])
    assert org.name == "Northshire Youth Project"
    assert AuditEvent.objects.filter(action="admin_create", user_id=world.ada_admin.pk).exists()


def test_organisation_errors_are_field_messages(world: Any, api: Any) -> None:
    response = api(world.ada_admin).post(
        "/api/v1/organisations/", {"name": "New School", "kind": "school", "urn": "114999"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"urn": ["Another school already has this URN"]}


def test_stale_team_edit_is_409(world: Any, api: Any) -> None:
    client = api(world.ada_admin)
    url = f"/api/v1/teams/{world.south.pk}/"
    assert client.patch(url, {"version": 1, "name": "South West"}, format="json").status_code == 200
    stale = client.patch(url, {"version": 1, "name": "South East"}, format="json")
    assert stale.status_code == 409
    assert Team.objects.get(pk=world.south.pk).name == "South West"
    assert client.patch(url, {"name": "No version"}, format="json").status_code == 400


def test_deactivating_staff_ends_their_api_access(world: Any, api: Any) -> None:
    tom = api(world.tom_teacher)
    assert tom.get(f"/api/v1/people/{world.amy.pk}/").status_code == 200
    response = api(world.ada_admin).post(f"/api/v1/staff/{world.tom_teacher.pk}/deactivate/", format="json")
    assert response.status_code == 200
    assert not User.objects.get(pk=world.tom_teacher.pk).is_active
    assert tom.get(f"/api/v1/people/{world.amy.pk}/").status_code in {401, 403}


def test_administrator_cannot_deactivate_herself(world: Any, api: Any) -> None:
    response = api(world.ada_admin).post(f"/api/v1/staff/{world.ada_admin.pk}/deactivate/", format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["You cannot deactivate your own account"]}


def test_new_staff_with_a_weak_password_gets_a_field_error(world: Any, api: Any) -> None:
    response = api(world.ada_admin).post(
        "/api/v1/staff/",
        {"username": "new_sw", "last_name": "Starter", "organisation": world.la.pk, "temporary_password": "short"},
        format="json",
    )
    assert response.status_code == 400
    assert "password" in response.json()
    assert not User.objects.filter(username="new_sw").exists()
