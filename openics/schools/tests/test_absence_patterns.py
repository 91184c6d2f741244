"""Absence patterns: persistent absence under 90%, and absences falling on
Mondays and Fridays; the DfE code list is read from its data file."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from openics.schools.actions import do_record_mark
from openics.schools.attendance import summarise
from openics.schools.codes import attendance_codes

MONDAY = dt.date(2026, 3, 2)


def _weeks(n: int, absent_weekdays: set[int], code: str = "O") -> list[tuple[dt.date, str]]:
    marks = []
    for week in range(n):
        for weekday in range(5):
            day = MONDAY + dt.timedelta(days=7 * week + weekday)
            mark = code if weekday in absent_weekdays else "/"
            marks += [(day, mark), (day, mark if mark != "/" else "\\")]
    return marks


def test_code_list_is_data() -> None:
    codes = attendance_codes()
    assert codes["N"].unexplained and codes["O"].unexplained
    assert not codes["I"].unexplained and codes["I"].absent
    assert codes["/"].attended and codes["V"].attended
    assert not codes["#"].possible and not codes["X"].possible


def test_good_attendance_has_no_flag() -> None:
    assert summarise(_weeks(4, set())).flags == []


def test_mondays_and_fridays() -> None:
    summary = summarise(_weeks(4, {0, 4}))
    assert summary.rate == 60.0
    assert any("Persistent absence" in f for f in summary.flags)
    assert any("Mondays and Fridays: 8 of 8" in f for f in summary.flags)


def test_midweek_absence_is_not_a_monday_friday_pattern() -> None:
    summary = summarise(_weeks(4, {2}))
    assert summary.rate == 80.0
    assert not any("Mondays" in f for f in summary.flags)


def test_sessions_not_counted_leave_the_rate_alone() -> None:
    assert summarise([*_weeks(2, set()), (dt.date(2026, 3, 11), "#")]).rate == 100.0


def test_flagged_pupils_listed(world: Any, term: Any, client_for: Any) -> None:
    from openics.schools.access import pupils

    roll = pupils(world.dee_dsl, world.school)
    for i, (day, code) in enumerate(_weeks(3, {0, 4}, code="G")):
        if day != dt.date(2026, 3, 11):
            session = "AM" if i % 2 == 0 else "PM"
            do_record_mark(
                world.school, world.amy, actor=world.dee_dsl, day=day, session=session, code=code, pupils=roll
            )
    client = client_for(world.dee_dsl)
    # The pages look at the current school year unless told where to start.
    url = reverse("school-attendance", args=[world.school.pk])
    assert "Amy Example" not in client.get(url, secure=True).content.decode()
    listed = client.get(url + "?from=2026-03-01", secure=True).content.decode()
    assert "Amy Example" in listed and "Mondays and Fridays" in listed
    pupil = client.get(
        reverse("school-attendance-pupil", args=[world.school.pk, world.amy.pk]) + "?from=2026-03-01", secure=True
    ).content.decode()
    assert "Persistent absence" in pupil
    # A bad date is ignored, never a server error.
    assert client.get(url + "?from=31-02-x", secure=True).status_code == 200
