"""Episodes of work, derived from a child's case records.

Nothing here is typed by anyone: `derive.rebuild_child_episodes` replaces a
child's rows from the records each time one of them is submitted, returned,
endorsed or corrected, so an episode can never disagree with the records it
comes from.  The CIN census (`CINdetails`, `ChildProtectionPlans`) and the
authority's list of children subject to a plan read these rows.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openics.core.models import Involvement, InvolvementKind, Person, User
from openics.core.roles import Part
from openics.records.codes import CategoryOfAbuse, ReasonForClosure, ReferralSource
from openics.records.models import CaseRecord
from openics.timescales.models import Deadline


class CINEpisodeQuerySet(models.QuerySet["CINEpisode"]):
    def open(self) -> CINEpisodeQuerySet:
        return self.filter(closure_date__isnull=True)


class CINEpisode(models.Model):
    """Referral to closure: one `CINdetails` of the CIN census."""

    child = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="cin_episodes")
    referral_series = models.UUIDField()
    # The edition of the referral the episode was derived from.
    referral_record = models.ForeignKey(CaseRecord, on_delete=models.PROTECT, related_name="+")
    referral_date = models.DateField()
    referral_source = models.CharField(max_length=3, choices=ReferralSource.choices, blank=True)
    referral_nfa = models.BooleanField(default=False)
    primary_need = models.CharField(max_length=2, blank=True)
    closure_date = models.DateField(null=True, blank=True)
    reason_for_closure = models.CharField(max_length=4, choices=ReasonForClosure.choices, blank=True)
    closure_series = models.UUIDField(null=True, blank=True)
    closure_record = models.ForeignKey(CaseRecord, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # The child's previous episode, when this one opened after it closed.
    reopens = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reopened_by")
    derived_at = models.DateTimeField(default=timezone.now)

    objects = CINEpisodeQuerySet.as_manager()

    class Meta:
        ordering = ["child", "referral_date", "pk"]
        indexes = [models.Index(fields=["child", "referral_date"])]
        constraints = [
            models.UniqueConstraint(
                fields=["child"], condition=Q(closure_date__isnull=True), name="casework_one_open_cin_episode"
            ),
            models.CheckConstraint(
                condition=Q(closure_date__isnull=True) | Q(closure_date__gte=models.F("referral_date")),
                name="casework_cin_closes_after_referral",
            ),
        ]

    def __str__(self) -> str:
        return f"CIN episode from {self.referral_date}"

    @property
    def is_open(self) -> bool:
        return self.closure_date is None

    @property
    def primary_need_label(self) -> str:
        return primary_need_label(self.primary_need)

    def cin_plan_dates(self) -> list[tuple[dt.date, dt.date | None]]:
        """The CIN census's CINPlanDates: the child's agreed Child in Need
        Plans (the plans engine) that started within this episode, as
        (start, end); read from the plans, never stored twice."""
        from openics.plans.models import Plan

        plans = Plan.objects.filter(child_id=self.child_id, plan_type="cin-plan", started_on__gte=self.referral_date)
        if self.closure_date is not None:
            plans = plans.filter(started_on__lte=self.closure_date)
        rows = plans.order_by("started_on", "pk").values_list("started_on", "ended_on")
        return [(start, end) for start, end in rows if start is not None]


# Review deadlines: the next one is the plan's next review conference.
REVIEW_RULES = ("cp-review-first", "cp-review")


class CPEpisodeQuerySet(models.QuerySet["CPEpisode"]):
    def open(self) -> CPEpisodeQuerySet:
        return self.filter(ended_on__isnull=True)

    def for_user(self, user: User) -> CPEpisodeQuerySet:
        """Plans of children `user` may see, and whose social care record
        one of the user's grounds opens (a school sees the flag, not this)."""
        from openics.timescales.models import people_by_parts

        by_part = Q(pk__in=[])
        found = False
        for parts, people in people_by_parts(user):
            if Part.SOCIAL_CARE in parts:
                by_part |= Q(child__in=people.values("pk"))
                found = True
        if not found:
            return self.none()
        visible = Person.objects.visible_to(user).values("pk")
        return self.filter(child__in=visible).filter(by_part)

    def in_team(self, team_id: int) -> CPEpisodeQuerySet:
        """Plans of children allocated to the team now."""
        allocated = Involvement.objects.current().filter(
            child=OuterRef("child_id"), kind=InvolvementKind.ALLOCATED, team_id=team_id
        )
        return self.filter(Exists(allocated))

    def with_list_details(self) -> CPEpisodeQuerySet:
        """The child, the allocated worker and team, and the next review's
        due date, in the same query."""
        allocation = (
            Involvement.objects.current()
            .filter(child=OuterRef("child_id"), kind=InvolvementKind.ALLOCATED)
            .order_by("-started_on", "-pk")
        )
        worker = allocation.annotate(
            name=Concat("worker__first_name", Value(" "), "worker__last_name", output_field=models.CharField())
        )
        review = (
            Deadline.objects.open()
            .filter(child=OuterRef("child_id"), rule_id__in=REVIEW_RULES)
            .order_by("due_date")
            .values("due_date")[:1]
        )
        return self.select_related("child").annotate(
            worker_name=Subquery(worker.values("name")[:1]),
            team_name=Subquery(allocation.values("team__name")[:1]),
            next_review=Subquery(review),
        )


