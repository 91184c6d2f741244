"""Family and key people: linking an existing person or a new adult."""

from __future__ import annotations

import functools

import pytest
from django.urls import reverse

from openics.core import testing as t
from openics.core.models import AuditEvent, Person, Relationship

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


def test_add_a_new_adult_with_parental_responsibility(world, client_for):
    client = client_for(world.sam_sw)
    url = reverse("child-relationship-add", args=[world.amy.pk])
    response = client.post(
        url,
        {
            "adult-first_name": "Jo",
            "adult-last_name": "Example",
            "adult-phone": "01234 567890",
            "kind": "mother",
            "parental_responsibility": "on",
            "lives_with_child": "on",
            "emergency_contact_order": "1",
        },
    )
    assert response.status_code == 302
    rel = Relationship.objects.get(child=world.amy)
    assert (rel.person.full_name, rel.person.is_child, rel.kind, rel.parental_responsibility) == (
        "Jo Example",
        False,
        "mother",
        True,
    )
    assert rel.emergency_contact_order == 1
    overview = client.get(reverse("child-overview", args=[world.amy.pk])).content.decode()
    assert "Jo Example" in overview and "emergency contact 1" in overview
    assert AuditEvent.objects.filter(action="create", object_type="core.relationship", child_id=world.amy.pk).exists()


def test_pick_an_existing_person_found_by_search(world, client_for):
    brother = t.make_child("Ben", "Example", date_of_birth=world.amy.date_of_birth.replace(year=2014))
    t.allocate(brother, world.north, world.sam_sw)
    client = client_for(world.sam_sw)
    url = reverse("child-relationship-add", args=[world.amy.pk])
    found = client.get(url, {"q": "Ben"}).content.decode()
    assert f'value="{brother.pk}"' in found
    response = client.post(url + "?q=Ben", {"person": str(brother.pk), "kind": "sibling"})
    assert response.status_code == 302
    assert Relationship.objects.get(child=world.amy).person == brother


def test_search_does_not_offer_people_the_user_cannot_see(world, client_for):
    stranger = t.make_child("Benedict", "Hidden")
    t.allocate(stranger, world.south, world.olu_other)
    client = client_for(world.sam_sw)
    url = reverse("child-relationship-add", args=[world.amy.pk])
    assert "Hidden" not in client.get(url, {"q": "Benedict"}).content.decode()
    # Posting the id directly is refused with a message, not linked.
    response = client.post(url, {"person": str(stranger.pk), "kind": "sibling"})
    assert response.status_code == 400
    assert "Select a person from the search results" in response.content.decode()
    assert not Relationship.objects.exists()


def test_neither_existing_nor_new_person_is_a_clear_error(world, client_for):
    url = reverse("child-relationship-add", args=[world.amy.pk])
    response = client_for(world.sam_sw).post(url, {"kind": "carer"})
    assert response.status_code == 400
    assert "Select an existing person, or enter the new person&#x27;s last name" in response.content.decode()


def test_end_a_relationship(world, client_for):
    adult = Person.objects.create(is_child=False, first_name="Ray", last_name="Example")
    rel = Relationship.objects.create(child=world.amy, person=adult, kind="friend")
    client = client_for(world.sam_sw)
    response = client.post(reverse("child-relationship-end", args=[world.amy.pk, rel.pk]))
    assert response.status_code == 302
    rel.refresh_from_db()
    assert rel.ended_on is not None
    assert "Ray Example" not in client.get(reverse("child-overview", args=[world.amy.pk])).content.decode()


def test_school_staff_cannot_add_relationships(world, client_for):
    url = reverse("child-relationship-add", args=[world.amy.pk])
    assert client_for(world.tom_teacher).post(url, {"adult-last_name": "X", "kind": "friend"}).status_code == 404
    assert not Relationship.objects.exists()


# ---------------------------------------------------------------- possible matches for a new adult


def _jo_in_the_life_of(child: Person) -> Person:
    jo = Person.objects.create(is_child=False, first_name="Jo", last_name="Example")
    Relationship.objects.create(child=child, person=jo, kind="mother")
    return jo


