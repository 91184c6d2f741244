"""Find a child: partial and fuzzy names, date of birth, identifiers,
postcode, over only the records the user may see.

On PostgreSQL names also match by trigram similarity (pg_trgm), so
"Jonson" finds "Johnson"; SQLite falls back to partial matching.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet

from .models import Address, Person, User
from .validators import normalise_nhs_number, normalise_postcode, normalise_upn

# Trigram similarity at which a name counts as a fuzzy match.
TRIGRAM_THRESHOLD = 0.3


def find_people(
    user: User,
    *,
    q: str = "",
    date_of_birth: dt.date | None = None,
    identifier: str = "",
    postcode: str = "",
    children_only: bool = True,
) -> QuerySet[Person]:
    qs = Person.objects.visible_to(user)
    if children_only:
        qs = qs.filter(is_child=True)
    for word in q.split()[:4]:
        qs = qs.filter(_name_q(word))
    if date_of_birth:
        qs = qs.filter(Q(date_of_birth=date_of_birth) | Q(expected_date_of_birth=date_of_birth))
    if identifier:
        ident = identifier.strip()
        qs = qs.filter(
            Q(la_child_id__iexact=ident) | Q(upn=normalise_upn(ident)) | Q(nhs_number=normalise_nhs_number(ident))
        )
    if postcode:
        code = normalise_postcode(postcode)
        # A full postcode matches exactly; an outward code ("SS1") matches its area.
        lookup = {"postcode": code} if " " in code else {"postcode__startswith": code + " "}
        qs = qs.filter(Exists(Address.objects.filter(person=OuterRef("pk"), **lookup)))
    return qs.order_by("last_name", "first_name", "pk")


def _name_q(word: str) -> Q:
    partial = Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(known_as__icontains=word)
    if connection.vendor == "postgresql" and len(word) >= 3:
        return partial | Q(last_name__trigram_similar=word) | Q(first_name__trigram_similar=word)
    return partial
