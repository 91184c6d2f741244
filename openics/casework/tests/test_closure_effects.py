"""A Closure Record closes the case's open work: social care deadlines are
no longer needed and social care plans end; multi-agency plans go on."""

from __future__ import annotations

import datetime as dt

import pytest

from openics.plans.models import Plan, PlanStatus
from openics.plans.tests.factories import agreed_plan
from openics.timescales.models import Deadline, DeadlineStatus

from .helpers import closure, icpc, referral, submitted

pytestmark = pytest.mark.django_db


def test_closure_cancels_open_social_care_deadlines_and_ends_social_care_plans(world):
    submitted(world, "referral", referral("2026-03-02"))
    submitted(world, "icpc", icpc("2026-03-09"))
    cin_plan, _ = agreed_plan(world.amy, world.sam_sw, "cin-plan", agreed_on=dt.date(2026, 3, 10))
    stage_plan, _ = agreed_plan(
        world.amy,
        world.sam_sw,
        "stage2-action-plan",
        agreed_on=dt.date(2026, 3, 10),
        next_review_on=dt.date(2026, 6, 1),
    )
    open_before = set(Deadline.objects.open().filter(child=world.amy).values_list("rule_id", "part"))
    assert ("cp-review-first", "social_care") in open_before

    submitted(world, "closure", closure("2026-04-01"))

    social = Deadline.objects.filter(child=world.amy, part="social_care").with_status()
    assert social.exists()
    statuses = {d.current_status for d in social if d.met_on is None}  # type: ignore[attr-defined]
    assert statuses == {DeadlineStatus.CANCELLED}
    cancelled = social.get(rule_id="cp-review-first")
    assert cancelled.cancelled_on == dt.date(2026, 4, 1) and "Closure Record" in cancelled.cancelled_reason
    # The multi-agency plan and its review deadline are not social care's to close.
    assert Deadline.objects.open().filter(child=world.amy, part="plans").exists()
    cin_plan.refresh_from_db()
    stage_plan.refresh_from_db()
    assert (cin_plan.status, cin_plan.ended_on) == (PlanStatus.ENDED, dt.date(2026, 4, 1))
    assert stage_plan.status == PlanStatus.ACTIVE
    assert Plan.objects.filter(child=world.amy, status=PlanStatus.ENDED).count() == 1


def test_the_cin_episode_reads_its_cin_plan_dates_from_the_plans(world):
    from openics.casework.models import CINEpisode

    submitted(world, "referral", referral("2026-03-02"))
    agreed_plan(world.amy, world.sam_sw, "cin-plan", agreed_on=dt.date(2026, 3, 20))
    episode = CINEpisode.objects.get(child=world.amy)
    assert episode.cin_plan_dates() == [(dt.date(2026, 3, 20), None)]
    submitted(world, "closure", closure("2026-05-01"))
    episode = CINEpisode.objects.get(child=world.amy)
    assert episode.cin_plan_dates() == [(dt.date(2026, 3, 20), dt.date(2026, 5, 1))]
