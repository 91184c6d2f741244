"""Confidential addresses: hidden everywhere, opened only by the child's own
social worker and managers, with the reason recorded."""

from __future__ import annotations

import pytest
from django.urls import reverse

from openics.core.models import Address, AuditEvent, Person, Relationship

pytestmark = pytest.mark.django_db

REFUGE = "7 Harbour Close"


@pytest.fixture
def mother_in_refuge(world):  # type: ignore[no-untyped-def]
    mother = Person.objects.create(is_child=False, first_name="Mia", last_name="Example")
    Relationship.objects.create(child=world.amy, person=mother, kind="mother")
    return Address.objects.create(person=mother, line1=REFUGE, town="Northtown", postcode="SS1 9ZZ", confidential=True)


def test_overview_and_adult_page_hide_the_address_from_everyone(world, client_for, mother_in_refuge):
    adult_url = reverse("child-person", args=[world.amy.pk, mother_in_refuge.person_id])
    reveal_url = reverse("child-address-reveal", args=[world.amy.pk, mother_in_refuge.pk])
    for user, may_reveal in ((world.sam_sw, True), (world.tara_ta, False), (world.dee_dsl, False)):
        page = client_for(user).get(adult_url).content.decode()
        assert REFUGE not in page and "Confidential address" in page
        assert (reveal_url in page) is may_reveal, user.username


def test_social_worker_sees_it_only_after_giving_a_reason(world, client_for, mother_in_refuge):
    client = client_for(world.sam_sw)
    url = reverse("child-address-reveal", args=[world.amy.pk, mother_in_refuge.pk])
    assert REFUGE not in client.get(url).content.decode()
    empty = client.post(url, {"reason": "  "})
    assert empty.status_code == 400 and "Enter why you need this address" in empty.content.decode()
    assert REFUGE not in empty.content.decode()
    shown = client.post(url, {"reason": "Home visit this afternoon"})
    assert shown.status_code == 200 and REFUGE in shown.content.decode()
    event = AuditEvent.objects.filter(action="reveal_address", user_id=world.sam_sw.pk).get()
    assert event.child_id == world.amy.pk and event.detail["reason"] == "Home visit this afternoon"


@pytest.mark.parametrize("persona", ["tara_ta", "dee_dsl", "tom_teacher", "olu_other"])
def test_others_get_404_and_the_refusal_is_audited(world, client_for, mother_in_refuge, persona):
    user = getattr(world, persona)
    url = reverse("child-address-reveal", args=[world.amy.pk, mother_in_refuge.pk])
    response = client_for(user).post(url, {"reason": "Curious"})
    assert response.status_code == 404 and REFUGE not in response.content.decode()
    assert AuditEvent.objects.filter(user_id=user.pk, outcome="denied").exists()


def test_an_address_outside_the_childs_circle_is_404(world, client_for):
    stranger = Person.objects.create(is_child=False, first_name="Zed", last_name="Other")
    other = Address.objects.create(
        person=stranger, line1="9 Far Road", town="Southtown", postcode="SS2 2ZZ", confidential=True
    )
    ordinary = Address.objects.create(person=world.amy, line1="3 Open Street", town="Northtown", postcode="SS1 1AA")
    client = client_for(world.sam_sw)
    for address in (other, ordinary):
        url = reverse("child-address-reveal", args=[world.amy.pk, address.pk])
        assert client.post(url, {"reason": "Visit"}).status_code == 404
