"""The managers' team view: each worker's allocated children and the open
deadlines of the team's children, due, due soon and overdue.

A practice manager sees their team(s), a service manager every team under
them (`StaffContext.managed_team_ids`).  Which of the teams' children the
manager may see, and in which parts, comes from `people_by_parts`, the
grounds `Deadline.objects.for_user` is built from, read once for the
teams' children; the statuses are `Deadline.with_status`.  The page costs
the same number of queries however many children the teams hold: the
teams' open deadlines are read once, as (id, child, part, status), counted
and filtered here, and only the page's fifty rows are read in full.
(Measured by bench/team.py: the same counts grouped in the database took
seconds at 5,000 cases, the visibility subqueries being repeated per query.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from openics.core.access import staff_context
from openics.core.models import Involvement, InvolvementKind, Person, RoleAssignment, Team, User
from openics.core.roles import SOCIAL_CARE_ROLES, Role
from openics.core.views import _url_maker
from openics.timescales.models import Deadline, DeadlineStatus, people_by_parts
from openics.web.forms import GovukForm

if TYPE_CHECKING:
    from openics.plans.costs import TeamCosts

DEADLINES_PAGE = 50
# A worker's children are listed (when the list is filtered to them) up to this many.
CHILDREN_LISTED = 200
OPEN_STATUSES = (DeadlineStatus.OVERDUE, DeadlineStatus.DUE_SOON, DeadlineStatus.DUE)
# Deadlines on a team child with no allocated worker are filed under this.
NO_WORKER = "none"
# Staff listed as the team's workers, even before they hold a case.
WORKER_ROLES = frozenset(SOCIAL_CARE_ROLES) - {Role.IRO, Role.SERVICE_MANAGER}


class TeamFilterForm(GovukForm):
    team = forms.ChoiceField(label="Team", required=False)
    worker = forms.ChoiceField(label="Worker", required=False)
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Overdue, due soon and due"), *[(s.value, s.label) for s in OPEN_STATUSES]],
    )

    def __init__(self, *args: Any, teams: list[Team], workers: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", "All my teams"), *[(str(t.pk), t.name) for t in teams]]  # type: ignore[attr-defined]
        self.fields["worker"].choices = [  # type: ignore[attr-defined]
            ("", "All workers"),
            *[(str(w.pk), w.get_full_name() or w.username) for w in workers],
            (NO_WORKER, "No allocated worker"),
        ]
        self.fields["team"].error_messages["invalid_choice"] = "Select one of your teams"
        self.fields["worker"].error_messages["invalid_choice"] = "Select a worker from the list"
        self.fields["status"].error_messages["invalid_choice"] = "Select overdue, due soon or due"


@dataclass
class WorkerRow:
    user: User | None
    teams: list[str] = field(default_factory=list)
    children: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return (self.user.get_full_name() or self.user.username) if self.user else "No allocated worker"

    @property
    def key(self) -> str:
        return str(self.user.pk) if self.user else NO_WORKER

    def count(self, status: str) -> int:
        return self.counts.get(status, 0)

    @property
    def overdue(self) -> int:
        return self.count(DeadlineStatus.OVERDUE)

    @property
    def due_soon(self) -> int:
        return self.count(DeadlineStatus.DUE_SOON)

    @property
    def due(self) -> int:
        return self.count(DeadlineStatus.DUE)


def team_allocations(team_ids: list[int]) -> QuerySet[Involvement]:
    """The current allocations of the teams' children."""
    return Involvement.objects.current().filter(
        kind=InvolvementKind.ALLOCATED, team_id__in=team_ids, child__merged_into__isnull=True
    )


