"""Estimated and actual costs of the services in plans, rolled up per plan,
per child and per team.

The estimated cost is the sum of `cost_pence` over the actions of the
version in force (`content.total_cost_pence`); the actual cost is the sum
of the `ActualCost` entries recorded against the plan (refunds and
corrections are negative entries).  A child's and a team's figures count
the same plans for both: the active plans, in the parts of the record the
reader may see.  Every roll-up reads a fixed number of queries, however
many plans or children there are.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Sum

from .content import pounds, total_cost_pence
from .models import ActualCost, Plan, PlanStatus, PlanVersion, VersionStatus


@dataclass(frozen=True)
class Costs:
    """Estimated and actual cost, in pence."""

    estimated_pence: int = 0
    actual_pence: int = 0

    @property
    def estimated(self) -> str:
        return pounds(self.estimated_pence)

    @property
    def actual(self) -> str:
        return pounds(self.actual_pence)

    @property
    def over_estimate(self) -> bool:
        return self.actual_pence > self.estimated_pence

    def __add__(self, other: Costs) -> Costs:
        return Costs(self.estimated_pence + other.estimated_pence, self.actual_pence + other.actual_pence)


@dataclass
class ActionCosts:
    """One service (an action of the plan): its estimate in the version in
    force and what it has actually cost.  `in_force` is False for an action
    a later version removed that still has costs recorded against it."""

    key: str
    what: str
    who: str
    estimated_pence: int
    actual_pence: int = 0
    in_force: bool = True
    entries: list[ActualCost] = field(default_factory=list)

    @property
    def estimated(self) -> str:
        return pounds(self.estimated_pence)

    @property
    def actual(self) -> str:
        return pounds(self.actual_pence)


def action_keys(plan: Plan) -> dict[str, str]:
    """Every action of every agreed version of the plan, by its stable key,
    with the newest wording: what actual costs may be recorded against."""
    found: dict[str, str] = {}
    versions = plan.versions.exclude(status=VersionStatus.DRAFT).order_by("-number").values_list("content", flat=True)
    for content in versions:
        for row in (content or {}).get("actions") or []:
            key = str(row.get("key") or "")
            if key and key not in found:
                found[key] = str(row.get("what") or "").strip() or key
    return found


def actual_pence(plan: Plan) -> int:
    total = plan.actual_costs.aggregate(total=Sum("amount_pence"))["total"]
    return int(total or 0)


def plan_costs(plan: Plan, version: PlanVersion | None) -> Costs:
    """The plan's estimated cost (of `version`, the version in force) and its actual cost."""
    estimated = total_cost_pence(version.content) if version is not None else 0
    return Costs(estimated, actual_pence(plan))


def by_action(plan: Plan, version: PlanVersion | None) -> list[ActionCosts]:
    """Each service of the version in force with its estimated and actual
    cost, then any earlier service that still has costs recorded."""
    rows: dict[str, ActionCosts] = {}
    for action in (version.content.get("actions") or []) if version is not None else []:
        key = str(action.get("key") or "")
        rows[key] = ActionCosts(
            key=key,
            what=str(action.get("what") or ""),
            who=", ".join(str(x) for x in (action.get("who"), action.get("agency")) if x),
            estimated_pence=int(action.get("cost_pence") or 0),
        )
    entries = list(plan.actual_costs.select_related("recorded_by").order_by("-period_start", "-pk"))
    earlier: dict[str, str] | None = None
    for entry in entries:
        row = rows.get(entry.action_key)
        if row is None:
            if earlier is None:
                earlier = action_keys(plan)
            row = rows[entry.action_key] = ActionCosts(
                key=entry.action_key, what=earlier.get(entry.action_key, ""), who="", estimated_pence=0, in_force=False
            )
        row.actual_pence += entry.amount_pence
        row.entries.append(entry)
    return list(rows.values())


def _current_contents(plans: Any) -> Iterable[tuple[int, int, str, dict[str, Any]]]:
    """(plan id, child id, part, content) of the version in force of each plan
    in `plans` (a queryset of plan ids): one query."""
    rows = (
        PlanVersion.objects.filter(plan_id__in=plans)
        .exclude(status=VersionStatus.DRAFT)
        .order_by("plan_id", "-number")
        .values_list("plan_id", "plan__child_id", "plan__part", "content")
    )
    seen: set[int] = set()
    for plan_id, child_id, part, content in rows:
        if plan_id in seen:
            continue
        seen.add(plan_id)
        yield plan_id, child_id, part, content


def _actuals(plans: Any) -> dict[int, int]:
    """Actual cost per plan of the plans in `plans` (a queryset of plan ids): one query."""
    rows = (
        ActualCost.objects.filter(plan_id__in=plans)
        .values("plan_id")
        .order_by("plan_id")
        .annotate(total=Sum("amount_pence"))
        .values_list("plan_id", "total")
    )
    return {plan_id: int(total or 0) for plan_id, total in rows}


def child_costs(child: Any, parts: frozenset[str]) -> Costs:
    """The child's active plans in `parts`: estimated and actual (two queries)."""
    plans = Plan.objects.filter(child=child, part__in=parts, status=PlanStatus.ACTIVE).values("pk")
    estimated = sum(total_cost_pence(content) for _p, _c, _part, content in _current_contents(plans))
    return Costs(estimated, sum(_actuals(plans).values()))


@dataclass
class TeamCosts:
    children: int = 0
    costs: Costs = field(default_factory=Costs)


def team_costs(
    children: Any, *, team_of: Mapping[int, int], parts_of: Mapping[int, frozenset[str]]
) -> dict[int, TeamCosts]:
    """Per team: the children with an active plan, and the estimated and
    actual cost of those plans, for the children in `children` (a queryset
    of child ids) whose team is `team_of[child]`, counting a plan only in
    the parts `parts_of[child]` the reader may see.  Two queries, whatever
    the number of children."""
    plans = Plan.objects.filter(status=PlanStatus.ACTIVE, child_id__in=children).values("pk")
    actuals = _actuals(plans)
    result: dict[int, TeamCosts] = {}
    counted: dict[int, set[int]] = {}
    for plan_id, child_id, part, content in _current_contents(plans):
        if part not in parts_of.get(child_id, frozenset()):
            continue
        team_id = team_of[child_id]
        row = result.setdefault(team_id, TeamCosts())
        row.costs = row.costs + Costs(total_cost_pence(content), actuals.get(plan_id, 0))
        counted.setdefault(team_id, set()).add(child_id)
    for team_id, row in result.items():
        row.children = len(counted[team_id])
    return result
