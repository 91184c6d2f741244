"""People through the API: the same chokepoint, audit and actions as the pages."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pytest
from django.utils import timezone

from openics.core.admin_actions import do_issue_api_token, do_revoke_api_tokens
from openics.core.models import ApiToken, AuditEvent, Involvement, InvolvementKind, Person

PEOPLE = "/api/v1/people/"


def amy_url(w: Any, tail: str = "") -> str:
    return f"{PEOPLE}{w.amy.pk}/{tail}"


def test_allocated_worker_reads_the_child_and_the_view_is_audited(world: Any, api: Any) -> None:
    response = api(world.sam_sw).get(amy_url(world))
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == world.amy.pk
    assert body["last_name"] == "Example"
    assert body["version"] == 1
    event = AuditEvent.objects.filter(action="view", child_id=world.amy.pk).latest("id")
    assert event.user_id == world.sam_sw.pk
    assert event.outcome == "allowed"
    assert event.detail == {"page": "overview", "via": "api"}


@pytest.mark.parametrize("tail", ["", "chronology/", "relationships/", "involvements/", "who-viewed/", "shares/"])
def test_worker_in_another_team_gets_404_and_the_denial_is_audited(world: Any, api: Any, tail: str) -> None:
    response = api(world.olu_other).get(amy_url(world, tail))
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    denial = AuditEvent.objects.get(user_id=world.olu_other.pk)
    assert denial.outcome == "denied"
    assert denial.child_id == world.amy.pk
    assert denial.action == "access"


def test_missing_and_forbidden_look_the_same(world: Any, api: Any) -> None:
    forbidden = api(world.olu_other).get(amy_url(world))
    missing = api(world.olu_other).get(f"{PEOPLE}{world.amy.pk + 1000}/")
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.json() == missing.json()


def test_worker_in_another_team_cannot_change_the_child(world: Any, api: Any) -> None:
    response = api(world.olu_other).patch(amy_url(world), {"version": 1, "known_as": "X"}, format="json")
    assert response.status_code == 404
    assert Person.objects.get(pk=world.amy.pk).known_as == ""
    assert AuditEvent.objects.filter(user_id=world.olu_other.pk, outcome="denied").count() == 1


def test_list_shows_only_visible_children_and_audits_each_hit(world: Any, api: Any) -> None:
    response = api(world.sam_sw).get(PEOPLE, {"q": "Example"})
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [world.amy.pk]
    hit = AuditEvent.objects.get(action="search_hit")
    assert (hit.user_id, hit.child_id) == (world.sam_sw.pk, world.amy.pk)
    assert hit.detail == {"filters": ["q"], "via": "api"}

    other = api(world.olu_other).get(PEOPLE, {"q": "Example"})
    assert other.status_code == 200
    assert other.json()["results"] == []
    assert AuditEvent.objects.filter(action="search_hit").count() == 1


def test_bad_search_input_is_a_field_error(world: Any, api: Any) -> None:
    response = api(world.sam_sw).get(PEOPLE, {"date_of_birth": "31/02/2020", "q": "x" * 500})
    assert response.status_code == 400
    assert set(response.json()) == {"date_of_birth", "q"}


def test_edit_needs_the_version_it_started_from(world: Any, api: Any) -> None:
    response = api(world.sam_sw).patch(amy_url(world), {"known_as": "Ames"}, format="json")
    assert response.status_code == 400
    assert response.json()["version"] == ["This field is required."]
    assert Person.objects.get(pk=world.amy.pk).known_as == ""


def test_edit_with_the_current_version_saves_and_moves_it_on(world: Any, api: Any) -> None:
    response = api(world.sam_sw).patch(amy_url(world), {"version": 1, "known_as": "Ames"}, format="json")
    assert response.status_code == 200
    assert response.json()["known_as"] == "Ames"
    assert response.json()["version"] == 2
    amy = Person.objects.get(pk=world.amy.pk)
    assert (amy.known_as, amy.version) == ("Ames", 2)
    event = AuditEvent.objects.filter(action="update", child_id=amy.pk).get()
    assert event.detail == {"fields": ["known_as"]}


def test_stale_edit_is_refused_with_409(world: Any, api: Any) -> None:
    assert api(world.sam_sw).patch(amy_url(world), {"version": 1, "known_as": "Ames"}, format="json").status_code == 200
    # Pat started from version 1 too: Sam's change must not be overwritten.
    response = api(world.pat_pm).patch(amy_url(world), {"version": 1, "known_as": "Amelia"}, format="json")
    assert response.status_code == 409
    assert "Someone else changed this record" in response.json()["detail"]
    assert response.json()["current_version"] == 2
    assert Person.objects.get(pk=world.amy.pk).known_as == "Ames"


def test_put_replaces_the_details_and_needs_a_last_name(world: Any, api: Any) -> None:
    client = api(world.sam_sw)
    bad = client.put(amy_url(world), {"version": 1, "last_name": ""}, format="json")
    assert bad.status_code == 400
    assert "last_name" in bad.json()
    good = client.put(
        amy_url(world),
        {"version": 1, "first_name": "Amy", "last_name": "Sample", "date_of_birth": "2016-05-04"},
        format="json",
    )
    assert good.status_code == 200
    assert Person.objects.get(pk=world.amy.pk).last_name == "Sample"


def test_ids_and_versions_cannot_be_assigned(world: Any, api: Any) -> None:
    response = api(world.sam_sw).patch(
        amy_url(world), {"version": 1, "id": 999, "restriction": "high_risk", "merged_into": 1}, format="json"
    )
    assert response.status_code == 200
    amy = Person.objects.get(pk=world.amy.pk)
    assert (amy.pk, amy.restriction, amy.merged_into_id) == (world.amy.pk, "", None)


def test_social_worker_opens_a_record_allocated_to_her(world: Any, api: Any) -> None:
    response = api(world.sam_sw).post(
        PEOPLE, {"first_name": "Ben", "last_name": "Newchild", "date_of_birth": "2020-01-02"}, format="json"
    )
    assert response.status_code == 201
    child = Person.objects.get(pk=response.json()["id"])
    assert child.is_child
    allocation = Involvement.objects.get(child=child, kind=InvolvementKind.ALLOCATED)
    assert (allocation.team, allocation.worker) == (world.north, world.sam_sw)
    assert AuditEvent.objects.filter(action="create", child_id=child.pk, user_id=world.sam_sw.pk).exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"first_name": "Ben"}, "last_name"),
        ({"last_name": "Newchild"}, "date_of_birth"),
        ({"last_name": "Newchild", "date_of_birth": "2999-01-01"}, "date_of_birth"),
        ({"last_name": "Newchild", "date_of_birth": "yesterday"}, "date_of_birth"),
        (
            {"last_name": "N", "date_of_birth": "2020-01-01", "expected_date_of_birth": "2020-01-01"},
            "expected_date_of_birth",
        ),
        ({"last_name": "N", "date_of_birth": "2020-01-01", "sex": "Q"}, "sex"),
        ({"last_name": "N", "date_of_birth": "2020-01-01", "nhs_number": "1234567890"}, "nhs_number"),
        ({"last_name": "N", "date_of_birth": "2020-01-01", "upn": "nonsense"}, "upn"),
        ({"last_name": "N", "date_of_birth": "2020-01-01", "la_child_id": "NC000001"}, "la_child_id"),
        ({"last_name": "N\x00", "date_of_birth": "2020-01-01"}, "last_name"),
        ({"last_name": "N", "date_of_birth": "2020-01-01", "disabilities": ["XXXX"]}, "disabilities"),
    ],
)
def test_bad_new_child_gets_field_errors(world: Any, api: Any, data: dict[str, Any], field: str) -> None:
    before = Person.objects.count()
    response = api(world.sam_sw).post(PEOPLE, data, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert Person.objects.count() == before


def test_school_staff_cannot_open_a_record(world: Any, api: Any) -> None:
    response = api(world.dee_dsl).post(PEOPLE, {"last_name": "N", "date_of_birth": "2020-01-01"}, format="json")
    assert response.status_code == 403


def test_anonymous_gets_401_with_a_token_challenge(world: Any, api: Any) -> None:
    response = api(None).get(amy_url(world))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_token_authentication(world: Any, api: Any) -> None:
    key = do_issue_api_token(world.sam_sw, actor=world.ada_admin)
    client = api(None)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(amy_url(world)).status_code == 200
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get(amy_url(world)).status_code == 401


def test_only_a_hash_of_the_token_is_stored(world: Any) -> None:
    key = do_issue_api_token(world.sam_sw, actor=world.ada_admin)
    token = ApiToken.objects.get(user=world.sam_sw)
    assert key not in (token.key_hash, token.prefix)
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()


def test_expired_or_revoked_token_is_refused(world: Any, api: Any) -> None:
    key = do_issue_api_token(world.sam_sw, actor=world.ada_admin, days=1)
    client = api(None)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    ApiToken.objects.filter(user=world.sam_sw).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(amy_url(world)).status_code == 401
    key = do_issue_api_token(world.sam_sw, actor=world.ada_admin)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(amy_url(world)).status_code == 200
    do_revoke_api_tokens(world.sam_sw, actor=world.ada_admin)
    assert client.get(amy_url(world)).status_code == 401


def test_disabled_user_token_stops_working(world: Any, api: Any) -> None:
    key = do_issue_api_token(world.sam_sw, actor=world.ada_admin)
    world.sam_sw.is_active = False
    world.sam_sw.save(update_fields=["is_active"])
    client = api(None)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(amy_url(world)).status_code == 401


def test_session_without_second_factor_is_not_enough(world: Any, api: Any, settings: Any) -> None:
    settings.OPENICS_REQUIRE_MFA = True
    response = api(world.sam_sw).get(amy_url(world))
    assert response.status_code == 401
    assert not AuditEvent.objects.filter(action="view").exists()


def test_responses_are_not_cached(world: Any, api: Any) -> None:
    response = api(world.sam_sw).get(amy_url(world))
    assert response["Cache-Control"] == "no-store"


def test_schema_is_served_to_signed_in_staff(world: Any, api: Any) -> None:
    response = api(world.sam_sw).get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert "/api/v1/people/{id}/" in schema["paths"]
    assert api(None).get("/api/v1/schema/").status_code == 401


def test_api_token_command_issues_and_replaces_a_token(world: Any, api: Any) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("api_token", "sam_sw", stdout=out)
    first = out.getvalue().strip()
    out2 = StringIO()
    call_command("api_token", "sam_sw", stdout=out2)
    client = api(None)
    client.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    assert client.get(amy_url(world)).status_code == 401
    second = out2.getvalue().strip()
    client.credentials(HTTP_AUTHORIZATION=f"Token {second}")
    assert client.get(amy_url(world)).status_code == 200
    assert AuditEvent.objects.filter(action="api_token_issue", object_id=str(world.sam_sw.pk)).count() == 2
