"""The retention arithmetic: each rule of the schedule, worked by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from openics.retention import schedule
from openics.retention.schedule import Facts, ScheduleError, add_years, kept_until

D = dt.date


def test_a_school_child_protection_file_is_kept_until_the_25th_birthday():
    result = kept_until(schedule.get("school-cp-file"), Facts(date_of_birth=D(2001, 5, 4)))
    assert result.on == D(2026, 5, 4)
    assert result.basis == "Date of birth 4 May 2001 + 25 years"
    assert "IRMS" in (result.rule.source if result.rule else "")


def test_a_looked_after_childs_record_is_kept_until_the_75th_birthday_in_england():
    cls = schedule.get("social-care-record")
    assert kept_until(cls, Facts(date_of_birth=D(2010, 1, 31), looked_after=True)).on == D(2085, 1, 31)
    # Not looked after: the authority's 25th-birthday rule.
    assert kept_until(cls, Facts(date_of_birth=D(2010, 1, 31))).on == D(2035, 1, 31)


def test_a_looked_after_child_who_died_before_18_is_kept_15_years_from_the_death():
    cls = schedule.get("social-care-record")
    facts = Facts(date_of_birth=D(2010, 1, 31), date_of_death=D(2020, 6, 1), looked_after=True)
    result = kept_until(cls, facts)
    assert result.on == D(2035, 6, 1)
    assert result.basis.startswith("Date of death 1 June 2020")
    # Died at 20: the 75th-birthday rule still holds.
    older = Facts(date_of_birth=D(2000, 1, 31), date_of_death=D(2020, 6, 1), looked_after=True)
    assert kept_until(cls, older).on == D(2075, 1, 31)


def test_scotland_keeps_a_looked_after_childs_record_100_years_from_birth():
    cls = schedule.get("social-care-record")
    facts = Facts(date_of_birth=D(2010, 1, 31), looked_after=True, nation="SCT")
    assert kept_until(cls, facts).on == D(2110, 1, 31)
    died = Facts(date_of_birth=D(2010, 1, 31), date_of_death=D(2040, 3, 3), looked_after=True, nation="SCT")
    assert kept_until(cls, died).on == D(2065, 3, 3)


def test_an_adoption_record_waits_for_the_date_of_the_order():
    cls = schedule.get("social-care-record")
    unknown = kept_until(cls, Facts(date_of_birth=D(2015, 2, 2), adopted=True, looked_after=True))
    assert unknown.on is None and unknown.undetermined
    assert "adoption order is not recorded" in unknown.basis
    known = kept_until(cls, Facts(date_of_birth=D(2015, 2, 2), adopted=True, adoption_order_on=D(2017, 9, 1)))
    assert known.on == D(2117, 9, 1)


def test_a_missing_date_of_birth_keeps_the_record():
    result = kept_until(schedule.get("school-cp-file"), Facts())
    assert result.on is None and result.undetermined and not result.due(D(2100, 1, 1))


def test_send_records_are_kept_until_31_and_attendance_three_years_from_the_last_entry():
    assert kept_until(schedule.get("send-record"), Facts(date_of_birth=D(2000, 3, 1))).on == D(2031, 3, 1)
    assert kept_until(schedule.get("school-attendance"), Facts(last_entry=D(2023, 7, 20))).on == D(2026, 7, 20)


def test_the_identity_record_outlives_the_childs_other_records():
    cls = schedule.get("identity")
    facts = Facts(date_of_birth=D(2000, 1, 1), others=(D(2025, 1, 1), D(2031, 1, 1)))
    assert kept_until(cls, facts).on == D(2031, 1, 1)
    waiting = Facts(date_of_birth=D(2000, 1, 1), others=(D(2025, 1, 1), None))
    assert kept_until(cls, waiting).on is None
    alone = Facts(date_of_birth=D(2000, 1, 1))
    assert kept_until(cls, alone).on == D(2025, 1, 1)


def test_evidence_is_never_destroyed():
    result = kept_until(schedule.get("evidence"), Facts(date_of_birth=D(1900, 1, 1)))
    assert result.forever and not result.due(D(2200, 1, 1))


def test_29_february_becomes_28_february():
    assert add_years(D(2004, 2, 29), 25) == D(2029, 2, 28)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[classes]]\nid = "x"\nholder = "school"\nreviewers = ["dsl"]\n', "at least one rule"),
        (
            '[[classes]]\nid = "x"\nholder = "school"\nreviewers = ["dsl"]\n'
            '[[classes.rules]]\nanchor = "birth"\nyears = 25\n',
            "names its source",
        ),
        (
            '[[classes]]\nid = "x"\nholder = "moon"\n[[classes.rules]]\nanchor = "birth"\nyears = 1\nsource = "s"\n',
            "holder must be",
        ),
        (
            '[[classes]]\nid = "x"\nholder = "school"\n[[classes.rules]]\nanchor = "birth"\nyears = 1\nsource = "s"\n',
            "names its reviewers",
        ),
        (
            '[[classes]]\nid = "x"\nholder = "school"\nreviewers = ["dsl"]\n'
            '[[classes.rules]]\nanchor = "soon"\nyears = 1\nsource = "s"\n',
            "anchor must be",
        ),
    ],
)
def test_a_bad_schedule_is_refused_with_the_reason(text, message):
    with pytest.raises(ScheduleError, match=message):
        schedule.parse(text)
