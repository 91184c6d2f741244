"""Transfer of a pupil's child protection file, and requests for a joiner's.

Policy (seed 003): when a pupil moves school the child protection file goes
to the new school's designated safeguarding lead, separately from the pupil
file and marked confidential; the sender obtains proof of receipt and then
destroys its copies.  A school whose new pupil's file does not arrive asks
the previous school for it.  Aim: within 5 school days of leaving.

Access is its own, narrow check: only the DSL and deputies of the sending
and receiving schools see a transfer (a refusal is the same 404 for missing
and forbidden, and is audited).  The sender may read the file it is sending
until its copy is destroyed, even after the pupil has left the roll.

`do_*` functions assume access was checked; each writes, alerts (in-app and
outbox) and audits in one transaction.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from openics.core import audit
from openics.core.access import MAX_ID
from openics.core.actions import do_end_enrolments, notify
from openics.core.chronology import record_event
from openics.core.models import ChronologyEntry, Enrolment, Organisation, OrganisationKind, Person, User
from openics.core.roles import Part

from .access import lead_school_ids
from .actions import safeguarding_leads
from .models import (
    Concern,
    ConcernAddition,
    FgmNotification,
    FileDestruction,
    FileRequest,
    FileRequestAnswer,
    FileTransfer,
    TransferMethod,
    TriageDecision,
)

TRANSFER_SCHOOL_DAYS = 5
# Dates further from today than this are typing mistakes.
DATE_WINDOW_DAYS = 366
CONFIDENTIAL = "CONFIDENTIAL: for the attention of the designated safeguarding lead only"


class TransferRefused(Exception):
    """A step this person may not take; `message` says why (403)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# ---------------------------------------------------------------- access


def _pk(value: int | str) -> int | None:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return pk if 0 < pk <= MAX_ID else None


def access_transfer(user: User, transfer_id: int | str) -> FileTransfer:
    """The transfer, for a DSL or deputy of either school; otherwise 404
    (missing or forbidden alike), the refusal audited."""
    pk = _pk(transfer_id)
    transfer = (
        FileTransfer.objects.select_related("child", "from_school", "to_school", "started_by", "received_by")
        .filter(pk=pk)
        .first()
        if pk
        else None
    )
    schools = lead_school_ids(user)
    if transfer is None or not ({transfer.from_school_id, transfer.to_school_id} & schools):
        audit.record_denial(
            "access",
            user=user,
            object_type="safeguarding.filetransfer",
            object_id=str(transfer_id)[:40],
            child_id=transfer.child_id if transfer else None,
        )
        raise Http404
    return transfer


def access_request(user: User, request_id: int | str) -> FileRequest:
    """A file request, for a DSL or deputy of the asking or the previous school."""
    pk = _pk(request_id)
    req = FileRequest.objects.select_related("child", "school", "previous_school").filter(pk=pk).first() if pk else None
    schools = lead_school_ids(user)
    if req is None or not ({req.school_id, req.previous_school_id} & schools):
        audit.record_denial(
            "access",
            user=user,
            object_type="safeguarding.filerequest",
            object_id=str(request_id)[:40],
            child_id=req.child_id if req else None,
        )
        raise Http404
    return req


def sending_school_for(user: User, child_id: int | str) -> tuple[Person, Organisation]:
    """(child, school) when the user is DSL or deputy at a school that has (or
    had) the child on roll or holds concerns about the child; else 404, audited."""
    pk = _pk(child_id)
    schools = lead_school_ids(user)
    child = Person.objects.filter(pk=pk, is_child=True).first() if pk else None
    school_id = None
    if child is not None and schools:
        held = Concern.objects.filter(child=child, school_id__in=schools).values_list("school_id", flat=True)
        rolled = Enrolment.objects.filter(child=child, school_id__in=schools).values_list("school_id", flat=True)
        school_id = min([*held, *rolled], default=None)
    if child is None or school_id is None:
        audit.record_denial(
            "access",
            user=user,
            object_type="core.person",
            object_id=str(child_id)[:40],
            child_id=pk,
            detail={"page": "cp_file_transfer"},
        )
        raise Http404
    return child, Organisation.objects.get(pk=school_id)


