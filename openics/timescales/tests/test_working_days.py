"""Working-day arithmetic on the nations' calendars, through the shipped
profiles: the worked examples, Easter and Christmas in England and Scotland
in both profiles, the Scottish and Northern Irish holidays."""

from __future__ import annotations

import datetime as dt

import pytest

from openics.timescales.calendar import WorkingDayCalendar, bank_holidays
from openics.timescales.deadlines import add_months, compute
from openics.timescales.errors import TimescaleError

D = dt.date.fromisoformat

pytestmark = pytest.mark.django_db


def due(rule: str, start: str, *, profile: str, nation: str) -> str:
    return compute(rule, D(start), profile=profile, nation=nation).due.isoformat()


def test_worked_example_initial_assessment_over_easter_2026() -> None:
    # 3 April is Good Friday and 6 April Easter Monday: the tenth working day
    # after Thursday 2 April is Monday 20 April.
    assert due("initial-assessment", "2026-04-02", profile="sussex-ics", nation="ENG") == "2026-04-20"


def test_worked_example_single_assessment_over_christmas() -> None:
    assert due("single-assessment", "2025-11-03", profile="england", nation="ENG") == "2026-01-08"


@pytest.mark.parametrize(
    ("rule", "profile", "start", "nation", "expected"),
    [
        # Easter 2026: Scotland has Good Friday but no Easter Monday.
        ("initial-assessment", "sussex-ics", "2026-04-02", "SCT", "2026-04-17"),
        ("icpc", "england", "2026-04-02", "ENG", "2026-04-27"),
        ("icpc", "england", "2026-04-02", "SCT", "2026-04-24"),
        # Christmas 2025: Christmas, Boxing Day, New Year; Scotland adds 2 January.
        ("initial-assessment", "sussex-ics", "2025-12-22", "ENG", "2026-01-08"),
        ("initial-assessment", "sussex-ics", "2025-12-22", "SCT", "2026-01-09"),
        ("icpc", "england", "2025-12-22", "ENG", "2026-01-15"),
        ("icpc", "england", "2025-12-22", "SCT", "2026-01-16"),
        ("strategy-discussion", "sussex-ics", "2025-12-24", "ENG", "2025-12-31"),
        # Christmas 2026: Boxing Day is a Saturday, so Monday 28 December is the substitute day.
        ("strategy-discussion", "sussex-ics", "2026-12-24", "ENG", "2026-12-31"),
        ("referral-decision", "england", "2026-12-24", "ENG", "2026-12-29"),
        # The Scottish profile's own working-day rule across Christmas.
        ("core-group-first", "scotland", "2025-12-22", "SCT", "2026-01-16"),
        ("core-group-first", "scotland", "2025-12-22", "ENG", "2026-01-15"),
    ],
)
def test_easter_and_christmas(rule: str, profile: str, start: str, nation: str, expected: str) -> None:
    assert due(rule, start, profile=profile, nation=nation) == expected


def test_scotland_first_monday_in_august_not_the_last() -> None:
    assert due("initial-assessment", "2026-07-31", profile="sussex-ics", nation="SCT") == "2026-08-17"
    assert due("initial-assessment", "2026-07-31", profile="sussex-ics", nation="ENG") == "2026-08-14"
    assert due("referral-decision", "2026-08-28", profile="england", nation="SCT") == "2026-08-31"
    assert due("referral-decision", "2026-08-28", profile="england", nation="ENG") == "2026-09-01"


def test_st_andrews_day_is_a_scottish_holiday_only() -> None:
    # Monday 30 November 2026.
    assert due("referral-decision", "2026-11-27", profile="england", nation="SCT") == "2026-12-01"
    assert due("referral-decision", "2026-11-27", profile="england", nation="ENG") == "2026-11-30"


def test_st_andrews_day_on_a_sunday_gives_a_substitute_monday() -> None:
    # 30 November 2025 was a Sunday: Monday 1 December is the observed day.
    assert due("referral-decision", "2025-11-28", profile="england", nation="SCT") == "2025-12-02"


def test_northern_ireland_st_patricks_day_and_twelfth_of_july() -> None:
    assert due("referral-decision", "2026-03-16", profile="england", nation="NIR") == "2026-03-18"
    assert due("referral-decision", "2026-03-16", profile="england", nation="ENG") == "2026-03-17"
    # 12 July 2026 is a Sunday: the holiday is observed on Monday 13 July.
    assert due("referral-decision", "2026-07-10", profile="england", nation="NIR") == "2026-07-14"
    assert due("referral-decision", "2026-07-10", profile="england", nation="ENG") == "2026-07-13"


