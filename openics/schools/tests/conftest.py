"""Shared pieces for school operations tests: Grange's spring term with a
closure day, and the people the World lacks (a head, a governor, a LADO)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from openics.core import testing as t
from openics.core.models import User
from openics.core.roles import Role
from openics.timescales.models import SchoolClosure, SchoolTerm

# Monday 2 March to Friday 27 March 2026; Wednesday 11 March is an INSET day.
TERM_START = dt.date(2026, 3, 2)
TERM_END = dt.date(2026, 3, 27)
CLOSURE = dt.date(2026, 3, 11)


@pytest.fixture
def term(world: Any) -> SchoolTerm:
    term = SchoolTerm.objects.create(school=world.school, name="Spring 2", start=TERM_START, end=TERM_END)
    SchoolClosure.objects.create(school=world.school, date=CLOSURE, reason="INSET day")
    return term


@pytest.fixture
def hal_head(world: Any) -> User:
    return t.make_user("hal_head", Role.HEADTEACHER, organisation=world.school, first_name="Hal", last_name="Head")


@pytest.fixture
def gina_governor(world: Any) -> User:
    return t.make_user("gina_gov", Role.GOVERNOR, organisation=world.school, first_name="Gina", last_name="Chair")


@pytest.fixture
def lee_lado(world: Any) -> User:
    return t.make_user("lee_lado", Role.LADO, organisation=world.la, first_name="Lee", last_name="Lado")
