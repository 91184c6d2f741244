"""Plans in the demo: CIN plans, detailed CP plans, staged plans and levels of need.

Registered as the "records.plans" demo extension, so it runs after the
"records" extension (extensions run in name order) and builds on the
social care histories it wrote.  Every plan goes through the real plan
actions (`do_start_plan`, `do_save_draft`, `do_agree`, `do_endorse`,
`do_record_review`, `do_record_level_of_need`) with "now" fixed to each
step's moment in the demo's past, so review deadlines, chronology and audit
follow exactly as from the pages, and the same seed gives the same plans.

What it writes, for a few children whatever the demo's size (each plan is
about a hundred queries, so the numbers are capped):

* a Child in Need Plan, endorsed, with a review or two, for children whose
  assessment ended in a CIN plan or services (else children with an open
  CIN episode and no CP plan);
* a detailed Child Protection Plan for children on a CP plan;
* Stage 2 Action Plans, with levels of need: one stepped up to Stage 3 at a
  review, one stepped down, one continuing;
* a One Plan (SEND) with a review.

The demo's first social worker (the one `openics demo_logins` prints) has a
CIN plan waiting for endorsement by the demo practice manager, and a Stage 2
plan of her own.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone as django_timezone

from openics.core.models import Involvement, InvolvementKind, Person, RoleAssignment, User
from openics.core.roles import Role
from openics.demo.extensions import DemoContext, register_demo_extension

from . import actions
from .models import Level, Plan, PlanReview, Progress, ReviewDecision

ASSESSMENT_KINDS = ("single-assessment", "initial-assessment", "core-assessment")
CIN_OUTCOMES = ("cin_plan", "services")
# Caps, whatever the demo's size: enough to show, cheap to load.
MAX_CIN_PLANS = 8
MAX_CP_PLANS = 6
STAGE2_STORIES = ("step_up", "step_down", "continue")

AIMS = [
    "{name} is safe, settled at school and her needs are met at home.",
    "{name} lives in a calm home where routines meet his needs.",
    "{name} attends school every day and is healthy.",
]
OUTCOMES = [
    ("short", "Attends school every day", "Attendance above 95%", "School register"),
    ("short", "Home conditions are safe and clean", "Home visits find the home safe", "Social worker's visits"),
    ("long", "Is healthy and reaches her milestones", "Health checks up to date", "Health visitor's records"),
    ("long", "Has a parent who manages her own wellbeing", "Parent completes a parenting course", "Course register"),
]
ACTIONS = [
    ("Weekly family support sessions", "Family support worker", "Family Support Service", 12_000),
    ("Breakfast club place", "Class teacher", "School", 3_050),
    ("Parenting course (12 weeks)", "Parent", "Children's centre", 45_000),
    ("Fortnightly home visits", "Social worker", "Children's Services", None),
]
HAPPENED = [
    "Sessions took place weekly; mother attended most of them.",
    "Attendance rose over the term; two days missed for illness.",
    "The home was clean and safe at every visit.",
    "Progress was slow: two appointments were missed.",
]


def _working_day(day: dt.date, n: int = 0) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    while n > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


@contextmanager
def at(day: dt.date, minute: int = 0) -> Iterator[None]:
    """Run the actions as if it were 10:00 (plus `minute`) on `day`: they
    stamp `django.utils.timezone.now()` (and `localdate()`, which calls it)."""
    moment = dt.datetime.combine(day, dt.time(10, 0), tzinfo=dt.UTC) + dt.timedelta(minutes=minute)
    real_now = django_timezone.now
    django_timezone.now = lambda: moment
    try:
        yield
    finally:
        django_timezone.now = real_now


def content(rng: random.Random, child: Person, worker: User, agreed_on: dt.date) -> dict[str, Any]:
    outcomes = rng.sample(OUTCOMES, 2)
    rows = rng.sample(ACTIONS, 2)
    name = child.known_as or child.first_name
    return {
        "aim": rng.choice(AIMS).format(name=name),
        "needs": {
            "developmental": "Speech and language delay; low school attendance.",
            "parenting": "Routines at home are inconsistent.",
            "family": "Housing is overcrowded and damp.",
        },
        "outcomes": [
            {
                "term": term,
                "text": text,
                "targets": [
                    {"text": target, "measure": measure, "by": (agreed_on + dt.timedelta(days=120)).isoformat()}
                ],
            }
            for term, text, target, measure in outcomes
        ],
        "actions": [
            {"what": what, "who": who, "agency": agency, "how_often": "Weekly", "cost_pence": cost}
            for what, who, agency, cost in rows
        ],
        "monitoring": {"how": "Review meetings", "when": "Every six weeks", "by_whom": "Lead professional"},
        "coordinator": {"name": worker.get_full_name(), "role": "Social worker", "agency": "Children's Services"},
        "contingency": "If things do not improve, a multi-agency meeting within a week.",
        "views": {
            "child": f"{name} wants things at home to be calmer.",
            "child_took_part": "yes",
            "parents": "Mother agrees with the plan and wants the support.",
            "parents_took_part": "yes",
        },
        "agreement": [{"party": "Mother", "role": "Parent", "agreed_on": agreed_on.isoformat()}],
    }


class _Planner:
    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        self.today = ctx.reference_date
        self.users: dict[int, User] = {}
        self.pm_by_team: dict[int, int] = {}
        for user_id, team_id in (
            RoleAssignment.objects.filter(role=Role.PRACTICE_MANAGER, ended_on__isnull=True, team__isnull=False)
            .order_by("user_id")
            .values_list("user_id", "team_id")
        ):
            self.pm_by_team.setdefault(team_id, user_id)
        self.minute = 0
        self.skipped: list[str] = []

    def user(self, pk: int) -> User:
        if pk not in self.users:
            self.users[pk] = User.objects.get(pk=pk)
        return self.users[pk]

    @contextmanager
    def step(self, day: dt.date) -> Iterator[None]:
        """One step on `day`, all or nothing: a step the rules refuse (a
        changed plan type or timescale profile) is left out, never stops
        the demo."""
        self.minute += 1
        try:
            with at(day, self.minute % 400), transaction.atomic():
                yield
        except (ValidationError, actions.PlanRefused) as error:
            self.skipped.append(f"{day}: {error}")

    def agreed(
        self, child: Person, worker: User, plan_type: str, day: dt.date, *, next_review_on: dt.date | None = None
    ) -> Plan | None:
        if day > self.today:
            return None
        done: Plan | None = None
        with self.step(day):
            plan = actions.do_start_plan(child, actor=worker, plan_type=plan_type)
            draft = plan.versions.get()
            draft = actions.do_save_draft(
                draft, actor=worker, content=content(self.rng, child, worker, day), expected_version=draft.version
            )
            actions.do_agree(draft, actor=worker, agreed_on=day, next_review_on=next_review_on)
            plan.refresh_from_db()
            done = plan
        return done

    def endorse(self, plan: Plan, team_id: int, day: dt.date) -> None:
        pm = self.pm_by_team.get(team_id)
        version = actions.current_version(plan)
        if pm is None or version is None or day > self.today or not plan.type.needs_endorsement:
            return
        with self.step(day):
            actions.do_endorse(version, actor=self.user(pm), comments="Endorsed: the plan follows from the assessment.")

    def revise(self, plan: Plan, worker: User, day: dt.date) -> None:
        plan.refresh_from_db()
        last = actions.current_version(plan)
        if last is None or last.agreed_on is None or day < last.agreed_on or day > self.today:
            return
        with self.step(day):
            draft = actions.do_new_version(plan, actor=worker, reason="The family moved house: contacts updated.")
            actions.do_agree(draft, actor=worker, agreed_on=day)

    def spend(self, plan: Plan, worker: User, day: dt.date) -> None:
        """What the plan's services actually cost since the plan started or
        was last reviewed, invoiced the day before the review: near the
        estimate (from 80% to 110%, no randomness, so the rest of the demo
        stays as it was)."""
        last = plan.reviews.order_by("-review_date").values_list("review_date", flat=True).first()
        start = last or plan.started_on
        end = day - dt.timedelta(days=1)
        version = actions.current_version(plan)
        if start is None or version is None or end < start:
            return
        for n, row in enumerate(version.content.get("actions") or []):
            estimate = int(row.get("cost_pence") or 0)
            if not estimate:
                continue
            with self.step(end):
                actions.do_record_actual_cost(
                    plan,
                    actor=worker,
                    action_key=row["key"],
                    amount_pence=estimate * (8 + (plan.pk + n) % 4) // 10,
                    period_start=start,
                    period_end=end,
                    note=f"Invoice {plan.pk}-{n + 1} for {start:%-d %B} to {end:%-d %B %Y}",
                )

    def review(
        self, plan: Plan, worker: User, day: dt.date, decision: str, *, next_review_on: dt.date | None = None
    ) -> PlanReview | None:
        if day > self.today or plan.started_on is None or day <= plan.started_on:
            return None
        self.spend(plan, worker, day)
        version = actions.current_version(plan)
        assert version is not None
        progress = self.rng.choice([Progress.MET, Progress.PARTLY, Progress.PARTLY, Progress.NOT_MET])
        outcomes = [
            {
                "outcome": o["key"],
                "happened": self.rng.choice(HAPPENED),
                "progress": progress,
                "impact": "Small but steady improvement for the child.",
                "targets": {t["key"]: progress for t in o.get("targets") or []},
            }
            for o in version.content.get("outcomes") or []
        ]
        reasons = {
            ReviewDecision.CONTINUE: "Progress is being made; the plan continues unchanged.",
            ReviewDecision.STEP_UP: "Needs have increased despite the plan: stepping up to Stage 3.",
            ReviewDecision.STEP_DOWN: "Outcomes met: stepping down to universal services with school support.",
            ReviewDecision.CLOSE: "Outcomes met: the plan is no longer needed.",
        }
        review: PlanReview | None = None
        with self.step(day):
            review = actions.do_record_review(
                plan,
                actor=worker,
                review_date=day,
                held_at="Children's centre",
                attended=f"{worker.get_full_name()}, lead professional\nMother\nClass teacher",
                outcomes=outcomes,
                decision=decision,
                decision_reason=reasons[ReviewDecision(decision)],
                next_review_on=next_review_on,
                late_reason="The family asked to move the meeting.",
            )
        plan.refresh_from_db()
        return review

    def level(self, child: Person, worker: User, day: dt.date, level: str, stage: int | None, reason: str) -> None:
        if day > self.today:
            return
        with self.step(day):
            actions.do_record_level_of_need(
                child, actor=worker, level=level, stage=stage, decided_on=day, reason=reason
            )


def _first_user(role: str) -> int | None:
    return (
        RoleAssignment.objects.filter(role=role, ended_on__isnull=True)
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .first()
    )


@register_demo_extension("records.plans")
def add_plans(ctx: DemoContext) -> None:
    """Plans, reviews and levels of need through the plan actions."""
    from openics.casework.models import CINEpisode, CPEpisode
    from openics.records.models import CaseRecord, RecordStatus

    planner = _Planner(ctx)
    rng = ctx.rng
    today = ctx.reference_date
    allocation: dict[int, tuple[int, int]] = {
        child_id: (team_id, worker_id)
        for child_id, team_id, worker_id in Involvement.objects.filter(
            kind=InvolvementKind.ALLOCATED, ended_on__isnull=True, worker__isnull=False
        )
        .order_by("child_id", "pk")
        .values_list("child_id", "team_id", "worker_id")
    }
    sw_ids = set(
        RoleAssignment.objects.filter(role__in=[Role.SOCIAL_WORKER, Role.SWRO], ended_on__isnull=True).values_list(
            "user_id", flat=True
        )
    )
    allocation = {c: tw for c, tw in allocation.items() if tw[1] in sw_ids}
    open_cin = dict(CINEpisode.objects.open().order_by("child_id").values_list("child_id", "referral_date"))
    on_cp = dict(CPEpisode.objects.open().order_by("child_id").values_list("child_id", "started_on"))
    used: set[int] = set()

    # Child in Need Plans: after an assessment ending in a plan or services.
    assessed: dict[int, dt.date] = {}
    for child_id, data, endorsed_at in (
        CaseRecord.objects.filter(kind__in=ASSESSMENT_KINDS, status=RecordStatus.ENDORSED, child_id__in=open_cin)
        .order_by("child_id", "pk")
        .values_list("child_id", "data", "endorsed_at")
    ):
        if data.get("outcome") in CIN_OUTCOMES and child_id not in on_cp and endorsed_at is not None:
            assessed[child_id] = endorsed_at.date()
    cin_candidates = [(c, d) for c, d in sorted(assessed.items()) if c in allocation]
    if len(cin_candidates) < MAX_CIN_PLANS:
        # The longest-open episodes first: their plans have had reviews.
        extra = [
            (c, _working_day(referred, 15))
            for c, referred in sorted(open_cin.items(), key=lambda row: (row[1], row[0]))
            if c in allocation and c not in on_cp and c not in assessed
        ]
        cin_candidates += extra[: MAX_CIN_PLANS - len(cin_candidates)]
    demo_worker = _first_user(Role.SOCIAL_WORKER)
    # The demo worker's first child in need first, so her sign-in shows one.
    cin_candidates.sort(key=lambda row: allocation[row[0]][1] != demo_worker)
    people = Person.objects.in_bulk([c for c, _ in cin_candidates[:MAX_CIN_PLANS]] + list(on_cp)[:MAX_CP_PLANS])
    for n, (child_id, after) in enumerate(cin_candidates[:MAX_CIN_PLANS]):
        team_id, worker_id = allocation[child_id]
        worker = planner.user(worker_id)
        start = _working_day(max(after, open_cin[child_id]), rng.randint(2, 8))
        if start > today:
            start = _working_day(today - dt.timedelta(days=7))
            if start > today or start < open_cin[child_id]:
                continue
        plan = planner.agreed(people[child_id], worker, "cin-plan", start)
        if plan is None:
            continue
        used.add(child_id)
        planner.endorse(plan, team_id, _working_day(start, 1))
        review_day = _working_day(start + dt.timedelta(days=rng.randint(42, 60)))
        if review_day > today and (today - start).days >= 21:
            # A plan agreed a few weeks ago has had its first review meeting.
            review_day = start + (today - start) * 2 // 3
            review_day = review_day if review_day.weekday() < 5 else review_day - dt.timedelta(days=2)
        for _ in range(2):
            if planner.review(plan, worker, review_day, ReviewDecision.CONTINUE) is None:
                break
            review_day = _working_day(review_day + dt.timedelta(days=rng.randint(90, 120)))
        if n == 0 and worker_id == demo_worker:
            # A second version waits for the demo practice manager's endorsement.
            planner.revise(plan, worker, _working_day(today - dt.timedelta(days=2)))

    # Detailed child protection plans, written by the core group after the conference.
    for child_id, started_on in sorted(on_cp.items())[:MAX_CP_PLANS]:
        if child_id not in allocation:
            continue
        team_id, worker_id = allocation[child_id]
        day = min(_working_day(started_on, 10), _working_day(today - dt.timedelta(days=3)))
        if day < started_on:
            continue
        plan = planner.agreed(people[child_id], planner.user(worker_id), "cp-plan", day)
        if plan is not None:
            used.add(child_id)
            planner.endorse(plan, team_id, _working_day(day, 2))

    # Staged intervention: Stage 2 plans with levels of need, a step up,
    # a step down and one continuing; then a One Plan.
    # Children of school age (five to fifteen), whom staged plans are for.
    school_age = set(
        Person.objects.filter(
            pk__in=list(allocation),
            date_of_birth__lte=today - dt.timedelta(days=5 * 366),
            date_of_birth__gt=today - dt.timedelta(days=15 * 365),
        ).values_list("pk", flat=True)
    )
    others = [c for c in sorted(allocation) if c not in used and c not in on_cp and c in school_age]
    mine = [c for c in others if allocation[c][1] == demo_worker]
    others = mine[:1] + [c for c in others if c not in mine[:1]]
    stories = [*STAGE2_STORIES, "one_plan"]
    chosen = others[: len(stories)]
    people = Person.objects.in_bulk(chosen)
    for child_id, story in zip(chosen, stories, strict=False):
        child = people[child_id]
        worker = planner.user(allocation[child_id][1])
        start = _working_day(today - dt.timedelta(days=rng.randint(200, 300)))
        planner.level(
            child, worker, _working_day(start - dt.timedelta(days=60)), Level.ADDITIONAL, 1, "Needs met by the school."
        )
        if story == "one_plan":
            plan = planner.agreed(child, worker, "one-plan", start, next_review_on=start + dt.timedelta(days=90))
            if plan is not None:
                review_day = _working_day(start + dt.timedelta(days=85))
                planner.review(
                    plan, worker, review_day, ReviewDecision.CONTINUE, next_review_on=review_day + dt.timedelta(90)
                )
            continue
        planner.level(child, worker, start, Level.INTENSIVE, 2, "Several agencies needed: a Stage 2 plan.")
        plan = planner.agreed(child, worker, "stage2-action-plan", start, next_review_on=start + dt.timedelta(days=84))
        if plan is None:
            continue
        review_day = _working_day(start + dt.timedelta(days=rng.randint(70, 84)))
        decision = {
            "step_up": ReviewDecision.STEP_UP,
            "step_down": ReviewDecision.STEP_DOWN,
            "continue": ReviewDecision.CONTINUE,
        }[story]
        planner.review(plan, worker, review_day, decision, next_review_on=review_day + dt.timedelta(days=84))
