"""SEND One Planning (issue #4): a One Plan through Assess, Plan, Do,
Review twice, and an EHC needs assessment request with its statutory
deadlines, through the pages and the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from openics.core import testing as t
from openics.core.roles import Role
from openics.plans import oneplan
from openics.plans.actions import current_version, do_agree, do_save_draft, draft_version
from openics.plans.models import (
    DeliveryLogEntry,
    EhcRequest,
    EhcStatus,
    OnePlanEvidence,
    Plan,
    PlanStatus,
    VersionStatus,
)
from openics.plans.tests.factories import full_content
from openics.timescales.actions import do_set_authority_timescales
from openics.timescales.models import Deadline

pytestmark = pytest.mark.django_db

D = dt.date.fromisoformat


def _date(prefix: str, day: dt.date) -> dict[str, str]:
    return {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month), f"{prefix}_year": str(day.year)}


def _json(client: Any, method: str, url: str, data: Any = None) -> Any:
    return getattr(client, method)(url, data, content_type="application/json", secure=True)


@pytest.fixture
def sue_senco(world: Any) -> Any:
    """The SENCo of Amy's school."""
    return t.make_user("sue_senco", Role.SENCO, organisation=world.school)


@pytest.fixture
def england(world: Any) -> None:
    do_set_authority_timescales(world.la, profile="england", nation="ENG", acting_user=None)


def _review_form(version: Any, day: dt.date, decision: str, next_review: dt.date | None) -> dict[str, str]:
    outcome = version.content["outcomes"][0]
    data = {
        **_date("review_date", day),
        "review-0-happened": "Amy came in every day",
        "review-0-progress": "partly",
        "decision": decision,
        "decision_reason": "What difference the support made",
    }
    for j, _target in enumerate(outcome["targets"]):
        data[f"review-0-targets-{j}"] = "partly"
    if next_review is not None:
        data.update(_date("next_review_on", next_review))
    return data


