"""Working-day and school-day calendars, and counting days on them.

A working day is any day but Saturday, Sunday and a bank holiday of the
authority's nation (from the pinned `holidays` package, observed and
substitute days included), adjusted by the administrators' local changes.

Counting, exactly ("within N working days of X"):

- X, the trigger day, is day 0 and the deadline is the Nth working day after
  X, whatever kind of day X is.
- When a rule counts the trigger day ("from and including"), X is day 1 if X
  is itself a working day, so the deadline is the (N-1)th working day after
  X (X itself when N is 1).  If X is not a working day the flag changes
  nothing: day 1 is the first working day after X.

The calendar classes are pure (no database); `calendar_for()` builds one
from the database for an authority or a nation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import holidays

from .errors import TimescaleError
from .units import NATIONS

ONE_DAY = dt.timedelta(days=1)
# Counting stops with an error rather than loop for ever on a calendar with
# no open days (every day closed locally, or no school terms recorded).
MAX_SEARCH_DAYS = 3 * 366


@lru_cache(maxsize=256)
def bank_holidays(nation: str, year: int) -> Mapping[dt.date, str]:
    """The nation's bank holidays in `year`, cached per (nation, year).

    The nation is always passed: without it `holidays` returns only the days
    common to all four nations (no Easter Monday, no August holiday).
    """
    if nation not in NATIONS:
        raise TimescaleError(f"Unknown nation '{nation}'. Use one of: {', '.join(NATIONS)}.")
    return dict(holidays.UnitedKingdom(subdiv=nation, years=year, observed=True))


@dataclass(frozen=True)
class DayCount:
    """A deadline's arithmetic, kept so that anyone can check it."""

    start: dt.date
    due: dt.date
    # Each day looked at after the start: (date, its number if it counted, why not if it did not).
    days: tuple[tuple[dt.date, int | None, str], ...] = ()


class WorkingDayCalendar:
    """The working days of one nation, with local changes applied.

    `closed` are extra non-working days (a one-off proclaimed holiday, a
    local closure); `opened` are days made working again (a bank holiday
    the authority works).  The two must not overlap.
    """

    def __init__(
        self,
        nation: str,
        *,
        closed: Mapping[dt.date, str] | Iterable[dt.date] = (),
        opened: Mapping[dt.date, str] | Iterable[dt.date] = (),
    ) -> None:
        if nation not in NATIONS:
            raise TimescaleError(f"Unknown nation '{nation}'. Use one of: {', '.join(NATIONS)}.")
        self.nation = nation
        self.closed: dict[dt.date, str] = dict(closed) if isinstance(closed, Mapping) else dict.fromkeys(closed, "")
        self.opened: dict[dt.date, str] = dict(opened) if isinstance(opened, Mapping) else dict.fromkeys(opened, "")
        overlap = set(self.closed) & set(self.opened)
        if overlap:
            raise ValueError(f"days both closed and opened: {sorted(overlap)}")

    def __repr__(self) -> str:
        return f"<WorkingDayCalendar {self.nation} +{len(self.closed)} -{len(self.opened)}>"

    def why_closed(self, day: dt.date) -> str:
        """Why `day` is not a working day ('' when it is one)."""
        if day in self.opened:
            return ""
        if day in self.closed:
            reason = self.closed[day]
            return f"local non-working day: {reason}" if reason else "local non-working day"
        if day.weekday() >= 5:
            return day.strftime("%A")
        name = bank_holidays(self.nation, day.year).get(day)
        return f"bank holiday: {name}" if name else ""

    def is_working_day(self, day: dt.date) -> bool:
        return not self.why_closed(day)

    def add(self, start: dt.date, n: int, *, counts_trigger_day: bool = False) -> DayCount:
        """The Nth working day after `start` (see the module's rules)."""
        return count_days(start, n, self.why_closed, counts_trigger_day=counts_trigger_day)

    def add_working_days(self, start: dt.date, n: int, *, counts_trigger_day: bool = False) -> dt.date:
        return self.add(start, n, counts_trigger_day=counts_trigger_day).due

    def subtract_working_days(self, end: dt.date, n: int) -> dt.date:
        """The Nth working day before `end` (`end` itself when n is 0)."""
        if n < 0:
            raise TimescaleError("The number of days must not be negative.")
        day = end
        for _ in range(n):
            day -= ONE_DAY
            searched = 0
            while not self.is_working_day(day):
                day -= ONE_DAY
                searched += 1
                if searched > MAX_SEARCH_DAYS:
                    raise TimescaleError(f"No working day found before {end.isoformat()}.")
        return day