def transfers_for(user: User) -> Any:
    return FileTransfer.objects.for_schools(lead_school_ids(user))


def requests_for(user: User) -> Any:
    schools = lead_school_ids(user)
    return FileRequest.objects.filter(Q(school_id__in=schools) | Q(previous_school_id__in=schools))


def receiving_schools(exclude: int | None = None) -> Any:
    qs = Organisation.objects.filter(kind=OrganisationKind.SCHOOL, active=True).order_by("name")
    return qs.exclude(pk=exclude) if exclude else qs


def transfer_link(transfer: FileTransfer) -> str:
    return reverse("transfer-detail", args=[transfer.pk])


# ---------------------------------------------------------------- the deadline


def _nation(school: Organisation) -> str:
    la = school.local_authority
    return la.nation if la is not None else school.nation


def due_date(school: Organisation, left_on: dt.date) -> tuple[dt.date, str]:
    """5 school days after leaving on the school's term calendar; working days
    (the nation's bank holidays) when the school has no terms recorded."""
    from openics.timescales.calendar import calendar_for, school_calendar_for
    from openics.timescales.errors import TimescaleError

    nation = _nation(school)
    try:
        return school_calendar_for(school.pk, nation).add(left_on, TRANSFER_SCHOOL_DAYS).due, "school days"
    except TimescaleError:
        return calendar_for(nation).add(left_on, TRANSFER_SCHOOL_DAYS).due, "working days"


# ---------------------------------------------------------------- the file


def file_concerns(child: Person, school_id: int) -> Any:
    return (
        Concern.objects.filter(child=child, school_id=school_id)
        .select_related("recorded_by", "school", "fgm_notification")
        .prefetch_related("additions__added_by", "decisions__decided_by", "other_pupils")
        .order_by("recorded_at", "pk")
    )


def _concern_json(c: Concern) -> dict[str, Any]:
    fgm = getattr(c, "fgm_notification", None) if c.is_fgm else None
    return {
        "id": c.pk,
        "school": c.school.name,
        "occurred_at": c.occurred_at.isoformat(),
        "location": c.location,
        "account": c.account,
        "childs_words": c.childs_words,
        "categories": list(c.categories),
        "body_map": list(c.body_map),
        "action_taken": c.action_taken,
        "dsl_informed_verbally": c.dsl_informed_verbally,
        "fgm_known": c.fgm_known,
        "recorded_by": str(c.recorded_by),
        "recorded_at": c.recorded_at.isoformat(),
        "other_pupils_named": len(c.other_pupils.all()),
        "additions": [
            {"text": a.text, "added_by": str(a.added_by), "added_at": a.added_at.isoformat()} for a in c.additions.all()
        ],
        "decisions": [
            {
                "outcome": d.outcome,
                "level_of_need": d.level_of_need,
                "immediate_risk": d.immediate_risk,
                "hub_phoned_at": d.hub_phoned_at.isoformat() if d.hub_phoned_at else None,
                "police_informed_at": d.police_informed_at.isoformat() if d.police_informed_at else None,
                "advice_from": d.advice_from,
                "parents_informed": d.parents_informed,
                "parents_not_informed_reason": d.parents_not_informed_reason,
                "follow_up_on": d.follow_up_on.isoformat() if d.follow_up_on else None,
                "rationale": d.rationale,
                "decided_by": str(d.decided_by),
                "decided_at": d.decided_at.isoformat(),
            }
            for d in c.decisions.all()
        ],
        "fgm_notification": (
            {
                "notified_by": str(fgm.notified_by),
                "notified_at": fgm.notified_at.isoformat(),
                "police_reference": fgm.police_reference,
            }
            if fgm
            else None
        ),
    }


