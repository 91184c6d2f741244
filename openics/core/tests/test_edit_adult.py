"""Changing the details of an adult in a child's life, reached through the child."""

from __future__ import annotations

import functools
from typing import Any

import pytest
from django.urls import reverse

from openics.core import actions
from openics.core import testing as t
from openics.core.models import Address, AuditEvent, Person, Relationship

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
def mother(world) -> Person:  # type: ignore[no-untyped-def]
    jo = Person.objects.create(is_child=False, first_name="Jo", last_name="Example", phone="01234 000000")
    Relationship.objects.create(child=world.amy, person=jo, kind="mother", parental_responsibility=True)
    return jo


def form_data(person: Person, **extra: Any) -> dict[str, Any]:
    data = {
        "version": str(person.version),
        "first_name": person.first_name,
        "last_name": person.last_name,
        "sex": person.sex,
        "ethnicity": person.ethnicity,
        "religion": person.religion,
        "first_language": person.first_language,
        "phone": person.phone,
    }
    data.update(extra)
    return data


def test_overview_links_to_the_adults_details(world, client_for, mother):
    client = client_for(world.sam_sw)
    overview = client.get(reverse("child-overview", args=[world.amy.pk])).content.decode()
    url = reverse("child-person", args=[world.amy.pk, mother.pk])
    assert f'href="{url}"' in overview
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Jo Example" in text and "Mother" in text and "01234 000000" in text
    assert reverse("child-person-edit", args=[world.amy.pk, mother.pk]) in text
    # The view is audited against the child it was reached through.
    assert AuditEvent.objects.filter(
        action="view", object_type="core.person", object_id=str(mother.pk), child_id=world.amy.pk
    ).exists()


def test_school_staff_read_but_cannot_change(world, client_for, mother):
    client = client_for(world.tom_teacher)
    page = client.get(reverse("child-person", args=[world.amy.pk, mother.pk]))
    assert page.status_code == 200
    assert reverse("child-person-edit", args=[world.amy.pk, mother.pk]) not in page.content.decode()
    response = client.post(reverse("child-person-edit", args=[world.amy.pk, mother.pk]), form_data(mother))
    assert response.status_code == 404


