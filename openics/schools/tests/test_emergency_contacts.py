"""Pupils without two usable emergency contacts are listed, with what to put
right; the list costs the same queries however many pupils."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openics.core import testing as t
from openics.core.models import Person, Relationship


def _contact(child: Person, order: int, phone: str = "07700 900123", name: str = "Jo") -> Relationship:
    adult = Person.objects.create(is_child=False, first_name=name, last_name="Contact", phone=phone)
    return Relationship.objects.create(child=child, person=adult, kind="mother", emergency_contact_order=order)


def test_list_of_pupils_lacking_two_contacts(world: Any, client_for: Any) -> None:
    client = client_for(world.dee_dsl)
    url = reverse("school-emergency-contacts", args=[world.school.pk])
    page = client.get(url, secure=True).content.decode()
    assert "Amy Example" in page and "No emergency contact" in page

    _contact(world.amy, 1)
    _contact(world.amy, 2, phone="", name="Kim")
    page = client.get(url, secure=True).content.decode()
    assert "Amy Example" in page
    assert "Kim Contact has no phone number" in page

    _contact(world.amy, 3, name="Pat")
    page = client.get(url, secure=True).content.decode()
    assert "Amy Example" not in page
    assert "Every pupil has at least two emergency contacts" in page


def test_ended_relationship_does_not_count(world: Any, client_for: Any) -> None:
    import datetime as dt

    _contact(world.amy, 1)
    ended = _contact(world.amy, 2, name="Sid")
    ended.ended_on = dt.date(2020, 1, 1)
    ended.save(update_fields=["ended_on"])
    page = client_for(world.dee_dsl).get(reverse("school-emergency-contacts", args=[world.school.pk]), secure=True)
    assert "1 usable of the 2 needed" in page.content.decode()


def test_query_count_does_not_grow_with_the_roll(world: Any, client_for: Any) -> None:
    client = client_for(world.dee_dsl)
    url = reverse("school-emergency-contacts", args=[world.school.pk])
    client.get(url, secure=True)
    with CaptureQueriesContext(connection) as small:
        client.get(url, secure=True)
    for i in range(5):
        child = t.make_child(f"Pupil{i}", "Roll")
        t.enrol(child, world.school)
        _contact(child, 1)
    with CaptureQueriesContext(connection) as large:
        client.get(url, secure=True)
    assert len(large) == len(small)


def test_other_staff_cannot_see_the_list(world: Any, client_for: Any) -> None:
    url = reverse("school-emergency-contacts", args=[world.school.pk])
    assert client_for(world.tom_teacher).get(url, secure=True).status_code == 404
    assert client_for(world.oscar_dsl).get(url, secure=True).status_code == 404
