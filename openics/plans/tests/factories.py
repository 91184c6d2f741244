"""Plans for tests: complete content and a plan agreed through the actions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from openics.plans import actions
from openics.plans.models import Plan, PlanVersion


def full_content(*, cost_pence: int = 12_000, second_cost: int | None = 3_050) -> dict[str, Any]:
    actions_rows: list[dict[str, Any]] = [
        {
            "what": "Weekly family support sessions",
            "who": "Jo Carer",
            "agency": "Family Support Service",
            "where": "Home",
            "when": "From March",
            "how_often": "Weekly",
            "resources": "Family support worker",
            "cost_pence": cost_pence,
        }
    ]
    if second_cost is not None:
        actions_rows.append(
            {"what": "Breakfast club place", "who": "Mr Teacher", "agency": "Grange Primary", "cost_pence": second_cost}
        )
    return {
        "aim": "Amy is safe, settled at school and her needs are met at home.",
        "needs": {"developmental": "Speech delay", "parenting": "Routines", "family": "Housing"},
        "outcomes": [
            {
                "term": "short",
                "text": "Amy attends school every day",
                "targets": [{"text": "Attendance above 95%", "measure": "School register", "by": "2026-07-20"}],
            }
        ],
        "actions": actions_rows,
        "monitoring": {"how": "Review meeting", "when": "Monthly", "by_whom": "Lead professional"},
        "coordinator": {"name": "Sam Social Worker", "role": "Social worker", "agency": "Children's Services"},
        "contingency": "If attendance falls, a multi-agency meeting within a week.",
        "views": {"child": "I like school", "child_took_part": "yes", "parents": "Agreed", "parents_took_part": "yes"},
        "agreement": [{"party": "Parent", "role": "Mother", "agreed_on": "2026-03-01"}],
    }


def agreed_plan(
    child: Any, actor: Any, plan_type: str, *, agreed_on: dt.date, next_review_on: dt.date | None = None, **content: Any
) -> tuple[Plan, PlanVersion]:
    plan = actions.do_start_plan(child, actor=actor, plan_type=plan_type)
    draft = plan.versions.get()
    draft = actions.do_save_draft(draft, actor=actor, content=full_content(**content), expected_version=draft.version)
    version = actions.do_agree(draft, actor=actor, agreed_on=agreed_on, next_review_on=next_review_on)
    plan.refresh_from_db()
    return plan, version
