"""The plans API: the same actions, the same refusals, in the OpenAPI schema."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from openics.plans.models import LevelOfNeed, PlanStatus
from openics.plans.tests.factories import full_content

pytestmark = pytest.mark.django_db


def _json(client: Any, method: str, url: str, data: Any = None) -> Any:
    return getattr(client, method)(url, data, content_type="application/json", secure=True)


def test_a_plan_through_the_api(world: Any, client_for: Any) -> None:
    client = client_for(world.sam_sw)
    created = _json(client, "post", f"/api/v1/people/{world.amy.pk}/plans/", {"plan_type": "stage2-action-plan"})
    assert created.status_code == 201
    plan = created.json()
    draft = plan["versions"][0]
    url = f"/api/v1/plan-versions/{draft['id']}/"

    saved = _json(client, "patch", url, {"version": draft["version"], "content": full_content()})
    assert saved.status_code == 200
    body = saved.json()
    assert body["estimated_cost_pence"] == 15_050
    # A stale counter is 409, with the current one.
    stale = _json(client, "patch", url, {"version": draft["version"], "content": {"aim": "Again"}})
    assert stale.status_code == 409 and stale.json()["current_version"] == body["version"]
    # Bad content is 400 naming the field.
    bad = _json(client, "patch", url, {"version": body["version"], "content": {"actions": [{"cost_pence": -5}]}})
    assert bad.status_code == 400 and "actions-0-cost_pence" in bad.json()

    agreed = _json(client, "post", url + "agree/", {"agreed_on": "2026-03-02", "next_review_on": "2026-05-01"})
    assert agreed.status_code == 200 and agreed.json()["status"] == "agreed"

    read = _json(client, "get", f"/api/v1/plans/{plan['id']}/").json()
    assert (read["status"], read["started_on"], read["next_review_on"]) == (
        PlanStatus.ACTIVE,
        "2026-03-02",
        "2026-05-01",
    )

    outcome = agreed.json()["content"]["outcomes"][0]
    review = _json(
        client,
        "post",
        f"/api/v1/plans/{plan['id']}/reviews/",
        {
            "review_date": "2026-04-28",
            "outcomes": [
                {
                    "outcome": outcome["key"],
                    "happened": "Attendance 97%",
                    "progress": "met",
                    "targets": {t["key"]: "met" for t in outcome["targets"]},
                }
            ],
            "decision": "step_up",
            "decision_reason": "Needs specialist help",
            "next_review_on": "2026-06-30",
        },
    )
    assert review.status_code == 201, review.json()
    level = LevelOfNeed.objects.get(child=world.amy)
    assert (level.stage, level.review_id) == (3, review.json()["id"])

    new = _json(client, "post", f"/api/v1/plans/{plan['id']}/versions/", {"reason": "New school"})
    assert new.status_code == 201 and new.json()["number"] == 2

    levels = _json(client, "get", f"/api/v1/people/{world.amy.pk}/level-of-need/").json()
    assert [(row["level"], row["stage"]) for row in levels] == [("specialist", 3)]


def test_level_of_need_in_the_future_is_refused(world: Any, client_for: Any) -> None:
    client = client_for(world.sam_sw)
    tomorrow = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    response = _json(
        client,
        "post",
        f"/api/v1/people/{world.amy.pk}/level-of-need/",
        {"level": "additional", "stage": 1, "decided_on": tomorrow, "reason": "x"},
    )
    assert response.status_code == 400
    assert response.json() == {"decided_on": ["The date of the decision must be today or in the past"]}


def test_the_schema_describes_the_plans_api(world: Any, client_for: Any) -> None:
    schema = client_for(world.sam_sw).get("/api/v1/schema/", secure=True).content.decode()
    for path in (
        "/api/v1/plans/{id}/reviews/",
        "/api/v1/plan-versions/{id}/agree/",
        "/api/v1/people/{child_id}/plans/",
    ):
        assert path in schema