@dataclass
class TeamCases:
    """The teams' children as `user` may see them, read once per request.

    `worker_of` maps each child to its allocated worker (None: the team
    only) and `team_of` to its team; `parts_of` holds the parts of each
    child's record the user's grounds open, from `people_by_parts`, the
    same grounds `Deadline.objects.for_user` uses.  A child in no group is
    one the user may not see: left out everywhere.
    """

    worker_of: dict[int, int | None]
    team_of: dict[int, int]
    parts_of: dict[int, frozenset[str]]

    @classmethod
    def load(cls, user: User, team_ids: list[int]) -> TeamCases:
        worker_of: dict[int, int | None] = {}
        team_of: dict[int, int] = {}
        allocations = team_allocations(team_ids).order_by("started_on", "pk")
        for child_id, worker_id, team_id in allocations.values_list("child_id", "worker_id", "team_id"):
            # The newest allocation wins, should two overlap for a day.
            worker_of[child_id] = worker_id
            team_of[child_id] = team_id
        parts_of: dict[int, frozenset[str]] = {}
        among = allocations.values("child_id")
        for parts, people in people_by_parts(user):
            for child_id in people.filter(pk__in=among).values_list("pk", flat=True):
                parts_of[child_id] = parts_of.get(child_id, frozenset()) | frozenset(parts)
        return cls(worker_of, team_of, parts_of)


def team_deadlines(cases: TeamCases, team_ids: list[int]) -> list[tuple[int, int, str]]:
    """(deadline id, child id, status) of the open deadlines on the teams'
    children, in the parts the user may see, soonest due first: one query,
    the statuses worked out by `Deadline.with_status`."""
    rows = (
        Deadline.objects.open()
        .filter(child_id__in=team_allocations(team_ids).values("child_id"))
        .with_status()
        .order_by("due_date", "pk")
        .values_list("pk", "child_id", "part", "current_status")  # type: ignore[misc]
    )
    parts_of = cases.parts_of
    return [(pk, child, status) for pk, child, part, status in rows if part in parts_of.get(child, frozenset())]


def team_plan_costs(cases: TeamCases, team_ids: list[int]) -> dict[int, TeamCosts]:
    """Per team (`plans.costs.TeamCosts`): the children with an active plan,
    and the estimated and actual cost of those plans, for the teams'
    children, in the parts the user may see.  Two queries, whatever the
    number of children."""
    from openics.plans.costs import team_costs

    return team_costs(team_allocations(team_ids).values("child_id"), team_of=cases.team_of, parts_of=cases.parts_of)


def _workers(team_ids: list[int], also: set[int]) -> list[WorkerRow]:
    """The teams' staff (current role in a team) and anyone else holding an
    allocation there, by name."""
    today = timezone.localdate()
    assignments = (
        RoleAssignment.objects.filter(team_id__in=team_ids, role__in=WORKER_ROLES, started_on__lte=today)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
        .select_related("user", "team")
    )
    rows: dict[int, WorkerRow] = {}
    for assignment in assignments:
        row = rows.setdefault(assignment.user_id, WorkerRow(assignment.user))
        if assignment.team and assignment.team.name not in row.teams:
            row.teams.append(assignment.team.name)
    missing = also - set(rows)
    if missing:
        for user in User.objects.filter(pk__in=missing):
            rows[user.pk] = WorkerRow(user, ["Another team"])
    return sorted(rows.values(), key=lambda r: (r.user.last_name, r.user.first_name, r.user.pk) if r.user else ("",))


def _worker_matches(worker_id: int | None, chosen: str) -> bool:
    if not chosen:
        return True
    if chosen == NO_WORKER:
        return worker_id is None
    return str(worker_id) == chosen


