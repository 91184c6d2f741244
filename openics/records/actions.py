"""Every write to a case record.

`do_*` functions assume access to the child was checked (`access_child` with
the definition's part) and check the workflow themselves: which roles may
complete or endorse, which status allows which step, and that nobody
endorses their own record.  A refusal is `RecordRefused` with a message for
people; the pages and the API show it as it is.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from openics.core import audit
from openics.core.access import staff_context
from openics.core.actions import StaleEdit, _lock_current
from openics.core.chronology import record_event
from openics.core.models import Person, User

from .deadlines import apply_record_deadlines
from .definitions import get_definition
from .effects import run_record_effects
from .models import EDITABLE, CaseRecord, DecisionAction, RecordDecision, RecordStatus
from .offers import not_offered_message
from .prefill import prefill_for

OWN_RECORD = "Nobody endorses their own record: another manager must endorse it."


class RecordRefused(Exception):
    """A workflow step this person may not take now; `message` says why.

    `status` is the HTTP answer: 403 for who you are, 409 for the state the
    record is in.
    """

    def __init__(self, message: str, *, status: int = 403) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def _roles(user: User) -> frozenset[str]:
    return staff_context(user).roles


def _check_completer(record: CaseRecord, actor: User) -> None:
    definition = record.definition
    if not definition.may_complete(_roles(actor)):
        raise RecordRefused(f"A {definition.title} is completed by a {definition.role_names(definition.completed_by)}.")


def _decide(record: CaseRecord, action: str, actor: User, comments: str = "") -> RecordDecision:
    return RecordDecision.objects.create(record=record, action=action, by=actor, at=timezone.now(), comments=comments)


def _bump(record: CaseRecord, fields: list[str]) -> None:
    record.version = F("version") + 1  # type: ignore[assignment]
    record.save(update_fields=[*fields, "version", "updated_at"])
    record.refresh_from_db(fields=["version"])


def do_start_record(child: Person, *, actor: User, kind: str) -> CaseRecord:
    """A new draft of `kind` for `child`, from the current definition."""
    definition = get_definition(kind)
    if not definition.may_complete(_roles(actor)):
        raise RecordRefused(f"A {definition.title} is completed by a {definition.role_names(definition.completed_by)}.")
    # Only the record types the authority's timescale profile uses.
    not_offered = not_offered_message(definition, child.pk, actor)
    if not_offered:
        raise RecordRefused(not_offered, status=400)
    with transaction.atomic():
        record = CaseRecord.objects.create(
            child=child,
            kind=definition.kind,
            definition_version=definition.version,
            part=definition.part,
            needs_endorsement=definition.needs_endorsement,
            # Some records start from the child's record (records/prefill.py).
            data=definition.clean_data(prefill_for(definition.kind, child)),
            created_by=actor,
        )
        audit.record("create", user=actor, obj=record, child_id=child.pk, detail={"kind": definition.kind})
    return record


def do_save_draft(record: CaseRecord, *, actor: User, data: dict[str, Any], expected_version: int | None) -> CaseRecord:
    """Save typed values (checked for type only, never for completeness).

    Values not named in `data` are kept, so an autosave of one field cannot
    wipe another.  A stale `expected_version` raises `StaleEdit`.
    """
    cleaned = record.definition.clean_data(data)
    with transaction.atomic():
        current: CaseRecord = _lock_current(CaseRecord, record.pk, expected_version)
        if current.status not in EDITABLE:
            raise RecordRefused(locked_message(current), status=409)
        _check_completer(current, actor)
        changed = sorted(k for k, v in cleaned.items() if current.data.get(k) != v)
        if changed:
            current.data = {**current.data, **cleaned}
            _bump(current, ["data"])
            # Field names only: what was typed stays out of the audit trail.
            audit.record("update", user=actor, obj=current, child_id=current.child_id, detail={"fields": changed})
    return current


def locked_message(record: CaseRecord) -> str:
    if record.is_locked:
        return "This record is endorsed and locked. To change it, start a correction."
    return "This record has been submitted for endorsement: it can be changed only if a manager returns it."


def do_submit(
    record: CaseRecord, *, actor: User, late_reason: str = "", expected_version: int | None = None
) -> CaseRecord:
    """Submit for endorsement (or complete, when the record needs none).

    Required fields are checked here, and only here: a missing one is a
    `ValidationError` naming each field.
    """
    with transaction.atomic():
        current: CaseRecord = _lock_current(CaseRecord, record.pk, expected_version)
        if current.status not in EDITABLE:
            raise RecordRefused(locked_message(current), status=409)
        _check_completer(current, actor)
        missing = current.definition.missing(current.data)
        if missing:
            raise ValidationError(missing)
        current.status = RecordStatus.SUBMITTED
        current.submitted_by = actor
        current.submitted_at = timezone.now()
        current.late_reason = late_reason.strip()
        _bump(current, ["status", "submitted_by", "submitted_at", "late_reason"])
        _decide(current, DecisionAction.SUBMIT, actor, current.late_reason)
        # Deadlines the record meets or starts, in this transaction: a late
        # one without its reason refuses the whole submission.
        apply_record_deadlines(current, event="submit", actor=actor, late_reason=current.late_reason)
        record_event(
            current.child,
            occurred_on=timezone.localdate(),
            kind="record_submitted",
            summary=f"{current.title} submitted",
            part=current.part,
            origin=current,
            entered_by=actor,
        )
        run_record_effects(current, "submit")
        audit.record("submit", user=actor, obj=current, child_id=current.child_id)
    return current


def check_endorser(record: CaseRecord, actor: User) -> None:
    """Who may endorse or return: the definition's roles, never the author."""
    definition = record.definition
    if record.status != RecordStatus.SUBMITTED or not record.needs_endorsement:
        raise RecordRefused("Only a record submitted for endorsement can be endorsed or returned.", status=409)
    if actor.pk in (record.created_by_id, record.submitted_by_id):
        raise RecordRefused(OWN_RECORD)
    if not definition.may_endorse(_roles(actor)):
        raise RecordRefused(f"A {definition.title} is endorsed by a {definition.role_names(definition.endorsed_by)}.")