def package_bytes(transfer: FileTransfer, *, user: User) -> bytes:
    """The sealed export package: a ZIP holding the file as a PDF (the
    concern print layout) and the same file as JSON."""
    from django.template.loader import render_to_string
    from weasyprint import HTML

    child = transfer.child
    concerns = list(file_concerns(child, transfer.from_school_id))
    now = timezone.localtime()
    html = render_to_string(
        "safeguarding/transfer_print.html",
        {
            "transfer": transfer,
            "child": child,
            "concerns": concerns,
            "printed_at": now,
            "printed_by": user,
            "confidential": CONFIDENTIAL,
        },
    )
    pdf = HTML(string=html).write_pdf()
    data = {
        "format": "openics-cp-file-transfer",
        "version": 1,
        "marking": CONFIDENTIAL,
        "transfer": {
            "id": transfer.pk,
            "from_school": transfer.from_school.name,
            "from_school_urn": transfer.from_school.urn,
            "to_school": transfer.receiver_name,
            "left_on": transfer.left_on.isoformat(),
            "prepared_at": now.isoformat(),
            "prepared_by": str(user),
        },
        "child": {
            "id": child.pk,
            "first_name": child.first_name,
            "last_name": child.last_name,
            "date_of_birth": child.date_of_birth.isoformat() if child.date_of_birth else None,
        },
        "concerns": [_concern_json(c) for c in concerns],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "README.txt", f"{CONFIDENTIAL}\nIf this reaches you in error, return it to {transfer.from_school.name}.\n"
        )
        archive.writestr(f"cp-file-{child.pk}.pdf", pdf)
        archive.writestr(f"cp-file-{child.pk}.json", json.dumps(data, indent=2, ensure_ascii=False))
    return buffer.getvalue()


# ---------------------------------------------------------------- transfers


def do_start_transfer(
    child: Person,
    *,
    actor: User,
    from_school: Organisation,
    to_school: Organisation | None = None,
    to_school_name: str = "",
    left_on: dt.date | None,
    note: str = "",
) -> FileTransfer:
    """Send the file: to an OpenICS school's DSL (alerted), or as a package."""
    errors: dict[str, str] = {}
    to_school_name = (to_school_name or "").strip()[:200]
    if to_school is None and not to_school_name:
        errors["to_school"] = "Select the receiving school, or enter the name of a school not on OpenICS"
    if to_school is not None and (to_school.pk == from_school.pk or to_school.kind != OrganisationKind.SCHOOL):
        errors["to_school"] = "Select another school"
    if not isinstance(left_on, dt.date):
        errors["left_on"] = "Enter the date the pupil left or leaves"
    elif abs((left_on - timezone.localdate()).days) > DATE_WINDOW_DAYS:
        errors["left_on"] = "The date the pupil left or leaves must be within a year of today"
    if errors:
        raise ValidationError(errors)
    assert left_on is not None
    method = TransferMethod.OPENICS if to_school is not None else TransferMethod.PACKAGE
    with transaction.atomic():
        if FileTransfer.objects.select_for_update().filter(child=child, from_school=from_school).open().exists():
            raise ValidationError({"to_school": "This file is already being transferred"})
        due_on, unit = due_date(from_school, left_on)
        transfer = FileTransfer.objects.create(
            child=child,
            from_school=from_school,
            to_school=to_school,
            to_school_name="" if to_school else to_school_name,
            method=method,
            left_on=left_on,
            due_on=due_on,
            due_unit=unit,
            note=(note or "").strip(),
            concern_count=Concern.objects.filter(child=child, school=from_school).count(),
            started_by=actor,
        )
        if to_school is not None:
            _answer_requests_by(transfer, actor=actor)
            for lead in safeguarding_leads(to_school.pk):
                notify(
                    lead,
                    f"Confidential: a child protection file for {child.display_name} has been sent to you by "
                    f"{from_school.name}. Confirm receipt.",
                    link=transfer_link(transfer),
                    email_subject="Confidential: child protection file transferred to your school",
                )
        audit.record(
            "transfer_start",
            user=actor,
            obj=transfer,
            child_id=child.pk,
            detail={"method": method, "concerns": transfer.concern_count, "due_on": due_on.isoformat()},
        )
    return transfer


