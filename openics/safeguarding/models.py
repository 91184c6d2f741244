"""Safeguarding concerns recorded by school staff, and the DSL's decisions.

A concern is never edited once recorded: only `actions.py` writes, and it
offers no update.  Later information is an `ConcernAddition`; the DSL's
decision is a `TriageDecision` (a later one supersedes an earlier one, both
kept).  Concerns belong to the `school_safeguarding` part of the child's
record: the school's child protection file.
"""

from __future__ import annotations

import datetime as dt

import pgtrigger
from django.db import models
from django.db.models import Q
from django.utils import timezone

from openics.core.models import Organisation, Person, User

from .codes import ConcernCategory, LevelOfNeed, TriageOutcome

# A concern about a child who had another within this many days is flagged.
RECENT_DAYS = 7


# What the member of staff wrote: never changed after it is recorded.  (The
# child and the school may change: a merge of duplicate records, a transfer
# of the file to the pupil's next school.)
CONCERN_RECORDED_FIELDS = (
    "occurred_at",
    "location",
    "account",
    "childs_words",
    "categories",
    "body_map",
    "action_taken",
    "dsl_informed_verbally",
    "fgm_known",
    "recorded_by",
    "recorded_at",
)


class ConcernQuerySet(models.QuerySet["Concern"]):
    def unread(self) -> ConcernQuerySet:
        return self.filter(first_read_at__isnull=True)

    def awaiting_decision(self) -> ConcernQuerySet:
        return self.filter(decided_at__isnull=True)

    def triage_order(self) -> ConcernQuerySet:
        """Unread first, then oldest first: the DSL's queue."""
        return self.order_by(models.F("first_read_at").asc(nulls_first=True), "recorded_at", "pk")


