"""Deadlines that records start and meet, as their definitions declare.

A definition's `[[deadlines]]` tables start a deadline when the record is
submitted (or endorsed); its `[[meets]]` tables meet the child's open
deadlines of those rules when it is submitted.  Which rule applies is the
authority's choice of profile: the first rule named that the profile has.
Called by the record actions inside their transaction, so a refused
submission leaves no deadline behind.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from openics.core.models import Involvement, InvolvementKind, Organisation, OrganisationKind, User
from openics.timescales.actions import do_create_deadline, do_meet_deadline
from openics.timescales.deadlines import Setup, setup_for
from openics.timescales.errors import TimescaleError
from openics.timescales.models import Deadline
from openics.web.templatetags.web_tags import uk_date

from .models import CaseRecord

# How a deadline names the record that started it.
SOURCE_TYPE = "records.caserecord"


def authority_for(record: CaseRecord, actor: User) -> Organisation | None:
    """The local authority whose timescales apply: the one the child is
    allocated in, else the actor's own authority."""
    return authority_for_child(record.child_id, actor)


def authority_for_child(child_id: int, actor: User) -> Organisation | None:
    """`authority_for`, for a child with no record yet."""
    allocation = (
        Involvement.objects.current()
        .filter(child_id=child_id, kind=InvolvementKind.ALLOCATED)
        .select_related("organisation")
        .order_by("-started_on", "-pk")
        .first()
    )
    if allocation is not None and allocation.organisation.kind == OrganisationKind.LOCAL_AUTHORITY:
        return allocation.organisation
    own = actor.organisation
    if own is not None and own.kind == OrganisationKind.LOCAL_AUTHORITY:
        return own
    return None


def _applicable(setup: Setup, rules: tuple[str, ...]) -> str | None:
    """The id of the first of `rules` the profile has."""
    for rule in rules:
        if setup.profile.has_rule(rule):
            return setup.profile.rule(rule).id
    return None


def _meet(record: CaseRecord, setup: Setup, *, actor: User, late_reason: str, today: dt.date) -> None:
    rule_ids = {rule_id for meet in record.definition.meets if (rule_id := _applicable(setup, meet.rules))}
    if not rule_ids:
        return
    # A deadline counted from a day still to come cannot be met today.
    due = Deadline.objects.open().filter(
        child_id=record.child_id, rule_id__in=rule_ids, part=record.part, trigger_date__lte=today
    )
    # A record never meets a deadline it started itself (a review that
    # starts the next review, submitted again after a return).
    due = due.exclude(source_type=SOURCE_TYPE, source_id=str(record.series))
    for deadline in due.select_for_update():
        if today > deadline.due_date and not late_reason:
            raise ValidationError(
                {
                    "late_reason": (
                        f"Enter the reason this record is late: the deadline "
                        f"'{deadline.title}' was due by {uk_date(deadline.due_date)}"
                    )
                }
            )
        do_meet_deadline(deadline, met_on=today, acting_user=actor, late_reason=late_reason)


def _start(record: CaseRecord, setup: Setup, organisation: Organisation, *, event: str, actor: User) -> None:
    today = timezone.localdate()
    for trigger in record.definition.deadlines:
        if trigger.on != event:
            continue
        # `when = { field = ..., equals = ... }`: only for these values.
        if trigger.when is not None and not trigger.when.holds(record.data):
            continue
        rule_id = _applicable(setup, trigger.rules)
        if rule_id is None:
            continue
        # A record returned and submitted again, or corrected, is the same
        # record (one series): it starts its deadline once.
        started = Deadline.objects.filter(
            child_id=record.child_id, source_type=SOURCE_TYPE, source_id=str(record.series), rule_id=rule_id
        )
        if started.exists():
            continue
        raw = record.data.get(trigger.from_field) if trigger.from_field else None
        trigger_date = dt.date.fromisoformat(raw) if raw else today
        try:
            do_create_deadline(
                record.child,
                rule_id=rule_id,
                trigger_date=trigger_date,
                organisation=organisation,
                acting_user=actor,
                source_type=SOURCE_TYPE,
                source_id=str(record.series),
                part=record.part,
            )
        except TimescaleError as error:
            raise ValidationError({trigger.from_field or "late_reason": str(error)}) from None


def apply_record_deadlines(record: CaseRecord, *, event: str, actor: User, late_reason: str = "") -> None:
    """Meet and start the deadlines the record's definition names for `event`
    ("submit" or "endorse").  Call inside the action's transaction.

    A late meeting without `late_reason` raises `ValidationError` keyed
    `late_reason`, so the whole submission is refused with that message.
    """
    definition = record.definition
    meets = definition.meets if event == "submit" else ()
    if not meets and not any(t.on == event for t in definition.deadlines):
        return
    organisation = authority_for(record, actor)
    if organisation is None:
        return
    setup = setup_for(organisation)
    today = timezone.localdate()
    if meets:
        _meet(record, setup, actor=actor, late_reason=late_reason.strip(), today=today)
    _start(record, setup, organisation, event=event, actor=actor)
