"""The permission matrix: every route, every persona, the expected answer.

Each app lists its routes in its own `route_matrix.py` (`ROUTES`); the test
`openics/tests/test_permission_matrix.py` walks the URL resolver and fails
when a route is in no matrix, then requests every case as every persona
named and checks the status.  Deny by default: a persona not named in a
case is expected to get `default` (404 for anything about a child).

Personas are the fields of `openics.conftest.World` ("sam_sw", "olu_other",
…) plus "anonymous".  Objects in `kwargs` are named by a World attribute
("amy") or a callable taking the World and returning the value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# Every module holding a `ROUTES` dict; an app adds its own here.
MATRIX_MODULES = (
    "openics.core.route_matrix",
    "openics.core.admin_route_matrix",
    "openics.api.route_matrix",
    "openics.records.route_matrix",
    "openics.plans.route_matrix",
    "openics.plans.oneplan_route_matrix",
    "openics.meetings.route_matrix",
    "openics.safeguarding.route_matrix",
    "openics.safeguarding.transfer_route_matrix",
    "openics.schools.route_matrix",
    "openics.casework.route_matrix",
    "openics.timescales.route_matrix",
    "openics.retention.route_matrix",
)

PERSONAS = (
    "anonymous",
    "sam_sw",
    "tara_ta",
    "pat_pm",
    "sean_sm",
    "olu_other",
    "iris_iro",
    "dee_dsl",
    "tom_teacher",
    "oscar_dsl",
    "nina_nurse",
    "ada_admin",
)
# Who may read the child Amy's core record in the test world (allocated to
# Sam in the North team, on roll at Grange Primary where Dee is DSL and Tom
# teaches).
AMY_READERS = ("sam_sw", "tara_ta", "pat_pm", "sean_sm", "dee_dsl", "tom_teacher")
# Who may write to it.
AMY_WRITERS = ("sam_sw", "tara_ta", "pat_pm", "sean_sm", "dee_dsl")
SIGNED_IN = tuple(p for p in PERSONAS if p != "anonymous")


@dataclass(frozen=True)
class Case:
    method: str = "get"
    kwargs: dict[str, str | Callable[[Any], Any]] = field(default_factory=dict)
    # persona -> expected status; everyone else gets `default`.
    expect: dict[str, int] = field(default_factory=dict)
    default: int = 404
    # POST data, or a callable taking the World.
    data: dict[str, Any] | Callable[[Any], dict[str, Any]] | None = None
    # Query string for GET.
    query: str = ""
    # Anonymous users are sent to sign in (302) unless said otherwise.
    anonymous: int = 302


def ok_for(personas: tuple[str, ...] | list[str], status: int = 200) -> dict[str, int]:
    return dict.fromkeys(personas, status)