def test_wales_shares_englands_calendar() -> None:
    for year in (2025, 2026, 2027):
        assert set(bank_holidays("WLS", year)) == set(bank_holidays("ENG", year))
    assert due("icpc", "2026-04-02", profile="wales", nation="WLS") == "2026-04-27"


def test_the_nation_defaults_to_the_profiles_own() -> None:
    assert compute("core-group-first", D("2025-12-22"), profile="scotland").setup.nation == "SCT"
    assert compute("icpc", D("2025-12-22"), profile="england").due == D("2026-01-15")


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        ("2026-01-31", 1, "2026-02-28"),
        ("2028-01-31", 1, "2028-02-29"),
        ("2026-03-31", 6, "2026-09-30"),
        ("2026-08-31", 6, "2027-02-28"),
        ("2026-11-15", 3, "2027-02-15"),
        ("2026-12-31", 12, "2027-12-31"),
    ],
)
def test_months_keep_the_day_clamped_to_the_month_end(start: str, months: int, expected: str) -> None:
    assert add_months(D(start), months) == D(expected)


def test_month_rules_clamp() -> None:
    assert due("cp-review-first", "2025-11-30", profile="sussex-ics", nation="ENG") == "2026-02-28"
    assert due("cp-review-first", "2027-11-30", profile="england", nation="ENG") == "2028-02-29"
    assert due("lac-review", "2026-08-31", profile="sussex-ics", nation="ENG") == "2027-02-28"


def test_days_and_weeks_are_plain_calendar_days() -> None:
    # A 14-day rule ignores bank holidays: Christmas changes nothing.
    assert due("care-plan", "2025-12-20", profile="sussex-ics", nation="ENG") == "2026-01-03"
    assert due("ehc-decide-assess", "2025-12-20", profile="england", nation="ENG") == "2026-01-31"
    assert due("icpc", "2025-12-20", profile="scotland", nation="SCT") == "2026-01-17"


def test_a_rule_id_alias_finds_the_same_rule() -> None:
    assert due("first-lac-review", "2026-04-02", profile="england", nation="ENG") == due(
        "lac-review-first", "2026-04-02", profile="england", nation="ENG"
    )


def test_counting_the_trigger_day() -> None:
    calendar = WorkingDayCalendar("ENG")
    thursday = D("2026-04-16")
    assert calendar.add_working_days(thursday, 3) == D("2026-04-21")
    # Counted as day 1, the trigger brings the deadline one working day sooner.
    assert calendar.add_working_days(thursday, 3, counts_trigger_day=True) == D("2026-04-20")
    assert calendar.add_working_days(thursday, 1, counts_trigger_day=True) == thursday
    # A trigger on a non-working day cannot be day 1: the flag changes nothing.
    good_friday = D("2026-04-03")
    assert calendar.add_working_days(good_friday, 3, counts_trigger_day=True) == calendar.add_working_days(
        good_friday, 3
    )
    saturday = D("2026-04-18")
    assert calendar.add_working_days(saturday, 1) == D("2026-04-20")


def test_the_explanation_lists_every_day_and_why() -> None:
    count = WorkingDayCalendar("ENG").add(D("2026-04-02"), 2)
    assert [(d.isoformat(), n, why) for d, n, why in count.days] == [
        ("2026-04-03", None, "bank holiday: Good Friday"),
        ("2026-04-04", None, "Saturday"),
        ("2026-04-05", None, "Sunday"),
        ("2026-04-06", None, "bank holiday: Easter Monday"),
        ("2026-04-07", 1, ""),
        ("2026-04-08", 2, ""),
    ]


def test_working_days_before_a_date() -> None:
    calendar = WorkingDayCalendar("ENG")
    assert calendar.subtract_working_days(D("2026-04-07"), 1) == D("2026-04-02")
    assert calendar.subtract_working_days(D("2026-01-08"), 5) == D("2025-12-31")


def test_an_unknown_nation_is_refused_clearly() -> None:
    with pytest.raises(TimescaleError, match="Unknown nation 'GB'"):
        WorkingDayCalendar("GB")
    with pytest.raises(TimescaleError, match="Unknown nation"):
        compute("icpc", D("2026-01-01"), profile="england", nation="XX")


def test_a_calendar_with_no_working_days_stops_with_an_error() -> None:
    start = D("2026-01-01")
    every_day = [start + dt.timedelta(days=i) for i in range(1, 4000)]
    with pytest.raises(TimescaleError, match="No 1 open days"):
        WorkingDayCalendar("ENG", closed=every_day).add(start, 1)