def do_return(record: CaseRecord, *, actor: User, comments: str) -> CaseRecord:
    """Send a submitted record back to its author with comments."""
    comments = comments.strip()
    if not comments:
        raise ValidationError({"comments": "Enter your comments: say what needs to change"})
    with transaction.atomic():
        current: CaseRecord = _lock_current(CaseRecord, record.pk, None)
        check_endorser(current, actor)
        current.status = RecordStatus.RETURNED
        _bump(current, ["status"])
        _decide(current, DecisionAction.RETURN, actor, comments)
        run_record_effects(current, "return")
        audit.record("return", user=actor, obj=current, child_id=current.child_id)
    return current


def do_endorse(record: CaseRecord, *, actor: User, reasons: str) -> CaseRecord:
    """Endorse: a recorded decision with reasons, after which the record is locked."""
    reasons = reasons.strip()
    if not reasons:
        raise ValidationError({"reasons": "Enter the reasons for your decision"})
    with transaction.atomic():
        current: CaseRecord = _lock_current(CaseRecord, record.pk, None)
        check_endorser(current, actor)
        current.status = RecordStatus.ENDORSED
        current.endorsed_by = actor
        current.endorsed_at = timezone.now()
        _bump(current, ["status", "endorsed_by", "endorsed_at"])
        _decide(current, DecisionAction.ENDORSE, actor, reasons)
        apply_record_deadlines(current, event="endorse", actor=actor)
        record_event(
            current.child,
            occurred_on=timezone.localdate(),
            kind="record_endorsed",
            summary=f"{current.title} endorsed",
            part=current.part,
            origin=current,
            entered_by=actor,
        )
        run_record_effects(current, "endorse")
        audit.record("endorse", user=actor, obj=current, child_id=current.child_id)
    return current


def do_correct(record: CaseRecord, *, actor: User, reason: str) -> CaseRecord:
    """A new draft version of a locked record, with the reason; the locked
    one stays as it was, and the history shows both."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter the reason for the correction"})
    with transaction.atomic():
        current: CaseRecord = _lock_current(CaseRecord, record.pk, None)
        if not current.is_locked:
            raise RecordRefused("Only an endorsed (locked) record is corrected: change this one directly.", status=409)
        if CaseRecord.objects.filter(supersedes=current).exists():
            raise RecordRefused("This version has already been corrected: open the newest version.", status=409)
        roles = _roles(actor)
        definition = current.definition
        if not (definition.may_complete(roles) or definition.may_endorse(roles)):
            raise RecordRefused(
                f"A {definition.title} is corrected by a {definition.role_names(definition.completed_by)}."
            )
        newest = get_definition(current.kind)
        correction = CaseRecord.objects.create(
            child_id=current.child_id,
            kind=current.kind,
            definition_version=newest.version,
            part=current.part,
            needs_endorsement=newest.needs_endorsement,
            # Values of fields the newer definition dropped are kept out.
            data={k: v for k, v in current.data.items() if newest.field(k) is not None},
            series=current.series,
            edition=current.edition + 1,
            supersedes=current,
            correction_reason=reason,
            created_by=actor,
        )
        _decide(current, DecisionAction.CORRECT, actor, reason)
        run_record_effects(correction, "correct")
        audit.record(
            "correct", user=actor, obj=correction, child_id=current.child_id, detail={"supersedes": current.pk}
        )
    return correction


__all__ = [
    "OWN_RECORD",
    "RecordRefused",
    "StaleEdit",
    "do_correct",
    "do_endorse",
    "do_return",
    "do_save_draft",
    "do_start_record",
    "do_submit",
]
