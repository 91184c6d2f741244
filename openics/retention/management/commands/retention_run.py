"""The daily retention job: opens reviews that are due, destroys what was
approved (never what a legal hold covers), deletes routine working data past
its date, and logs each destruction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from openics.retention.actions import do_retention_run


class Command(BaseCommand):
    help = "Run the retention schedule: open reviews, carry out approved destructions, log them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="Run as of this date (YYYY-MM-DD), for checks and drills.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options.get("today"):
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError as exc:
                raise CommandError("--today must be a date written YYYY-MM-DD") from exc
        report = do_retention_run(today=today)
        for line in report.lines():
            self.stdout.write(line)
