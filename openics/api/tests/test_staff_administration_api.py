"""Account administration through the API: roles, authenticator reset,
temporary passwords and API tokens, only for the system administrator and
through the administration actions (which validate and audit)."""

from __future__ import annotations

from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from openics.core.models import ApiToken, AuditEvent, RoleAssignment, User


def staff_url(user: User, tail: str) -> str:
    return f"/api/v1/staff/{user.pk}/{tail}"


@pytest.mark.parametrize("persona", ["sam_sw", "sean_sm", "dee_dsl", "tom_teacher"])
@pytest.mark.parametrize(
    "tail", ["roles/", "reset-mfa/", "temporary-password/", "tokens/", "tokens/revoke/", "roles/1/end/"]
)
def test_no_one_else_finds_the_administration_operations(world: Any, api: Any, persona: str, tail: str) -> None:
    response = api(getattr(world, persona)).post(staff_url(world.tom_teacher, tail), {}, format="json")
    assert response.status_code == 404


def test_others_cannot_list_tokens(world: Any, api: Any) -> None:
    assert api(world.tom_teacher).get(staff_url(world.tom_teacher, "tokens/")).status_code == 404
    assert api(None).get(staff_url(world.tom_teacher, "tokens/")).status_code == 401


def test_administrator_assigns_and_ends_a_role(world: Any, api: Any) -> None:
    admin = api(world.ada_admin)
    response = admin.post(
        staff_url(world.olu_other, "roles/"),
        {"role": "pm", "organisation": world.la.pk, "team": world.south.pk},
        format="json",
    )
    assert response.status_code == 201, response.json()
    role_id = response.json()["id"]
    assert RoleAssignment.objects.get(pk=role_id).user_id == world.olu_other.pk
    ended = admin.post(staff_url(world.olu_other, f"roles/{role_id}/end/"), {}, format="json")
    assert ended.status_code == 200
    assert ended.json()["ended_on"] is not None
    actions = set(AuditEvent.objects.filter(user_id=world.ada_admin.pk).values_list("action", flat=True))
    assert {"admin_assign_role", "admin_end_role"} <= actions


def test_a_social_care_role_without_a_team_is_a_field_error(world: Any, api: Any) -> None:
    response = api(world.ada_admin).post(
        staff_url(world.olu_other, "roles/"), {"role": "sw", "organisation": world.la.pk}, format="json"
    )
    assert response.status_code == 400
    assert "team" in response.json()


def test_ending_another_persons_role_is_not_found(world: Any, api: Any) -> None:
    sams_role = RoleAssignment.objects.filter(user=world.sam_sw).first()
    assert sams_role is not None
    response = api(world.ada_admin).post(staff_url(world.tom_teacher, f"roles/{sams_role.pk}/end/"), format="json")
    assert response.status_code == 404
    assert RoleAssignment.objects.get(pk=sams_role.pk).ended_on is None


def test_reset_mfa_removes_the_authenticator(world: Any, api: Any) -> None:
    TOTPDevice.objects.create(user=world.dee_dsl, name="Phone", confirmed=True)
    response = api(world.ada_admin).post(staff_url(world.dee_dsl, "reset-mfa/"), format="json")
    assert response.status_code == 200
    assert response.json() == {"count": 1}
    assert not TOTPDevice.objects.filter(user=world.dee_dsl).exists()


def test_temporary_password(world: Any, api: Any) -> None:
    admin = api(world.ada_admin)
    weak = admin.post(staff_url(world.tom_teacher, "temporary-password/"), {"password": "short"}, format="json")
    assert weak.status_code == 400
    assert "password" in weak.json()
    response = admin.post(
        staff_url(world.tom_teacher, "temporary-password/"), {"password": "a long temporary passphrase"}, format="json"
    )
    assert response.status_code == 204
    assert User.objects.get(pk=world.tom_teacher.pk).check_password("a long temporary passphrase")


def test_an_issued_token_works_once_shown_and_stops_when_revoked(world: Any, api: Any) -> None:
    admin = api(world.ada_admin)
    issued = admin.post(staff_url(world.tom_teacher, "tokens/"), {"name": "School MIS", "days": 30}, format="json")
    assert issued.status_code == 201
    key = issued.json()["key"]
    assert key.startswith(issued.json()["prefix"])
    # The key is not stored and never listed again.
    listed = admin.get(staff_url(world.tom_teacher, "tokens/")).json()
    assert [t["name"] for t in listed] == ["School MIS"]
    assert key not in str(listed) and "key" not in listed[0]
    assert not ApiToken.objects.filter(key_hash=key).exists()

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(f"/api/v1/people/{world.amy.pk}/", secure=True).status_code == 200

    revoked = admin.post(staff_url(world.tom_teacher, "tokens/revoke/"), format="json")
    assert revoked.json() == {"count": 1}
    assert client.get(f"/api/v1/people/{world.amy.pk}/", secure=True).status_code == 401
    actions = set(AuditEvent.objects.filter(user_id=world.ada_admin.pk).values_list("action", flat=True))
    assert {"api_token_issue", "api_token_revoke"} <= actions


def test_token_length_is_checked(world: Any, api: Any) -> None:
    response = api(world.ada_admin).post(staff_url(world.tom_teacher, "tokens/"), {"days": 1000}, format="json")
    assert response.status_code == 400
    assert "days" in response.json()


def test_no_token_for_a_disabled_account(world: Any, api: Any) -> None:
    admin = api(world.ada_admin)
    assert admin.post(staff_url(world.tom_teacher, "deactivate/"), format="json").status_code == 200
    response = admin.post(staff_url(world.tom_teacher, "tokens/"), {}, format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["You cannot issue a token to a deactivated account"]}