def test_a_one_plan_through_two_review_cycles(world: Any, client_for: Any, sue_senco: Any) -> None:
    today = timezone.localdate()
    client = client_for(sue_senco)
    # The SENCo of Amy's school starts the One Plan.
    started = client.post(reverse("plan-start", args=[world.amy.pk]), {"plan_type": "one-plan"}, secure=True)
    assert started.status_code == 302
    plan = Plan.objects.get(child=world.amy, plan_type="one-plan")

    # Assess: the views of the parent and the child, and an educational psychologist's advice.
    for kind, who, role in (
        ("parent", "Ms Parent", "Mother"),
        ("child", "Amy", ""),
        ("educational_psychologist", "Dr Psych", "Educational psychologist"),
    ):
        response = client.post(
            reverse("one-plan-evidence-add", args=[plan.pk]),
            {
                "kind": kind,
                "given_by": who,
                "role": role,
                **_date("given_on", today - dt.timedelta(days=210)),
                "summary": f"What {who} said",
            },
            secure=True,
        )
        assert response.status_code == 302, response.content
    assert list(plan.evidence.values_list("kind", flat=True)) == ["parent", "child", "educational_psychologist"]
    # Bad input is a message, never a server error.
    bad = client.post(reverse("one-plan-evidence-add", args=[plan.pk]), {"kind": "parent"}, secure=True)
    assert bad.status_code == 400 and "Enter who gave it" in bad.content.decode()

    # Support cannot be logged before the plan is agreed.
    refused = client.post(
        reverse("one-plan-delivery-add", args=[plan.pk]),
        {"delivered_by": "teacher", "who": "Mr T", **_date("delivered_on", today), "what_was_done": "x"},
        secure=True,
    )
    assert refused.status_code == 409

    # Plan: outcomes, SMART targets and support, agreed with a review date.
    draft = plan.versions.get()
    draft = do_save_draft(draft, actor=sue_senco, content=full_content(), expected_version=draft.version)
    agreed = client.post(
        reverse("plan-version-agree", args=[draft.pk]),
        {
            **_date("agreed_on", today - dt.timedelta(days=200)),
            **_date("next_review_on", today - dt.timedelta(days=140)),
        },
        secure=True,
    )
    assert agreed.status_code == 302, agreed.content
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE
    v1 = current_version(plan)
    assert v1 is not None
    target_key = v1.content["outcomes"][0]["targets"][0]["key"]

    # Do: the teacher in class and what happens at home, against the target.
    for by, who, day in (("teacher", "Mr Teacher", 190), ("home", "Amy's mum", 180)):
        response = client.post(
            reverse("one-plan-delivery-add", args=[plan.pk]),
            {
                "delivered_by": by,
                "who": who,
                **_date("delivered_on", today - dt.timedelta(days=day)),
                "target_key": target_key,
                "what_was_done": "Daily reading",
                "notes": "",
            },
            secure=True,
        )
        assert response.status_code == 302, response.content
    unknown = client.post(
        reverse("one-plan-delivery-add", args=[plan.pk]),
        {
            "delivered_by": "teacher",
            "who": "Mr T",
            **_date("delivered_on", today),
            "target_key": "nope",
            "what_was_done": "x",
        },
        secure=True,
    )
    assert unknown.status_code == 400

    # Review 1: continue.
    r1 = client.post(
        reverse("plan-review", args=[plan.pk]),
        _review_form(v1, today - dt.timedelta(days=140), "continue", today - dt.timedelta(days=80)),
        secure=True,
    )
    assert r1.status_code == 302, r1.content
    # Review 2: change the support: a new version, agreed the next day.
    r2 = client.post(
        reverse("plan-review", args=[plan.pk]),
        _review_form(v1, today - dt.timedelta(days=80), "amend", today - dt.timedelta(days=20)),
        secure=True,
    )
    assert r2.status_code == 302, r2.content
    plan.refresh_from_db()
    v2 = draft_version(plan)
    assert v2 is not None and v2.number == 2 and v2.from_review is not None
    do_agree(v2, actor=sue_senco, agreed_on=today - dt.timedelta(days=79))
    # The stable target key carries over to version 2.
    assert target_key in oneplan.target_keys(plan)
    response = client.post(
        reverse("one-plan-delivery-add", args=[plan.pk]),
        {
            "delivered_by": "senco",
            "who": "Sue",
            **_date("delivered_on", today - dt.timedelta(days=60)),
            "target_key": target_key,
            "what_was_done": "Supported the teaching assistant",
        },
        secure=True,
    )
    assert response.status_code == 302
    # Review 3 of version 2: continue.
    v2 = current_version(plan)
    assert v2 is not None and v2.number == 2 and v2.status == VersionStatus.AGREED
    r3 = client.post(
        reverse("plan-review", args=[plan.pk]),
        _review_form(v2, today - dt.timedelta(days=20), "continue", today + dt.timedelta(days=40)),
        secure=True,
    )
    assert r3.status_code == 302, r3.content

    cycles = oneplan.cycles(plan)
    assert [c.number for c in cycles] == [1, 2, 3, 4]
    assert [c.review.decision if c.review else None for c in cycles] == ["continue", "amend", "continue", None]
    assert [len(c.deliveries) for c in cycles] == [2, 0, 1, 0]
    assert cycles[2].review.version_id == v2.pk

    page = client.get(reverse("one-plan-cycles", args=[plan.pk]), secure=True)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Dr Psych" in html and "Cycle 4" in html and "Amy&#x27;s mum" in html
    assert DeliveryLogEntry.objects.filter(plan=plan).count() == 3


