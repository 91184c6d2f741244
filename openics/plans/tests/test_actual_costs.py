"""Actual costs of the services in a plan: recorded against the plan's
actions (through the page and the API, audited), and rolled up beside the
estimate per plan, per child and per team."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from openics.core import testing as t
from openics.core.models import AuditEvent
from openics.plans import actions
from openics.plans.models import ActualCost, Plan
from openics.plans.tests.factories import agreed_plan

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
TEAM_URL = "/team/"


def _date(prefix: str, day: dt.date) -> dict[str, str]:
    return {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month), f"{prefix}_year": str(day.year)}


def _plan(world: Any, plan_type: str = "stage2-action-plan", child: Any = None, **costs: Any) -> Plan:
    plan, _version = agreed_plan(
        child or world.amy,
        world.sam_sw,
        plan_type,
        agreed_on=TODAY - dt.timedelta(days=30),
        next_review_on=TODAY + dt.timedelta(days=30),
        **costs,
    )
    return plan


def _keys(plan: Plan) -> list[str]:
    version = actions.current_version(plan)
    assert version is not None
    return [a["key"] for a in version.content["actions"]]


def _url(plan: Plan) -> str:
    return reverse("plan-costs", args=[plan.pk])


def _form(key: str, amount: str, *, days_ago: int = 7, **extra: str) -> dict[str, str]:
    return {"action_key": key, "amount": amount, **_date("period_start", TODAY - dt.timedelta(days=days_ago)), **extra}


def _record(world: Any, plan: Plan, key: str, pence: int, *, days_ago: int = 7, note: str = "") -> ActualCost:
    return actions.do_record_actual_cost(
        plan,
        actor=world.sam_sw,
        action_key=key,
        amount_pence=pence,
        period_start=TODAY - dt.timedelta(days=days_ago),
        note=note,
    )


def test_an_actual_cost_is_recorded_against_a_service_and_rolls_up(world: Any, client_for: Any) -> None:
    plan = _plan(world, cost_pence=12_000, second_cost=3_050)  # estimated £150.50
    support, breakfast = _keys(plan)
    sam = client_for(world.sam_sw)

    page = sam.get(_url(plan), secure=True)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Weekly family support sessions" in html and "Record an actual cost" in html

    data = _form(support, "£100.50", days_ago=14, note="Invoice 1001")
    data.update(_date("period_end", TODAY - dt.timedelta(days=8)))
    response = sam.post(_url(plan), data, secure=True)
    assert response.status_code == 302 and response["Location"] == _url(plan)
    row = ActualCost.objects.get()
    assert (row.plan, row.action_key, row.amount_pence, row.note, row.recorded_by) == (
        plan,
        support,
        10_050,
        "Invoice 1001",
        world.sam_sw,
    )
    assert (row.period_start, row.period_end) == (TODAY - dt.timedelta(days=14), TODAY - dt.timedelta(days=8))
    event = AuditEvent.objects.get(action="create", object_type="plans.actualcost", object_id=str(row.pk))
    assert event.child_id == world.amy.pk and event.detail["amount_pence"] == 10_050
    # A single day: the end is the start.
    assert sam.post(_url(plan), _form(breakfast, "40", days_ago=2), secure=True).status_code == 302
    assert ActualCost.objects.get(action_key=breakfast).period_end == TODAY - dt.timedelta(days=2)

    page = sam.get(_url(plan), secure=True)
    services = {r.key: (r.estimated, r.actual) for r in page.context["rows"]}
    assert services == {support: ("£120.00", "£100.50"), breakfast: ("£30.50", "£40.00")}
    assert (page.context["plan_costs"].estimated, page.context["plan_costs"].actual) == ("£150.50", "£140.50")
    html = page.content.decode()
    assert "Invoice 1001" in html and "£100.50" in html and "Sam Tester" in html

    detail = sam.get(reverse("plan-detail", args=[plan.pk]), secure=True)
    assert (detail.context["plan_costs"].estimated, detail.context["plan_costs"].actual) == ("£150.50", "£140.50")
    assert 'id="plan-actual-cost">£140.50' in detail.content.decode()
    assert _url(plan) in detail.content.decode()
    listing = sam.get(reverse("child-plans", args=[world.amy.pk]), secure=True)
    assert (listing.context["costs"].estimated, listing.context["costs"].actual) == ("£150.50", "£140.50")
    assert 'id="child-actual-cost">£140.50' in listing.content.decode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"amount": ""}, "amount", "Enter the actual cost"),
        ({"amount": "lots"}, "amount", "Enter the actual cost in pounds and pence, like 120.50"),
        ({"amount": "0"}, "amount", "Enter the actual cost in pounds and pence, like 120.50"),
        ({"action_key": "not-a-service"}, "action_key", "Select the service in the plan the cost is for"),
        ({"action_key": ""}, "action_key", "Select the service in the plan the cost is for"),
        ({"amount": "-5"}, "note", "Enter why the cost is reduced"),
        ({"period_start_day": ""}, "period_start", "Enter the start of the period as a day, month and year"),
        ({"period_start_day": "31", "period_start_month": "2"}, "period_start", "must be a real date"),
        ({**_date("period_start", TODAY + dt.timedelta(days=1))}, "period_start", "must be today or in the past"),
        ({**_date("period_start", TODAY - dt.timedelta(days=40))}, "period_start", "before the plan started"),
        ({**_date("period_end", TODAY - dt.timedelta(days=10))}, "period_end", "the same as or after the start"),
    ],
)
def test_bad_input_is_an_error_for_people_and_records_nothing(
    world: Any, client_for: Any, data: dict[str, str], field: str, message: str
) -> None:
    plan = _plan(world)
    response = client_for(world.sam_sw).post(_url(plan), {**_form(_keys(plan)[0], "25.00"), **data}, secure=True)
    assert response.status_code == 400
    assert message in str(response.context["form"].errors[field])
    assert "govuk-error-summary" in response.content.decode()
    assert not ActualCost.objects.exists()


def test_a_reduction_corrects_what_was_recorded_but_not_below_nothing(world: Any, client_for: Any) -> None:
    plan = _plan(world)
    key = _keys(plan)[0]
    _record(world, plan, key, 5_000)
    sam = client_for(world.sam_sw)
    too_much = sam.post(_url(plan), _form(key, "-60.00", note="Refund"), secure=True)
    assert too_much.status_code == 400
    assert "A reduction cannot be more than the £50.00 recorded for this service" in too_much.content.decode()
    # The other service has nothing recorded: nothing to reduce.
    other = sam.post(_url(plan), _form(_keys(plan)[1], "-1", note="Refund"), secure=True)
    assert other.status_code == 400
    assert (
        sam.post(_url(plan), _form(key, "-20.50", note="Two sessions not delivered: refunded"), secure=True).status_code
        == 302
    )
    page = sam.get(_url(plan), secure=True)
    assert page.context["plan_costs"].actual == "£29.50"
    assert "-£20.50" in page.content.decode() and "Two sessions not delivered: refunded" in page.content.decode()


def test_who_may_record_an_actual_cost(world: Any, client_for: Any) -> None:
    plan = _plan(world)
    data = _form(_keys(plan)[0], "25")
    # Tara, a team administrator, reads the plan but does not write a Stage 2 plan.
    tara = client_for(world.tara_ta)
    assert tara.get(_url(plan), secure=True).status_code == 200
    assert "Record an actual cost" not in tara.get(_url(plan), secure=True).content.decode()
    refused = tara.post(_url(plan), data, secure=True)
    assert refused.status_code == 403 and "is written by a" in refused.content.decode()
    # Another team's worker and the school's teacher do not see the plan at all.
    for user in (world.olu_other, world.tom_teacher):
        assert client_for(user).get(_url(plan), secure=True).status_code == 404
        assert client_for(user).post(_url(plan), data, secure=True).status_code == 404
    # The school's DSL writes Stage 2 plans.
    assert client_for(world.dee_dsl).post(_url(plan), data, secure=True).status_code == 302
    assert ActualCost.objects.get().recorded_by == world.dee_dsl
    # A plan not yet agreed has no services in force to cost.
    draft = actions.do_start_plan(world.amy, actor=world.sam_sw, plan_type="stage2-action-plan")
    page = client_for(world.sam_sw).get(_url(draft), secure=True)
    assert page.status_code == 200 and "Record an actual cost" not in page.content.decode()
    with pytest.raises(actions.PlanRefused) as refusal:
        _record(world, draft, _keys(plan)[0], 100)
    assert refusal.value.status == 409


def test_a_service_a_later_version_removed_keeps_its_actual_cost(world: Any, client_for: Any) -> None:
    plan = _plan(world, cost_pence=12_000, second_cost=3_050)
    support, breakfast = _keys(plan)
    _record(world, plan, breakfast, 2_000)
    new = actions.do_new_version(plan, actor=world.sam_sw, reason="Breakfast club closed")
    content = dict(new.content)
    content["actions"] = [a for a in content["actions"] if a["key"] == support]
    new = actions.do_save_draft(new, actor=world.sam_sw, content=content, expected_version=new.version)
    actions.do_agree(new, actor=world.sam_sw, agreed_on=TODAY)
    page = client_for(world.sam_sw).get(_url(plan), secure=True)
    rows = {r.key: r for r in page.context["rows"]}
    assert (rows[support].estimated, rows[support].actual, rows[support].in_force) == ("£120.00", "£0.00", True)
    assert (rows[breakfast].what, rows[breakfast].actual, rows[breakfast].in_force) == (
        "Breakfast club place",
        "£20.00",
        False,
    )
    assert "no longer in the plan" in page.content.decode()
    # The estimate is the version in force; the actual cost is all that was spent.
    assert (page.context["plan_costs"].estimated, page.context["plan_costs"].actual) == ("£120.00", "£20.00")


def test_an_ended_plan_keeps_its_costs_but_leaves_the_childs_current_total(world: Any, client_for: Any) -> None:
    plan = _plan(world, cost_pence=10_000, second_cost=None)
    key = _keys(plan)[0]
    _record(world, plan, key, 7_000, days_ago=10)
    version = actions.current_version(plan)
    assert version is not None
    actions.do_record_review(
        plan,
        actor=world.sam_sw,
        review_date=TODAY - dt.timedelta(days=5),
        held_at="",
        attended="",
        outcomes=[
            {
                "outcome": o["key"],
                "happened": "Met",
                "progress": "met",
                "targets": {x["key"]: "met" for x in o["targets"]},
            }
            for o in version.content["outcomes"]
        ],
        decision="close",
        decision_reason="Outcomes met",
    )
    sam = client_for(world.sam_sw)
    # An invoice for the weeks before it ended is still recorded; after, it is not.
    assert sam.post(_url(plan), _form(key, "10", days_ago=6), secure=True).status_code == 302
    late = sam.post(_url(plan), _form(key, "10", days_ago=2), secure=True)
    assert late.status_code == 400 and "cannot end after the plan ended" in late.content.decode()
    detail = sam.get(reverse("plan-detail", args=[plan.pk]), secure=True)
    assert detail.context["plan_costs"].actual == "£80.00"
    listing = sam.get(reverse("child-plans", args=[world.amy.pk]), secure=True)
    assert (listing.context["costs"].estimated, listing.context["costs"].actual) == ("£0.00", "£0.00")


def test_the_childs_roll_up_counts_only_the_parts_the_reader_sees(world: Any, client_for: Any) -> None:
    cin = _plan(world, "cin-plan", cost_pence=10_000, second_cost=None)
    stage2 = _plan(world, cost_pence=5_000, second_cost=None)
    _record(world, cin, _keys(cin)[0], 9_000)
    _record(world, stage2, _keys(stage2)[0], 4_000)
    url = reverse("child-plans", args=[world.amy.pk])
    sam = client_for(world.sam_sw).get(url, secure=True).context["costs"]
    assert (sam.estimated, sam.actual) == ("£150.00", "£130.00")
    # Dee (the school's DSL) does not see the social care plan, nor its costs.
    dee = client_for(world.dee_dsl).get(url, secure=True).context["costs"]
    assert (dee.estimated, dee.actual) == ("£50.00", "£40.00")


def test_the_child_plans_page_reads_the_same_queries_with_more_costs(world: Any, client_for: Any) -> None:
    plan = _plan(world)
    _record(world, plan, _keys(plan)[0], 1_000)
    client = client_for(world.sam_sw)
    url = reverse("child-plans", args=[world.amy.pk])
    client.get(url, secure=True)
    with CaptureQueriesContext(connection) as one:
        client.get(url, secure=True)
    for _ in range(3):
        more = _plan(world)
        for key in _keys(more):
            _record(world, more, key, 500)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url, secure=True).context["costs"].actual == "£40.00"
    assert len(many.captured_queries) == len(one.captured_queries)


def test_the_api_records_and_rolls_up_actual_costs(world: Any, client_for: Any) -> None:
    plan = _plan(world, cost_pence=12_000, second_cost=3_050)
    support, breakfast = _keys(plan)
    api = client_for(world.sam_sw)
    url = f"/api/v1/plans/{plan.pk}/actual-costs/"
    body = {
        "action_key": support,
        "amount_pence": 9_900,
        "period_start": (TODAY - dt.timedelta(days=14)).isoformat(),
        "period_end": (TODAY - dt.timedelta(days=7)).isoformat(),
        "note": "Invoice 2002",
    }
    response = api.post(url, body, content_type="application/json", secure=True)
    assert response.status_code == 201, response.content
    assert response.json()["amount_pence"] == 9_900 and response.json()["recorded_by"] == world.sam_sw.pk
    assert AuditEvent.objects.filter(
        action="create", object_type="plans.actualcost", object_id=str(response.json()["id"])
    ).exists()
    # Bad input: a clear 400 keyed by the API's field names, never a server error.
    for bad, field in (
        ({"amount_pence": -100, "note": ""}, "note"),
        ({"amount_pence": -100_000, "note": "Refund"}, "amount_pence"),
        ({"amount_pence": 0}, "amount_pence"),
        ({"amount_pence": "ten"}, "amount_pence"),
        ({"amount_pence": 10**15}, "amount_pence"),
        ({"action_key": "nope"}, "action_key"),
        ({"period_start": "2026-02-30"}, "period_start"),
        ({"period_end": (TODAY - dt.timedelta(days=20)).isoformat()}, "period_end"),
    ):
        answer = api.post(url, {**body, **bad}, content_type="application/json", secure=True)
        assert answer.status_code == 400 and field in answer.json(), (bad, answer.content)
    assert ActualCost.objects.count() == 1

    summary = api.get(url, secure=True).json()
    assert (summary["estimated_cost_pence"], summary["actual_cost_pence"]) == (15_050, 9_900)
    assert {s["key"]: (s["estimated_cost_pence"], s["actual_cost_pence"]) for s in summary["services"]} == {
        support: (12_000, 9_900),
        breakfast: (3_050, 0),
    }
    assert [e["note"] for e in summary["entries"]] == ["Invoice 2002"]
    detail = api.get(f"/api/v1/plans/{plan.pk}/", secure=True).json()
    assert (detail["estimated_cost_pence"], detail["actual_cost_pence"]) == (15_050, 9_900)
    listed = api.get(f"/api/v1/people/{world.amy.pk}/plans/", secure=True).json()
    assert [(p["estimated_cost_pence"], p["actual_cost_pence"]) for p in listed] == [(15_050, 9_900)]
    # Tara reads but does not write a Stage 2 plan; another team sees nothing.
    tara = client_for(world.tara_ta).post(url, body, content_type="application/json", secure=True)
    assert tara.status_code == 403
    assert client_for(world.olu_other).get(url, secure=True).status_code == 404


# ---------------------------------------------------------------- the team view


@pytest.fixture
def north_and_south(world: Any) -> Any:
    world.ben = t.make_child("Ben", "North")
    t.allocate(world.ben, world.north, world.sam_sw)
    world.cara = t.make_child("Cara", "South")
    t.allocate(world.cara, world.south, world.olu_other)
    return world


def _team_rows(response: Any) -> dict[str, tuple[int, str, str]]:
    return {team.name: (n, c.estimated, c.actual) for team, n, c in response.context["plan_cost_rows"]}


def test_the_team_view_shows_estimated_and_actual_per_team(north_and_south: Any, client_for: Any) -> None:
    w = north_and_south
    amy = _plan(w, cost_pence=12_000, second_cost=None)
    ben = _plan(w, child=w.ben, cost_pence=10_000, second_cost=None)
    cara, _v = agreed_plan(
        w.cara,
        w.olu_other,
        "stage2-action-plan",
        agreed_on=TODAY - dt.timedelta(days=30),
        next_review_on=TODAY + dt.timedelta(days=30),
        cost_pence=50_000,
        second_cost=None,
    )
    _record(w, amy, _keys(amy)[0], 15_000)
    _record(w, ben, _keys(ben)[0], 2_500)
    actions.do_record_actual_cost(
        cara, actor=w.olu_other, action_key=_keys(cara)[0], amount_pence=45_000, period_start=TODAY
    )
    pat = client_for(w.pat_pm).get(TEAM_URL, secure=True)
    assert _team_rows(pat) == {"Assessment Team North": (2, "£220.00", "£175.00")}
    html = pat.content.decode()
    assert "Actual cost" in html and "£175.00" in html
    sean = client_for(w.sean_sm).get(TEAM_URL, secure=True)
    assert _team_rows(sean) == {
        "Assessment Team North": (2, "£220.00", "£175.00"),
        "Assessment Team South": (1, "£500.00", "£450.00"),
        "Children's Services": (0, "£0.00", "£0.00"),
    }
    assert 'id="team-plan-actual-costs-total">£625.00' in sean.content.decode()
    assert sean.context["plan_costs_total"] == "£720.00"


def test_the_team_roll_up_query_count_does_not_grow_with_costs(north_and_south: Any, client_for: Any) -> None:
    w = north_and_south
    plan = _plan(w)
    _record(w, plan, _keys(plan)[0], 1_000)
    sean = client_for(w.sean_sm)
    sean.get(TEAM_URL, secure=True)
    with CaptureQueriesContext(connection) as one:
        sean.get(TEAM_URL, secure=True)
    for i in range(8):
        child = t.make_child(f"Costly{i}", "Many")
        t.allocate(child, w.north, w.sam_sw)
        more = _plan(w, child=child)
        for key in _keys(more):
            _record(w, more, key, 100)
    with CaptureQueriesContext(connection) as many:
        response = sean.get(TEAM_URL, secure=True)
    assert _team_rows(response)["Assessment Team North"][0] == 9
    assert len(many.captured_queries) == len(one.captured_queries)