class CPEpisode(models.Model):
    """A child protection plan, initial conference to the end of the plan:
    one `ChildProtectionPlans` entry of the CIN census."""

    child = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="cp_episodes")
    cin_episode = models.ForeignKey(
        CINEpisode, null=True, blank=True, on_delete=models.SET_NULL, related_name="cp_episodes"
    )
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    initial_category = models.CharField(max_length=3, choices=CategoryOfAbuse.choices, blank=True)
    latest_category = models.CharField(max_length=3, choices=CategoryOfAbuse.choices, blank=True)
    # The child's plans that started before this one.
    previous_plans = models.PositiveSmallIntegerField(default=0)
    icpc_series = models.UUIDField()
    icpc_record = models.ForeignKey(CaseRecord, on_delete=models.PROTECT, related_name="+")
    # What ended the plan: a review conference (Part 2) or a closure record.
    ended_by_series = models.UUIDField(null=True, blank=True)
    ended_by_record = models.ForeignKey(CaseRecord, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # Review conference dates (ISO strings, oldest first): `CPPreviewDate`.
    review_dates = models.JSONField(default=list, blank=True)
    derived_at = models.DateTimeField(default=timezone.now)

    objects = CPEpisodeQuerySet.as_manager()

    class Meta:
        ordering = ["child", "started_on", "pk"]
        indexes = [
            models.Index(fields=["child", "ended_on"]),
            # The authority's list: open plans by start date.
            models.Index(fields=["started_on"], condition=Q(ended_on__isnull=True), name="casework_open_cp_by_start"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["child"], condition=Q(ended_on__isnull=True), name="casework_one_open_cp_episode"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="casework_cp_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"CP plan from {self.started_on}"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None

    @property
    def reviews(self) -> list[dt.date]:
        return [dt.date.fromisoformat(d) for d in self.review_dates]

    @property
    def latest_category_label(self) -> str:
        return category_label(self.latest_category)

    @property
    def initial_category_label(self) -> str:
        return category_label(self.initial_category)


def category_label(code: str) -> str:
    if not code:
        return ""
    try:
        return str(CategoryOfAbuse(code).label)
    except ValueError:
        return code


# The CIN census PrimaryNeedCode labels, used until (and unless) the records
# app's code lists carry their own "primary_need" list.
PRIMARY_NEED_LABELS = {
    "N0": _("Not stated"),
    "N1": _("Abuse or neglect"),
    "N2": _("Child's disability or illness"),
    "N3": _("Parental disability or illness"),
    "N4": _("Family in acute stress"),
    "N5": _("Family dysfunction"),
    "N6": _("Socially unacceptable behaviour"),
    "N7": _("Low income"),
    "N8": _("Absent parenting"),
    "N9": _("Cases other than children in need"),
}


def primary_need_label(code: str) -> str:
    if not code:
        return ""
    from openics.records.codes import CODE_LISTS

    codes = CODE_LISTS.get("primary_need")
    if codes is not None:
        try:
            return f"{code} {codes(code).label}"
        except ValueError:
            pass
    label = PRIMARY_NEED_LABELS.get(code)
    return f"{code} {label}" if label else code
