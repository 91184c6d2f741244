"""Allocating a worker and team, and recording other agencies involved."""

from __future__ import annotations

import functools

import pytest
from django.urls import reverse

from openics.core.access import grant_for
from openics.core.models import Involvement, InvolvementKind, Notification

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


def test_practice_manager_reallocates_and_the_new_worker_gains_access(world, client_for):
    from openics.core import testing as t
    from openics.core.roles import Role

    sue = t.make_user("sue_sw", Role.SOCIAL_WORKER, organisation=world.la, team=world.south)
    client = client_for(world.pat_pm)
    url = reverse("child-allocate", args=[world.amy.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"team": str(world.south.pk), "worker": str(sue.pk)})
    assert response.status_code == 302
    current = Involvement.objects.current().get(child=world.amy, kind=InvolvementKind.ALLOCATED)
    assert (current.team, current.worker) == (world.south, sue)
    assert grant_for(sue, world.amy) is not None
    assert Notification.objects.filter(user=sue).exists()
    assert Involvement.objects.filter(child=world.amy, kind=InvolvementKind.ALLOCATED).count() == 2


def test_worker_must_be_in_the_team(world, client_for):
    url = reverse("child-allocate", args=[world.amy.pk])
    response = client_for(world.pat_pm).post(url, {"team": str(world.south.pk), "worker": str(world.sam_sw.pk)})
    assert response.status_code == 400
    assert "Select a worker in the chosen team" in response.content.decode()


def test_missing_team_is_a_clear_error(world, client_for):
    response = client_for(world.pat_pm).post(reverse("child-allocate", args=[world.amy.pk]), {})
    assert response.status_code == 400
    assert "Select the team" in response.content.decode()


def test_only_managers_allocate(world, client_for):
    url = reverse("child-allocate", args=[world.amy.pk])
    assert client_for(world.sam_sw).get(url).status_code == 404
    assert client_for(world.olu_other).post(url, {"team": str(world.south.pk)}).status_code == 404


def test_add_and_end_an_agency_involvement(world, client_for):
    from openics.core import testing as t
    from openics.core.roles import Role

    nurse2 = t.make_user("nell_nurse", Role.PARTNER, organisation=world.health)
    client = client_for(world.sam_sw)
    url = reverse("child-involvement-add", args=[world.amy.pk])
    response = client.post(
        url, {"kind": "lead_professional", "organisation": str(world.health.pk), "worker": str(nurse2.pk)}
    )
    assert response.status_code == 302
    inv = Involvement.objects.get(child=world.amy, kind=InvolvementKind.LEAD_PROFESSIONAL)
    # Being involved gives the nurse her view of the child.
    assert grant_for(nurse2, world.amy) is not None
    assert client.post(reverse("child-involvement-end", args=[world.amy.pk, inv.pk])).status_code == 302
    inv.refresh_from_db()
    assert inv.ended_on is not None


def test_involvement_worker_must_belong_to_the_agency(world, client_for):
    url = reverse("child-involvement-add", args=[world.amy.pk])
    response = client_for(world.sam_sw).post(
        url, {"kind": "agency", "organisation": str(world.health.pk), "worker": str(world.dee_dsl.pk)}
    )
    assert response.status_code == 400
    assert "Select a worker from the chosen agency" in response.content.decode()


def test_only_managers_end_an_allocation(world, client_for):
    allocation = Involvement.objects.get(child=world.amy, kind=InvolvementKind.ALLOCATED)
    url = reverse("child-involvement-end", args=[world.amy.pk, allocation.pk])
    assert client_for(world.sam_sw).post(url).status_code == 404
    allocation.refresh_from_db()
    assert allocation.ended_on is None
