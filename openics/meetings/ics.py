"""iCalendar (RFC 5545) invitations, written by hand: the format is small.

Lines end in CRLF and are folded at 75 octets (a continuation line starts
with one space and never splits a UTF-8 character); text values escape
backslash, semicolon, comma and newline.  Times are UTC ("...Z").  The
SUMMARY names the child by first name and initial only: an invitation goes
to people outside the authority's systems.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone

from .models import Meeting, MeetingMode, Participant

PRODID = "-//OpenICS//Meetings//EN"


def escape_text(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _param(value: str) -> str:
    """A parameter value (CN): quoted, without the characters a quoted value cannot hold."""
    cleaned = value.replace('"', "'").replace("\r", " ").replace("\n", " ")
    return f'"{cleaned}"'


def fold(line: str) -> str:
    """Fold one content line at 75 octets, never inside a UTF-8 character."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    parts: list[str] = []
    current = ""
    size = 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current = ""
            size = 0
            # Continuation lines begin with a space, which counts.
            limit = 74
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def child_short_name(meeting: Meeting) -> str:
    child = meeting.child
    first = child.known_as or child.first_name
    initial = f" {child.last_name[:1]}." if child.last_name else ""
    return f"{first}{initial}".strip()


def summary(meeting: Meeting) -> str:
    return f"{meeting.get_kind_display()}: {child_short_name(meeting)}"


def location(meeting: Meeting) -> str:
    if meeting.mode == MeetingMode.IN_PERSON:
        return meeting.place
    return f"{meeting.get_mode_display()}: {meeting.place}"


def organiser(meeting: Meeting) -> tuple[str, str]:
    person = meeting.chair or meeting.created_by
    email = person.email or settings.DEFAULT_FROM_EMAIL
    return str(person), email


def build(
    meeting: Meeting,
    *,
    attendees: Iterable[Participant] = (),
    method: str = "REQUEST",
    now: dt.datetime | None = None,
) -> str:
    """The .ics text for `meeting`: METHOD:REQUEST, or METHOD:CANCEL."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "openics"
    name, email = organiser(meeting)
    lines = [
        "BEGIN:VCALENDAR",
        f"PRODID:{PRODID}",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        f"METHOD:{method}",
        "BEGIN:VEVENT",
        f"UID:{meeting.uid}@{domain}",
        f"DTSTAMP:{utc(now or timezone.now())}",
        f"DTSTART:{utc(meeting.starts_at)}",
        f"DTEND:{utc(meeting.ends_at)}",
        f"SEQUENCE:{meeting.sequence}",
        f"SUMMARY:{escape_text(summary(meeting))}",
        f"LOCATION:{escape_text(location(meeting))}",
        f"ORGANIZER;CN={_param(name)}:mailto:{email}",
    ]
    for participant in attendees:
        address = participant.address
        if address:
            lines.append(f"ATTENDEE;CN={_param(participant.display_name)};ROLE=REQ-PARTICIPANT:mailto:{address}")
    lines.append("STATUS:CANCELLED" if method == "CANCEL" else "STATUS:CONFIRMED")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(fold(line) + "\r\n" for line in lines)
