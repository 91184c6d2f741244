"""Every write to meetings, their participants, records and copies.

`do_*` functions assume the caller checked access to the child (through
`access_child` with the meeting's part, for writing) and to any sibling the
meeting concerns.  Emails (invitations with an .ics, copies of the record)
are written to the outbox in the same transaction as the change, so a
failed action sends nothing.  Bad input raises `ValidationError` keyed by
field; a step the meeting's state forbids raises `MeetingRefused`.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from openics.core import audit
from openics.core.actions import _lock_current
from openics.core.chronology import record_event
from openics.core.models import OutboxMessage, Person, User
from openics.records.actions import RecordRefused

from . import ics
from .models import (
    KIND_PART,
    REVIEW_KINDS,
    AgencyReport,
    Attendance,
    ChildParticipation,
    DeliveryMethod,
    Distribution,
    Meeting,
    MeetingAction,
    MeetingStatus,
    Participant,
    ParticipantKind,
)

ICS_TYPE = "text/calendar; method={method}; charset=UTF-8"


class MeetingRefused(RecordRefused):
    """A step the meeting's state does not allow; `message` says why."""


def _check_times(starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": "The meeting must end after it starts"})


def _check_plan(child: Person, plan: Any) -> None:
    if plan is not None and plan.child_id != child.pk:
        raise ValidationError({"plan": "Choose a plan of this child"})


def _bump(meeting: Meeting, fields: list[str]) -> None:
    meeting.version = F("version") + 1  # type: ignore[assignment]
    meeting.save(update_fields=[*fields, "version"])
    meeting.refresh_from_db(fields=["version"])


def _open(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.CANCELLED:
        raise MeetingRefused("This meeting was cancelled.", status=409)


# ---------------------------------------------------------------- meetings


def do_plan_meeting(
    child: Person,
    *,
    actor: User,
    kind: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place: str,
    mode: str = "in_person",
    chair: User | None = None,
    plan: Any = None,
    title: str = "",
    other_children: Sequence[Person] = (),
) -> Meeting:
    """A planned meeting; siblings in `other_children` must have been checked."""
    _check_times(starts_at, ends_at)
    _check_plan(child, plan)
    if not place.strip():
        raise ValidationError({"place": "Enter where the meeting is, or the call's details"})
    with transaction.atomic():
        meeting = Meeting.objects.create(
            child=child,
            kind=kind,
            part=KIND_PART[kind],
            plan=plan,
            title=title,
            starts_at=starts_at,
            ends_at=ends_at,
            mode=mode,
            place=place,
            chair=chair,
            created_by=actor,
        )
        others = [c for c in other_children if c.pk != child.pk]
        if others:
            meeting.other_children.set(others)
        if chair is not None:
            Participant.objects.create(meeting=meeting, user=chair, role="Chair")
        audit.record(
            "create",
            user=actor,
            obj=meeting,
            child_id=child.pk,
            detail={"kind": kind, "other_children": [c.pk for c in others]},
        )
    return meeting


def do_update_meeting(
    meeting: Meeting,
    *,
    actor: User,
    expected_version: int | None,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place: str,
    mode: str,
    chair: User | None,
    title: str = "",
) -> Meeting:
    """Change when, where or who chairs.  A change invitees must hear about
    raises SEQUENCE and sends everyone already invited an updated .ics."""
    _check_times(starts_at, ends_at)
    with transaction.atomic():
        current: Meeting = _lock_current(Meeting, meeting.pk, expected_version)
        _open(current)
        if current.status == MeetingStatus.HELD:
            raise MeetingRefused("This meeting has been held: its time and place are part of the record.", status=409)
        changes = {
            "starts_at": starts_at,
            "ends_at": ends_at,
            "place": place,
            "mode": mode,
            "chair_id": chair.pk if chair else None,
            "title": title,
        }
        changed = [name for name, value in changes.items() if getattr(current, name) != value]
        if not changed:
            return current
        for name in changed:
            setattr(current, name, changes[name])
        notify = {"starts_at", "ends_at", "place", "mode"} & set(changed)
        fields = [name.removesuffix("_id") if name == "chair_id" else name for name in changed]
        if notify:
            current.sequence += 1
            fields.append("sequence")
        _bump(current, fields)
        if chair is not None and not current.participants.filter(user=chair).exists():
            Participant.objects.create(meeting=current, user=chair, role="Chair")
        sent = 0
        if notify:
            already = current.participants.filter(invited_at__isnull=False).select_related("user")
            sent = _send_invitations(current, list(already), updated=True)
        audit.record(
            "update",
            user=actor,
            obj=current,
            child_id=current.child_id,
            detail={"fields": sorted(fields), "updated_invitations": sent},
        )
    return current


def do_cancel_meeting(meeting: Meeting, *, actor: User, reason: str) -> Meeting:
    """Cancel with a reason; everyone invited gets METHOD:CANCEL (the reason stays out of the email)."""
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the meeting is cancelled"})
    with transaction.atomic():
        current: Meeting = _lock_current(Meeting, meeting.pk, None)
        _open(current)
        if current.status == MeetingStatus.HELD:
            raise MeetingRefused("This meeting has been held and cannot be cancelled.", status=409)
        current.status = MeetingStatus.CANCELLED
        current.cancel_reason = reason.strip()
        current.sequence += 1
        _bump(current, ["status", "cancel_reason", "sequence"])
        invited = list(current.participants.filter(invited_at__isnull=False).select_related("user"))
        sent = _send_invitations(current, invited, cancel=True)
        record_event(
            current.child,
            occurred_on=timezone.localdate(),
            kind="meeting_cancelled",
            summary=f"{current.get_kind_display()} cancelled",
            part=current.part,
            origin=current,
            entered_by=actor,
        )
        audit.record("cancel", user=actor, obj=current, child_id=current.child_id, detail={"cancellations": sent})
    return current


# ---------------------------------------------------------------- participants


def do_add_participant(
    meeting: Meeting,
    *,
    actor: User,
    user: User | None = None,
    name: str = "",
    email: str = "",
    kind: str = ParticipantKind.PROFESSIONAL,
    agency: str = "",
    role: str = "",
    supporting: Participant | None = None,
) -> Participant:
    if user is None and not name.strip():
        raise ValidationError({"name": "Choose a member of staff or enter the person's name"})
    if supporting is not None and supporting.meeting_id != meeting.pk:
        raise ValidationError({"supporting": "Choose someone invited to this meeting"})
    if kind == ParticipantKind.SUPPORTER and supporting is None:
        raise ValidationError({"supporting": "Choose the parent or carer this person supports"})
    with transaction.atomic():
        _open(Meeting.objects.select_for_update().get(pk=meeting.pk))
        if user is not None and meeting.participants.filter(user=user).exists():
            raise ValidationError({"user": f"{user} is already on the list"})
        participant = Participant.objects.create(
            meeting=meeting,
            user=user,
            name=name.strip(),
            email=email.strip(),
            kind=kind,
            agency=agency.strip() or (str(user.organisation) if user and user.organisation_id else ""),
            role=role.strip(),
            supporting=supporting,
        )
        # The participant's name is personal data: the audit names the row only.
        audit.record("add_participant", user=actor, obj=participant, child_id=meeting.child_id)
    return participant


def do_remove_participant(participant: Participant, *, actor: User) -> None:
    """Take someone off the list; if they were invited, their calendar entry is cancelled."""
    with transaction.atomic():
        meeting: Meeting = Meeting.objects.select_for_update().get(pk=participant.meeting_id)
        _open(meeting)
        if participant.invited_at is not None:
            _send_invitations(meeting, [participant], withdrawn=True)
        audit.record("remove_participant", user=actor, obj=participant, child_id=meeting.child_id)
        participant.delete()


def _invitation_body(meeting: Meeting, *, updated: bool, cancel: bool, withdrawn: bool = False) -> str:
    # Only what an invitee needs: no reasons, categories or case details.
    when = timezone.localtime(meeting.starts_at)
    if withdrawn:
        first = "You no longer need to attend this meeting."
    elif cancel:
        first = "This meeting has been cancelled."
    elif updated:
        first = "The details of this meeting have changed."
    else:
        first = "You are invited to this meeting."
    return (
        f"{first}\n\n"
        f"Meeting: {ics.summary(meeting)}\n"
        f"When: {when:%A %-d %B %Y, %H:%M}\n"
        f"Where: {ics.location(meeting)}\n\n"
        "The attached calendar file adds it to your calendar.\n"
    )


def _send_invitations(
    meeting: Meeting,
    participants: Iterable[Participant],
    *,
    updated: bool = False,
    cancel: bool = False,
    withdrawn: bool = False,
) -> int:
    """Outbox rows with an .ics for each participant with an address; one
    attendee per file, so nobody learns who else is invited."""
    cancel = cancel or withdrawn
    method = "CANCEL" if cancel else "REQUEST"
    now = timezone.now()
    prefix = (
        "Invitation withdrawn"
        if withdrawn
        else "Cancelled"
        if cancel
        else "Updated invitation"
        if updated
        else "Invitation"
    )
    subject = f"{prefix}: {ics.summary(meeting)}"[:200]
    body = _invitation_body(meeting, updated=updated, cancel=cancel, withdrawn=withdrawn)
    sent = 0
    for participant in participants:
        address = participant.address
        if not address:
            continue
        OutboxMessage.objects.create(
            to=address,
            subject=subject,
            body=body,
            attachments=[
                {
                    "filename": "invite.ics",
                    "content_type": ICS_TYPE.format(method=method),
                    "content": ics.build(meeting, attendees=[participant], method=method, now=now),
                }
            ],
        )
        participant.invited_at = now
        participant.invited_sequence = meeting.sequence
        participant.save(update_fields=["invited_at", "invited_sequence"])
        sent += 1
    return sent


def do_send_invitations(meeting: Meeting, *, actor: User, participant_ids: Iterable[int]) -> tuple[int, list[str]]:
    """Invite the chosen participants: (emails queued, names without an address)."""
    ids = {int(i) for i in participant_ids}
    if not ids:
        raise ValidationError({"participants": "Choose who to invite"})
    with transaction.atomic():
        current: Meeting = _lock_current(Meeting, meeting.pk, None)
        _open(current)
        if current.status == MeetingStatus.HELD:
            raise MeetingRefused("This meeting has been held.", status=409)
        chosen = list(current.participants.filter(pk__in=ids).select_related("user"))
        if len(chosen) != len(ids):
            raise ValidationError({"participants": "Choose people on this meeting's list"})
        sent = _send_invitations(current, chosen)
        no_address = [p.display_name for p in chosen if not p.address]
        audit.record(
            "invite",
            user=actor,
            obj=current,
            child_id=current.child_id,
            detail={"participants": sorted(ids), "emails": sent, "sequence": current.sequence},
        )
    return sent, no_address


# ---------------------------------------------------------------- the record


def do_record_outcome(
    meeting: Meeting,
    *,
    actor: User,
    expected_version: int | None,
    attendance: Mapping[int, str],
    child_participation: str,
    child_participation_note: str = "",
    child_views: str = "",
    minutes: str = "",
    decisions: str = "",
    actions: Sequence[Mapping[str, Any]] = (),
    reports: Sequence[Mapping[str, Any]] = (),
) -> Meeting:
    """Record who came, the child's participation, reports, minutes,
    decisions and actions; the meeting becomes held.  Saving again replaces
    the lists (the page and the API always send them whole)."""
    errors: dict[str, str] = {}
    if child_participation == ChildParticipation.NOT_INVITED and not child_participation_note.strip():
        errors["child_participation_note"] = "Enter why the child was not invited"
    if child_participation not in ChildParticipation.values:
        errors["child_participation"] = "Choose how the child took part"
    for index, row in enumerate(actions):
        if not str(row.get("what", "")).strip() or not str(row.get("who", "")).strip():
            errors[f"actions-{index}"] = "Enter what the action is and who will do it"
    for index, row in enumerate(reports):
        if not str(row.get("agency", "")).strip():
            errors[f"reports-{index}"] = "Enter the agency that submitted the report"
    for value in attendance.values():
        if value not in Attendance.values:
            errors["attendance"] = "Choose attended, apologies or did not attend"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current: Meeting = _lock_current(Meeting, meeting.pk, expected_version)
        _open(current)
        if current.starts_at > timezone.now():
            raise MeetingRefused("A meeting is recorded once it has started.", status=409)
        participants = {p.pk: p for p in current.participants.all()}
        unknown = set(attendance) - set(participants)
        if unknown:
            raise ValidationError({"attendance": "Record attendance for people on this meeting's list"})
        for pk, value in attendance.items():
            if participants[pk].attendance != value:
                participants[pk].attendance = value
                participants[pk].save(update_fields=["attendance"])
        first_time = current.status != MeetingStatus.HELD
        current.status = MeetingStatus.HELD
        current.child_participation = child_participation
        current.child_participation_note = child_participation_note.strip()
        current.child_views = child_views
        current.minutes = minutes
        current.decisions = decisions
        current.recorded_by = actor
        current.recorded_at = timezone.now()
        _bump(
            current,
            [
                "status",
                "child_participation",
                "child_participation_note",
                "child_views",
                "minutes",
                "decisions",
                "recorded_by",
                "recorded_at",
            ],
        )
        current.actions.all().delete()
        MeetingAction.objects.bulk_create(
            MeetingAction(
                meeting=current, what=str(r["what"]).strip(), who=str(r["who"]).strip(), due_on=r.get("due_on")
            )
            for r in actions
        )
        current.reports.all().delete()
        AgencyReport.objects.bulk_create(
            AgencyReport(
                meeting=current,
                agency=str(r["agency"]).strip(),
                author=str(r.get("author", "")).strip(),
                submitted_on=r.get("submitted_on"),
                summary=str(r.get("summary", "")),
            )
            for r in reports
        )
        if first_time:
            record_event(
                current.child,
                occurred_on=timezone.localdate(current.starts_at),
                kind="meeting_held",
                summary=str(current.label),
                part=current.part,
                origin=current,
                entered_by=actor,
            )
        audit.record(
            "record_outcome",
            user=actor,
            obj=current,
            child_id=current.child_id,
            detail={"actions": len(actions), "reports": len(reports)},
        )
    return current


# ---------------------------------------------------------------- copies


def do_record_distribution(
    document: models.Model,
    *,
    child: Person,
    actor: User,
    recipient: str,
    method: str = "",
    address: str = "",
    language: str = "English",
    withheld: bool = False,
    withheld_reason: str = "",
    participant: Participant | None = None,
    outbox: OutboxMessage | None = None,
) -> Distribution:
    """Record one copy given (email, post, by hand) or withheld with a reason.
    Any document: a meeting record now, a plan version later."""
    errors: dict[str, str] = {}
    if not recipient.strip():
        errors["recipient"] = "Enter who the copy is for"
    if withheld and not withheld_reason.strip():
        errors["withheld_reason"] = "Enter why the copy is withheld"
    if not withheld and method not in DeliveryMethod.values:
        errors["method"] = "Choose how the copy was given"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row = Distribution.objects.create(
            child=child,
            content_type=ContentType.objects.get_for_model(document),
            object_id=document.pk,
            recipient=recipient.strip(),
            participant=participant,
            method="" if withheld else method,
            address=address.strip(),
            language=language.strip() or "English",
            withheld=withheld,
            withheld_reason=withheld_reason.strip() if withheld else "",
            outbox=outbox,
            by=actor,
        )
        audit.record(
            "withhold_copy" if withheld else "give_copy",
            user=actor,
            obj=row,
            child_id=child.pk,
            detail={"document": f"{row.content_type.app_label}.{row.content_type.model}:{document.pk}"},
        )
    return row


def do_send_record(
    meeting: Meeting,
    *,
    actor: User,
    send_to: Iterable[int],
    withhold: Mapping[int, str] | None = None,
    language: str = "",
) -> list[Distribution]:
    """Email the record to the chosen attendees; record a withheld copy,
    with its reason, for each in `withhold`.  All or nothing."""
    send_ids = {int(i) for i in send_to}
    withhold = {int(k): v for k, v in (withhold or {}).items()}
    if not send_ids and not withhold:
        raise ValidationError({"send_to": "Choose who gets a copy of the record"})
    missing = [pk for pk, reason in withhold.items() if not reason.strip()]
    if missing:
        raise ValidationError({"withheld_reason": "Enter why the copy is withheld"})
    if send_ids & set(withhold):
        raise ValidationError({"send_to": "A copy cannot be both sent and withheld"})
    with transaction.atomic():
        current: Meeting = _lock_current(Meeting, meeting.pk, None)
        if current.status != MeetingStatus.HELD:
            raise MeetingRefused("Record the meeting before sending its record.", status=409)
        participants = {p.pk: p for p in current.participants.select_related("user")}
        if not (send_ids | set(withhold)) <= set(participants):
            raise ValidationError({"send_to": "Choose people on this meeting's list"})
        no_address = [participants[pk].display_name for pk in send_ids if not participants[pk].address]
        if no_address:
            raise ValidationError(
                {"send_to": f"No email address for {', '.join(no_address)}: record a copy by post or by hand instead"}
            )
        lang = language or current.child.first_language or "English"
        rows = []
        attachments = []
        if send_ids:
            from .pdf import print_language, record_filename, render_record_pdf

            # One PDF for everyone it is sent to, in the language of the copies.
            pdf = render_record_pdf(current, printed_by=actor, language=print_language(lang))
            attachments = [
                {
                    "filename": record_filename(current),
                    "content_type": "application/pdf",
                    "encoding": "base64",
                    "content": base64.b64encode(pdf).decode("ascii"),
                }
            ]
        for pk in sorted(send_ids):
            participant = participants[pk]
            message = OutboxMessage.objects.create(
                to=participant.address,
                subject=f"Record of meeting: {ics.summary(current)}"[:200],
                body=(
                    "The record of the meeting is attached as a PDF. It is OFFICIAL-SENSITIVE: "
                    "please keep it safe and do not forward it.\n"
                ),
                attachments=attachments,
            )
            rows.append(
                do_record_distribution(
                    current,
                    child=current.child,
                    actor=actor,
                    recipient=participant.display_name,
                    method=DeliveryMethod.EMAIL,
                    address=participant.address,
                    language=lang,
                    participant=participant,
                    outbox=message,
                )
            )
        for pk, reason in sorted(withhold.items()):
            participant = participants[pk]
            rows.append(
                do_record_distribution(
                    current,
                    child=current.child,
                    actor=actor,
                    recipient=participant.display_name,
                    withheld=True,
                    withheld_reason=reason,
                    language=lang,
                    participant=participant,
                )
            )
    return rows


def distribution_for(document: models.Model) -> models.QuerySet[Distribution]:
    return Distribution.objects.filter(
        content_type=ContentType.objects.get_for_model(document), object_id=document.pk
    ).select_related("by")


# ---------------------------------------------------------------- plan reviews held at a meeting


def check_review_meeting(meeting: Meeting, plan: Any) -> None:
    """Refuse unless `meeting` can hold the review of `plan`: a held review
    meeting about the plan's child, for this plan (or none), not yet used."""
    if meeting.child_id != plan.child_id:
        raise MeetingRefused("This meeting is about another child.", status=409)
    if meeting.kind not in REVIEW_KINDS:
        raise MeetingRefused("Only a review meeting can hold the review of a plan.", status=409)
    if meeting.part != plan.part:
        # A meeting's record opens to the readers of its part: a review held
        # there must belong to the same part (the meeting page offers only those).
        raise MeetingRefused("This meeting is in another part of the child's record than the plan.", status=409)
    if meeting.status != MeetingStatus.HELD:
        raise MeetingRefused("Record the meeting before recording the review it held.", status=409)
    if meeting.plan_id is not None and meeting.plan_id != plan.pk:
        raise MeetingRefused("This meeting was about another plan.", status=409)
    if meeting.plan_review_id is not None:
        raise MeetingRefused("The review held at this meeting is already recorded.", status=409)


def review_prefill(meeting: Meeting) -> dict[str, Any]:
    """What the plan review form starts with when recorded from `meeting`."""
    attended = [
        ", ".join(
            part
            for part in (
                p.display_name,
                p.role or ("" if p.kind == ParticipantKind.PROFESSIONAL else str(p.get_kind_display())),
                p.agency,
            )
            if part
        )
        for p in meeting.participants.select_related("user")
        if p.attendance == Attendance.ATTENDED
    ]
    return {
        "review_date": timezone.localdate(meeting.starts_at),
        "held_at": meeting.place[:200],
        "attended": "\n".join(attended),
    }


def review_meetings(plan: Any) -> models.QuerySet[Meeting]:
    """Held review meetings about the plan's child that could hold its review:
    after the day the plan started (the meeting that made it is not its review)."""
    meetings = Meeting.objects.filter(
        child_id=plan.child_id, kind__in=REVIEW_KINDS, status=MeetingStatus.HELD, plan_review__isnull=True
    ).filter(models.Q(plan=plan) | models.Q(plan__isnull=True))
    if plan.started_on:
        start = dt.datetime.combine(plan.started_on + dt.timedelta(days=1), dt.time.min)
        meetings = meetings.filter(starts_at__gte=timezone.make_aware(start))
    return meetings.order_by("-starts_at", "-pk")


def do_record_review_from_meeting(meeting: Meeting, plan: Any, *, actor: User, **review: Any) -> Any:
    """Record the review of `plan` the meeting held (the plans engine's
    `do_record_review`, same arguments) and link the meeting to it, in one
    transaction: a refused or invalid review links nothing."""
    from openics.plans.actions import do_record_review

    with transaction.atomic():
        current = Meeting.objects.select_for_update().get(pk=meeting.pk)
        check_review_meeting(current, plan)
        recorded = do_record_review(plan, actor=actor, **review)
        current.plan_review = recorded
        fields = ["plan_review"]
        if current.plan_id is None:
            current.plan = plan
            fields.append("plan")
        _bump(current, fields)
        audit.record(
            "link_plan_review",
            user=actor,
            obj=current,
            child_id=current.child_id,
            detail={"plan": plan.pk, "review": recorded.pk},
        )
    return recorded
