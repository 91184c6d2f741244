"""Deadlines for a child: created from the authority's rules, met on time or
late, their derived status, and who may see them."""

from __future__ import annotations

import datetime as dt

import pytest

from openics.conftest import World
from openics.core.models import AuditEvent, Person
from openics.core.roles import Part
from openics.timescales.actions import (
    do_create_deadline,
    do_meet_deadline,
    do_override_rule,
    do_set_authority_timescales,
)
from openics.timescales.errors import TimescaleError
from openics.timescales.models import Deadline, DeadlineStatus

D = dt.date.fromisoformat
S = DeadlineStatus


def single_assessment(world: World, **kwargs: object) -> Deadline:
    """45 WD from Monday 3 November 2025: due Thursday 8 January 2026."""
    return do_create_deadline(
        world.amy,
        rule_id="single-assessment",
        trigger_date=D("2025-11-03"),
        organisation=world.la,
        acting_user=world.sam_sw,
        source_type="socialcare.referral",
        source_id="17",
        **kwargs,  # type: ignore[arg-type]
    )


def test_a_deadline_records_the_rule_it_was_worked_out_with(world: World) -> None:
    deadline = single_assessment(world)
    assert deadline.due_date == D("2026-01-08")
    assert (deadline.profile, deadline.profile_version, deadline.nation) == ("england", "2023.1", "ENG")
    assert (deadline.offset, deadline.unit, deadline.overridden) == (45, "working_days", False)
    assert deadline.title == "Child and family assessment completed"
    assert (deadline.source_type, deadline.source_id) == ("socialcare.referral", "17")
    # Five working days before 8 January, over New Year's Day: 31 December.
    assert deadline.due_soon_from == D("2025-12-31")
    event = AuditEvent.objects.get(object_type="timescales.deadline", object_id=str(deadline.pk))
    assert (event.action, event.child_id, event.username) == ("create", world.amy.pk, "sam_sw")
    assert event.detail["due"] == "2026-01-08"


def test_the_authoritys_chosen_profile_applies(world: World) -> None:
    do_set_authority_timescales(world.la, profile="sussex-ics", nation="ENG", acting_user=world.ada_admin)
    deadline = do_create_deadline(
        world.amy,
        rule_id="initial-assessment",
        trigger_date=D("2026-04-02"),
        organisation=world.la,
        acting_user=world.sam_sw,
    )
    assert (deadline.due_date, deadline.profile) == (D("2026-04-20"), "sussex-ics")
    with pytest.raises(TimescaleError, match="no rule 'single-assessment' in the sussex-ics profile"):
        single_assessment(world)


def test_the_due_soon_window_is_configurable(world: World) -> None:
    do_set_authority_timescales(
        world.la, profile="england", nation="ENG", due_soon_working_days=10, acting_user=world.ada_admin
    )
    assert single_assessment(world).due_soon_from == D("2025-12-22")
    with pytest.raises(TimescaleError, match="from 0 to 60 working days"):
        do_set_authority_timescales(
            world.la, profile="england", nation="ENG", due_soon_working_days=61, acting_user=None
        )


def test_an_unknown_profile_cannot_be_chosen(world: World) -> None:
    with pytest.raises(TimescaleError, match="no timescale profile 'kent'"):
        do_set_authority_timescales(world.la, profile="kent", nation="ENG", acting_user=None)


def test_a_local_override_changes_new_deadlines_only(world: World) -> None:
    before = do_create_deadline(
        world.amy, rule_id="cp-visit", trigger_date=D("2026-04-02"), organisation=world.la, acting_user=None
    )
    assert before.due_date == D("2026-04-20")
    do_override_rule(
        world.la,
        rule_id="cp-visit",
        offset=4,
        unit="weeks",
        reason="Our procedures visit every four weeks",
        acting_user=world.ada_admin,
    )
    after = do_create_deadline(
        world.amy, rule_id="cp-visit", trigger_date=D("2026-04-02"), organisation=world.la, acting_user=None
    )
    assert (after.due_date, after.unit, after.overridden) == (D("2026-04-30"), "weeks", True)
    before.refresh_from_db()
    assert before.due_date == D("2026-04-20")


def test_an_override_needs_a_rule_of_the_profile_and_a_reason(world: World) -> None:
    with pytest.raises(TimescaleError, match="no rule 'initial-assessment' in the england profile"):
        do_override_rule(world.la, rule_id="initial-assessment", offset=5, unit="days", reason="x", acting_user=None)
    with pytest.raises(TimescaleError, match="Enter the reason"):
        do_override_rule(world.la, rule_id="cp-visit", offset=5, unit="days", reason=" ", acting_user=None)
    with pytest.raises(TimescaleError, match="Unknown unit"):
        do_override_rule(world.la, rule_id="cp-visit", offset=5, unit="fortnights", reason="x", acting_user=None)
    with pytest.raises(TimescaleError, match="whole number from 1"):
        do_override_rule(world.la, rule_id="cp-visit", offset=0, unit="days", reason="x", acting_user=None)


def test_status_moves_from_due_to_due_soon_to_overdue(world: World) -> None:
    deadline = single_assessment(world)
    assert deadline.status_on(D("2025-12-30")) == S.DUE
    assert deadline.status_on(D("2025-12-31")) == S.DUE_SOON
    assert deadline.status_on(D("2026-01-08")) == S.DUE_SOON
    assert deadline.status_on(D("2026-01-09")) == S.OVERDUE
    # Today (after January 2026) it is overdue.
    assert deadline.status == S.OVERDUE


