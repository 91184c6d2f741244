"""Plans, their versions and reviews, and each child's level of need.

A `Plan` is one plan of one type for one child, from its first draft to its
end.  It changes only by a new `PlanVersion`: a draft (autosaved, with a
version counter for stale-edit checks), then agreed, then endorsed where the
plan type asks for it.  The plan in force is its newest agreed version.  A
`PlanReview` records how each outcome went and the decision on the plan;
`LevelOfNeed` is the history of a child's Windscreen level and stage.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from openics.core.models import Person, User
from openics.core.roles import Part

if TYPE_CHECKING:
    from .types import PlanType


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft: not yet agreed")
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")


class PlanQuerySet(models.QuerySet["Plan"]):
    def open(self) -> PlanQuerySet:
        return self.exclude(status=PlanStatus.ENDED)

    def in_parts(self, parts: frozenset[str]) -> PlanQuerySet:
        return self.filter(part__in=parts)

    def due_for_review(self, on: dt.date) -> PlanQuerySet:
        """Active plans whose next review is due on or before `on`."""
        return self.filter(status=PlanStatus.ACTIVE, next_review_on__lte=on)


class Plan(models.Model):
    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="plans")
    plan_type = models.CharField(max_length=60)
    part = models.CharField(max_length=30, choices=Part.choices, default=Part.PLANS)
    status = models.CharField(max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    # The day the first version was agreed.
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.TextField(blank=True)
    # Kept with the plan so lists need no deadline join; the Deadline row is
    # what My work and reminders use.
    next_review_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["child", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="plans_end_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(status="ended") | Q(ended_on__isnull=False), name="plans_ended_has_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan_type} #{self.pk} ({self.status})"

    @property
    def type(self) -> PlanType:
        from .types import get_plan_type

        return get_plan_type(self.plan_type)

    @property
    def title(self) -> str:
        return self.type.title


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AGREED = "agreed", _("Agreed")
    ENDORSED = "endorsed", _("Agreed and endorsed")


class PlanVersion(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    content = models.JSONField(default=dict, blank=True)
    # Why this version was made: required from version 2.
    reason = models.TextField(blank=True)
    # Optimistic locking: a save names the counter it started from.
    version = models.PositiveIntegerField(default=1)
    # The review whose "amend and continue" decision started this version.
    from_review = models.ForeignKey("PlanReview", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    agreed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    agreed_at = models.DateTimeField(null=True, blank=True)
    agreed_on = models.DateField(null=True, blank=True)
    endorsed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    endorsed_at = models.DateTimeField(null=True, blank=True)
    endorsement_comments = models.TextField(blank=True)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plans_one_number_per_plan"),
            models.UniqueConstraint(fields=["plan"], condition=Q(status="draft"), name="plans_one_draft_per_plan"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(agreed_at__isnull=False, agreed_on__isnull=False),
                name="plans_agreed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} v{self.number} ({self.status})"

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT

    @property
    def awaiting_endorsement(self) -> bool:
        return self.status == VersionStatus.AGREED and self.plan.type.needs_endorsement


class Progress(models.TextChoices):
    MET = "met", _("Met")
    PARTLY = "partly", _("Partly met")
    NOT_MET = "not_met", _("Not met")


class ReviewDecision(models.TextChoices):
    CONTINUE = "continue", _("Continue the plan")
    AMEND = "amend", _("Amend and continue (a new version of the plan)")
    STEP_UP = "step_up", _("Step up")
    STEP_DOWN = "step_down", _("Step down")
    CLOSE = "close", _("Close the plan")


class PlanReview(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="reviews")
    # The version in force when the review was held: outcome keys refer to it.
    version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="reviews")
    review_date = models.DateField()
    held_at = models.CharField(max_length=200, blank=True)
    attended = models.TextField(blank=True)
    # [{outcome, happened, progress, impact, not_delivered, targets: {key: progress}}]
    outcomes = models.JSONField(default=list, blank=True)
    decision = models.CharField(max_length=20, choices=ReviewDecision.choices)
    decision_reason = models.TextField()
    next_review_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "review_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(next_review_on__isnull=True) | Q(next_review_on__gt=models.F("review_date")),
                name="plans_next_review_after_review",
            )
        ]

    def __str__(self) -> str:
        return f"Review of plan {self.plan_id} on {self.review_date}"

    def outcome_entry(self, key: str) -> dict[str, Any]:
        return next((o for o in self.outcomes if o.get("outcome") == key), {})


class Level(models.TextChoices):
    """The Windscreen levels of need."""

    UNIVERSAL = "universal", _("Universal")
    ADDITIONAL = "additional", _("Additional")
    INTENSIVE = "intensive", _("Intensive")
    SPECIALIST = "specialist", _("Specialist")


class Stage(models.IntegerChoices):
    ONE = 1, _("Stage 1")
    TWO = 2, _("Stage 2")
    THREE = 3, _("Stage 3")


class LevelOfNeedQuerySet(models.QuerySet["LevelOfNeed"]):
    def current_for(self, child: Person) -> LevelOfNeed | None:
        return self.filter(child=child).order_by("-decided_on", "-pk").first()


class LevelOfNeed(models.Model):
    """One decision on a child's level of need and stage; the newest is current."""

    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="levels_of_need")
    level = models.CharField(max_length=20, choices=Level.choices)
    stage = models.PositiveSmallIntegerField(choices=Stage.choices, null=True, blank=True)
    decided_on = models.DateField()
    reason = models.TextField()
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    review = models.ForeignKey(
        PlanReview, null=True, blank=True, on_delete=models.PROTECT, related_name="level_changes"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LevelOfNeedQuerySet.as_manager()

    class Meta:
        ordering = ["child", "decided_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(stage__isnull=True) | Q(stage__in=[1, 2, 3]), name="plans_stage_1_to_3")
        ]

    def __str__(self) -> str:
        return f"{self.level} (stage {self.stage}) from {self.decided_on}"


class ActualCost(models.Model):
    """What a service in the plan actually cost: an amount spent on one of
    the plan's actions over a period (a single day when it starts and ends
    the same day), and who recorded it.  Entries are never changed: an
    amount recorded in error, or a refund, is a negative entry with its
    reason, so the plan's actual cost is the sum of its entries."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="actual_costs")
    # The stable key of the action in the plan's content (it survives new versions).
    action_key = models.CharField(max_length=64)
    amount_pence = models.BigIntegerField()
    period_start = models.DateField()
    period_end = models.DateField()
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "-period_start", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount_pence=0), name="plans_actual_cost_not_zero"),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="plans_actual_cost_period_in_order"
            ),
            # A reduction says why.
            models.CheckConstraint(
                condition=Q(amount_pence__gt=0) | ~Q(note=""), name="plans_actual_cost_reduction_has_note"
            ),
        ]

    def __str__(self) -> str:
        return f"Actual cost {self.amount_pence}p on plan {self.plan_id} from {self.period_start}"


# ---------------------------------------------------------------- SEND One Planning
#
# A One Plan (plan type `one-plan`) runs the Assess, Plan, Do, Review cycle.
# The plan and its reviews are the engine's own rows; One Planning adds the
# evidence gathered to assess, the log of what was delivered, and the
# escalation to an EHC needs assessment.  See openics/plans/oneplan.py.


class EvidenceKind(models.TextChoices):
    PARENT = "parent", _("Views of the parents or carers")
    CHILD = "child", _("Views of the child or young person")
    PRACTITIONER = "practitioner", _("Evidence from a practitioner working with the child")
    EDUCATIONAL_PSYCHOLOGIST = "educational_psychologist", _("Advice from an educational psychologist")
    SOCIAL_WORKER = "social_worker", _("Advice from a social worker")
    HEALTH = "health", _("Advice from a health practitioner")


class OnePlanEvidence(models.Model):
    """Assess: one view, piece of evidence or advice attached to a One Plan."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="evidence")
    kind = models.CharField(max_length=30, choices=EvidenceKind.choices)
    given_by = models.CharField(max_length=200)
    role = models.CharField(max_length=200, blank=True)
    given_on = models.DateField()
    summary = models.TextField()
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "given_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.given_by} on {self.given_on}"


class DeliveredBy(models.TextChoices):
    TEACHER = "teacher", _("Teacher")
    KEY_WORKER = "key_worker", _("Key worker")
    SENCO = "senco", _("SENCo")
    HEALTH = "health", _("Health practitioner")
    HOME = "home", _("At home")


class DeliveryLogEntry(models.Model):
    """Do: what was done to deliver the plan, by whom, for which target."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="delivery_log")
    delivered_by = models.CharField(max_length=20, choices=DeliveredBy.choices)
    who = models.CharField(max_length=200)
    delivered_on = models.DateField()
    # The stable key of the target in the plan's outcomes (it survives new versions).
    target_key = models.CharField(max_length=64, blank=True)
    what_was_done = models.TextField()
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "-delivered_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_delivered_by_display()} on {self.delivered_on}"


class EhcRequester(models.TextChoices):
    PARENT = "parent", _("A parent")
    YOUNG_PERSON = "young_person", _("The young person")
    SCHOOL = "school", _("The school or setting")
    OTHER = "other", _("Someone else")


class EhcStatus(models.TextChoices):
    AWAITING_DECISION = "awaiting_decision", _("Awaiting the decision whether to assess")
    ASSESSING = "assessing", _("Assessing")
    NOT_ASSESSING = "not_assessing", _("Decided not to assess")
    DRAFT_ISSUED = "draft_issued", _("Draft plan issued")
    PLAN_ISSUED = "plan_issued", _("Final EHC plan issued")
    NO_PLAN = "no_plan", _("Decided not to issue a plan")


class EhcRequest(models.Model):
    """A request for an Education, Health and Care needs assessment and
    each statutory step after it; deadlines are `Deadline` rows."""

    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="ehc_requests")
    one_plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.PROTECT, related_name="ehc_requests")
    requested_by = models.CharField(max_length=20, choices=EhcRequester.choices)
    requester_name = models.CharField(max_length=200, blank=True)
    received_on = models.DateField()
    evidence = models.TextField()
    status = models.CharField(max_length=20, choices=EhcStatus.choices, default=EhcStatus.AWAITING_DECISION)
    decision_on = models.DateField(null=True, blank=True)
    decision_reasons = models.TextField(blank=True)
    # Not to assess: when the family was told.
    decision_notified_on = models.DateField(null=True, blank=True)
    advice_requested_on = models.DateField(null=True, blank=True)
    advice_received_on = models.DateField(null=True, blank=True)
    draft_issued_on = models.DateField(null=True, blank=True)
    final_issued_on = models.DateField(null=True, blank=True)
    no_plan_notified_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["child", "-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision_on__isnull=True) | Q(decision_on__gte=models.F("received_on")),
                name="plans_ehc_decision_after_request",
            ),
            models.CheckConstraint(
                condition=Q(final_issued_on__isnull=True) | Q(final_issued_on__gte=models.F("received_on")),
                name="plans_ehc_final_after_request",
            ),
        ]

    def __str__(self) -> str:
        return f"EHC needs assessment request {self.pk} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in (EhcStatus.AWAITING_DECISION, EhcStatus.ASSESSING, EhcStatus.DRAFT_ISSUED)
