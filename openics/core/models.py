"""The child's record: people, relationships, organisations, staff, access
relationships (involvement, enrolment, shares, restrictions), the chronology
and the audit trail.

Models hold data, constraints and pure derived values.  Every write goes
through `actions.py`; every read of a child goes through `access.py`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pgtrigger
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .codes import Disability, Ethnicity, Nation, Religion, Sex, UPNUnknownReason
from .roles import Part, Role
from .validators import validate_nhs_number, validate_postcode, validate_upn

if TYPE_CHECKING:
    from .access import AccessGrant


def today() -> dt.date:
    return timezone.localdate()


# --------------------------------------------------------------------------
# Organisations, teams and staff
# --------------------------------------------------------------------------


class OrganisationKind(models.TextChoices):
    LOCAL_AUTHORITY = "la", _("Local authority")
    SCHOOL = "school", _("School")
    HEALTH = "health", _("Health")
    POLICE = "police", _("Police")
    VOLUNTARY = "voluntary", _("Voluntary organisation")
    OTHER = "other", _("Other agency")


class Organisation(models.Model):
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)
    nation = models.CharField(max_length=3, choices=Nation.choices, default=Nation.ENGLAND)
    # Local authorities: the DfE 3-digit LA code and the ONS (GSS) code.
    dfe_la_code = models.CharField(max_length=3, blank=True)
    ons_code = models.CharField(max_length=9, blank=True)
    # Schools: the URN, and the authority that maintains or hosts the school.
    urn = models.CharField(max_length=6, blank=True)
    local_authority = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="member_organisations"
    )
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    active = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["urn"], condition=~Q(urn=""), name="organisation_unique_urn"),
            models.UniqueConstraint(
                fields=["dfe_la_code"], condition=~Q(dfe_la_code=""), name="organisation_unique_dfe_la_code"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """A team of staff.  Teams nest (a service holds teams): managers of a
    team see the work of every team below it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    active = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="team_unique_name")]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A member of staff (or a partner practitioner) who signs in."""

    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    job_title = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class RoleAssignment(models.Model):
    """A role a user holds, in a team (social care) or an organisation
    (schools, partners).  A user may hold several."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="role_assignments")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="role_assignments")
    started_on = models.DateField(default=today)
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["role"]
        indexes = [models.Index(fields=["user", "role"])]

    def __str__(self) -> str:
        where = self.team or self.organisation
        return f"{self.get_role_display()}, {where}"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None or self.ended_on > today()


# --------------------------------------------------------------------------
# People
# --------------------------------------------------------------------------


class RestrictionCategory(models.TextChoices):
    STAFF_CONFLICT = "staff_conflict", _("Staff conflict of interest")
    HIGH_PROFILE = "high_profile", _("High profile")
    ADOPTION = "adoption", _("Adoption")
    HIGH_RISK = "high_risk", _("High risk")


class PersonQuerySet(models.QuerySet["Person"]):
    def children(self) -> PersonQuerySet:
        return self.filter(is_child=True)

    def live(self) -> PersonQuerySet:
        """Excludes records merged into another."""
        return self.filter(merged_into__isnull=True)

    def visible_to(self, user: User) -> models.QuerySet[Person]:
        """The people `user` may see: the list-side of the access chokepoint."""
        from .access import visible_people

        return visible_people(user, self)


