"""Meetings for tests and the permission matrix, made through the actions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from openics.meetings import actions
from openics.meetings.models import Meeting, ParticipantKind


def make_meeting(
    w: Any, *, kind: str = "review_planning", days: int = 7, people: bool = True, held: bool = False
) -> Meeting:
    """A meeting about Amy `days` from now (negative: in the past), chaired by
    Sam, with Dee, a parent and the parent's supporter on the list."""
    start = (timezone.now() + dt.timedelta(days=days)).replace(second=0, microsecond=0)
    meeting = actions.do_plan_meeting(
        w.amy,
        actor=w.sam_sw,
        kind=kind,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1, minutes=30),
        place="Grange Primary School, meeting room 2",
        chair=w.sam_sw,
    )
    if people:
        actions.do_add_participant(meeting, actor=w.sam_sw, user=w.dee_dsl, role="DSL")
        mum = actions.do_add_participant(
            meeting, actor=w.sam_sw, name="Jo Example", email="jo@example.net", kind=ParticipantKind.PARENT_CARER
        )
        actions.do_add_participant(
            meeting,
            actor=w.sam_sw,
            name="Pat Friend",
            email="friend@example.net",
            kind=ParticipantKind.SUPPORTER,
            supporting=mum,
        )
    if held:
        meeting = actions.do_record_outcome(
            meeting,
            actor=w.sam_sw,
            expected_version=None,
            attendance={p.pk: "attended" for p in meeting.participants.all()},
            child_participation="views_sent",
            minutes="Discussed attendance.",
            decisions="Continue at Stage 2.",
            actions=[{"what": "Weekly check-in", "who": "Dee", "due_on": None}],
        )
    return meeting


def latest(w: Any) -> Meeting:
    return Meeting.objects.filter(child=w.amy).latest("pk")
