"""`openics calendar`: see and change the working-day calendars.

    openics calendar show 2026 --nation SCT [--la 881]
    openics calendar add 2026-06-15 --removed --nation SCT --reason "…" [--by USERNAME]
    openics calendar add 2026-12-24 --added --la 881 --reason "…"

Changes go through `do_add_calendar_change`, so they are audited like any
other.  Bad input: a message and exit code 2.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from openics.core.models import Organisation, OrganisationKind, User
from openics.timescales.actions import do_add_calendar_change
from openics.timescales.calendar import calendar_for
from openics.timescales.errors import TimescaleError
from openics.timescales.management.commands.deadline import EXIT_BAD_INPUT, iso_date
from openics.timescales.models import CalendarChangeKind
from openics.timescales.units import NATIONS


class Command(BaseCommand):
    help = "Show a year's non-working days, or add a local change to a calendar."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        show = sub.add_parser("show", help="List the non-working weekdays of a year.")
        show.add_argument("year", type=int)
        show.add_argument("--nation", type=str.upper, choices=NATIONS)
        show.add_argument("--la", metavar="DFE_CODE", help="an authority's calendar (its 3-digit DfE code)")
        add = sub.add_parser("add", help="Add a non-working day, or remove one.")
        add.add_argument("date", type=iso_date)
        kind = add.add_mutually_exclusive_group(required=True)
        kind.add_argument("--added", dest="kind", action="store_const", const=CalendarChangeKind.ADDED)
        kind.add_argument("--removed", dest="kind", action="store_const", const=CalendarChangeKind.REMOVED)
        add.add_argument("--nation", type=str.upper, choices=NATIONS)
        add.add_argument("--la", metavar="DFE_CODE", help="one authority only (its 3-digit DfE code)")
        add.add_argument("--reason", required=True)
        add.add_argument("--by", metavar="USERNAME", help="the administrator making the change")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["subcommand"] == "show":
                self.show(options)
            else:
                self.add(options)
        except TimescaleError as exc:
            self.stderr.write(f"openics calendar: {exc}")
            raise SystemExit(EXIT_BAD_INPUT) from None

    def authority(self, code: str | None) -> Organisation | None:
        if code is None:
            return None
        la = Organisation.objects.filter(dfe_la_code=code, kind=OrganisationKind.LOCAL_AUTHORITY).first()
        if la is None:
            raise TimescaleError(f"There is no local authority with the DfE code '{code}'.")
        return la

    def show(self, options: dict[str, Any]) -> None:
        la = self.authority(options["la"])
        nation = options["nation"] or (la.nation if la else None)
        if nation is None:
            raise TimescaleError("Say which calendar: --nation or --la.")
        if not 1900 <= options["year"] <= 2200:
            raise TimescaleError("Enter a year from 1900 to 2200.")
        calendar = calendar_for(nation, la.pk if la else None)
        day = dt.date(options["year"], 1, 1)
        while day.year == options["year"]:
            reason = calendar.why_closed(day)
            if day.weekday() < 5 and reason:
                self.stdout.write(f"{day.isoformat()} {day:%a} {reason}")
            elif day in calendar.opened:
                self.stdout.write(f"{day.isoformat()} {day:%a} working day (local change: {calendar.opened[day]})")
            day += dt.timedelta(days=1)

    def add(self, options: dict[str, Any]) -> None:
        user = None
        if options["by"]:
            user = User.objects.filter(username=options["by"]).first()
            if user is None:
                raise TimescaleError(f"There is no user '{options['by']}'.")
        change = do_add_calendar_change(
            options["date"],
            kind=options["kind"],
            reason=options["reason"],
            nation=options["nation"] or "",
            organisation=self.authority(options["la"]),
            acting_user=user,
        )
        where = change.organisation or change.get_nation_display()
        self.stdout.write(f"{change.date.isoformat()}: {change.get_kind_display()} for {where}.")