class Person(models.Model):
    """A child (including an unborn child) or an adult in a child's life."""

    is_child = models.BooleanField(default=True)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100)
    known_as = models.CharField(_("known as"), max_length=100, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    expected_date_of_birth = models.DateField(_("expected date of birth"), null=True, blank=True)
    date_of_death = models.DateField(_("date of death"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    gender = models.CharField(_("gender identity"), max_length=60, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=4, choices=Ethnicity.choices, default=Ethnicity.NOBT)
    first_language = models.CharField(_("first language"), max_length=60, blank=True, default="English")
    interpreter_needed = models.BooleanField(_("interpreter needed"), default=False)
    religion = models.CharField(_("religion"), max_length=20, choices=Religion.choices, default=Religion.UNKNOWN)
    # Identifiers
    la_child_id = models.CharField(_("LA child ID"), max_length=20, blank=True)
    upn = models.CharField(_("UPN"), max_length=13, blank=True, validators=[validate_upn])
    upn_unknown_reason = models.CharField(
        _("reason UPN unknown"), max_length=3, blank=True, choices=UPNUnknownReason.choices
    )
    nhs_number = models.CharField(_("NHS number"), max_length=10, blank=True, validators=[validate_nhs_number])
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    # Restricted ("sealed") records: only the allow-list and break-glass.
    restriction = models.CharField(max_length=20, choices=RestrictionCategory.choices, blank=True)
    restriction_review_on = models.DateField(null=True, blank=True)
    # A duplicate merged into another record stays, pointing at the survivor,
    # so the merge can be reversed.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_duplicates"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Optimistic concurrency: a save carrying a stale version is refused.
    version = models.PositiveIntegerField(default=1)

    objects = PersonQuerySet.as_manager()
    # Set by the access chokepoint: why this user may see this person.
    _grant: AccessGrant | None = None

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [
            models.Index(fields=["last_name", "first_name"]),
            models.Index(fields=["date_of_birth"]),
            models.Index(fields=["upn"]),
            models.Index(fields=["nhs_number"]),
            models.Index(fields=["la_child_id"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["la_child_id"], condition=~Q(la_child_id=""), name="person_unique_la_child_id"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part) or str(_("Unnamed"))

    @property
    def display_name(self) -> str:
        if self.known_as and self.known_as != self.first_name:
            return f"{self.full_name} ({self.known_as})"
        return self.full_name

    @property
    def is_unborn(self) -> bool:
        return self.date_of_birth is None and self.expected_date_of_birth is not None

    @property
    def is_restricted(self) -> bool:
        return bool(self.restriction)

    def age_on(self, on: dt.date) -> int | None:
        if self.date_of_birth is None:
            return None
        end = min(on, self.date_of_death) if self.date_of_death else on
        years = end.year - self.date_of_birth.year
        if (end.month, end.day) < (self.date_of_birth.month, self.date_of_birth.day):
            years -= 1
        return years

    @property
    def age(self) -> int | None:
        return self.age_on(today())


class PreviousName(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="previous_names")
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100)
    used_until = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-used_until"]


class PersonDisability(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="disabilities")
    code = models.CharField(max_length=4, choices=Disability.choices)

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["person", "code"], name="person_disability_unique")]


class Address(models.Model):
    """An address a person lived at, with its dates: the history is kept."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="addresses")
    line1 = models.CharField(_("address line 1"), max_length=200)
    line2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    town = models.CharField(_("town or city"), max_length=100)
    postcode = models.CharField(_("postcode"), max_length=8, validators=[validate_postcode])
    moved_in = models.DateField(_("moved in"), null=True, blank=True)
    moved_out = models.DateField(_("moved out"), null=True, blank=True)
    # A placement address (a refuge, say) is shown only to those who may see it.
    confidential = models.BooleanField(default=False)

    class Meta:
        ordering = ["-moved_in"]
        indexes = [models.Index(fields=["postcode"])]

    def __str__(self) -> str:
        return ", ".join(p for p in (self.line1, self.line2, self.town, self.postcode) if p)

    @property
    def is_current(self) -> bool:
        return self.moved_out is None or self.moved_out > today()


class RelationshipKind(models.TextChoices):
    MOTHER = "mother", _("Mother")
    FATHER = "father", _("Father")
    STEP_PARENT = "step_parent", _("Step-parent")
    CARER = "carer", _("Carer")
    SIBLING = "sibling", _("Sibling")
    HALF_SIBLING = "half_sibling", _("Half-sibling")
    GRANDPARENT = "grandparent", _("Grandparent")
    OTHER_FAMILY = "other_family", _("Other family member")
    HOUSEHOLD_MEMBER = "household_member", _("Household member")
    FRIEND = "friend", _("Friend")


# Symmetric kinds read the same from either end.
SYMMETRIC_RELATIONSHIPS = frozenset(
    {
        RelationshipKind.SIBLING,
        RelationshipKind.HALF_SIBLING,
        RelationshipKind.HOUSEHOLD_MEMBER,
        RelationshipKind.FRIEND,
        RelationshipKind.OTHER_FAMILY,
    }
)


class Relationship(models.Model):
    """`person` is the `kind` of `child` (e.g. Jo is the mother of Sam)."""

    child = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships_to_children")
    kind = models.CharField(max_length=20, choices=RelationshipKind.choices)
    parental_responsibility = models.BooleanField(default=False)
    lives_with_child = models.BooleanField(default=False)
    # Emergency contacts are ordered: 1 is called first.
    emergency_contact_order = models.PositiveSmallIntegerField(null=True, blank=True)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["emergency_contact_order", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["child", "person", "kind"], name="relationship_unique"),
            models.CheckConstraint(condition=~Q(child=models.F("person")), name="relationship_not_self"),
        ]


# --------------------------------------------------------------------------
# The relationships that give access: involvement, enrolment, shares
# --------------------------------------------------------------------------


class InvolvementKind(models.TextChoices):
    ALLOCATED = "allocated", _("Allocated worker and team")
    LEAD_PROFESSIONAL = "lead_professional", _("Lead professional")
    CASE_COORDINATOR = "case_coordinator", _("Case coordinator")
    IRO = "iro", _("Independent reviewing officer")
    AGENCY = "agency", _("Agency involved")


class InvolvementQuerySet(models.QuerySet["Involvement"]):
    def current(self, on: dt.date | None = None) -> InvolvementQuerySet:
        on = on or today()
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on), started_on__lte=on)


class Involvement(models.Model):
    """Who is involved with a child, and since when.  The `allocated` row is
    the child's allocated worker and team: at most one is open at a time."""

    child = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="involvements")
    kind = models.CharField(max_length=20, choices=InvolvementKind.choices)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="involvements")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="involvements")
    worker = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="involvements")
    started_on = models.DateField(default=today)
    ended_on = models.DateField(null=True, blank=True)
    notes = models.CharField(max_length=300, blank=True)

    objects = InvolvementQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "-started_on"]
        indexes = [
            models.Index(fields=["worker", "ended_on"]),
            models.Index(fields=["team", "ended_on"]),
            models.Index(fields=["child", "kind"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(kind="allocated", ended_on__isnull=True),
                name="involvement_one_open_allocation",
            ),
        ]


class Enrolment(models.Model):
    """A child on roll at a school: gives the school's DSL and staff their view."""

    child = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="enrolments")
    school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="enrolments")
    started_on = models.DateField(default=today)
    ended_on = models.DateField(null=True, blank=True)

    objects = InvolvementQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on"]
        indexes = [models.Index(fields=["school", "ended_on"])]


