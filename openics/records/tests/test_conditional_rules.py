"""Conditional rules in record definitions: a field required only for some
answers (`required_when`), a deadline started only for some answers
(`when`), and the loader refusing a condition it cannot honour."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from openics.records.actions import do_endorse, do_return, do_save_draft, do_start_record, do_submit
from openics.records.definitions import DefinitionError, get_definition, parse_definition_text
from openics.records.models import CaseRecord, RecordStatus
from openics.timescales.actions import do_set_authority_timescales
from openics.timescales.models import Deadline

pytestmark = pytest.mark.django_db

CONFERENCE = dt.date(2026, 3, 2)  # a Monday; no bank holiday for weeks either side

ICPC_NO_PLAN = {
    "conference_date": CONFERENCE.isoformat(),
    "chair": "Ivy Chair",
    "attended": "Sam Worker, social worker, children's services",
    "decision": "no_plan",
    "reasons": "The risk is managed by the family with support.",
}


def _sussex(world: Any) -> None:
    do_set_authority_timescales(world.la, profile="sussex-ics", nation="ENG", acting_user=None)


def _icpc(world: Any, **data: Any) -> CaseRecord:
    record = do_start_record(world.amy, actor=world.sam_sw, kind="icpc")
    return do_save_draft(record, actor=world.sam_sw, data={**ICPC_NO_PLAN, **data}, expected_version=record.version)


def _deadlines(world: Any) -> dict[str, dt.date]:
    return dict(Deadline.objects.filter(child=world.amy).values_list("rule_id", "due_date"))


# Required only when: the ICPC's category and outline plan, for a plan.


def test_the_category_and_outline_plan_are_required_only_for_a_plan() -> None:
    icpc = get_definition("icpc")
    assert icpc.missing(ICPC_NO_PLAN) == {}
    missing = icpc.missing({**ICPC_NO_PLAN, "decision": "plan"})
    assert set(missing) == {"category", "outline_plan"}
    assert missing["category"].startswith("Select the category of abuse")
    assert icpc.missing({**ICPC_NO_PLAN, "decision": "plan", "category": "NEG", "outline_plan": "Weekly visits."}) == {}


def test_a_plan_without_its_category_is_refused_at_submission_through_the_page(world: Any, client_for: Any) -> None:
    record = _icpc(world, decision="plan", outline_plan="Weekly visits by the social worker.")
    sam = client_for(world.sam_sw)
    response = sam.post(reverse("record-submit", args=[record.pk]), {"late_reason": ""}, secure=True)
    assert response.status_code == 400
    assert "Select the category of abuse" in response.content.decode()
    record.refresh_from_db()
    assert record.status == RecordStatus.DRAFT
    # With the category it goes through.
    do_save_draft(record, actor=world.sam_sw, data={"category": "NEG"}, expected_version=record.version)
    response = sam.post(reverse("record-submit", args=[record.pk]), {"late_reason": ""}, secure=True)
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == RecordStatus.SUBMITTED


def test_no_plan_needs_no_category_through_the_api(world: Any, client_for: Any) -> None:
    record = _icpc(world)
    response = client_for(world.sam_sw).post(
        reverse("api-record-submit", args=[record.pk]), {}, content_type="application/json", secure=True
    )
    assert response.status_code == 200, response.content
    assert CaseRecord.objects.get(pk=record.pk).status == RecordStatus.SUBMITTED


def test_a_continuing_cp_plan_needs_the_latest_category() -> None:
    review = get_definition("cp-review")
    base = {"review_date": "2026-06-01", "chair": "Ivy", "attended": "Sam", "reasons": "Progress."}
    assert "category" in review.missing({**base, "decision": "continue"})
    assert "category" not in review.missing({**base, "decision": "end"})


# Deadlines started only when: the ICPC's plan starts the core group and review.


def test_england_icpc_with_a_plan_starts_the_first_core_group_and_first_review(world: Any) -> None:
    # An English authority with no choice recorded runs the england profile.
    record = _icpc(world, decision="plan", category="NEG", outline_plan="Weekly visits.")
    do_submit(record, actor=world.sam_sw)
    deadlines = Deadline.objects.filter(child=world.amy)
    assert {d.rule_id for d in deadlines} == {"core-group-first", "cp-review-first"}
    assert {d.profile for d in deadlines} == {"england"}
    assert {d.trigger_date for d in deadlines} == {CONFERENCE}
    # 10 working days after Monday 2 March 2026; three months after it.
    assert _deadlines(world) == {"core-group-first": dt.date(2026, 3, 16), "cp-review-first": dt.date(2026, 6, 2)}


def test_sussex_icpc_with_a_plan_starts_the_core_group_and_the_first_review(world: Any) -> None:
    _sussex(world)
    record = _icpc(world, decision="plan", category="PHY", outline_plan="Weekly visits.")
    do_submit(record, actor=world.sam_sw)
    # The Sussex procedures give the first review (3 months); the first core
    # group comes from Working Together 2010 (10 working days), tier guidance.
    assert _deadlines(world) == {"core-group-first": dt.date(2026, 3, 16), "cp-review-first": dt.date(2026, 6, 2)}
    assert set(Deadline.objects.filter(child=world.amy).values_list("profile", flat=True)) == {"sussex-ics"}


@pytest.mark.parametrize("sussex", [False, True])
def test_icpc_without_a_plan_starts_no_deadline(world: Any, sussex: bool) -> None:
    if sussex:
        _sussex(world)
    do_submit(_icpc(world), actor=world.sam_sw)
    assert _deadlines(world) == {}


def test_a_strategy_discussion_starts_the_conference_deadline_only_with_section_47(world: Any) -> None:
    _sussex(world)
    base = {
        "held_on": "2026-03-02",
        "format": "telephone",
        "participants": "Sam Worker, social worker; PC Jones, police",
        "information_shared": "Bruising seen at school.",
    }
    no = do_start_record(world.amy, actor=world.sam_sw, kind="strategy-discussion")
    no = do_save_draft(no, actor=world.sam_sw, data={**base, "start_s47": "no"}, expected_version=no.version)
    do_submit(no, actor=world.sam_sw)
    assert _deadlines(world) == {}
    yes = do_start_record(world.amy, actor=world.sam_sw, kind="strategy-discussion")
    yes = do_save_draft(yes, actor=world.sam_sw, data={**base, "start_s47": "yes"}, expected_version=yes.version)
    do_submit(yes, actor=world.sam_sw)
    # sussex-ics: conference in 15 working days; core assessment in 35.
    assert _deadlines(world) == {"icpc": dt.date(2026, 3, 23), "core-assessment": dt.date(2026, 4, 22)}


def test_a_continuing_review_starts_the_next_and_never_meets_its_own(world: Any) -> None:
    # The first review conference is due; the review meets it and, as the
    # plan continues, starts the next one six months on.  Returned and
    # submitted again, it must not count as meeting the deadline it started.
    record = _icpc(world, decision="plan", category="NEG", outline_plan="Weekly visits.")
    do_submit(record, actor=world.sam_sw)
    review = do_start_record(world.amy, actor=world.iris_iro, kind="cp-review")
    data = {
        "review_date": "2026-05-28",
        "chair": "Iris Reviewing",
        "attended": "Sam Worker; Amy's mother",
        "decision": "continue",
        "category": "NEG",
        "reasons": "Neglect continues.",
    }
    review = do_save_draft(review, actor=world.iris_iro, data=data, expected_version=review.version)
    do_submit(review, actor=world.iris_iro, late_reason="Recorded after the conference.")
    first = Deadline.objects.get(child=world.amy, rule_id="cp-review-first")
    assert first.met_on is not None and first.late_reason == "Recorded after the conference."
    next_review = Deadline.objects.get(child=world.amy, rule_id="cp-review")
    assert next_review.due_date == dt.date(2026, 11, 28)
    do_return(review, actor=world.pat_pm, comments="Add who attended for health.")
    review.refresh_from_db()
    do_submit(review, actor=world.iris_iro, late_reason="Recorded after the conference.")
    next_review.refresh_from_db()
    assert next_review.met_on is None
    assert Deadline.objects.filter(child=world.amy, rule_id="cp-review").count() == 1
    review.refresh_from_db()
    do_endorse(review, actor=world.pat_pm, reasons="Agreed.")


def test_an_ended_plan_starts_no_further_review(world: Any) -> None:
    review = do_start_record(world.amy, actor=world.iris_iro, kind="cp-review")
    data = {
        "review_date": "2026-05-28",
        "chair": "Iris Reviewing",
        "attended": "Sam Worker",
        "decision": "end",
        "reasons": "No continuing risk of significant harm.",
    }
    review = do_save_draft(review, actor=world.iris_iro, data=data, expected_version=review.version)
    do_submit(review, actor=world.iris_iro)
    assert _deadlines(world) == {}


# The loader refuses a condition it cannot honour.

BASE = """
kind = "note"
version = 1
title = "Note"
part = "social_care"
completed_by = ["sw"]
endorsement = "none"
{top}
[[sections]]
title = "Note"

