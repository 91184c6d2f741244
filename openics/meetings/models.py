"""Meetings about a child, who took part, what was decided, and who got a copy.

A `Meeting` (a review and planning meeting, a core group, a conference …)
belongs to one child, may concern her siblings too, and to one *part* of the
record, fixed by its kind: conferences, core groups and CIN reviews are
social care; staged-intervention and SEND meetings are plans.  Its
`sequence` is the iCalendar SEQUENCE: raised by every change invitees must
hear about.  `Distribution` is generic: it records a copy of anything (a
meeting record, later a plan version) given, sent or withheld.
"""

from __future__ import annotations

import uuid

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openics.core.models import OutboxMessage, Person, User
from openics.core.roles import Part


class MeetingKind(models.TextChoices):
    REVIEW_PLANNING = "review_planning", _("Review and planning meeting")
    STAGE_REVIEW = "stage_review", _("Stage 2 or 3 review")
    CORE_GROUP = "core_group", _("Core group meeting")
    INITIAL_CONFERENCE = "icpc", _("Initial child protection conference")
    REVIEW_CONFERENCE = "rcpc", _("Child protection review conference")
    CIN_REVIEW = "cin_review", _("Child in need review")
    ONE_PLAN_REVIEW = "one_plan_review", _("One Plan review")
    LAC_REVIEW = "lac_review", _("Looked after child review")
    STRATEGY = "strategy", _("Strategy meeting")
    OTHER = "other", _("Other meeting")


# The part of the child's record each kind of meeting belongs to.
KIND_PART: dict[str, str] = {
    MeetingKind.REVIEW_PLANNING: Part.PLANS,
    MeetingKind.STAGE_REVIEW: Part.PLANS,
    MeetingKind.ONE_PLAN_REVIEW: Part.PLANS,
    MeetingKind.OTHER: Part.PLANS,
    MeetingKind.CORE_GROUP: Part.SOCIAL_CARE,
    MeetingKind.INITIAL_CONFERENCE: Part.SOCIAL_CARE,
    MeetingKind.REVIEW_CONFERENCE: Part.SOCIAL_CARE,
    MeetingKind.CIN_REVIEW: Part.SOCIAL_CARE,
    MeetingKind.LAC_REVIEW: Part.SOCIAL_CARE,
    MeetingKind.STRATEGY: Part.SOCIAL_CARE,
}


# Kinds of meeting that can hold the review of a plan.
REVIEW_KINDS: frozenset[str] = frozenset(
    {MeetingKind.REVIEW_PLANNING, MeetingKind.STAGE_REVIEW, MeetingKind.ONE_PLAN_REVIEW}
)


class MeetingMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIDEO = "video", _("Video call")
    TELEPHONE = "telephone", _("Telephone")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class ChildParticipation(models.TextChoices):
    NOT_RECORDED = "", _("Not recorded")
    ATTENDED = "attended", _("Attended")
    PART = "part", _("Attended part of the meeting")
    VIEWS_SENT = "views_sent", _("Did not attend; views sent")
    ADVOCATE = "advocate", _("Views given by an advocate")
    NOT_INVITED = "not_invited", _("Not invited")


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def in_parts(self, parts: frozenset[str]) -> MeetingQuerySet:
        return self.filter(part__in=parts)

    def about(self, child: Person, user: User) -> MeetingQuerySet:
        """Meetings where the child is the subject, or one of the siblings it
        concerns when `user` may also see the meeting's own child."""
        visible = Person.objects.visible_to(user).values("pk")
        return self.filter(Q(child=child) | Q(other_children=child, child__in=visible)).distinct()


