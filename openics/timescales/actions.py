"""Every write to timescales data.

`do_*` functions assume the caller checked access (an administrator for
calendars and profiles; `access_child(..., for_write=True)` for a child's
deadlines) and do the write and its audit event in one transaction.  They
raise `TimescaleError` with a message for people when the input is wrong.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from openics.core import audit
from openics.core.models import Organisation, OrganisationKind, Person, User
from openics.core.roles import Part

from .calendar import calendar_for
from .deadlines import Setup, compute
from .errors import TimescaleError
from .models import (
    AuthorityTimescales,
    CalendarChangeKind,
    Deadline,
    DeadlineReminder,
    DeadlineStatus,
    LocalCalendarChange,
    RuleOverride,
    SchoolClosure,
    SchoolTerm,
)
from .profiles import MAX_OFFSET, get_profile
from .units import NATIONS, Unit


def _require_reason(reason: str, message: str) -> str:
    reason = reason.strip()
    if not reason:
        raise TimescaleError(message)
    return reason


def _require_la(organisation: Organisation) -> None:
    if organisation.kind != OrganisationKind.LOCAL_AUTHORITY:
        raise TimescaleError(f"{organisation} is not a local authority.")


# ------------------------------------------------------------ calendars


def do_add_calendar_change(
    day: dt.date,
    *,
    kind: str,
    reason: str,
    acting_user: User | None,
    nation: str = "",
    organisation: Organisation | None = None,
) -> LocalCalendarChange:
    """Add (or remove) a non-working day for a whole nation or one authority."""
    if kind not in CalendarChangeKind.values:
        raise TimescaleError("Choose whether the day is added or removed.")
    if bool(nation) == (organisation is not None):
        raise TimescaleError("Choose either a nation or a local authority, not both.")
    if nation and nation not in NATIONS:
        raise TimescaleError(f"Unknown nation '{nation}'. Use one of: {', '.join(NATIONS)}.")
    if organisation is not None:
        _require_la(organisation)
    reason = _require_reason(reason, "Enter the reason for the change")
    with transaction.atomic():
        change = LocalCalendarChange.objects.create(
            nation=nation,
            organisation=organisation,
            date=day,
            kind=kind,
            reason=reason,
            created_by=acting_user,
        )
        audit.record(
            "create",
            user=acting_user,
            obj=change,
            detail={"date": day.isoformat(), "kind": kind, "nation": nation, "organisation": change.organisation_id},
        )
    return change


def do_add_school_term(
    school: Organisation, *, start: dt.date, end: dt.date, name: str = "", acting_user: User | None
) -> SchoolTerm:
    if school.kind != OrganisationKind.SCHOOL:
        raise TimescaleError(f"{school} is not a school.")
    if end < start:
        raise TimescaleError("The last day of term must be the same as or after the first day")
    with transaction.atomic():
        overlapping = SchoolTerm.objects.select_for_update().filter(school=school, start__lte=end, end__gte=start)
        if overlapping.exists():
            raise TimescaleError("The term overlaps a term already recorded for this school")
        term = SchoolTerm.objects.create(school=school, start=start, end=end, name=name.strip())
        audit.record("create", user=acting_user, obj=term, detail={"start": start.isoformat(), "end": end.isoformat()})
    return term


def do_add_school_closure(
    school: Organisation, *, day: dt.date, reason: str, acting_user: User | None
) -> SchoolClosure:
    """An INSET or closure day: not a school day."""
    if school.kind != OrganisationKind.SCHOOL:
        raise TimescaleError(f"{school} is not a school.")
    reason = _require_reason(reason, "Enter the reason the school is closed")
    with transaction.atomic():
        if SchoolClosure.objects.filter(school=school, date=day).exists():
            raise TimescaleError("A closure is already recorded for that day")
        closure = SchoolClosure.objects.create(school=school, date=day, reason=reason)
        audit.record("create", user=acting_user, obj=closure, detail={"date": day.isoformat()})
    return closure


# ------------------------------------------------------------ profiles


def do_set_authority_timescales(
    organisation: Organisation,
    *,
    profile: str,
    nation: str,
    due_soon_working_days: int | None = None,
    acting_user: User | None,
) -> AuthorityTimescales:
    """Choose the profile and calendar an authority runs under.

    Existing deadlines keep the rule they were worked out with.
    """
    _require_la(organisation)
    get_profile(profile)  # A clear error for an unknown name.
    if nation not in NATIONS:
        raise TimescaleError(f"Unknown nation '{nation}'. Use one of: {', '.join(NATIONS)}.")
    if due_soon_working_days is not None and not 0 <= due_soon_working_days <= 60:
        raise TimescaleError("The 'due soon' warning must be from 0 to 60 working days")
    with transaction.atomic():
        current = AuthorityTimescales.objects.select_for_update().filter(organisation=organisation).first()
        if current is None:
            current = AuthorityTimescales(organisation=organisation)
        current.profile = profile
        current.nation = nation
        if due_soon_working_days is not None:
            current.due_soon_working_days = due_soon_working_days
        current.updated_by = acting_user
        current.updated_at = timezone.now()
        current.save()
        audit.record(
            "update",
            user=acting_user,
            obj=current,
            detail={"profile": profile, "nation": nation, "due_soon_working_days": current.due_soon_working_days},
        )
    return current


def do_override_rule(
    organisation: Organisation,
    *,
    rule_id: str,
    offset: int,
    unit: str,
    reason: str,
    counts_trigger_day: bool = False,
    acting_user: User | None,
) -> RuleOverride:
    """Set the authority's own figure for a rule of its profile (replacing
    any earlier override of it)."""
    from .deadlines import setup_for

    _require_la(organisation)
    rule = setup_for(organisation).profile.rule(rule_id)
    if unit not in Unit.values:
        raise TimescaleError(f"Unknown unit '{unit}'. Use one of: {', '.join(Unit.values)}.")
    if not 1 <= offset <= MAX_OFFSET:
        raise TimescaleError(f"The timescale must be a whole number from 1 to {MAX_OFFSET}")
    reason = _require_reason(reason, "Enter the reason for the local timescale")
    with transaction.atomic():
        override, _created = RuleOverride.objects.update_or_create(
            organisation=organisation,
            rule_id=rule.id,
            defaults={
                "offset": offset,
                "unit": unit,
                "counts_trigger_day": counts_trigger_day,
                "reason": reason,
                "created_by": acting_user,
                "created_at": timezone.now(),
            },
        )
        audit.record(
            "update",
            user=acting_user,
            obj=override,
            detail={"rule": rule.id, "offset": offset, "unit": unit, "counts_trigger_day": counts_trigger_day},
        )
    return override


# ------------------------------------------------------------ deadlines


def do_create_deadline(
    child: Person,
    *,
    rule_id: str,
    trigger_date: dt.date,
    organisation: Organisation,
    acting_user: User | None,
    source_type: str = "",
    source_id: str = "",
    school_id: int | None = None,
    part: str = Part.SOCIAL_CARE,
) -> Deadline:
    """Work out and store a deadline for a child from the authority's rules."""
    computed = compute(rule_id, trigger_date, organisation=organisation, school_id=school_id)
    rule = computed.rule
    with transaction.atomic():
        deadline = Deadline.objects.create(
            child=child,
            organisation=organisation,
            rule_id=rule.id,
            title=rule.title,
            part=part,
            profile=computed.setup.profile.name,
            profile_version=computed.setup.profile.version,
            nation=computed.setup.nation,
            offset=rule.offset,
            unit=rule.unit,
            counts_trigger_day=rule.counts_trigger_day,
            overridden=computed.overridden,
            trigger_date=trigger_date,
            due_date=computed.due,
            due_soon_from=computed.due_soon_from,
            source_type=source_type,
            source_id=str(source_id),
            created_by=acting_user,
        )
        audit.record(
            "create",
            user=acting_user,
            obj=deadline,
            child_id=child.pk,
            detail={
                "rule": rule.id,
                "profile": f"{deadline.profile} {deadline.profile_version}",
                "trigger": trigger_date.isoformat(),
                "due": deadline.due_date.isoformat(),
            },
        )
    return deadline


