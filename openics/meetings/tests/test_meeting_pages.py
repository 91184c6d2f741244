"""The whole journey through plain HTML forms (no JavaScript)."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from openics.core.models import OutboxMessage
from openics.meetings.models import Distribution, Meeting, MeetingStatus, Participant
from openics.safeguarding.tests.pdf_text import pdf_text


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _date(prefix: str, day: dt.date) -> dict[str, str]:
    return {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month), f"{prefix}_year": str(day.year)}


def test_plan_invite_record_and_send_without_javascript(world: Any) -> None:
    sam = _client(world.sam_sw)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = sam.post(
        reverse("meeting-plan", args=[world.amy.pk]),
        {
            "kind": "review_planning",
            **_date("date", tomorrow),
            "start": "09:30",
            "end": "11:00",
            "mode": "in_person",
            "place": "Grange Primary",
            "chair": str(world.sam_sw.pk),
        },
        secure=True,
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(child=world.amy)
    assert meeting.chair == world.sam_sw and meeting.part == "plans"
    participants_url = reverse("meeting-participants", args=[meeting.pk])
    assert (
        sam.post(
            participants_url, {"user": str(world.dee_dsl.pk), "kind": "professional", "role": "DSL"}, secure=True
        ).status_code
        == 302
    )
    assert (
        sam.post(
            participants_url, {"name": "Jo Example", "email": "jo@example.net", "kind": "parent_carer"}, secure=True
        ).status_code
        == 302
    )
    jo = Participant.objects.get(meeting=meeting, name="Jo Example")
    # A supporter must say whom they support.
    response = sam.post(participants_url, {"name": "Kim", "kind": "supporter"}, secure=True)
    assert response.status_code == 400
    assert "Choose the parent or carer this person supports" in response.content.decode()
    assert (
        sam.post(
            participants_url, {"name": "Kim Friend", "kind": "supporter", "supporting": str(jo.pk)}, secure=True
        ).status_code
        == 302
    )
    page = sam.get(participants_url, secure=True).content.decode()
    assert "supporting Jo Example" in page

    invite_url = reverse("meeting-invite", args=[meeting.pk])
    assert sam.post(invite_url, {}, secure=True).status_code == 400
    ids = [str(p.pk) for p in meeting.participants.all()]
    response = sam.post(invite_url, {"participants": ids}, secure=True, follow=True)
    assert "3 invitations sent by email" in response.content.decode()
    assert "No email address for Kim Friend" in response.content.decode()
    assert OutboxMessage.objects.count() == 3

    # Recording before the meeting has happened is refused with a message.
    record_url = reverse("meeting-record", args=[meeting.pk])
    response = sam.post(record_url, {"child_participation": "attended"}, secure=True)
    assert response.status_code == 409
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=2), ends_at=timezone.now() - dt.timedelta(hours=1)
    )
    meeting.refresh_from_db()
    data = {
        "version": str(meeting.version),
        "child_participation": "not_invited",
        "minutes": "Attendance has improved.",
        "decisions": "Continue at Stage 2.",
        "actions-0-what": "Weekly check-in",
        "actions-0-who": "Dee",
        **_date("actions-0-due_on", tomorrow),
        "actions-1-what": "Parenting course",  # no "who": an error, nothing lost
        "reports-0-agency": "Health visiting",
        "reports-0-summary": "Growth on track",
    }
    for p in meeting.participants.all():
        data[f"attendance-{p.pk}"] = "apologies" if p.name == "Kim Friend" else "attended"
    response = sam.post(record_url, data, secure=True)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Enter why the child was not invited" in page
    assert "Enter who will do action 2" in page
    assert "Attendance has improved." in page  # typed text kept
    data.update({"child_participation_note": "Too young to take part", "actions-1-who": "Family support"})
    assert sam.post(record_url, data, secure=True).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    assert [a.what for a in meeting.actions.all()] == ["Weekly check-in", "Parenting course"]
    assert meeting.reports.get().agency == "Health visiting"
    detail = sam.get(reverse("meeting-detail", args=[meeting.pk]), secure=True).content.decode()
    assert "Weekly check-in" in detail and "Too young to take part" in detail

    OutboxMessage.objects.all().delete()
    send_url = reverse("meeting-send-record", args=[meeting.pk])
    people = {p.display_name: p for p in meeting.participants.all()}
    send = {
        f"copy-{people['Dee Tester'].pk}": "send",
        f"copy-{people['Jo Example'].pk}": "withhold",
        f"copy-{people['Sam Tester'].pk}": "none",
        f"copy-{people['Kim Friend'].pk}": "none",
        "language": "English",
    }
    response = sam.post(send_url, send, secure=True)
    assert response.status_code == 400
    assert "Enter why Jo Example&#x27;s copy is withheld" in response.content.decode()
    assert not Distribution.objects.exists() and not OutboxMessage.objects.exists()
    send[f"reason-{people['Jo Example'].pk}"] = "Child protection risk: address must not be shared"
    assert sam.post(send_url, send, secure=True).status_code == 302
    (message,) = OutboxMessage.objects.all()
    assert message.to == "dee_dsl@example.org"
    (attachment,) = message.attachments
    assert attachment["content_type"] == "application/pdf" and attachment["encoding"] == "base64"
    assert "Weekly check-in" in pdf_text(base64.b64decode(attachment["content"]))
    copies = {d.recipient: d for d in Distribution.objects.all()}
    assert copies["Dee Tester"].method == "email" and copies["Dee Tester"].outbox == message
    assert copies["Jo Example"].withheld and "Child protection risk" in copies["Jo Example"].withheld_reason

    history_url = reverse("meeting-distribution", args=[meeting.pk])
    response = sam.post(history_url, {"recipient": "Jo Example", "withheld": "on"}, secure=True)
    assert response.status_code == 400 and "Enter why the copy is withheld" in response.content.decode()
    assert (
        sam.post(history_url, {"recipient": "Amy", "method": "hand", "language": "Polish"}, secure=True).status_code
        == 302
    )
    history = sam.get(history_url, secure=True).content.decode()
    assert "Withheld" in history and "By hand" in history and "Polish" in history


def test_the_list_shows_upcoming_and_past(world: Any) -> None:
    from openics.meetings.tests.factories import make_meeting

    make_meeting(world, days=3)
    make_meeting(world, days=-30, held=True)
    sam = _client(world.sam_sw)
    response = sam.get(reverse("child-meetings", args=[world.amy.pk]), secure=True)
    page = response.content.decode()
    assert (
        page.index("Upcoming meetings") < page.index("Planned") < page.index("Past and cancelled") < page.index("Held")
    )
    # The child's tabs link here.
    overview = sam.get(reverse("child-overview", args=[world.amy.pk]), secure=True).content.decode()
    assert reverse("child-meetings", args=[world.amy.pk]) in overview


def test_the_list_needs_the_same_queries_for_one_meeting_or_many(world: Any, django_assert_num_queries: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from openics.meetings.tests.factories import make_meeting

    sam = _client(world.sam_sw)
    url = reverse("child-meetings", args=[world.amy.pk])
    make_meeting(world, days=3)
    sam.get(url, secure=True)  # warm the session and caches
    with CaptureQueriesContext(connection) as one:
        sam.get(url, secure=True)
    for days in (4, 5, -6, -7, -8):
        make_meeting(world, days=days)
    with django_assert_num_queries(len(one.captured_queries)):
        sam.get(url, secure=True)
