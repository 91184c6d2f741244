"""Timescales data: local calendar changes, school terms, each authority's
choice of profile and local overrides, and deadlines.

Rule profiles themselves are files (`profiles/*.toml`), not rows: see
`profiles.py`.  Every write goes through `actions.py`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openics.core.codes import Nation
from openics.core.models import Organisation, Person, User
from openics.core.roles import Part

from .units import Unit

# A deadline shows as "due soon" from this many working days before it is
# due, unless the authority sets its own figure.
DEFAULT_DUE_SOON_WORKING_DAYS = 5


class CalendarChangeKind(models.TextChoices):
    ADDED = "added", _("Non-working day added")
    REMOVED = "removed", _("Non-working day removed (a working day)")


class LocalCalendarChange(models.Model):
    """A day added to or removed from a nation's (or one authority's)
    non-working days: a one-off proclaimed holiday, a correction, a local
    closure.  Kept, never edited: a later change for the same day wins."""

    nation = models.CharField(max_length=3, choices=Nation.choices, blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="calendar_changes"
    )
    date = models.DateField()
    kind = models.CharField(max_length=10, choices=CalendarChangeKind.choices)
    reason = models.CharField(max_length=300)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["date", "created_at"]
        constraints = [
            # Exactly one scope: a whole nation, or one authority.
            models.CheckConstraint(
                condition=(Q(organisation__isnull=True) & ~Q(nation=""))
                | (Q(organisation__isnull=False) & Q(nation="")),
                name="calendar_change_one_scope",
            ),
        ]
        indexes = [models.Index(fields=["nation", "date"]), models.Index(fields=["organisation", "date"])]

    def __str__(self) -> str:
        return f"{self.date}: {self.get_kind_display()} ({self.reason})"


class SchoolTerm(models.Model):
    """A school's term, first and last day inclusive."""

    school = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="school_terms")
    name = models.CharField(max_length=100, blank=True)
    start = models.DateField()
    end = models.DateField()

    class Meta:
        ordering = ["school", "start"]
        constraints = [models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="school_term_order")]

    def __str__(self) -> str:
        return f"{self.name or 'Term'} {self.start} to {self.end}"


class SchoolClosure(models.Model):
    """A day in term when the school is closed to pupils (INSET, closure)."""

    school = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="school_closures")
    date = models.DateField()
    reason = models.CharField(max_length=200)

    class Meta:
        ordering = ["school", "date"]
        constraints = [models.UniqueConstraint(fields=["school", "date"], name="school_closure_unique_day")]

    def __str__(self) -> str:
        return f"{self.date}: {self.reason}"


class AuthorityTimescales(models.Model):
    """The profile and calendar an authority runs under.

    An authority without a row uses its organisation's nation and that
    nation's default profile (see `profiles.DEFAULT_PROFILE_FOR_NATION`).
    """

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="timescales")
    profile = models.CharField(max_length=60)
    nation = models.CharField(max_length=3, choices=Nation.choices)
    due_soon_working_days = models.PositiveSmallIntegerField(default=DEFAULT_DUE_SOON_WORKING_DAYS)
    updated_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "authority timescales"

    def __str__(self) -> str:
        return f"{self.organisation}: {self.profile} ({self.nation})"


