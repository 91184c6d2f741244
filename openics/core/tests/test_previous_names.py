"""Previous names of a child and of the adults in the child's life."""

from __future__ import annotations

import functools

import pytest
from django.urls import reverse

from openics.core.models import AuditEvent, Person, PreviousName, Relationship

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


def test_add_a_childs_previous_name_and_see_it_on_the_edit_page(world, client_for):
    client = client_for(world.sam_sw)
    edit_url = reverse("child-edit", args=[world.amy.pk])
    add_url = reverse("child-previous-name-add", args=[world.amy.pk])
    edit_page = client.get(edit_url).content.decode()
    assert "No previous names recorded." in edit_page and f'href="{add_url}"' in edit_page
    response = client.post(
        add_url,
        {
            "first_name": "Amelia",
            "last_name": "Smith",
            "used_until_day": "1",
            "used_until_month": "9",
            "used_until_year": "2020",
        },
    )
    assert response.status_code == 302 and response["Location"] == edit_url
    name = PreviousName.objects.get(person=world.amy)
    assert (name.first_name, name.last_name, str(name.used_until)) == ("Amelia", "Smith", "2020-09-01")
    edit_page = client.get(edit_url).content.decode()
    assert "Amelia Smith" in edit_page and "1 September 2020" in edit_page
    event = AuditEvent.objects.get(action="create", object_type="core.previousname")
    assert (event.child_id, event.user_id) == (world.amy.pk, world.sam_sw.pk)


def test_an_adults_previous_name_is_audited_against_the_child(world, client_for):
    jo = Person.objects.create(is_child=False, first_name="Jo", last_name="Example")
    Relationship.objects.create(child=world.amy, person=jo, kind="mother")
    client = client_for(world.dee_dsl)
    add_url = reverse("child-person-previous-name-add", args=[world.amy.pk, jo.pk])
    response = client.post(add_url, {"first_name": "Joanne", "last_name": "Maiden"})
    assert response.status_code == 302
    assert response["Location"] == reverse("child-person-edit", args=[world.amy.pk, jo.pk])
    assert list(jo.previous_names.values_list("last_name", flat=True)) == ["Maiden"]
    assert not PreviousName.objects.filter(person=world.amy).exists()
    assert "Joanne Maiden" in client.get(response["Location"]).content.decode()
    assert "Joanne Maiden" in client.get(reverse("child-person", args=[world.amy.pk, jo.pk])).content.decode()
    event = AuditEvent.objects.get(action="create", object_type="core.previousname")
    assert event.child_id == world.amy.pk


def test_a_previous_name_needs_a_last_name(world, client_for):
    response = client_for(world.sam_sw).post(
        reverse("child-previous-name-add", args=[world.amy.pk]), {"first_name": "Amelia"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and "Enter the previous last name" in page
    assert not PreviousName.objects.exists()


def test_a_previous_name_cannot_end_in_the_future(world, client_for):
    response = client_for(world.sam_sw).post(
        reverse("child-previous-name-add", args=[world.amy.pk]),
        {"last_name": "Smith", "used_until_day": "1", "used_until_month": "1", "used_until_year": "2999"},
    )
    assert response.status_code == 400
    assert "must be today or in the past" in response.content.decode()
    assert not PreviousName.objects.exists()


def test_a_nonsense_date_is_a_clear_error_not_a_crash(world, client_for):
    response = client_for(world.sam_sw).post(
        reverse("child-previous-name-add", args=[world.amy.pk]),
        {"last_name": "Smith", "used_until_day": "31", "used_until_month": "2", "used_until_year": "2020"},
    )
    assert response.status_code == 400
    assert not PreviousName.objects.exists()


def test_readers_who_may_not_write_cannot_add_previous_names(world, client_for):
    url = reverse("child-previous-name-add", args=[world.amy.pk])
    for user in (world.tom_teacher, world.olu_other, world.nina_nurse):
        assert client_for(user).post(url, {"last_name": "Smith"}).status_code == 404
    assert not PreviousName.objects.exists()


def test_adding_a_child_finds_the_record_under_a_previous_surname(world, client_for):
    PreviousName.objects.create(person=world.amy, first_name="Amy", last_name="Smith")
    client = client_for(world.sam_sw)
    response = client.post(
        reverse("person-add"),
        {
            "person-first_name": "Amy",
            "person-last_name": "Smith",
            "person-date_of_birth_day": "9",
            "person-date_of_birth_month": "9",
            "person-date_of_birth_year": "2017",
            "person-sex": "F",
            "person-ethnicity": "NOBT",
            "person-religion": "unknown",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="possible-matches"' in page and "Amy Example" in page
    assert not Person.objects.filter(last_name="Smith").exists()
