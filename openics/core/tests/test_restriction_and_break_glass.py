"""Sealed records: restricting, lifting, emergency (break-glass) access and its review."""

from __future__ import annotations

import functools

import pytest
from django.urls import reverse

from openics.core import testing as t
from openics.core.access import grant_for
from openics.core.models import AuditEvent, BreakGlassGrant, Notification, Person

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


REVIEW = {"review_on_day": "1", "review_on_month": "6", "review_on_year": "2099"}


def test_manager_restricts_with_an_allow_list(world, client_for):
    client = client_for(world.pat_pm)
    url = reverse("child-restrict", args=[world.amy.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"category": "staff_conflict", **REVIEW, "allow": [str(world.sam_sw.pk)]})
    assert response.status_code == 302
    amy = Person.objects.get(pk=world.amy.pk)
    assert amy.restriction == "staff_conflict"
    # The allow-list sees it; the team administrator and the school no longer do.
    assert grant_for(world.sam_sw, amy) is not None
    assert grant_for(world.pat_pm, amy) is not None
    assert client_for(world.tara_ta).get(reverse("child-overview", args=[amy.pk])).status_code == 404
    assert client_for(world.dee_dsl).get(reverse("child-overview", args=[amy.pk])).status_code == 404
    # Search does not reveal it.
    found = client_for(world.tara_ta).get(reverse("find-child"), {"q": "Example"}).content.decode()
    assert "Amy" not in found
    assert AuditEvent.objects.filter(action="restrict", child_id=amy.pk).exists()


def test_lift_restriction(world, client_for):
    from openics.core import actions

    actions.do_restrict(world.amy, actor=world.pat_pm, category="high_profile", review_on=None, allow=[])
    client = client_for(world.pat_pm)
    assert client.post(reverse("child-restriction-lift", args=[world.amy.pk])).status_code == 302
    assert Person.objects.get(pk=world.amy.pk).restriction == ""
    assert client_for(world.tara_ta).get(reverse("child-overview", args=[world.amy.pk])).status_code == 200


def test_restriction_form_errors_are_clear(world, client_for):
    response = client_for(world.pat_pm).post(
        reverse("child-restrict", args=[world.amy.pk]),
        {"review_on_day": "1", "review_on_month": "1", "review_on_year": "2001"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Select why the record is restricted" in page
    assert "The review date must be in the future" in page


def test_social_worker_cannot_restrict(world, client_for):
    url = reverse("child-restrict", args=[world.amy.pk])
    assert client_for(world.sam_sw).post(url, {"category": "high_risk", **REVIEW}).status_code == 404
    assert Person.objects.get(pk=world.amy.pk).restriction == ""


@pytest.fixture
def sealed(world):
    child = t.make_child("Sally", "Sealed", restriction="high_risk")
    t.allocate(child, world.north, world.sam_sw)
    return child


def test_break_glass_page_names_no_one(world, client_for, sealed):
    page = client_for(world.olu_other).get(reverse("child-break-glass", args=[sealed.pk])).content.decode()
    assert "Sealed" not in page and "Sally" not in page
    # The same page for a record that does not exist: nothing is revealed.
    missing = client_for(world.olu_other).get(reverse("child-break-glass", args=[sealed.pk + 999]))
    assert missing.status_code == 200
    assert "Sealed" not in missing.content.decode()


def test_break_glass_grants_access_alerts_managers_and_is_reviewed(world, client_for, sealed):
    olu = client_for(world.olu_other)
    assert olu.get(reverse("child-overview", args=[sealed.pk])).status_code == 404
    response = olu.post(reverse("child-break-glass", args=[sealed.pk]), {"reason": "Police at the door at 2am"})
    assert response.status_code == 302
    assert olu.get(reverse("child-overview", args=[sealed.pk])).status_code == 200
    grant = BreakGlassGrant.objects.get(user=world.olu_other)
    # Olu's managers (the service manager above the South team) are alerted.
    alert = Notification.objects.get(user=world.sean_sm)
    # The alert names no child, and leads to the review list.
    assert "Sealed" not in alert.message and alert.link == reverse("break-glass-reviews")
    assert reverse("break-glass-reviews") in client_for(world.sean_sm).get(reverse("my-work")).content.decode()
    assert not Notification.objects.filter(user=world.pat_pm).exists()

    sean = client_for(world.sean_sm)
    reviews = sean.get(reverse("break-glass-reviews")).content.decode()
    assert "Police at the door at 2am" in reviews
    # Pat manages North only: Olu's grant is not hers to review.
    assert "Police at the door" not in client_for(world.pat_pm).get(reverse("break-glass-reviews")).content.decode()
    sean = client_for(world.sean_sm)
    assert sean.post(reverse("break-glass-review", args=[grant.pk]), {"note": ""}).status_code == 400
    assert sean.post(reverse("break-glass-review", args=[grant.pk]), {"note": "Justified"}).status_code == 302
    grant.refresh_from_db()
    assert (grant.reviewed_by, grant.review_note) == (world.sean_sm, "Justified")


def test_break_glass_needs_a_reason_and_a_social_care_role(world, client_for, sealed):
    url = reverse("child-break-glass", args=[sealed.pk])
    response = client_for(world.olu_other).post(url, {"reason": ""})
    assert response.status_code == 400
    assert "Enter why you need emergency access" in response.content.decode()
    assert client_for(world.dee_dsl).post(url, {"reason": "Worried"}).status_code == 404
    assert not BreakGlassGrant.objects.exists()


def test_break_glass_on_a_missing_record_is_not_found_and_audited(world, client_for, sealed):
    url = reverse("child-break-glass", args=[sealed.pk + 999])
    assert client_for(world.olu_other).post(url, {"reason": "Worried"}).status_code == 404
    assert AuditEvent.objects.filter(action="break_glass", outcome="denied", user_id=world.olu_other.pk).exists()
