"""Records for Amy through the real record actions, as the people of the
test world would make them."""

from __future__ import annotations

from typing import Any

from openics.records.actions import do_correct, do_endorse, do_return, do_save_draft, do_start_record, do_submit
from openics.records.models import CaseRecord


def referral(day: str, *, decision: str = "assessment", source: str = "2A") -> dict[str, Any]:
    return {
        "referral_date": day,
        "referral_source": source,
        "reason": "Teacher saw bruising on the child's arm.",
        "decision": decision,
        "decision_date": day,
    }


def closure(day: str, *, reason: str = "RC7") -> dict[str, Any]:
    return {"closure_date": day, "reason": reason, "summary": "Work done.", "impact": "Things improved."}


def icpc(day: str, *, decision: str = "plan", category: str = "NEG") -> dict[str, Any]:
    data = {
        "conference_date": day,
        "chair": "Ivy Chair",
        "attended": "Sam Worker, social worker, council",
        "decision": decision,
        "reasons": "Risk of significant harm from neglect.",
    }
    if decision == "plan":
        data.update(category=category, outline_plan="Daily checks of food in the house.")
    return data


def review(day: str, *, decision: str = "continue", category: str = "NEG") -> dict[str, Any]:
    data = {
        "review_date": day,
        "chair": "Ivy Chair",
        "attended": "Sam Worker, social worker, council",
        "decision": decision,
        "reasons": "Progress reviewed.",
    }
    if decision == "continue":
        data["category"] = category
    return data


def assessment(day: str, *, need: str) -> dict[str, Any]:
    return {
        "started_on": day,
        "completed_on": day,
        "analysis": "Amy is a child in need.",
        "outcome": "cin_plan",
        "primary_need": need,
    }


def draft(world: Any, kind: str, data: dict[str, Any], *, by: Any = None) -> CaseRecord:
    actor = by or world.sam_sw
    record = do_start_record(world.amy, actor=actor, kind=kind)
    return do_save_draft(record, actor=actor, data=data, expected_version=record.version)


def submitted(world: Any, kind: str, data: dict[str, Any], *, by: Any = None) -> CaseRecord:
    actor = by or world.sam_sw
    # Dates in these tests are long past, so any deadline they meet is late.
    return do_submit(draft(world, kind, data, by=actor), actor=actor, late_reason="Recorded for the test")


def endorsed(world: Any, kind: str, data: dict[str, Any], *, by: Any = None) -> CaseRecord:
    return do_endorse(submitted(world, kind, data, by=by), actor=world.pat_pm, reasons="Agreed")


def returned(world: Any, kind: str, data: dict[str, Any], *, by: Any = None) -> CaseRecord:
    return do_return(submitted(world, kind, data, by=by), actor=world.pat_pm, comments="Add the school's view")


def corrected(world: Any, record: CaseRecord, changes: dict[str, Any], *, by: Any = None) -> CaseRecord:
    """Correct an endorsed record, change it and submit the correction."""
    actor = by or world.sam_sw
    correction = do_correct(record, actor=actor, reason="Wrong detail")
    correction = do_save_draft(correction, actor=actor, data=changes, expected_version=correction.version)
    return do_submit(correction, actor=actor, late_reason="Recorded for the test")