def do_create_agreed_deadline(
    child: Person,
    *,
    setup: Setup,
    organisation: Organisation,
    rule_id: str,
    title: str,
    trigger_date: dt.date,
    due_date: dt.date,
    acting_user: User | None,
    source_type: str = "",
    source_id: str = "",
    part: str = Part.SOCIAL_CARE,
) -> Deadline:
    """Store a deadline whose date people agreed (at a review meeting) rather
    than one a rule works out; "due soon" is counted as for any deadline."""
    calendar = calendar_for(setup.nation, setup.organisation_id)
    due_soon_from = max(trigger_date, calendar.subtract_working_days(due_date, setup.due_soon_working_days))
    with transaction.atomic():
        deadline = Deadline.objects.create(
            child=child,
            organisation=organisation,
            rule_id=rule_id,
            title=title,
            part=part,
            profile=setup.profile.name,
            profile_version=setup.profile.version,
            nation=setup.nation,
            offset=(due_date - trigger_date).days,
            unit=Unit.DAYS,
            trigger_date=trigger_date,
            due_date=due_date,
            due_soon_from=due_soon_from,
            source_type=source_type,
            source_id=str(source_id),
            created_by=acting_user,
        )
        audit.record(
            "create",
            user=acting_user,
            obj=deadline,
            child_id=child.pk,
            detail={"rule": rule_id, "trigger": trigger_date.isoformat(), "due": due_date.isoformat()},
        )
    return deadline