class RuleOverride(models.Model):
    """An authority's own figure for one rule of its profile, with the reason."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="rule_overrides")
    rule_id = models.CharField(max_length=60)
    offset = models.PositiveSmallIntegerField()
    unit = models.CharField(max_length=20, choices=Unit.choices)
    counts_trigger_day = models.BooleanField(default=False)
    reason = models.CharField(max_length=300)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organisation", "rule_id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "rule_id"], name="rule_override_unique"),
            models.CheckConstraint(condition=Q(offset__gte=1), name="rule_override_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id}: {self.offset} {self.unit}"


def people_by_parts(user: User) -> list[tuple[list[str], models.QuerySet[Person]]]:
    """The people `user` may see, grouped by the parts of the record open to
    them: [(parts, people whose those parts the user may see)].

    Built from the access chokepoint's own list of grounds (`BASES`), keeping
    for each part only the grounds that open it, so it cannot grant more than
    `access_child` would.  Parts opened by the same grounds share one group,
    so a list costs one subquery per group, not per part.  Shares are left
    out: a share names its parts per row, and no share opens deadlines yet.
    """
    from openics.core.access import BASES, staff_context

    if not user.is_authenticated or not user.is_active:
        return []
    ctx = staff_context(user)
    live = [(basis, condition) for basis in BASES if (condition := basis.condition(ctx)) is not None]
    groups: dict[tuple[str, ...], list[str]] = {}
    for part in Part.values:
        codes = tuple(basis.code for basis, _ in live if part in basis.parts)
        if codes:
            groups.setdefault(codes, []).append(part)
    result: list[tuple[list[str], models.QuerySet[Person]]] = []
    nothing = Q(pk__in=[])
    for codes, parts in groups.items():
        unrestricted, restricted = nothing, nothing
        for basis, condition in live:
            if basis.code not in codes:
                continue
            if basis.for_unrestricted:
                unrestricted |= condition
            if basis.for_restricted:
                restricted |= condition
        visibility = (Q(restriction="") & unrestricted) | (~Q(restriction="") & restricted)
        result.append((parts, Person.objects.filter(merged_into__isnull=True).filter(visibility)))
    return result


class DeadlineStatus(models.TextChoices):
    DUE = "due", _("Due")
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    MET = "met", _("Met")
    MET_LATE = "met_late", _("Met late")
    CANCELLED = "cancelled", _("No longer needed")


class DeadlineQuerySet(models.QuerySet["Deadline"]):
    def open(self) -> DeadlineQuerySet:
        return self.filter(met_on__isnull=True, cancelled_on__isnull=True)

    def due_soon(self, on: dt.date | None = None) -> DeadlineQuerySet:
        """Open deadlines in their 'due soon' window on `on` (today)."""
        on = on or timezone.localdate()
        return self.open().filter(due_soon_from__lte=on, due_date__gte=on)

    def overdue(self, on: dt.date | None = None) -> DeadlineQuerySet:
        on = on or timezone.localdate()
        return self.open().filter(due_date__lt=on)

    def for_user(self, user: User, *, among: Any = None) -> DeadlineQuerySet:
        """Deadlines `user` may see: on a child `Person.objects.visible_to(user)`
        gives, and in a part of the record one of the user's grounds opens
        (a school's DSL sees the child, not the social care deadlines).

        `among` (child ids, or a subquery of them) narrows the children first.
        At the scale of an authority this matters: without it the database
        works out every child the user may see before it looks at a deadline.
        """
        groups = people_by_parts(user)
        if not groups:
            return self.none()
        people_filter = Q() if among is None else Q(pk__in=among)
        by_part = Q(pk__in=[])
        for parts, people in groups:
            by_part |= Q(part__in=parts, child__in=people.filter(people_filter).values("pk"))
        visible = Person.objects.visible_to(user).filter(people_filter).values("pk")
        narrowed = self if among is None else self.filter(child__in=among)
        return narrowed.filter(child__in=visible).filter(by_part)

    def with_status(self, on: dt.date | None = None) -> DeadlineQuerySet:
        """Annotate `current_status` (a `DeadlineStatus` value) for lists."""
        on = on or timezone.localdate()
        return self.annotate(
            current_status=Case(
                When(cancelled_on__isnull=False, then=Value(DeadlineStatus.CANCELLED.value)),
                When(met_on__isnull=False, met_on__lte=models.F("due_date"), then=Value(DeadlineStatus.MET.value)),
                When(met_on__isnull=False, then=Value(DeadlineStatus.MET_LATE.value)),
                When(due_date__lt=on, then=Value(DeadlineStatus.OVERDUE.value)),
                When(due_soon_from__lte=on, then=Value(DeadlineStatus.DUE_SOON.value)),
                default=Value(DeadlineStatus.DUE.value),
                output_field=models.CharField(),
            )
        )


class Deadline(models.Model):
    """A date by which something must happen for a child, worked out from a
    rule of the authority's profile when the triggering event was recorded.

    The rule as used (profile, version, figure, calendar) is copied onto the
    row, so a later change of profile or override never silently moves an
    existing deadline.  Its status is derived, never stored.
    """

    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="deadlines")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="deadlines")
    rule_id = models.CharField(max_length=60)
    title = models.CharField(max_length=200)
    # The part of the child's record the deadline belongs to: it decides who sees it.
    part = models.CharField(max_length=30, choices=Part.choices, default=Part.SOCIAL_CARE)
    profile = models.CharField(max_length=60)
    profile_version = models.CharField(max_length=20)
    nation = models.CharField(max_length=3, choices=Nation.choices)
    offset = models.PositiveSmallIntegerField()
    unit = models.CharField(max_length=20, choices=Unit.choices)
    counts_trigger_day = models.BooleanField(default=False)
    overridden = models.BooleanField(default=False, help_text="The authority's local figure was used.")
    trigger_date = models.DateField()
    due_date = models.DateField()
    # The first day the deadline shows as "due soon": N working days before
    # it is due, worked out once so that lists filter on a plain date.
    due_soon_from = models.DateField()
    # What created the deadline (a referral, a conference…), as a label and id.
    source_type = models.CharField(max_length=100, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    met_on = models.DateField(null=True, blank=True)
    late_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    met_recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    met_recorded_at = models.DateTimeField(null=True, blank=True)
    # No longer needed (the case closed, the plan ended): kept, never deleted.
    cancelled_on = models.DateField(null=True, blank=True)
    cancelled_reason = models.TextField(blank=True)
    cancelled_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    objects = DeadlineQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["child", "due_date"]),
            models.Index(fields=["organisation", "met_on", "due_date"]),
            models.Index(fields=["source_type", "source_id"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(due_date__gte=models.F("trigger_date")), name="deadline_after_trigger"),
            models.CheckConstraint(
                condition=Q(due_soon_from__lte=models.F("due_date")), name="deadline_due_soon_before_due"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} by {self.due_date}"

    def status_on(self, day: dt.date) -> DeadlineStatus:
        """The status on `day`; the same rules as `with_status()`."""
        if self.met_on is not None:
            return DeadlineStatus.MET if self.met_on <= self.due_date else DeadlineStatus.MET_LATE
        if day > self.due_date:
            return DeadlineStatus.OVERDUE
        if day >= self.due_soon_from:
            return DeadlineStatus.DUE_SOON
        return DeadlineStatus.DUE

    @property
    def status(self) -> DeadlineStatus:
        return self.status_on(timezone.localdate())


class DeadlineReminder(models.Model):
    """A reminder sent about a deadline entering a state ("due soon" or
    "overdue"), so each is sent once however often the command runs."""

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="reminders")
    state = models.CharField(max_length=20, choices=DeadlineStatus.choices)
    sent_to = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["deadline", "state"], name="deadline_reminder_once_per_state")]

    def __str__(self) -> str:
        return f"{self.deadline}: {self.state} reminder"