class LawfulBasis(models.TextChoices):
    PUBLIC_TASK_SAFEGUARDING = (
        "public_task_safeguarding",
        _("UK GDPR Art 6(1)(e) public task; Art 9(2)(g) with DPA 2018 Sch 1 para 18 (safeguarding of children)"),
    )
    CONSENT = "consent", _("Consent of the person (or parent) recorded")
    LEGAL_OBLIGATION = "legal_obligation", _("UK GDPR Art 6(1)(c) legal obligation")


class ShareQuerySet(models.QuerySet["Share"]):
    def live(self, now: dt.datetime | None = None) -> ShareQuerySet:
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class Share(models.Model):
    """Parts of a child's record shared with a partner organisation or one
    practitioner, for a time, on a recorded lawful basis."""

    child = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="shares")
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="shares_received"
    )
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="shares_received")
    parts = models.JSONField(default=list)
    lawful_basis = models.CharField(max_length=40, choices=LawfulBasis.choices)
    reason = models.TextField()
    shared_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="shares_made")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ShareQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | Q(user__isnull=False), name="share_has_recipient"
            )
        ]


class RestrictionAllow(models.Model):
    """A member of staff on a restricted record's allow-list."""

    child = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="restriction_allows")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="restriction_allows")
    added_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["child", "user"], name="restriction_allow_unique")]


class BreakGlassQuerySet(models.QuerySet["BreakGlassGrant"]):
    def live(self, now: dt.datetime | None = None) -> BreakGlassQuerySet:
        return self.filter(expires_at__gt=now or timezone.now())

    def awaiting_review(self) -> BreakGlassQuerySet:
        return self.filter(reviewed_at__isnull=True)


