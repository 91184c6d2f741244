"""The record of a meeting printed as PDF (WeasyPrint), marked
OFFICIAL-SENSITIVE, in the look of the other printed records: the copy
emailed to attendees (attached through the outbox) and the printable copy
staff download.  Labels follow the language asked for; what people wrote
is printed as they wrote it."""

from __future__ import annotations

from openics.core.models import User
from openics.web.pdf import render_pdf

from .actions import MeetingRefused
from .models import Attendance, Meeting, MeetingStatus


def check_printable(meeting: Meeting) -> None:
    if meeting.status != MeetingStatus.HELD:
        raise MeetingRefused("Record the meeting before printing or sending its record.", status=409)


def record_filename(meeting: Meeting) -> str:
    return f"meeting-record-{meeting.pk}.pdf"


def print_language(spoken: str | None) -> str:
    """The language code to print in for a language named in words
    ("Welsh", "Polski"), English when we do not print in it."""
    from openics.plans.pdf import language_code

    return language_code(spoken) or "en-gb"


def render_record_pdf(meeting: Meeting, *, printed_by: User, language: str | None = None) -> bytes:
    """The record of a held meeting as PDF bytes; in `language` (a code such
    as "cy"), or the active language when None.  Assumes the caller
    checked access to the meeting's child."""
    check_printable(meeting)
    participants = list(meeting.participants.select_related("user"))
    context = {
        "meeting": meeting,
        "child": meeting.child,
        "attended": [p for p in participants if p.attendance == Attendance.ATTENDED],
        "apologies": [p for p in participants if p.attendance == Attendance.APOLOGIES],
        "absent": [p for p in participants if p.attendance == Attendance.ABSENT],
        "reports": list(meeting.reports.all()),
        "actions": list(meeting.actions.all()),
        "review": meeting.plan_review,
        "printed_by": printed_by,
    }
    return render_pdf("meetings/pdf/record.html", context, language=language)
