"""The Background Information Record starts from the child's record."""

from __future__ import annotations

import pytest

from openics.core.models import Person, Relationship
from openics.records.actions import do_save_draft, do_start_record
from openics.records.prefill import prefill_for

pytestmark = pytest.mark.django_db


def test_background_information_starts_from_the_person_record(world):
    mother = Person.objects.create(is_child=False, first_name="Mia", last_name="Example")
    Relationship.objects.create(
        child=world.amy, person=mother, kind="mother", lives_with_child=True, parental_responsibility=True
    )
    uncle = Person.objects.create(is_child=False, first_name="Ned", last_name="Other")
    Relationship.objects.create(child=world.amy, person=uncle, kind="other_family", lives_with_child=False)
    world.amy.first_language = "Polish"
    world.amy.interpreter_needed = True
    world.amy.save()

    record = do_start_record(world.amy, actor=world.sam_sw, kind="background-information")

    assert record.data["household"] == "Mia Example (Mother), parental responsibility"
    assert record.data["school_or_setting"] == world.school.pk
    assert record.data["communication"] == "First language: Polish; interpreter needed"
    # A draft like any other: the worker changes what the record got wrong.
    changed = do_save_draft(record, actor=world.sam_sw, data={"household": "Mia and her partner"}, expected_version=1)
    assert changed.data["household"] == "Mia and her partner"


def test_kinds_without_a_prefill_start_empty(world):
    assert prefill_for("referral", world.amy) == {}
    assert do_start_record(world.amy, actor=world.sam_sw, kind="referral").data == {}
