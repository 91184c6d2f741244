"""Possible duplicates through the API: the same rules as the add-a-child
page.  Records the user may see are listed, others only flagged, restricted
ones never revealed; opening a record with likely matches needs a
confirmation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from openics.core.models import AuditEvent, Person
from openics.core.testing import allocate, make_child

MATCHES = "/api/v1/people/matches/"
PEOPLE = "/api/v1/people/"
AMY_AGAIN = {"first_name": "Amy", "last_name": "Example", "date_of_birth": "2016-05-04"}


def test_the_allocated_worker_sees_amy_as_a_match(world: Any, api: Any) -> None:
    response = api(world.sam_sw).post(MATCHES, AMY_AGAIN, format="json")
    assert response.status_code == 200
    body = response.json()
    assert [m["id"] for m in body["matches"]] == [world.amy.pk]
    assert body["others_may_exist"] is False
    # Showing a record in a list of matches is audited, as on the page.
    assert AuditEvent.objects.filter(action="search_hit", user_id=world.sam_sw.pk, child_id=world.amy.pk).exists()


def test_a_worker_in_another_team_is_only_told_a_record_may_exist(world: Any, api: Any) -> None:
    response = api(world.olu_other).post(MATCHES, AMY_AGAIN, format="json")
    assert response.status_code == 200
    assert response.json() == {"matches": [], "others_may_exist": True}


def test_a_restricted_record_is_never_revealed(world: Any, api: Any) -> None:
    sealed = make_child(first_name="Zed", last_name="Sealed", restriction="adoption")
    allocate(sealed, world.north, world.sam_sw)
    details = {"first_name": "Zed", "last_name": "Sealed", "date_of_birth": "2016-05-04"}
    for persona in (world.sam_sw, world.olu_other):
        response = api(persona).post(MATCHES, details, format="json")
        assert response.json() == {"matches": [], "others_may_exist": False}
    # Nor does opening a second record stop on it.
    created = api(world.olu_other).post(PEOPLE, details, format="json")
    assert created.status_code == 201


def test_matches_need_a_name_or_an_identifier(world: Any, api: Any) -> None:
    response = api(world.sam_sw).post(MATCHES, {"first_name": "Amy"}, format="json")
    assert response.status_code == 400
    assert "last_name" in response.json()


def test_only_social_care_staff_look_for_matches(world: Any, api: Any) -> None:
    assert api(world.tom_teacher).post(MATCHES, AMY_AGAIN, format="json").status_code == 403
    assert api(None).post(MATCHES, AMY_AGAIN, format="json").status_code == 401


def test_opening_a_likely_duplicate_is_refused_with_the_matches(world: Any, api: Any) -> None:
    before = Person.objects.count()
    response = api(world.sam_sw).post(PEOPLE, AMY_AGAIN, format="json")
    assert response.status_code == 400
    body = response.json()
    assert "confirm_new" in body
    assert [m["id"] for m in body["matches"]] == [world.amy.pk]
    assert Person.objects.count() == before


def test_a_confirmed_new_record_is_opened(world: Any, api: Any) -> None:
    response = api(world.sam_sw).post(PEOPLE, {**AMY_AGAIN, "confirm_new": True}, format="json")
    assert response.status_code == 201
    assert response.json()["id"] != world.amy.pk
    assert "confirm_new" not in response.json()


def test_a_child_with_no_likely_match_needs_no_confirmation(world: Any, api: Any) -> None:
    details = {"first_name": "Quentin", "last_name": "Novel", "date_of_birth": str(dt.date(2021, 3, 3))}
    assert api(world.sam_sw).post(MATCHES, details, format="json").json() == {
        "matches": [],
        "others_may_exist": False,
    }
    assert api(world.sam_sw).post(PEOPLE, details, format="json").status_code == 201


def test_a_matching_identifier_is_a_match_whatever_the_name(world: Any, api: Any) -> None:
    response = api(world.pat_pm).post(MATCHES, {"la_child_id": "nc000001"}, format="json")
    assert [m["id"] for m in response.json()["matches"]] == [world.amy.pk]
