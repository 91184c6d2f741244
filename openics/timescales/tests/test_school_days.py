"""School days: only the school's term days count, less INSET and closure
days and bank holidays."""

from __future__ import annotations

import datetime as dt

import pytest

from openics.core.models import Organisation, OrganisationKind
from openics.core.testing import make_child, make_la, make_org
from openics.timescales.actions import do_add_school_closure, do_add_school_term, do_create_deadline
from openics.timescales.deadlines import compute
from openics.timescales.errors import TimescaleError

D = dt.date.fromisoformat


@pytest.fixture
def school(db: None) -> Organisation:
    school = make_org("Grange Primary School", OrganisationKind.SCHOOL, make_la(), urn="114999")
    do_add_school_term(school, start=D("2026-01-05"), end=D("2026-02-13"), name="Spring 1", acting_user=None)
    do_add_school_term(school, start=D("2026-02-23"), end=D("2026-04-02"), name="Spring 2", acting_user=None)
    return school


def absence_due(school: Organisation, first_day: str) -> dt.date:
    return compute("school-absence-notify", D(first_day), profile="england", school_id=school.pk).due


def test_half_term_does_not_count_and_the_first_day_of_absence_is_day_one(school: Organisation) -> None:
    # 9 to 13 February are days 1 to 5; half term; 23 to 27 February days 6 to 10.
    assert absence_due(school, "2026-02-09") == D("2026-02-27")


def test_an_inset_day_moves_the_deadline(school: Organisation) -> None:
    do_add_school_closure(school, day=D("2026-02-23"), reason="INSET day", acting_user=None)
    assert absence_due(school, "2026-02-09") == D("2026-03-02")
    with pytest.raises(TimescaleError, match="already recorded"):
        do_add_school_closure(school, day=D("2026-02-23"), reason="INSET day", acting_user=None)


def test_counting_past_the_last_recorded_term_is_an_error(school: Organisation) -> None:
    with pytest.raises(TimescaleError, match="No term dates are recorded for Grange Primary School after 2026-04-02"):
        absence_due(school, "2026-03-30")


def test_a_school_day_deadline_for_a_child(school: Organisation) -> None:
    la = school.local_authority
    assert la is not None
    deadline = do_create_deadline(
        make_child(),
        rule_id="school-absence-notify",
        trigger_date=D("2026-02-09"),
        organisation=la,
        acting_user=None,
        school_id=school.pk,
    )
    assert (deadline.due_date, deadline.unit, deadline.counts_trigger_day) == (D("2026-02-27"), "school_days", True)


def test_terms_must_be_in_order_and_not_overlap(school: Organisation) -> None:
    with pytest.raises(TimescaleError, match="must be the same as or after the first day"):
        do_add_school_term(school, start=D("2026-05-01"), end=D("2026-04-20"), acting_user=None)
    with pytest.raises(TimescaleError, match="overlaps a term already recorded"):
        do_add_school_term(school, start=D("2026-03-30"), end=D("2026-05-22"), acting_user=None)
    with pytest.raises(TimescaleError, match="is not a school"):
        do_add_school_term(school.local_authority, start=D("2026-04-20"), end=D("2026-05-22"), acting_user=None)  # type: ignore[arg-type]
