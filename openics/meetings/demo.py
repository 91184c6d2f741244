"""Meetings in the demo: held and planned, with the people invited.

Registered as the "records.plans.meetings" demo extension, so it runs after
the records and plans extensions (extensions run in name order) and meets
about the plans they wrote: a review and planning meeting for each Stage 2
plan (held on the day it was agreed, the next one planned), a CIN review,
and for children on a child protection plan a core group held and a review
conference planned, chaired by the child's IRO.  Everything goes through the
meeting actions with "now" fixed to the meeting's day, so the chronology
and audit follow as from the pages.
"""

from __future__ import annotations

import datetime as dt

from openics.core.models import Involvement, InvolvementKind, Person, User
from openics.demo.extensions import DemoContext, register_demo_extension
from openics.plans.demo import at

from . import actions
from .models import Attendance, ChildParticipation, MeetingKind, ParticipantKind

# Caps, whatever the demo's size.
MAX_PER_KIND = 4


def _moment(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=dt.UTC)


def _next_weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


class _Minutes:
    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        self.today = ctx.reference_date
        self.users: dict[int, User] = {}

    def user(self, pk: int) -> User:
        if pk not in self.users:
            self.users[pk] = User.objects.get(pk=pk)
        return self.users[pk]

    def meeting(
        self,
        child: Person,
        worker: User,
        kind: str,
        day: dt.date,
        *,
        chair: User | None = None,
        plan: object = None,
        hold: bool,
    ) -> None:
        day = _next_weekday(day)
        hour = self.rng.choice([10, 11, 14])
        # A planned meeting is arranged a fortnight before; a held one is recorded on its day.
        arranged = min(day - dt.timedelta(days=14), self.today) if hold else self.today
        with at(arranged):
            meeting = actions.do_plan_meeting(
                child,
                actor=worker,
                kind=kind,
                starts_at=_moment(day, hour),
                ends_at=_moment(day, hour) + dt.timedelta(minutes=90),
                place=self.rng.choice(["Children's centre, room 2", "The child's school", "Council offices"]),
                chair=chair,
                plan=plan,
            )
            people = [actions.do_add_participant(meeting, actor=worker, user=worker, role="Lead professional")]
            people.append(
                actions.do_add_participant(
                    meeting, actor=worker, name="Mother", kind=ParticipantKind.PARENT_CARER, role="Mother"
                )
            )
            people.append(
                actions.do_add_participant(meeting, actor=worker, name="Class teacher", agency="School", role="Teacher")
            )
        if not hold:
            return
        with at(day, 600):
            meeting.refresh_from_db()
            attendance = {p.pk: Attendance.ATTENDED for p in meeting.participants.all()}
            attendance[people[-1].pk] = self.rng.choice([Attendance.ATTENDED, Attendance.APOLOGIES])
            actions.do_record_outcome(
                meeting,
                actor=worker,
                expected_version=meeting.version,
                attendance=attendance,
                child_participation=self.rng.choice([ChildParticipation.ATTENDED, ChildParticipation.VIEWS_SENT]),
                child_views="Wants things at home to stay calm.",
                minutes="Progress on each outcome was discussed; the family is engaging.",
                decisions="The plan continues; actions below.",
                actions=[{"what": "Visit the family weekly", "who": worker.get_full_name()}],
                reports=[{"agency": "School", "author": "Class teacher", "summary": "Attendance improving."}],
            )


@register_demo_extension("records.plans.meetings")
def add_meetings(ctx: DemoContext) -> None:
    """Held and planned meetings through the meeting actions."""
    from openics.casework.models import CPEpisode
    from openics.plans.models import Plan, PlanStatus

    minutes = _Minutes(ctx)
    today = ctx.reference_date
    plans = list(
        Plan.objects.filter(status=PlanStatus.ACTIVE, started_on__isnull=False)
        .select_related("child")
        .order_by("plan_type", "child_id", "pk")
    )
    worker_of = dict(
        Involvement.objects.filter(kind=InvolvementKind.ALLOCATED, ended_on__isnull=True, worker__isnull=False)
        .order_by("child_id", "pk")
        .values_list("child_id", "worker_id")
    )
    iro_of = dict(
        Involvement.objects.filter(kind=InvolvementKind.IRO, ended_on__isnull=True, worker__isnull=False)
        .order_by("child_id", "pk")
        .values_list("child_id", "worker_id")
    )
    done: dict[str, int] = {}
    for plan in plans:
        worker_id = worker_of.get(plan.child_id)
        assert plan.started_on is not None
        if worker_id is None:
            continue
        worker = minutes.user(worker_id)
        if plan.plan_type == "stage2-action-plan":
            kind = MeetingKind.REVIEW_PLANNING
            if done.get(kind, 0) >= MAX_PER_KIND:
                continue
            minutes.meeting(plan.child, worker, kind, plan.started_on, plan=plan, hold=True)
            upcoming = plan.next_review_on or today + dt.timedelta(days=30)
            minutes.meeting(
                plan.child, worker, kind, max(upcoming, today + dt.timedelta(days=3)), plan=plan, hold=False
            )
        elif plan.plan_type == "cin-plan":
            kind = MeetingKind.CIN_REVIEW
            if done.get(kind, 0) >= MAX_PER_KIND:
                continue
            upcoming = plan.next_review_on or today + dt.timedelta(days=30)
            minutes.meeting(
                plan.child, worker, kind, max(upcoming, today + dt.timedelta(days=3)), plan=plan, hold=False
            )
        elif plan.plan_type == "cp-plan":
            kind = MeetingKind.CORE_GROUP
            if done.get(kind, 0) >= MAX_PER_KIND:
                continue
            held = min(plan.started_on, today - dt.timedelta(days=1))
            minutes.meeting(plan.child, worker, kind, held, plan=plan, hold=True)
        else:
            continue
        done[kind] = done.get(kind, 0) + 1
    # Review conferences to come, chaired by the child's IRO.
    for child_id, started_on in (
        CPEpisode.objects.open().order_by("child_id").values_list("child_id", "started_on")[:MAX_PER_KIND]
    ):
        worker_id = worker_of.get(child_id)
        iro_id = iro_of.get(child_id)
        if worker_id is None or iro_id is None:
            continue
        child = Person.objects.get(pk=child_id)
        day = max(started_on + dt.timedelta(days=90), today + dt.timedelta(days=7))
        minutes.meeting(
            child, minutes.user(worker_id), MeetingKind.REVIEW_CONFERENCE, day, chair=minutes.user(iro_id), hold=False
        )
