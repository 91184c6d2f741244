"""Helpers for the retention tests: pupils old enough for their records to
be due, a school's child protection file, and the records manager."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from openics.core import testing as t
from openics.core.roles import Role
from openics.safeguarding.tests.conftest import concern_data

TODAY = dt.date(2026, 12, 3)


@pytest.fixture
def rita_records(world: Any) -> Any:
    """The authority's records manager."""
    return t.make_user("rita_records", Role.RECORDS_MANAGER, organisation=world.la)


@pytest.fixture
def cp_file(world: Any) -> Any:
    """A child protection file at Grange: a concern with an addition and a
    decision, recorded by Tom and decided by Dee, about `child`."""
    from openics.safeguarding.actions import do_add_to_concern, do_decide, do_record_concern

    def make(child: Any, school: Any = None, recorder: Any = None, dsl: Any = None) -> Any:
        school = school or world.school
        concern = do_record_concern(child, actor=recorder or world.tom_teacher, school=school, data=concern_data())
        do_add_to_concern(concern, actor=recorder or world.tom_teacher, text="She came back at lunch and said more.")
        do_decide(
            concern,
            actor=dsl or world.dee_dsl,
            data={"outcome": "monitor", "parents_informed": True, "rationale": "Watch and record"},
        )
        return concern

    return make


@pytest.fixture
def former_pupil(world: Any) -> Any:
    """Born 1 March 2000, on Grange's roll years ago: her file is due."""
    child = t.make_child("Bea", "Older", date_of_birth=dt.date(2000, 3, 1), la_child_id="NC000900")
    t.enrol(child, world.school, since=dt.date(2005, 9, 1))
    return child


def decide(client: Any, review: Any, **data: Any) -> Any:
    return client.post(f"/retention/reviews/{review.pk}/", {"version": str(review.version), **data}, secure=True)