def _answer_requests_by(transfer: FileTransfer, *, actor: User) -> None:
    """The receiving school's open requests for this file are answered by
    the transfer itself, linked to it."""
    waiting = FileRequest.objects.select_for_update().filter(
        child_id=transfer.child_id,
        school_id=transfer.to_school_id,
        previous_school_id=transfer.from_school_id,
        answered_at__isnull=True,
    )
    now = timezone.now()
    for req in waiting:
        FileRequest.objects.filter(pk=req.pk).update(
            answer=FileRequestAnswer.SENT,
            answered_at=now,
            answered_by=actor,
            answer_note="Sent through OpenICS",
            transfer=transfer,
        )
        audit.record(
            "file_request_answer",
            user=actor,
            obj=req,
            child_id=req.child_id,
            detail={"answer": FileRequestAnswer.SENT, "transfer": transfer.pk},
        )


def do_mark_package_downloaded(transfer: FileTransfer, *, actor: User) -> None:
    with transaction.atomic():
        FileTransfer.objects.filter(pk=transfer.pk, package_downloaded_at__isnull=True).update(
            package_downloaded_at=timezone.now()
        )
        audit.record("export", user=actor, obj=transfer, child_id=transfer.child_id, detail={"format": "zip"})


def _destroy_senders_copy(transfer: FileTransfer, *, actor: User) -> FileDestruction:
    """Inside the receipt's transaction: the sender loses the file."""
    concerns = Concern.objects.filter(child_id=transfer.child_id, school_id=transfer.from_school_id)
    ids = list(concerns.values_list("pk", flat=True))
    counts = {
        "concerns": len(ids),
        "additions": ConcernAddition.objects.filter(concern_id__in=ids).count(),
        "decisions": TriageDecision.objects.filter(concern_id__in=ids).count(),
        "fgm_notifications": FgmNotification.objects.filter(concern_id__in=ids).count(),
    }
    now = timezone.now()
    if transfer.method == TransferMethod.OPENICS:
        # The receiving school owns the file now: the same rows, its school.
        Concern.objects.filter(pk__in=ids).update(school_id=transfer.to_school_id)
        how = f"Ownership passed to {transfer.receiver_name}"
    else:
        _delete_concerns(ids)
        how = f"Deleted after {transfer.receiver_name} confirmed receipt of the package"
    # The pupil is off the sender's roll by now: its staff lose the view.
    today = timezone.localdate()
    do_end_enrolments(
        transfer.child,
        actor=actor,
        school_id=transfer.from_school_id,
        on=min(transfer.left_on, today),
        reason="Child protection file transferred",
    )
    destruction = FileDestruction.objects.create(
        transfer=transfer,
        child_id=transfer.child_id,
        school_id=transfer.from_school_id,
        how=how[:300],
        destroyed_by=actor,
        destroyed_at=now,
        **counts,
    )
    FileTransfer.objects.filter(pk=transfer.pk).update(destroyed_at=now)
    transfer.destroyed_at = now
    # The child's chronology keeps that the file moved (never its content).
    record_event(
        transfer.child,
        occurred_on=timezone.localdate(now),
        kind="cp_file_transfer",
        summary=f"Child protection file transferred from {transfer.from_school.name} to {transfer.receiver_name}",
        part=Part.SCHOOL_SAFEGUARDING,
        source=str(actor),
        source_organisation=transfer.to_school or transfer.from_school,
        origin=transfer,
        entered_by=actor,
    )
    audit.record("destroy", user=actor, obj=transfer, child_id=transfer.child_id, detail=counts)
    return destruction


def _delete_concerns(ids: list[int]) -> None:
    """The sender's copy of a file sent as a package is destroyed: the
    database's append-only guards are lifted for these rows only."""

    def origins(model: Any, pks: Any) -> Q:
        return Q(origin_type=model._meta.label_lower, origin_id__in=[str(pk) for pk in pks])

    def delete() -> None:
        # The chronology entries the file made: the concerns', the DSL's
        # decisions' and the FGM notifications'.
        ChronologyEntry.objects.filter(
            origins(Concern, ids)
            | origins(TriageDecision, TriageDecision.objects.filter(concern_id__in=ids).values_list("pk", flat=True))
            | origins(FgmNotification, FgmNotification.objects.filter(concern_id__in=ids).values_list("pk", flat=True))
        ).delete()
        ConcernAddition.objects.filter(concern_id__in=ids).delete()
        TriageDecision.objects.filter(concern_id__in=ids).delete()
        FgmNotification.objects.filter(concern_id__in=ids).delete()
        Concern.other_pupils.through.objects.filter(concern_id__in=ids).delete()
        Concern.objects.filter(pk__in=ids).delete()

    if connection.vendor != "postgresql":
        delete()
        return
    import pgtrigger

    with pgtrigger.ignore(
        "safeguarding.Concern:concern_not_deleted",
        "safeguarding.ConcernAddition:addition_append_only",
        "safeguarding.TriageDecision:decision_append_only",
        "safeguarding.FgmNotification:fgm_notification_kept",
    ):
        delete()


