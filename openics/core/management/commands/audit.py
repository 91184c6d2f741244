"""`openics audit verify`: check the whole audit chain; exit 1 on a break."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from openics.core.audit import verify_chain
from openics.core.models import AuditEvent


class Command(BaseCommand):
    help = "Work with the audit trail."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("verify", help="Recompute every row's hash and check the chain.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "verify":
            self.verify()

    def verify(self) -> None:
        problems = 0
        for problem in verify_chain():
            problems += 1
            if problems <= 20:
                self.stderr.write(f"audit event {problem.event_id}: {problem.problem}")
        total = AuditEvent.objects.count()
        if problems:
            self.stderr.write(self.style.ERROR(f"The audit chain is broken: {problems} problem(s) in {total} events."))
            raise SystemExit(1)
        self.stdout.write(self.style.SUCCESS(f"The audit chain is intact: {total} events checked."))
