"""`openics send_reminders`: remind allocated workers of deadlines that are
due soon or overdue, once per deadline per state.  Run it daily (cron or a
scheduled task); running it again the same day sends nothing twice."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from openics.timescales.actions import do_send_reminders


class Command(BaseCommand):
    help = "Remind allocated workers of deadlines due soon or overdue (each once per state)."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = do_send_reminders()
        self.stdout.write(f"{sent} reminder(s) sent")
