"""`openics training_reminders`: alert staff and governors whose safeguarding
training is overdue or due within 30 days (in-app and by email through the
outbox), and tell the school's DSL of overdue training.  Each alert is sent
once per requirement and due date; run it daily."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from openics.schools.actions import do_send_training_reminders


class Command(BaseCommand):
    help = "Send safeguarding training reminders (overdue and due soon)."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = do_send_training_reminders()
        self.stdout.write(f"{sent} training reminder(s) sent")
