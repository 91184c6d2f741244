"""Helpers for the safeguarding tests: a concern as Tom, Amy's teacher, would
record it, and the school's other leaders."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from openics.core import testing as t
from openics.core.roles import Role


def concern_data(**extra: Any) -> dict[str, Any]:
    return {
        "account": "Amy had a bruise on her left upper arm and said it hurt.",
        "childs_words": "Mummy's friend grabbed me",
        "categories": ["physical"],
        "location": "Classroom 3",
        "action_taken": "Listened, did not ask leading questions, told the DSL.",
        "occurred_at": timezone.now() - dt.timedelta(hours=1),
        "dsl_informed_verbally": True,
        "body_map": [{"view": "front", "x": 0.3, "y": 0.25, "note": "Bruise, 3cm, purple"}],
        **extra,
    }


@pytest.fixture
def record(world):  # type: ignore[no-untyped-def]
    """Record a concern about Amy (as Tom unless told)."""
    from openics.safeguarding.actions import do_record_concern

    def make(actor=None, child=None, **extra):  # type: ignore[no-untyped-def]
        return do_record_concern(
            child or world.amy, actor=actor or world.tom_teacher, school=world.school, data=concern_data(**extra)
        )

    return make


@pytest.fixture
def head(world):  # type: ignore[no-untyped-def]
    return t.make_user("hana_head", Role.HEADTEACHER, organisation=world.school)


@pytest.fixture
def deputy(world):  # type: ignore[no-untyped-def]
    return t.make_user("dan_deputy", Role.DEPUTY_DSL, organisation=world.school)


def form_data(world: Any, **extra: Any) -> dict[str, Any]:
    """The one-page form as a member of staff fills it in (no JavaScript)."""
    today = timezone.localdate()
    data = {
        "child": str(world.amy.pk),
        "occurred_on_day": str(today.day),
        "occurred_on_month": str(today.month),
        "occurred_on_year": str(today.year),
        "occurred_time": "00:00",
        "location": "Playground",
        "account": "Amy said: my dad hit me with his belt.",
        "childs_words": "My dad hit me with his belt",
        "categories": ["physical"],
        "marks": "front 0.30 0.25 Bruise on left upper arm\nback 0.5 0.6 Red lines across lower back",
        "action_taken": "Reassured Amy; told the DSL straight away.",
        "dsl_informed_verbally": "yes",
    }
    data.update(extra)
    return data


def backdate(concern_ids: list[int], **fields: Any) -> None:
    """Move concerns into the past, as time passing would: the database
    refuses to change when a concern was recorded, so the test steps round it."""
    from django.db import connection

    from openics.safeguarding.models import Concern

    if connection.vendor != "postgresql":
        Concern.objects.filter(pk__in=concern_ids).update(**fields)
        return
    import pgtrigger

    with pgtrigger.ignore("safeguarding.Concern:concern_as_recorded"):
        Concern.objects.filter(pk__in=concern_ids).update(**fields)