NEW_JO = {"adult-first_name": "Jo", "adult-last_name": "Example", "kind": "mother", "parental_responsibility": "on"}


def test_a_new_adult_first_shows_people_already_known(world, client_for):
    brother = t.make_child("Ben", "Example")
    t.allocate(brother, world.north, world.sam_sw)
    jo = _jo_in_the_life_of(brother)
    client = client_for(world.sam_sw)
    url = reverse("child-relationship-add", args=[world.amy.pk])
    response = client.post(url, NEW_JO)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="possible-matches"' in page and "Jo Example" in page
    assert f'name="person" value="{jo.pk}"' in page
    assert 'data-testid="hidden-matches"' not in page
    # Nothing is created until the user decides.
    assert Person.objects.filter(is_child=False).count() == 1
    assert not Relationship.objects.filter(child=world.amy).exists()
    assert AuditEvent.objects.filter(action="search_hit", child_id=world.amy.pk).exists()
    # Linking the known person uses her record, with the relationship's answers.
    linked = client.post(url, {"person": str(jo.pk), "kind": "mother", "parental_responsibility": "on"})
    assert linked.status_code == 302
    rel = Relationship.objects.get(child=world.amy)
    assert (rel.person, rel.kind, rel.parental_responsibility) == (jo, "mother", True)
    assert Person.objects.filter(is_child=False).count() == 1


def test_none_of_these_adds_a_new_person(world, client_for):
    brother = t.make_child("Ben", "Example")
    t.allocate(brother, world.north, world.sam_sw)
    jo = _jo_in_the_life_of(brother)
    client = client_for(world.sam_sw)
    url = reverse("child-relationship-add", args=[world.amy.pk])
    response = client.post(url, {**NEW_JO, "confirmed": "yes"})
    assert response.status_code == 302
    rel = Relationship.objects.get(child=world.amy)
    assert rel.person != jo and rel.person.full_name == "Jo Example" and rel.parental_responsibility


def test_a_match_the_user_cannot_see_is_only_counted(world, client_for):
    stranger = t.make_child("Olly", "Other")
    t.allocate(stranger, world.south, world.olu_other)
    jo = _jo_in_the_life_of(stranger)
    jo.phone = "07700 900999"
    jo.save(update_fields=["phone"])
    client = client_for(world.sam_sw)
    response = client.post(reverse("child-relationship-add", args=[world.amy.pk]), NEW_JO)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="hidden-matches"' in page
    assert 'data-testid="possible-matches"' not in page
    assert f'value="{jo.pk}"' not in page and "07700 900999" not in page and "Olly" not in page
    # Posting her id directly is refused: she is not among the people Sam may pick.
    direct = client.post(
        reverse("child-relationship-add", args=[world.amy.pk]), {"person": str(jo.pk), "kind": "mother"}
    )
    assert direct.status_code == 400
    assert not Relationship.objects.filter(child=world.amy).exists()


def test_an_adult_known_only_through_a_sealed_record_is_not_hinted(world, client_for):
    sealed = t.make_child("Sid", "Sealed", restriction="high_risk")
    t.allocate(sealed, world.south, world.olu_other)
    _jo_in_the_life_of(sealed)
    client = client_for(world.sam_sw)
    response = client.post(reverse("child-relationship-add", args=[world.amy.pk]), NEW_JO)
    # No matches page at all: the new person is added straight away.
    assert response.status_code == 302
    assert Relationship.objects.get(child=world.amy).person.full_name == "Jo Example"


def test_linking_the_same_person_twice_is_a_clear_error(world, client_for):
    jo = _jo_in_the_life_of(world.amy)
    response = client_for(world.sam_sw).post(
        reverse("child-relationship-add", args=[world.amy.pk]), {"person": str(jo.pk), "kind": "mother"}
    )
    assert response.status_code == 400
    assert "This person is already recorded with this relationship to the child" in response.content.decode()
    assert Relationship.objects.filter(child=world.amy).count() == 1
