"""An unread concern escalates once, after the set time, to the headteacher
and the safeguarding leads."""

from __future__ import annotations

import datetime as dt
from io import StringIO

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from openics.core.models import AuditEvent, Notification, OutboxMessage

from .conftest import backdate


def test_unread_concerns_escalate_once_after_the_set_time(world, record, head, deputy, client_for):
    late = record()
    fresh = record()
    read = record()
    backdate([late.pk, read.pk], recorded_at=timezone.now() - dt.timedelta(minutes=45))
    client_for(world.dee_dsl).get(reverse("concern-detail", args=[read.pk]), secure=True)
    out = StringIO()
    call_command("escalate_concerns", "--minutes", "30", stdout=out)
    assert "1 concern(s) escalated" in out.getvalue()
    late.refresh_from_db()
    fresh.refresh_from_db()
    assert late.escalated_at is not None and fresh.escalated_at is None
    for user in (head, deputy, world.dee_dsl):
        assert Notification.objects.filter(user=user, message__contains="has not been read").count() == 1
        assert OutboxMessage.objects.filter(to=user.email, subject="Unread safeguarding concern").count() == 1
    # The head is told it waits, but cannot open the file: no link.
    assert Notification.objects.get(user=head).link == ""
    assert AuditEvent.objects.filter(action="escalate", object_id=str(late.pk)).count() == 1
    call_command("escalate_concerns", "--minutes", "30", stdout=StringIO())
    assert Notification.objects.filter(user=head).count() == 1


def test_the_time_comes_from_the_setting(world, record, head, settings):
    settings.OPENICS_CONCERN_ESCALATION_MINUTES = 120
    concern = record()
    backdate([concern.pk], recorded_at=timezone.now() - dt.timedelta(minutes=90))
    call_command("escalate_concerns", stdout=StringIO())
    assert not Notification.objects.filter(user=head).exists()
    settings.OPENICS_CONCERN_ESCALATION_MINUTES = 60
    call_command("escalate_concerns", stdout=StringIO())
    assert Notification.objects.filter(user=head).count() == 1
