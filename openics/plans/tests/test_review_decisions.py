"""Reviews: each outcome's progress, the decision, the next review as a deadline."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from openics.plans import actions
from openics.plans.deadlines import AGREED_RULE_ID, SOURCE_TYPE
from openics.plans.models import Level, LevelOfNeed, PlanStatus, ReviewDecision, VersionStatus
from openics.plans.tests.factories import agreed_plan
from openics.timescales.actions import do_set_authority_timescales
from openics.timescales.models import Deadline

pytestmark = pytest.mark.django_db


def _entries(version: Any, progress: str = "partly") -> list[dict[str, Any]]:
    return [
        {
            "outcome": o["key"],
            "happened": "Attendance rose to 91%",
            "progress": progress,
            "impact": "Mornings calmer",
            "not_delivered": "Breakfast club place not yet found",
            "targets": {t["key"]: progress for t in o["targets"]},
        }
        for o in version.content["outcomes"]
    ]


def _review(plan: Any, version: Any, actor: Any, decision: str, on: dt.date, **kwargs: Any) -> Any:
    return actions.do_record_review(
        plan,
        actor=actor,
        review_date=on,
        held_at="Grange Primary School",
        attended="Sam (social worker), Dee (DSL), Mother",
        outcomes=_entries(version),
        decision=decision,
        decision_reason="Progress reviewed with the family",
        **kwargs,
    )


def test_cin_plan_review_deadline_comes_from_the_rule(world: Any) -> None:
    do_set_authority_timescales(world.la, profile="sussex-ics", nation="ENG", acting_user=None)
    plan, _ = agreed_plan(world.amy, world.sam_sw, "cin-plan", agreed_on=dt.date(2026, 3, 2))
    deadline = Deadline.objects.get(source_type=SOURCE_TYPE, source_id=str(plan.pk))
    assert deadline.rule_id == "cin-review"
    # Six months from the day the plan was agreed.
    assert deadline.due_date == dt.date(2026, 9, 2)
    assert plan.next_review_on == dt.date(2026, 9, 2)


def test_stage2_plan_review_date_is_agreed_at_the_meeting(world: Any) -> None:
    do_set_authority_timescales(world.la, profile="sussex-ics", nation="ENG", acting_user=None)
    with pytest.raises(ValidationError) as error:
        agreed_plan(world.amy, world.sam_sw, "stage2-action-plan", agreed_on=dt.date(2026, 3, 2))
    assert error.value.message_dict == {"next_review_on": ["Enter the date of the next review agreed at the meeting"]}
    plan, version = agreed_plan(
        world.amy,
        world.sam_sw,
        "stage2-action-plan",
        agreed_on=dt.date(2026, 3, 2),
        next_review_on=dt.date(2026, 5, 11),
    )
    deadline = Deadline.objects.get(source_type=SOURCE_TYPE, source_id=str(plan.pk))
    assert (deadline.rule_id, deadline.due_date, deadline.part) == (AGREED_RULE_ID, dt.date(2026, 5, 11), "plans")

    # The review meets it and the next agreed date becomes the next deadline.
    review = _review(
        plan, version, world.sam_sw, ReviewDecision.CONTINUE, dt.date(2026, 5, 6), next_review_on=dt.date(2026, 7, 1)
    )
    deadline.refresh_from_db()
    assert deadline.met_on == dt.date(2026, 5, 6)
    following = Deadline.objects.open().get(source_type=SOURCE_TYPE, source_id=str(plan.pk))
    assert following.due_date == dt.date(2026, 7, 1)
    assert review.next_review_on == dt.date(2026, 7, 1)


def test_one_plan_is_reviewed_at_least_termly(world: Any) -> None:
    with pytest.raises(ValidationError) as error:
        agreed_plan(
            world.amy, world.dee_dsl, "one-plan", agreed_on=dt.date(2026, 3, 2), next_review_on=dt.date(2026, 12, 1)
        )
    assert "at the latest" in error.value.message_dict["next_review_on"][0]


def test_step_up_then_step_down_records_level_changes(world: Any) -> None:
    plan, version = agreed_plan(
        world.amy, world.sam_sw, "stage2-action-plan", agreed_on=dt.date(2026, 3, 2), next_review_on=dt.date(2026, 4, 1)
    )
    actions.do_record_level_of_need(
        world.amy,
        actor=world.pat_pm,
        level=Level.INTENSIVE,
        stage=2,
        decided_on=dt.date(2026, 3, 1),
        reason="Stage 2 meeting",
    )
    up = _review(
        plan, version, world.sam_sw, ReviewDecision.STEP_UP, dt.date(2026, 3, 30), next_review_on=dt.date(2026, 5, 1)
    )
    current = LevelOfNeed.objects.current_for(world.amy)
    assert current is not None
    assert (current.stage, current.level, current.review_id, current.decided_by) == (
        3,
        "specialist",
        up.pk,
        world.sam_sw,
    )
    down = _review(
        plan, version, world.sam_sw, ReviewDecision.STEP_DOWN, dt.date(2026, 4, 28), next_review_on=dt.date(2026, 6, 1)
    )
    history = list(LevelOfNeed.objects.filter(child=world.amy).values_list("stage", "review_id"))
    assert history == [(2, None), (3, up.pk), (2, down.pk)]
    # Up to stage 3 again; there is no stage above it.
    _review(
        plan, version, world.sam_sw, ReviewDecision.STEP_UP, dt.date(2026, 5, 1), next_review_on=dt.date(2026, 6, 1)
    )
    with pytest.raises(ValidationError) as error:
        _review(
            plan, version, world.sam_sw, ReviewDecision.STEP_UP, dt.date(2026, 5, 2), next_review_on=dt.date(2026, 6, 1)
        )
    assert error.value.message_dict == {
        "decision": ["The child is at stage 3 already: there is no stage to step up to"]
    }


def test_amend_starts_a_new_draft_and_close_ends_the_plan(world: Any) -> None:
    plan, version = agreed_plan(world.amy, world.sam_sw, "cin-plan", agreed_on=dt.date(2026, 3, 2))
    review = _review(plan, version, world.sam_sw, ReviewDecision.AMEND, dt.date(2026, 4, 1))
    draft = actions.draft_version(plan)
    assert draft is not None and draft.number == 2 and draft.from_review == review
    assert draft.status == VersionStatus.DRAFT
    _review(plan, version, world.sam_sw, ReviewDecision.CLOSE, dt.date(2026, 4, 20))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ENDED and plan.ended_on == dt.date(2026, 4, 20)
    with pytest.raises(actions.PlanRefused):
        _review(plan, version, world.sam_sw, ReviewDecision.CONTINUE, dt.date(2026, 4, 21))


def test_every_outcome_needs_its_progress(world: Any) -> None:
    plan, _ = agreed_plan(world.amy, world.sam_sw, "cin-plan", agreed_on=dt.date(2026, 3, 2))
    with pytest.raises(ValidationError) as error:
        actions.do_record_review(
            plan,
            actor=world.sam_sw,
            review_date=dt.date(2026, 4, 1),
            held_at="",
            attended="",
            outcomes=[],
            decision=ReviewDecision.CONTINUE,
            decision_reason="Fine",
        )
    assert error.value.message_dict["review-0-progress"] == ["Select the progress on outcome 1"]
    assert error.value.message_dict["review-0-targets-0"] == ["Select the progress on target 1 of outcome 1"]


def test_plans_due_for_review(world: Any) -> None:
    from openics.plans.models import Plan

    plan, _ = agreed_plan(
        world.amy, world.sam_sw, "stage2-action-plan", agreed_on=dt.date(2026, 3, 2), next_review_on=dt.date(2026, 4, 1)
    )
    assert list(Plan.objects.due_for_review(dt.date(2026, 3, 31))) == []
    assert list(Plan.objects.due_for_review(dt.date(2026, 4, 1))) == [plan]