def _agreed_one_plan(world: Any, actor: Any) -> Plan:
    from openics.plans.actions import do_start_plan

    plan = do_start_plan(world.amy, actor=actor, plan_type="one-plan")
    draft = plan.versions.get()
    draft = do_save_draft(draft, actor=actor, content=full_content(), expected_version=draft.version)
    today = timezone.localdate()
    do_agree(draft, actor=actor, agreed_on=today - dt.timedelta(days=30), next_review_on=today + dt.timedelta(days=30))
    return plan


def _deadlines(row: EhcRequest) -> dict[str, Deadline]:
    return {d.rule_id: d for d in oneplan.ehc_deadlines(row)}


def test_an_ehc_request_with_its_deadlines_to_a_final_plan(
    world: Any, client_for: Any, sue_senco: Any, england: None
) -> None:
    plan = _agreed_one_plan(world, sue_senco)
    client = client_for(sue_senco)
    response = client.post(
        reverse("ehc-request-new", args=[world.amy.pk]),
        {
            "requested_by": "school",
            "requester_name": "Grange Primary",
            **_date("received_on", D("2026-01-05")),
            "evidence": "Two One Plan reviews: progress is limited",
        },
        secure=True,
    )
    assert response.status_code == 302, response.content
    row = EhcRequest.objects.get(child=world.amy)
    assert row.one_plan_id == plan.pk and row.status == EhcStatus.AWAITING_DECISION
    # England profile: the decision within 6 weeks, the final plan within 20 weeks of the request.
    due = {k: d.due_date for k, d in _deadlines(row).items()}
    assert due == {"ehc-decide-assess": D("2026-02-16"), "ehc-final-plan": D("2026-05-25")}
    assert all(d.part == "send" for d in _deadlines(row).values())

    def step(step: str, day: str, reasons: str = "") -> Any:
        return client.post(
            reverse("ehc-request-step", args=[row.pk]),
            {"step": step, **_date("on", D(day)), "reasons": reasons, "late_reason": ""},
            secure=True,
        )

    # A step that does not come yet is refused with a message.
    assert step("final_issued", "2026-02-01").status_code == 400
    assert step("assess", "2026-02-10").status_code == 400  # a decision needs its reasons
    assert step("assess", "2026-02-10", "Needs across education and health").status_code == 302
    row.refresh_from_db()
    found = _deadlines(row)
    assert row.status == EhcStatus.ASSESSING and row.decision_on == D("2026-02-10")
    assert found["ehc-decide-assess"].met_on == D("2026-02-10")
    assert found["ehc-notify-no-plan"].due_date == D("2026-04-27")

    assert step("advice_requested", "2026-02-12").status_code == 302
    assert _deadlines(row)["ehc-advice"].due_date == D("2026-03-26")
    assert step("advice_received", "2026-03-20").status_code == 302
    assert _deadlines(row)["ehc-advice"].met_on == D("2026-03-20")
    assert step("draft_issued", "2026-04-20").status_code == 302
    assert _deadlines(row)["ehc-draft-comments"].due_date == D("2026-05-05")
    assert step("final_issued", "2026-05-15").status_code == 302
    row.refresh_from_db()
    found = _deadlines(row)
    assert row.status == EhcStatus.PLAN_ISSUED
    assert found["ehc-final-plan"].met_on == D("2026-05-15")
    assert found["ehc-notify-no-plan"].cancelled_on == D("2026-05-15")
    assert found["ehc-draft-comments"].cancelled_on == D("2026-05-15")
    assert found["ehc-annual-review"].due_date == D("2027-05-15")
    assert found["ehc-annual-review"].met_on is None and found["ehc-annual-review"].cancelled_on is None
    page = client.get(reverse("ehc-request-detail", args=[row.pk]), secure=True)
    assert page.status_code == 200 and "EHC plan annual review" in page.content.decode()
    # Nothing more to record.
    assert oneplan.allowed_steps(row) == []


