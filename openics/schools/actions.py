"""Every write in school operations.

`do_*` functions assume the caller checked access (`access.py`) and do the
write, the audit event and any alert in one transaction.  Bad input raises
Django's `ValidationError` with a message for people, keyed by field where
there is one, so pages and the API refuse the same things in the same words.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from openics.core import audit
from openics.core.actions import notify
from openics.core.chronology import record_event
from openics.core.models import Enrolment, Organisation, Person, RoleAssignment, User
from openics.core.roles import Part, Role
from openics.timescales.calendar import SchoolDayCalendar, calendar_for, school_calendar_for
from openics.timescales.deadlines import add_months, rule_for, setup_for
from openics.timescales.errors import TimescaleError

from .attendance import ParsedRow, parse_csv, unexplained_runs
from .codes import (
    AllegationEntryKind,
    AllegationOutcome,
    FollowUpKind,
    NotificationMethod,
    TrainingLevel,
    attendance_codes,
)
from .models import (
    AbsenceFollowUp,
    AbsenceNotification,
    Allegation,
    AllegationEntry,
    AllegationParticipant,
    AttendanceImport,
    AttendanceMark,
    SchoolArrangements,
    TrainingRecord,
    TrainingReminder,
)

MAX_TEXT = 20_000


def _now() -> dt.datetime:
    return timezone.now()


def _today() -> dt.date:
    return timezone.localdate()


def _text(value: str, field: str, message: str, max_length: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    if len(value) > max_length:
        raise ValidationError({field: f"Enter no more than {max_length} characters"})
    return value


def _not_future(day: dt.date | None, field: str, what: str) -> None:
    if day is not None and day > _today():
        raise ValidationError({field: f"{what} must be today or in the past"})


def _nation(school: Organisation) -> str:
    la = school.local_authority
    return setup_for(la).nation if la is not None else school.nation


def school_calendar(school: Organisation) -> SchoolDayCalendar:
    return school_calendar_for(school.pk, _nation(school))


def school_leads(school: Organisation, roles: Iterable[str] = (Role.DSL, Role.DEPUTY_DSL)) -> list[User]:
    today = _today()
    ids = (
        RoleAssignment.objects.filter(organisation=school, role__in=list(roles), started_on__lte=today)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
        .values("user_id")
    )
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


# ------------------------------------------------------------ attendance


@dataclass(frozen=True)
class CheckedImport:
    """A file checked against the database: marks ready to write, or errors."""

    marks: list[tuple[ParsedRow, Person]]
    errors: list[tuple[int, str]]

    @property
    def pupils(self) -> int:
        return len({child.pk for _row, child in self.marks})

    @property
    def days(self) -> tuple[dt.date, dt.date] | None:
        if not self.marks:
            return None
        dates = [row.date for row, _child in self.marks]
        return min(dates), max(dates)


def check_import(school: Organisation, content: str, *, pupils: Any) -> CheckedImport:
    """Check every line: shape (`parse_csv`), then the pupil (on the school's
    roll that day, and visible to the user: `pupils` is their list) and the
    day (a school day for a mark that counts)."""
    parsed = parse_csv(content)
    errors = list(parsed.errors)
    rows = parsed.rows
    upns = {r.upn for r in rows if r.upn}
    ids = {r.la_child_id for r in rows if r.la_child_id}
    found = list(pupils.filter(Q(upn__in=upns) | Q(la_child_id__in=ids))) if rows else []
    by_upn = {p.upn.upper(): p for p in found if p.upn}
    by_id = {p.la_child_id: p for p in found if p.la_child_id}
    enrolments: dict[int, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    for child_id, start, end in Enrolment.objects.filter(school=school, child__in=found).values_list(
        "child_id", "started_on", "ended_on"
    ):
        enrolments[child_id].append((start, end))
    calendar = school_calendar(school)
    codes = attendance_codes()
    marks: list[tuple[ParsedRow, Person]] = []
    for row in rows:
        child = by_upn.get(row.upn) if row.upn else None
        by_other = by_id.get(row.la_child_id) if row.la_child_id else None
        if row.upn and child is None:
            errors.append((row.line, f"No pupil of {school.name} has the UPN {row.upn[:13]}"))
            continue
        if row.la_child_id and by_other is None:
            errors.append((row.line, f"No pupil of {school.name} has the LA child ID {row.la_child_id[:20]}"))
            continue
        if child is not None and by_other is not None and child.pk != by_other.pk:
            errors.append((row.line, "The UPN and the LA child ID name different pupils"))
            continue
        child = child or by_other
        assert child is not None
        if not any(start <= row.date and (end is None or end > row.date) for start, end in enrolments[child.pk]):
            errors.append((row.line, f"{child.full_name} was not on the roll of {school.name} on {row.date:%d/%m/%Y}"))
            continue
        if codes[row.code].possible:
            if not calendar.terms:
                errors.append((row.line, f"No term dates are recorded for {school.name}: add the terms first"))
                continue
            reason = calendar.why_closed(row.date)
            if reason:
                errors.append((row.line, f"{row.date:%d/%m/%Y} is not a school day at {school.name} ({reason})"))
                continue
        marks.append((row, child))
    errors.sort()
    return CheckedImport(marks=marks, errors=errors)


def do_preview_import(
    school: Organisation, *, actor: User, content: str, filename: str = "", pupils: Any, keep: bool = True
) -> tuple[AttendanceImport | None, CheckedImport]:
    """Check a file; keep it for confirmation only if every line is right
    (and `keep`: a dry run through the API keeps nothing)."""
    checked = check_import(school, content, pupils=pupils)
    if checked.errors or not keep:
        return None, checked
    with transaction.atomic():
        upload = AttendanceImport.objects.create(
            school=school, filename=filename[:200], content=content, rows=len(checked.marks), uploaded_by=actor
        )
        audit.record("preview", user=actor, obj=upload, detail={"rows": upload.rows, "school": school.pk})
    return upload, checked


def do_apply_import(upload: AttendanceImport, *, actor: User, pupils: Any) -> int:
    """Write a previewed file's marks (checked again: the roll may have
    changed since).  All or nothing.  Returns the number of marks."""
    with transaction.atomic():
        locked = AttendanceImport.objects.select_for_update().get(pk=upload.pk)
        if locked.status != AttendanceImport.Status.PREVIEWED:
            raise ValidationError("This file has already been imported")
        checked = check_import(locked.school, locked.content, pupils=pupils)
        if checked.errors:
            raise ValidationError([f"Line {line}: {message}" for line, message in checked.errors[:50]])
        written = _write_marks(locked.school, checked.marks, actor=actor, source=locked)
        locked.status = AttendanceImport.Status.APPLIED
        locked.applied_at = _now()
        locked.save(update_fields=["status", "applied_at"])
        audit.record("import", user=actor, obj=locked, detail={"marks": written, "school": locked.school_id})
    return written


def do_record_mark(
    school: Organisation, child: Person, *, actor: User, day: dt.date, session: str, code: str, pupils: Any
) -> AttendanceMark:
    """One mark entered by hand, checked as an imported line would be."""
    ident = f"{child.upn},{child.la_child_id}" if (child.upn or child.la_child_id) else ""
    if not ident:
        raise ValidationError({"child": "The pupil has no UPN or LA child ID: add one to their record first"})
    content = f"upn,la_child_id,date,session,mark\n{ident},{day.isoformat()},{session},{code}\n"
    checked = check_import(school, content, pupils=pupils.filter(pk=child.pk))
    if checked.errors:
        raise ValidationError([message for _line, message in checked.errors])
    with transaction.atomic():
        _write_marks(school, checked.marks, actor=actor, source=None)
        mark = AttendanceMark.objects.get(school=school, child=child, date=day, session=session)
        audit.record("create", user=actor, obj=mark, child_id=child.pk)
    return mark


def _write_marks(
    school: Organisation, marks: list[tuple[ParsedRow, Person]], *, actor: User, source: AttendanceImport | None
) -> int:
    """Insert or correct marks, then look for runs of unexplained absence."""
    existing = {
        (m.child_id, m.date, m.session): m
        for m in AttendanceMark.objects.filter(
            school=school, child__in={c.pk for _r, c in marks}, date__in={r.date for r, _c in marks}
        )
    }
    create: list[AttendanceMark] = []
    update: list[AttendanceMark] = []
    now = _now()
    for row, child in marks:
        current = existing.get((child.pk, row.date, row.session))
        if current is None:
            create.append(
                AttendanceMark(
                    school=school,
                    child=child,
                    date=row.date,
                    session=row.session,
                    code=row.code,
                    source=source,
                    recorded_by=actor,
                    recorded_at=now,
                )
            )
        elif current.code != row.code:
            current.code, current.source, current.recorded_by, current.recorded_at = row.code, source, actor, now
            update.append(current)
    AttendanceMark.objects.bulk_create(create, batch_size=1000)
    AttendanceMark.objects.bulk_update(update, ["code", "source", "recorded_by", "recorded_at"], batch_size=1000)
    children = {child.pk: child for _row, child in marks}
    check_absence(school, list(children.values()), actor=actor)
    return len(create) + len(update)


def check_absence(school: Organisation, children: list[Person], *, actor: User | None) -> list[AbsenceNotification]:
    """Open a notification task for each run of 10 school days of
    unexplained absence not already known; extend a known run."""
    if not children:
        return []
    calendar = school_calendar(school)
    by_child: dict[int, list[tuple[dt.date, str]]] = defaultdict(list)
    for child_id, day, code in AttendanceMark.objects.filter(school=school, child__in=children).values_list(
        "child_id", "date", "code"
    ):
        by_child[child_id].append((day, code))
    created: list[AbsenceNotification] = []
    for child in children:
        for run in unexplained_runs(by_child.get(child.pk, []), calendar):
            known = AbsenceNotification.objects.filter(school=school, child=child, first_day=run.first_day).first()
            if known is not None:
                if known.last_day != run.last_day:
                    known.last_day, known.school_days = run.last_day, run.school_days
                    known.save(update_fields=["last_day", "school_days"])
                continue
            created.append(_open_notification(school, child, run, actor=actor))
    return created


def _open_notification(school: Organisation, child: Person, run: Any, *, actor: User | None) -> AbsenceNotification:
    from openics.timescales.actions import do_create_deadline

    task = AbsenceNotification.objects.create(
        school=school,
        child=child,
        first_day=run.first_day,
        last_day=run.last_day,
        school_days=run.school_days,
        due_on=run.tenth_day,
    )
    la = school.local_authority
    if la is not None:
        try:
            deadline = do_create_deadline(
                child,
                rule_id="school-absence-notify",
                trigger_date=run.first_day,
                organisation=la,
                acting_user=actor,
                source_type="schools.absencenotification",
                source_id=str(task.pk),
                school_id=school.pk,
                part=Part.SCHOOL_SAFEGUARDING,
            )
        except TimescaleError:
            # The authority's profile has no such rule: the task keeps the
            # tenth day as its due date.
            deadline = None
        if deadline is not None:
            task.deadline, task.due_on = deadline, deadline.due_date
            task.save(update_fields=["deadline", "due_on"])
    audit.record("create", user=actor, obj=task, child_id=child.pk, detail={"first_day": run.first_day.isoformat()})
    link = reverse("school-absence-notification", args=[school.pk, task.pk])
    for lead in school_leads(school, (Role.DSL, Role.DEPUTY_DSL, Role.HEADTEACHER)):
        notify(
            lead,
            f"{child.display_name} has missed {run.school_days} school days without explanation: "
            "notify the local authority",
            link=link,
            email_subject="A pupil's absence must be reported to the local authority",
        )
    return task


def do_record_follow_up(
    school: Organisation,
    child: Person,
    *,
    actor: User,
    kind: str,
    done_by: str,
    done_on: dt.date,
    outcome: str,
) -> AbsenceFollowUp:
    if kind not in FollowUpKind.values:
        raise ValidationError({"kind": "Choose what was done"})
    done_by = _text(done_by, "done_by", "Enter who did it", 200)
    outcome = _text(outcome, "outcome", "Enter the outcome")
    _not_future(done_on, "done_on", "The date")
    with transaction.atomic():
        follow_up = AbsenceFollowUp.objects.create(
            school=school, child=child, kind=kind, done_by=done_by, done_on=done_on, outcome=outcome, recorded_by=actor
        )
        audit.record("create", user=actor, obj=follow_up, child_id=child.pk, detail={"kind": kind})
    return follow_up


def do_record_notification_made(
    task: AbsenceNotification,
    *,
    actor: User,
    notified_at: dt.datetime,
    notified_by: str,
    method: str,
    reference: str = "",
    late_reason: str = "",
) -> AbsenceNotification:
    """Record that the local authority was told: who, when, how, reference."""
    from openics.timescales.actions import do_meet_deadline

    notified_by = _text(notified_by, "notified_by", "Enter who notified the local authority", 200)
    if method not in NotificationMethod.values:
        raise ValidationError({"method": "Choose how the local authority was notified"})
    if notified_at > _now():
        raise ValidationError({"notified_at": "The time must be now or in the past"})
    day = timezone.localdate(notified_at)
    if day < task.first_day:
        raise ValidationError({"notified_at": "The date must be on or after the first day of absence"})
    late_reason = (late_reason or "").strip()
    if day > task.due_on and not late_reason:
        raise ValidationError({"late_reason": "Enter why the local authority was told after the due date"})
    with transaction.atomic():
        locked = AbsenceNotification.objects.select_for_update().get(pk=task.pk)
        if locked.notified_at is not None:
            raise ValidationError("The notification has already been recorded")
        locked.notified_at = notified_at
        locked.notified_by = notified_by
        locked.method = method
        locked.reference = (reference or "").strip()[:100]
        locked.late_reason = late_reason if day > locked.due_on else ""
        locked.recorded_by = actor
        locked.recorded_at = _now()
        locked.save()
        if locked.deadline_id is not None and locked.deadline is not None and locked.deadline.met_on is None:
            do_meet_deadline(locked.deadline, met_on=day, acting_user=actor, late_reason=late_reason or "")
        record_event(
            locked.child,
            occurred_on=day,
            kind="absence_notified",
            summary=f"Local authority told of {locked.school_days} school days of unexplained absence",
            part=Part.SCHOOL_SAFEGUARDING,
            source=locked.school.name,
            source_organisation=locked.school,
            origin=locked,
            entered_by=actor,
        )
        audit.record("notify_la", user=actor, obj=locked, child_id=locked.child_id, detail={"method": method})
    return locked


# ------------------------------------------------------------ emergency contacts


@dataclass(frozen=True)
class ContactGap:
    child: Person
    usable: int
    problems: list[str]


def contact_gaps(pupils: Any, on: dt.date | None = None) -> list[ContactGap]:
    """Pupils without two usable emergency contacts: current relationships
    with an emergency contact order, to an adult with a phone number.  Two
    queries whatever the roll."""
    from django.db.models import Prefetch

    from openics.core.models import Relationship

    on = on or _today()
    contacts = (
        Relationship.objects.filter(emergency_contact_order__isnull=False)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))
        .select_related("person")
        .order_by("emergency_contact_order", "pk")
    )
    gaps: list[ContactGap] = []
    for child in pupils.prefetch_related(Prefetch("relationships", queryset=contacts, to_attr="emergency")):
        problems: list[str] = []
        usable = 0
        orders: set[int] = set()
        for rel in child.emergency:
            name = rel.person.full_name
            if rel.person.date_of_death:
                problems.append(f"{name} has died")
            elif not rel.person.phone.strip():
                problems.append(f"{name} has no phone number")
            else:
                usable += 1
            if rel.emergency_contact_order in orders:
                problems.append(f"Two contacts are number {rel.emergency_contact_order}")
            orders.add(rel.emergency_contact_order)
        if usable < 2:
            problems.insert(0, "No emergency contact" if not child.emergency else f"{usable} usable of the 2 needed")
            gaps.append(ContactGap(child, usable, problems))
    return gaps


# ------------------------------------------------------------ arrangements


def _governor_at(user: User | None, school: Organisation, field: str) -> None:
    if user is None:
        return
    today = _today()
    holds = (
        RoleAssignment.objects.filter(user=user, organisation=school, role=Role.GOVERNOR, started_on__lte=today)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
        .exists()
    )
    if not holds or not user.is_active:
        raise ValidationError({field: f"{user} is not a governor of {school.name}"})


def do_set_arrangements(
    school: Organisation,
    *,
    actor: User,
    safeguarding_governor: User | None,
    chair_of_governors: User | None,
    policy_adopted_on: dt.date | None,
    policy_review_on: dt.date | None,
    lado_phone: str = "",
    hub_phone: str = "",
) -> SchoolArrangements:
    _governor_at(safeguarding_governor, school, "safeguarding_governor")
    _governor_at(chair_of_governors, school, "chair_of_governors")
    if policy_adopted_on and policy_review_on and policy_review_on < policy_adopted_on:
        raise ValidationError({"policy_review_on": "The review date must be after the date the policy was adopted"})
    with transaction.atomic():
        current, _created = SchoolArrangements.objects.select_for_update().get_or_create(school=school)
        current.safeguarding_governor = safeguarding_governor
        current.chair_of_governors = chair_of_governors
        current.policy_adopted_on = policy_adopted_on
        current.policy_review_on = policy_review_on
        current.lado_phone = (lado_phone or "").strip()[:30]
        current.hub_phone = (hub_phone or "").strip()[:30]
        current.version += 0 if _created else 1
        current.updated_by = actor
        current.updated_at = _now()
        current.save()
        audit.record("update", user=actor, obj=current, detail={"school": school.pk})
    return current


# ------------------------------------------------------------ allegations


def lado_due(school: Organisation, received_on: dt.date) -> tuple[dt.date, str]:
    """One working day from the allegation being received, by the authority's
    rule `lado-referral` (with its local override), or one working day on its
    calendar when its profile has no such rule."""
    la = school.local_authority
    setup = setup_for(la)
    calendar = calendar_for(setup.nation, setup.organisation_id)
    try:
        rule, _overridden = rule_for(setup, "lado-referral")
    except TimescaleError:
        return calendar.add_working_days(received_on, 1), "1 working day (no lado-referral rule in the profile)"
    from openics.timescales.deadlines import due_date

    count = due_date(rule, received_on, calendar=calendar)
    return count.due, f"{setup.profile.name} {setup.profile.version}: {rule.id} ({rule.describe()})"


def lados_for(school: Organisation) -> list[User]:
    if school.local_authority_id is None:
        return []
    return school_leads(school.local_authority, (Role.LADO,))  # type: ignore[arg-type]


def do_record_allegation(
    school: Organisation,
    *,
    actor: User,
    about_name: str,
    about_user: User | None = None,
    about_role: str = "",
    concerns_head: bool = False,
    what: str,
    occurred_on: dt.date | None = None,
    reported_by: str,
    received_at: dt.datetime,
) -> Allegation:
    from .access import arrangements_for, school_roles

    about_name = _text(about_name, "about_name", "Enter the name of the person the allegation is about", 200)
    what = _text(what, "what", "Enter what is alleged")
    reported_by = _text(reported_by, "reported_by", "Enter who reported the allegation", 200)
    _not_future(occurred_on, "occurred_on", "The date of the incident")
    if received_at > _now():
        raise ValidationError({"received_at": "The time it was received must be now or in the past"})
    if about_user is not None:
        if about_user.pk == actor.pk:
            raise ValidationError({"about_user": "You cannot record an allegation about yourself"})
        if Role.HEADTEACHER in school_roles(about_user, school.pk):
            concerns_head = True
    actor_roles = school_roles(actor, school.pk)
    arrangements = arrangements_for(school)
    chair = arrangements.chair_of_governors if arrangements else None
    if concerns_head and Role.HEADTEACHER in actor_roles:
        raise ValidationError(
            {"concerns_head": "An allegation about the headteacher goes to the chair of governors, not to you"}
        )
    due, rule = lado_due(school, timezone.localdate(received_at))
    with transaction.atomic():
        allegation = Allegation.objects.create(
            school=school,
            about_name=about_name,
            about_user=about_user,
            about_role=(about_role or "").strip()[:200],
            concerns_head=concerns_head,
            what=what,
            occurred_on=occurred_on,
            reported_by=reported_by,
            received_at=received_at,
            recorded_by=actor,
            lado_due_on=due,
            lado_rule=rule[:100],
        )
        # Whoever records it may follow it (a LADO, a chair), unless it is
        # about them.
        AllegationParticipant.objects.create(allegation=allegation, user=actor, added_by=actor)
        link = reverse("allegation-detail", args=[allegation.pk])
        told = {actor.pk}
        recipients = lados_for(school)
        if concerns_head and chair is not None:
            recipients.append(chair)
        for person in recipients:
            if person.pk in told or person.pk == (about_user.pk if about_user else None):
                continue
            told.add(person.pk)
            # The alert names neither the member of staff nor the school.
            notify(
                person,
                "An allegation against a member of staff has been recorded",
                link=link,
                email_subject="An allegation against a member of staff",
            )
        audit.record("create", user=actor, obj=allegation, detail={"school": school.pk})
    return allegation


def do_record_lado_informed(
    allegation: Allegation,
    *,
    actor: User,
    informed_at: dt.datetime,
    lado_name: str,
    reference: str = "",
    late_reason: str = "",
) -> Allegation:
    lado_name = _text(lado_name, "lado_name", "Enter the name of the LADO you spoke to", 200)
    if informed_at > _now():
        raise ValidationError({"informed_at": "The time must be now or in the past"})
    if informed_at < allegation.received_at - dt.timedelta(days=1):
        raise ValidationError({"informed_at": "The LADO cannot have been told before the allegation was received"})
    late = timezone.localdate(informed_at) > allegation.lado_due_on
    late_reason = (late_reason or "").strip()
    if late and not late_reason:
        raise ValidationError({"late_reason": "Enter why the LADO was told after one working day"})
    with transaction.atomic():
        locked = Allegation.objects.select_for_update().get(pk=allegation.pk)
        if locked.lado_informed_at is not None:
            raise ValidationError("The LADO has already been recorded as informed")
        locked.lado_informed_at = informed_at
        locked.lado_name = lado_name
        locked.lado_reference = (reference or "").strip()[:100]
        locked.lado_late_reason = late_reason if late else ""
        locked.save(update_fields=["lado_informed_at", "lado_name", "lado_reference", "lado_late_reason"])
        audit.record("lado_informed", user=actor, obj=locked, detail={"late": late})
    return locked


def do_add_allegation_entry(allegation: Allegation, *, actor: User, kind: str, text: str) -> AllegationEntry:
    if kind not in AllegationEntryKind.values:
        raise ValidationError({"kind": "Choose advice, action or note"})
    text = _text(text, "text", "Enter the advice, action or note")
    with transaction.atomic():
        entry = AllegationEntry.objects.create(allegation=allegation, kind=kind, text=text, added_by=actor)
        audit.record("add_entry", user=actor, obj=allegation, detail={"kind": kind, "entry": entry.pk})
    return entry


def do_add_participant(allegation: Allegation, *, actor: User, user: User) -> AllegationParticipant:
    if not user.is_active:
        raise ValidationError({"user": "Choose someone whose account is active"})
    if allegation.about_user_id == user.pk:
        raise ValidationError({"user": "The person the allegation is about cannot take part in handling it"})
    with transaction.atomic():
        participant, created = AllegationParticipant.objects.get_or_create(
            allegation=allegation, user=user, defaults={"added_by": actor}
        )
        if created:
            notify(
                user,
                "You have been named in the handling of an allegation against a member of staff",
                link=reverse("allegation-detail", args=[allegation.pk]),
                email_subject="You have been named in the handling of an allegation",
            )
        audit.record("add_participant", user=actor, obj=allegation, detail={"participant": user.pk})
    return participant


def do_record_outcome(
    allegation: Allegation, *, actor: User, outcome: str, outcome_on: dt.date, note: str = ""
) -> Allegation:
    if outcome not in AllegationOutcome.values:
        raise ValidationError({"outcome": "Choose the outcome"})
    _not_future(outcome_on, "outcome_on", "The date of the outcome")
    if outcome_on < timezone.localdate(allegation.received_at):
        raise ValidationError({"outcome_on": "The outcome must be on or after the day the allegation was received"})
    with transaction.atomic():
        locked = Allegation.objects.select_for_update().get(pk=allegation.pk)
        if locked.outcome:
            raise ValidationError("An outcome is already recorded")
        locked.outcome, locked.outcome_on = outcome, outcome_on
        locked.outcome_note = (note or "").strip()[:MAX_TEXT]
        locked.outcome_recorded_by = actor
        locked.save(update_fields=["outcome", "outcome_on", "outcome_note", "outcome_recorded_by"])
        audit.record("outcome", user=actor, obj=locked, detail={"outcome": outcome})
    return locked


# ------------------------------------------------------------ training

# Requirements (from the policy and KCSIE): everyone at induction and an
# update at least every 12 months; the DSL and deputies Level 3 at least
# every 24 months.  The months come from the authority's timescale rules
# (`staff-safeguarding-update`, `dsl-training`), with local overrides.
REQUIREMENTS = {
    "induction": "Safeguarding induction",
    "update": "Safeguarding update (at least annual)",
    "level_3": "Level 3 training (at least every two years)",
}
RULES = {"update": ("staff-safeguarding-update", 12), "level_3": ("dsl-training", 24)}
DUE_SOON_DAYS = 30
TRAINED_ROLES = (Role.DSL, Role.DEPUTY_DSL, Role.HEADTEACHER, Role.SENCO, Role.SCHOOL_STAFF, Role.GOVERNOR)


@dataclass(frozen=True)
class RequirementStatus:
    code: str
    label: str
    last_on: dt.date | None
    due_on: dt.date
    state: str  # "ok", "due_soon", "overdue"


@dataclass(frozen=True)
class MemberTraining:
    user: User
    roles: list[str]
    requirements: list[RequirementStatus]

    @property
    def overdue(self) -> list[RequirementStatus]:
        return [r for r in self.requirements if r.state == "overdue"]

    @property
    def compliant(self) -> bool:
        return not self.overdue


def _due_after(la: Organisation | None, requirement: str) -> Callable[[dt.date], dt.date]:
    rule_id, months = RULES[requirement]
    try:
        setup = setup_for(la)
        rule, _ = rule_for(setup, rule_id)
        if rule.unit == "months":
            months = rule.offset
    except TimescaleError:
        pass
    return lambda day: add_months(day, months)


def training_status(school: Organisation, on: dt.date | None = None) -> list[MemberTraining]:
    """Every current member of staff and governor with their requirements.
    A fixed number of queries whatever the size of the school."""
    on = on or _today()
    assignments = list(
        RoleAssignment.objects.filter(
            organisation=school, role__in=TRAINED_ROLES, started_on__lte=on, user__is_active=True
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user_id")
    )
    members: dict[int, tuple[User, list[str], dt.date]] = {}
    for a in assignments:
        user, roles, since = members.get(a.user_id, (a.user, [], a.started_on))
        roles.append(a.role)
        members[a.user_id] = (user, roles, min(since, a.started_on))
    last: dict[tuple[int, str], dt.date] = {}
    for person_id, level, completed in TrainingRecord.objects.filter(
        school=school, person_id__in=list(members), completed_on__lte=on
    ).values_list("person_id", "level", "completed_on"):
        # Any safeguarding training counts as induction and as an update;
        # only Level 3 counts as Level 3.
        for requirement in ("induction", "update", *(("level_3",) if level == TrainingLevel.LEVEL_3 else ())):
            key = (person_id, requirement)
            if key not in last or completed > last[key]:
                last[key] = completed
    due_after = {code: _due_after(school.local_authority, code) for code in RULES}
    result: list[MemberTraining] = []
    for user_id, (user, roles, since) in members.items():
        needed = ["induction", "update"]
        if Role.DSL in roles or Role.DEPUTY_DSL in roles:
            needed.append("level_3")
        statuses = []
        for code in needed:
            done = last.get((user_id, code))
            if code == "induction":
                due = done or since
                state = "ok" if done else "overdue"
            else:
                due = due_after[code](done) if done else since
                state = (
                    "overdue"
                    if on > due or done is None
                    else ("due_soon" if (due - on).days <= DUE_SOON_DAYS else "ok")
                )
            statuses.append(RequirementStatus(code, REQUIREMENTS[code], done, due, state))
        result.append(MemberTraining(user, roles, statuses))
    return result


def do_record_training(
    school: Organisation,
    *,
    actor: User,
    person: User,
    course: str,
    level: str,
    completed_on: dt.date,
) -> TrainingRecord:
    from .access import school_roles

    if not set(school_roles(person, school.pk)) & set(TRAINED_ROLES):
        raise ValidationError({"person": f"{person} is not on the staff or governing body of {school.name}"})
    course = _text(course, "course", "Enter the name of the course", 200)
    if level not in TrainingLevel.values:
        raise ValidationError({"level": "Choose the level of the training"})
    _not_future(completed_on, "completed_on", "The date the training was completed")
    with transaction.atomic():
        record = TrainingRecord.objects.create(
            school=school, person=person, course=course, level=level, completed_on=completed_on, recorded_by=actor
        )
        audit.record("create", user=actor, obj=record, detail={"school": school.pk, "person": person.pk})
    return record


def do_send_training_reminders(*, today: dt.date | None = None) -> int:
    """Alert each member of staff or governor whose training is overdue or
    due soon (in-app and email through the outbox), once per requirement,
    due date and state; overdue ones are also told to the school's DSL."""
    from openics.core.models import OrganisationKind

    today = today or _today()
    sent = 0
    schools = Organisation.objects.filter(
        kind=OrganisationKind.SCHOOL, role_assignments__role__in=TRAINED_ROLES
    ).distinct()
    for school in schools.select_related("local_authority"):
        dsls = school_leads(school, (Role.DSL,))
        for member in training_status(school, today):
            for req in member.requirements:
                if req.state == "ok":
                    continue
                with transaction.atomic():
                    _reminder, created = TrainingReminder.objects.get_or_create(
                        school=school, person=member.user, requirement=req.code, due_on=req.due_on, state=req.state
                    )
                    if not created:
                        continue
                    link = reverse("school-training", args=[school.pk])
                    words = "is overdue" if req.state == "overdue" else f"is due by {req.due_on:%-d %B %Y}"
                    notify(
                        member.user,
                        f"Your {req.label.lower()} {words}",
                        link=link,
                        email_subject="Safeguarding training " + ("overdue" if req.state == "overdue" else "due"),
                    )
                    if req.state == "overdue":
                        for dsl in dsls:
                            if dsl.pk != member.user.pk:
                                notify(dsl, f"{member.user}'s {req.label.lower()} is overdue", link=link)
                    audit.record(
                        "remind",
                        object_type="schools.trainingreminder",
                        object_id=str(_reminder.pk),
                        detail={"requirement": req.code, "state": req.state},
                    )
                sent += 1
    return sent
