"""The .ics invitation read back with a small RFC 5545 parser."""

from __future__ import annotations

import datetime as dt
from typing import Any

from openics.meetings import actions, ics
from openics.meetings.models import Meeting
from openics.meetings.tests.factories import make_meeting


def unfold(text: str) -> list[str]:
    """Content lines: CRLF-separated, continuation lines start with a space."""
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", ""), "every line ends in CRLF"
    raw = text[:-2].split("\r\n")
    lines: list[str] = []
    for line in raw:
        assert len(line.encode("utf-8")) <= 75, f"line longer than 75 octets: {line!r}"
        if line.startswith(" "):
            lines[-1] += line[1:]
        else:
            lines.append(line)
    return lines


def parse(text: str) -> dict[str, Any]:
    """{"VCALENDAR": {...props, "VEVENT": {...props}}} with each property's
    (params, value); repeated properties become lists."""
    root: dict[str, Any] = {}
    stack = [root]
    for line in unfold(text):
        name_params, _, value = line.partition(":")
        name, *params = name_params.split(";")
        if name == "BEGIN":
            child: dict[str, Any] = {}
            stack[-1][value] = child
            stack.append(child)
        elif name == "END":
            stack.pop()
        else:
            stack[-1].setdefault(name, []).append((params, value))
    assert len(stack) == 1
    return root


def unescape(value: str) -> str:
    return value.replace("\\n", "\n").replace("\\,", ",").replace("\\;", ";").replace("\\\\", "\\")


def test_required_properties_and_utc_times(world: Any) -> None:
    meeting = make_meeting(world)
    text = ics.build(meeting, attendees=meeting.participants.all())
    cal = parse(text)["VCALENDAR"]
    assert cal["VERSION"] == [([], "2.0")]
    assert cal["PRODID"][0][1] == ics.PRODID
    assert cal["METHOD"][0][1] == "REQUEST"
    event = cal["VEVENT"]
    for prop in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "LOCATION", "ORGANIZER", "SEQUENCE"):
        assert prop in event, prop
    assert event["UID"][0][1].startswith(str(meeting.uid))
    start = dt.datetime.strptime(event["DTSTART"][0][1], "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    end = dt.datetime.strptime(event["DTEND"][0][1], "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    assert start == meeting.starts_at
    assert end - start == dt.timedelta(hours=1, minutes=30)
    assert event["SEQUENCE"][0][1] == "0"
    assert event["ORGANIZER"][0][1] == "mailto:sam_sw@example.org"
    attendees = [value for _, value in event["ATTENDEE"]]
    assert "mailto:jo@example.net" in attendees


def test_summary_names_the_child_by_first_name_and_initial_only(world: Any) -> None:
    meeting = make_meeting(world)
    summary = unescape(parse(ics.build(meeting))["VCALENDAR"]["VEVENT"]["SUMMARY"][0][1])
    assert summary == "Review and planning meeting: Amy E."
    assert "Example" not in ics.build(meeting)


def test_escaping_and_folding_of_a_long_location(world: Any) -> None:
    meeting = make_meeting(world, people=False)
    place = "Łódź Room; Civic Centre, 1 High St\\Annex\n" + "Ćwierć-piętro " * 8
    Meeting.objects.filter(pk=meeting.pk).update(place=place)
    meeting.refresh_from_db()
    text = ics.build(meeting)
    raw_lines = text.split("\r\n")
    assert any(line.startswith(" ") for line in raw_lines), "the long LOCATION is folded"
    location = parse(text)["VCALENDAR"]["VEVENT"]["LOCATION"][0][1]
    assert "\\;" in location and "\\," in location and "\\\\" in location and "\\n" in location
    assert unescape(location) == place
    # Folding never splits a UTF-8 character: every physical line decodes.
    for line in raw_lines:
        line.encode("utf-8").decode("utf-8")


def test_fold_counts_octets_not_characters() -> None:
    line = "SUMMARY:" + "ż" * 60  # 8 + 120 octets
    folded = ics.fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == line


def test_a_change_raises_the_sequence_and_a_cancellation_says_cancel(world: Any) -> None:
    meeting = make_meeting(world)
    later = meeting.starts_at + dt.timedelta(days=1)
    meeting = actions.do_update_meeting(
        meeting,
        actor=world.sam_sw,
        expected_version=meeting.version,
        starts_at=later,
        ends_at=later + dt.timedelta(hours=1),
        place=meeting.place,
        mode=meeting.mode,
        chair=world.sam_sw,
    )
    assert parse(ics.build(meeting))["VCALENDAR"]["VEVENT"]["SEQUENCE"][0][1] == "1"
    meeting = actions.do_cancel_meeting(meeting, actor=world.sam_sw, reason="Chair unwell")
    cal = parse(ics.build(meeting, method="CANCEL"))["VCALENDAR"]
    assert cal["METHOD"][0][1] == "CANCEL"
    assert cal["VEVENT"]["SEQUENCE"][0][1] == "2"
    assert cal["VEVENT"]["STATUS"][0][1] == "CANCELLED"
