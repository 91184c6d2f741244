"""In a real browser: a Stage 2 action plan written (autosaved with
JavaScript, "add another" without it), agreed, reviewed with a step up to
Stage 3, then a later review that steps down to Stage 2."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from openics.plans.models import LevelOfNeed, Plan, PlanStatus
from openics.tests import test_browser_journey as journey

_truncate_allowed = journey._truncate_allowed
browser = journey.browser
people = journey.people
plain_http_server = journey.plain_http_server
check_accessibility = journey.check_accessibility
sign_in = journey.sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("_truncate_allowed", "transactional_db")]


def _fill_date(page: Any, name: str, day: dt.date) -> None:
    page.fill(f'input[name="{name}_day"]', str(day.day))
    page.fill(f'input[name="{name}_month"]', str(day.month))
    page.fill(f'input[name="{name}_year"]', str(day.year))


def _review(page: Any, base: str, plan: Plan, *, on: dt.date, next_on: dt.date, decision: str) -> None:
    page.goto(base + reverse("plan-review", args=[plan.pk]))
    _fill_date(page, "review_date", on)
    page.fill("#id_review-0-happened", "Attendance rose to 93%")
    page.check("#id_review-0-progress_1")
    page.check("#id_review-0-targets-0_1")
    page.check(f'input[name="decision"][value="{decision}"]')
    page.fill("#id_decision_reason", f"Decision: {decision}")
    _fill_date(page, "next_review_on", next_on)
    page.get_by_role("button", name="Record the review").click()
    page.wait_for_url(f"{base}/plan-reviews/*/")


def test_stage2_plan_steps_up_then_down(browser: Any, plain_http_server: Any, people: Any) -> None:
    base = plain_http_server.url
    child = people["child"]
    today = timezone.localdate()

    # With JavaScript: start the plan; what is typed is autosaved.
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(20_000)
    sign_in(page, base, check=False)
    page.goto(base + reverse("child-plans", args=[child.pk]))
    page.get_by_role("link", name="Start a plan").click()
    page.get_by_label("Stage 2 Action Plan").check()
    page.get_by_role("button", name="Start the plan").click()
    page.wait_for_url(f"{base}/plan-versions/*/edit/")
    plan = Plan.objects.get(child=child)
    page.fill("#id_aim", "Poppy is settled and attends school every day")
    page.locator("#autosave-status").filter(has_text="Saved at").wait_for()
    assert plan.versions.get().content["aim"] == "Poppy is settled and attends school every day"
    context.close()

    # Without JavaScript: "add another" buttons and the rest of the plan.
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(20_000)
    sign_in(page, base, check=False)
    edit = base + reverse("plan-version-edit", args=[plan.versions.get().pk])
    page.goto(edit)
    page.get_by_role("button", name="Add an outcome").click()
    page.get_by_role("button", name="Add a target to outcome 1").click()
    page.get_by_role("button", name="Add an action").click()
    page.get_by_role("button", name="Add a person who agreed").click()
    page.check("#id_outcomes-0-term_0")
    page.fill("#id_outcomes-0-text", "Poppy attends school every day")
    page.fill("#id_outcomes-0-targets-0-text", "Attendance above 95%")
    page.fill("#id_outcomes-0-targets-0-measure", "School register")
    _fill_date(page, "outcomes-0-targets-0-by", today + dt.timedelta(days=90))
    page.fill("#id_actions-0-what", "Breakfast club place")
    page.fill("#id_actions-0-who", "Ms Head")
    page.fill("#id_actions-0-cost_pence", "240.00")
    page.fill("#id_coordinator-name", "Sam Social")
    page.check("#id_views-child_took_part_0")
    page.check("#id_views-parents_took_part_0")
    page.fill("#id_agreement-0-party", "Mrs Journey")
    _fill_date(page, "agreement-0-agreed_on", today - dt.timedelta(days=60))
    page.get_by_role("button", name="Save and agree the plan").click()
    page.wait_for_url(re.compile(r"/plan-versions/\d+/agree/"))  # the last anchor may stay
    _fill_date(page, "agreed_on", today - dt.timedelta(days=60))
    _fill_date(page, "next_review_on", today - dt.timedelta(days=25))
    page.get_by_role("button", name="Agree the plan").click()
    page.wait_for_url(re.compile(rf"/plans/{plan.pk}/"))
    assert "£240.00" in page.locator("#plan-cost").inner_text()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE

    _review(
        page, base, plan, on=today - dt.timedelta(days=30), next_on=today + dt.timedelta(days=10), decision="step_up"
    )
    level = LevelOfNeed.objects.current_for(child)
    assert level is not None and level.stage == 3
    _review(
        page, base, plan, on=today - dt.timedelta(days=1), next_on=today + dt.timedelta(days=60), decision="step_down"
    )
    level = LevelOfNeed.objects.current_for(child)
    assert level is not None and level.stage == 2
    page.goto(base + reverse("child-level-of-need", args=[child.pk]))
    assert page.locator("tbody tr").count() == 2
    context.close()
