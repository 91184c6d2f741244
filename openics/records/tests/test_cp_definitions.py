"""The assessment and child protection record types keep the field names,
options and roles other apps rely on (episodes, plans, the CIN census)."""

from __future__ import annotations

import pytest

from openics.records.definitions import RecordDefinition, get_definition

DOMAINS = {
    "health",
    "education",
    "emotional_behavioural",
    "identity",
    "family_social_relationships",
    "social_presentation",
    "self_care",
    "basic_care",
    "ensuring_safety",
    "emotional_warmth",
    "stimulation",
    "guidance_boundaries",
    "stability",
    "family_history",
    "wider_family",
    "housing",
    "employment_income",
    "social_integration",
}


def _codes(definition: RecordDefinition, name: str) -> list[str]:
    field = definition.field(name)
    assert field is not None, name
    return [code for code, _ in field.options]


def _types(definition: RecordDefinition) -> dict[str, str]:
    return {f.name: f.type for f in definition.fields}


@pytest.mark.parametrize("kind", ["core-assessment", "single-assessment"])
def test_the_core_and_single_assessments(kind: str) -> None:
    definition = get_definition(kind)
    types = _types(definition)
    assert set(types) >= DOMAINS
    assert {
        "started_on": "date",
        "completed_on": "date",
        "child_seen_on": "date",
        "child_seen_alone": "yesno",
        "factors": "multichoice",
        "primary_need": "choice",
        "analysis": "longtext",
        "outcome": "choice",
        "views_child": "longtext",
        "views_family": "longtext",
    }.items() <= types.items()
    assert _codes(definition, "outcome") == ["nfa", "cin_plan", "strategy", "close"]
    assert _codes(definition, "primary_need") == [f"N{n}" for n in range(10)]
    factors = _codes(definition, "factors")
    assert factors[:3] == ["1A", "1B", "1C"] and {"8C", "21", "24A", "18B", "19C"} <= set(factors)
    assert "8A" not in factors and "18A" not in factors
    assert definition.completed_by == {"sw", "swro"}
    assert definition.endorsed_by == {"sm", "pm"}


def test_which_profiles_offer_the_assessments() -> None:
    assert get_definition("core-assessment").profiles == {"sussex-ics"}
    assert get_definition("initial-assessment").profiles == {"sussex-ics"}
    assert get_definition("single-assessment").profiles == {"england", "wales", "scotland"}
    assert get_definition("single-assessment").title == "Child and Family Assessment"


def test_the_initial_assessment_gains_factors_and_primary_need() -> None:
    definition = get_definition("initial-assessment")
    assert _types(definition)["factors"] == "multichoice"
    assert _codes(definition, "primary_need")[0] == "N0"
    assert _codes(definition, "outcome") == ["nfa", "services", "core", "strategy"]


def test_the_initial_child_protection_conference_report() -> None:
    icpc = get_definition("icpc")
    assert icpc.title == "Initial Child Protection Conference Report"
    assert icpc.completed_by == {"sw"} and icpc.endorsed_by == {"sm", "pm"}
    assert _types(icpc) == {
        "conference_date": "date",
        "chair": "text",
        "attended": "longtext",
        "child_participation": "longtext",
        "decision": "choice",
        "category": "choice",
        "reasons": "longtext",
        "outline_plan": "longtext",
        "key_worker": "text",
        "core_group_members": "longtext",
    }
    decision = icpc.field("decision")
    assert decision is not None and [(c, str(label)) for c, label in decision.options] == [
        ("plan", "Child to be subject to a child protection plan"),
        ("no_plan", "No child protection plan needed"),
    ]
    assert _codes(icpc, "category") == ["NEG", "PHY", "SAB", "EMO", "MUL"]
    required = {f.name for f in icpc.fields if f.required_on_submit}
    assert required == {"conference_date", "chair", "attended", "decision", "reasons"}
    conditional = {f.name: f.required_when for f in icpc.fields if f.required_when}
    assert {name: (c.field, c.values) for name, c in conditional.items()} == {
        "category": ("decision", ("plan",)),
        "outline_plan": ("decision", ("plan",)),
    }
    assert [m.rules for m in icpc.meets] == [("icpc",)]
    assert [(t.rules, t.from_field, t.when and t.when.values) for t in icpc.deadlines] == [
        (("core-group-first",), "conference_date", ("plan",)),
        (("cp-review-first",), "conference_date", ("plan",)),
    ]


def test_the_core_group_record() -> None:
    core_group = get_definition("core-group")
    assert core_group.title == "Core Group Meeting Record"
    assert core_group.completed_by == {"sw", "swro"} and not core_group.needs_endorsement
    assert _types(core_group) == {
        "held_on": "date",
        "attended": "longtext",
        "progress": "longtext",
        "plan_changes": "longtext",
        "actions": "longtext",
        "next_meeting_on": "date",
    }
    assert {f.name for f in core_group.fields if f.required_on_submit} == {"held_on", "attended", "progress"}
    assert [m.rules for m in core_group.meets] == [("core-group-first",)]


def test_the_cp_review_records_parts_one_and_two() -> None:
    report = get_definition("cp-review-report")
    assert report.title == "CP Review Record Part 1"
    assert report.completed_by == {"sw", "swro"} and report.endorsed_by == {"pm", "sm"}
    assert set(_types(report)) == {"review_date", "progress", "child_views", "family_views", "recommendation"}
    assert _codes(report, "recommendation") == ["continue", "end"]
    review = get_definition("cp-review")
    assert review.title == "CP Review Record Part 2"
    assert review.completed_by == {"iro"} and review.endorsed_by == {"pm", "sm"}
    assert set(_types(review)) == {
        "review_date",
        "chair",
        "attended",
        "decision",
        "category",
        "reasons",
        "plan_revisions",
    }
    decision = review.field("decision")
    assert decision is not None and [(c, str(label)) for c, label in decision.options] == [
        ("continue", "Continue the child protection plan"),
        ("end", "End the plan: no continuing risk of significant harm"),
    ]
    assert {m.rules for m in review.meets} == {("cp-review-first",), ("cp-review",)}
    assert [(t.rules, t.from_field, t.when and t.when.values) for t in review.deadlines] == [
        (("cp-review",), "review_date", ("continue",))
    ]
