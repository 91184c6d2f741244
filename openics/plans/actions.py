"""Every write to plans, reviews and levels of need.

`do_*` functions assume access to the child was checked (`access_child`
with the plan type's part) and check the workflow themselves: who may
complete or endorse a plan of this type, which status allows which step,
and that nobody endorses a version they wrote or agreed.  A refusal is
`PlanRefused` (the records engine's refusal: 403 for who you are, 409 for
the state things are in); bad input is `ValidationError` keyed by field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from openics.core import audit
from openics.core.access import staff_context
from openics.core.actions import StaleEdit, _lock_current
from openics.core.chronology import record_event
from openics.core.models import Person, User
from openics.records.actions import RecordRefused

from . import content as plan_content
from .costs import action_keys
from .deadlines import meet_open_reviews, schedule_next_review
from .models import (
    ActualCost,
    Level,
    LevelOfNeed,
    Plan,
    PlanReview,
    PlanStatus,
    PlanVersion,
    Progress,
    ReviewDecision,
    VersionStatus,
)
from .types import PlanType, get_plan_type

OWN_VERSION = "Nobody endorses a plan they wrote or agreed: another manager must endorse it."
# The level a stage usually sits at, for a step up or down at a review.
LEVEL_FOR_STAGE = {1: Level.ADDITIONAL, 2: Level.INTENSIVE, 3: Level.SPECIALIST}


class PlanRefused(RecordRefused):
    """A step this person may not take now; `message` says why."""


def _roles(user: User) -> frozenset[str]:
    return staff_context(user).roles


def _check_completer(plan_type: PlanType, actor: User) -> None:
    if not plan_type.may_complete(_roles(actor)):
        raise PlanRefused(f"A {plan_type.title} is written by a {plan_type.role_names(plan_type.completed_by)}.")


def _past_or_today(day: dt.date, field: str, label: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: f"{label} must be today or in the past"})


def _bump(version: PlanVersion, fields: list[str]) -> None:
    version.version = F("version") + 1  # type: ignore[assignment]
    version.save(update_fields=[*fields, "version", "updated_at"])
    version.refresh_from_db(fields=["version"])


def current_version(plan: Plan) -> PlanVersion | None:
    """The version in force: the newest agreed one."""
    return plan.versions.exclude(status=VersionStatus.DRAFT).order_by("-number").first()


def draft_version(plan: Plan) -> PlanVersion | None:
    return plan.versions.filter(status=VersionStatus.DRAFT).first()


# ---------------------------------------------------------------- plans and versions


def do_start_plan(child: Person, *, actor: User, plan_type: str) -> Plan:
    """A new plan of `plan_type` for `child`, with an empty first draft."""
    ptype = get_plan_type(plan_type)
    _check_completer(ptype, actor)
    with transaction.atomic():
        plan = Plan.objects.create(child=child, plan_type=ptype.id, part=ptype.part, created_by=actor)
        PlanVersion.objects.create(plan=plan, number=1, content=plan_content.empty_content(ptype), created_by=actor)
        audit.record("create", user=actor, obj=plan, child_id=child.pk, detail={"plan_type": ptype.id})
    return plan


def do_save_draft(
    version: PlanVersion, *, actor: User, content: Mapping[str, Any], expected_version: int | None
) -> PlanVersion:
    """Save the sections named in `content` (checked for type only, never
    completeness).  Sections not named are kept, so saving one section
    cannot wipe another.  A stale `expected_version` raises `StaleEdit`.
    """
    ptype = version.plan.type
    with transaction.atomic():
        current: PlanVersion = _lock_current(PlanVersion, version.pk, expected_version)
        if current.status != VersionStatus.DRAFT:
            raise PlanRefused("This version has been agreed: to change the plan, start a new version.", status=409)
        _check_completer(ptype, actor)
        try:
            merged = plan_content.clean_content(ptype, {**current.content, **content})
        except plan_content.ContentError as error:
            raise ValidationError(error.errors) from None
        if current.content != merged:
            changed = sorted(k for k in merged if current.content.get(k) != merged[k])
            current.content = merged
            _bump(current, ["content"])
            # Section names only: what was typed stays out of the audit trail.
            audit.record(
                "update", user=actor, obj=current, child_id=version.plan.child_id, detail={"sections": changed}
            )
    current.plan = version.plan
    return current


def do_new_version(plan: Plan, *, actor: User, reason: str, from_review: PlanReview | None = None) -> PlanVersion:
    """A new draft version copying the plan in force, with why it changes."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter why the plan is changing"})
    ptype = plan.type
    _check_completer(ptype, actor)
    with transaction.atomic():
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        if locked.status == PlanStatus.ENDED:
            raise PlanRefused("This plan has ended: start a new plan instead.", status=409)
        if draft_version(locked) is not None:
            raise PlanRefused("This plan already has a draft version: finish or change that one.", status=409)
        base = current_version(locked)
        if base is None:
            raise PlanRefused("The first version has not been agreed yet: change that draft.", status=409)
        # Keep only the sections the type still has.
        copied = plan_content.clean_content(ptype, {k: v for k, v in base.content.items() if ptype.has(k)})
        new = PlanVersion.objects.create(
            plan=locked,
            number=base.number + 1,
            content=copied,
            reason=reason,
            from_review=from_review,
            created_by=actor,
        )
        audit.record("create", user=actor, obj=new, child_id=plan.child_id, detail={"number": new.number})
    new.plan = locked
    return new


