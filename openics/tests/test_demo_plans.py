"""`openics demo` includes plans, reviews, levels of need and meetings,
written through the plan and meeting actions, in the demo's past, the same
for the same seed, and in the work of the demo's sign-ins."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from openics.casework.models import CINEpisode, CPEpisode
from openics.core.models import Involvement, InvolvementKind, RoleAssignment, User
from openics.core.roles import Role
from openics.demo import REFERENCE_DATE
from openics.demo.snapshot import canonical_snapshot
from openics.meetings.models import Meeting, MeetingKind, MeetingStatus
from openics.plans.models import LevelOfNeed, Plan, PlanReview, PlanStatus, ReviewDecision, VersionStatus
from openics.timescales.models import Deadline

pytestmark = pytest.mark.django_db

CHILDREN = 120


def load(seed: int = 1) -> None:
    call_command("demo", "--children", str(CHILDREN), "--seed", str(seed), "--long-history", "0", stdout=StringIO())


@pytest.fixture
def demo(db: None) -> None:
    load()


def _first(role: str) -> User:
    return RoleAssignment.objects.filter(role=role, ended_on__isnull=True).order_by("user_id").first().user  # type: ignore[union-attr]


def test_cin_plans_follow_open_cin_episodes_and_are_reviewed(demo: None) -> None:
    cin = Plan.objects.filter(plan_type="cin-plan")
    assert cin.count() >= 3
    for plan in cin:
        assert plan.status == PlanStatus.ACTIVE
        assert plan.started_on is not None and plan.started_on <= REFERENCE_DATE
        episode = CINEpisode.objects.open().get(child=plan.child)
        assert (plan.started_on, None) in episode.cin_plan_dates()
        assert not CPEpisode.objects.open().filter(child=plan.child).exists()
        # The next review is a deadline in My work.
        assert Deadline.objects.open().filter(source_type="plans.plan", source_id=str(plan.pk)).exists()
    assert cin.filter(versions__status=VersionStatus.ENDORSED).exists()
    assert PlanReview.objects.filter(plan__plan_type="cin-plan", decision=ReviewDecision.CONTINUE).exists()


def test_children_on_cp_plans_have_a_detailed_plan(demo: None) -> None:
    cp = Plan.objects.filter(plan_type="cp-plan")
    assert cp.exists()
    for plan in cp:
        episode = CPEpisode.objects.open().get(child=plan.child)
        assert plan.started_on is not None and episode.started_on <= plan.started_on <= REFERENCE_DATE


def test_stage2_plans_step_up_and_down_with_levels_of_need(demo: None) -> None:
    up = PlanReview.objects.get(plan__plan_type="stage2-action-plan", decision=ReviewDecision.STEP_UP)
    down = PlanReview.objects.get(plan__plan_type="stage2-action-plan", decision=ReviewDecision.STEP_DOWN)
    assert LevelOfNeed.objects.current_for(up.plan.child).stage == 3  # type: ignore[union-attr]
    assert LevelOfNeed.objects.current_for(down.plan.child).stage == 1  # type: ignore[union-attr]
    # A history: stage 1, then stage 2 when the plan started, then the step.
    stages = list(LevelOfNeed.objects.filter(child=up.plan.child).values_list("stage", flat=True))
    assert stages == [1, 2, 3]
    assert LevelOfNeed.objects.filter(review=up).exists()
    assert Plan.objects.filter(plan_type="one-plan", reviews__isnull=False).exists()
    assert not LevelOfNeed.objects.filter(decided_on__gt=REFERENCE_DATE).exists()
    assert not PlanReview.objects.filter(review_date__gt=REFERENCE_DATE).exists()


def test_meetings_held_and_planned_with_participants(demo: None) -> None:
    held = Meeting.objects.filter(status=MeetingStatus.HELD)
    planned = Meeting.objects.filter(status=MeetingStatus.PLANNED)
    assert held.filter(kind=MeetingKind.REVIEW_PLANNING).exists()
    assert held.filter(kind=MeetingKind.CORE_GROUP).exists()
    assert planned.filter(kind=MeetingKind.REVIEW_CONFERENCE, chair__isnull=False).exists()
    for meeting in held:
        assert meeting.starts_at.date() <= REFERENCE_DATE
        assert meeting.participants.filter(attendance="attended").exists()
    for meeting in planned:
        assert meeting.starts_at.date() > REFERENCE_DATE
        assert meeting.participants.count() >= 3


def test_the_demo_sign_ins_have_plans_and_meetings(demo: None) -> None:
    worker = _first(Role.SOCIAL_WORKER)
    children = Involvement.objects.filter(kind=InvolvementKind.ALLOCATED, worker=worker, ended_on__isnull=True).values(
        "child"
    )
    assert Plan.objects.filter(child__in=children, plan_type="cin-plan").exists()
    assert Plan.objects.filter(child__in=children, plan_type="stage2-action-plan").exists()
    assert Meeting.objects.filter(child__in=children).exists()
    # A CIN plan of hers waits for the demo practice manager's endorsement.
    assert Plan.objects.filter(child__in=children, versions__status=VersionStatus.AGREED, plan_type="cin-plan")
    iro = _first(Role.IRO)
    assert Meeting.objects.filter(chair=iro).exists()


def test_the_same_seed_gives_the_same_plans_and_meetings() -> None:
    keys = ("plan_versions", "plan_reviews", "levels_of_need", "meetings")
    snapshots = []
    for _ in range(2):
        with transaction.atomic():
            load(7)
            snapshot = canonical_snapshot()
            transaction.set_rollback(True)
        snapshots.append({key: snapshot[key] for key in keys})
    assert all(snapshots[0][key] for key in keys)
    assert snapshots[0] == snapshots[1]
