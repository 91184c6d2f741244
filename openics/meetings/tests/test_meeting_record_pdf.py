"""The record of a meeting as a PDF: attached to the copies emailed to
attendees (through the outbox), and downloaded by staff to print, behind
re-authentication and audited."""

from __future__ import annotations

import base64
import time
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone, translation

from openics.core.middleware import SIGNED_IN_AT
from openics.core.models import AuditEvent, OutboxMessage
from openics.meetings import actions
from openics.meetings.models import Distribution, Meeting
from openics.meetings.tests.factories import make_meeting
from openics.safeguarding.tests.pdf_text import pdf_text

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _held(world: Any) -> Meeting:
    meeting = make_meeting(world, kind="stage_review", days=-1)
    return actions.do_record_outcome(
        meeting,
        actor=world.sam_sw,
        expected_version=None,
        attendance={p.pk: ("apologies" if p.name == "Pat Friend" else "attended") for p in meeting.participants.all()},
        child_participation="views_sent",
        child_views="I want to stay at Grange.",
        minutes="Attendance has improved to 93%.",
        decisions="Continue at Stage 2 and review in six weeks.",
        actions=[{"what": "Weekly check-in with Amy", "who": "Dee", "due_on": timezone.localdate()}],
        reports=[{"agency": "Health visiting", "summary": "Growth on track"}],
    )


def _attachment(message: OutboxMessage) -> tuple[dict[str, Any], bytes]:
    (attachment,) = message.attachments
    return attachment, base64.b64decode(attachment["content"])


def test_the_record_sent_to_attendees_is_a_pdf_with_the_decisions(world: Any) -> None:
    meeting = _held(world)
    people = {p.display_name: p for p in meeting.participants.all()}
    response = _client(world.sam_sw).post(
        reverse("meeting-send-record", args=[meeting.pk]),
        {
            f"copy-{people['Dee Tester'].pk}": "send",
            f"copy-{people['Jo Example'].pk}": "send",
            f"copy-{people['Sam Tester'].pk}": "none",
            f"copy-{people['Pat Friend'].pk}": "none",
            "language": "English",
        },
        secure=True,
    )
    assert response.status_code == 302
    messages = list(OutboxMessage.objects.order_by("to"))
    assert [m.to for m in messages] == ["dee_dsl@example.org", "jo@example.net"]
    attachment, pdf = _attachment(messages[0])
    assert attachment["filename"] == f"meeting-record-{meeting.pk}.pdf"
    assert attachment["content_type"] == "application/pdf" and attachment["encoding"] == "base64"
    assert pdf.startswith(b"%PDF")
    assert "attached as a PDF" in messages[0].body
    text = pdf_text(pdf)
    assert "OFFICIAL-SENSITIVE" in text
    assert "Record of the meeting" in text
    for written in (
        "Continue at Stage 2 and review in six weeks.",
        "Attendance has improved to 93%.",
        "I want to stay at Grange.",
        "Weekly check-in with Amy",
        "Health visiting",
        "Amy Example",
        "Grange Primary School, meeting room 2",
        "Jo Example",
    ):
        assert written in text, written
    # Who sent apologies is told apart from who attended.
    assert text.index("Sent apologies") < text.index("Pat Friend")
    # The same PDF goes to each attendee, and each copy is recorded.
    assert _attachment(messages[1])[1] == pdf
    assert {d.outbox_id for d in Distribution.objects.all()} == {m.pk for m in messages}

    # The outbox worker sends it as a PDF, not as base64 text.
    call_command("send_outbox")
    assert len(mail.outbox) == 2
    ((filename, content, mimetype),) = mail.outbox[0].attachments
    assert filename.endswith(".pdf") and mimetype == "application/pdf" and content == pdf


def test_the_record_sent_in_polish_prints_its_dates_in_polish(world: Any) -> None:
    meeting = _held(world)
    dee = meeting.participants.get(user=world.dee_dsl)
    actions.do_send_record(meeting, actor=world.sam_sw, send_to=[dee.pk], language="Polish")
    _attachment_row, pdf = _attachment(OutboxMessage.objects.get())
    day = timezone.localtime(meeting.starts_at)
    with translation.override("pl"):
        polish = formats.date_format(day, "j E Y")
    text = pdf_text(pdf)
    assert polish in text
    assert "Continue at Stage 2 and review in six weeks." in text  # as written
    assert Distribution.objects.get().language == "Polish"


def test_a_record_not_yet_made_is_neither_sent_nor_printed(world: Any) -> None:
    meeting = make_meeting(world, days=-1)
    dee = meeting.participants.get(user=world.dee_dsl)
    with pytest.raises(actions.MeetingRefused):
        actions.do_send_record(meeting, actor=world.sam_sw, send_to=[dee.pk])
    assert not OutboxMessage.objects.exists()
    response = _client(world.sam_sw).get(reverse("meeting-record-pdf", args=[meeting.pk]), secure=True)
    assert response.status_code == 409
    assert "Record the meeting before" in response.content.decode()


def test_staff_download_the_record_to_print(world: Any) -> None:
    meeting = _held(world)
    url = reverse("meeting-record-pdf", args=[meeting.pk])
    sam = _client(world.sam_sw)
    detail = sam.get(reverse("meeting-detail", args=[meeting.pk]), secure=True).content.decode()
    assert url in detail
    response = sam.get(url, secure=True)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="meeting-record-{meeting.pk}.pdf"'
    text = pdf_text(response.content)
    assert "OFFICIAL-SENSITIVE" in text
    assert "Continue at Stage 2 and review in six weeks." in text
    assert "Printed on" in text and "Sam Tester" in text
    assert AuditEvent.objects.filter(
        action="export", object_type="meetings.meeting", object_id=str(meeting.pk), detail__format="pdf"
    ).exists()
    # The school's DSL reads this (plans) meeting; another team, the school's teacher and a nurse do not.
    assert _client(world.dee_dsl).get(url, secure=True).status_code == 200
    for user in (world.olu_other, world.tom_teacher, world.nina_nurse):
        assert _client(user).get(url, secure=True).status_code == 404


def test_an_old_sign_in_confirms_before_the_download(world: Any) -> None:
    meeting = _held(world)
    client = _client(world.sam_sw)
    session = client.session
    session[SIGNED_IN_AT] = time.time() - 3600
    session.save()
    response = client.get(reverse("meeting-record-pdf", args=[meeting.pk]), secure=True)
    assert response.status_code == 302 and response["Location"].startswith(reverse("confirm-identity"))
    assert not AuditEvent.objects.filter(action="export").exists()
