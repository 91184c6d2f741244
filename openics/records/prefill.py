"""Values a new record starts with, taken from the child's record.

"Pre-filled from the person record, kept up to date" (the Background
Information Record): a function registered for a record kind returns field
values for a new draft; the worker checks and changes them as for any draft.
The same function refreshes a draft on request, so the record can be brought
up to date with the person record without retyping.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q

from openics.core.models import Enrolment, Person, Relationship
from openics.core.models import today as _today

Prefill = Callable[[Person], dict[str, Any]]
PREFILLS: dict[str, Prefill] = {}


def register_prefill(kind: str) -> Callable[[Prefill], Prefill]:
    def register(function: Prefill) -> Prefill:
        PREFILLS[kind] = function
        return function

    return register


def prefill_for(kind: str, child: Person) -> dict[str, Any]:
    """The values a new `kind` record about `child` starts with ({} if none)."""
    function = PREFILLS.get(kind)
    return function(child) if function else {}


@register_prefill("background-information")
def background_information(child: Person) -> dict[str, Any]:
    on = _today()
    living = (
        Relationship.objects.filter(child=child, lives_with_child=True)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))
        .select_related("person")
        .order_by("emergency_contact_order", "kind", "pk")
    )
    household = []
    for relationship in living:
        line = f"{relationship.person.display_name} ({relationship.get_kind_display()})"
        if relationship.parental_responsibility:
            line += ", parental responsibility"
        household.append(line)
    values: dict[str, Any] = {}
    if household:
        values["household"] = "\n".join(household)
    school_id = (
        Enrolment.objects.current(on)
        .filter(child=child)
        .order_by("-started_on", "-pk")
        # The manager is typed by the queryset it shares with Involvement.
        .values_list("school_id", flat=True)  # type: ignore[misc]
        .first()
    )
    if school_id is not None:
        values["school_or_setting"] = school_id
    communication = f"First language: {child.first_language or 'not recorded'}"
    if child.interpreter_needed:
        communication += "; interpreter needed"
    values["communication"] = communication
    return values