def do_agree(
    version: PlanVersion,
    *,
    actor: User,
    agreed_on: dt.date,
    next_review_on: dt.date | None = None,
    expected_version: int | None = None,
) -> PlanVersion:
    """Agree (submit) a draft: every required part must be there.

    Agreeing the first version starts the plan and its review timescale.
    """
    _past_or_today(agreed_on, "agreed_on", "The date the plan was agreed")
    with transaction.atomic():
        current: PlanVersion = _lock_current(PlanVersion, version.pk, expected_version)
        plan = Plan.objects.select_for_update().get(pk=current.plan_id)
        ptype = plan.type
        if current.status != VersionStatus.DRAFT:
            raise PlanRefused("This version has already been agreed.", status=409)
        if plan.status == PlanStatus.ENDED:
            raise PlanRefused("This plan has ended.", status=409)
        _check_completer(ptype, actor)
        need = plan_content.missing(ptype, current.content)
        if need:
            raise ValidationError(need)
        previous = current_version(plan)
        if previous is not None and agreed_on < previous.agreed_on:  # type: ignore[operator]
            raise ValidationError({"agreed_on": "A new version cannot be agreed before the version it replaces"})
        current.status = VersionStatus.AGREED
        current.agreed_by = actor
        current.agreed_at = timezone.now()
        current.agreed_on = agreed_on
        _bump(current, ["status", "agreed_by", "agreed_at", "agreed_on"])
        if plan.status == PlanStatus.DRAFT:
            plan.status = PlanStatus.ACTIVE
            plan.started_on = agreed_on
            plan.next_review_on = schedule_next_review(plan, trigger=agreed_on, agreed_date=next_review_on, actor=actor)
            plan.save(update_fields=["status", "started_on", "next_review_on"])
        record_event(
            plan.child,
            occurred_on=agreed_on,
            kind="plan_agreed",
            summary=f"{ptype.title} version {current.number} agreed",
            part=plan.part,
            origin=current,
            entered_by=actor,
        )
        audit.record("agree", user=actor, obj=current, child_id=plan.child_id, detail={"number": current.number})
    current.plan = plan
    return current


def check_endorser(version: PlanVersion, actor: User) -> None:
    """Who may endorse: the type's roles, never who wrote or agreed it."""
    ptype = version.plan.type
    if version.status != VersionStatus.AGREED or not ptype.needs_endorsement:
        raise PlanRefused("Only an agreed version waiting for endorsement can be endorsed.", status=409)
    if actor.pk in (version.created_by_id, version.agreed_by_id):
        raise PlanRefused(OWN_VERSION)
    if not ptype.may_endorse(_roles(actor)):
        raise PlanRefused(f"A {ptype.title} is endorsed by a {ptype.role_names(ptype.endorsed_by)}.")