class Meeting(models.Model):
    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="meetings")
    # Siblings the same meeting concerns; each checked for access when added.
    other_children = models.ManyToManyField(Person, blank=True, related_name="+")
    kind = models.CharField(max_length=30, choices=MeetingKind.choices)
    part = models.CharField(max_length=30, choices=Part.choices)
    plan = models.ForeignKey("plans.Plan", null=True, blank=True, on_delete=models.PROTECT, related_name="meetings")
    # The plan review this meeting held, once it is recorded from the meeting.
    plan_review = models.ForeignKey(
        "plans.PlanReview", null=True, blank=True, on_delete=models.PROTECT, related_name="meetings"
    )
    title = models.CharField(max_length=200, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    mode = models.CharField(max_length=20, choices=MeetingMode.choices, default=MeetingMode.IN_PERSON)
    # The room, or the call's link or number.
    place = models.CharField(max_length=300)
    chair = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    cancel_reason = models.TextField(blank=True)
    # iCalendar identity: the UID stays, SEQUENCE rises with each change sent.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    child_participation = models.CharField(
        max_length=20, choices=ChildParticipation.choices, blank=True, default=ChildParticipation.NOT_RECORDED
    )
    # Why the child was not invited, or how her views were given.
    child_participation_note = models.TextField(blank=True)
    child_views = models.TextField(blank=True)
    minutes = models.TextField(blank=True)
    decisions = models.TextField(blank=True)
    recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(null=True, blank=True)
    # Optimistic locking for the edit and record pages.
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["child", "starts_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="meetings_ends_after_start"),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""), name="meetings_cancel_has_reason"
            ),
            models.CheckConstraint(
                condition=~Q(child_participation="not_invited") | ~Q(child_participation_note=""),
                name="meetings_not_invited_has_reason",
            ),
            # A review is held at one meeting.
            models.UniqueConstraint(
                fields=["plan_review"], condition=Q(plan_review__isnull=False), name="meetings_one_meeting_per_review"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.starts_at:%Y-%m-%d}"

    @property
    def label(self) -> str:
        return self.title or str(self.get_kind_display())

    @property
    def is_past(self) -> bool:
        return self.starts_at <= timezone.now()


class ParticipantKind(models.TextChoices):
    PROFESSIONAL = "professional", _("Professional")
    PARENT_CARER = "parent_carer", _("Parent or carer")
    SUPPORTER = "supporter", _("Supporter of a parent or carer")
    CHILD = "child", _("The child or young person")
    OTHER = "other", _("Other")


class Attendance(models.TextChoices):
    UNKNOWN = "", _("Not recorded")
    ATTENDED = "attended", _("Attended")
    APOLOGIES = "apologies", _("Sent apologies")
    ABSENT = "absent", _("Did not attend")


class Participant(models.Model):
    """Someone invited to (or at) a meeting: a member of staff, or a person
    named with an email address (a parent, a supporter, another agency)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    kind = models.CharField(max_length=20, choices=ParticipantKind.choices, default=ParticipantKind.PROFESSIONAL)
    agency = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=200, blank=True)
    # A supporter comes with the parent or carer they support.
    supporting = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="supporters")
    # The SEQUENCE of the last invitation sent: below the meeting's, the
    # participant has not heard about the latest change.
    invited_at = models.DateTimeField(null=True, blank=True)
    invited_sequence = models.PositiveIntegerField(null=True, blank=True)
    attendance = models.CharField(max_length=20, choices=Attendance.choices, blank=True, default=Attendance.UNKNOWN)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["meeting", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(user__isnull=False) | ~Q(name=""), name="meetings_participant_named"),
            models.UniqueConstraint(
                fields=["meeting", "user"], condition=Q(user__isnull=False), name="meetings_user_once_per_meeting"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.user_id and not self.name:
            return str(self.user)
        return self.name

    @property
    def address(self) -> str:
        return self.email or (self.user.email if self.user_id and self.user else "")


class AgencyReport(models.Model):
    """A report an agency submitted to the meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="reports")
    agency = models.CharField(max_length=200)
    author = models.CharField(max_length=200, blank=True)
    submitted_on = models.DateField(null=True, blank=True)
    summary = models.TextField(blank=True)

    class Meta:
        ordering = ["meeting", "pk"]


class MeetingAction(models.Model):
    """An action agreed at the meeting: what, who, by when."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    what = models.TextField()
    who = models.CharField(max_length=200)
    due_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["meeting", "pk"]


class DeliveryMethod(models.TextChoices):
    EMAIL = "email", _("Email")
    POST = "post", _("Post")
    HAND = "hand", _("By hand")


class Distribution(models.Model):
    """One copy of a document given to someone, or withheld with the reason.

    Generic: it names what was copied (a meeting, later a plan version) by
    content type and id, and the child whose record it belongs to.
    """

    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    document = GenericForeignKey("content_type", "object_id")
    recipient = models.CharField(max_length=200)
    # The participant it went to, where there was one.
    participant = models.ForeignKey(Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    method = models.CharField(max_length=20, choices=DeliveryMethod.choices, blank=True)
    address = models.CharField(max_length=300, blank=True)
    language = models.CharField(max_length=60, blank=True, default="English")
    withheld = models.BooleanField(default=False)
    withheld_reason = models.TextField(blank=True)
    outbox = models.ForeignKey(OutboxMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(withheld=False) | ~Q(withheld_reason=""), name="meetings_withheld_has_reason"
            ),
            models.CheckConstraint(condition=Q(withheld=True) | ~Q(method=""), name="meetings_copy_has_method"),
        ]

    def __str__(self) -> str:
        return f"Copy for {self.recipient} ({'withheld' if self.withheld else self.method})"