def do_meet_deadline(
    deadline: Deadline,
    *,
    met_on: dt.date,
    acting_user: User | None,
    late_reason: str = "",
) -> Deadline:
    """Record the day the deadline was met; a late one needs its reason."""
    if met_on < deadline.trigger_date:
        raise TimescaleError("The date it was met must be on or after the date it started from")
    if met_on > timezone.localdate():
        raise TimescaleError("The date it was met must be today or in the past")
    late_reason = late_reason.strip()
    if met_on > deadline.due_date and not late_reason:
        raise TimescaleError("Enter the reason it was met after the deadline")
    with transaction.atomic():
        current = Deadline.objects.select_for_update().get(pk=deadline.pk)
        if current.met_on is not None:
            raise TimescaleError("This deadline has already been met")
        if current.cancelled_on is not None:
            raise TimescaleError(
                "This deadline is no longer needed: it was closed on " + current.cancelled_on.isoformat()
            )
        current.met_on = met_on
        current.late_reason = late_reason if met_on > current.due_date else ""
        current.met_recorded_by = acting_user
        current.met_recorded_at = timezone.now()
        # The row is locked, so a plain increment cannot lose an update.
        current.version += 1
        current.save(update_fields=["met_on", "late_reason", "met_recorded_by", "met_recorded_at", "version"])
        audit.record(
            "meet",
            user=acting_user,
            obj=current,
            child_id=current.child_id,
            detail={"met_on": met_on.isoformat(), "late": met_on > current.due_date},
        )
    return current


def do_cancel_deadlines(deadlines: Any, *, on: dt.date, reason: str, acting_user: User | None) -> list[Deadline]:
    """Mark open deadlines as no longer needed (the case closed, the plan
    ended), with the reason.  They stay on the record and leave the lists of
    work; a met or already cancelled one is left as it is."""
    reason = _require_reason(reason, "Enter why the deadline is no longer needed")
    cancelled = []
    with transaction.atomic():
        for current in deadlines.open().select_for_update():
            current.cancelled_on = on
            current.cancelled_reason = reason
            current.cancelled_by = acting_user
            current.version += 1
            current.save(update_fields=["cancelled_on", "cancelled_reason", "cancelled_by", "version"])
            audit.record(
                "cancel", user=acting_user, obj=current, child_id=current.child_id, detail={"on": on.isoformat()}
            )
            cancelled.append(current)
    return cancelled


# ------------------------------------------------------------ reminders

# The states a reminder is sent for, and how the alert words them.
REMINDER_STATES = {DeadlineStatus.DUE_SOON.value: "is due soon", DeadlineStatus.OVERDUE.value: "is overdue"}


def do_send_reminders(*, today: dt.date | None = None) -> int:
    """Remind each open deadline's allocated worker, once per deadline per
    state ("due soon", "overdue"), with an in-app alert and an email in the
    outbox, written in the same transaction as the record that it was sent.
    Returns how many reminders were sent.

    A deadline whose child has no allocated worker waits: it is reminded
    once someone is allocated.
    """
    from openics.core.actions import notify
    from openics.core.models import Involvement, InvolvementKind
    from openics.web.templatetags.web_tags import uk_date

    today = today or timezone.localdate()
    from openics.core.access import SOCIAL_CARE_PARTS

    pending = (
        Deadline.objects.open()
        # The allocated worker is reminded only of what their access shows
        # them: a school's own deadlines are the school's to chase.
        .filter(due_soon_from__lte=today, part__in=SOCIAL_CARE_PARTS)
        .with_status(today)
        .select_related("child")
        .order_by("due_date", "pk")
    )
    workers = dict(
        Involvement.objects.current(today)
        .filter(kind=InvolvementKind.ALLOCATED, worker__isnull=False, child__in=pending.values("child"))
        .order_by("started_on", "pk")
        .values_list("child_id", "worker_id")
    )
    users = User.objects.in_bulk(set(workers.values()))
    sent = 0
    for deadline in pending.iterator(chunk_size=500):
        state = deadline.current_status  # type: ignore[attr-defined]
        worker_id = workers.get(deadline.child_id)
        if state not in REMINDER_STATES or worker_id is None:
            continue
        with transaction.atomic():
            # The unique constraint is the guard; the lock keeps two runs
            # from racing to it and failing one of them.
            locked = Deadline.objects.open().select_for_update().filter(pk=deadline.pk).first()
            if locked is None or DeadlineReminder.objects.filter(deadline=locked, state=state).exists():
                continue
            worker = users[worker_id]
            DeadlineReminder.objects.create(deadline=locked, state=state, sent_to=worker)
            notify(
                worker,
                f"{deadline.title} for {deadline.child.display_name} {REMINDER_STATES[state]}: "
                f"due by {uk_date(deadline.due_date)}",
                link=reverse("child-deadlines", args=[deadline.child_id]),
                email_subject="A deadline is overdue" if state == DeadlineStatus.OVERDUE else "A deadline is due soon",
            )
        sent += 1
    return sent
