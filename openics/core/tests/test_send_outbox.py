"""`openics send_outbox` sends each waiting email once, records failures
and retries them, and several workers never send one message twice."""

from __future__ import annotations

import threading
import time
from io import StringIO
from smtplib import SMTPRecipientsRefused
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.db import connection

from openics.core.management.commands.send_outbox import send_pending
from openics.core.models import OutboxMessage


class BouncingBackend(EmailBackend):
    """Refuses anything addressed to bounce@…; sends the rest to mail.outbox."""

    def send_messages(self, messages: Any) -> int:
        for message in messages:
            if any(to.startswith("bounce@") for to in message.to):
                raise SMTPRecipientsRefused({message.to[0]: (550, b"No such mailbox")})
        return super().send_messages(messages)


class SlowBackend(EmailBackend):
    """Takes a moment per message, so concurrent workers overlap."""

    def send_messages(self, messages: Any) -> int:
        time.sleep(0.01)
        return super().send_messages(messages)


def _queue(n: int, to: str = "worker{}@example.org") -> list[OutboxMessage]:
    return [
        OutboxMessage.objects.create(to=to.format(i), subject=f"Alert {i}", body="Sign in to see it.\n")
        for i in range(n)
    ]


@pytest.mark.django_db
def test_waiting_messages_are_sent_once_and_marked(settings, mailoutbox):
    settings.DEFAULT_FROM_EMAIL = "openics@northshire.example"
    messages = _queue(3)
    out = StringIO()
    call_command("send_outbox", stdout=out)
    assert sorted(m.to[0] for m in mailoutbox) == sorted(m.to for m in messages)
    assert {m.from_email for m in mailoutbox} == {"openics@northshire.example"}
    assert mailoutbox[0].subject == "Alert 0" and mailoutbox[0].body == "Sign in to see it.\n"
    for message in OutboxMessage.objects.all():
        assert message.sent_at is not None and message.attempts == 1 and message.last_error == ""
    assert "3 sent" in out.getvalue()

    # Running again sends nothing more.
    call_command("send_outbox", stdout=StringIO())
    assert len(mailoutbox) == 3


@pytest.mark.django_db
def test_a_failure_is_recorded_retried_and_given_up_on(settings, mailoutbox):
    settings.EMAIL_BACKEND = "openics.core.tests.test_send_outbox.BouncingBackend"
    good = _queue(1)[0]
    bad = _queue(1, to="bounce@example.org")[0]

    assert send_pending(max_attempts=3) == (1, 1)
    bad.refresh_from_db()
    assert bad.sent_at is None and bad.attempts == 1
    assert "SMTPRecipientsRefused" in bad.last_error and len(bad.last_error) <= 300
    good.refresh_from_db()
    assert good.sent_at is not None

    assert send_pending(max_attempts=3) == (0, 1)
    assert send_pending(max_attempts=3) == (0, 1)
    # Three attempts made: the worker stops trying, and the row says why.
    assert send_pending(max_attempts=3) == (0, 0)
    bad.refresh_from_db()
    assert bad.attempts == 3 and bad.sent_at is None and bad.last_error
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_the_loop_keeps_polling_and_takes_batches(settings, mailoutbox):
    _queue(5)
    out = StringIO()
    call_command("send_outbox", "--loop", "--interval", "0", "--batch", "2", "--rounds", "4", stdout=out)
    assert len(mailoutbox) == 5
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
    assert "0 waiting" in out.getvalue()


@pytest.fixture
def _truncate_allowed():
    """A transactional test ends by emptying every table with TRUNCATE, which
    the audit trail's trigger (rightly) refuses; let this test's clean-up
    through.  Requested before `transactional_db`, so it is undone after."""
    import pgtrigger

    with pgtrigger.ignore("core.AuditEvent:audit_no_truncate"):
        yield


@pytest.mark.postgres
@pytest.mark.usefixtures("_truncate_allowed", "transactional_db")
def test_concurrent_workers_never_send_a_message_twice(settings, mailoutbox):
    """Four workers on PostgreSQL, claiming with SKIP LOCKED, share 60 messages."""
    assert connection.features.has_select_for_update_skip_locked
    settings.EMAIL_BACKEND = "openics.core.tests.test_send_outbox.SlowBackend"
    _queue(60)
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def worker() -> None:
        from django.db import connection as thread_connection

        try:
            start.wait()
            while send_pending(batch_size=5) != (0, 0):
                pass
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    sent_to = [m.to[0] for m in mail.outbox]
    assert len(sent_to) == 60 and len(set(sent_to)) == 60
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
    assert set(OutboxMessage.objects.values_list("attempts", flat=True)) == {1}
