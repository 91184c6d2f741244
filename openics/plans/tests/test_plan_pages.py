"""Writing a plan through the pages, without JavaScript: "add another"
buttons, typed costs, agreeing, new versions, comparing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from openics.plans.models import Plan, PlanStatus, PlanVersion, VersionStatus
from openics.plans.tests.factories import agreed_plan

pytestmark = pytest.mark.django_db


def _date(prefix: str, day: dt.date) -> dict[str, str]:
    return {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month), f"{prefix}_year": str(day.year)}


def _post_form(client: Any, version: PlanVersion, then: str, **fields: str) -> Any:
    """Post the edit form as a browser would: every field it shows, as shown."""
    page = client.get(reverse("plan-version-edit", args=[version.pk]), secure=True)
    assert page.status_code == 200
    form = page.context["form"]
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        bound = form[name]
        widget_value = bound.value()
        if hasattr(field, "compress"):  # a date: three inputs
            day = widget_value if isinstance(widget_value, dt.date) else None
            data.update(_date(name, day) if day else {f"{name}_day": "", f"{name}_month": "", f"{name}_year": ""})
        elif isinstance(widget_value, bool):
            if widget_value:
                data[name] = "on"
        elif widget_value is not None:
            data[name] = str(widget_value)
    data.update(fields)
    data["then"] = then
    return client.post(reverse("plan-version-edit", args=[version.pk]), data, secure=True)


def test_a_plan_written_and_agreed_without_javascript(world: Any, client_for: Any) -> None:
    client = client_for(world.sam_sw)
    response = client.post(reverse("plan-start", args=[world.amy.pk]), {"plan_type": "stage2-action-plan"}, secure=True)
    assert response.status_code == 302
    plan = Plan.objects.get(child=world.amy)
    version = plan.versions.get()

    # "Add an outcome", then a target to it, then an action and an agreement row.
    response = _post_form(client, version, "add:outcomes", aim="Amy is happy at school")
    assert response.status_code == 302 and response.url.endswith("#outcomes-0")
    version.refresh_from_db()
    assert len(version.content["outcomes"]) == 1 and version.content["aim"] == "Amy is happy at school"
    assert _post_form(client, version, "add:outcomes-0-targets").status_code == 302
    assert _post_form(client, version, "add:actions").status_code == 302
    assert _post_form(client, version, "add:agreement").status_code == 302
    version.refresh_from_db()
    key = version.content["outcomes"][0]["key"]

    fields = {
        "outcomes-0-term": "short",
        "outcomes-0-text": "Amy attends every day",
        "outcomes-0-targets-0-text": "95% attendance",
        "outcomes-0-targets-0-measure": "Register",
        **_date("outcomes-0-targets-0-by", dt.date(2026, 7, 1)),
        "actions-0-what": "Breakfast club",
        "actions-0-who": "Ms Head",
        "actions-0-agency": "Grange Primary",
        "actions-0-cost_pence": "£1,250.50",
        "actions-0-outcome": key,
        "coordinator-name": "Dee DSL",
        "views-child_took_part": "no",
        "views-child_not_why": "Too young to attend the meeting",
        "views-parents_took_part": "yes",
        "agreement-0-party": "Mother",
        **_date("agreement-0-agreed_on", dt.date(2026, 3, 1)),
    }
    response = _post_form(client, version, "agree", **fields)
    assert response.status_code == 302
    assert response.url == reverse("plan-version-agree", args=[version.pk])
    version.refresh_from_db()
    action = version.content["actions"][0]
    assert (action["cost_pence"], action["outcome"]) == (125_050, key)
    assert version.content["outcomes"][0]["key"] == key  # the key is kept across saves

    # Agreeing a Stage 2 plan needs the review date agreed at the meeting.
    response = client.post(
        reverse("plan-version-agree", args=[version.pk]), _date("agreed_on", dt.date(2026, 3, 2)), secure=True
    )
    assert response.status_code == 400
    assert "Enter the date of the next review agreed at the meeting" in response.content.decode()
    response = client.post(
        reverse("plan-version-agree", args=[version.pk]),
        {**_date("agreed_on", dt.date(2026, 3, 2)), **_date("next_review_on", dt.date(2026, 5, 1))},
        secure=True,
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.status, plan.started_on, plan.next_review_on) == (
        PlanStatus.ACTIVE,
        dt.date(2026, 3, 2),
        dt.date(2026, 5, 1),
    )

    page = client.get(reverse("plan-detail", args=[plan.pk]), secure=True).content.decode()
    assert "£1,250.50" in page


def test_missing_parts_are_listed_when_agreeing(world: Any, client_for: Any) -> None:
    client = client_for(world.sam_sw)
    client.post(reverse("plan-start", args=[world.amy.pk]), {"plan_type": "cin-plan"}, secure=True)
    version = PlanVersion.objects.get(plan__child=world.amy)
    response = client.post(
        reverse("plan-version-agree", args=[version.pk]), _date("agreed_on", dt.date(2026, 3, 2)), secure=True
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter the overall aim of the plan" in page
    assert f"{reverse('plan-version-edit', args=[version.pk])}#id_aim" in page
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT


def test_a_bad_cost_is_a_form_error_and_nothing_is_saved(world: Any, client_for: Any) -> None:
    plan, _ = agreed_plan(world.amy, world.sam_sw, "cin-plan", agreed_on=dt.date(2026, 3, 2))
    client = client_for(world.sam_sw)
    response = client.post(reverse("plan-new-version", args=[plan.pk]), {"reason": "More support"}, secure=True)
    draft = PlanVersion.objects.get(plan=plan, number=2)
    assert response.url == reverse("plan-version-edit", args=[draft.pk])
    response = _post_form(client, draft, "save", **{"actions-0-cost_pence": "lots"})
    assert response.status_code == 400
    assert "Enter the estimated cost in pounds and pence, like 120.50" in response.content.decode()
    assert PlanVersion.objects.get(pk=draft.pk).content == draft.content


def test_a_stale_save_is_refused_with_a_clear_message(world: Any, client_for: Any) -> None:
    client = client_for(world.sam_sw)
    client.post(reverse("plan-start", args=[world.amy.pk]), {"plan_type": "cin-plan"}, secure=True)
    version = PlanVersion.objects.get(plan__child=world.amy)
    url = reverse("plan-version-edit", args=[version.pk])
    assert client.post(url, {"version": "1", "aim": "First", "then": "save"}, secure=True).status_code == 302
    response = client.post(url, {"version": "1", "aim": "Second", "then": "save"}, secure=True)
    assert response.status_code == 409
    assert "Someone else saved this plan" in response.content.decode()
    version.refresh_from_db()
    assert version.content["aim"] == "First"


def test_history_and_compare_pages(world: Any, client_for: Any) -> None:
    plan, first = agreed_plan(world.amy, world.sam_sw, "cin-plan", agreed_on=dt.date(2026, 3, 2))
    client = client_for(world.sam_sw)
    client.post(reverse("plan-new-version", args=[plan.pk]), {"reason": "Speech therapy added"}, secure=True)
    draft = PlanVersion.objects.get(plan=plan, number=2)
    _post_form(client, draft, "save", aim="Amy talks confidently")
    history = client.get(reverse("plan-history", args=[plan.pk]), secure=True).content.decode()
    assert "Speech therapy added" in history and "Version 2" in history
    page = client.get(reverse("plan-compare", args=[plan.pk]) + "?a=1&b=2", secure=True)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Changes from version 1 to version 2" in text
    assert "Amy talks confidently" in text and first.content["aim"] in text
    # A version number that does not exist falls back, never a server error.
    assert client.get(reverse("plan-compare", args=[plan.pk]) + "?a=99&b=x", secure=True).status_code == 200


def test_child_plans_page_query_count(world: Any, client_for: Any, django_assert_max_num_queries: Any) -> None:
    for _ in range(3):
        agreed_plan(world.amy, world.sam_sw, "cin-plan", agreed_on=dt.date(2026, 3, 2))
    client = client_for(world.sam_sw)
    url = reverse("child-plans", args=[world.amy.pk])
    client.get(url, secure=True)
    with django_assert_max_num_queries(30) as captured:
        assert client.get(url, secure=True).status_code == 200
    few = len(captured.captured_queries)
    for _ in range(3):
        agreed_plan(world.amy, world.sam_sw, "cin-plan", agreed_on=dt.date(2026, 3, 2))
    with django_assert_max_num_queries(few):
        client.get(url, secure=True)


def test_remove_buttons_take_out_a_row_without_javascript(world: Any, client_for: Any) -> None:
    plan, _ = agreed_plan(world.amy, world.sam_sw, "cin-plan", agreed_on=dt.date(2026, 3, 2))
    client = client_for(world.sam_sw)
    client.post(reverse("plan-new-version", args=[plan.pk]), {"reason": "Club closed"}, secure=True)
    draft = PlanVersion.objects.get(plan=plan, number=2)
    kept = draft.content["actions"][0]["key"]
    response = _post_form(client, draft, "remove:actions-1")
    assert response.status_code == 302 and response.url.endswith("#section-actions")
    draft.refresh_from_db()
    assert [a["key"] for a in draft.content["actions"]] == [kept]
    response = _post_form(client, draft, "remove:outcomes-0-targets-0")
    draft.refresh_from_db()
    assert draft.content["outcomes"][0]["targets"] == []
    # A button naming no row changes nothing and is not a server error.
    assert _post_form(client, draft, "remove:actions-9").status_code == 302
