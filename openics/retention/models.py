"""Retention: legal holds, reviews of records whose time is up, and the log
of every destruction.

A *subject* is what one review is about: a class of record for one child
(and, for a school's record, one school), or one row of a class kept per row
(an allegation).  The schedule itself is data (rules.toml); these tables
hold only the decisions and the evidence.
"""

from __future__ import annotations

import pgtrigger
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openics.core.models import Organisation, Person, User


class RecordedDateKind(models.TextChoices):
    ADOPTION_ORDER = "adoption_order", _("Adoption order made")


class RecordedDate(models.Model):
    """A date a retention rule needs that no other record holds (the date of
    an adoption order), recorded by a records manager with its source."""

    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="retention_dates")
    kind = models.CharField(max_length=30, choices=RecordedDateKind.choices)
    on = models.DateField()
    source = models.CharField(max_length=300)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-pk"]


class LegalHoldQuerySet(models.QuerySet["LegalHold"]):
    def active(self) -> LegalHoldQuerySet:
        return self.filter(lifted_at__isnull=True)

    def covering(self, child_id: int, class_id: str) -> LegalHoldQuerySet:
        return self.active().filter(child_ref=child_id).filter(Q(class_id="") | Q(class_id=class_id))


class LegalHold(models.Model):
    """A stop on destruction: litigation, an inquiry, a subject access
    request, a complaint.  While it is active nothing it covers is destroyed,
    whatever a review decided.  Kept after it is lifted, as evidence."""

    # The child's id is kept as a number so the hold outlives the child's
    # identity record; `child` is the live link while that record exists.
    child = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="legal_holds")
    child_ref = models.PositiveBigIntegerField()
    # Blank: every class of the child's record.
    class_id = models.CharField(max_length=40, blank=True)
    reason = models.TextField()
    reference = models.CharField(max_length=200, blank=True)
    placed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField(default=timezone.now)
    lifted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.TextField(blank=True)

    objects = LegalHoldQuerySet.as_manager()

    class Meta:
        ordering = ["-placed_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="legal_hold_has_reason"),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True) | ~Q(lift_reason=""), name="legal_hold_lift_has_reason"
            ),
        ]
        triggers = [pgtrigger.Protect(name="legal_hold_kept", operation=pgtrigger.Delete)]

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


class ReviewStatus(models.TextChoices):
    DUE = "due", _("Due for review")
    DESTROY = "destroy", _("Approved for destruction")
    KEPT = "kept", _("Kept longer")
    DESTROYED = "destroyed", _("Destroyed")
    BLOCKED = "blocked", _("Destruction could not be completed")
    EMPTY = "empty", _("Nothing left to destroy")


OPEN_STATUSES = (ReviewStatus.DUE, ReviewStatus.DESTROY, ReviewStatus.BLOCKED)


class RetentionReviewQuerySet(models.QuerySet["RetentionReview"]):
    def open(self) -> RetentionReviewQuerySet:
        return self.filter(status__in=OPEN_STATUSES)


class RetentionReview(models.Model):
    """One subject whose kept-until date has come, and what the reviewer
    decided: destroy, or keep until a later date with a reason."""

    class_id = models.CharField(max_length=40)
    child = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    child_ref = models.PositiveBigIntegerField(null=True, blank=True)
    holder = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # For a class kept per row: the row ("app_label.model", pk).
    root_type = models.CharField(max_length=60, blank=True)
    root_id = models.PositiveBigIntegerField(null=True, blank=True)
    # The subject in one column, so one open review per subject is a plain
    # unique constraint on every database ("class|child|holder|type|row").
    subject_key = models.CharField(max_length=200)
    kept_until = models.DateField()
    basis = models.CharField(max_length=300)
    source = models.TextField()
    status = models.CharField(max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.DUE)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    keep_until = models.DateField(null=True, blank=True)
    blocked_reason = models.CharField(max_length=500, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Stale-decision guard.
    version = models.PositiveIntegerField(default=1)

    objects = RetentionReviewQuerySet.as_manager()

    class Meta:
        ordering = ["kept_until", "pk"]
        indexes = [models.Index(fields=["status", "class_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_key"],
                condition=Q(status__in=["due", "destroy", "blocked"]),
                name="one_open_review_per_subject",
            ),
            models.CheckConstraint(
                condition=~Q(status="kept") | Q(keep_until__isnull=False) & ~Q(decision_reason=""),
                name="kept_review_has_date_and_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Retention review {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Destruction(models.Model):
    """The destruction log: what was destroyed (class, whose, which school,
    how many rows of each kind), under which rule, on whose approval and
    when.  Never the content.  The database refuses to change or delete it."""

    review = models.OneToOneField(
        RetentionReview, null=True, blank=True, on_delete=models.PROTECT, related_name="destruction"
    )
    class_id = models.CharField(max_length=40)
    # Numbers, not links: the log outlives the records it speaks of.
    child_ref = models.PositiveBigIntegerField(null=True, blank=True)
    child_reference = models.CharField(max_length=40, blank=True)
    holder = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    rows = models.JSONField(default=dict)
    kept_until = models.DateField(null=True, blank=True)
    basis = models.CharField(max_length=300, blank=True)
    source = models.TextField(blank=True)
    approved_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    destroyed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-destroyed_at", "-pk"]
        triggers = [pgtrigger.Protect(name="destruction_log_kept", operation=pgtrigger.Update | pgtrigger.Delete)]

    @property
    def row_total(self) -> int:
        return sum(int(n) for n in self.rows.values())
