"""SEND One Planning and EHC request routes in the permission matrix.

A One Plan is in Amy's `plans` part and an EHC request in her `send` part:
both open to the social care grounds (Sam, Tara, Pat, Sean) and her
school's DSL (Dee); Tom (school staff) sees only her core record.  A One
Plan (and an EHC request) is written by a SENCo, head, DSL or social
worker: Sam and Dee, not Tara, Pat or Sean (403).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from openics.route_matrix import Case, ok_for

READERS = ("sam_sw", "tara_ta", "pat_pm", "sean_sm", "dee_dsl")
WRITERS = ("sam_sw", "dee_dsl")
NOT_WRITERS = ("tara_ta", "pat_pm", "sean_sm")
ANON = 401


def _today() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()


def _answers(status: int) -> dict[str, int]:
    return {**ok_for(NOT_WRITERS, 403), **ok_for(WRITERS, status)}


def _date(prefix: str, day: dt.date) -> dict[str, str]:
    return {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month), f"{prefix}_year": str(day.year)}


def _one_plan(w: Any) -> Any:
    from openics.plans.actions import do_agree, do_save_draft, do_start_plan
    from openics.plans.tests.factories import full_content

    plan = do_start_plan(w.amy, actor=w.sam_sw, plan_type="one-plan")
    draft = plan.versions.get()
    draft = do_save_draft(draft, actor=w.sam_sw, content=full_content(), expected_version=draft.version)
    today = _today()
    do_agree(
        draft,
        actor=w.sam_sw,
        agreed_on=today - dt.timedelta(days=30),
        next_review_on=today + dt.timedelta(days=30),
    )
    return plan


def _one_plan_id(w: Any) -> int:
    return int(_one_plan(w).pk)


def _ehc(w: Any) -> Any:
    from openics.plans.oneplan import do_request_ehc_assessment

    return do_request_ehc_assessment(
        w.amy,
        actor=w.dee_dsl,
        requested_by="school",
        requester_name="Grange Primary",
        received_on=_today() - dt.timedelta(days=10),
        evidence="Two One Plan cycles",
    )


def _ehc_id(w: Any) -> int:
    return int(_ehc(w).pk)


def _evidence_form(w: Any) -> dict[str, str]:
    return {
        "kind": "parent",
        "given_by": "Mrs Example",
        "role": "Mother",
        **_date("given_on", _today()),
        "summary": "Amy is anxious in the mornings",
    }


def _delivery_form(w: Any) -> dict[str, str]:
    return {
        "delivered_by": "teacher",
        "who": "Mr Teacher",
        **_date("delivered_on", _today()),
        "target_key": "",
        "what_was_done": "Daily check-in",
    }


def _ehc_form(w: Any) -> dict[str, str]:
    return {
        "requested_by": "parent",
        **_date("received_on", _today() - dt.timedelta(days=1)),
        "evidence": "One Plan reviews",
    }


def _step_form(w: Any) -> dict[str, str]:
    return {"step": "assess", **_date("on", _today()), "reasons": "Needs are complex"}


_COPY_BY_POST = {
    "recipient": "Amy's mother",
    "method": "post",
    "address": "1 High Street, Northtown",
    "language": "en-gb",
}


ROUTES: dict[str, list[Case]] = {
    "one-plan-cycles": [Case(kwargs={"plan_id": _one_plan_id}, expect=ok_for(READERS))],
    "one-plan-evidence-add": [
        Case(kwargs={"plan_id": _one_plan_id}, expect=ok_for(READERS)),
        Case(method="post", kwargs={"plan_id": _one_plan_id}, data=_evidence_form, expect=_answers(302)),
    ],
    "one-plan-delivery-add": [
        Case(kwargs={"plan_id": _one_plan_id}, expect=ok_for(READERS)),
        Case(method="post", kwargs={"plan_id": _one_plan_id}, data=_delivery_form, expect=_answers(302)),
    ],
    # The family's copy of the One Plan: anyone who may write to the child's plans records a copy.
    "one-plan-pdf": [Case(kwargs={"plan_id": _one_plan_id}, expect=ok_for(READERS))],
    "one-plan-copies": [
        Case(kwargs={"plan_id": _one_plan_id}, expect=ok_for(READERS)),
        Case(method="post", kwargs={"plan_id": _one_plan_id}, data=_COPY_BY_POST, expect=ok_for(READERS, 302)),
    ],
    "child-ehc-requests": [Case(kwargs={"child_id": "amy"}, expect=ok_for(READERS))],
    "ehc-request-new": [
        Case(kwargs={"child_id": "amy"}, expect=ok_for(READERS)),
        Case(method="post", kwargs={"child_id": "amy"}, data=_ehc_form, expect=_answers(302)),
    ],
    "ehc-request-detail": [Case(kwargs={"request_id": _ehc_id}, expect=ok_for(READERS))],
    "ehc-request-step": [
        Case(kwargs={"request_id": _ehc_id}, expect=ok_for(READERS)),
        Case(method="post", kwargs={"request_id": _ehc_id}, data=_step_form, expect=_answers(302)),
    ],
}

ROUTES.update(
    {
        "api-one-plan-detail": [Case(kwargs={"pk": _one_plan_id}, expect=ok_for(READERS), anonymous=ANON)],
        "api-one-plan-evidence": [
            Case(
                method="post",
                kwargs={"pk": _one_plan_id},
                data=lambda w: {
                    "kind": "child",
                    "given_by": "Amy",
                    "given_on": _today().isoformat(),
                    "summary": "I like art",
                },
                expect=_answers(201),
                anonymous=ANON,
            )
        ],
        "api-one-plan-delivery-log": [
            Case(
                method="post",
                kwargs={"pk": _one_plan_id},
                data=lambda w: {
                    "delivered_by": "home",
                    "who": "Mum",
                    "delivered_on": _today().isoformat(),
                    "what_was_done": "Reading together",
                },
                expect=_answers(201),
                anonymous=ANON,
            )
        ],
        "api-one-plan-copies": [
            Case(kwargs={"pk": _one_plan_id}, expect=ok_for(READERS), anonymous=ANON),
            Case(
                method="post",
                kwargs={"pk": _one_plan_id},
                data=_COPY_BY_POST,
                expect=ok_for(READERS, 201),
                anonymous=ANON,
            ),
        ],
        "api-child-ehc-request-list": [
            Case(kwargs={"child_id": "amy"}, expect=ok_for(READERS), anonymous=ANON),
            Case(
                method="post",
                kwargs={"child_id": "amy"},
                data=lambda w: {
                    "requested_by": "parent",
                    "received_on": _today().isoformat(),
                    "evidence": "One Plan reviews",
                },
                expect=_answers(201),
                anonymous=ANON,
            ),
        ],
        "api-ehc-request-detail": [Case(kwargs={"pk": _ehc_id}, expect=ok_for(READERS), anonymous=ANON)],
        "api-ehc-request-steps": [
            Case(
                method="post",
                kwargs={"pk": _ehc_id},
                data=lambda w: {"step": "not_assess", "on": _today().isoformat(), "reasons": "Needs met by school"},
                expect={**_answers(200)},
                anonymous=ANON,
            )
        ],
    }
)
