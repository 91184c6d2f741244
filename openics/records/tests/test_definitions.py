"""Record definitions load from TOML, and a bad file is refused with a
message naming the file and the field."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from openics.records.definitions import (
    DefinitionError,
    all_definitions,
    current_definitions,
    get_definition,
    parse_definition_text,
)

GOOD = """
kind = "test-record"
version = 2
title = "Test Record"
part = "social_care"
completed_by = ["sw"]
endorsed_by = ["pm"]

[[sections]]
title = "One"

[[sections.fields]]
name = "when"
label = "Date of the thing"
type = "date"
required_on_submit = true
"""


def test_the_shipped_definitions_load() -> None:
    kinds = set(current_definitions())
    assert {
        "contact",
        "referral",
        "background-information",
        "initial-assessment",
        "strategy-discussion",
        "s47-outcome",
        "closure",
    } <= kinds
    referral = get_definition("referral")
    assert referral.part == "social_care"
    assert referral.completed_by == {"ta", "sw", "swro"}
    assert referral.endorsed_by == {"pm", "sm"}
    source = referral.field("referral_source")
    assert source is not None and ("2A", "Schools") in [(c, str(label)) for c, label in source.options]
    closure = get_definition("closure").field("reason")
    assert closure is not None and [c for c, _ in closure.options] == [f"RC{n}" for n in range(1, 10)]
    # "In all cases an Initial Contact Record should be authorised."
    assert get_definition("contact").endorsed_by == {"pm", "sm"}
    assert all(key == (d.kind, d.version) for key, d in all_definitions().items())


def test_a_good_file_parses() -> None:
    definition = parse_definition_text(GOOD, "test-record.toml")
    assert definition.version == 2
    assert definition.missing({}) == {"when": "Enter date of the thing"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('type = "date"', 'type = "colour"'), "test-record.toml: field 'when' has unknown type 'colour'"),
        (('part = "social_care"', 'part = "gossip"'), "test-record.toml: unknown part 'gossip'"),
        (('completed_by = ["sw"]', 'completed_by = ["boss"]'), "unknown role(s): boss"),
        (("required_on_submit = true", 'required_on_submit = "yes"'), "field 'when': required_on_submit"),
        (('label = "Date of the thing"', 'label = "Date"\nwidth = 3'), "field 'when' has unknown key(s): width"),
        (('endorsed_by = ["pm"]', 'endorsement = "sometimes"'), "'endorsement' must be"),
    ],
)
def test_a_bad_file_is_refused_naming_file_and_field(change: tuple[str, str], message: str) -> None:
    with pytest.raises(DefinitionError) as error:
        parse_definition_text(GOOD.replace(*change), "test-record.toml")
    assert message in str(error.value)


def test_a_duplicate_field_is_refused() -> None:
    doubled = GOOD + '\n[[sections.fields]]\nname = "when"\nlabel = "Again"\ntype = "text"\n'
    with pytest.raises(DefinitionError, match=r"test-record\.toml: duplicate field 'when'"):
        parse_definition_text(doubled, "test-record.toml")


def test_a_choice_needs_options() -> None:
    bad = GOOD.replace('type = "date"', 'type = "choice"')
    with pytest.raises(DefinitionError, match=r"field .when.: a choice field needs either .options. or .codes."):
        parse_definition_text(bad, "test-record.toml")


@pytest.mark.django_db
def test_draft_values_are_type_checked_only() -> None:
    referral = get_definition("referral")
    assert referral.clean_data({"referral_date": "2026-01-05", "reason": ""}) == {
        "referral_date": "2026-01-05",
        "reason": "",
    }
    with pytest.raises(ValidationError) as error:
        referral.clean_data({"referral_date": "5th Jan", "referral_source": "ZZ", "colour": "red"})
    assert set(error.value.message_dict) == {"referral_date", "referral_source", "colour"}
