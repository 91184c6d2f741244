"""Episodes follow the records, through the real record actions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command

from openics.casework.derive import rebuild_child_episodes
from openics.casework.models import CINEpisode, CPEpisode
from openics.records.actions import do_save_draft

from . import helpers as h

pytestmark = pytest.mark.django_db

D = dt.date.fromisoformat


def cin(world: Any) -> list[CINEpisode]:
    return list(CINEpisode.objects.filter(child=world.amy).order_by("referral_date", "pk"))


def cp(world: Any) -> list[CPEpisode]:
    return list(CPEpisode.objects.filter(child=world.amy).order_by("started_on", "pk"))


def test_a_referral_opens_and_a_closure_closes_the_cin_episode(world: Any) -> None:
    referral = h.endorsed(world, "referral", h.referral("2026-01-05", source="6"))
    (episode,) = cin(world)
    assert (episode.referral_date, episode.referral_source, episode.closure_date) == (D("2026-01-05"), "6", None)
    assert episode.referral_series == referral.series
    assert not episode.referral_nfa
    closure = h.endorsed(world, "closure", h.closure("2026-03-01", reason="RC4"))
    (episode,) = cin(world)
    assert episode.closure_date == D("2026-03-01")
    assert episode.reason_for_closure == "RC4"
    assert episode.closure_series == closure.series


def test_a_second_referral_while_open_belongs_to_the_open_episode(world: Any) -> None:
    h.submitted(world, "referral", h.referral("2026-01-05"))
    h.submitted(world, "referral", h.referral("2026-02-05"))
    (episode,) = cin(world)
    assert episode.referral_date == D("2026-01-05")


def test_a_referral_with_no_further_action_closes_the_same_day(world: Any) -> None:
    h.submitted(world, "referral", h.referral("2026-01-05", decision="nfa"))
    (episode,) = cin(world)
    assert episode.referral_nfa
    assert episode.closure_date == D("2026-01-05")
    assert episode.reason_for_closure == "RC8"


def test_a_reopened_case_links_to_the_previous_episode(world: Any) -> None:
    h.submitted(world, "referral", h.referral("2025-06-01"))
    h.submitted(world, "closure", h.closure("2025-09-01"))
    h.submitted(world, "referral", h.referral("2026-01-05"))
    first, second = cin(world)
    assert first.closure_date == D("2025-09-01")
    assert second.reopens == first
    assert second.closure_date is None
    assert first.reopens is None


def test_the_primary_need_comes_from_the_latest_assessment_stating_one(world: Any) -> None:
    h.submitted(world, "referral", h.referral("2026-01-05"))
    h.submitted(world, "single-assessment", h.assessment("2026-01-20", need="N4"))
    assert cin(world)[0].primary_need == "N4"
    h.submitted(world, "single-assessment", h.assessment("2026-02-20", need="N1"))
    assert cin(world)[0].primary_need == "N1"


def test_an_icpc_plan_opens_a_cp_episode_with_its_categories(world: Any) -> None:
    h.submitted(world, "referral", h.referral("2026-01-05"))
    icpc = h.submitted(world, "icpc", h.icpc("2026-02-10", category="PHY"))
    (plan,) = cp(world)
    assert plan.started_on == D("2026-02-10")
    assert (plan.initial_category, plan.latest_category) == ("PHY", "PHY")
    assert plan.previous_plans == 0
    assert plan.icpc_series == icpc.series
    assert plan.cin_episode == cin(world)[0]
    assert plan.ended_on is None


def test_an_icpc_without_a_plan_opens_nothing(world: Any) -> None:
    h.submitted(world, "icpc", h.icpc("2026-02-10", decision="no_plan"))
    assert cp(world) == []


def test_a_review_that_continues_changes_the_latest_category(world: Any) -> None:
    h.submitted(world, "icpc", h.icpc("2026-02-10", category="NEG"))
    h.submitted(world, "cp-review", h.review("2026-05-10", category="EMO"), by=world.iris_iro)
    (plan,) = cp(world)
    assert (plan.initial_category, plan.latest_category) == ("NEG", "EMO")
    assert plan.review_dates == ["2026-05-10"]
    assert plan.ended_on is None


def test_a_review_that_ends_the_plan_ends_the_episode(world: Any) -> None:
    h.submitted(world, "icpc", h.icpc("2026-02-10"))
    h.submitted(world, "cp-review", h.review("2026-05-10"), by=world.iris_iro)
    ending = h.submitted(world, "cp-review", h.review("2026-11-10", decision="end"), by=world.iris_iro)
    (plan,) = cp(world)
    assert plan.ended_on == D("2026-11-10")
    assert plan.ended_by_series == ending.series
    assert plan.review_dates == ["2026-05-10", "2026-11-10"]
    assert not CPEpisode.objects.open().filter(child=world.amy).exists()


def test_a_closure_ends_a_plan_still_open(world: Any) -> None:
    h.submitted(world, "referral", h.referral("2026-01-05"))
    h.submitted(world, "icpc", h.icpc("2026-02-10"))
    closure = h.submitted(world, "closure", h.closure("2026-06-01", reason="RC5"))
    (plan,) = cp(world)
    assert plan.ended_on == D("2026-06-01")
    assert plan.ended_by_series == closure.series
    assert cin(world)[0].closure_date == D("2026-06-01")


def test_a_second_plan_counts_the_first(world: Any) -> None:
    h.submitted(world, "icpc", h.icpc("2025-02-10", category="SAB"))
    h.submitted(world, "cp-review", h.review("2025-05-10", decision="end"), by=world.iris_iro)
    h.submitted(world, "icpc", h.icpc("2026-02-10", category="NEG"))
    first, second = cp(world)
    assert (first.previous_plans, second.previous_plans) == (0, 1)
    assert second.initial_category == "NEG"
    assert second.ended_on is None


def test_records_entered_out_of_order_are_read_in_date_order(world: Any) -> None:
    # The later plan is recorded first; the earlier one (and its end) after.
    h.submitted(world, "icpc", h.icpc("2026-02-10", category="NEG"))
    h.submitted(world, "cp-review", h.review("2025-05-10", decision="end"), by=world.iris_iro)
    h.submitted(world, "icpc", h.icpc("2025-02-10", category="SAB"))
    first, second = cp(world)
    assert (first.started_on, first.ended_on, first.previous_plans) == (D("2025-02-10"), D("2025-05-10"), 0)
    assert (second.started_on, second.ended_on, second.previous_plans) == (D("2026-02-10"), None, 1)


def test_a_correction_of_the_icpc_changes_the_category(world: Any) -> None:
    icpc = h.endorsed(world, "icpc", h.icpc("2026-02-10", category="NEG"))
    h.corrected(world, icpc, {"category": "SAB"})
    (plan,) = cp(world)
    assert (plan.initial_category, plan.latest_category) == ("SAB", "SAB")
    assert plan.icpc_series == icpc.series


def test_an_unsubmitted_correction_leaves_the_endorsed_edition_counting(world: Any) -> None:
    from openics.records.actions import do_correct

    icpc = h.endorsed(world, "icpc", h.icpc("2026-02-10", category="NEG"))
    correction = do_correct(icpc, actor=world.sam_sw, reason="Wrong category")
    do_save_draft(correction, actor=world.sam_sw, data={"category": "SAB"}, expected_version=correction.version)
    rebuild_child_episodes(world.amy.pk)
    (plan,) = cp(world)
    assert plan.latest_category == "NEG"


def test_returned_records_still_count(world: Any) -> None:
    h.returned(world, "icpc", h.icpc("2026-02-10", category="EMO"))
    (plan,) = cp(world)
    assert plan.latest_category == "EMO"


def test_drafts_do_not_count(world: Any) -> None:
    h.draft(world, "referral", h.referral("2026-01-05"))
    h.draft(world, "icpc", h.icpc("2026-02-10"))
    rebuild_child_episodes(world.amy.pk)
    assert cin(world) == []
    assert cp(world) == []


def test_a_returned_record_whose_date_was_cleared_is_skipped(world: Any) -> None:
    record = h.returned(world, "icpc", h.icpc("2026-02-10"))
    do_save_draft(record, actor=world.sam_sw, data={"conference_date": None}, expected_version=record.version)
    rebuild_child_episodes(world.amy.pk)
    assert cp(world) == []


def test_the_rebuild_command_rebuilds_every_child(world: Any) -> None:
    h.submitted(world, "referral", h.referral("2026-01-05"))
    h.submitted(world, "icpc", h.icpc("2026-02-10"))
    CPEpisode.objects.all().delete()
    CINEpisode.objects.all().delete()
    call_command("rebuild_episodes")
    assert len(cin(world)) == 1
    assert len(cp(world)) == 1
    CPEpisode.objects.all().delete()
    call_command("rebuild_episodes", "--child", str(world.amy.pk))
    assert len(cp(world)) == 1
