"""Likely existing records for a person about to be added.

A match is any live record with the same identifier (LA child ID, UPN, NHS
number), or a similar name together with the same date of birth or the same
postcode, or a similar first and last name, or a previous last name with the
same first name or date of birth.  On PostgreSQL names are similar
by trigram (pg_trgm); SQLite falls back to the same first three letters.

What the user is told (security requirement 5, sealed records):

* Restricted records are left out entirely, whoever asks: not even a hint
  is given, so adding a person can never be used to find out that a sealed
  record exists.  Adults in a restricted child's life are left out too.
* Matches the user may see are listed in full, to "use this record".  For
  an adult that means an adult in the life of a child the user may see.
* Unrestricted matches the user may not see are only counted, with no name,
  date or identifier: the page says a matching record may exist and whom to
  ask.  A duplicate record is itself a safeguarding risk (two half-records of
  one child), and a bare "there may be a record" discloses nothing about the
  child beyond what the user typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet

from .models import Address, Person, PreviousName, User
from .validators import normalise_nhs_number, normalise_postcode, normalise_upn

MAX_MATCHES = 10


@dataclass(frozen=True)
class Duplicates:
    """The matches the user may see, and how many others exist."""

    visible: list[Person]
    hidden_count: int

    def __bool__(self) -> bool:
        return bool(self.visible) or self.hidden_count > 0


def _similar(field: str, value: str) -> Q:
    value = value.strip()
    if not value:
        return Q(pk__in=[])
    if connection.vendor == "postgresql" and len(value) >= 3:
        return Q(**{f"{field}__iexact": value}) | Q(**{f"{field}__trigram_similar": value})
    # The portable fallback: the same start of the name ("Jon" for Jonson and
    # Johnson), which catches the commonest typing and spelling differences.
    return Q(**{f"{field}__istartswith": value[:3]})


def matching_q(data: dict[str, Any]) -> Q | None:
    """The condition a likely duplicate meets, or None if too little is known."""
    first = str(data.get("first_name") or "")
    last = str(data.get("last_name") or "")
    last_similar = _similar("last_name", last) if last else None
    first_similar = (_similar("first_name", first) | _similar("known_as", first)) if first else None
    conditions: list[Q] = []
    if data.get("la_child_id"):
        conditions.append(Q(la_child_id__iexact=str(data["la_child_id"]).strip()))
    if data.get("upn"):
        conditions.append(Q(upn=normalise_upn(str(data["upn"]))))
    if data.get("nhs_number"):
        conditions.append(Q(nhs_number=normalise_nhs_number(str(data["nhs_number"]))))
    for date_field in ("date_of_birth", "expected_date_of_birth"):
        born = data.get(date_field)
        if born and (last_similar is not None or first_similar is not None):
            name = last_similar if last_similar is not None else first_similar
            assert name is not None
            conditions.append(name & (Q(date_of_birth=born) | Q(expected_date_of_birth=born)))
    postcode = normalise_postcode(str(data.get("postcode") or ""))
    if postcode and last_similar is not None:
        at_postcode = Exists(Address.objects.filter(person=OuterRef("pk"), postcode=postcode))
        conditions.append(last_similar & Q(at_postcode))
    if last_similar is not None and first_similar is not None:
        conditions.append(last_similar & first_similar)
    if last:
        # A child whose surname changed (adoption, a parent's new partner)
        # is still found by the name they had before, with their first name
        # or date of birth.  Exists keeps one row per person for the counts.
        earlier = Q(Exists(PreviousName.objects.filter(person=OuterRef("pk"), last_name__iexact=last.strip())))
        born = [data[f] for f in ("date_of_birth", "expected_date_of_birth") if data.get(f)]
        if first_similar is not None:
            conditions.append(earlier & first_similar)
        for day in born:
            conditions.append(earlier & (Q(date_of_birth=day) | Q(expected_date_of_birth=day)))
    if not conditions:
        return None
    combined = conditions[0]
    for condition in conditions[1:]:
        combined |= condition
    return combined


def possible_duplicates(data: dict[str, Any], *, user: User, exclude: int | None = None) -> Duplicates:
    """Likely existing records for `data` (a person form's cleaned data, with
    an optional `postcode`), split into those `user` may see and a count of
    the rest.  Restricted records are never counted."""
    condition = matching_q(data)
    if condition is None:
        return Duplicates(visible=[], hidden_count=0)
    is_child = bool(data.get("is_child", True))
    candidates: QuerySet[Person] = Person.objects.live().filter(restriction="", is_child=is_child).filter(condition)
    if not is_child:
        # An adult known only through a sealed child's record would betray
        # that record, so adults in any restricted child's life are left out.
        candidates = candidates.exclude(relationships_to_children__child__restriction__gt="")
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude)
    seen = _visible(user, is_child=is_child).filter(pk__in=candidates.values("pk"))
    visible = list(seen.order_by("last_name", "first_name", "pk")[:MAX_MATCHES])
    total = candidates.count()
    visible_total = seen.count()
    return Duplicates(visible=visible, hidden_count=max(total - visible_total, 0))


def _visible(user: User, *, is_child: bool) -> QuerySet[Person]:
    """The records of this kind `user` may see.  Adults have no grants of
    their own: a user sees the adults in the lives of the children they may
    see, as on the relationship page."""
    if is_child:
        return Person.objects.visible_to(user)
    children = Person.objects.visible_to(user).values("pk")
    return Person.objects.live().filter(
        pk__in=Person.objects.filter(is_child=False, relationships_to_children__child__in=children).values("pk")
    )
