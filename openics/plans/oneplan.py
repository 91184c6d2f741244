"""SEND One Planning: every write for Assess, Do and the EHC escalation.

Plan and Review are the plans engine's own steps (`actions.do_agree`,
`actions.do_record_review` on a plan of type `one-plan`); this module adds
the evidence gathered to assess, the delivery log, and the request for an
Education, Health and Care (EHC) needs assessment with its statutory
deadlines, and the family's copy of the One Plan (a PDF, and who got
one).  Like `actions`, each `do_*` assumes access to the child was
checked (the plan's part for a One Plan, `send` for an EHC request) and
checks who may write itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from openics.core import audit
from openics.core.chronology import record_event
from openics.core.models import Person, User
from openics.core.roles import Part
from openics.meetings.actions import distribution_for, do_record_distribution
from openics.meetings.models import DeliveryMethod, Distribution
from openics.records.deadlines import authority_for_child
from openics.timescales.actions import do_cancel_deadlines, do_create_deadline, do_meet_deadline
from openics.timescales.deadlines import setup_for
from openics.timescales.errors import TimescaleError
from openics.timescales.models import Deadline
from openics.web.pdf import render_pdf

from .actions import PlanRefused, _check_completer, _roles, current_version
from .models import (
    DeliveredBy,
    DeliveryLogEntry,
    EhcRequest,
    EhcRequester,
    EhcStatus,
    EvidenceKind,
    OnePlanEvidence,
    Plan,
    PlanStatus,
    Progress,
)
from .pdf import LANGUAGE_NAMES, LANGUAGES, check_copy, email_copy, printable
from .types import get_plan_type

ONE_PLAN = "one-plan"
EHC_SOURCE = "plans.ehcrequest"
EHC_PART = Part.SEND
# Who records an EHC request and its steps: the people who write One Plans.
EHC_WRITERS_TYPE = ONE_PLAN


def _today() -> dt.date:
    return timezone.localdate()


def _text(value: Any, limit: int = 20_000) -> str:
    return str(value or "").strip()[:limit]


def _not_future(day: dt.date | None, field: str, label: str, errors: dict[str, str]) -> None:
    if day is not None and day > _today():
        errors[field] = f"{label} must be today or in the past"


def _check_one_plan(plan: Plan, actor: User) -> None:
    if plan.plan_type != ONE_PLAN:
        raise PlanRefused("Only a One Plan has One Planning evidence and a delivery log.", status=409)
    _check_completer(plan.type, actor)


def target_keys(plan: Plan) -> dict[str, str]:
    """Every target of every version of the plan, by its stable key, newest wording first."""
    found: dict[str, str] = {}
    for version in plan.versions.order_by("-number"):
        for outcome in version.content.get("outcomes") or []:
            for target in outcome.get("targets") or []:
                key = str(target.get("key") or "")
                if key and key not in found:
                    found[key] = str(target.get("text") or target.get("target") or key)
    return found


# ---------------------------------------------------------------- Assess


def do_add_evidence(
    plan: Plan, *, actor: User, kind: str, given_by: str, role: str, given_on: dt.date, summary: str
) -> OnePlanEvidence:
    """A view, piece of evidence or advice gathered to assess the child's needs."""
    _check_one_plan(plan, actor)
    errors: dict[str, str] = {}
    if kind not in EvidenceKind.values:
        errors["kind"] = "Select what kind of view, evidence or advice this is"
    given_by = _text(given_by, 200)
    if not given_by:
        errors["given_by"] = "Enter who gave it"
    summary = _text(summary)
    if not summary:
        errors["summary"] = "Enter a summary of what they said"
    _not_future(given_on, "given_on", "The date it was given", errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if Plan.objects.select_for_update().get(pk=plan.pk).status == PlanStatus.ENDED:
            raise PlanRefused("This One Plan has ended.", status=409)
        row = OnePlanEvidence.objects.create(
            plan=plan,
            kind=kind,
            given_by=given_by,
            role=_text(role, 200),
            given_on=given_on,
            summary=summary,
            created_by=actor,
        )
        audit.record("create", user=actor, obj=row, child_id=plan.child_id, detail={"kind": kind})
    return row


# ---------------------------------------------------------------- Do


def do_log_delivery(
    plan: Plan,
    *,
    actor: User,
    delivered_by: str,
    who: str,
    delivered_on: dt.date,
    target_key: str,
    what_was_done: str,
    notes: str = "",
) -> DeliveryLogEntry:
    """An entry in the delivery log: what the teacher, key worker, SENCo or
    family did to deliver the plan, for which target."""
    _check_one_plan(plan, actor)
    errors: dict[str, str] = {}
    if delivered_by not in DeliveredBy.values:
        errors["delivered_by"] = "Select who delivered the support"
    who = _text(who, 200)
    if not who:
        errors["who"] = "Enter the name of the person who delivered it"
    what_was_done = _text(what_was_done)
    if not what_was_done:
        errors["what_was_done"] = "Enter what was done"
    _not_future(delivered_on, "delivered_on", "The date it was done", errors)
    target_key = _text(target_key, 64)
    if target_key and target_key not in target_keys(plan):
        errors["target_key"] = "Select a target from the plan"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # The plan's state as stored, not as the caller last read it.
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        if locked.status != PlanStatus.ACTIVE:
            raise PlanRefused("Support is logged against an agreed One Plan that has not ended.", status=409)
        if locked.started_on and delivered_on < locked.started_on:
            raise ValidationError({"delivered_on": "The date it was done cannot be before the plan was agreed"})
        row = DeliveryLogEntry.objects.create(
            plan=plan,
            delivered_by=delivered_by,
            who=who,
            delivered_on=delivered_on,
            target_key=target_key,
            what_was_done=what_was_done,
            notes=_text(notes),
            created_by=actor,
        )
        audit.record("create", user=actor, obj=row, child_id=plan.child_id, detail={"by": delivered_by})
    return row


# ---------------------------------------------------------------- Review: cycles


@dataclass
class Cycle:
    """One turn of Assess, Plan, Do, Review: from a version agreed (or the
    last review) to the next review."""

    number: int
    starts_on: dt.date
    review: Any  # PlanReview | None: None for the cycle in progress
    deliveries: list[DeliveryLogEntry]


def cycles(plan: Plan) -> list[Cycle]:
    """The plan's cycles, oldest first: each review closes one."""
    if plan.started_on is None:
        return []
    reviews = list(plan.reviews.order_by("review_date", "pk"))
    log = sorted(plan.delivery_log.all(), key=lambda e: (e.delivered_on, e.pk))
    result: list[Cycle] = []
    start = plan.started_on
    for number, review in enumerate([*reviews, None], start=1):
        if review is None and plan.status == PlanStatus.ENDED:
            break
        end = review.review_date if review is not None else None
        entries = [e for e in log if e.delivered_on >= start and (end is None or e.delivered_on <= end)]
        # An entry on the review day belongs to the cycle it reviewed.
        log = [e for e in log if e not in entries]
        result.append(Cycle(number=number, starts_on=start, review=review, deliveries=entries))
        if end is not None:
            start = end
    return result


# ---------------------------------------------------------------- Escalation: EHC needs assessment


def _check_ehc_writer(actor: User) -> None:
    ptype = get_plan_type(EHC_WRITERS_TYPE)
    if not ptype.may_complete(_roles(actor)):
        raise PlanRefused(f"An EHC needs assessment request is recorded by a {ptype.role_names(ptype.completed_by)}.")


def _deadline(request: EhcRequest, rule_id: str, trigger: dt.date, actor: User) -> Deadline | None:
    """A statutory deadline for the request, if the authority's profile has the rule."""
    organisation = authority_for_child(request.child_id, actor)
    if organisation is None:
        return None
    if not setup_for(organisation).profile.has_rule(rule_id):
        return None
    return do_create_deadline(
        request.child,
        rule_id=rule_id,
        trigger_date=trigger,
        organisation=organisation,
        acting_user=actor,
        source_type=EHC_SOURCE,
        source_id=str(request.pk),
        part=EHC_PART,
    )


def ehc_deadlines(request: EhcRequest) -> Any:
    return Deadline.objects.filter(source_type=EHC_SOURCE, source_id=str(request.pk)).order_by("due_date", "pk")


def ehc_deadlines_with_status(request: EhcRequest) -> Any:
    return ehc_deadlines(request).with_status()


def _meet(request: EhcRequest, rule_id: str, on: dt.date, actor: User, late_reason: str) -> None:
    for deadline in ehc_deadlines(request).open().filter(rule_id=rule_id):
        try:
            do_meet_deadline(deadline, met_on=on, acting_user=actor, late_reason=late_reason)
        except TimescaleError as error:
            raise ValidationError({"late_reason": str(error)}) from None


def _cancel(request: EhcRequest, rule_ids: Iterable[str] | None, on: dt.date, actor: User, reason: str) -> None:
    qs = ehc_deadlines(request)
    if rule_ids is not None:
        qs = qs.filter(rule_id__in=list(rule_ids))
    do_cancel_deadlines(qs, on=on, reason=reason, acting_user=actor)


def do_request_ehc_assessment(
    child: Person,
    *,
    actor: User,
    requested_by: str,
    requester_name: str,
    received_on: dt.date,
    evidence: str,
    one_plan: Plan | None = None,
) -> EhcRequest:
    """Record a request for an EHC needs assessment; starts the 6-week
    decision deadline and the 20-week final plan deadline."""
    _check_ehc_writer(actor)
    errors: dict[str, str] = {}
    if requested_by not in EhcRequester.values:
        errors["requested_by"] = "Select who requested the assessment"
    evidence = _text(evidence)
    if not evidence:
        errors["evidence"] = "Enter the evidence given with the request"
    _not_future(received_on, "received_on", "The date the request was received", errors)
    if one_plan is not None and (one_plan.child_id != child.pk or one_plan.plan_type != ONE_PLAN):
        errors["one_plan"] = "Select one of the child's One Plans"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        request = EhcRequest.objects.create(
            child=child,
            one_plan=one_plan,
            requested_by=requested_by,
            requester_name=_text(requester_name, 200),
            received_on=received_on,
            evidence=evidence,
            created_by=actor,
        )
        _deadline(request, "ehc-decide-assess", received_on, actor)
        _deadline(request, "ehc-final-plan", received_on, actor)
        record_event(
            child,
            occurred_on=received_on,
            kind="ehc_requested",
            summary=f"EHC needs assessment requested by {EhcRequester(requested_by).label.lower()}",
            part=EHC_PART,
            origin=request,
            entered_by=actor,
        )
        audit.record("create", user=actor, obj=request, child_id=child.pk, detail={"by": requested_by})
    return request


class EhcStep:
    ASSESS = "assess"
    NOT_ASSESS = "not_assess"
    ADVICE_REQUESTED = "advice_requested"
    ADVICE_RECEIVED = "advice_received"
    DRAFT_ISSUED = "draft_issued"
    FINAL_ISSUED = "final_issued"
    NO_PLAN = "no_plan"

    LABELS = {
        ASSESS: "Decided to assess",
        NOT_ASSESS: "Decided not to assess (the family told)",
        ADVICE_REQUESTED: "Advice requested",
        ADVICE_RECEIVED: "Advice received",
        DRAFT_ISSUED: "Draft EHC plan issued",
        FINAL_ISSUED: "Final EHC plan issued",
        NO_PLAN: "Decided not to issue a plan (the family told)",
    }
    CHOICES = list(LABELS.items())
    NEED_REASONS = frozenset({ASSESS, NOT_ASSESS, NO_PLAN})


# Which steps each status allows.
ALLOWED_STEPS = {
    EhcStatus.AWAITING_DECISION: (EhcStep.ASSESS, EhcStep.NOT_ASSESS),
    EhcStatus.ASSESSING: (EhcStep.ADVICE_REQUESTED, EhcStep.ADVICE_RECEIVED, EhcStep.DRAFT_ISSUED, EhcStep.NO_PLAN),
    EhcStatus.DRAFT_ISSUED: (EhcStep.ADVICE_RECEIVED, EhcStep.FINAL_ISSUED, EhcStep.NO_PLAN),
}


def allowed_steps(request: EhcRequest) -> list[tuple[str, str]]:
    allowed = ALLOWED_STEPS.get(EhcStatus(request.status), ())
    result = []
    for step in allowed:
        if step == EhcStep.ADVICE_REQUESTED and request.advice_requested_on is not None:
            continue
        if step == EhcStep.ADVICE_RECEIVED and (
            request.advice_requested_on is None or request.advice_received_on is not None
        ):
            continue
        result.append((step, EhcStep.LABELS[step]))
    return result


def do_record_ehc_step(
    request: EhcRequest,
    *,
    actor: User,
    step: str,
    on: dt.date,
    reasons: str = "",
    late_reason: str = "",
) -> EhcRequest:
    """Record one statutory step; meets, starts or closes its deadlines."""
    _check_ehc_writer(actor)
    errors: dict[str, str] = {}
    if step not in EhcStep.LABELS:
        errors["step"] = "Select the step to record"
    reasons = _text(reasons)
    if step in EhcStep.NEED_REASONS and not reasons:
        errors["reasons"] = "Enter the reasons for the decision"
    _not_future(on, "on", "The date", errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = EhcRequest.objects.select_for_update().get(pk=request.pk)
        if step not in dict(allowed_steps(current)):
            raise PlanRefused(
                f"This step cannot be recorded now: the request is '{EhcStatus(current.status).label}'.", status=409
            )
        if on < current.received_on:
            raise ValidationError({"on": "The date cannot be before the request was received"})
        fields: list[str] = ["status", "version"]
        if step == EhcStep.ASSESS:
            current.status = EhcStatus.ASSESSING
            current.decision_on, current.decision_reasons = on, reasons
            fields += ["decision_on", "decision_reasons"]
            _meet(current, "ehc-decide-assess", on, actor, late_reason)
            # If the authority later decides not to issue a plan, it says so within 16 weeks.
            _deadline(current, "ehc-notify-no-plan", current.received_on, actor)
        elif step == EhcStep.NOT_ASSESS:
            current.status = EhcStatus.NOT_ASSESSING
            current.decision_on, current.decision_reasons, current.decision_notified_on = on, reasons, on
            fields += ["decision_on", "decision_reasons", "decision_notified_on"]
            _meet(current, "ehc-decide-assess", on, actor, late_reason)
            _cancel(current, None, on, actor, "The local authority decided not to carry out an EHC needs assessment")
        elif step == EhcStep.ADVICE_REQUESTED:
            current.advice_requested_on = on
            fields.append("advice_requested_on")
            _deadline(current, "ehc-advice", on, actor)
        elif step == EhcStep.ADVICE_RECEIVED:
            if current.advice_requested_on and on < current.advice_requested_on:
                raise ValidationError({"on": "Advice cannot be received before it was requested"})
            current.advice_received_on = on
            fields.append("advice_received_on")
            _meet(current, "ehc-advice", on, actor, late_reason)
        elif step == EhcStep.DRAFT_ISSUED:
            current.status = EhcStatus.DRAFT_ISSUED
            current.draft_issued_on = on
            fields.append("draft_issued_on")
            # The family has at least 15 days to comment before the plan is final.
            _deadline(current, "ehc-draft-comments", on, actor)
        elif step == EhcStep.FINAL_ISSUED:
            current.status = EhcStatus.PLAN_ISSUED
            current.final_issued_on = on
            fields.append("final_issued_on")
            _meet(current, "ehc-final-plan", on, actor, late_reason)
            # The comment period and the "no plan" notice are no longer needed.
            _cancel(current, None, on, actor, "The final EHC plan was issued")
            _deadline(current, "ehc-annual-review", on, actor)
        elif step == EhcStep.NO_PLAN:
            current.status = EhcStatus.NO_PLAN
            current.no_plan_notified_on = on
            current.decision_reasons = reasons
            fields += ["no_plan_notified_on", "decision_reasons"]
            _meet(current, "ehc-notify-no-plan", on, actor, late_reason)
            _cancel(current, None, on, actor, "The local authority decided not to issue an EHC plan")
        current.version += 1
        current.save(update_fields=fields)
        record_event(
            current.child,
            occurred_on=on,
            kind="ehc_step",
            summary=f"EHC needs assessment: {EhcStep.LABELS[step].lower()}",
            part=EHC_PART,
            origin=current,
            entered_by=actor,
        )
        audit.record("update", user=actor, obj=current, child_id=current.child_id, detail={"step": step})
    return current


# ---------------------------------------------------------------- the family's copy of the One Plan
#
# A family-readable PDF of the One Plan as it stands: the version in force
# (what matters to the child, the outcomes and their targets, the support
# and who gives it) and how the latest review went.  Built like the plan's
# family copy (`pdf.py`): labels in the family's language, free text as
# written, costs left out; each copy given, sent or withheld is a
# `meetings.Distribution` row naming the plan.


ONE_PLAN_NOT_AGREED = "This One Plan has not been agreed yet: only an agreed plan is copied to the family."


def one_plan_printable(plan: Plan) -> dict[str, Any]:
    """The One Plan shaped for the family (labels stay lazy): the version
    in force, and the latest review with each outcome as the review saw it."""
    version = current_version(plan)
    if version is None:
        raise PlanRefused(ONE_PLAN_NOT_AGREED, status=409)
    review = plan.reviews.select_related("version").order_by("-review_date", "-pk").first()
    reviewed: list[dict[str, Any]] = []
    if review is not None:
        progress = dict(Progress.choices)
        for number, outcome in enumerate(review.version.content.get("outcomes") or [], 1):
            entry = review.outcome_entry(outcome.get("key") or "")
            reviewed.append(
                {
                    "number": number,
                    "text": outcome.get("text") or "",
                    "progress": progress.get(entry.get("progress") or "", ""),
                    "happened": entry.get("happened") or "",
                }
            )
    return {"version": version, "content": printable(version), "review": review, "reviewed": reviewed}


def render_one_plan_pdf(plan: Plan, *, language: str, printed_by: User) -> bytes:
    """The family's copy of the One Plan as PDF bytes, in `language`."""
    if plan.plan_type != ONE_PLAN:
        raise PlanRefused("Only a One Plan is printed as a One Plan.", status=409)
    if language not in LANGUAGES:
        raise ValidationError({"language": "Choose English, Welsh or Polish"})
    context = {**one_plan_printable(plan), "plan": plan, "child": plan.child, "printed_by": printed_by}
    return render_pdf("plans/pdf/one_plan.html", context, language=language)


def one_plan_filename(plan: Plan, language: str) -> str:
    return f"one-plan-{plan.pk}-{language.split('-')[0]}.pdf"


def one_plan_copies(plan: Plan) -> QuerySet[Distribution]:
    return distribution_for(plan)


def do_give_one_plan_copy(
    plan: Plan,
    *,
    actor: User,
    recipient: str,
    method: str = "",
    address: str = "",
    language: str = "en-gb",
    withheld: bool = False,
    withheld_reason: str = "",
) -> Distribution:
    """Record a copy of the One Plan given by hand, posted, emailed (the PDF
    attached through the outbox) or withheld with its reason.  Assumes the
    caller checked write access to the child in the plan's part."""
    if plan.plan_type != ONE_PLAN:
        raise PlanRefused("Only a One Plan is copied as a One Plan.", status=409)
    one_plan_printable(plan)  # refuses a plan not yet agreed
    check_copy(
        recipient=recipient,
        method=method,
        address=address,
        language=language,
        withheld=withheld,
        withheld_reason=withheld_reason,
    )
    with transaction.atomic():
        message = None
        if not withheld and method == DeliveryMethod.EMAIL:
            pdf = render_one_plan_pdf(plan, language=language, printed_by=actor)
            message = email_copy(
                address=address, pdf=pdf, filename=one_plan_filename(plan, language), language=language
            )
        return do_record_distribution(
            plan,
            child=plan.child,
            actor=actor,
            recipient=recipient,
            method="" if withheld else method,
            address="" if withheld else address,
            language=LANGUAGE_NAMES[language],
            withheld=withheld,
            withheld_reason=withheld_reason,
            outbox=message,
        )
