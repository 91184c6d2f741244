"""The team view's roll-up of the estimated costs of the active plans of the
team's allocated children: per team, the current agreed version only, drafts
and ended plans left out, in one query however many children."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from openics.core import testing as t
from openics.plans import actions as plan_actions
from openics.plans.tests.factories import agreed_plan, full_content
from openics.records.tests.test_team_view import URL, _queries, teams  # noqa: F401

pytestmark = pytest.mark.django_db


def _agreed(child: Any, actor: Any, **content: Any) -> Any:
    today = timezone.localdate()
    plan, _version = agreed_plan(
        child,
        actor,
        "stage2-action-plan",
        agreed_on=today - dt.timedelta(days=10),
        next_review_on=today + dt.timedelta(days=30),
        **content,
    )
    return plan


def _costs(response: Any) -> dict[str, tuple[int, str]]:
    return {team.name: (children, cost) for team, children, cost in response.context["plan_costs"]}


def test_team_costs_sum_active_plans_of_allocated_children(teams: Any, client_for: Any) -> None:  # noqa: F811
    w = teams
    _agreed(w.amy, w.sam_sw, cost_pence=12_000, second_cost=3_050)  # £150.50
    _agreed(w.ben, w.sam_sw, cost_pence=10_000, second_cost=None)  # £100.00
    _agreed(w.cara, w.olu_other, cost_pence=50_000, second_cost=None)  # South: £500.00
    # A draft plan and an ended plan cost nothing.
    plan_actions.do_start_plan(w.unallocated, actor=w.sam_sw, plan_type="stage2-action-plan")
    ended = _agreed(w.unallocated, w.sam_sw, cost_pence=99_900, second_cost=None)
    plan_actions.do_record_review(
        ended,
        actor=w.sam_sw,
        review_date=timezone.localdate(),
        held_at="",
        attended="",
        outcomes=[
            {
                "outcome": o["key"],
                "happened": "All met",
                "progress": "met",
                "targets": {x["key"]: "met" for x in o["targets"]},
            }
            for o in ended.versions.get().content["outcomes"]
        ],
        decision="close",
        decision_reason="Outcomes met",
    )

    pat = client_for(w.pat_pm).get(URL, secure=True)
    assert _costs(pat) == {"Assessment Team North": (2, "£250.50")}
    html = pat.content.decode()
    assert "Estimated cost of active plans" in html
    assert "£250.50" in html

    sean = client_for(w.sean_sm).get(URL, secure=True)
    assert _costs(sean) == {
        "Assessment Team North": (2, "£250.50"),
        "Assessment Team South": (1, "£500.00"),
        "Children's Services": (0, "£0.00"),  # the service's own team holds no case
    }
    assert sean.context["plan_costs_total"] == "£750.50"
    south = client_for(w.sean_sm).get(URL, {"team": w.south.pk}, secure=True)
    assert _costs(south) == {"Assessment Team South": (1, "£500.00")}


def test_only_the_version_in_force_counts(teams: Any, client_for: Any) -> None:  # noqa: F811
    w = teams
    plan = _agreed(w.amy, w.sam_sw, cost_pence=12_000, second_cost=None)
    draft = plan_actions.do_new_version(plan, actor=w.sam_sw, reason="Add a service")
    plan_actions.do_save_draft(
        draft,
        actor=w.sam_sw,
        content=full_content(cost_pence=12_000, second_cost=8_000),
        expected_version=draft.version,
    )
    # The draft's £200.00 is not yet in force.
    assert _costs(client_for(w.pat_pm).get(URL, secure=True))["Assessment Team North"] == (1, "£120.00")
    draft.refresh_from_db()
    plan_actions.do_agree(draft, actor=w.sam_sw, agreed_on=timezone.localdate())
    assert _costs(client_for(w.pat_pm).get(URL, secure=True))["Assessment Team North"] == (1, "£200.00")


def test_cost_roll_up_query_count_does_not_grow(teams: Any, client_for: Any) -> None:  # noqa: F811
    w = teams
    _agreed(w.amy, w.sam_sw)
    sean = client_for(w.sean_sm)
    sean.get(URL, secure=True)
    before = _queries(sean)
    for i in range(20):
        child = t.make_child(f"Costly{i}", "Many")
        t.allocate(child, w.north if i % 2 else w.south, w.sam_sw if i % 2 else w.olu_other)
        _agreed(child, w.sam_sw if i % 2 else w.olu_other)
    response = sean.get(URL, secure=True)
    assert sum(n for _t, n, _c in response.context["plan_costs"]) == 21
    assert _queries(sean) == before
