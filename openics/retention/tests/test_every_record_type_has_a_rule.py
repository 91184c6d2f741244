"""Security requirement 14: every record type has a retention rule.  Every
model of an OpenICS app is in a retention class or named as holding no case
data, and every record definition and plan type falls in a class."""

from __future__ import annotations

import pytest

from openics.retention import coverage, schedule


def test_every_model_is_in_a_class_or_holds_no_case_data():
    labels = {m._meta.label for m in coverage.openics_models()}
    covered = {r.model for r in coverage.RETAINED}
    missing = labels - covered - set(coverage.NOT_CASE_DATA)
    assert missing == set(), f"give these a retention class in openics/retention/coverage.py: {sorted(missing)}"
    assert covered & set(coverage.NOT_CASE_DATA) == set()
    assert (covered | set(coverage.NOT_CASE_DATA)) <= labels, "coverage.py names a model that no longer exists"


def test_every_class_named_exists_and_every_class_has_rows():
    classes = schedule.classes()
    assert {r.class_id for r in coverage.RETAINED} == set(classes)


def test_a_school_class_names_the_school_for_every_row():
    for entry in coverage.RETAINED:
        if schedule.get(entry.class_id).holder == "school":
            assert entry.holder, f"{entry.model} in {entry.class_id} needs the path to its school"


@pytest.mark.django_db
def test_every_path_and_filter_is_a_real_query():
    for entry in coverage.RETAINED:
        qs = entry.model_class._default_manager.filter(entry.condition())
        fields = [f for f in (entry.child, entry.holder, entry.date) if f]
        list(qs.values(*fields)[:1]) if fields else list(qs[:1])


def _classes_for(model: str, **values: object) -> set[str]:
    """The classes whose filter takes a row with these values."""
    found = set()
    for entry in coverage.RETAINED:
        if entry.model != model:
            continue
        if _matches(entry.when, values) and (not entry.exclude or not _matches(entry.exclude, values)):
            found.add(entry.class_id)
    return found


def _matches(condition: dict[str, object], values: dict[str, object]) -> bool:
    for key, wanted in condition.items():
        field, _, lookup = key.partition("__")
        value = values.get(field)
        if lookup == "in":
            if value not in wanted:  # type: ignore[operator]
                return False
        elif value != wanted:
            return False
    return True


def test_every_record_definition_falls_in_exactly_one_class():
    from openics.records.definitions import all_definitions

    for definition in all_definitions().values():
        classes = _classes_for("records.CaseRecord", part=definition.part)
        assert len(classes) == 1, f"{definition.kind} (part {definition.part}) is in {classes or 'no class'}"


def test_every_plan_type_falls_in_exactly_one_class():
    from openics.plans.types import all_plan_types

    for plan_type in all_plan_types().values():
        classes = _classes_for("plans.Plan", plan_type=plan_type.id, part=plan_type.part)
        assert len(classes) == 1, f"{plan_type.id} is in {classes or 'no class'}"


def test_every_chronology_part_falls_in_exactly_one_class():
    from openics.core.roles import Part

    for part in Part:
        assert len(_classes_for("core.ChronologyEntry", part=part)) == 1, part


def test_the_matcher_itself_tells_classes_apart():
    assert _classes_for("plans.Plan", plan_type="one-plan") == {"send-record"}
    assert _classes_for("plans.Plan", plan_type="cin-plan") == {"social-care-record"}
    assert _classes_for("records.CaseRecord", part="school_safeguarding") == set()
