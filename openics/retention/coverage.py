"""Which rows belong to which retention class: the whole schedule of the
system in one place, so a records manager or an auditor reads it here.

Each `Retained` names a model, its class, the path from a row to the child
(and, for a school's record, to the school that holds it), an optional
filter (a model split between classes, such as case records by part) and the
field that dates a row (for classes kept from the last entry).  A test fails
when a model of an OpenICS app is in no class and not in `NOT_CASE_DATA`
with a reason, and when a record definition or plan type falls in no class.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q

from openics.core.roles import Part

SCHOOL_PARTS = (Part.SCHOOL_SAFEGUARDING,)
SOCIAL_CARE_PARTS = (Part.SOCIAL_CARE, Part.PLANS, Part.HEALTH)
SEND_PARTS = (Part.SEND,)
ONE_PLAN = "one-plan"


@dataclass(frozen=True)
class Retained:
    model: str
    class_id: str
    # Path from a row to the child; "pk" for the person row itself; "" for a
    # class kept per row with no child (an allegation, a message).
    child: str = "child"
    # Path from a row to the school that holds it (school classes).
    holder: str = ""
    # The date that dates a row, for classes kept from the last entry.
    date: str = ""
    # Further filter: which rows of a model split between classes.
    when: dict[str, Any] = field(default_factory=dict)
    exclude: dict[str, Any] = field(default_factory=dict)

    @property
    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)

    def condition(self) -> Q:
        return Q(**self.when) & ~Q(**self.exclude) if self.exclude else Q(**self.when)


R = Retained
RETAINED: tuple[Retained, ...] = (
    # ------------------------------------------------ a school's child protection file
    R("safeguarding.Concern", "school-cp-file", holder="school", date="recorded_at"),
    R("safeguarding.ConcernAddition", "school-cp-file", child="concern__child", holder="concern__school"),
    R("safeguarding.TriageDecision", "school-cp-file", child="concern__child", holder="concern__school"),
    R("safeguarding.FgmNotification", "school-cp-file", child="concern__child", holder="concern__school"),
    R("safeguarding.FileRequest", "school-cp-file", holder="school"),
    R("timescales.Deadline", "school-cp-file", holder="organisation", when={"part__in": SCHOOL_PARTS}),
    R(
        "timescales.DeadlineReminder",
        "school-cp-file",
        child="deadline__child",
        holder="deadline__organisation",
        when={"deadline__part__in": SCHOOL_PARTS},
    ),
    R("core.ChronologyEntry", "school-cp-file", holder="source_organisation", when={"part__in": SCHOOL_PARTS}),
    # ------------------------------------------------ a school's attendance record
    R("schools.AttendanceMark", "school-attendance", holder="school", date="date"),
    R("schools.AbsenceFollowUp", "school-attendance", holder="school", date="done_on"),
    R("schools.AbsenceNotification", "school-attendance", holder="school", date="last_day"),
    # ------------------------------------------------ the authority's social care record
    R("records.CaseRecord", "social-care-record", exclude={"part__in": SCHOOL_PARTS + SEND_PARTS}),
    R("records.RecordDecision", "social-care-record", child="record__child", exclude={"record__part__in": SEND_PARTS}),
    R("plans.Plan", "social-care-record", exclude={"plan_type": ONE_PLAN}),
    R("plans.PlanVersion", "social-care-record", child="plan__child", exclude={"plan__plan_type": ONE_PLAN}),
    R("plans.PlanReview", "social-care-record", child="plan__child", exclude={"plan__plan_type": ONE_PLAN}),
    R("plans.ActualCost", "social-care-record", child="plan__child", exclude={"plan__plan_type": ONE_PLAN}),
    R("plans.LevelOfNeed", "social-care-record"),
    R("meetings.Meeting", "social-care-record"),
    R("meetings.Participant", "social-care-record", child="meeting__child"),
    R("meetings.AgencyReport", "social-care-record", child="meeting__child"),
    R("meetings.MeetingAction", "social-care-record", child="meeting__child"),
    R("meetings.Distribution", "social-care-record"),
    R("timescales.Deadline", "social-care-record", exclude={"part__in": SCHOOL_PARTS + SEND_PARTS}),
    R(
        "timescales.DeadlineReminder",
        "social-care-record",
        child="deadline__child",
        exclude={"deadline__part__in": SCHOOL_PARTS + SEND_PARTS},
    ),
    R("casework.CINEpisode", "social-care-record"),
    R("casework.CPEpisode", "social-care-record"),
    R("core.ChronologyEntry", "social-care-record", when={"part__in": SOCIAL_CARE_PARTS}),
    # ------------------------------------------------ special educational needs
    R("plans.Plan", "send-record", when={"plan_type": ONE_PLAN}),
    R("plans.PlanVersion", "send-record", child="plan__child", when={"plan__plan_type": ONE_PLAN}),
    R("plans.PlanReview", "send-record", child="plan__child", when={"plan__plan_type": ONE_PLAN}),
    R("plans.ActualCost", "send-record", child="plan__child", when={"plan__plan_type": ONE_PLAN}),
    R("plans.OnePlanEvidence", "send-record", child="plan__child"),
    R("plans.DeliveryLogEntry", "send-record", child="plan__child"),
    R("plans.EhcRequest", "send-record"),
    R("records.CaseRecord", "send-record", when={"part__in": SEND_PARTS}),
    R("records.RecordDecision", "send-record", child="record__child", when={"record__part__in": SEND_PARTS}),
    R("timescales.Deadline", "send-record", when={"part__in": SEND_PARTS}),
    R("timescales.DeadlineReminder", "send-record", child="deadline__child", when={"deadline__part__in": SEND_PARTS}),
    R("core.ChronologyEntry", "send-record", when={"part__in": SEND_PARTS}),
    # ------------------------------------------------ identity, family and involvement
    R("core.PreviousName", "identity", child="person", when={"person__is_child": True}),
    R("core.PersonDisability", "identity", child="person", when={"person__is_child": True}),
    R("core.Address", "identity", child="person", when={"person__is_child": True}),
    R("core.Relationship", "identity"),
    R("core.Involvement", "identity"),
    R("core.Enrolment", "identity"),
    R("core.Share", "identity"),
    R("core.RestrictionAllow", "identity"),
    R("core.BreakGlassGrant", "identity"),
    R("core.ChronologyEntry", "identity", when={"part": Part.CORE}),
    R("retention.RecordedDate", "identity"),
    R("core.Person", "identity", child="pk", when={"is_child": True}),
    # ------------------------------------------------ kept per row
    R("schools.Allegation", "allegation-file", child="", holder="school", date="recorded_at"),
    R("schools.AllegationParticipant", "allegation-file", child="", holder="allegation__school"),
    R("schools.AllegationEntry", "allegation-file", child="", holder="allegation__school"),
    R("schools.AttendanceImport", "attendance-upload", child="", holder="school", date="uploaded_at"),
    R("core.Notification", "messages", child="", date="created_at"),
    R("core.OutboxMessage", "messages", child="", date="created_at"),
    # ------------------------------------------------ evidence: never destroyed
    R("core.AuditEvent", "evidence", child=""),
    R("core.PersonMerge", "evidence", child="survivor"),
    R("safeguarding.FileTransfer", "evidence"),
    R("safeguarding.FileDestruction", "evidence"),
    R("retention.LegalHold", "evidence", child=""),
    R("retention.RetentionReview", "evidence", child=""),
    R("retention.Destruction", "evidence", child=""),
)

# Models that hold no case data, each with the reason.
# Adults' own rows (an adult's addresses and previous names) are kept while
# a child's record links to them; see docs/decisions/0010-retention.md.
NOT_CASE_DATA: dict[str, str] = {
    "core.User": "staff accounts: the employer's records, not the child's",
    "core.Organisation": "the directory of organisations",
    "core.Team": "the directory of teams",
    "core.RoleAssignment": "staff roles: the employer's records",
    "core.ApiToken": "credentials of systems calling the API",
    "timescales.LocalCalendarChange": "configuration: the working-day calendar",
    "timescales.SchoolTerm": "configuration: a school's terms",
    "timescales.SchoolClosure": "configuration: a school's closure days",
    "timescales.AuthorityTimescales": "configuration: the authority's profile",
    "timescales.RuleOverride": "configuration: local timescale figures",
    "schools.SchoolArrangements": "the school's published arrangements (named staff), not about a child",
    "schools.TrainingRecord": "staff training: kept under the employer's HR retention schedule",
    "schools.TrainingReminder": "staff training reminders: with the training records",
}


def entries(class_id: str) -> list[Retained]:
    return [r for r in RETAINED if r.class_id == class_id]


def root_entry(class_id: str) -> Retained:
    """The row that is the unit of a class kept per row (the first listed)."""
    return entries(class_id)[0]


def openics_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m.__module__.startswith("openics.")]