[[sections.fields]]
name = "seen_on"
label = "Date seen"
type = "date"

[[sections.fields]]
name = "decision"
label = "Decision"
type = "choice"
options = [["plan", "Plan"], ["no_plan", "No plan"]]

[[sections.fields]]
name = "worried"
label = "Worried?"
type = "yesno"

[[sections.fields]]
name = "detail"
label = "Detail"
type = "longtext"
{field_extra}
"""


def _parse(top: str = "", field_extra: str = "") -> Any:
    return parse_definition_text(BASE.format(top=top, field_extra=field_extra), "note.toml")


def test_good_conditions_parse() -> None:
    definition = _parse(
        top='[[deadlines]]\nrules = ["icpc"]\nfrom_field = "seen_on"\nwhen = { field = "worried", equals = "yes" }\n'
        '[[proposes]]\nwhen = { field = "decision", equals = ["plan", "no_plan"] }\nkinds = ["closure"]\n',
        field_extra='required_when = { field = "decision", equals = "plan" }',
    )
    detail = definition.field("detail")
    assert detail is not None and detail.required_when is not None
    assert definition.missing({"decision": "plan"}) == {"detail": "Enter detail"}
    assert definition.missing({"decision": "no_plan"}) == {}
    assert definition.deadlines[0].when is not None and definition.deadlines[0].when.holds({"worried": "yes"})
    assert not definition.deadlines[0].when.holds({"worried": "no"})
    assert definition.proposed_kinds({"decision": "no_plan"}) == ("closure",)
    assert definition.proposed_kinds({}) == ()


@pytest.mark.parametrize(
    ("field_extra", "message"),
    [
        (
            'required_when = { field = "decison", equals = "plan" }',
            "required_when names no field of this record: 'decison'",
        ),
        ('required_when = { field = "decision", equals = "plann" }', "'plann' is not an option of field 'decision'"),
        ('required_when = { field = "worried", equals = "maybe" }', "'maybe' is not an option of field 'worried'"),
        ('required_when = { field = "seen_on", equals = "2026-01-01" }', "can test a choice or yesno field"),
        ('required_when = { field = "detail", equals = "x" }', "can test a choice or yesno field"),
        ('required_when = { field = "decision" }', "needs 'equals'"),
        ('required_when = { field = "decision", equals = "plan", is = 1 }', "unknown key(s): is"),
        ('required_when = "decision"', "required_when must be a table"),
        (
            'required_on_submit = true\nrequired_when = { field = "decision", equals = "plan" }',
            "either required_on_submit = true or required_when",
        ),
    ],
)
def test_a_bad_required_when_is_refused(field_extra: str, message: str) -> None:
    with pytest.raises(DefinitionError) as error:
        _parse(field_extra=field_extra)
    assert message in str(error.value)
    assert str(error.value).startswith("note.toml: field 'detail'")


@pytest.mark.parametrize(
    ("top", "message"),
    [
        (
            '[[deadlines]]\nrules = ["icpc"]\nwhen = { field = "outcome", equals = "plan" }\n',
            "deadline 1: when names no field of this record: 'outcome'",
        ),
        (
            '[[deadlines]]\nrules = ["icpc"]\nwhen = { field = "decision", equals = "yes" }\n',
            "deadline 1: when: 'yes' is not an option of field 'decision'",
        ),
        ('[[proposes]]\nkinds = ["Closure Record"]\n', "proposes 1: 'kinds' must be a non-empty list of record kinds"),
        ("[[proposes]]\nkinds = []\n", "'kinds' must be a non-empty list"),
        (
            '[[proposes]]\nkinds = ["closure"]\nwhen = { field = "decision", equals = "end" }\n',
            "proposes 1: when: 'end' is not an option of field 'decision'",
        ),
        ('[[proposes]]\nkinds = ["closure"]\nunless = 1\n', "proposes 1 has unknown key(s): unless"),
    ],
)
def test_a_bad_deadline_or_proposal_condition_is_refused(top: str, message: str) -> None:
    with pytest.raises(DefinitionError) as error:
        _parse(top=top)
    assert message in str(error.value)


def test_a_proposal_of_an_unknown_record_type_is_refused_at_start_up(tmp_path: Any, monkeypatch: Any) -> None:
    from openics.records import definitions

    (tmp_path / "note.toml").write_text(BASE.format(top='[[proposes]]\nkinds = ["closur"]\n', field_extra=""))
    monkeypatch.setattr(definitions, "DEFINITIONS_DIR", tmp_path)
    definitions.all_definitions.cache_clear()
    try:
        with pytest.raises(DefinitionError) as error:
            definitions.all_definitions()
        assert str(error.value) == "note.toml: proposes an unknown record type 'closur'"
    finally:
        monkeypatch.undo()
        definitions.all_definitions.cache_clear()


def test_a_refused_submission_keeps_the_record_a_draft(world: Any) -> None:
    record = _icpc(world, decision="plan")
    with pytest.raises(ValidationError) as error:
        do_submit(record, actor=world.sam_sw)
    assert set(error.value.message_dict) == {"category", "outline_plan"}
    assert _deadlines(world) == {}