def do_endorse(version: PlanVersion, *, actor: User, comments: str) -> PlanVersion:
    comments = comments.strip()
    if not comments:
        raise ValidationError({"comments": "Enter the reasons for your decision"})
    with transaction.atomic():
        current: PlanVersion = _lock_current(PlanVersion, version.pk, None)
        current.plan = version.plan
        check_endorser(current, actor)
        current.status = VersionStatus.ENDORSED
        current.endorsed_by = actor
        current.endorsed_at = timezone.now()
        current.endorsement_comments = comments
        _bump(current, ["status", "endorsed_by", "endorsed_at", "endorsement_comments"])
        audit.record("endorse", user=actor, obj=current, child_id=version.plan.child_id)
    return current


# ---------------------------------------------------------------- levels of need


def do_record_level_of_need(
    child: Person,
    *,
    actor: User,
    level: str,
    stage: int | None,
    decided_on: dt.date,
    reason: str,
    review: PlanReview | None = None,
) -> LevelOfNeed:
    """A decision on the child's level of need and stage."""
    reason = reason.strip()
    errors: dict[str, str] = {}
    if level not in Level.values:
        errors["level"] = "Select the level of need"
    if stage is not None and stage not in (1, 2, 3):
        errors["stage"] = "Select stage 1, 2 or 3"
    if not reason:
        errors["reason"] = "Enter the reason for the decision"
    if decided_on > timezone.localdate():
        errors["decided_on"] = "The date of the decision must be today or in the past"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row = LevelOfNeed.objects.create(
            child=child, level=level, stage=stage, decided_on=decided_on, reason=reason, decided_by=actor, review=review
        )
        stage_text = f", stage {stage}" if stage else ""
        record_event(
            child,
            occurred_on=decided_on,
            kind="level_of_need",
            summary=f"Level of need: {Level(level).label}{stage_text}",
            part=LEVEL_PART,
            origin=row,
            entered_by=actor,
        )
        audit.record("create", user=actor, obj=row, child_id=child.pk, detail={"level": level, "stage": stage})
    return row


# Staged intervention is part of plans, meetings and reviews.
LEVEL_PART = "plans"


# ---------------------------------------------------------------- reviews


