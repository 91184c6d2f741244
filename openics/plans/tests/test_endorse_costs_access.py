"""Endorsement (nobody endorses their own), cost roll-up and access."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from openics.core.models import AuditEvent
from openics.plans.models import VersionStatus
from openics.plans.tests.factories import agreed_plan

pytestmark = pytest.mark.django_db


def test_the_author_cannot_endorse_on_the_page_or_the_api(world: Any, client_for: Any) -> None:
    _, version = agreed_plan(world.amy, world.sam_sw, "cin-plan", agreed_on=dt.date(2026, 3, 2))
    client = client_for(world.sam_sw)
    page = client.get(reverse("plan-version-endorse", args=[version.pk]), secure=True)
    assert page.status_code == 403
    assert "Nobody endorses a plan they wrote or agreed" in page.content.decode()
    api = client.post(
        f"/api/v1/plan-versions/{version.pk}/endorse/",
        {"comments": "Fine"},
        content_type="application/json",
        secure=True,
    )
    assert api.status_code == 403
    assert api.json()["detail"].startswith("Nobody endorses a plan they wrote or agreed")
    version.refresh_from_db()
    assert version.status == VersionStatus.AGREED
    # Tara is not the author but endorses nothing: a team administrator.
    tara = client_for(world.tara_ta).get(reverse("plan-version-endorse", args=[version.pk]), secure=True)
    assert tara.status_code == 403 and "endorsed by a practice manager or service manager" in tara.content.decode()

    manager = client_for(world.pat_pm)
    response = manager.post(
        reverse("plan-version-endorse", args=[version.pk]), {"comments": "Meets needs"}, secure=True
    )
    assert response.status_code == 302
    version.refresh_from_db()
    assert (version.status, version.endorsed_by) == (VersionStatus.ENDORSED, world.pat_pm)


def test_costs_roll_up_per_plan_and_per_child(world: Any, client_for: Any) -> None:
    plan, _ = agreed_plan(
        world.amy, world.sam_sw, "cin-plan", agreed_on=dt.date(2026, 3, 2), cost_pence=10_000, second_cost=2_550
    )
    agreed_plan(
        world.amy,
        world.sam_sw,
        "stage2-action-plan",
        agreed_on=dt.date(2026, 3, 2),
        next_review_on=dt.date(2026, 5, 1),
        cost_pence=5_000,
        second_cost=None,
    )
    client = client_for(world.sam_sw)
    page = client.get(reverse("plan-detail", args=[plan.pk]), secure=True)
    assert page.context["plan_costs"].estimated == "£125.50"
    assert page.context["child_costs"].estimated == "£175.50"
    listing = client.get(reverse("child-plans", args=[world.amy.pk]), secure=True)
    assert listing.context["costs"].estimated == "£175.50"
    # Dee (the school's DSL) sees plans but not social care ones: her total is the Stage 2 plan's.
    dee = client_for(world.dee_dsl)
    assert dee.get(reverse("child-plans", args=[world.amy.pk]), secure=True).context["costs"].estimated == "£50.00"


@pytest.mark.parametrize("route", ["plan-detail", "plan-history", "plan-compare", "plan-review"])
def test_a_worker_in_another_team_gets_404_and_is_audited(world: Any, route: str) -> None:
    plan, _ = agreed_plan(world.amy, world.sam_sw, "cin-plan", agreed_on=dt.date(2026, 3, 2))
    client = Client()
    client.force_login(world.olu_other)
    response = client.get(reverse(route, args=[plan.pk]), secure=True)
    assert response.status_code == 404
    denial = AuditEvent.objects.filter(user_id=world.olu_other.pk).get()
    assert (denial.outcome, denial.child_id, denial.action) == ("denied", world.amy.pk, "access")
    api = client.get(f"/api/v1/plans/{plan.pk}/", secure=True)
    assert api.status_code == 404


def test_the_school_dsl_cannot_open_a_social_care_plan(world: Any, client_for: Any) -> None:
    plan, _ = agreed_plan(world.amy, world.sam_sw, "cin-plan", agreed_on=dt.date(2026, 3, 2))
    client = client_for(world.dee_dsl)
    assert client.get(reverse("plan-detail", args=[plan.pk]), secure=True).status_code == 404
    listing = client.get(reverse("child-plans", args=[world.amy.pk]), secure=True)
    assert listing.status_code == 200 and plan not in listing.context["plans"]


def test_the_endorse_button_is_offered_to_managers_only(world: Any, client_for: Any) -> None:
    plan, _ = agreed_plan(world.amy, world.sam_sw, "cin-plan", agreed_on=dt.date(2026, 3, 2))
    url = reverse("plan-detail", args=[plan.pk])
    assert client_for(world.sam_sw).get(url, secure=True).context["can_endorse"] is False
    assert client_for(world.pat_pm).get(url, secure=True).context["can_endorse"] is True
