"""`openics send_outbox`: send the emails waiting in the outbox.

Actions write `OutboxMessage` rows in the same transaction as the change
that caused them; this worker sends them afterwards, so a crash loses none.
Several workers may run at once: on PostgreSQL each claims its rows with
`SELECT … FOR UPDATE SKIP LOCKED`, so no message is sent twice.  A message
that fails is tried again on later rounds, up to `--max-attempts`, with the
last error kept on the row for whoever looks into it.
"""

from __future__ import annotations

import base64
import signal
import time
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from openics.core.models import OutboxMessage

DEFAULT_BATCH = 50
DEFAULT_MAX_ATTEMPTS = 5


def send_pending(*, batch_size: int = DEFAULT_BATCH, max_attempts: int = DEFAULT_MAX_ATTEMPTS) -> tuple[int, int]:
    """Send one batch of waiting messages; return (sent, failed).

    The rows stay locked while they are sent and marked, so another worker
    skips them; if this process dies mid-batch the locks go with its
    connection and the messages are sent by the next round (at least once,
    never lost).
    """
    sent = failed = 0
    with transaction.atomic():
        pending = OutboxMessage.objects.filter(sent_at__isnull=True, attempts__lt=max_attempts).order_by(
            "created_at", "id"
        )
        if connection.features.has_select_for_update_skip_locked:
            pending = pending.select_for_update(skip_locked=True)
        # SQLite has no row locks: one writer at a time holds the database,
        # which is enough for the single worker a SQLite installation runs.
        for message in list(pending[:batch_size]):
            message.attempts += 1
            try:
                email = EmailMessage(
                    subject=message.subject,
                    body=message.body,
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    to=[message.to],
                )
                for attachment in message.attachments or []:
                    content = attachment["content"]
                    # A binary file (a PDF) is stored as base64 text in the JSON column.
                    if attachment.get("encoding") == "base64":
                        content = base64.b64decode(content)
                    email.attach(attachment["filename"], content, attachment["content_type"])
                email.send(fail_silently=False)
            # Any failure (SMTP, DNS, a bad address) is kept on the row and retried.
            except Exception as error:
                message.last_error = f"{type(error).__name__}: {error}"[:300]
                message.save(update_fields=["attempts", "last_error"])
                failed += 1
            else:
                message.sent_at = timezone.now()
                message.last_error = ""
                message.save(update_fields=["attempts", "sent_at", "last_error"])
                sent += 1
    return sent, failed


class Command(BaseCommand):
    help = "Send the emails waiting in the outbox (once, or with --loop until stopped)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="Keep polling until stopped (SIGTERM or Ctrl-C).")
        parser.add_argument("--interval", type=float, default=10.0, help="Seconds between polls when idle.")
        parser.add_argument("--batch", type=int, default=DEFAULT_BATCH, help="Messages claimed per round.")
        parser.add_argument(
            "--max-attempts", type=int, default=DEFAULT_MAX_ATTEMPTS, help="Give up on a message after this many."
        )
        parser.add_argument(
            "--rounds", type=int, default=0, help="With --loop, stop after this many rounds (0: never)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        if options["loop"]:
            # Finish the batch in hand, then stop: a deploy never cuts a send in half.
            signal.signal(signal.SIGTERM, stop)
        rounds = 0
        total_sent = total_failed = 0
        while True:
            # A long-lived worker drops a broken or aged connection between
            # rounds (as Django does between requests); never inside a
            # transaction someone else opened, such as a test's.
            if not connection.in_atomic_block:
                close_old_connections()
            sent, failed = send_pending(batch_size=options["batch"], max_attempts=options["max_attempts"])
            total_sent += sent
            total_failed += failed
            rounds += 1
            if sent or failed:
                self.stdout.write(f"Sent {sent}, failed {failed}.")
            if not options["loop"] or stopping or (options["rounds"] and rounds >= options["rounds"]):
                break
            # A full batch means more may be waiting: go again at once.
            if sent + failed < options["batch"]:
                try:
                    time.sleep(options["interval"])
                except KeyboardInterrupt:
                    break
        waiting = OutboxMessage.objects.filter(sent_at__isnull=True, attempts__lt=options["max_attempts"]).count()
        self.stdout.write(f"Outbox: {total_sent} sent, {total_failed} failed this run; {waiting} waiting.")