def do_confirm_receipt(transfer: FileTransfer, *, actor: User) -> FileTransfer:
    """The receiving school's DSL confirms receipt: the receiver owns the
    file and the sender's copy is destroyed, in one transaction."""
    if transfer.method != TransferMethod.OPENICS or transfer.to_school_id not in lead_school_ids(actor):
        raise TransferRefused(
            "Only the designated safeguarding lead or a deputy of the receiving school confirms receipt."
        )
    with transaction.atomic():
        locked = FileTransfer.objects.select_for_update().get(pk=transfer.pk)
        if locked.received_at is not None:
            raise ValidationError({"confirm": "Receipt has already been confirmed"})
        now = timezone.now()
        FileTransfer.objects.filter(pk=transfer.pk).update(received_at=now, received_by=actor)
        transfer.received_at, transfer.received_by = now, actor
        audit.record("transfer_receipt", user=actor, obj=transfer, child_id=transfer.child_id)
        _destroy_senders_copy(transfer, actor=actor)
        for lead in safeguarding_leads(transfer.from_school_id):
            notify(
                lead,
                f"{transfer.receiver_name} confirmed receipt of the child protection file for "
                f"{transfer.child.display_name}; your copy has been destroyed.",
                link=transfer_link(transfer),
            )
    return transfer


def do_record_package_receipt(
    transfer: FileTransfer, *, actor: User, received_by_name: str, received_at: dt.datetime | None, how: str
) -> FileTransfer:
    """The sender records the receiving school's confirmation of the package
    (who there, when, how), then its own copy is destroyed."""
    if transfer.method != TransferMethod.PACKAGE or transfer.from_school_id not in lead_school_ids(actor):
        raise TransferRefused(
            "Only the designated safeguarding lead or a deputy of the sending school records receipt."
        )
    errors: dict[str, str] = {}
    received_by_name = (received_by_name or "").strip()
    how = (how or "").strip()
    if not received_by_name:
        errors["received_by_name"] = "Enter who at the receiving school confirmed receipt"
    if not isinstance(received_at, dt.datetime):
        errors["received_at"] = "Enter when receipt was confirmed"
    elif received_at > timezone.now() + dt.timedelta(minutes=5):
        errors["received_at"] = "The date and time must be now or in the past"
    elif received_at < transfer.started_at - dt.timedelta(minutes=5):
        errors["received_at"] = "Receipt cannot be before the transfer was started"
    if not how:
        errors["received_how"] = "Enter how receipt was confirmed (for example, signed slip or email)"
    if transfer.package_downloaded_at is None:
        errors.setdefault("received_how", "Download the export package before recording its receipt")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = FileTransfer.objects.select_for_update().get(pk=transfer.pk)
        if locked.received_at is not None:
            raise ValidationError({"received_by_name": "Receipt has already been recorded"})
        FileTransfer.objects.filter(pk=transfer.pk).update(
            received_at=received_at,
            received_by_name=received_by_name[:200],
            received_how=how[:200],
            receipt_recorded_by=actor,
        )
        transfer.received_at = received_at
        transfer.received_by_name, transfer.received_how = received_by_name, how
        audit.record("transfer_receipt", user=actor, obj=transfer, child_id=transfer.child_id, detail={"package": True})
        _destroy_senders_copy(transfer, actor=actor)
    return transfer


# ---------------------------------------------------------------- requests for a joiner's file