@pytest.mark.parametrize(
    ("met_on", "reason", "status"),
    [
        ("2025-12-01", "", S.MET),
        ("2026-01-08", "", S.MET),
        ("2026-01-09", "Family unavailable over Christmas", S.MET_LATE),
    ],
)
def test_meeting_a_deadline(world: World, met_on: str, reason: str, status: DeadlineStatus) -> None:
    deadline = do_meet_deadline(
        single_assessment(world), met_on=D(met_on), late_reason=reason, acting_user=world.sam_sw
    )
    deadline.refresh_from_db()
    assert deadline.met_on == D(met_on)
    assert deadline.late_reason == reason
    assert deadline.version == 2
    # Once met, the day it is looked at no longer matters.
    assert deadline.status_on(D("2025-11-04")) == status
    assert deadline.status_on(D("2030-01-01")) == status
    event = AuditEvent.objects.get(action="meet", object_id=str(deadline.pk))
    assert event.child_id == world.amy.pk
    assert event.detail["late"] is (status == S.MET_LATE)


def test_a_late_deadline_needs_its_reason(world: World) -> None:
    deadline = single_assessment(world)
    with pytest.raises(TimescaleError, match="Enter the reason it was met after the deadline"):
        do_meet_deadline(deadline, met_on=D("2026-01-09"), acting_user=world.sam_sw)
    deadline.refresh_from_db()
    assert deadline.met_on is None


def test_a_deadline_cannot_be_met_twice_before_it_started_or_in_the_future(world: World) -> None:
    deadline = single_assessment(world)
    with pytest.raises(TimescaleError, match="on or after the date it started from"):
        do_meet_deadline(deadline, met_on=D("2025-11-02"), acting_user=None)
    with pytest.raises(TimescaleError, match="today or in the past"):
        do_meet_deadline(deadline, met_on=dt.date.today() + dt.timedelta(days=1), acting_user=None)  # noqa: DTZ011
    do_meet_deadline(deadline, met_on=D("2026-01-05"), acting_user=None)
    with pytest.raises(TimescaleError, match="already been met"):
        do_meet_deadline(deadline, met_on=D("2026-01-06"), acting_user=None)


def test_querysets_agree_with_the_status(world: World) -> None:
    a = single_assessment(world)  # due 2026-01-08, due soon from 2025-12-31
    b = do_create_deadline(
        world.amy, rule_id="referral-decision", trigger_date=D("2025-12-24"), organisation=world.la, acting_user=None
    )  # due 2025-12-29
    c = do_create_deadline(
        world.amy, rule_id="icpc", trigger_date=D("2025-11-03"), organisation=world.la, acting_user=None
    )
    do_meet_deadline(c, met_on=D("2025-11-20"), acting_user=None)
    on = D("2026-01-02")
    assert list(Deadline.objects.due_soon(on)) == [a]
    assert list(Deadline.objects.overdue(on)) == [b]
    # The annotation is invisible to django-stubs.
    annotated = {d.pk: d.current_status for d in Deadline.objects.with_status(on)}  # type: ignore[attr-defined]
    assert annotated == {a.pk: S.DUE_SOON, b.pk: S.OVERDUE, c.pk: S.MET}
    for deadline in Deadline.objects.all():
        assert deadline.status_on(on) == annotated[deadline.pk]


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("sam_sw", True),  # the allocated social worker
        ("tara_ta", True),  # her team
        ("pat_pm", True),  # her team's manager
        ("sean_sm", True),  # the service manager above the team
        ("olu_other", False),  # a worker in another team
        ("dee_dsl", False),  # the school's DSL sees Amy, but not social care deadlines
        ("tom_teacher", False),
        ("oscar_dsl", False),
        ("nina_nurse", False),
    ],
)
def test_who_sees_a_social_care_deadline(world: World, persona: str, sees: bool) -> None:
    deadline = single_assessment(world)
    user = getattr(world, persona)
    visible = list(Deadline.objects.for_user(user))
    assert visible == ([deadline] if sees else [])
    # Never more than the access chokepoint's list of children allows.
    assert set(Deadline.objects.for_user(user).values_list("child", flat=True)) <= set(
        Person.objects.visible_to(user).values_list("pk", flat=True)
    )


def test_a_school_safeguarding_deadline_is_for_the_dsl_not_social_care(world: World) -> None:
    deadline = do_create_deadline(
        world.amy,
        rule_id="dsl-training",
        trigger_date=D("2025-09-01"),
        organisation=world.la,
        acting_user=world.dee_dsl,
        part=Part.SCHOOL_SAFEGUARDING,
    )
    assert list(Deadline.objects.for_user(world.dee_dsl)) == [deadline]
    assert list(Deadline.objects.for_user(world.sam_sw)) == []
    assert list(Deadline.objects.for_user(world.oscar_dsl)) == []


def test_a_restricted_child_hides_its_deadlines(world: World) -> None:
    single_assessment(world)
    Person.objects.filter(pk=world.amy.pk).update(restriction="high_risk")
    assert list(Deadline.objects.for_user(world.sam_sw)) == []


def test_the_list_for_a_user_has_a_fixed_query_count(world: World, django_assert_max_num_queries) -> None:
    for day in range(1, 21):
        do_create_deadline(
            world.amy,
            rule_id="referral-decision",
            trigger_date=D("2026-03-01") + dt.timedelta(days=day),
            organisation=world.la,
            acting_user=None,
        )
    # staff_context (role assignments, team tree) and the list itself,
    # whatever the number of deadlines.
    with django_assert_max_num_queries(4):
        assert len(list(Deadline.objects.for_user(world.pat_pm).with_status(D("2026-03-10")))) == 20