@login_required
def team_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    ctx = staff_context(user)
    if not ctx.is_manager:
        # Like any page a user may not use: as if it did not exist.
        raise Http404
    teams = list(Team.objects.filter(pk__in=ctx.managed_team_ids, active=True).order_by("name"))
    all_ids = [t.pk for t in teams]
    cases = TeamCases.load(user, all_ids)
    holders = {w for c, w in cases.worker_of.items() if w is not None and c in cases.parts_of}
    workers = _workers(all_ids, holders)
    form = TeamFilterForm(request.GET or None, teams=teams, workers=[w.user for w in workers if w.user])
    status = 200
    chosen: dict[str, str] = {"team": "", "worker": "", "status": ""}
    if form.is_bound:
        if form.is_valid():
            chosen = form.cleaned_data
        else:
            status = 400
    team_ids = [int(chosen["team"])] if chosen["team"] else all_ids
    in_teams = set(team_ids)
    # Allocated children each worker has, among those the user may see.
    child_counts: dict[int | None, int] = {}
    for child_id in cases.parts_of:
        if cases.team_of[child_id] in in_teams:
            worker_id = cases.worker_of[child_id]
            child_counts[worker_id] = child_counts.get(worker_id, 0) + 1
    deadlines = team_deadlines(cases, team_ids)
    counts: dict[int | None, dict[str, int]] = {}
    for _pk, child_id, current in deadlines:
        by_status = counts.setdefault(cases.worker_of[child_id], {})
        by_status[current] = by_status.get(current, 0) + 1
    team_name = next((t.name for t in teams if str(t.pk) == chosen["team"]), "")
    rows = [
        w
        for w in workers
        if not team_name or team_name in w.teams or (w.user and (w.user.pk in child_counts or w.user.pk in counts))
    ]
    for row in rows:
        key = row.user.pk if row.user else None
        row.children = child_counts.get(key, 0)
        row.counts = counts.get(key, {})
    if child_counts.get(None) or counts.get(None):
        rows.append(WorkerRow(None, [], child_counts.get(None, 0), counts.get(None, {})))
    totals = {s.value: sum(c.get(s.value, 0) for c in counts.values()) for s in OPEN_STATUSES}

    listed = [
        pk
        for pk, child_id, current in deadlines
        if _worker_matches(cases.worker_of[child_id], chosen["worker"])
        and (not chosen["status"] or current == chosen["status"])
    ]
    page: Page[Any] = Paginator(listed, DEADLINES_PAGE).get_page(request.GET.get("page"))
    # The page's rows, read in full: one query, in the list's order.
    shown = (
        Deadline.objects.filter(pk__in=list(page.object_list))
        .with_status()
        .select_related("child")
        .order_by("due_date", "pk")
    )
    child_url = _url_maker("child-deadlines")
    names = {w.user.pk: w.name for w in workers if w.user}
    page.object_list = list(shown)
    for deadline in page.object_list:
        worker_id = cases.worker_of.get(deadline.child_id)
        deadline.child_url = child_url(deadline.child_id)
        deadline.worker_name = names.get(worker_id, "") if worker_id else "No allocated worker"
    worker_children: list[Any] = []
    if chosen["worker"] and chosen["worker"] != NO_WORKER:
        theirs = [
            c for c in cases.parts_of if cases.team_of[c] in in_teams and str(cases.worker_of[c]) == chosen["worker"]
        ]
        worker_children = list(
            Person.objects.filter(pk__in=theirs).order_by("last_name", "first_name", "pk")[:CHILDREN_LISTED]
        )
        overview_url = _url_maker("child-overview")
        for child in worker_children:
            child.child_url = overview_url(child.pk)
    query = request.GET.copy()
    query.pop("page", None)
    from openics.plans.content import pounds
    from openics.plans.costs import Costs, TeamCosts

    costs = team_plan_costs(cases, team_ids)
    counted = [(t, costs.get(t.pk) or TeamCosts()) for t in teams if t.pk in in_teams]
    total = sum((row.costs for _t, row in counted), Costs())
    context = {
        "plan_costs": [(t, row.children, pounds(row.costs.estimated_pence)) for t, row in counted],
        "plan_costs_total": total.estimated,
        # The same rows with the actual cost beside the estimate.
        "plan_cost_rows": [(t, row.children, row.costs) for t, row in counted],
        "plan_costs_totals": total,
        "form": form,
        "teams": teams,
        "workers": rows,
        "totals": totals,
        "page": page,
        "query": query.urlencode(),
        "chosen": chosen,
        "worker_children": worker_children,
        "children_listed": CHILDREN_LISTED,
        "today": timezone.localdate(),
    }
    return render(request, "records/team.html", context, status=status)
