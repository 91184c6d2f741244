"""`openics send_reminders`: an alert and an email to the allocated worker,
once per deadline per state, in the same transaction as the record of it."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from openics.core.models import Notification, OutboxMessage
from openics.timescales.actions import do_create_deadline, do_send_reminders
from openics.timescales.models import DeadlineReminder

pytestmark = pytest.mark.django_db


def _deadline(world: Any, trigger: dt.date, rule_id: str = "single-assessment") -> Any:
    return do_create_deadline(world.amy, rule_id=rule_id, trigger_date=trigger, organisation=world.la, acting_user=None)


def _run() -> str:
    out = StringIO()
    call_command("send_reminders", stdout=out)
    return out.getvalue()


def test_an_overdue_deadline_reminds_the_allocated_worker_once(world: Any) -> None:
    world.sam_sw.email = "sam@example.org"
    world.sam_sw.save(update_fields=["email"])
    deadline = _deadline(world, timezone.localdate() - dt.timedelta(days=120))
    assert "1 reminder(s) sent" in _run()
    note = Notification.objects.get(user=world.sam_sw)
    assert "is overdue" in note.message and deadline.title in note.message
    assert note.link == f"/children/{world.amy.pk}/deadlines/"
    email = OutboxMessage.objects.get(to="sam@example.org")
    assert email.subject == "A deadline is overdue"
    # The email names no child.
    assert "Amy" not in email.body
    assert DeadlineReminder.objects.get(deadline=deadline).state == "overdue"
    # Running again sends nothing more.
    assert "0 reminder(s) sent" in _run()
    assert Notification.objects.count() == 1 and OutboxMessage.objects.count() == 1


def test_due_soon_then_overdue_are_two_reminders(world: Any) -> None:
    deadline = _deadline(world, timezone.localdate() - dt.timedelta(days=1), rule_id="referral-decision")
    today = timezone.localdate()
    assert do_send_reminders(today=today) == 1
    assert "is due soon" in Notification.objects.get(user=world.sam_sw).message
    assert do_send_reminders(today=deadline.due_date + dt.timedelta(days=1)) == 1
    assert sorted(DeadlineReminder.objects.values_list("state", flat=True)) == ["due_soon", "overdue"]
    assert Notification.objects.filter(user=world.sam_sw).count() == 2


def test_a_deadline_not_yet_due_soon_or_met_sends_nothing(world: Any) -> None:
    _deadline(world, timezone.localdate())  # 45 working days away.
    met = _deadline(world, timezone.localdate() - dt.timedelta(days=120))
    met.met_on = timezone.localdate()
    met.late_reason = "Late"
    met.save(update_fields=["met_on", "late_reason"])
    assert do_send_reminders() == 0
    assert not Notification.objects.exists() and not OutboxMessage.objects.exists()


def test_other_workers_get_nothing(world: Any) -> None:
    _deadline(world, timezone.localdate() - dt.timedelta(days=120))
    do_send_reminders()
    assert not Notification.objects.exclude(user=world.sam_sw).exists()
