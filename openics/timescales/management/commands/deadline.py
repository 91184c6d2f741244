"""`openics deadline RULE --from YYYY-MM-DD [--nation N] [--profile P] [--explain]`

Prints the due date in ISO format so that anyone can check the arithmetic.
Bad input gives a one-line message on stderr and exit code 2 (as argparse
does for its own errors), never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from openics.core.models import Organisation, OrganisationKind
from openics.timescales.deadlines import compute
from openics.timescales.errors import TimescaleError
from openics.timescales.profiles import profile_names
from openics.timescales.units import NATIONS

EXIT_BAD_INPUT = 2


def iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{value}' is not a real date: enter it as YYYY-MM-DD, for example 2026-04-02"
        ) from None


class Command(BaseCommand):
    help = "Print the due date of a timescale rule counted from a date."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("rule", help="the rule's id, e.g. initial-assessment")
        parser.add_argument("--from", dest="start", required=True, type=iso_date, help="the trigger date, YYYY-MM-DD")
        parser.add_argument(
            "--nation", type=str.upper, choices=NATIONS, help="whose bank holidays (default: the profile's nation)"
        )
        names = ", ".join(profile_names())
        parser.add_argument("--profile", help=f"the rule profile (default: england); one of {names}")
        parser.add_argument("--school", metavar="URN", help="the school whose terms count, for school-day rules")
        parser.add_argument("--explain", action="store_true", help="also list every day looked at and why")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            computed = compute(
                options["rule"],
                options["start"],
                profile=options["profile"] or "england",
                nation=options["nation"],
                school_id=self.school_id(options["school"]),
            )
        except TimescaleError as exc:
            self.stderr.write(f"openics deadline: {exc}")
            raise SystemExit(EXIT_BAD_INPUT) from None
        self.stdout.write(computed.due.isoformat())
        if options["explain"]:
            self.explain(computed, options["start"])

    def school_id(self, urn: str | None) -> int | None:
        if urn is None:
            return None
        school = Organisation.objects.filter(urn=urn, kind=OrganisationKind.SCHOOL).values_list("pk", flat=True).first()
        if school is None:
            raise TimescaleError(f"There is no school with the URN '{urn}'.")
        return school

    def explain(self, computed: Any, start: dt.date) -> None:
        rule = computed.rule
        profile = computed.setup.profile
        self.stdout.write(f"{rule.title}: {rule.describe()}")
        self.stdout.write(f"profile {profile.name} version {profile.version}; calendar {computed.setup.nation}")
        self.stdout.write(f"source: {rule.source}")
        days = computed.count.days
        # A rule counting the trigger day lists it as day 1 itself.
        if not days or days[0][0] != start:
            self.stdout.write(f"{start.isoformat()} {start:%a} day 0 (trigger)")
        for day, number, reason in days:
            if number is None:
                self.stdout.write(f"{day.isoformat()} {day:%a} not counted ({reason})")
            else:
                self.stdout.write(f"{day.isoformat()} {day:%a} day {number}")