def test_a_decision_not_to_assess_closes_the_remaining_deadlines(world: Any, client_for: Any, england: None) -> None:
    client = client_for(world.dee_dsl)
    created = _json(
        client,
        "post",
        f"/api/v1/people/{world.amy.pk}/ehc-requests/",
        {"requested_by": "parent", "received_on": "2026-03-02", "evidence": "Letter from the parent"},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert {d["rule_id"]: d["due_date"] for d in body["deadlines"]} == {
        "ehc-decide-assess": "2026-04-13",
        "ehc-final-plan": "2026-07-20",
    }
    url = f"/api/v1/ehc-requests/{body['id']}/"
    decided = _json(
        client, "post", url + "steps/", {"step": "not_assess", "on": "2026-04-01", "reasons": "Met at SEN support"}
    )
    assert decided.status_code == 200, decided.content
    answer = decided.json()
    assert answer["status"] == "not_assessing" and answer["decision_notified_on"] == "2026-04-01"
    statuses = {d["rule_id"]: d["status"] for d in answer["deadlines"]}
    assert statuses == {"ehc-decide-assess": "met", "ehc-final-plan": "cancelled"}
    # A finished request takes no more steps: 409 with the reason.
    again = _json(client, "post", url + "steps/", {"step": "assess", "on": "2026-04-02", "reasons": "Changed mind"})
    assert again.status_code == 409 and "cannot be recorded now" in again.json()["detail"]
    # Bad input is 400, not a server error.
    assert _json(client, "post", url + "steps/", {"step": "fly", "on": "x"}).status_code == 400


def test_a_late_decision_needs_its_reason(world: Any, sue_senco: Any, england: None) -> None:
    row = oneplan.do_request_ehc_assessment(
        world.amy,
        actor=sue_senco,
        requested_by="other",
        requester_name="GP",
        received_on=D("2026-01-05"),
        evidence="Health letter",
    )
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        oneplan.do_record_ehc_step(row, actor=sue_senco, step="assess", on=D("2026-03-02"), reasons="Complex")
    assert "reason" in str(error.value)
    oneplan.do_record_ehc_step(
        row, actor=sue_senco, step="assess", on=D("2026-03-02"), reasons="Complex", late_reason="Advice delayed"
    )
    decide = _deadlines(row)["ehc-decide-assess"]
    assert decide.met_on == D("2026-03-02") and decide.late_reason == "Advice delayed"


def test_a_profile_without_ehc_rules_records_the_request_without_deadlines(world: Any, sue_senco: Any) -> None:
    do_set_authority_timescales(world.la, profile="sussex-ics", nation="ENG", acting_user=None)
    row = oneplan.do_request_ehc_assessment(
        world.amy,
        actor=sue_senco,
        requested_by="parent",
        requester_name="",
        received_on=D("2026-01-05"),
        evidence="Letter",
    )
    assert not oneplan.ehc_deadlines(row).exists()


def test_who_may_see_and_write_one_planning(world: Any, client_for: Any, sue_senco: Any, england: None) -> None:
    plan = _agreed_one_plan(world, world.sam_sw)
    row = oneplan.do_request_ehc_assessment(
        world.amy,
        actor=world.sam_sw,
        requested_by="parent",
        requester_name="",
        received_on=D("2026-01-05"),
        evidence="Letter",
    )
    pages = [
        reverse("one-plan-cycles", args=[plan.pk]),
        reverse("child-ehc-requests", args=[world.amy.pk]),
        reverse("ehc-request-detail", args=[row.pk]),
        f"/api/v1/one-plans/{plan.pk}/",
        f"/api/v1/ehc-requests/{row.pk}/",
    ]
    other_senco = t.make_user("rita_senco", Role.SENCO, organisation=world.other_school)
    # Another team, a teacher (core record only) and another school's SENCo: 404 alike.
    for outsider in (world.olu_other, world.tom_teacher, other_senco, world.nina_nurse):
        client = client_for(outsider)
        for url in pages:
            assert client.get(url, secure=True).status_code == 404, (outsider.username, url)
    # The SENCo of Amy's school reads and writes.
    client = client_for(sue_senco)
    for url in pages:
        assert client.get(url, secure=True).status_code == 200, url
    logged = _json(
        client,
        "post",
        f"/api/v1/one-plans/{plan.pk}/delivery-log/",
        {
            "delivered_by": "key_worker",
            "who": "Kim",
            "delivered_on": timezone.localdate().isoformat(),
            "what_was_done": "Social story",
        },
    )
    assert logged.status_code == 201, logged.content
    step = _json(
        client,
        "post",
        f"/api/v1/ehc-requests/{row.pk}/steps/",
        {"step": "assess", "on": "2026-02-01", "reasons": "Needs"},
    )
    assert step.status_code == 200, step.content
    # The team administrator sees the plan but does not write One Plans: 403 with why.
    refused = _json(
        client_for(world.tara_ta),
        "post",
        f"/api/v1/one-plans/{plan.pk}/evidence/",
        {"kind": "parent", "given_by": "Mum", "given_on": "2026-01-01", "summary": "x"},
    )
    assert refused.status_code == 403 and "A One Plan is written by" in refused.json()["detail"]
    assert OnePlanEvidence.objects.count() == 0
    # Only a One Plan has One Planning pages.
    from openics.plans.actions import do_start_plan

    cin = do_start_plan(world.amy, actor=world.sam_sw, plan_type="stage2-action-plan")
    assert client_for(world.sam_sw).get(reverse("one-plan-cycles", args=[cin.pk]), secure=True).status_code == 404


def test_the_cycles_page_keeps_its_query_count(world: Any, client_for: Any, sue_senco: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    plan = _agreed_one_plan(world, sue_senco)
    today = timezone.localdate()
    client = client_for(sue_senco)
    url = reverse("one-plan-cycles", args=[plan.pk])
    counts = []
    for size in (1, 6):
        while plan.delivery_log.count() < size:
            n = plan.delivery_log.count()
            oneplan.do_log_delivery(
                plan,
                actor=sue_senco,
                delivered_by="teacher",
                who=f"T{n}",
                delivered_on=today,
                target_key="",
                what_was_done="Help",
            )
            oneplan.do_add_evidence(
                plan, actor=sue_senco, kind="practitioner", given_by=f"P{n}", role="", given_on=today, summary="Notes"
            )
        client.get(url, secure=True)  # warm the session and caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, secure=True).status_code == 200
        counts.append(len(queries))
    # Independent of how much was logged.
    assert counts[0] == counts[1], counts


def test_a_reader_of_plans_without_send_does_not_see_ehc_requests(
    world: Any, client_for: Any, sue_senco: Any, england: None
) -> None:
    from openics.core.models import Involvement, InvolvementKind

    plan = _agreed_one_plan(world, sue_senco)
    row = oneplan.do_request_ehc_assessment(
        world.amy,
        actor=sue_senco,
        requested_by="parent",
        requester_name="",
        received_on=D("2026-01-05"),
        evidence="Letter",
        one_plan=plan,
    )
    # Nina, a partner nurse involved with Amy, sees her plans but not the `send` part.
    Involvement.objects.create(
        child=world.amy,
        kind=InvolvementKind.AGENCY,
        organisation=world.nina_nurse.organisation,
        worker=world.nina_nurse,
    )
    client = client_for(world.nina_nurse)
    page = client.get(reverse("one-plan-cycles", args=[plan.pk]), secure=True)
    assert page.status_code == 200
    assert reverse("ehc-request-detail", args=[row.pk]) not in page.content.decode()
    assert client.get(reverse("ehc-request-detail", args=[row.pk]), secure=True).status_code == 404
    senco_page = client_for(sue_senco).get(reverse("one-plan-cycles", args=[plan.pk]), secure=True)
    assert reverse("ehc-request-detail", args=[row.pk]) in senco_page.content.decode()
