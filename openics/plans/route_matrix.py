"""Plan routes in the permission matrix (see openics/route_matrix.py).

Amy's plans part opens to the social care grounds (Sam allocated, Tara same
team, Pat and Sean managers) and to her school's DSL (Dee); Tom (school
staff) sees only her core record.  Social care plans (a CIN plan) open to
the four social care readers only.  Within those, the plan type decides: a
Stage 2 action plan is written by Sam (social worker) or Dee (DSL), not by
Tara, Pat or Sean; a CIN plan is endorsed by Pat or Sean, never by Sam who
agreed it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from openics.route_matrix import Case, ok_for

PLAN_READERS = ("sam_sw", "tara_ta", "pat_pm", "sean_sm", "dee_dsl")
STAGE2_WRITERS = ("sam_sw", "dee_dsl")
NOT_STAGE2_WRITERS = ("tara_ta", "pat_pm", "sean_sm")
ENDORSERS = ("pat_pm", "sean_sm")
ANON = 401


def _today() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()


def _answers(ok: tuple[str, ...], status: int, refused: tuple[str, ...]) -> dict[str, int]:
    return {**ok_for(refused, 403), **ok_for(ok, status)}


def _draft(w: Any, plan_type: str = "stage2-action-plan") -> Any:
    from openics.plans.actions import do_save_draft, do_start_plan
    from openics.plans.tests.factories import full_content

    plan = do_start_plan(w.amy, actor=w.sam_sw, plan_type=plan_type)
    draft = plan.versions.get()
    return do_save_draft(draft, actor=w.sam_sw, content=full_content(), expected_version=draft.version)


def _draft_id(w: Any) -> int:
    return int(_draft(w).pk)


def _draft_plan_id(w: Any) -> int:
    return int(_draft(w).plan_id)


def _agreed(w: Any, plan_type: str = "stage2-action-plan") -> Any:
    from openics.plans.actions import do_agree

    today = _today()
    return do_agree(
        _draft(w, plan_type),
        actor=w.sam_sw,
        agreed_on=today - dt.timedelta(days=30),
        next_review_on=today + dt.timedelta(days=30),
    )


def _agreed_plan_id(w: Any) -> int:
    return int(_agreed(w).plan_id)


def _agreed_cin_version_id(w: Any) -> int:
    return int(_agreed(w, "cin-plan").pk)


def _agreed_version_id(w: Any) -> int:
    return int(_agreed(w).pk)


_COPY_BY_HAND = {"recipient": "Amy's mother", "method": "hand", "language": "cy"}


def _reviewed_id(w: Any) -> int:
    from openics.plans.actions import do_record_review
    from openics.plans.models import Plan

    version = _agreed(w)
    plan = Plan.objects.get(pk=version.plan_id)
    review = do_record_review(plan, actor=w.sam_sw, **_review_args(version))
    return int(review.pk)


def _review_args(version: Any) -> dict[str, Any]:
    today = _today()
    return {
        "review_date": today - dt.timedelta(days=1),
        "held_at": "School",
        "attended": "Sam, Dee",
        "outcomes": [
            {
                "outcome": o["key"],
                "happened": "Better",
                "progress": "partly",
                "targets": {t["key"]: "partly" for t in o["targets"]},
            }
            for o in version.content["outcomes"]
        ],
        "decision": "continue",
        "decision_reason": "Progress",
        "next_review_on": today + dt.timedelta(days=40),
    }


def _date(prefix: str, day: dt.date) -> dict[str, str]:
    return {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month), f"{prefix}_year": str(day.year)}


def _agree_form(w: Any) -> dict[str, str]:
    today = _today()
    return {
        **_date("agreed_on", today - dt.timedelta(days=3)),
        **_date("next_review_on", today + dt.timedelta(days=30)),
    }


def _review_form(w: Any) -> dict[str, str]:
    today = _today()
    return {
        **_date("review_date", today - dt.timedelta(days=1)),
        **_date("next_review_on", today + dt.timedelta(days=40)),
        "review-0-happened": "Attendance rose",
        "review-0-progress": "met",
        "review-0-targets-0": "met",
        "decision": "continue",
        "decision_reason": "Going well",
    }


def _review_api(w: Any) -> dict[str, Any]:
    from openics.plans.actions import current_version
    from openics.plans.models import Plan

    plan = Plan.objects.filter(child=w.amy).latest("pk")
    args = _review_args(current_version(plan))
    for key in ("review_date", "next_review_on"):
        args[key] = args[key].isoformat()
    return args


def _agree_api(w: Any) -> dict[str, str]:
    today = _today()
    return {
        "agreed_on": (today - dt.timedelta(days=3)).isoformat(),
        "next_review_on": (today + dt.timedelta(days=30)).isoformat(),
    }


def _latest_action_key(w: Any) -> str:
    from openics.plans.actions import current_version
    from openics.plans.models import Plan

    version = current_version(Plan.objects.filter(child=w.amy).latest("pk"))
    assert version is not None
    return str(version.content["actions"][0]["key"])


def _cost_form(w: Any) -> dict[str, str]:
    return {
        "action_key": _latest_action_key(w),
        "amount": "240.00",
        **_date("period_start", _today() - dt.timedelta(days=7)),
        "note": "Invoice 1001",
    }


def _cost_api(w: Any) -> dict[str, Any]:
    return {
        "action_key": _latest_action_key(w),
        "amount_pence": 24_000,
        "period_start": (_today() - dt.timedelta(days=7)).isoformat(),
    }


ROUTES: dict[str, list[Case]] = {
    "child-plans": [Case(kwargs={"child_id": "amy"}, expect=ok_for(PLAN_READERS))],
    "plan-start": [
        Case(kwargs={"child_id": "amy"}, expect=ok_for(PLAN_READERS)),
        # Managers and the team administrator see the form but do not write
        # Stage 2 plans: a form error.
        Case(
            method="post",
            kwargs={"child_id": "amy"},
            data={"plan_type": "stage2-action-plan"},
            expect={**ok_for(NOT_STAGE2_WRITERS, 400), **ok_for(STAGE2_WRITERS, 302)},
        ),
    ],
    "child-level-of-need": [Case(kwargs={"child_id": "amy"}, expect=ok_for(PLAN_READERS))],
    "level-of-need-record": [
        Case(kwargs={"child_id": "amy"}, expect=ok_for(PLAN_READERS)),
        Case(
            method="post",
            kwargs={"child_id": "amy"},
            data=lambda w: {
                "level": "intensive",
                "stage": "2",
                **_date("decided_on", _today()),
                "reason": "Stage 2 meeting",
            },
            expect=ok_for(PLAN_READERS, 302),
        ),
    ],
    "plan-detail": [Case(kwargs={"plan_id": _draft_plan_id}, expect=ok_for(PLAN_READERS))],
    "plan-history": [Case(kwargs={"plan_id": _agreed_plan_id}, expect=ok_for(PLAN_READERS))],
    "plan-compare": [Case(kwargs={"plan_id": _agreed_plan_id}, expect=ok_for(PLAN_READERS))],
    "plan-new-version": [
        Case(kwargs={"plan_id": _agreed_plan_id}, expect=ok_for(PLAN_READERS)),
        Case(
            method="post",
            kwargs={"plan_id": _agreed_plan_id},
            data={"reason": "New school"},
            expect=_answers(STAGE2_WRITERS, 302, NOT_STAGE2_WRITERS),
        ),
    ],
    "plan-review": [
        Case(kwargs={"plan_id": _agreed_plan_id}, expect=ok_for(PLAN_READERS)),
        Case(
            method="post",
            kwargs={"plan_id": _agreed_plan_id},
            data=_review_form,
            expect=_answers(STAGE2_WRITERS, 302, NOT_STAGE2_WRITERS),
        ),
    ],
    # Actual costs: recorded by whoever writes the plan type (Sam and Dee for a Stage 2 plan).
    "plan-costs": [
        Case(kwargs={"plan_id": _agreed_plan_id}, expect=ok_for(PLAN_READERS)),
        Case(
            method="post",
            kwargs={"plan_id": _agreed_plan_id},
            data=_cost_form,
            expect=_answers(STAGE2_WRITERS, 302, NOT_STAGE2_WRITERS),
        ),
    ],
    "api-plan-actual-costs": [
        Case(kwargs={"pk": _agreed_plan_id}, expect=ok_for(PLAN_READERS), anonymous=ANON),
        Case(
            method="post",
            kwargs={"pk": _agreed_plan_id},
            data=_cost_api,
            expect=_answers(STAGE2_WRITERS, 201, NOT_STAGE2_WRITERS),
            anonymous=ANON,
        ),
    ],
    "plan-review-detail": [Case(kwargs={"review_id": _reviewed_id}, expect=ok_for(PLAN_READERS))],
    "plan-version-detail": [Case(kwargs={"version_id": _draft_id}, expect=ok_for(PLAN_READERS))],
    "plan-version-edit": [
        Case(kwargs={"version_id": _draft_id}, expect=_answers(STAGE2_WRITERS, 200, NOT_STAGE2_WRITERS)),
        Case(
            method="post",
            kwargs={"version_id": _draft_id},
            data={"version": "2", "aim": "Matrix", "then": "save"},
            expect=_answers(STAGE2_WRITERS, 302, NOT_STAGE2_WRITERS),
        ),
    ],
    "plan-version-agree": [
        Case(kwargs={"version_id": _draft_id}, expect=ok_for(PLAN_READERS)),
        Case(
            method="post",
            kwargs={"version_id": _draft_id},
            data=_agree_form,
            expect=_answers(STAGE2_WRITERS, 302, NOT_STAGE2_WRITERS),
        ),
    ],
    "plan-version-endorse": [
        # A CIN plan is social care: Dee does not see it.  Sam agreed it.
        Case(kwargs={"version_id": _agreed_cin_version_id}, expect=_answers(ENDORSERS, 200, ("sam_sw", "tara_ta"))),
        Case(
            method="post",
            kwargs={"version_id": _agreed_cin_version_id},
            data={"comments": "Plan meets the child's needs"},
            expect=_answers(ENDORSERS, 302, ("sam_sw", "tara_ta")),
        ),
    ],
    # Copies for the family (plans/pdf_views.py): the PDF and the list of copies.
    "plan-version-pdf": [Case(kwargs={"version_id": _agreed_version_id}, expect=ok_for(PLAN_READERS))],
    "plan-version-copies": [
        Case(kwargs={"version_id": _agreed_version_id}, expect=ok_for(PLAN_READERS)),
        Case(
            method="post",
            kwargs={"version_id": _agreed_version_id},
            data=_COPY_BY_HAND,
            expect=ok_for(PLAN_READERS, 302),
        ),
    ],
    "api-plan-version-copies": [
        Case(kwargs={"pk": _agreed_version_id}, expect=ok_for(PLAN_READERS), anonymous=ANON),
        Case(
            method="post",
            kwargs={"pk": _agreed_version_id},
            data=_COPY_BY_HAND,
            expect=ok_for(PLAN_READERS, 201),
            anonymous=ANON,
        ),
    ],
    "api-child-plan-list": [
        Case(kwargs={"child_id": "amy"}, expect=ok_for(PLAN_READERS), anonymous=ANON),
        Case(
            method="post",
            kwargs={"child_id": "amy"},
            data={"plan_type": "stage2-action-plan"},
            expect=_answers(STAGE2_WRITERS, 201, NOT_STAGE2_WRITERS),
            anonymous=ANON,
        ),
    ],
    "api-child-level-of-need-list": [
        Case(kwargs={"child_id": "amy"}, expect=ok_for(PLAN_READERS), anonymous=ANON),
        Case(
            method="post",
            kwargs={"child_id": "amy"},
            data=lambda w: {"level": "additional", "stage": 1, "decided_on": _today().isoformat(), "reason": "Review"},
            expect=ok_for(PLAN_READERS, 201),
            anonymous=ANON,
        ),
    ],
    "api-plan-detail": [Case(kwargs={"pk": _draft_plan_id}, expect=ok_for(PLAN_READERS), anonymous=ANON)],
    "api-plan-versions": [
        Case(
            method="post",
            kwargs={"pk": _agreed_plan_id},
            data={"reason": "New school"},
            expect=_answers(STAGE2_WRITERS, 201, NOT_STAGE2_WRITERS),
            anonymous=ANON,
        )
    ],
    "api-plan-reviews": [
        Case(
            method="post",
            kwargs={"pk": _agreed_plan_id},
            data=_review_api,
            expect=_answers(STAGE2_WRITERS, 201, NOT_STAGE2_WRITERS),
            anonymous=ANON,
        )
    ],
    "api-plan-version-detail": [
        Case(kwargs={"pk": _draft_id}, expect=ok_for(PLAN_READERS), anonymous=ANON),
        Case(
            method="patch",
            kwargs={"pk": _draft_id},
            data={"version": 2, "content": {"aim": "Matrix"}},
            expect=_answers(STAGE2_WRITERS, 200, NOT_STAGE2_WRITERS),
            anonymous=ANON,
        ),
    ],
    "api-plan-version-agree": [
        Case(
            method="post",
            kwargs={"pk": _draft_id},
            data=_agree_api,
            expect=_answers(STAGE2_WRITERS, 200, NOT_STAGE2_WRITERS),
            anonymous=ANON,
        )
    ],
    "api-plan-version-endorse": [
        Case(
            method="post",
            kwargs={"pk": _agreed_cin_version_id},
            data={"comments": "Plan meets the child's needs"},
            expect=_answers(ENDORSERS, 200, ("sam_sw", "tara_ta")),
            anonymous=ANON,
        )
    ],
}
