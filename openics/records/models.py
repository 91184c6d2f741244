"""Typed case records and the decisions made on them.

A `CaseRecord` holds what a record definition (a TOML file) describes, as
JSON keyed by field name.  Its workflow: draft -> submitted -> endorsed, or
returned (and then edited and submitted again).  An endorsed record is
locked; a correction is a new record that `supersedes` it.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from openics.core.models import Person, User
from openics.core.roles import Part

if TYPE_CHECKING:
    from .definitions import RecordDefinition


class RecordStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for changes")
    ENDORSED = "endorsed", _("Endorsed")


EDITABLE = (RecordStatus.DRAFT, RecordStatus.RETURNED)


class CaseRecordQuerySet(models.QuerySet["CaseRecord"]):
    def awaiting_endorsement(self) -> CaseRecordQuerySet:
        """Submitted and waiting for a manager, oldest submission first."""
        return self.filter(status=RecordStatus.SUBMITTED, needs_endorsement=True).order_by("submitted_at", "pk")

    def for_user(self, user: User) -> CaseRecordQuerySet:
        """Records `user` may see: on a child `Person.objects.visible_to(user)`
        gives, and in a part of the record one of the user's grounds opens."""
        from openics.timescales.models import people_by_parts

        groups = people_by_parts(user)
        if not groups:
            return self.none()
        by_part = Q(pk__in=[])
        for parts, people in groups:
            by_part |= Q(part__in=parts, child__in=people.values("pk"))
        visible = Person.objects.visible_to(user).values("pk")
        return self.filter(child__in=visible).filter(by_part)


class CaseRecord(models.Model):
    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="case_records")
    kind = models.CharField(max_length=60)
    definition_version = models.PositiveIntegerField()
    part = models.CharField(max_length=30, choices=Part.choices, default=Part.SOCIAL_CARE)
    status = models.CharField(max_length=20, choices=RecordStatus.choices, default=RecordStatus.DRAFT)
    # Copied from the definition at submission, so the queue is one query.
    needs_endorsement = models.BooleanField(default=True)
    data = models.JSONField(default=dict, blank=True)
    # Optimistic locking: a save names the version it started from.
    version = models.PositiveIntegerField(default=1)
    # Every version of one record shares a series; `edition` counts them.
    series = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)
    edition = models.PositiveIntegerField(default=1)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    # Records made together about several children (one contact concerning
    # a family) share a group; each child's record keeps its own workflow.
    linked_group = models.UUIDField(null=True, blank=True, editable=False, db_index=True)
    correction_reason = models.TextField(blank=True)
    late_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    endorsed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    endorsed_at = models.DateTimeField(null=True, blank=True)

    objects = CaseRecordQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["child", "kind"]),
            models.Index(fields=["status", "submitted_at"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["series", "edition"], name="records_one_edition_per_series"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def definition(self) -> RecordDefinition:
        from .definitions import get_definition

        return get_definition(self.kind, self.definition_version)

    @property
    def title(self) -> str:
        return self.definition.title

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE

    @property
    def is_locked(self) -> bool:
        """Endorsed, or submitted when the record needs no endorsement."""
        return self.status == RecordStatus.ENDORSED or (
            self.status == RecordStatus.SUBMITTED and not self.needs_endorsement
        )

    def value(self, name: str) -> Any:
        return self.data.get(name)


class DecisionAction(models.TextChoices):
    SUBMIT = "submit", _("Submitted")
    RETURN = "return", _("Returned for changes")
    ENDORSE = "endorse", _("Endorsed")
    CORRECT = "correct", _("Correction started")


class RecordDecision(models.Model):
    """One step in a record's workflow, with who, when and why."""

    record = models.ForeignKey(CaseRecord, on_delete=models.PROTECT, related_name="decisions")
    action = models.CharField(max_length=20, choices=DecisionAction.choices)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    comments = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} on {self.record_id}"
