"""The next review of a plan as a Deadline, so it shows in My work and reminders.

How the date is set is the plan type's `review` list, tried against the
authority's timescale profile (the authority the child is allocated in):
a rule the profile has counts from the plan's start or its last review;
"agreed" takes the date set at the meeting, stored through
`openics.timescales.actions.do_create_agreed_deadline`
(see docs/decisions/0007-plans-engine.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from django.core.exceptions import ValidationError

from openics.core.models import Organisation, User
from openics.records.deadlines import authority_for
from openics.timescales.actions import do_create_agreed_deadline, do_create_deadline, do_meet_deadline
from openics.timescales.deadlines import Setup, setup_for
from openics.timescales.errors import TimescaleError
from openics.timescales.models import Deadline
from openics.web.templatetags.web_tags import uk_date

from .models import Plan
from .types import AGREED

SOURCE_TYPE = "plans.plan"
AGREED_RULE_ID = "plan-review-agreed"
# However a date is agreed, a plan is reviewed within three years.
AGREED_MAX_DAYS = 3 * 366


@dataclass(frozen=True)
class ReviewMode:
    """How a plan's next review date is set for this authority."""

    rule_id: str | None  # a timescale rule, AGREED, or None (no review of its own)
    organisation: Organisation | None
    setup: Setup | None

    @property
    def agreed(self) -> bool:
        return self.rule_id == AGREED

    @property
    def by_rule(self) -> bool:
        return self.rule_id not in (None, AGREED)

    def describe(self) -> str:
        if self.rule_id is None:
            return "This plan has no review of its own."
        if self.agreed:
            return "The next review date is agreed at the meeting."
        assert self.setup is not None
        rule = self.setup.profile.rule(self.rule_id)
        return f"The next review is due by the rule '{rule.title}' ({rule.describe()})."


def review_mode(plan: Plan, actor: User) -> ReviewMode:
    # authority_for reads only `child_id`, which a plan has too.
    organisation = authority_for(cast(Any, plan), actor)
    setup = setup_for(organisation) if organisation is not None else None
    if setup is None:
        # Without an authority no rule can be counted: agree a date instead.
        rule = AGREED if plan.type.has_review else None
    else:
        rule = plan.type.review_rule(setup.profile.has_rule)
        if rule not in (None, AGREED):
            rule = setup.profile.rule(rule).id
    return ReviewMode(rule_id=rule, organisation=organisation, setup=setup)


def check_agreed_date(plan: Plan, *, held_on: dt.date, next_review_on: dt.date | None, field: str) -> dt.date:
    """The date agreed at the meeting, checked: after the meeting and within the type's limit."""
    if next_review_on is None:
        raise ValidationError({field: "Enter the date of the next review agreed at the meeting"})
    if next_review_on <= held_on:
        raise ValidationError({field: f"The next review must be after {uk_date(held_on)}"})
    within = plan.type.agreed_within_days or AGREED_MAX_DAYS
    latest = held_on + dt.timedelta(days=within)
    if next_review_on > latest:
        raise ValidationError(
            {field: f"A {plan.type.title} is reviewed by {uk_date(latest)} at the latest: choose an earlier date"}
        )
    return next_review_on


def _agreed_deadline(plan: Plan, mode: ReviewMode, *, trigger: dt.date, due: dt.date, actor: User) -> Deadline:
    assert mode.setup is not None and mode.organisation is not None
    return do_create_agreed_deadline(
        plan.child,
        setup=mode.setup,
        organisation=mode.organisation,
        rule_id=AGREED_RULE_ID,
        title=f"{plan.title} review (date agreed at the meeting)",
        trigger_date=trigger,
        due_date=due,
        acting_user=actor,
        source_type=SOURCE_TYPE,
        source_id=str(plan.pk),
        part=plan.part,
    )


def schedule_next_review(
    plan: Plan, *, trigger: dt.date, agreed_date: dt.date | None, actor: User, field: str = "next_review_on"
) -> dt.date | None:
    """Create the next-review deadline and answer its date (None: no review).
    Call inside the action's transaction."""
    mode = review_mode(plan, actor)
    if mode.rule_id is None:
        return None
    if mode.agreed:
        due = check_agreed_date(plan, held_on=trigger, next_review_on=agreed_date, field=field)
        if mode.setup is not None:
            _agreed_deadline(plan, mode, trigger=trigger, due=due, actor=actor)
        return due
    assert mode.organisation is not None and mode.rule_id is not None
    try:
        deadline = do_create_deadline(
            plan.child,
            rule_id=mode.rule_id,
            trigger_date=trigger,
            organisation=mode.organisation,
            acting_user=actor,
            source_type=SOURCE_TYPE,
            source_id=str(plan.pk),
            part=plan.part,
        )
    except TimescaleError as error:
        raise ValidationError({field: str(error)}) from None
    return deadline.due_date


def meet_open_reviews(plan: Plan, *, met_on: dt.date, actor: User, late_reason: str) -> None:
    """Meet the plan's open review deadline; a late one needs its reason."""
    open_reviews = Deadline.objects.open().filter(source_type=SOURCE_TYPE, source_id=str(plan.pk))
    for deadline in open_reviews.select_for_update():
        if met_on < deadline.trigger_date:
            continue
        if met_on > deadline.due_date and not late_reason.strip():
            raise ValidationError(
                {"late_reason": f"Enter the reason the review is late: it was due by {uk_date(deadline.due_date)}"}
            )
        try:
            do_meet_deadline(deadline, met_on=met_on, acting_user=actor, late_reason=late_reason)
        except TimescaleError as error:
            raise ValidationError({"review_date": str(error)}) from None


def open_review_deadlines(plan: Plan) -> Any:
    return Deadline.objects.open().filter(source_type=SOURCE_TYPE, source_id=str(plan.pk))
