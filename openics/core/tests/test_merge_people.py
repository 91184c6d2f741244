"""Merging a duplicate record, and an administrator reversing it."""

from __future__ import annotations

import functools

import pytest
from django.urls import reverse

from openics.core import actions
from openics.core import testing as t
from openics.core.models import (
    Address,
    AuditEvent,
    ChronologyEntry,
    Involvement,
    InvolvementKind,
    Person,
    PersonMerge,
    Relationship,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_for(client_for):  # type: ignore[no-untyped-def]
    """Every request over HTTPS, as in production."""

    def sign_in(user):  # type: ignore[no-untyped-def]
        client = client_for(user)
        client.get = functools.partial(client.get, secure=True)
        client.post = functools.partial(client.post, secure=True)
        return client

    return sign_in


@pytest.fixture
def duplicate(world):
    """A second record of Amy, opened by mistake, with its own history."""
    dup = t.make_child("Aimee", "Example", date_of_birth=world.amy.date_of_birth)
    t.allocate(dup, world.north, None)
    t.enrol(dup, world.other_school)
    Address.objects.create(person=dup, line1="4 Elm Road", town="Northtown", postcode="SS1 2AB")
    mum = Person.objects.create(is_child=False, first_name="Jo", last_name="Example")
    Relationship.objects.create(child=dup, person=mum, kind="mother", parental_responsibility=True)
    actions.do_add_chronology_entry(
        dup, actor=world.sam_sw, data={"occurred_on": world.amy.date_of_birth, "summary": "Health visitor concern"}
    )
    return dup


def snapshot(person: Person) -> dict[str, set[int]]:
    return {
        "relationships": set(Relationship.objects.filter(child=person).values_list("pk", flat=True)),
        "involvements": set(Involvement.objects.filter(child=person).values_list("pk", flat=True)),
        "enrolments": set(person.enrolments.values_list("pk", flat=True)),
        "chronology": set(ChronologyEntry.objects.filter(child=person).values_list("pk", flat=True)),
        "addresses": set(person.addresses.values_list("pk", flat=True)),
    }


def test_manager_merges_then_administrator_reverses(world, client_for, duplicate):
    amy_before, dup_before = snapshot(world.amy), snapshot(duplicate)
    pat = client_for(world.pat_pm)
    url = reverse("child-merge", args=[world.amy.pk])
    assert pat.get(url).status_code == 200
    response = pat.post(url, {"duplicate": str(duplicate.pk), "reason": "Same child, misspelt name"})
    assert response.status_code == 302

    duplicate.refresh_from_db()
    assert duplicate.merged_into == world.amy
    merged = snapshot(world.amy)
    for key in ("relationships", "enrolments", "addresses"):
        assert merged[key] == amy_before[key] | dup_before[key]
    assert dup_before["chronology"] <= merged["chronology"]
    # Amy kept her own open allocation; the duplicate's stays with it.
    assert Involvement.objects.current().filter(child=world.amy, kind=InvolvementKind.ALLOCATED).count() == 1
    # An old link to the duplicate leads to the kept record.
    old_link = pat.get(reverse("child-overview", args=[duplicate.pk]))
    assert old_link.status_code == 200 and "Health visitor concern" in old_link.content.decode()
    assert AuditEvent.objects.filter(action="merge", child_id=world.amy.pk, user_id=world.pat_pm.pk).exists()

    merge = PersonMerge.objects.get()
    ada = client_for(world.ada_admin)
    assert str(merge.duplicate_id) in ada.get(reverse("merges")).content.decode()
    assert ada.post(reverse("unmerge", args=[merge.pk]), {"reason": "Twins, not the same child"}).status_code == 302

    duplicate.refresh_from_db()
    assert duplicate.merged_into is None
    restored_amy, restored_dup = snapshot(world.amy), snapshot(duplicate)
    for key in ("relationships", "involvements", "enrolments", "addresses"):
        assert restored_amy[key] == amy_before[key]
        assert restored_dup[key] == dup_before[key]
    assert dup_before["chronology"] == restored_dup["chronology"]
    merge.refresh_from_db()
    assert merge.reversed_by == world.ada_admin and "Twins" in merge.reason
    assert AuditEvent.objects.filter(action="unmerge", user_id=world.ada_admin.pk).exists()
    # Reversing twice is refused: the page is gone.
    assert ada.get(reverse("unmerge", args=[merge.pk])).status_code == 404


def test_merge_needs_access_to_both_records(world, client_for):
    south_child = t.make_child("Amy", "Example")
    t.allocate(south_child, world.south, world.olu_other)
    response = client_for(world.pat_pm).post(
        reverse("child-merge", args=[world.amy.pk]), {"duplicate": str(south_child.pk), "reason": "Same"}
    )
    assert response.status_code == 400
    assert "Enter the number of another record you have access to" in response.content.decode()
    south_child.refresh_from_db()
    assert south_child.merged_into is None


def test_record_cannot_be_merged_into_itself(world, client_for):
    response = client_for(world.pat_pm).post(
        reverse("child-merge", args=[world.amy.pk]), {"duplicate": str(world.amy.pk), "reason": "Same"}
    )
    assert response.status_code == 400


def test_missing_reason_and_bad_number_are_clear_errors(world, client_for):
    response = client_for(world.pat_pm).post(reverse("child-merge", args=[world.amy.pk]), {"duplicate": "abc"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Enter the record number as digits" in page
    assert "Enter why these records are the same person" in page


def test_social_worker_cannot_merge_and_manager_cannot_unmerge(world, client_for, duplicate):
    assert client_for(world.sam_sw).get(reverse("child-merge", args=[world.amy.pk])).status_code == 404
    merge = actions.do_merge_people(world.amy, actor=world.pat_pm, duplicate=duplicate, reason="Same")
    pat = client_for(world.pat_pm)
    assert pat.get(reverse("merges")).status_code == 404
    assert pat.post(reverse("unmerge", args=[merge.pk]), {"reason": "No"}).status_code == 404
    merge.refresh_from_db()
    assert merge.reversed_at is None
