"""Properties of working-day counting that must hold for any date, any
nation and any local holiday."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from openics.timescales.calendar import WorkingDayCalendar

nations = st.sampled_from(["ENG", "WLS", "SCT", "NIR"])
dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2060, 12, 31))
offsets = st.integers(min_value=1, max_value=60)


@settings(max_examples=200, deadline=None)
@given(nation=nations, start=dates, n=offsets, counts=st.booleans())
def test_the_due_date_is_a_working_day_after_the_trigger(nation: str, start: dt.date, n: int, counts: bool) -> None:
    calendar = WorkingDayCalendar(nation)
    due = calendar.add_working_days(start, n, counts_trigger_day=counts)
    assert calendar.is_working_day(due)
    assert due >= start
    if not counts:
        assert due > start


@settings(max_examples=200, deadline=None)
@given(nation=nations, start=dates, n=offsets)
def test_one_more_working_day_is_strictly_later(nation: str, start: dt.date, n: int) -> None:
    calendar = WorkingDayCalendar(nation)
    assert calendar.add_working_days(start, n + 1) > calendar.add_working_days(start, n)


@settings(max_examples=200, deadline=None)
@given(nation=nations, start=dates, n=offsets, gap=st.integers(min_value=-5, max_value=90))
def test_a_local_holiday_never_brings_a_deadline_forward(nation: str, start: dt.date, n: int, gap: int) -> None:
    holiday = start + dt.timedelta(days=gap)
    plain = WorkingDayCalendar(nation).add_working_days(start, n)
    with_holiday = WorkingDayCalendar(nation, closed=[holiday]).add_working_days(start, n)
    assert with_holiday >= plain
    # It moves the deadline exactly when it falls on a counted working day.
    moved = start < holiday <= plain and WorkingDayCalendar(nation).is_working_day(holiday)
    assert (with_holiday > plain) == moved


@settings(max_examples=200, deadline=None)
@given(nation=nations, start=dates, n=offsets)
def test_counting_n_then_back_n_returns_to_the_last_working_day(nation: str, start: dt.date, n: int) -> None:
    calendar = WorkingDayCalendar(nation)
    due = calendar.add_working_days(start, n)
    back = calendar.subtract_working_days(due, n)
    # Back N lands on the trigger when it is a working day, else on the working day before it.
    assert back <= start
    assert calendar.is_working_day(back)
    assert all(not calendar.is_working_day(back + dt.timedelta(days=i)) for i in range(1, (start - back).days + 1))
