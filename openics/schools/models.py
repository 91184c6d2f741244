"""School operations data: attendance marks and imports, absence follow-up
and notifications to the local authority, allegations against staff (a
restricted area), the school's safeguarding arrangements and training.

Every write goes through `actions.py`; who may read what is in `access.py`.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from openics.core.models import Organisation, Person, User

from .codes import AllegationEntryKind, AllegationOutcome, FollowUpKind, NotificationMethod, Session, TrainingLevel

# ------------------------------------------------------------ attendance


class AttendanceImport(models.Model):
    """An uploaded register file.  Checked in full first; nothing is written
    until the whole file is valid and someone confirms the preview."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", "Checked, awaiting confirmation"
        APPLIED = "applied", "Imported"

    school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="attendance_imports")
    filename = models.CharField(max_length=200, blank=True)
    content = models.TextField()
    rows = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PREVIEWED)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]


class AttendanceMark(models.Model):
    """One session's mark for one pupil.  A later mark for the same session
    replaces the code (registers are corrected); the audit keeps the change."""

    school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="attendance_marks")
    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="attendance_marks")
    date = models.DateField()
    session = models.CharField(max_length=2, choices=Session.choices)
    code = models.CharField(max_length=3)
    source = models.ForeignKey(AttendanceImport, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["date", "session"]
        indexes = [models.Index(fields=["school", "date"])]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "child", "date", "session"], name="attendance_one_mark_per_session"
            )
        ]


class AbsenceFollowUp(models.Model):
    """Something done about a pupil's absence: a call, a home visit, a letter."""

    school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="absence_follow_ups")
    kind = models.CharField(max_length=20, choices=FollowUpKind.choices)
    done_by = models.CharField(max_length=200)
    done_on = models.DateField()
    outcome = models.TextField()
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-done_on", "-pk"]
        constraints = [models.CheckConstraint(condition=~Q(outcome=""), name="follow_up_has_outcome")]


class AbsenceNotificationQuerySet(models.QuerySet["AbsenceNotification"]):
    def open(self) -> AbsenceNotificationQuerySet:
        return self.filter(notified_at__isnull=True)


class AbsenceNotification(models.Model):
    """A run of 10 consecutive school days of unexplained absence: the task
    of telling the local authority, and the record that it was done."""

    school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="absence_notifications")
    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="absence_notifications")
    first_day = models.DateField()
    last_day = models.DateField()
    school_days = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    deadline = models.ForeignKey(
        "timescales.Deadline", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # The notification made.
    notified_at = models.DateTimeField(null=True, blank=True)
    notified_by = models.CharField(max_length=200, blank=True)
    method = models.CharField(max_length=10, choices=NotificationMethod.choices, blank=True)
    reference = models.CharField(max_length=100, blank=True)
    late_reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(null=True, blank=True)

    objects = AbsenceNotificationQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["school", "child", "first_day"], name="absence_notification_once_per_run"),
            models.CheckConstraint(
                condition=Q(notified_at__isnull=True) | ~Q(notified_by="") & ~Q(method=""),
                name="absence_notification_says_who_and_how",
            ),
        ]


# ------------------------------------------------------------ arrangements


class SchoolArrangements(models.Model):
    """The policy's cover sheet: who is who for safeguarding at the school.
    The DSL and deputies come from their role assignments; the governors
    named here must hold the governor role at the school."""

    school = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="safeguarding_arrangements")
    safeguarding_governor = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    chair_of_governors = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    policy_adopted_on = models.DateField(null=True, blank=True)
    policy_review_on = models.DateField(null=True, blank=True)
    lado_phone = models.CharField(max_length=30, blank=True)
    hub_phone = models.CharField(max_length=30, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)


# ------------------------------------------------------------ allegations


class Allegation(models.Model):
    """An allegation against a member of staff (or volunteer, or contractor).

    Restricted: only the headteacher (the chair of governors when it
    concerns the head), the LADO and the people named as participants may
    know it exists.  See `access.allegations_visible_to`.
    """

    school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="allegations")
    about_name = models.CharField(max_length=200)
    about_user = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    about_role = models.CharField(max_length=200, blank=True)
    concerns_head = models.BooleanField(default=False)
    what = models.TextField()
    occurred_on = models.DateField(null=True, blank=True)
    reported_by = models.CharField(max_length=200)
    received_at = models.DateTimeField()
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    # The LADO informed within one working day of the allegation being received.
    lado_due_on = models.DateField()
    lado_rule = models.CharField(max_length=100, blank=True)
    lado_informed_at = models.DateTimeField(null=True, blank=True)
    lado_name = models.CharField(max_length=200, blank=True)
    lado_reference = models.CharField(max_length=100, blank=True)
    lado_late_reason = models.TextField(blank=True)
    outcome = models.CharField(max_length=20, choices=AllegationOutcome.choices, blank=True)
    outcome_on = models.DateField(null=True, blank=True)
    outcome_note = models.TextField(blank=True)
    outcome_recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(what=""), name="allegation_has_account"),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome_on__isnull=False), name="allegation_outcome_has_date"
            ),
        ]

    def __str__(self) -> str:
        return f"Allegation {self.pk}"

    @property
    def lado_late(self) -> bool:
        if self.lado_informed_at is None:
            return timezone.localdate() > self.lado_due_on
        return timezone.localdate(self.lado_informed_at) > self.lado_due_on


class AllegationParticipant(models.Model):
    """Someone named to take part (the DSL, HR): they see the allegation."""

    allegation = models.ForeignKey(Allegation, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    added_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["allegation", "user"], name="allegation_participant_once")]


class AllegationEntry(models.Model):
    """Advice received, an action taken, a note: appended, never edited."""

    allegation = models.ForeignKey(Allegation, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=10, choices=AllegationEntryKind.choices)
    text = models.TextField()
    added_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "pk"]
        verbose_name_plural = "allegation entries"


# ------------------------------------------------------------ training


class TrainingRecord(models.Model):
    """Safeguarding training one member of staff or governor completed."""

    school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="training_records")
    person = models.ForeignKey(User, on_delete=models.PROTECT, related_name="training_records")
    course = models.CharField(max_length=200)
    level = models.CharField(max_length=12, choices=TrainingLevel.choices)
    completed_on = models.DateField()
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-completed_on", "-pk"]
        indexes = [models.Index(fields=["school", "person", "level"])]


class TrainingReminder(models.Model):
    """An overdue (or due soon) alert sent, so each is sent once."""

    school = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    requirement = models.CharField(max_length=30)
    # Never trained: due from the day the role began.
    due_on = models.DateField()
    state = models.CharField(max_length=10)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "person", "requirement", "due_on", "state"],
                name="training_reminder_once",
            )
        ]
