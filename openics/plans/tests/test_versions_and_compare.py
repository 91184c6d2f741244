"""A plan changes by new versions; any two can be compared."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from openics.core.actions import StaleEdit
from openics.plans import actions
from openics.plans.content import compare
from openics.plans.models import PlanStatus, VersionStatus
from openics.plans.tests.factories import agreed_plan, full_content

pytestmark = pytest.mark.django_db


def test_agreeing_needs_the_required_parts(world: Any) -> None:
    plan = actions.do_start_plan(world.amy, actor=world.sam_sw, plan_type="cin-plan")
    draft = plan.versions.get()
    with pytest.raises(ValidationError) as error:
        actions.do_agree(draft, actor=world.sam_sw, agreed_on=dt.date(2026, 3, 1))
    messages = error.value.message_dict
    assert messages["aim"] == ["Enter the overall aim of the plan"]
    assert "outcomes" in messages and "agreement" in messages
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT


def test_first_agreement_starts_the_plan(world: Any) -> None:
    plan, version = agreed_plan(world.amy, world.sam_sw, "cin-plan", agreed_on=dt.date(2026, 3, 2))
    assert plan.status == PlanStatus.ACTIVE
    assert plan.started_on == dt.date(2026, 3, 2)
    assert version.number == 1 and version.status == VersionStatus.AGREED


def test_new_version_needs_a_reason_and_keeps_keys(world: Any) -> None:
    plan, first = agreed_plan(world.amy, world.sam_sw, "cin-plan", agreed_on=dt.date(2026, 3, 2))
    with pytest.raises(ValidationError):
        actions.do_new_version(plan, actor=world.sam_sw, reason="  ")
    second = actions.do_new_version(plan, actor=world.sam_sw, reason="School move")
    assert second.number == 2 and second.reason == "School move"
    assert [o["key"] for o in second.content["outcomes"]] == [o["key"] for o in first.content["outcomes"]]
    # Only one draft at a time.
    with pytest.raises(actions.PlanRefused):
        actions.do_new_version(plan, actor=world.sam_sw, reason="Again")


def test_stale_save_is_refused(world: Any) -> None:
    plan = actions.do_start_plan(world.amy, actor=world.sam_sw, plan_type="cin-plan")
    draft = plan.versions.get()
    saved = actions.do_save_draft(draft, actor=world.sam_sw, content={"aim": "One"}, expected_version=draft.version)
    with pytest.raises(StaleEdit):
        actions.do_save_draft(draft, actor=world.sam_sw, content={"aim": "Two"}, expected_version=draft.version)
    saved.refresh_from_db()
    assert saved.content["aim"] == "One"


def test_agreed_version_cannot_be_edited(world: Any) -> None:
    _, version = agreed_plan(world.amy, world.sam_sw, "cin-plan", agreed_on=dt.date(2026, 3, 2))
    with pytest.raises(actions.PlanRefused) as refusal:
        actions.do_save_draft(version, actor=world.sam_sw, content={"aim": "Changed"}, expected_version=version.version)
    assert refusal.value.status == 409


def test_compare_finds_added_removed_and_changed(world: Any) -> None:
    plan, first = agreed_plan(world.amy, world.sam_sw, "cin-plan", agreed_on=dt.date(2026, 3, 2))
    second = actions.do_new_version(plan, actor=world.sam_sw, reason="Progress")
    content = dict(second.content)
    content["aim"] = "Amy thrives at school."
    content["outcomes"][0]["targets"][0]["measure"] = "Weekly attendance report"
    removed_action = content["actions"].pop(1)
    content["actions"].append({"what": "Speech therapy", "who": "SLT", "cost_pence": 50_000})
    actions.do_save_draft(second, actor=world.sam_sw, content=content, expected_version=second.version)
    second.refresh_from_db()
    changes = compare(plan.type, first.content, second.content)
    summary = {(c.section, c.kind, c.label) for c in changes}
    assert ("aim", "changed", "Overall aim") in summary
    assert ("actions", "removed", f"Action: {removed_action['what']}") in summary
    assert ("actions", "added", "Action: Speech therapy") in summary
    target = next(c for c in changes if c.section == "targets")
    assert target.kind == "changed"
    assert target.fields == [("How it will be measured", "School register", "Weekly attendance report")]
    # An unchanged outcome is not reported.
    assert not any(c.section == "outcomes" for c in changes)


def test_bad_content_is_a_clear_error(world: Any) -> None:
    plan = actions.do_start_plan(world.amy, actor=world.sam_sw, plan_type="cin-plan")
    draft = plan.versions.get()
    bad = full_content()
    bad["actions"][0]["cost_pence"] = "lots"
    bad["outcomes"][0]["targets"][0]["by"] = "2026-02-31"
    with pytest.raises(ValidationError) as error:
        actions.do_save_draft(draft, actor=world.sam_sw, content=bad, expected_version=draft.version)
    assert error.value.message_dict == {
        "outcomes-0-targets-0-by": ["The target date must be a real date"],
        "actions-0-cost_pence": ["Estimated cost must be a whole number of pence"],
    }
