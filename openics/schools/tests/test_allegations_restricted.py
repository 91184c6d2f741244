"""Allegations against staff: the headteacher, the LADO and the people named
see them; nobody else does, the DSL included, on pages and in the API, and
each refusal is audited.  An allegation about the head goes to the chair of
governors instead of the head."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from openics.core.models import AuditEvent, Notification
from openics.schools.actions import do_add_participant, do_record_allegation, do_set_arrangements
from openics.schools.models import Allegation


def _record(client: Any, world: Any, **extra: Any) -> Any:
    today = timezone.localdate()
    data = {
        "school": str(world.school.pk),
        "about_name": "Tom Tester",
        "about_user": str(world.tom_teacher.pk),
        "about_role": "Class teacher",
        "what": "A parent says Tom grabbed her son by the arm in the corridor.",
        "reported_by": "A parent, by phone",
        "received_on_day": str(today.day),
        "received_on_month": str(today.month),
        "received_on_year": str(today.year),
        "received_time": "00:01",
        **extra,
    }
    return client.post(reverse("allegation-new"), data, secure=True)


def _denials(user: Any) -> int:
    return AuditEvent.objects.filter(user_id=user.pk, outcome="denied", object_type="schools.allegation").count()


def test_invisible_to_the_dsl_unless_named(world: Any, hal_head: Any, lee_lado: Any, client_for: Any) -> None:
    response = _record(client_for(hal_head), world)
    assert response.status_code == 302, response.content.decode()[:3000]
    allegation = Allegation.objects.get()
    assert not allegation.concerns_head
    # The LADO is alerted, without a name in the alert.
    alert = Notification.objects.get(user=lee_lado)
    assert "Tom" not in alert.message

    page = reverse("allegation-detail", args=[allegation.pk])
    api = reverse("api-allegation-detail", args=[allegation.pk])
    for who in (hal_head, lee_lado):
        client = client_for(who)
        assert client.get(page, secure=True).status_code == 200
        assert client.get(api, secure=True).status_code == 200
        assert client.get(reverse("allegations"), secure=True).status_code == 200

    # Dee, the DSL, and Tom, whom it is about: 404 everywhere, audited.
    for who in (world.dee_dsl, world.tom_teacher, world.oscar_dsl, world.sam_sw, world.ada_admin):
        client = client_for(who)
        before = _denials(who)
        assert client.get(page, secure=True).status_code == 404
        assert client.get(api, secure=True).status_code == 404
        assert client.get(reverse("allegations"), secure=True).status_code == 404
        assert client.get(reverse("api-allegation-list"), secure=True).status_code == 404
        assert (
            client.post(
                reverse("api-allegation-entries", args=[allegation.pk]),
                {"kind": "note", "text": "x"},
                content_type="application/json",
                secure=True,
            ).status_code
            == 404
        )
        assert _denials(who) == before + 5
        assert "Tom grabbed" not in client.get(reverse("schools-home"), secure=True).content.decode()

    # Named as a participant, Dee sees it (and only it) and may add a note,
    # but not manage it.
    do_add_participant(allegation, actor=hal_head, user=world.dee_dsl)
    client = client_for(world.dee_dsl)
    assert client.get(page, secure=True).status_code == 200
    assert client.get(api, secure=True).status_code == 200
    assert [a["id"] for a in client.get(reverse("api-allegation-list"), secure=True).json()] == [allegation.pk]
    assert client.get(reverse("allegation-outcome", args=[allegation.pk]), secure=True).status_code == 404
    # Tom can never be named.
    with pytest.raises(ValidationError):
        do_add_participant(allegation, actor=hal_head, user=world.tom_teacher)


def test_lado_told_within_one_working_day(world: Any, hal_head: Any, client_for: Any) -> None:
    # Received on Friday 6 March 2026: the LADO must be told by Monday 9 March.
    allegation = do_record_allegation(
        world.school,
        actor=hal_head,
        about_name="Tom Tester",
        what="Alleged.",
        reported_by="A pupil",
        received_at=dt.datetime(2026, 3, 6, 15, 0, tzinfo=dt.UTC),
    )
    assert allegation.lado_due_on == dt.date(2026, 3, 9)
    assert "lado-referral" in allegation.lado_rule
    client = client_for(hal_head)
    url = reverse("allegation-lado", args=[allegation.pk])
    late = {"informed_on_day": "10", "informed_on_month": "3", "informed_on_year": "2026", "lado_name": "Lee"}
    refused = client.post(url, late, secure=True)
    assert refused.status_code == 400
    assert "Enter why the LADO was told after one working day" in refused.content.decode()
    ok = client.post(url, {**late, "informed_on_day": "9", "reference": "LADO/26/1"}, secure=True)
    assert ok.status_code == 302
    allegation.refresh_from_db()
    assert allegation.lado_reference == "LADO/26/1" and not allegation.lado_late
    outcome = client.post(
        reverse("allegation-outcome", args=[allegation.pk]),
        {"outcome": "unfounded", "outcome_on_day": "20", "outcome_on_month": "3", "outcome_on_year": "2026"},
        secure=True,
    )
    assert outcome.status_code == 302
    allegation.refresh_from_db()
    assert allegation.outcome == "unfounded"


def test_allegation_about_the_head_goes_to_the_chair(
    world: Any, hal_head: Any, gina_governor: Any, lee_lado: Any, client_for: Any
) -> None:
    do_set_arrangements(
        world.school,
        actor=world.dee_dsl,
        safeguarding_governor=gina_governor,
        chair_of_governors=gina_governor,
        policy_adopted_on=None,
        policy_review_on=None,
    )
    # The head cannot record one about the head.
    refused = _record(client_for(hal_head), world, about_name="Hal Head", about_user="", concerns_head="on")
    assert refused.status_code == 400
    assert "goes to the chair of governors" in refused.content.decode()

    # The LADO (or the chair) records it; linking the head's account marks it.
    response = _record(client_for(lee_lado), world, about_name="Hal Head", about_user=str(hal_head.pk))
    assert response.status_code == 302, response.content.decode()[:3000]
    allegation = Allegation.objects.get()
    assert allegation.concerns_head
    assert Notification.objects.filter(user=gina_governor).exists()
    assert not Notification.objects.filter(user=hal_head).exists()

    page = reverse("allegation-detail", args=[allegation.pk])
    assert client_for(gina_governor).get(page, secure=True).status_code == 200
    assert client_for(lee_lado).get(page, secure=True).status_code == 200
    # The chair manages it: she records the outcome page.
    assert (
        client_for(gina_governor).get(reverse("allegation-outcome", args=[allegation.pk]), secure=True).status_code
        == 200
    )
    for who in (hal_head, world.dee_dsl, world.tom_teacher):
        before = _denials(who)
        assert client_for(who).get(page, secure=True).status_code == 404
        assert (
            client_for(who).get(reverse("api-allegation-detail", args=[allegation.pk]), secure=True).status_code == 404
        )
        assert _denials(who) == before + 2


def test_chair_must_be_a_governor(world: Any, client_for: Any) -> None:
    with pytest.raises(ValidationError) as error:
        do_set_arrangements(
            world.school,
            actor=world.dee_dsl,
            safeguarding_governor=None,
            chair_of_governors=world.tom_teacher,
            policy_adopted_on=None,
            policy_review_on=None,
        )
    assert "not a governor" in str(error.value)
