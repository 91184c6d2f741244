"""Invitations go through the outbox with an .ics, in the action's transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command

from openics.core.models import OutboxMessage
from openics.meetings import actions
from openics.meetings.models import Participant
from openics.meetings.tests.factories import make_meeting
from openics.meetings.tests.test_ics import parse


def _invite_all(world: Any, meeting: Any) -> int:
    sent, _ = actions.do_send_invitations(
        meeting, actor=world.sam_sw, participant_ids=meeting.participants.values_list("pk", flat=True)
    )
    return sent


def test_each_invitee_gets_an_email_with_their_own_ics(world: Any) -> None:
    meeting = make_meeting(world)
    assert _invite_all(world, meeting) == 4  # Sam (chair), Dee, the parent, her supporter
    messages = list(OutboxMessage.objects.order_by("pk"))
    assert {m.to for m in messages} == {
        "sam_sw@example.org",
        "dee_dsl@example.org",
        "jo@example.net",
        "friend@example.net",
    }
    jo = next(m for m in messages if m.to == "jo@example.net")
    (attachment,) = jo.attachments
    assert attachment["filename"] == "invite.ics"
    assert attachment["content_type"].startswith("text/calendar; method=REQUEST")
    event = parse(attachment["content"])["VCALENDAR"]["VEVENT"]
    # One attendee per file: nobody learns who else is invited.
    assert [v for _, v in event["ATTENDEE"]] == ["mailto:jo@example.net"]
    assert "Example" not in jo.subject + jo.body
    assert all(p.invited_sequence == 0 for p in meeting.participants.all())


def test_a_failing_action_leaves_no_outbox_rows(world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    meeting = make_meeting(world)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(actions.audit, "record", broken)
    with pytest.raises(RuntimeError):
        _invite_all(world, meeting)
    assert OutboxMessage.objects.count() == 0
    assert not Participant.objects.filter(meeting=meeting, invited_at__isnull=False).exists()


def test_a_change_sends_an_updated_ics_to_those_invited(world: Any) -> None:
    meeting = make_meeting(world)
    _invite_all(world, meeting)
    OutboxMessage.objects.all().delete()
    later = meeting.starts_at + dt.timedelta(hours=2)
    actions.do_update_meeting(
        meeting,
        actor=world.sam_sw,
        expected_version=meeting.version,
        starts_at=later,
        ends_at=later + dt.timedelta(hours=1),
        place="Civic Centre",
        mode="in_person",
        chair=world.sam_sw,
    )
    updates = list(OutboxMessage.objects.all())
    assert len(updates) == 4
    assert all(m.subject.startswith("Updated invitation") for m in updates)
    event = parse(updates[0].attachments[0]["content"])["VCALENDAR"]["VEVENT"]
    assert event["SEQUENCE"][0][1] == "1"
    assert event["LOCATION"][0][1] == "Civic Centre"


def test_a_cancellation_sends_method_cancel_without_the_reason(world: Any) -> None:
    meeting = make_meeting(world, kind="icpc")
    _invite_all(world, meeting)
    OutboxMessage.objects.all().delete()
    actions.do_cancel_meeting(meeting, actor=world.sam_sw, reason="Father arrested last night")
    messages = list(OutboxMessage.objects.all())
    assert len(messages) == 4
    for message in messages:
        calendar = message.attachments[0]["content"]
        assert "METHOD:CANCEL" in calendar
        assert "arrested" not in message.body + message.subject + calendar


def test_send_outbox_attaches_the_calendar_file(world: Any) -> None:
    meeting = make_meeting(world, people=False)
    _invite_all(world, meeting)
    call_command("send_outbox")
    (email,) = mail.outbox
    ((filename, content, mimetype),) = email.attachments
    assert filename == "invite.ics"
    assert mimetype.startswith("text/calendar")
    assert "BEGIN:VEVENT" in content
    assert OutboxMessage.objects.get().sent_at is not None


def test_plain_outbox_messages_still_send(world: Any) -> None:
    OutboxMessage.objects.create(to="someone@example.org", subject="Alert", body="Sign in")
    call_command("send_outbox")
    assert mail.outbox[0].attachments == []


def test_removing_someone_invited_withdraws_their_invitation(world: Any) -> None:
    meeting = make_meeting(world)
    _invite_all(world, meeting)
    OutboxMessage.objects.all().delete()
    jo = meeting.participants.get(name="Jo Example")
    actions.do_remove_participant(jo, actor=world.sam_sw)
    (message,) = OutboxMessage.objects.all()
    assert message.to == "jo@example.net"
    assert message.subject.startswith("Invitation withdrawn")
    assert "METHOD:CANCEL" in message.attachments[0]["content"]
    assert not meeting.participants.filter(name="Jo Example").exists()