class SchoolDayCalendar:
    """The days a school is open: weekdays in term, except closure (INSET)
    days and the nation's bank holidays."""

    def __init__(
        self,
        nation: str,
        terms: Iterable[tuple[dt.date, dt.date]],
        *,
        closures: Mapping[dt.date, str] | Iterable[dt.date] = (),
        name: str = "the school",
    ) -> None:
        if nation not in NATIONS:
            raise TimescaleError(f"Unknown nation '{nation}'. Use one of: {', '.join(NATIONS)}.")
        self.nation = nation
        self.terms = sorted(terms)
        self.closures: dict[dt.date, str] = (
            dict(closures) if isinstance(closures, Mapping) else dict.fromkeys(closures, "")
        )
        self.name = name

    def why_closed(self, day: dt.date) -> str:
        if not any(start <= day <= end for start, end in self.terms):
            return "not in term"
        if day.weekday() >= 5:
            return day.strftime("%A")
        if day in self.closures:
            reason = self.closures[day]
            return f"school closed: {reason}" if reason else "school closed"
        name = bank_holidays(self.nation, day.year).get(day)
        return f"bank holiday: {name}" if name else ""

    def is_school_day(self, day: dt.date) -> bool:
        return not self.why_closed(day)

    def add(self, start: dt.date, n: int, *, counts_trigger_day: bool = False) -> DayCount:
        last_term_end = self.terms[-1][1] if self.terms else None

        def why_closed(day: dt.date) -> str:
            # Beyond the last recorded term the answer is unknown, not 'closed'.
            if last_term_end is None or day > last_term_end:
                raise TimescaleError(
                    f"No term dates are recorded for {self.name} after "
                    f"{last_term_end.isoformat() if last_term_end else 'any date'}: add the school's terms first."
                )
            return self.why_closed(day)

        return count_days(start, n, why_closed, counts_trigger_day=counts_trigger_day)


def count_days(
    start: dt.date,
    n: int,
    why_closed: Callable[[dt.date], str],
    *,
    counts_trigger_day: bool = False,
) -> DayCount:
    """Count `n` open days after `start`; `why_closed(day)` is '' for an open day."""
    if n < 0:
        raise TimescaleError("The number of days must not be negative.")
    days: list[tuple[dt.date, int | None, str]] = []
    counted = 0
    if counts_trigger_day and n > 0 and not why_closed(start):
        counted = 1
        days.append((start, 1, ""))
    day = start
    searched = 0
    while counted < n:
        day += ONE_DAY
        searched += 1
        if searched > MAX_SEARCH_DAYS + n * 2:
            raise TimescaleError(f"No {n} open days found after {start.isoformat()}: check the calendar.")
        reason = why_closed(day)
        if reason:
            days.append((day, None, reason))
        else:
            counted += 1
            days.append((day, counted, ""))
    return DayCount(start=start, due=day if n else start, days=tuple(days))


def calendar_for(nation: str, organisation_id: int | None = None) -> WorkingDayCalendar:
    """The working-day calendar for a nation, or for one authority in it.

    Local changes for the nation apply first, then the authority's own, so an
    authority can undo a nation-wide change for itself; within each, the
    latest recorded change for a day wins.  One query.
    """
    from django.db.models import Q

    from .models import CalendarChangeKind, LocalCalendarChange

    if nation not in NATIONS:
        raise TimescaleError(f"Unknown nation '{nation}'. Use one of: {', '.join(NATIONS)}.")
    scope = Q(nation=nation, organisation__isnull=True)
    if organisation_id is not None:
        scope |= Q(organisation_id=organisation_id)
    closed: dict[dt.date, str] = {}
    opened: dict[dt.date, str] = {}
    changes = LocalCalendarChange.objects.filter(scope).order_by("created_at", "id")
    # Nation-wide rows first, then the authority's (a stable sort keeps the
    # order of recording within each).
    rows = sorted(changes.values_list("organisation_id", "date", "kind", "reason"), key=lambda r: r[0] is not None)
    for _org, day, kind, reason in rows:
        closed.pop(day, None)
        opened.pop(day, None)
        if kind == CalendarChangeKind.ADDED:
            closed[day] = reason
        else:
            opened[day] = reason
    return WorkingDayCalendar(nation, closed=closed, opened=opened)


def school_calendar_for(school_id: int, nation: str) -> SchoolDayCalendar:
    """A school's term calendar from the database (three queries)."""
    from openics.core.models import Organisation

    from .models import SchoolClosure, SchoolTerm

    name = Organisation.objects.filter(pk=school_id).values_list("name", flat=True).first() or "the school"
    terms = list(SchoolTerm.objects.filter(school_id=school_id).values_list("start", "end"))
    closures = dict(SchoolClosure.objects.filter(school_id=school_id).values_list("date", "reason"))
    return SchoolDayCalendar(nation, terms, closures=closures, name=name)