def test_social_worker_changes_an_adults_details(world, client_for, mother):
    client = client_for(world.sam_sw)
    url = reverse("child-person-edit", args=[world.amy.pk, mother.pk])
    page = client.get(url).content.decode()
    # Child identifiers are not asked of an adult.
    assert 'name="upn"' not in page and 'name="la_child_id"' not in page
    assert 'name="nhs_number"' in page
    response = client.post(
        url,
        form_data(
            mother,
            known_as="Jojo",
            first_language="Polish",
            interpreter_needed="on",
            nhs_number="943 476 5919",
            email="jo@example.org",
            date_of_birth_day="1",
            date_of_birth_month="2",
            date_of_birth_year="1990",
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("child-person", args=[world.amy.pk, mother.pk])
    jo = Person.objects.get(pk=mother.pk)
    assert (jo.known_as, jo.first_language, jo.interpreter_needed, jo.nhs_number, jo.email) == (
        "Jojo",
        "Polish",
        True,
        "9434765919",
        "jo@example.org",
    )
    assert jo.version == mother.version + 1
    assert jo.is_child is False
    event = AuditEvent.objects.filter(action="update", object_id=str(jo.pk)).latest("id")
    assert "known_as" in event.detail["fields"] and "Jojo" not in str(event.detail)
    # The change shows in the trail of the child it was made through.
    assert event.child_id == world.amy.pk


def test_bad_nhs_number_is_a_clear_error(world, client_for, mother):
    url = reverse("child-person-edit", args=[world.amy.pk, mother.pk])
    response = client_for(world.sam_sw).post(url, form_data(mother, nhs_number="1234567890"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and "Enter a valid NHS number" in page
    assert Person.objects.get(pk=mother.pk).nhs_number == ""


def test_missing_last_name_is_a_clear_error(world, client_for, mother):
    url = reverse("child-person-edit", args=[world.amy.pk, mother.pk])
    response = client_for(world.sam_sw).post(url, form_data(mother, last_name=""))
    assert response.status_code == 400
    assert "Enter the last name" in response.content.decode()


def test_stale_edit_is_refused_showing_the_other_change(world, client_for, mother):
    url = reverse("child-person-edit", args=[world.amy.pk, mother.pk])
    started = form_data(mother)
    actions.do_update_person(mother, actor=world.pat_pm, data={"phone": "07700 900123"}, expected_version=1)
    response = client_for(world.sam_sw).post(url, {**started, "first_language": "Welsh"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else changed this record while you were editing" in page
    assert "07700 900123" in page
    jo = Person.objects.get(pk=mother.pk)
    assert (jo.phone, jo.first_language) == ("07700 900123", "English")
    # Saving again, having seen the other change, is a decision and succeeds.
    retry = client_for(world.sam_sw).post(url, {**started, "version": str(jo.version), "first_language": "Welsh"})
    assert retry.status_code == 302
    assert Person.objects.get(pk=mother.pk).first_language == "Welsh"


def test_a_person_not_related_to_the_child_is_not_found(world, client_for):
    stranger = Person.objects.create(is_child=False, first_name="Una", last_name="Related")
    client = client_for(world.sam_sw)
    for name in ("child-person", "child-person-edit", "child-person-address-add", "child-person-previous-name-add"):
        assert client.get(reverse(name, args=[world.amy.pk, stranger.pk])).status_code == 404
    response = client.post(reverse("child-person-edit", args=[world.amy.pk, stranger.pk]), form_data(stranger))
    assert response.status_code == 404
    assert Person.objects.get(pk=stranger.pk).version == 1
    assert AuditEvent.objects.filter(outcome="denied", object_id=str(stranger.pk), child_id=world.amy.pk).exists()


def test_an_ended_relationship_no_longer_reaches_the_adult(world, client_for, mother):
    Relationship.objects.filter(person=mother).update(ended_on=world.amy.date_of_birth)
    assert client_for(world.sam_sw).get(reverse("child-person", args=[world.amy.pk, mother.pk])).status_code == 404


def test_another_childs_adult_is_not_reached_through_amy(world, client_for):
    other = t.make_child("Olly", "Other")
    t.allocate(other, world.south, world.olu_other)
    dad = Person.objects.create(is_child=False, first_name="Dan", last_name="Other")
    Relationship.objects.create(child=other, person=dad, kind="father")
    # Sam may write to Amy's record, but Dan is not in Amy's life.
    assert client_for(world.sam_sw).get(reverse("child-person-edit", args=[world.amy.pk, dad.pk])).status_code == 404
    # Olu reaches Dan through Olly, but not through Amy, whom Olu may not see.
    client = client_for(world.olu_other)
    assert client.get(reverse("child-person-edit", args=[other.pk, dad.pk])).status_code == 200
    assert client.get(reverse("child-person-edit", args=[world.amy.pk, dad.pk])).status_code == 404


def test_a_sibling_child_is_edited_on_their_own_record_not_here(world, client_for):
    brother = t.make_child("Ben", "Example")
    Relationship.objects.create(child=world.amy, person=brother, kind="sibling")
    url = reverse("child-person-edit", args=[world.amy.pk, brother.pk])
    assert client_for(world.sam_sw).get(url).status_code == 404


def test_add_an_address_for_the_adult_keeps_the_history(world, client_for, mother):
    client = client_for(world.sam_sw)
    url = reverse("child-person-address-add", args=[world.amy.pk, mother.pk])
    first = {"line1": "1 Old Road", "town": "Northtown", "postcode": "ss11aa", "moved_in_year": "2020"}
    assert client.post(url, {**first, "moved_in_day": "1", "moved_in_month": "1"}).status_code == 302
    refuge = {"line1": "9 Refuge Lane", "town": "Southtown", "postcode": "SS2 2BB", "confidential": "on"}
    response = client.post(url, refuge)
    assert response.status_code == 302
    old, new = Address.objects.filter(person=mother).order_by("moved_in")
    assert (old.postcode, old.moved_out) == ("SS1 1AA", new.moved_in)
    assert new.confidential is True
    assert AuditEvent.objects.filter(action="create", object_id=str(new.pk), child_id=world.amy.pk).exists()
    page = client.get(reverse("child-person", args=[world.amy.pk, mother.pk])).content.decode()
    assert "1 Old Road" in page and "Confidential address" in page and "Refuge Lane" not in page
    # Amy's own address is untouched.
    assert not Address.objects.filter(person=world.amy).exists()


def test_bad_postcode_is_a_clear_error(world, client_for, mother):
    url = reverse("child-person-address-add", args=[world.amy.pk, mother.pk])
    response = client_for(world.sam_sw).post(url, {"line1": "1 Road", "town": "Northtown", "postcode": "NOT A CODE"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and "Enter a real postcode" in page
    assert not Address.objects.exists()