class BreakGlassGrant(models.Model):
    """Emergency access to a restricted record: reasoned, expiring, alerted,
    and reviewed afterwards."""

    child = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="break_glass_grants")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="break_glass_grants")
    reason = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    objects = BreakGlassQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]


# --------------------------------------------------------------------------
# Chronology
# --------------------------------------------------------------------------


class Significance(models.TextChoices):
    ROUTINE = "routine", _("Routine")
    SIGNIFICANT = "significant", _("Significant")
    CRITICAL = "critical", _("Critical")


class ChronologyEntry(models.Model):
    """One event in a child's life.  Apps contribute entries through
    `openics.core.chronology.record_event`; staff add manual ones."""

    child = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="chronology")
    occurred_on = models.DateField(_("date"))
    kind = models.CharField(max_length=40)
    summary = models.CharField(_("what happened"), max_length=300)
    detail = models.TextField(blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    source_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    significance = models.CharField(max_length=12, choices=Significance.choices, default=Significance.ROUTINE)
    part = models.CharField(max_length=30, choices=Part.choices, default=Part.CORE)
    # The record an automatic entry came from ("app_label.model", pk).
    origin_type = models.CharField(max_length=60, blank=True)
    origin_id = models.CharField(max_length=40, blank=True)
    is_manual = models.BooleanField(default=False)
    entered_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # Entries are never deleted: a wrong one is struck out with a reason.
    struck_out_at = models.DateTimeField(null=True, blank=True)
    struck_out_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["child", "-occurred_on", "-id"])]
        verbose_name_plural = "chronology entries"


# --------------------------------------------------------------------------
# Audit
# --------------------------------------------------------------------------


class AuditOutcome(models.TextChoices):
    ALLOWED = "allowed", _("Allowed")
    DENIED = "denied", _("Denied")


class AuditEvent(models.Model):
    """One access or change, hash-chained to the one before.

    No sensitive content is copied here: the object is named by type and id.
    On PostgreSQL the database refuses UPDATE, DELETE and TRUNCATE.
    """

    at = models.DateTimeField()
    user_id = models.BigIntegerField(null=True)
    username = models.CharField(max_length=150, blank=True)
    acting_role = models.CharField(max_length=40, blank=True)
    action = models.CharField(max_length=40)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    child_id = models.BigIntegerField(null=True)
    outcome = models.CharField(max_length=8, choices=AuditOutcome.choices, default=AuditOutcome.ALLOWED)
    source_hash = models.CharField(max_length=16, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    row_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["child_id", "action", "-at"]),
            models.Index(fields=["user_id", "-at"]),
        ]
        triggers = [
            pgtrigger.Protect(name="audit_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
            pgtrigger.Trigger(
                name="audit_no_truncate",
                operation=pgtrigger.Truncate,
                level=pgtrigger.Statement,
                when=pgtrigger.Before,
                func="RAISE EXCEPTION 'audit events cannot be truncated'; RETURN NULL;",
            ),
        ]


# --------------------------------------------------------------------------
# Notifications and the outbox
# --------------------------------------------------------------------------


class Notification(models.Model):
    """An in-app alert for one member of staff."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    message = models.CharField(max_length=300)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"])]


class OutboxMessage(models.Model):
    """An email written in the same transaction as the change that caused it,
    sent later by `openics send_outbox`, so a crash loses none."""

    to = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    # [{"filename", "content_type", "content"}]: text content as written
    # (an .ics invitation); empty for the plain emails written before.
    attachments = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["sent_at", "created_at"])]


class PersonMerge(models.Model):
    """A duplicate merged into a survivor; what moved, so it can be undone."""

    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_in")
    duplicate = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_out")
    moved = models.JSONField(default=dict)
    reason = models.TextField()
    merged_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    merged_at = models.DateTimeField(default=timezone.now)
    reversed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reversed_at = models.DateTimeField(null=True, blank=True)


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def live(self) -> ApiTokenQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now, user__is_active=True)


class ApiToken(models.Model):
    """A key for a system calling the API on a member of staff's behalf.

    Only the SHA-256 of the key is stored: a copy of the database does not
    give anyone a working key.  Tokens expire and can be revoked.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    # The first characters of the key, shown in lists so a holder can tell
    # which token is which without the key being stored.
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
