"""Changing a child's details, and refusing a stale save."""

from __future__ import annotations

import functools
from typing import Any

import pytest
from django.urls import reverse

from openics.core import actions
from openics.core.models import AuditEvent, Person

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


def form_data(person: Person, **extra: Any) -> dict[str, Any]:
    data = {
        "version": str(person.version),
        "first_name": person.first_name,
        "last_name": person.last_name,
        "known_as": person.known_as,
        "date_of_birth_day": str(person.date_of_birth.day),
        "date_of_birth_month": str(person.date_of_birth.month),
        "date_of_birth_year": str(person.date_of_birth.year),
        "sex": person.sex,
        "ethnicity": person.ethnicity,
        "religion": person.religion,
        "first_language": person.first_language,
        "la_child_id": person.la_child_id,
    }
    data.update(extra)
    return data


def test_social_worker_changes_details(world, client_for):
    client = client_for(world.sam_sw)
    url = reverse("child-edit", args=[world.amy.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        form_data(world.amy, known_as="Ames", first_language="Polish", interpreter_needed="on", disabilities=["HAND"]),
    )
    assert response.status_code == 302
    amy = Person.objects.get(pk=world.amy.pk)
    assert (amy.known_as, amy.first_language, amy.interpreter_needed) == ("Ames", "Polish", True)
    assert list(amy.disabilities.values_list("code", flat=True)) == ["HAND"]
    assert amy.version == world.amy.version + 1
    event = AuditEvent.objects.filter(action="update", child_id=amy.pk).latest("id")
    # Field names only: the new values stay out of the audit trail.
    assert "known_as" in event.detail["fields"] and "Ames" not in str(event.detail)


def test_stale_edit_is_refused_showing_the_other_change(world, client_for):
    url = reverse("child-edit", args=[world.amy.pk])
    started = form_data(world.amy)
    # Pat saves first, from the same starting version.
    actions.do_update_person(
        world.amy, actor=world.pat_pm, data={"known_as": "Mimi"}, expected_version=world.amy.version
    )
    response = client_for(world.sam_sw).post(url, {**started, "first_language": "Welsh"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else changed this record while you were editing" in page
    assert "Mimi" in page
    amy = Person.objects.get(pk=world.amy.pk)
    assert (amy.known_as, amy.first_language) == ("Mimi", "English")
    # The form now carries the current version: saving again is a decision.
    assert f'value="{amy.version}"' in page


def test_bad_nhs_number_is_a_clear_error(world, client_for):
    url = reverse("child-edit", args=[world.amy.pk])
    response = client_for(world.sam_sw).post(url, form_data(world.amy, nhs_number="1234567890"))
    assert response.status_code == 400
    assert "the check digit does not match" in response.content.decode()


def test_readers_who_may_not_write_cannot_edit(world, client_for):
    url = reverse("child-edit", args=[world.amy.pk])
    assert client_for(world.tom_teacher).get(url).status_code == 404
    assert client_for(world.olu_other).post(url, form_data(world.amy, known_as="X")).status_code == 404
    assert Person.objects.get(pk=world.amy.pk).known_as == ""


def test_address_history_is_kept(world, client_for):
    client = client_for(world.sam_sw)
    url = reverse("child-address-add", args=[world.amy.pk])
    first = {
        "line1": "1 Old Road",
        "town": "Northtown",
        "postcode": "ss1 1aa",
        "moved_in_day": "1",
        "moved_in_month": "1",
        "moved_in_year": "2020",
    }
    assert client.post(url, first).status_code == 302
    assert client.post(url, {"line1": "2 New Road", "town": "Northtown", "postcode": "SS2 6AB"}).status_code == 302
    addresses = list(world.amy.addresses.order_by("moved_in"))
    assert [a.postcode for a in addresses] == ["SS1 1AA", "SS2 6AB"]
    assert addresses[0].moved_out == addresses[1].moved_in
    bad = client.post(url, {"line1": "3 Road", "town": "Northtown", "postcode": "NOPE"})
    assert bad.status_code == 400
    assert "Enter a real postcode, like SS1 1AA" in bad.content.decode()
