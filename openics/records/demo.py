"""Social care records in the demo: children at every stage of the work.

Registered as the "records" demo extension (see `openics.demo.extensions`).
About one child in a hundred (at most 1,000), and a child at each stage
however small the demo, gets a history written through the real record
actions (`do_start_record`, `do_save_draft`, `do_submit`, `do_endorse`,
`do_return`), so deadlines, chronology, audit and the episodes other apps
derive through the records effects hook follow exactly as they would from
the pages.  Each step runs with "now" fixed to its moment in the demo's
past, counted from the demo's reference date, so the same seed gives the
same records, dates and deadlines on any day.

The stages: open contacts and referrals, assessments in progress, overdue
and returned, strategy discussions and section 47 enquiries awaiting
endorsement, child protection plans with core groups and reviews (Part 1
and Part 2), plans that ended, closed cases, and cases reopened by a new
contact after a closure.  The demo's first social worker, practice manager
and IRO (the ones `openics demo_logins` prints) always have some of them.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone as django_timezone

from openics.core.models import Involvement, InvolvementKind, Person, RoleAssignment, Team, User
from openics.core.roles import Role
from openics.demo.extensions import DemoContext, register_demo_extension

from . import actions
from .definitions import DefinitionError, RecordDefinition, get_definition
from .models import CaseRecord

# The share of all children with a social care history, and a ceiling.
# Each record goes through the real actions (about 60 queries from start to
# endorsement), so this is what the demo's load time buys: at 1,000
# children about 100 records, five seconds more on a busy machine; at
# 100,000 the ceiling keeps it to minutes.
HISTORY_RATE = 0.01
MAX_HISTORIES = 1000
# Of those, the share taken from closed cases (no current allocation).
CLOSED_SHARE = 0.2

# Stages by the kind of team the child is allocated to (assessment, child
# protection, looked after), with their weights.
OPEN_STAGES: dict[str, list[tuple[str, int]]] = {
    "assessment": [
        ("contact_draft", 2),
        ("contact_submitted", 3),
        ("referral_submitted", 4),
        ("assessment_in_progress", 5),
        ("assessment_overdue", 3),
        ("assessment_returned", 2),
        ("strategy_submitted", 2),
        ("referral_nfa", 1),
        ("reopened", 2),
    ],
    "protection": [
        ("strategy_submitted", 1),
        ("s47_in_progress", 2),
        ("icpc_submitted", 2),
        ("cp_plan", 8),
        ("cp_ended", 2),
        ("reopened", 1),
    ],
    "looked_after": [("cp_plan", 2), ("cp_ended", 3), ("reopened", 2), ("assessment_in_progress", 1)],
}
# The demo social worker's own children, in allocation order: a queue for
# the demo practice manager and work in progress for the worker.
DEMO_WORKER_STAGES = [
    "referral_submitted",
    "contact_submitted",
    "assessment_overdue",
    "assessment_returned",
    "assessment_in_progress",
    "strategy_submitted",
]

PHRASES = [
    "Mother says she is struggling to cope since her partner left.",
    "School reports the child arrives hungry and in unwashed clothes.",
    "Police attended a domestic incident at the home; the children were present.",
    "The child told a teacher that her stepfather hits her when he is angry.",
    "Health visitor concerned about the baby's weight and missed appointments.",
    "Neighbour reports the children are often left alone in the evening.",
    "The child has a bruise on the upper arm he could not explain.",
    "Father's drinking has increased; the family is in rent arrears.",
]
VIEWS_CHILD = [
    "Says she feels safe at school and wants to stay with her mum.",
    "Did not want to talk about home; drew a picture of his dog.",
    "Wants the shouting to stop and to see his dad more.",
    "Too young to give a view; observed to be settled with her grandmother.",
]
VIEWS_FAMILY = [
    "Mother accepts help with routines and school attendance.",
    "Father disputes the concerns but agreed to work with the plan.",
    "Parents are worried and want support with housing.",
]
ANALYSIS = [
    "Needs are met inconsistently; the risk is cumulative neglect. Mother engages when supported.",
    "The injury and the child's account indicate physical abuse; father minimises it.",
    "Domestic abuse is the main risk; the children are affected emotionally.",
    "Parenting is good enough with support; no evidence of significant harm.",
]


def _working_day(day: dt.date, n: int = 0) -> dt.date:
    """`n` weekdays after `day` (bank holidays aside: a late record then
    gives its reason, as in life); a weekend day moves to Monday first."""
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    while n > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


@dataclass
class _Case:
    """One child's history being written: who works on it, and its clock."""

    child: Person
    worker: User
    team_id: int
    iro: User | None
    clock: dt.date
    step: int = 0


