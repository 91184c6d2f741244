"""A review meeting records the review of the plan it held: the plan's
review page starts from the meeting's date, place and attendance, and the
review and the meeting name each other."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from openics.core.models import AuditEvent
from openics.meetings.models import Meeting
from openics.meetings.tests.factories import make_meeting
from openics.plans.models import PlanReview
from openics.plans.tests.factories import agreed_plan

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _plan(w: Any) -> Any:
    today = timezone.localdate()
    plan, _version = agreed_plan(
        w.amy,
        w.sam_sw,
        "stage2-action-plan",
        agreed_on=today - dt.timedelta(days=40),
        next_review_on=today + dt.timedelta(days=5),
    )
    return plan


def _date(name: str, day: dt.date) -> dict[str, str]:
    return {f"{name}_day": str(day.day), f"{name}_month": str(day.month), f"{name}_year": str(day.year)}


def _post(meeting: Meeting, **extra: str) -> dict[str, str]:
    today = timezone.localdate()
    return {
        **_date("review_date", timezone.localdate(meeting.starts_at)),
        "held_at": meeting.place,
        "attended": "Sam, Dee, Jo Example",
        "review-0-happened": "Attendance rose to 93%",
        "review-0-progress": "partly",
        "review-0-targets-0": "partly",
        "decision": "continue",
        "decision_reason": "Good progress: continue at Stage 2",
        **_date("next_review_on", today + dt.timedelta(days=60)),
        **extra,
    }


def test_review_recorded_from_the_meeting_that_held_it(world: Any) -> None:
    plan = _plan(world)
    meeting = make_meeting(world, kind="stage_review", days=-1, held=True)
    sam = _client(world.sam_sw)

    # The meeting's page offers to record the review of the child's active plan.
    detail = sam.get(reverse("meeting-detail", args=[meeting.pk])).content.decode()
    url = f"{reverse('plan-review', args=[plan.pk])}?meeting={meeting.pk}"
    assert url in detail

    # The review page starts from the meeting's date, place and who attended.
    page = sam.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["review_date"] == timezone.localdate(meeting.starts_at)
    assert form.initial["held_at"] == "Grange Primary School, meeting room 2"
    assert form.initial["attended"].splitlines() == [
        f"{world.sam_sw}, Chair",
        f"{world.dee_dsl}, DSL, Grange Primary School",
        "Jo Example, Parent or carer",
        "Pat Friend, Supporter of a parent or carer",
    ]
    html = page.content.decode()
    assert 'id="review-meeting"' in html
    assert 'value="Grange Primary School, meeting room 2"' in html

    response = sam.post(url, _post(meeting))
    review = PlanReview.objects.get(plan=plan)
    assert response.status_code == 302
    assert response["Location"] == reverse("plan-review-detail", args=[review.pk])
    meeting.refresh_from_db()
    assert (meeting.plan_review_id, meeting.plan_id) == (review.pk, plan.pk)
    assert AuditEvent.objects.filter(action="link_plan_review", object_id=str(meeting.pk)).count() == 1

    # Each names the other.
    shown = sam.get(reverse("plan-review-detail", args=[review.pk])).content.decode()
    assert "Held at meeting" in shown
    assert reverse("meeting-detail", args=[meeting.pk]) in shown
    detail = sam.get(reverse("meeting-detail", args=[meeting.pk])).content.decode()
    assert 'id="plan-review"' in detail
    assert url not in detail

    # The review is recorded once: the meeting is used.
    again = sam.post(url, _post(meeting))
    assert again.status_code == 409
    assert "already recorded" in again.content.decode()
    assert PlanReview.objects.filter(plan=plan).count() == 1


def test_review_page_lists_held_review_meetings(world: Any) -> None:
    plan = _plan(world)
    held = make_meeting(world, kind="review_planning", days=-2, held=True)
    make_meeting(world, kind="review_planning", days=3)  # not held yet
    make_meeting(world, kind="core_group", days=-3, held=True)  # not a plan review
    html = _client(world.sam_sw).get(reverse("plan-review", args=[plan.pk])).content.decode()
    assert html.count("Record this review from the meeting") == 1
    assert f"?meeting={held.pk}" in html


@pytest.mark.parametrize(
    ("setup", "status", "message"),
    [
        ("planned", 409, "Record the meeting before"),
        ("core_group", 409, "Only a review meeting"),
        ("other_plan", 409, "about another plan"),
    ],
)
def test_meetings_that_cannot_hold_the_review_are_refused(world: Any, setup: str, status: int, message: str) -> None:
    plan = _plan(world)
    if setup == "planned":
        meeting = make_meeting(world, kind="stage_review", days=-1)
    elif setup == "core_group":
        meeting = make_meeting(world, kind="core_group", days=-1, held=True)
    else:
        other, _v = agreed_plan(
            world.amy,
            world.sam_sw,
            "early-help-plan",
            agreed_on=timezone.localdate() - dt.timedelta(days=40),
            next_review_on=timezone.localdate() + dt.timedelta(days=20),
        )
        meeting = make_meeting(world, kind="stage_review", days=-1, held=True)
        Meeting.objects.filter(pk=meeting.pk).update(plan=other)
    url = f"{reverse('plan-review', args=[plan.pk])}?meeting={meeting.pk}"
    sam = _client(world.sam_sw)
    for response in (sam.get(url), sam.post(url, _post(meeting))):
        assert response.status_code == status
        assert message in response.content.decode()
    assert not PlanReview.objects.exists()


def test_meeting_named_is_checked_like_any_other(world: Any) -> None:
    plan = _plan(world)
    meeting = make_meeting(world, kind="stage_review", days=-1, held=True)
    sam = _client(world.sam_sw)
    base = reverse("plan-review", args=[plan.pk])
    for bad in ("abc", "0", "-1", str(meeting.pk + 999), "9" * 30):
        assert sam.get(f"{base}?meeting={bad}").status_code == 404
    # A worker who cannot open the child sees nothing of either.
    assert _client(world.olu_other).get(f"{base}?meeting={meeting.pk}").status_code == 404


def test_an_invalid_review_links_nothing(world: Any) -> None:
    plan = _plan(world)
    meeting = make_meeting(world, kind="stage_review", days=-1, held=True)
    url = f"{reverse('plan-review', args=[plan.pk])}?meeting={meeting.pk}"
    response = _client(world.sam_sw).post(url, _post(meeting, decision="", decision_reason=""))
    assert response.status_code == 400
    assert "Select the decision on the plan" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.plan_review_id is None
    # A review dated before the plan started is refused by the plans engine:
    # the meeting stays unlinked.
    early = _post(meeting, **_date("review_date", timezone.localdate() - dt.timedelta(days=50)))
    response = _client(world.sam_sw).post(url, early)
    assert response.status_code == 400
    meeting.refresh_from_db()
    assert meeting.plan_review_id is None
    assert not PlanReview.objects.exists()


def test_several_people_can_be_invited_at_once(world: Any) -> None:
    """The invitation list is checkboxes, not radios (Django's
    CheckboxSelectMultiple is a subclass of RadioSelect)."""
    meeting = make_meeting(world, days=5)
    html = _client(world.sam_sw).get(reverse("meeting-invite", args=[meeting.pk])).content.decode()
    assert html.count('type="checkbox"') == meeting.participants.count() == 4
    assert 'type="radio"' not in html