class Concern(models.Model):
    school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="safeguarding_concerns")
    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="safeguarding_concerns")
    other_pupils = models.ManyToManyField(Person, blank=True, related_name="linked_safeguarding_concerns")
    occurred_at = models.DateTimeField()
    location = models.CharField(max_length=200)
    account = models.TextField()
    childs_words = models.TextField(blank=True)
    categories = models.JSONField(default=list)
    # [{"view": "front"|"back", "x": 0..1, "y": 0..1, "note": str}, …]
    body_map = models.JSONField(default=list, blank=True)
    action_taken = models.TextField()
    dsl_informed_verbally = models.BooleanField()
    fgm_known = models.BooleanField(default=False)
    # Another concern about the child in the RECENT_DAYS before this one.
    recent_flag = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="safeguarding_concerns_recorded")
    recorded_at = models.DateTimeField(default=timezone.now)
    # First opened by the school's DSL or a deputy; unread concerns escalate.
    first_read_at = models.DateTimeField(null=True, blank=True)
    first_read_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    escalated_at = models.DateTimeField(null=True, blank=True)
    # The latest decision's moment, kept here so the queue is one query.
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = ConcernQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        indexes = [
            models.Index(fields=["school", "decided_at", "recorded_at"]),
            models.Index(fields=["child", "-recorded_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(account=""), name="concern_has_account"),
            models.CheckConstraint(condition=~Q(categories=[]), name="concern_has_category"),
        ]
        # On PostgreSQL the database itself keeps a concern as recorded:
        # what was written, by whom and when cannot be updated, and nothing
        # is deleted (destruction under the retention rule will lift this
        # deliberately, logged).  Only the workflow columns change.
        triggers = [
            pgtrigger.Protect(
                name="concern_as_recorded",
                operation=pgtrigger.Update,
                condition=pgtrigger.AnyChange(*CONCERN_RECORDED_FIELDS),
            ),
            pgtrigger.Protect(name="concern_not_deleted", operation=pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"Concern {self.pk}"

    @property
    def category_labels(self) -> list[str]:
        labels = dict(ConcernCategory.choices)
        return [str(labels.get(code, code)) for code in self.categories]

    @property
    def is_fgm(self) -> bool:
        return ConcernCategory.FGM in self.categories

    @property
    def marks(self) -> list[dict[str, object]]:
        """Body map marks, numbered from 1 in the order they were made."""
        return [{**mark, "number": i} for i, mark in enumerate(self.body_map, start=1)]

    def marks_on(self, view: str) -> list[dict[str, object]]:
        return [m for m in self.marks if m.get("view") == view]

    @property
    def front_marks(self) -> list[dict[str, object]]:
        return self.marks_on("front")

    @property
    def back_marks(self) -> list[dict[str, object]]:
        return self.marks_on("back")

    @property
    def map_views(self) -> list[tuple[str, str, list[dict[str, object]]]]:
        """(view, label, marks) for drawing the body map."""
        return [("front", "Front", self.front_marks), ("back", "Back", self.back_marks)]


EMPTY_MAP_VIEWS: list[tuple[str, str, list[dict[str, object]]]] = [("front", "Front", []), ("back", "Back", [])]


class ConcernAddition(models.Model):
    """Information added after a concern was recorded: who, when, what."""

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="additions")
    text = models.TextField()
    added_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "pk"]
        triggers = [pgtrigger.Protect(name="addition_append_only", operation=pgtrigger.Update | pgtrigger.Delete)]


class TriageDecision(models.Model):
    """The DSL's recorded decision and action on a concern."""

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(max_length=20, choices=TriageOutcome.choices)
    level_of_need = models.CharField(max_length=2, choices=LevelOfNeed.choices, blank=True)
    immediate_risk = models.BooleanField(default=False)
    hub_phoned_at = models.DateTimeField(null=True, blank=True)
    police_informed_at = models.DateTimeField(null=True, blank=True)
    advice_from = models.CharField(max_length=200, blank=True)
    parents_informed = models.BooleanField()
    parents_not_informed_reason = models.TextField(blank=True)
    follow_up_on = models.DateField(null=True, blank=True)
    rationale = models.TextField()
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        triggers = [pgtrigger.Protect(name="decision_append_only", operation=pgtrigger.Update | pgtrigger.Delete)]
        constraints = [
            models.CheckConstraint(
                condition=Q(parents_informed=True) | ~Q(parents_not_informed_reason=""),
                name="triage_reason_when_parents_not_told",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="early_help") | ~Q(level_of_need=""), name="triage_early_help_has_level"
            ),
        ]


class FgmNotification(models.Model):
    """The teacher's own report to the police of a known case of FGM
    (Female Genital Mutilation Act 2003 s5B): that it was made, by whom,
    when, and the police reference."""

    concern = models.OneToOneField(Concern, on_delete=models.PROTECT, related_name="fgm_notification")
    notified_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    notified_at = models.DateTimeField()
    police_reference = models.CharField(max_length=60)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        triggers = [pgtrigger.Protect(name="fgm_notification_kept", operation=pgtrigger.Update | pgtrigger.Delete)]


def recent_window_start(at: dt.datetime) -> dt.datetime:
    return at - dt.timedelta(days=RECENT_DAYS)


# ---------------------------------------------------------------- transfer of the file
# (Transfer of records: `transfers.py` holds the actions.)


class TransferMethod(models.TextChoices):
    OPENICS = "openics", "To the receiving school's DSL in OpenICS"
    PACKAGE = "package", "Sealed export package (receiving school not on OpenICS)"


class FileTransferQuerySet(models.QuerySet["FileTransfer"]):
    def open(self) -> FileTransferQuerySet:
        return self.filter(received_at__isnull=True)

    def for_schools(self, school_ids: frozenset[int] | set[int]) -> FileTransferQuerySet:
        return self.filter(Q(from_school_id__in=school_ids) | Q(to_school_id__in=school_ids))


class FileTransfer(models.Model):
    """A child protection file sent to the pupil's next school: marked
    confidential, for the receiving DSL, separate from the pupil file; the
    receipt is confirmed (who, when, how), then the sender's copy is
    destroyed (`FileDestruction`)."""

    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cp_file_transfers")
    from_school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="cp_files_sent")
    # An OpenICS school, or the name and address of one that is not on OpenICS.
    to_school = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="cp_files_received"
    )
    to_school_name = models.CharField(max_length=200, blank=True)
    method = models.CharField(max_length=10, choices=TransferMethod.choices)
    left_on = models.DateField()
    # Within 5 school days of leaving (working days when no terms are recorded).
    due_on = models.DateField()
    due_unit = models.CharField(max_length=20, default="school days")
    note = models.TextField(blank=True)
    concern_count = models.PositiveIntegerField(default=0)
    started_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    package_downloaded_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    # Who confirmed receipt: a user of the receiving school, or (package) a name.
    received_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    received_by_name = models.CharField(max_length=200, blank=True)
    received_how = models.CharField(max_length=200, blank=True)
    receipt_recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    destroyed_at = models.DateTimeField(null=True, blank=True)

    objects = FileTransferQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_school__isnull=False) | ~Q(to_school_name=""), name="transfer_has_receiver"
            ),
            models.CheckConstraint(
                condition=Q(method="package") | Q(to_school__isnull=False), name="transfer_openics_has_school"
            ),
            models.UniqueConstraint(
                fields=["child", "from_school"], condition=Q(received_at__isnull=True), name="one_open_transfer"
            ),
        ]

    def __str__(self) -> str:
        return f"Transfer {self.pk}"

    @property
    def receiver_name(self) -> str:
        return self.to_school.name if self.to_school_id and self.to_school else self.to_school_name

    def is_overdue(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        if self.received_at is not None:
            return timezone.localdate(self.received_at) > self.due_on
        return today > self.due_on

    @property
    def status_label(self) -> str:
        if self.destroyed_at:
            return "Received; sender's copy destroyed"
        if self.received_at:
            return "Received"
        return "Overdue" if self.is_overdue() else "Sent, awaiting receipt"


class FileDestruction(models.Model):
    """The log of a sending school's copy destroyed: what (counts), when, by
    whom, never the content."""

    transfer = models.OneToOneField(FileTransfer, on_delete=models.PROTECT, related_name="destruction")
    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cp_file_destructions")
    school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    concerns = models.PositiveIntegerField()
    additions = models.PositiveIntegerField()
    decisions = models.PositiveIntegerField()
    fgm_notifications = models.PositiveIntegerField()
    # "ownership passed to <school>" or "deleted after receipt of the package".
    how = models.CharField(max_length=300)
    destroyed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    destroyed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-destroyed_at", "-pk"]
        triggers = [pgtrigger.Protect(name="destruction_log_kept", operation=pgtrigger.Update | pgtrigger.Delete)]


class FileRequestAnswer(models.TextChoices):
    SENT = "sent", "File sent"
    NO_FILE = "no_file", "No file held"


class FileRequest(models.Model):
    """A joiner's child protection file asked for from the previous school,
    tracked until answered (request, reminders, answer)."""

    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cp_file_requests")
    school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="cp_file_requests_made")
    previous_school = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="cp_file_requests_received"
    )
    previous_school_name = models.CharField(max_length=200, blank=True)
    joined_on = models.DateField()
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    reminders = models.PositiveIntegerField(default=0)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    answer = models.CharField(max_length=10, choices=FileRequestAnswer.choices, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    answer_note = models.CharField(max_length=500, blank=True)
    # The transfer that sent the file, when it went through OpenICS.
    transfer = models.ForeignKey(
        FileTransfer, null=True, blank=True, on_delete=models.PROTECT, related_name="answered_requests"
    )

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(previous_school__isnull=False) | ~Q(previous_school_name=""), name="request_has_school"
            ),
        ]

    @property
    def previous_name(self) -> str:
        if self.previous_school_id and self.previous_school:
            return self.previous_school.name
        return self.previous_school_name