def do_request_file(
    child: Person,
    *,
    actor: User,
    school: Organisation,
    previous_school: Organisation | None = None,
    previous_school_name: str = "",
    joined_on: dt.date | None,
) -> FileRequest:
    errors: dict[str, str] = {}
    previous_school_name = (previous_school_name or "").strip()[:200]
    if previous_school is None and not previous_school_name:
        errors["previous_school"] = "Select the previous school, or enter its name if it is not on OpenICS"
    if previous_school is not None and previous_school.pk == school.pk:
        errors["previous_school"] = "Select another school"
    if not isinstance(joined_on, dt.date):
        errors["joined_on"] = "Enter the date the pupil joined"
    elif not 0 <= (timezone.localdate() - joined_on).days <= DATE_WINDOW_DAYS:
        errors["joined_on"] = "The date the pupil joined must be today or within the last year"
    if errors:
        raise ValidationError(errors)
    assert joined_on is not None
    with transaction.atomic():
        req = FileRequest.objects.create(
            child=child,
            school=school,
            previous_school=previous_school,
            previous_school_name="" if previous_school else previous_school_name,
            joined_on=joined_on,
            requested_by=actor,
        )
        _tell_previous_school(req, reminder=False)
        audit.record("file_request", user=actor, obj=req, child_id=child.pk)
    return req


def _tell_previous_school(req: FileRequest, *, reminder: bool) -> None:
    if req.previous_school_id is None:
        return
    prefix = "Reminder: " if reminder else ""
    for lead in safeguarding_leads(req.previous_school_id):
        notify(
            lead,
            f"{prefix}{req.school.name} asks for the child protection file of {req.child.display_name}, "
            f"who joined them on {req.joined_on:%d %B %Y}.",
            link=reverse("transfer-list"),
            email_subject=f"{prefix}Request for a child protection file",
        )


def do_remind_request(req: FileRequest, *, actor: User) -> FileRequest:
    if req.school_id not in lead_school_ids(actor):
        raise TransferRefused("Only the school that asked for the file sends a reminder.")
    if req.answered_at is not None:
        raise ValidationError({"answer": "The request has been answered"})
    with transaction.atomic():
        now = timezone.now()
        FileRequest.objects.filter(pk=req.pk).update(reminders=req.reminders + 1, last_reminded_at=now)
        req.reminders += 1
        req.last_reminded_at = now
        _tell_previous_school(req, reminder=True)
        audit.record("file_request_remind", user=actor, obj=req, child_id=req.child_id)
    return req


def do_answer_request(req: FileRequest, *, actor: User, answer: str, note: str = "") -> FileRequest:
    """The previous school answers (on OpenICS), or the asking school records
    the answer of a school that is not."""
    schools = lead_school_ids(actor)
    may = req.previous_school_id in schools or (req.previous_school_id is None and req.school_id in schools)
    if not may:
        raise TransferRefused("Only the previous school's designated safeguarding lead or a deputy answers.")
    if answer not in FileRequestAnswer.values:
        raise ValidationError({"answer": "Select file sent or no file held"})
    with transaction.atomic():
        locked = FileRequest.objects.select_for_update().get(pk=req.pk)
        if locked.answered_at is not None:
            raise ValidationError({"answer": "The request has already been answered"})
        now = timezone.now()
        note = (note or "").strip()[:500]
        # "File sent" from a school on OpenICS names the transfer that sent it.
        transfer = None
        if answer == FileRequestAnswer.SENT and req.previous_school_id is not None:
            transfer = (
                FileTransfer.objects.filter(
                    child_id=req.child_id, from_school_id=req.previous_school_id, to_school_id=req.school_id
                )
                .order_by("-started_at", "-pk")
                .first()
            )
        FileRequest.objects.filter(pk=req.pk).update(
            answer=answer, answered_at=now, answered_by=actor, answer_note=note, transfer=transfer
        )
        req.transfer = transfer
        req.answer, req.answered_at, req.answered_by, req.answer_note = answer, now, actor, note
        for lead in safeguarding_leads(req.school_id):
            if lead.pk != actor.pk:
                notify(
                    lead,
                    f"{req.previous_name} answered your request for {req.child.display_name}'s child protection "
                    f"file: {req.get_answer_display()}.",
                    link=reverse("transfer-list"),
                )
        audit.record("file_request_answer", user=actor, obj=req, child_id=req.child_id, detail={"answer": answer})
    return req