class _Writer:
    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.rng: random.Random = ctx.rng
        self.today = ctx.reference_date
        self.users: dict[int, User] = {}
        self.pm_by_team: dict[int, int] = {}
        self.sm_by_team: dict[int, int] = {}
        self.parent: dict[int, int | None] = dict(Team.objects.values_list("id", "parent_id"))
        self.team_kind: dict[int, str] = {}
        for pk, name in Team.objects.values_list("id", "name"):
            if name.startswith("Child Protection Team"):
                self.team_kind[pk] = "protection"
            elif name.startswith("Looked After"):
                self.team_kind[pk] = "looked_after"
            else:
                self.team_kind[pk] = "assessment"
        for user_id, role, team_id in (
            RoleAssignment.objects.filter(
                role__in=[Role.PRACTICE_MANAGER, Role.SERVICE_MANAGER], ended_on__isnull=True, team__isnull=False
            )
            .order_by("user_id")
            .values_list("user_id", "role", "team_id")
        ):
            target = self.pm_by_team if role == Role.PRACTICE_MANAGER else self.sm_by_team
            target.setdefault(team_id, user_id)

    # ------------------------------------------------------------ people

    def user(self, pk: int) -> User:
        if pk not in self.users:
            self.users[pk] = User.objects.prefetch_related("role_assignments").get(pk=pk)
        return self.users[pk]

    def endorser(self, team_id: int, definition: RecordDefinition) -> User | None:
        """The nearest manager above the worker's team whom the definition
        lets endorse: the team's practice manager, else a service manager."""
        team: int | None = team_id
        while team is not None:
            for managers in (self.pm_by_team, self.sm_by_team):
                pk = managers.get(team)
                if pk is not None:
                    candidate = self.user(pk)
                    if definition.may_endorse(actions._roles(candidate)):
                        return candidate
            team = self.parent.get(team)
        return None

    # ------------------------------------------------------------ the clock

    @contextmanager
    def at(self, case: _Case, day: dt.date, *, advance: bool = True) -> Iterator[None]:
        """Run an action as if it were `day`.  A case's own steps never go
        back in time; a manager's review (`advance` false) happens on its
        day without holding the worker's next steps back.  Each action gets
        its own minute, so decisions keep their order."""
        if advance:
            case.clock = max(case.clock, day)
            day = case.clock
        case.step += 1
        moment = dt.datetime.combine(day, dt.time(9, 0), tzinfo=dt.UTC) + dt.timedelta(minutes=case.step)
        # The actions stamp django.utils.timezone.now() (and localdate(),
        # which calls it): swapped for this step only, on this thread's load.
        real_now = django_timezone.now
        django_timezone.now = lambda: moment
        try:
            yield
        finally:
            django_timezone.now = real_now

    # ------------------------------------------------------------ records

    def fill(
        self, definition: RecordDefinition, values: dict[str, Any], day: dt.date, *, complete: bool
    ) -> dict[str, Any]:
        """The values the definition has and, for a record to submit,
        something in every field still required (a changed definition
        never stops the demo)."""
        data = {k: v for k, v in values.items() if definition.field(k) is not None}
        for field in definition.fields:
            if field.name in data or not complete:
                continue
            if field.type == "date" and field.required_on_submit:
                data[field.name] = day.isoformat()
            elif field.type in {"choice", "yesno"} and field.required_on_submit and field.options:
                data[field.name] = field.options[0][0]
            elif field.type in {"text", "longtext"} and field.required_on_submit:
                data[field.name] = self.rng.choice(PHRASES)
        for name, value in list(data.items()):
            known = definition.field(name)
            assert known is not None
            if known.type in {"choice", "yesno"} and value not in {code for code, _ in known.options}:
                data[name] = known.options[0][0] if known.options else ""
            elif known.type == "multichoice":
                data[name] = [v for v in value if v in {code for code, _ in field.options}]
        return data

    def record(
        self,
        case: _Case,
        kind: str,
        values: dict[str, Any],
        *,
        day: dt.date,
        author: User | None = None,
        submit: bool = True,
        review: str = "endorse",
        review_day: dt.date | None = None,
    ) -> CaseRecord | None:
        """Start, fill and (unless `submit` is false) submit a record on
        `day`; then endorse it, return it ("return"), return it and endorse
        the resubmission ("return_endorse"), or leave it waiting ("wait")."""
        try:
            definition = get_definition(kind)
        except DefinitionError:
            return None
        if day > self.today:
            return None
        author = author or case.worker
        with self.at(case, day):
            record = actions.do_start_record(case.child, actor=author, kind=kind)
            record = actions.do_save_draft(
                record,
                actor=author,
                data=self.fill(definition, values, day, complete=submit),
                expected_version=record.version,
            )
        if not submit:
            return record
        record = self.submit(case, record, author, day)
        if not record.needs_endorsement or review == "wait":
            return record
        endorser = self.endorser(case.team_id, definition)
        # Reviewed after it was submitted (on the case's clock), by today.
        review_day = min(max(review_day or _working_day(day, self.rng.randint(0, 2)), case.clock), self.today)
        if endorser is None:
            return record
        if review in ("return", "return_endorse"):
            with self.at(case, review_day, advance=False):
                record = actions.do_return(record, actor=endorser, comments=self.rng.choice(RETURN_COMMENTS))
            if review == "return":
                return record
            with self.at(case, review_day):
                record = actions.do_save_draft(
                    record,
                    actor=author,
                    data={"analysis": self.rng.choice(ANALYSIS)} if definition.field("analysis") else {},
                    expected_version=record.version,
                )
            record = self.submit(case, record, author, review_day)
        with self.at(case, review_day, advance=False):
            record = actions.do_endorse(record, actor=endorser, reasons=self.rng.choice(ENDORSE_REASONS))
        return record

    def submit(self, case: _Case, record: CaseRecord, author: User, day: dt.date) -> CaseRecord:
        """Submit on `day`; when a deadline has passed (a bank holiday in
        the count), give the reason, as a worker would."""
        with self.at(case, day):
            try:
                return actions.do_submit(record, actor=author)
            except ValidationError as error:
                if "late_reason" not in getattr(error, "message_dict", {}):
                    raise
        with self.at(case, day):
            return actions.do_submit(record, actor=author, late_reason=self.rng.choice(LATE_REASONS))

    # ------------------------------------------------------------ the stages

    def option(self, kind: str, name: str, *wanted: str) -> str:
        """The first of `wanted` the definition's field offers, else its first option."""
        try:
            field = get_definition(kind).field(name)
        except DefinitionError:
            return wanted[0]
        if field is None or not field.options:
            return wanted[0]
        codes = [code for code, _ in field.options]
        return next((w for w in wanted if w in codes), codes[0])

    def assessment_kind(self) -> str:
        """The assessment the authority's profile uses."""
        if not hasattr(self, "_assessment_kind"):
            from openics.timescales.deadlines import setup_for

            profile = setup_for(self.ctx.local_authority).profile
            kind = "single-assessment" if profile.has_rule("single-assessment") else "initial-assessment"
            try:
                get_definition(kind)
            except DefinitionError:
                kind = "initial-assessment"
            self._assessment_kind = kind
        return self._assessment_kind

    def contact(self, case: _Case, day: dt.date, *, decision: str = "referral", **how: Any) -> CaseRecord | None:
        return self.record(
            case,
            "contact",
            {
                "contact_date": day.isoformat(),
                "contact_method": self.rng.choice(["phone", "email", "portal", "in_person"]),
                "contact_by": self.rng.choice(
                    ["Class teacher, primary school", "Health visitor", "PC on patrol, police", "Mother", "Neighbour"]
                ),
                "reason": self.rng.choice(PHRASES),
                "decision": decision,
                "decision_reason": "Concerns meet the threshold for a referral."
                if decision == "referral"
                else "Advice given; universal services can meet the need.",
            },
            day=day,
            **how,
        )

    def referral(self, case: _Case, day: dt.date, *, decision: str = "assessment", **how: Any) -> CaseRecord | None:
        return self.record(
            case,
            "referral",
            {
                "referral_date": day.isoformat(),
                "referral_source": self.rng.choice(["2A", "3B", "6", "1A", "3A", "5D"]),
                "referrer": self.rng.choice(["Ms Patel, class teacher", "Health visitor", "DC Rowe, police"]),
                "reason": self.rng.choice(PHRASES),
                "parents_aware": "yes",
                "agency_response": "School and health visitor consulted; both share the concern.",
                "decision": decision,
                "decision_date": day.isoformat(),
            },
            day=day,
            **how,
        )

    def assessment(self, case: _Case, started: dt.date, outcome: str, **how: Any) -> CaseRecord | None:
        kind = self.assessment_kind()
        outcomes = {
            "strategy": ("strategy",),
            "plan": ("cin_plan", "services"),
            "nfa": ("nfa", "close"),
        }[outcome]
        day = how.pop("day", _working_day(started, self.rng.randint(5, 9)))
        values = {
            "started_on": started.isoformat(),
            "completed_on": day.isoformat(),
            "child_seen_on": _working_day(started, 2).isoformat(),
            "child_seen_alone": self.rng.choice(["yes", "no"]),
            "health": "Up to date with immunisations; dental check overdue.",
            "education": "Attendance 86%; teachers describe her as withdrawn.",
            "basic_care": "Home conditions poor at the first visit, better at the second.",
            "housing": "Two-bedroom flat, damp; on the housing register.",
            "views_child": self.rng.choice(VIEWS_CHILD),
            "views_family": self.rng.choice(VIEWS_FAMILY),
            "analysis": self.rng.choice(ANALYSIS),
            "significant_harm": "yes" if outcome == "strategy" else "no",
            "outcome": self.option(kind, "outcome", *outcomes),
            "initial_plan": "Family support worker weekly; school to monitor attendance; review in 6 weeks.",
            "factors": self.sample_codes(kind, "factors", 2),
            "primary_need": self.option(kind, "primary_need", "N1", "N2", "N4"),
        }
        if how.get("submit") is False:
            values = {k: v for k, v in values.items() if k in ("started_on", "child_seen_on", "health", "education")}
        return self.record(case, kind, values, day=day, **how)

    def sample_codes(self, kind: str, name: str, n: int) -> list[str]:
        try:
            field = get_definition(kind).field(name)
        except DefinitionError:
            return []
        if field is None or not field.options:
            return []
        codes = [code for code, _ in field.options]
        return sorted(self.rng.sample(codes, min(n, len(codes))))

    def strategy(self, case: _Case, held: dt.date, **how: Any) -> CaseRecord | None:
        return self.record(
            case,
            "strategy-discussion",
            {
                "held_on": held.isoformat(),
                "format": self.rng.choice(["meeting", "telephone", "video"]),
                "participants": (
                    f"{case.worker.get_full_name()}, social worker, children's social care\n"
                    "DS Khan, police child abuse investigation team\nNurse Adeyemi, school nursing"
                ),
                "information_shared": self.rng.choice(PHRASES),
                "start_s47": "yes",
                "single_or_joint": self.rng.choice(["single", "joint"]),
                "actions": "Joint visit tomorrow; medical if injuries seen; school to share attendance.",
            },
            day=held,
            **how,
        )

    def s47(self, case: _Case, started: dt.date, category: str, **how: Any) -> CaseRecord | None:
        day = how.pop("day", _working_day(started, self.rng.randint(4, 7)))
        return self.record(
            case,
            "s47-outcome",
            {
                "started_on": started.isoformat(),
                "child_seen_on": _working_day(started, 1).isoformat(),
                "findings": self.rng.choice(ANALYSIS),
                "substantiated": "yes",
                "categories": [category],
                "icpc_needed": "yes",
                "updated_initial_plan": "Safety plan agreed with mother; initial conference requested.",
            },
            day=day,
            **how,
        )

    def icpc(self, case: _Case, held: dt.date, category: str, **how: Any) -> CaseRecord | None:
        chair = case.iro.get_full_name() if case.iro else "Conference chair"
        return self.record(
            case,
            "icpc",
            {
                "conference_date": held.isoformat(),
                "chair": chair,
                "attended": (
                    f"{chair}, chair, independent reviewing service\n"
                    f"{case.worker.get_full_name()}, social worker, children's social care\n"
                    "Mother\nClass teacher, school\nHealth visitor, community health"
                ),
                "child_participation": self.rng.choice(VIEWS_CHILD),
                "decision": "plan",
                "category": category,
                "reasons": self.rng.choice(ANALYSIS),
                "outline_plan": "Mother to attend the Freedom programme; weekly visits; school to monitor daily.",
                "key_worker": case.worker.get_full_name(),
                "core_group_members": "Mother; social worker; class teacher; health visitor",
            },
            day=held,
            **how,
        )

    def core_group(self, case: _Case, held: dt.date, **how: Any) -> CaseRecord | None:
        return self.record(
            case,
            "core-group",
            {
                "held_on": held.isoformat(),
                "attended": "Mother; social worker; class teacher; health visitor",
                "progress": self.rng.choice(
                    [
                        "Attendance improved to 94%; home conditions better.",
                        "Mother missed two appointments; father has moved out.",
                        "Child reports feeling happier at home.",
                    ]
                ),
                "actions": "Health visitor to weigh baby fortnightly; social worker to visit weekly.",
                "next_meeting_on": (held + dt.timedelta(weeks=6)).isoformat(),
            },
            day=held,
            **how,
        )

    def review(self, case: _Case, held: dt.date, category: str, decision: str, **how: Any) -> None:
        """A CP review: the worker's report (Part 1), then the chair's record (Part 2)."""
        self.record(
            case,
            "cp-review-report",
            {
                "review_date": held.isoformat(),
                "progress": self.rng.choice(ANALYSIS),
                "child_views": self.rng.choice(VIEWS_CHILD),
                "family_views": self.rng.choice(VIEWS_FAMILY),
                "recommendation": decision,
            },
            day=_working_day(held - dt.timedelta(days=5)),
        )
        if case.iro is None:
            return
        self.record(
            case,
            "cp-review",
            {
                "review_date": held.isoformat(),
                "chair": case.iro.get_full_name(),
                "attended": f"{case.iro.get_full_name()}, chair\n{case.worker.get_full_name()}, social worker\nMother",
                "decision": decision,
                "category": category,
                "reasons": "Risks reduced and the family is engaging."
                if decision == "end"
                else "Risk of significant harm continues; progress is slow.",
                "plan_revisions": "Add parenting course; reduce visits to fortnightly.",
            },
            day=held,
            author=case.iro,
            **how,
        )

    def closure(self, case: _Case, day: dt.date, reason: str, **how: Any) -> CaseRecord | None:
        return self.record(
            case,
            "closure",
            {
                "closure_date": day.isoformat(),
                "reason": reason,
                "summary": "Assessment completed and services provided; the family engaged well.",
                "impact": "The child is attending school regularly and the home is safe.",
                "family_informed": "yes",
            },
            day=day,
            **how,
        )

    # ------------------------------------------------------------ the stories

    def front(self, case: _Case, t0: dt.date, *, assessment_outcome: str | None, **last: Any) -> dt.date:
        """Contact, referral and (when an outcome is given) the assessment, all
        endorsed; returns the day the assessment was submitted."""
        self.contact(case, t0)
        self.referral(case, t0)
        if assessment_outcome is None:
            return t0
        done = _working_day(t0, self.rng.randint(5, 9))
        self.assessment(case, _working_day(t0, 1), assessment_outcome, day=done, **last)
        return done

    def cp_plan(self, case: _Case, t0: dt.date, *, end: bool) -> dt.date:
        """From contact to a CP plan with core groups and reviews, up to the
        demo's today; `end` ends it at a review and closes the case."""
        today = self.today
        category = self.rng.choice(["NEG", "NEG", "EMO", "PHY", "SAB", "MUL"])
        assessed = self.front(case, t0, assessment_outcome="strategy")
        held = _working_day(assessed, 1)
        self.strategy(case, held)
        self.s47(case, held, category)
        conference = _working_day(held, self.rng.randint(9, 13))
        self.icpc(case, conference, category, review="return_endorse" if self.rng.random() < 0.25 else "endorse")
        meeting = _working_day(conference, self.rng.randint(6, 9))
        while meeting <= today and meeting < conference + dt.timedelta(days=60):
            self.core_group(case, meeting)
            meeting = _working_day(meeting + dt.timedelta(weeks=6))
        review = _working_day(conference + dt.timedelta(days=self.rng.randint(75, 85)))
        n = 0
        while review <= today:
            n += 1
            last = _working_day(review + dt.timedelta(days=170)) > today
            ending = end and (last or n >= 2 or self.rng.random() < 0.5)
            if not ending and self.rng.random() < 0.25:
                category = self.rng.choice(["NEG", "EMO", "PHY", "MUL"])
            self.review(case, review, category, "end" if ending else "continue")
            if ending:
                closed = _working_day(review, self.rng.randint(5, 20))
                if closed <= today:
                    self.closure(case, closed, "RC7")
                return review
            review = _working_day(review + dt.timedelta(days=self.rng.randint(160, 175)))
        return conference

    def tell(self, stage: str, case: _Case) -> None:
        rng = self.rng
        today = self.today

        def back(low: int, high: int) -> dt.date:
            # Never before the child was born (and a fortnight old).
            return _working_day(max(today - dt.timedelta(days=rng.randint(low, high)), case.clock))

        if stage == "contact_draft":
            self.contact(case, back(0, 3), submit=False)
        elif stage == "contact_submitted":
            self.contact(case, back(1, 6), review="wait")
        elif stage == "referral_submitted":
            t0 = back(1, 6)
            self.contact(case, t0)
            self.referral(case, t0, review="wait")
        elif stage == "referral_nfa":
            t0 = back(10, 200)
            self.contact(case, t0)
            self.referral(case, t0, decision="nfa")
        elif stage == "assessment_in_progress":
            t0 = back(8, 30)
            self.front(case, t0, assessment_outcome=None)
            self.assessment(case, _working_day(t0, 1), "plan", submit=False)
        elif stage == "assessment_overdue":
            # The england profile's single assessment takes 45 working days,
            # sussex-ics's initial one 10: either way this one is overdue.
            t0 = back(75, 110)
            self.front(case, t0, assessment_outcome=None)
            self.assessment(case, _working_day(t0, 1), "plan", submit=False)
        elif stage == "assessment_returned":
            t0 = back(14, 30)
            self.front(case, t0, assessment_outcome="plan", review="return")
        elif stage == "strategy_submitted":
            t0 = back(16, 24)
            held = min(_working_day(self.front(case, t0, assessment_outcome="strategy"), 1), today)
            self.strategy(case, held, review="wait")
        elif stage == "s47_in_progress":
            t0 = back(22, 32)
            held = min(_working_day(self.front(case, t0, assessment_outcome="strategy"), 1), today)
            self.strategy(case, held)
            self.s47(case, held, "NEG", review="wait", day=min(_working_day(held, rng.randint(4, 7)), today))
        elif stage == "icpc_submitted":
            t0 = back(35, 45)
            category = rng.choice(["NEG", "EMO", "PHY"])
            held = min(_working_day(self.front(case, t0, assessment_outcome="strategy"), 1), today)
            self.strategy(case, held)
            self.s47(case, held, category, day=min(_working_day(held, rng.randint(4, 7)), today))
            self.icpc(case, min(_working_day(held, 10), today), category, review="wait")
        elif stage == "cp_plan":
            self.cp_plan(case, back(60, 420), end=False)
        elif stage == "cp_ended":
            self.cp_plan(case, back(150, 500), end=True)
        elif stage == "reopened":
            # An earlier episode closed after assessment; months later a new
            # contact reopens the case.
            t0 = back(300, 600)
            done = self.front(case, t0, assessment_outcome="nfa")
            self.closure(case, _working_day(done, 3), "RC8")
            again = back(5, 60)
            self.contact(case, again)
            self.referral(case, again, review="wait" if rng.random() < 0.5 else "endorse")
        else:  # pragma: no cover - a typo in the tables above
            raise ValueError(stage)

    def closed_case(self, case: _Case, closed_on: dt.date) -> None:
        """A case closed when its allocation ended: assessed, perhaps
        helped, then closed."""
        t0 = _working_day(closed_on - dt.timedelta(days=self.rng.randint(30, 120)))
        if t0 >= closed_on:
            return
        outcome = self.rng.choice(["nfa", "plan"])
        self.front(case, t0, assessment_outcome=outcome)
        reason = "RC8" if outcome == "nfa" else self.rng.choice(["RC7", "RC9", "RC5"])
        self.closure(case, _working_day(closed_on), reason)


