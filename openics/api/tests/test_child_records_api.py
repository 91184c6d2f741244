"""What hangs off a child through the API: relationships, involvement,
allocation, chronology, who viewed, and sharing with partners."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from openics.core import testing as t
from openics.core.models import (
    AuditEvent,
    ChronologyEntry,
    Involvement,
    InvolvementKind,
    Person,
    Relationship,
    Share,
)


def url(w: Any, tail: str) -> str:
    return f"/api/v1/people/{w.amy.pk}/{tail}"


def test_add_a_new_adult_as_a_relationship_and_end_it(world: Any, api: Any) -> None:
    client = api(world.sam_sw)
    response = client.post(
        url(world, "relationships/"),
        {"new_adult": {"first_name": "Jo", "last_name": "Example"}, "kind": "mother", "parental_responsibility": True},
        format="json",
    )
    assert response.status_code == 201
    rel = Relationship.objects.get(pk=response.json()["id"])
    assert (rel.child, rel.kind, rel.parental_responsibility, rel.person.is_child) == (world.amy, "mother", True, False)
    listed = client.get(url(world, "relationships/")).json()
    assert [row["person"]["last_name"] for row in listed] == ["Example"]

    ended = client.post(url(world, f"relationships/{rel.pk}/end/"), {"ended_on": "2025-01-01"}, format="json")
    assert ended.status_code == 200
    rel.refresh_from_db()
    assert rel.ended_on == dt.date(2025, 1, 1)
    assert client.get(url(world, "relationships/")).json() == []


def test_relationship_needs_a_person_the_user_may_reach(world: Any, api: Any) -> None:
    stranger = t.make_child("Zed", "Stranger")
    client = api(world.sam_sw)
    response = client.post(url(world, "relationships/"), {"person": stranger.pk, "kind": "sibling"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"person": ["Select a person you have access to."]}
    neither = client.post(url(world, "relationships/"), {"kind": "sibling"}, format="json")
    assert neither.status_code == 400


def test_the_same_relationship_twice_is_a_field_error(world: Any, api: Any) -> None:
    sibling = t.make_child("Bea", "Example")
    t.allocate(sibling, world.north, world.sam_sw)
    client = api(world.sam_sw)
    data = {"person": sibling.pk, "kind": "sibling"}
    assert client.post(url(world, "relationships/"), data, format="json").status_code == 201
    again = client.post(url(world, "relationships/"), data, format="json")
    assert again.status_code == 400
    assert "kind" in again.json()


def test_relationship_of_another_child_cannot_be_ended_through_amy(world: Any, api: Any) -> None:
    other = t.make_child("Cal", "Other")
    t.allocate(other, world.north, world.sam_sw)
    adult = Person.objects.create(is_child=False, last_name="Parent")
    rel = Relationship.objects.create(child=other, person=adult, kind="father")
    response = api(world.sam_sw).post(url(world, f"relationships/{rel.pk}/end/"), {}, format="json")
    assert response.status_code == 404
    rel.refresh_from_db()
    assert rel.ended_on is None


def test_involvement_add_and_end(world: Any, api: Any) -> None:
    client = api(world.dee_dsl)
    response = client.post(
        url(world, "involvements/"),
        {"kind": "agency", "organisation": world.health.pk, "worker": world.nina_nurse.pk},
        format="json",
    )
    assert response.status_code == 201
    inv = Involvement.objects.get(pk=response.json()["id"])
    assert (inv.kind, inv.worker) == ("agency", world.nina_nurse)
    # Now involved, the nurse can see Amy's core record.
    assert api(world.nina_nurse).get(url(world, "")).status_code == 200
    assert client.post(url(world, f"involvements/{inv.pk}/end/"), {}, format="json").status_code == 200
    assert api(world.nina_nurse).get(url(world, "")).status_code == 404


def test_involvement_worker_must_belong_to_the_agency(world: Any, api: Any) -> None:
    response = api(world.sam_sw).post(
        url(world, "involvements/"),
        {"kind": "agency", "organisation": world.health.pk, "worker": world.dee_dsl.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "worker" in response.json()


def test_allocation_through_involvements_is_refused(world: Any, api: Any) -> None:
    response = api(world.pat_pm).post(
        url(world, "involvements/"), {"kind": "allocated", "organisation": world.la.pk}, format="json"
    )
    assert response.status_code == 400
    assert "kind" in response.json()


def test_only_a_manager_may_end_the_allocation(world: Any, api: Any) -> None:
    allocation = Involvement.objects.get(child=world.amy, kind=InvolvementKind.ALLOCATED)
    assert (
        api(world.sam_sw).post(url(world, f"involvements/{allocation.pk}/end/"), {}, format="json").status_code == 404
    )
    assert (
        api(world.pat_pm).post(url(world, f"involvements/{allocation.pk}/end/"), {}, format="json").status_code == 200
    )


def test_manager_reallocates_and_the_old_allocation_ends(world: Any, api: Any) -> None:
    south_worker = world.olu_other
    response = api(world.sean_sm).post(
        url(world, "allocation/"), {"team": world.south.pk, "worker": south_worker.pk}, format="json"
    )
    assert response.status_code == 201
    current = Involvement.objects.current().get(child=world.amy, kind=InvolvementKind.ALLOCATED)
    assert (current.team, current.worker) == (world.south, south_worker)
    # Access follows at once: Olu now sees Amy, and Sam no longer does.
    assert api(world.olu_other).get(url(world, "")).status_code == 200
    assert api(world.sam_sw).get(url(world, "")).status_code == 404


def test_allocation_refuses_a_worker_outside_the_team(world: Any, api: Any) -> None:
    response = api(world.pat_pm).post(
        url(world, "allocation/"), {"team": world.north.pk, "worker": world.olu_other.pk}, format="json"
    )
    assert response.status_code == 400
    assert "worker" in response.json()


def test_allocation_is_for_managers_only(world: Any, api: Any) -> None:
    response = api(world.sam_sw).post(url(world, "allocation/"), {"team": world.north.pk}, format="json")
    assert response.status_code == 404


def test_chronology_shows_only_the_parts_the_user_may_see(world: Any, api: Any) -> None:
    for part, summary in (("core", "Moved house"), ("social_care", "Strategy discussion")):
        ChronologyEntry.objects.create(
            child=world.amy, occurred_on=dt.date(2025, 1, 2), kind="manual", summary=summary, part=part
        )
    sam = api(world.sam_sw).get(url(world, "chronology/")).json()
    dee = api(world.dee_dsl).get(url(world, "chronology/")).json()
    assert {row["summary"] for row in sam["results"]} == {"Moved house", "Strategy discussion"}
    assert {row["summary"] for row in dee["results"]} == {"Moved house"}


def test_chronology_entry_is_added_in_a_visible_part_only(world: Any, api: Any) -> None:
    entry = {"occurred_on": "2025-03-04", "summary": "Home visit", "significance": "significant"}
    sam = api(world.sam_sw).post(url(world, "chronology/"), {**entry, "part": "social_care"}, format="json")
    assert sam.status_code == 201
    created = ChronologyEntry.objects.get(pk=sam.json()["id"])
    assert (created.is_manual, created.entered_by, created.part) == (True, world.sam_sw, "social_care")
    dee = api(world.dee_dsl).post(url(world, "chronology/"), {**entry, "part": "social_care"}, format="json")
    assert dee.status_code == 400
    assert dee.json() == {"part": ["Select a part of the record you have access to."]}


def test_chronology_entry_cannot_be_in_the_future(world: Any, api: Any) -> None:
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = api(world.sam_sw).post(
        url(world, "chronology/"), {"occurred_on": tomorrow, "summary": "Later"}, format="json"
    )
    assert response.status_code == 400
    assert "occurred_on" in response.json()


def test_who_viewed_is_for_those_who_may_write(world: Any, api: Any) -> None:
    api(world.tom_teacher).get(url(world, ""))
    assert api(world.tom_teacher).get(url(world, "who-viewed/")).status_code == 404
    response = api(world.pat_pm).get(url(world, "who-viewed/"))
    assert response.status_code == 200
    rows = response.json()["results"]
    assert any(row["username"] == "tom_teacher" and row["action"] == "view" for row in rows)
    assert any(row["username"] == "tom_teacher" and row["outcome"] == "denied" for row in rows)


def _share(expires: dt.datetime, parts: list[str], w: Any) -> dict[str, Any]:
    return {
        "organisation": w.health.pk,
        "parts": parts,
        "lawful_basis": "public_task_safeguarding",
        "reason": "Health visitor supporting the family",
        "expires_at": expires.isoformat(),
    }


def test_share_gives_the_partner_access_until_revoked(world: Any, api: Any) -> None:
    assert api(world.nina_nurse).get(url(world, "")).status_code == 404
    sam = api(world.sam_sw)
    response = sam.post(
        url(world, "shares/"), _share(timezone.now() + dt.timedelta(days=30), ["core"], world), format="json"
    )
    assert response.status_code == 201
    share = Share.objects.get(pk=response.json()["id"])
    assert (share.lawful_basis, share.shared_by) == ("public_task_safeguarding", world.sam_sw)
    event = AuditEvent.objects.get(action="share")
    assert event.detail == {"parts": ["core"], "lawful_basis": "public_task_safeguarding"}
    assert api(world.nina_nurse).get(url(world, "")).status_code == 200

    assert sam.post(url(world, f"shares/{share.pk}/revoke/"), {}, format="json").status_code == 200
    assert api(world.nina_nurse).get(url(world, "")).status_code == 404


def test_share_is_refused_for_unseen_parts_past_dates_and_no_basis(world: Any, api: Any) -> None:
    dee = api(world.dee_dsl)
    later = timezone.now() + dt.timedelta(days=30)
    unseen = dee.post(url(world, "shares/"), _share(later, ["social_care"], world), format="json")
    assert unseen.status_code == 400
    assert "parts" in unseen.json()
    past = dee.post(
        url(world, "shares/"), _share(timezone.now() - dt.timedelta(days=1), ["core"], world), format="json"
    )
    assert past.status_code == 400
    assert "expires_at" in past.json()
    no_basis = {**_share(later, ["core"], world), "lawful_basis": ""}
    assert dee.post(url(world, "shares/"), no_basis, format="json").status_code == 400
    assert not Share.objects.exists()


def test_readers_who_may_not_write_cannot_share(world: Any, api: Any) -> None:
    later = timezone.now() + dt.timedelta(days=30)
    response = api(world.tom_teacher).post(url(world, "shares/"), _share(later, ["core"], world), format="json")
    assert response.status_code == 404
