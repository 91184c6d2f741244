"""The child protection journey through the REST API (/api/v1/): the same
records, actions, deadlines and episodes as the pages, from contact to
closure, with a record returned for changes and then endorsed; nobody
endorses their own record (403 with the message), and a worker in another
team gets 404 for everything on the child."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from openics.core.models import Involvement, InvolvementKind, User
from openics.records.actions import OWN_RECORD
from openics.records.models import CaseRecord, RecordStatus
from openics.timescales.models import Deadline

pytestmark = pytest.mark.django_db


def as_user(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def call(client: Client, method: str, url: str, data: Any = None) -> Any:
    return getattr(client, method)(url, data, content_type="application/json", secure=True)


def journey_data(today: dt.date) -> list[tuple[str, dict[str, Any]]]:
    """Each record of the journey with what the worker types, dated today."""
    day = today.isoformat()
    return [
        (
            "contact",
            {
                "contact_date": day,
                "contact_method": "phone",
                "contact_by": "Ms Patel, class teacher",
                "reason": "Amy said her stepfather hit her; bruise on her arm.",
                "decision": "referral",
            },
        ),
        (
            "referral",
            {
                "referral_date": day,
                "referral_source": "2A",
                "reason": "Bruise on the upper arm; Amy says her stepfather hit her.",
                "decision": "assessment",
                "decision_date": day,
            },
        ),
        (
            "single-assessment",
            {
                "started_on": day,
                "completed_on": day,
                "child_seen_on": day,
                "child_seen_alone": "yes",
                "analysis": "Physical injury with a consistent account: reasonable cause to suspect significant harm.",
                "outcome": "strategy",
                "primary_need": "N1",
                "views_child": "Amy wants the hitting to stop.",
            },
        ),
        (
            "strategy-discussion",
            {
                "held_on": day,
                "format": "telephone",
                "participants": "Sam, social worker\nDS Khan, police",
                "information_shared": "Police hold two previous call-outs to the address.",
                "start_s47": "yes",
                "single_or_joint": "joint",
            },
        ),
        (
            "s47-outcome",
            {
                "started_on": day,
                "findings": "Medical consistent with a slap; stepfather admits it.",
                "substantiated": "yes",
                "categories": ["PHY"],
                "icpc_needed": "yes",
            },
        ),
        (
            "icpc",
            {
                "conference_date": day,
                "chair": "Iris, independent chair",
                "attended": "Iris, chair\nSam, social worker\nMother\nClass teacher",
                "decision": "plan",
                "category": "PHY",
                "reasons": "Continuing risk of physical harm from the stepfather.",
                "outline_plan": "Stepfather to leave the home; weekly visits; school to monitor.",
            },
        ),
        (
            "core-group",
            {
                "held_on": day,
                "attended": "Sam; mother; class teacher; school nurse",
                "progress": "Stepfather has moved out; Amy is happier at school.",
            },
        ),
        (
            "cp-review-report",
            {
                "review_date": day,
                "progress": "Stepfather has left; mother is protective.",
                "recommendation": "continue",
            },
        ),
    ]


# Who endorses which record in the journey: the roles the definitions name.
ENDORSER = {
    "contact": "pat_pm",
    "referral": "pat_pm",
    "single-assessment": "pat_pm",
    "strategy-discussion": "sean_sm",
    "s47-outcome": "sean_sm",
    "icpc": "pat_pm",
    "cp-review-report": "pat_pm",
    "cp-review": "pat_pm",
    "closure": "pat_pm",
}


def start_and_fill(client: Client, child_id: int, kind: str, data: dict[str, Any]) -> dict[str, Any]:
    response = call(client, "post", reverse("api-child-record-list", args=[child_id]), {"kind": kind})
    assert response.status_code == 201, response.content
    record = response.json()
    assert record["status"] == "draft" and record["kind"] == kind
    response = call(
        client, "patch", reverse("api-record-detail", args=[record["id"]]), {"version": record["version"], "data": data}
    )
    assert response.status_code == 200, response.content
    assert all(response.json()["data"][k] == v for k, v in data.items())
    return response.json()


def submit(client: Client, record_id: int) -> dict[str, Any]:
    response = call(client, "post", reverse("api-record-submit", args=[record_id]), {})
    assert response.status_code == 200, response.content
    return response.json()


def test_the_child_protection_journey_through_the_api(world: Any) -> None:
    amy = world.amy
    # The IRO chairs Amy's conferences: that involvement opens her record to Iris.
    Involvement.objects.create(
        child=amy, kind=InvolvementKind.IRO, organisation=world.la, team=world.service, worker=world.iris_iro
    )
    sam, pat, sean, iris, olu = (
        as_user(world.sam_sw),
        as_user(world.pat_pm),
        as_user(world.sean_sm),
        as_user(world.iris_iro),
        as_user(world.olu_other),
    )
    managers = {"pat_pm": pat, "sean_sm": sean}
    today = timezone.localdate()
    ids: dict[str, int] = {}

    for kind, data in journey_data(today):
        record = start_and_fill(sam, amy.pk, kind, data)
        ids[kind] = record["id"]
        record = submit(sam, record["id"])
        if kind == "core-group":
            # No endorsement: submitting completes and locks it.
            assert record["status"] == "submitted"
            response = call(sam, "post", reverse("api-record-endorse", args=[record["id"]]), {"reasons": "Fine"})
            assert response.status_code == 409
            continue
        assert record["status"] == "submitted"
        # Nobody endorses their own record.
        response = call(sam, "post", reverse("api-record-endorse", args=[record["id"]]), {"reasons": "Fine"})
        assert response.status_code == 403
        assert response.json() == {"detail": OWN_RECORD}
        manager = managers[ENDORSER[kind]]
        if kind == "s47-outcome":
            # Returned with comments, changed by the worker, submitted again, endorsed.
            response = call(
                manager,
                "post",
                reverse("api-record-return", args=[record["id"]]),
                {"comments": "Add the updated Initial Plan: who does what by when."},
            )
            assert response.status_code == 200 and response.json()["status"] == "returned"
            response = call(
                sam,
                "patch",
                reverse("api-record-detail", args=[record["id"]]),
                {
                    "version": response.json()["version"],
                    "data": {"updated_initial_plan": "Stepfather to stay with his brother; Sam to visit weekly."},
                },
            )
            assert response.status_code == 200
            record = submit(sam, record["id"])
        response = call(
            manager, "post", reverse("api-record-endorse", args=[record["id"]]), {"reasons": "Agreed: threshold met."}
        )
        assert response.status_code == 200, (kind, response.content)
        assert response.json()["status"] == "endorsed"

    # Part 2 of the review: the IRO, endorsed by the practice manager.
    record = start_and_fill(
        iris,
        amy.pk,
        "cp-review",
        {
            "review_date": today.isoformat(),
            "chair": "Iris, independent chair",
            "attended": "Iris, chair\nSam, social worker\nMother",
            "decision": "continue",
            "category": "EMO",
            "reasons": "Risk reduced but not gone: emotional harm from the conflict continues.",
        },
    )
    ids["cp-review"] = record["id"]
    assert submit(iris, record["id"])["status"] == "submitted"
    response = call(iris, "post", reverse("api-record-endorse", args=[record["id"]]), {"reasons": "Fine"})
    assert response.status_code == 403 and response.json() == {"detail": OWN_RECORD}
    response = call(pat, "post", reverse("api-record-endorse", args=[record["id"]]), {"reasons": "Agreed."})
    assert response.status_code == 200 and response.json()["status"] == "endorsed"

    # The social worker cannot write the IRO's record, nor the IRO the worker's.
    response = call(sam, "post", reverse("api-child-record-list", args=[amy.pk]), {"kind": "cp-review"})
    assert response.status_code == 403 and "independent reviewing officer" in response.json()["detail"]

    # The deadlines the records started and met.
    deadlines = {d.rule_id: d for d in Deadline.objects.filter(child=amy)}
    for rule in ("referral-decision", "single-assessment", "icpc", "core-group-first", "cp-review-first"):
        assert rule in deadlines, rule
        assert deadlines[rule].met_on == today, rule
    assert deadlines["cp-review"].met_on is None
    assert deadlines["cp-review"].trigger_date == today

    # Amy is on the authority's list of children subject to a plan, with the latest category.
    response = call(pat, "get", reverse("api-cp-plan-list"))
    assert response.status_code == 200
    plans = [p for p in response.json()["results"] if p["child"] == amy.pk]
    assert len(plans) == 1
    assert (plans[0]["initial_category"], plans[0]["latest_category"]) == ("PHY", "EMO")
    assert plans[0]["started_on"] == today.isoformat()

    # The worker in another team: 404 for everything on Amy, nothing changes.
    record_id = ids["s47-outcome"]
    refused: tuple[tuple[str, str, dict[str, Any] | None], ...] = (
        ("get", reverse("api-child-record-list", args=[amy.pk]), None),
        ("post", reverse("api-child-record-list", args=[amy.pk]), {"kind": "closure"}),
        ("get", reverse("api-record-detail", args=[record_id]), None),
        ("patch", reverse("api-record-detail", args=[ids["cp-review"]]), {"version": 1, "data": {}}),
        ("post", reverse("api-record-submit", args=[record_id]), {}),
        ("post", reverse("api-record-return", args=[record_id]), {"comments": "No"}),
        ("post", reverse("api-record-endorse", args=[record_id]), {"reasons": "No"}),
        ("post", reverse("api-record-correct", args=[record_id]), {"reason": "No"}),
        ("get", reverse("api-child-episodes-list", args=[amy.pk]), None),
    )
    for method, url, body in refused:
        response = call(olu, method, url, body)
        assert response.status_code == 404, (method, url, response.status_code)
    response = call(olu, "get", reverse("api-cp-plan-list"))
    assert response.status_code == 200
    assert amy.pk not in [p["child"] for p in response.json()["results"]]

    # Closure, endorsed with reasons: the plan and the episode end.
    record = start_and_fill(
        sam,
        amy.pk,
        "closure",
        {
            "closure_date": today.isoformat(),
            "reason": "RC7",
            "summary": "Plan ended at review; family supported by early help.",
            "impact": "Amy is safe at home and attending school.",
        },
    )
    submit(sam, record["id"])
    response = call(pat, "post", reverse("api-record-endorse", args=[record["id"]]), {"reasons": "Case can close."})
    assert response.status_code == 200 and response.json()["status"] == "endorsed"
    response = call(pat, "get", reverse("api-cp-plan-list"))
    assert amy.pk not in [p["child"] for p in response.json()["results"]]

    # The history of the returned record: submit, return, submit, endorse.
    response = call(sam, "get", reverse("api-record-detail", args=[ids["s47-outcome"]]))
    assert [d["action"] for d in response.json()["decisions"]] == ["submit", "return", "submit", "endorse"]
    assert CaseRecord.objects.filter(child=amy, status=RecordStatus.ENDORSED).count() == 9