RETURN_COMMENTS = [
    "Please add the child's own words and when the child was seen alone.",
    "The analysis needs to weigh the school's concerns: please expand it.",
    "Say who will do each action and by when.",
]
ENDORSE_REASONS = [
    "Agreed: the decision follows from the analysis.",
    "Threshold met; the plan is proportionate.",
    "Endorsed. Good evidence of the child's voice.",
]
LATE_REASONS = ["Bank holiday in the count; the family could not meet sooner."]


def _first_user(role: str) -> int | None:
    """The user `openics demo_logins` prints for a role: the first created."""
    return (
        RoleAssignment.objects.filter(role=role, ended_on__isnull=True)
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .first()
    )


@register_demo_extension("records")
def add_social_care_records(ctx: DemoContext) -> None:
    """Children at every stage of social care work, through the record actions."""
    writer = _Writer(ctx)
    rng = ctx.rng
    open_rows = list(
        Involvement.objects.filter(kind=InvolvementKind.ALLOCATED, ended_on__isnull=True)
        .order_by("child_id")
        .values_list("child_id", "team_id", "worker_id")
    )
    open_ids = {row[0] for row in open_rows}
    # Children at least a year old, so a history of any length fits.
    old_enough = set(
        Person.objects.filter(
            is_child=True, date_of_birth__lte=ctx.reference_date - dt.timedelta(days=365)
        ).values_list("pk", flat=True)
    )
    open_rows = [row for row in open_rows if row[0] in old_enough]
    iro_of = dict(
        Involvement.objects.filter(kind=InvolvementKind.IRO, ended_on__isnull=True)
        .order_by("child_id", "pk")
        .values_list("child_id", "worker_id")
    )
    closed_rows: dict[int, tuple[int, int, dt.date]] = {}
    for child_id, team_id, worker_id, ended in (
        Involvement.objects.filter(kind=InvolvementKind.ALLOCATED, ended_on__isnull=False, worker__isnull=False)
        .order_by("child_id", "ended_on", "pk")
        .values_list("child_id", "team_id", "worker_id", "ended_on")
    ):
        # Closed within the last two years: the demo's staff were in post
        # (and roles are checked on the day of each step).
        if ended is None or ended < ctx.reference_date - dt.timedelta(days=730):
            continue
        if child_id not in open_ids and child_id in old_enough:
            closed_rows[child_id] = (team_id, worker_id, ended)
    children = Person.objects.filter(is_child=True).count()
    wanted = min(MAX_HISTORIES, round(children * HISTORY_RATE))
    open_rate = min(1.0, wanted * (1 - CLOSED_SHARE) / max(1, len(open_rows)))
    closed_rate = min(1.0, wanted * CLOSED_SHARE / max(1, len(closed_rows)))

    demo_worker = _first_user(Role.SOCIAL_WORKER)
    demo_iro = _first_user(Role.IRO)
    worker_stages = iter(DEMO_WORKER_STAGES)
    plans: list[tuple[int, int, int, str]] = []
    demo_iro_has_plan = False
    for child_id, team_id, worker_id in open_rows:
        kind = writer.team_kind.get(team_id, "assessment")
        stages, weights = zip(*OPEN_STAGES[kind], strict=True)
        draw = rng.random()
        stage = rng.choices(stages, weights=weights)[0]
        forced = next(worker_stages, None) if worker_id == demo_worker else None
        if forced is not None:
            stage = forced
        elif draw >= open_rate:
            # The demo IRO's first child on a plan team gets a plan, so
            # the IRO has Part 2 reviews to show.
            if demo_iro_has_plan or iro_of.get(child_id) != demo_iro or kind != "protection":
                continue
            stage = "cp_plan"
        if stage in ("cp_plan", "cp_ended") and iro_of.get(child_id) == demo_iro:
            demo_iro_has_plan = True
        plans.append((child_id, team_id, worker_id, stage))
    # Every stage at least once, even in a small demo: a missing one goes
    # to the first child not yet chosen in a team that works at that stage.
    chosen = {p[0] for p in plans}
    for stage in sorted({stage for stages in OPEN_STAGES.values() for stage, _ in stages} - {p[3] for p in plans}):
        for child_id, team_id, worker_id in open_rows:
            kind = writer.team_kind.get(team_id, "assessment")
            if child_id not in chosen and stage in dict(OPEN_STAGES[kind]):
                plans.append((child_id, team_id, worker_id, stage))
                chosen.add(child_id)
                break
    closed = [(child_id, *row) for child_id, row in sorted(closed_rows.items()) if rng.random() < closed_rate]
    if not closed and closed_rows:
        closed = [(child_id, *row) for child_id, row in sorted(closed_rows.items())[:1]]

    people = Person.objects.in_bulk([p[0] for p in plans] + [c[0] for c in closed])
    new_iros: list[Involvement] = []
    # Children on a plan without a chair get one in turn, the demo IRO first.
    chairs = [iro.pk for iro in ctx.iros]
    for child_id, team_id, worker_id, stage in plans:
        child = people[child_id]
        if child.date_of_birth is None:
            continue
        born = child.date_of_birth + dt.timedelta(days=14)
        iro = iro_of.get(child_id)
        if iro is None and stage in ("cp_plan", "cp_ended", "icpc_submitted") and chairs:
            iro = chairs[len(new_iros) % len(chairs)]
            new_iros.append(
                Involvement(
                    child=child,
                    kind=InvolvementKind.IRO,
                    organisation=ctx.local_authority,
                    team=writer.user(iro).role_assignments.all()[0].team,
                    worker_id=iro,
                    started_on=max(born, ctx.reference_date - dt.timedelta(days=900)),
                )
            )
        case = _Case(
            child=child,
            worker=writer.user(worker_id),
            team_id=team_id,
            iro=writer.user(iro) if iro else None,
            clock=born,
        )
        writer.tell(stage, case)
    if new_iros:
        Involvement.objects.bulk_create(new_iros)
    for child_id, team_id, worker_id, ended in closed:
        child = people[child_id]
        if child.date_of_birth is None:
            continue
        born = child.date_of_birth + dt.timedelta(days=14)
        case = _Case(child=child, worker=writer.user(worker_id), team_id=team_id, iro=None, clock=born)
        writer.closed_case(case, ended)