def _clean_review_outcomes(version: PlanVersion, raw: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One entry per outcome of the version reviewed, keyed by its key."""
    outcomes = {o["key"]: o for o in version.content.get("outcomes") or []}
    errors: dict[str, str] = {}
    entries: list[dict[str, Any]] = []
    given = {str(item.get("outcome")): item for item in raw if isinstance(item, Mapping)}
    unknown = set(given) - set(outcomes)
    if unknown:
        errors["outcomes"] = "An outcome reviewed is not in the plan: reload the page"
    for i, (key, outcome) in enumerate(outcomes.items()):
        item = given.get(key, {})
        progress = item.get("progress") or ""
        if progress not in Progress.values:
            errors[f"review-{i}-progress"] = f"Select the progress on outcome {i + 1}"
        happened = str(item.get("happened") or "").strip()
        if not happened:
            errors[f"review-{i}-happened"] = f"Enter what actually happened for outcome {i + 1}"
        targets_raw = item.get("targets") or {}
        if not isinstance(targets_raw, Mapping):
            targets_raw = {}
        targets: dict[str, str] = {}
        for j, target in enumerate(outcome.get("targets") or []):
            value = targets_raw.get(target["key"]) or ""
            if value not in Progress.values:
                errors[f"review-{i}-targets-{j}"] = f"Select the progress on target {j + 1} of outcome {i + 1}"
            targets[target["key"]] = value
        entries.append(
            {
                "outcome": key,
                "happened": happened[:20_000],
                "progress": progress,
                "impact": str(item.get("impact") or "").strip()[:20_000],
                "not_delivered": str(item.get("not_delivered") or "").strip()[:20_000],
                "targets": targets,
            }
        )
    if errors:
        raise ValidationError(errors)
    return entries


def _stepped(child: Person, plan: Plan, decision: str) -> int:
    """The new stage after a step up or down, from the child's current stage."""
    current = LevelOfNeed.objects.current_for(child)
    stage = (current.stage if current is not None else None) or plan.type.stage or 1
    new = stage + 1 if decision == ReviewDecision.STEP_UP else stage - 1
    if new > 3:
        raise ValidationError({"decision": "The child is at stage 3 already: there is no stage to step up to"})
    if new < 0:
        raise ValidationError({"decision": "There is no stage to step down to"})
    return new


def do_record_review(
    plan: Plan,
    *,
    actor: User,
    review_date: dt.date,
    held_at: str,
    attended: str,
    outcomes: Sequence[Mapping[str, Any]],
    decision: str,
    decision_reason: str,
    next_review_on: dt.date | None = None,
    late_reason: str = "",
) -> PlanReview:
    """Record a review of the plan in force and carry out its decision.

    Continue or step up/down schedules the next review; amend and continue
    also starts a new draft version; close ends the plan.  A step records
    the child's new level of need and stage, citing this review.
    """
    ptype = plan.type
    _check_completer(ptype, actor)
    errors: dict[str, str] = {}
    if decision not in ReviewDecision.values:
        errors["decision"] = "Select the decision on the plan"
    decision_reason = decision_reason.strip()
    if not decision_reason:
        errors["decision_reason"] = "Enter the reasons for the decision"
    if review_date > timezone.localdate():
        errors["review_date"] = "The date of the review must be today or in the past"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        if locked.status != PlanStatus.ACTIVE:
            raise PlanRefused("Only an active plan (agreed and not ended) can be reviewed.", status=409)
        assert locked.started_on is not None
        if review_date < locked.started_on:
            raise ValidationError({"review_date": "The review cannot be before the plan started"})
        version = current_version(locked)
        assert version is not None
        if decision == ReviewDecision.AMEND and draft_version(locked) is not None:
            raise PlanRefused("This plan already has a draft version: agree or change that one first.", status=409)
        entries = _clean_review_outcomes(version, outcomes)
        meet_open_reviews(locked, met_on=review_date, actor=actor, late_reason=late_reason)
        review = PlanReview.objects.create(
            plan=locked,
            version=version,
            review_date=review_date,
            held_at=held_at.strip()[:200],
            attended=attended.strip(),
            outcomes=entries,
            decision=decision,
            decision_reason=decision_reason,
            created_by=actor,
        )
        if decision == ReviewDecision.CLOSE:
            locked.status = PlanStatus.ENDED
            locked.ended_on = review_date
            locked.end_reason = decision_reason
            locked.next_review_on = None
            locked.save(update_fields=["status", "ended_on", "end_reason", "next_review_on"])
            record_event(
                locked.child,
                occurred_on=review_date,
                kind="plan_ended",
                summary=f"{ptype.title} ended at review",
                part=locked.part,
                origin=review,
                entered_by=actor,
            )
        else:
            review.next_review_on = schedule_next_review(
                locked, trigger=review_date, agreed_date=next_review_on, actor=actor
            )
            try:
                review.save(update_fields=["next_review_on"])
            except IntegrityError:  # pragma: no cover - guarded by check_agreed_date
                raise ValidationError({"next_review_on": "The next review must be after this one"}) from None
            locked.next_review_on = review.next_review_on
            locked.save(update_fields=["next_review_on"])
        if decision in (ReviewDecision.STEP_UP, ReviewDecision.STEP_DOWN):
            stage = _stepped(locked.child, locked, decision)
            do_record_level_of_need(
                locked.child,
                actor=actor,
                level=LEVEL_FOR_STAGE.get(stage, Level.UNIVERSAL),
                stage=stage or None,
                decided_on=review_date,
                reason=decision_reason,
                review=review,
            )
        if decision == ReviewDecision.AMEND:
            do_new_version(
                locked,
                actor=actor,
                reason=f"Amended at the review on {review_date:%d/%m/%Y}: {decision_reason}",
                from_review=review,
            )
        record_event(
            locked.child,
            occurred_on=review_date,
            kind="plan_reviewed",
            summary=f"{ptype.title} reviewed: {ReviewDecision(decision).label}",
            part=locked.part,
            origin=review,
            entered_by=actor,
        )
        audit.record("create", user=actor, obj=review, child_id=locked.child_id, detail={"decision": decision})
    return review


# ---------------------------------------------------------------- actual costs

COSTS_NEED_AGREEMENT = "Actual costs are recorded once the plan has been agreed."


def do_record_actual_cost(
    plan: Plan,
    *,
    actor: User,
    action_key: str,
    amount_pence: int,
    period_start: dt.date,
    period_end: dt.date | None = None,
    note: str = "",
) -> ActualCost:
    """Record what one of the plan's services actually cost over a period
    (one day when `period_end` is not given).  A negative amount reduces
    what was recorded (an entry in error, a refund) and needs its reason;
    it cannot take the service's actual cost below nothing."""
    _check_completer(plan.type, actor)
    if plan.status == PlanStatus.DRAFT:
        raise PlanRefused(COSTS_NEED_AGREEMENT, status=409)
    period_end = period_end or period_start
    note = note.strip()[:5_000]
    errors: dict[str, str] = {}
    if action_key not in action_keys(plan):
        errors["action_key"] = "Select the service in the plan the cost is for"
    if not isinstance(amount_pence, int) or isinstance(amount_pence, bool) or amount_pence == 0:
        errors["amount"] = "Enter the actual cost in pounds and pence, like 120.50"
    elif abs(amount_pence) > plan_content.COST_MAX_PENCE:
        errors["amount"] = f"The actual cost must be {plan_content.pounds(plan_content.COST_MAX_PENCE)} or less"
    elif amount_pence < 0 and not note:
        errors["note"] = "Enter why the cost is reduced, for example a refund or an amount recorded in error"
    if period_start > timezone.localdate():
        errors["period_start"] = "The start of the period must be today or in the past"
    if period_end > timezone.localdate():
        errors["period_end"] = "The end of the period must be today or in the past"
    elif period_end < period_start:
        errors["period_end"] = "The end of the period must be the same as or after the start"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # The plan's state as stored, and one entry at a time per plan, so two
        # reductions cannot both pass the check below.
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        if locked.status == PlanStatus.DRAFT or locked.started_on is None:
            raise PlanRefused(COSTS_NEED_AGREEMENT, status=409)
        if period_start < locked.started_on:
            raise ValidationError(
                {"period_start": f"The period cannot start before the plan started on {locked.started_on:%d/%m/%Y}"}
            )
        if locked.ended_on is not None and period_end > locked.ended_on:
            raise ValidationError(
                {"period_end": f"The period cannot end after the plan ended on {locked.ended_on:%d/%m/%Y}"}
            )
        if amount_pence < 0:
            so_far = sum(locked.actual_costs.filter(action_key=action_key).values_list("amount_pence", flat=True))
            if so_far + amount_pence < 0:
                raise ValidationError(
                    {
                        "amount": f"A reduction cannot be more than the {plan_content.pounds(so_far)} "
                        "recorded for this service"
                    }
                )
        row = ActualCost.objects.create(
            plan=locked,
            action_key=action_key,
            amount_pence=amount_pence,
            period_start=period_start,
            period_end=period_end,
            note=note,
            recorded_by=actor,
        )
        audit.record(
            "create",
            user=actor,
            obj=row,
            child_id=locked.child_id,
            detail={"plan": locked.pk, "action": action_key, "amount_pence": amount_pence},
        )
    return row


__all__ = [
    "OWN_VERSION",
    "PlanRefused",
    "StaleEdit",
    "current_version",
    "do_agree",
    "do_endorse",
    "do_new_version",
    "do_record_actual_cost",
    "do_record_level_of_need",
    "do_record_review",
    "do_save_draft",
    "do_start_plan",
    "draft_version",
]


def do_end_plans_for_closure(child: Person, *, on: dt.date, actor: User, reason: str) -> list[Plan]:
    """The case closes: the child's open social care plans end on the day
    it closes, with the reason.  Plans of the multi-agency stages (the
    `plans` part) go on: closing a social care case does not end them."""
    from openics.core.roles import Part

    ended = []
    with transaction.atomic():
        for plan in Plan.objects.open().filter(child=child, part=Part.SOCIAL_CARE).select_for_update():
            plan.status = PlanStatus.ENDED
            plan.ended_on = max(on, plan.started_on) if plan.started_on else on
            plan.end_reason = reason
            plan.next_review_on = None
            plan.save(update_fields=["status", "ended_on", "end_reason", "next_review_on"])
            record_event(
                child,
                occurred_on=plan.ended_on,
                kind="plan_ended",
                summary=f"{plan.type.title} ended: the case closed",
                part=plan.part,
                origin=plan,
                entered_by=actor,
            )
            audit.record("end", user=actor, obj=plan, child_id=child.pk, detail={"reason": "case closed"})
            ended.append(plan)
    return ended
