"""`openics escalate_concerns`: tell the headteacher, the DSL and deputies
about safeguarding concerns nobody has read within the set time.

Run it every few minutes (cron or the scheduler that runs send_outbox).  The
time is `--minutes`, or the OPENICS_CONCERN_ESCALATION_MINUTES setting
(default 60).  Each concern escalates once.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from openics.safeguarding.actions import do_escalate_unread, escalation_minutes


class Command(BaseCommand):
    help = "Escalate safeguarding concerns still unread by the DSL after the set time."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--minutes", type=int, default=None, help="unread for at least this long (minutes)")

    def handle(self, *args: Any, **options: Any) -> None:
        minutes = options["minutes"] if options["minutes"] is not None else escalation_minutes()
        if minutes < 0:
            self.stderr.write("--minutes must be 0 or more")
            raise SystemExit(2)
        escalated = do_escalate_unread(minutes=minutes)
        self.stdout.write(f"{len(escalated)} concern(s) escalated (unread after {minutes} minutes)")
