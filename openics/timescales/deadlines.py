"""Due dates: which rule applies to an authority, and the arithmetic.

Units:

- working days and school days: counted on the calendar (see `calendar.py`);
- days and weeks: plain calendar days after the trigger;
- months: the same day of the month N months on, clamped to the last day of
  a shorter month (31 January + 1 month = 28 or 29 February).

When a rule counts the trigger day ("from and including"), the trigger day
is day 1: for working and school days only if it is an open day; for days,
weeks and months the due date is one calendar day earlier than without.
"""

from __future__ import annotations

import calendar as stdlib_calendar
import dataclasses
import datetime as dt
from dataclasses import dataclass

from openics.core.models import Organisation

from .calendar import DayCount, SchoolDayCalendar, WorkingDayCalendar, calendar_for, school_calendar_for
from .errors import TimescaleError
from .models import DEFAULT_DUE_SOON_WORKING_DAYS, AuthorityTimescales, RuleOverride
from .profiles import DEFAULT_PROFILE_FOR_NATION, Profile, Rule, get_profile
from .units import NATIONS, Tier, Unit


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day of the month, `months` on, clamped to the month's end."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = stdlib_calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def due_date(
    rule: Rule,
    trigger: dt.date,
    *,
    calendar: WorkingDayCalendar,
    school_calendar: SchoolDayCalendar | None = None,
) -> DayCount:
    """The due date of `rule` for an event on `trigger`, with the days counted."""
    n = rule.offset
    counts = rule.counts_trigger_day
    # Calendar units counting the trigger day end one day sooner.
    back = dt.timedelta(days=1 if counts else 0)
    try:
        if rule.unit == Unit.WORKING_DAYS:
            return calendar.add(trigger, n, counts_trigger_day=counts)
        if rule.unit == Unit.SCHOOL_DAYS:
            if school_calendar is None:
                raise TimescaleError(f"The rule '{rule.id}' counts school days: say which school's terms to count.")
            return school_calendar.add(trigger, n, counts_trigger_day=counts)
        if rule.unit == Unit.DAYS:
            return DayCount(trigger, trigger + dt.timedelta(days=n) - back)
        if rule.unit == Unit.WEEKS:
            return DayCount(trigger, trigger + dt.timedelta(weeks=n) - back)
        if rule.unit == Unit.MONTHS:
            return DayCount(trigger, add_months(trigger, n) - back)
    except TimescaleError:
        raise
    except (OverflowError, ValueError):
        # Past year 9999: datetime raises OverflowError or ValueError.
        raise TimescaleError("That date is too far in the future to count from.") from None
    raise TimescaleError(f"Unknown unit '{rule.unit}'.")


@dataclass(frozen=True)
class Setup:
    """What an authority runs under."""

    profile: Profile
    nation: str
    due_soon_working_days: int
    organisation_id: int | None = None


def setup_for(
    organisation: Organisation | None = None, *, profile: str | None = None, nation: str | None = None
) -> Setup:
    """The profile, nation and due-soon window for an authority, or for the
    given profile and nation alone (explicit arguments win)."""
    if nation is not None and nation not in NATIONS:
        raise TimescaleError(f"Unknown nation '{nation}'. Use one of: {', '.join(NATIONS)}.")
    chosen: AuthorityTimescales | None = None
    if organisation is not None:
        chosen = AuthorityTimescales.objects.filter(organisation=organisation).first()
    nation = nation or (chosen.nation if chosen else None) or (organisation.nation if organisation else None)
    name = profile or (chosen.profile if chosen else None)
    if name is None:
        nation_for_default = nation or "ENG"
        if nation_for_default not in DEFAULT_PROFILE_FOR_NATION:
            raise TimescaleError(f"There is no default timescale profile for {nation_for_default}: choose one.")
        name = DEFAULT_PROFILE_FOR_NATION[nation_for_default]
    chosen_profile = get_profile(name)
    return Setup(
        profile=chosen_profile,
        nation=nation or chosen_profile.nation,
        due_soon_working_days=chosen.due_soon_working_days if chosen else DEFAULT_DUE_SOON_WORKING_DAYS,
        organisation_id=organisation.pk if organisation else None,
    )


def rule_for(setup: Setup, rule_id: str) -> tuple[Rule, bool]:
    """The profile's rule with the authority's override applied, and whether
    one was."""
    rule = setup.profile.rule(rule_id)
    if setup.organisation_id is None:
        return rule, False
    override = RuleOverride.objects.filter(organisation_id=setup.organisation_id, rule_id=rule.id).first()
    if override is None:
        return rule, False
    return (
        dataclasses.replace(
            rule,
            offset=override.offset,
            unit=Unit(override.unit),
            counts_trigger_day=override.counts_trigger_day,
            tier=Tier.LOCAL,
            source=f"Local override: {override.reason} (the {setup.profile.name} profile says: {rule.describe()})",
        ),
        True,
    )


@dataclass(frozen=True)
class Computed:
    """A worked-out deadline, before it is stored."""

    rule: Rule
    setup: Setup
    overridden: bool
    count: DayCount
    due_soon_from: dt.date

    @property
    def due(self) -> dt.date:
        return self.count.due


def compute(
    rule_id: str,
    trigger: dt.date,
    *,
    organisation: Organisation | None = None,
    profile: str | None = None,
    nation: str | None = None,
    school_id: int | None = None,
) -> Computed:
    """Work out a deadline: the rule the authority runs under, on its calendar."""
    setup = setup_for(organisation, profile=profile, nation=nation)
    rule, overridden = rule_for(setup, rule_id)
    calendar = calendar_for(setup.nation, setup.organisation_id)
    school_calendar = school_calendar_for(school_id, setup.nation) if school_id is not None else None
    count = due_date(rule, trigger, calendar=calendar, school_calendar=school_calendar)
    # The window never starts before the trigger (a one-day rule is due soon at once).
    due_soon_from = max(trigger, calendar.subtract_working_days(count.due, setup.due_soon_working_days))
    return Computed(rule=rule, setup=setup, overridden=overridden, count=count, due_soon_from=due_soon_from)
