"""The DSL's queue (unread first, then oldest), reading a concern, and the
recorded decision, which goes on the child's chronology."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from openics.core.models import ChronologyEntry, Notification
from openics.safeguarding.models import Concern, TriageDecision

from .conftest import backdate


def test_the_queue_is_unread_first_then_oldest(world, client_for, record, django_assert_num_queries):
    now = timezone.now()
    old_read, old_unread, new_unread = record(), record(), record()
    backdate([old_read.pk], recorded_at=now - dt.timedelta(days=3), first_read_at=now)
    backdate([old_unread.pk], recorded_at=now - dt.timedelta(days=2))
    decided = record()
    Concern.objects.filter(pk=decided.pk).update(decided_at=now)
    client = client_for(world.dee_dsl)
    response = client.get(reverse("concern-queue"), secure=True)
    assert [c.pk for c in response.context["concerns"]] == [old_unread.pk, new_unread.pk, old_read.pk]
    # The query count does not grow with the queue.
    for _ in range(5):
        record()
    with django_assert_num_queries(_queue_queries(client)):
        client.get(reverse("concern-queue"), secure=True)


def _queue_queries(client) -> int:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("concern-queue"), secure=True)
    return len(captured)


def test_opening_a_concern_marks_it_read_for_the_dsl_only(world, client_for, record):
    concern = record()
    client_for(world.tom_teacher).get(reverse("concern-detail", args=[concern.pk]), secure=True)
    assert Concern.objects.get(pk=concern.pk).first_read_at is None
    client_for(world.dee_dsl).get(reverse("concern-detail", args=[concern.pk]), secure=True)
    concern.refresh_from_db()
    assert concern.first_read_at is not None and concern.first_read_by == world.dee_dsl
    assert Notification.objects.get(user=world.dee_dsl).read_at is not None


def test_the_dsl_refers_a_child_at_immediate_risk(world, client_for, record):
    concern = record()
    client = client_for(world.dee_dsl)
    url = reverse("concern-decide", args=[concern.pk])
    assert client.get(url, secure=True).status_code == 200
    today = timezone.localdate()
    data = {
        "outcome": "referral",
        "immediate_risk": "on",
        "hub_phoned_on_day": str(today.day),
        "hub_phoned_on_month": str(today.month),
        "hub_phoned_on_year": str(today.year),
        "hub_phoned_time": "00:05",
        "police_on_day": str(today.day),
        "police_on_month": str(today.month),
        "police_on_year": str(today.year),
        "police_time": "00:10",
        "parents_informed": "no",
        "parents_not_informed_reason": "Telling them could put Amy at greater risk.",
        "follow_up_on_day": "1",
        "follow_up_on_month": "12",
        "follow_up_on_year": "2030",
        "rationale": "Disclosure of physical harm by a household member.",
    }
    response = client.post(url, data, secure=True)
    assert response.status_code == 302
    decision = TriageDecision.objects.get(concern=concern)
    assert decision.outcome == "referral" and decision.immediate_risk
    assert timezone.localtime(decision.hub_phoned_at).strftime("%H:%M") == "00:05"
    assert timezone.localtime(decision.police_informed_at).strftime("%H:%M") == "00:10"
    assert decision.parents_informed is False and decision.follow_up_on == dt.date(2030, 12, 1)
    assert decision.decided_by == world.dee_dsl
    concern.refresh_from_db()
    assert concern.decided_at is not None
    entry = ChronologyEntry.objects.get(child=world.amy, kind="safeguarding_decision")
    assert entry.part == "school_safeguarding" and entry.significance == "critical"
    assert "Referral to the Children and Families Hub" in entry.summary and "immediate risk" in entry.summary
    # The chronology shows it to the DSL, not to the teacher (who has the core part only).
    page = client.get(reverse("child-chronology", args=[world.amy.pk]), secure=True)
    assert b"DSL decision" in page.content or b"Referral to the Children and Families Hub" in page.content
    page = client_for(world.tom_teacher).get(reverse("child-chronology", args=[world.amy.pk]), secure=True)
    assert b"Referral to the Children and Families Hub" not in page.content


def test_a_decision_says_what_is_missing(world, client_for, record):
    concern = record()
    client = client_for(world.dee_dsl)
    url = reverse("concern-decide", args=[concern.pk])
    response = client.post(
        url, {"outcome": "referral", "immediate_risk": "on", "parents_informed": "no", "rationale": ""}, secure=True
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter the reasons for your decision" in body
    response = client.post(
        url, {"outcome": "referral", "immediate_risk": "on", "parents_informed": "no", "rationale": "x"}, secure=True
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Enter when you telephoned the Children and Families Hub" in body
    assert "Enter why the parents or carers were not told" in body
    response = client.post(url, {"outcome": "early_help", "parents_informed": "yes", "rationale": "x"}, secure=True)
    assert response.status_code == 400 and "Select the level of need for early help" in response.content.decode()
    assert not TriageDecision.objects.exists()


def test_early_help_with_a_level_of_need(world, client_for, record):
    concern = record()
    response = client_for(world.dee_dsl).post(
        reverse("concern-decide", args=[concern.pk]),
        {"outcome": "early_help", "level_of_need": "2", "parents_informed": "yes", "rationale": "Family agree."},
        secure=True,
    )
    assert response.status_code == 302
    entry = ChronologyEntry.objects.get(child=world.amy, kind="safeguarding_decision")
    assert "Early help (Level 2: additional needs)" in entry.summary


def test_only_the_dsl_decides(world, client_for, record):
    concern = record()
    client = client_for(world.tom_teacher)
    assert client.get(reverse("concern-decide", args=[concern.pk]), secure=True).status_code == 404
