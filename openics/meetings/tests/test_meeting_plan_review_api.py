"""The API records the review of a plan from the meeting that held it, as
the plan's review page does: the same action, the meeting's day, place and
attendance by default, and the review and the meeting naming each other."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from openics.core.models import AuditEvent
from openics.meetings.models import Meeting
from openics.meetings.tests.factories import make_meeting
from openics.plans.actions import current_version
from openics.plans.models import Plan, PlanReview
from openics.plans.tests.factories import agreed_plan

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _api(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _plan(w: Any, plan_type: str = "stage2-action-plan") -> Plan:
    plan, _version = agreed_plan(
        w.amy, w.sam_sw, plan_type, agreed_on=TODAY - dt.timedelta(days=40), next_review_on=TODAY + dt.timedelta(days=5)
    )
    return plan


def _body(reviewed: Plan, **extra: Any) -> dict[str, Any]:
    version = current_version(reviewed)
    assert version is not None
    return {
        "plan": reviewed.pk,
        "outcomes": [
            {
                "outcome": o["key"],
                "happened": "Attendance rose to 93%",
                "progress": "partly",
                "targets": {t["key"]: "partly" for t in o["targets"]},
            }
            for o in version.content["outcomes"]
        ],
        "decision": "continue",
        "decision_reason": "Good progress: continue at Stage 2",
        "next_review_on": (TODAY + dt.timedelta(days=60)).isoformat(),
        **extra,
    }


def _post(client: Client, meeting: Meeting, body: dict[str, Any]) -> Any:
    return client.post(
        f"/api/v1/meetings/{meeting.pk}/plan-review/", body, content_type="application/json", secure=True
    )


def test_the_review_is_recorded_from_the_meeting_with_its_day_place_and_attendance(world: Any) -> None:
    plan = _plan(world)
    meeting = make_meeting(world, kind="stage_review", days=-1, held=True)
    response = _post(_api(world.sam_sw), meeting, _body(plan))
    assert response.status_code == 201, response.content
    review = PlanReview.objects.get(plan=plan)
    assert response.json()["id"] == review.pk
    assert review.review_date == timezone.localdate(meeting.starts_at)
    assert review.held_at == "Grange Primary School, meeting room 2"
    assert review.attended.splitlines() == [
        f"{world.sam_sw}, Chair",
        f"{world.dee_dsl}, DSL, Grange Primary School",
        "Jo Example, Parent or carer",
        "Pat Friend, Supporter of a parent or carer",
    ]
    assert review.outcomes[0]["happened"] == "Attendance rose to 93%"
    assert review.created_by == world.sam_sw
    meeting.refresh_from_db()
    assert (meeting.plan_review_id, meeting.plan_id) == (review.pk, plan.pk)
    assert AuditEvent.objects.filter(action="link_plan_review", object_id=str(meeting.pk)).count() == 1
    # The meeting names the review it held; the plan's next review is the one agreed.
    shown = _api(world.sam_sw).get(f"/api/v1/meetings/{meeting.pk}/", secure=True).json()
    assert shown["plan_review"] == review.pk
    plan.refresh_from_db()
    assert plan.next_review_on == TODAY + dt.timedelta(days=60)

    # A meeting holds one review.
    again = _post(_api(world.sam_sw), meeting, _body(plan))
    assert again.status_code == 409 and "already recorded" in again.json()["detail"]
    assert PlanReview.objects.filter(plan=plan).count() == 1


def test_what_is_given_replaces_the_meetings_defaults(world: Any) -> None:
    plan = _plan(world)
    meeting = make_meeting(world, kind="review_planning", days=-3, held=True)
    Meeting.objects.filter(pk=meeting.pk).update(plan=plan)
    body = _body(plan, held_at="", attended="Sam and Jo only", review_date=(TODAY - dt.timedelta(days=2)).isoformat())
    del body["plan"]  # the meeting is about this plan
    response = _post(_api(world.dee_dsl), meeting, body)
    assert response.status_code == 201, response.content
    review = PlanReview.objects.get()
    assert (review.held_at, review.attended, review.review_date) == (
        "",
        "Sam and Jo only",
        TODAY - dt.timedelta(days=2),
    )
    assert review.created_by == world.dee_dsl


def test_bad_input_is_a_clear_400_and_links_nothing(world: Any) -> None:
    plan = _plan(world)
    meeting = make_meeting(world, kind="stage_review", days=-1, held=True)
    sam = _api(world.sam_sw)
    outcome_key = _body(plan)["outcomes"][0]["outcome"]
    for bad, field in (
        ({"plan": None}, "plan"),  # the meeting names no plan
        ({"plan": plan.pk + 999}, "plan"),
        ({"plan": "x"}, "plan"),
        ({"decision": "maybe"}, "decision"),
        ({"decision_reason": ""}, "decision_reason"),
        ({"review_date": "2026-13-01"}, "review_date"),
        ({"review_date": (TODAY + dt.timedelta(days=1)).isoformat()}, "review_date"),
        ({"review_date": (TODAY - dt.timedelta(days=50)).isoformat()}, "review_date"),  # before the plan started
        ({"outcomes": []}, "review-0-happened"),
        ({"outcomes": [{"outcome": outcome_key, "happened": "", "progress": "met"}]}, "outcomes"),
        ({"outcomes": "everything"}, "outcomes"),
    ):
        response = _post(sam, meeting, _body(plan, **bad))
        assert response.status_code == 400, (bad, response.content)
        assert field in response.json(), (bad, response.json())
    meeting.refresh_from_db()
    assert meeting.plan_review_id is None and meeting.plan_id is None
    assert not PlanReview.objects.exists()


def test_a_plan_of_another_child_is_refused_and_another_team_sees_nothing(world: Any) -> None:
    from openics.core import testing as t

    ben = t.make_child("Ben", "Other")
    t.allocate(ben, world.north, world.sam_sw)
    bens_plan, _v = agreed_plan(
        ben, world.sam_sw, "stage2-action-plan", agreed_on=TODAY - dt.timedelta(days=40), next_review_on=TODAY
    )
    meeting = make_meeting(world, kind="stage_review", days=-1, held=True)
    response = _post(_api(world.sam_sw), meeting, _body(bens_plan))
    assert response.status_code == 400 and "plan" in response.json()
    plan = _plan(world)
    for user in (world.olu_other, world.tom_teacher, world.nina_nurse):
        assert _post(_api(user), meeting, _body(plan)).status_code == 404
    # Tara may write to Amy's record but does not write Stage 2 plans.
    tara = _post(_api(world.tara_ta), meeting, _body(plan))
    assert tara.status_code == 403 and "is written by a" in tara.json()["detail"]
    assert not PlanReview.objects.exists()
    assert _post(_api(world.sam_sw), Meeting(pk=meeting.pk + 999), _body(plan)).status_code == 404


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("planned", "Record the meeting before"),
        ("core_group", "Only a review meeting"),
        ("other_plan", "about another plan"),
        ("social_care_plan", "another part of the child's record"),
    ],
)
def test_meetings_that_cannot_hold_the_review_are_refused(world: Any, setup: str, message: str) -> None:
    plan = _plan(world, "cin-plan" if setup == "social_care_plan" else "stage2-action-plan")
    if setup == "planned":
        meeting = make_meeting(world, kind="stage_review", days=-1)
    elif setup == "core_group":
        meeting = make_meeting(world, kind="core_group", days=-1, held=True)
    else:
        meeting = make_meeting(world, kind="stage_review", days=-1, held=True)
    if setup == "other_plan":
        other = _plan(world, "early-help-plan")
        Meeting.objects.filter(pk=meeting.pk).update(plan=other)
    response = _post(_api(world.sam_sw), meeting, _body(plan))
    assert response.status_code == 409
    assert message in response.json()["detail"]
    assert not PlanReview.objects.exists()
