"""The one interface through which every app adds to a child's chronology.

An app registers its kinds of event once (in its AppConfig.ready) and calls
`record_event` inside its action's transaction.  The chronology page, its
filters and its exports read only `ChronologyEntry`, so a new app needs
nothing more.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import ChronologyEntry, Organisation, Person, Significance, User
from .roles import Part

# kind code -> label.  Codes are stable; labels are translatable.
KINDS: dict[str, str | Promise] = {}


def register_kind(code: str, label: str | Promise) -> None:
    KINDS[code] = label


def kind_label(code: str) -> str:
    return str(KINDS.get(code, code.replace("_", " ").capitalize()))


register_kind("manual", _("Manual entry"))
register_kind("person_created", _("Record created"))
register_kind("allocation", _("Allocated"))
register_kind("involvement", _("Agency involvement"))
register_kind("address_change", _("Change of address"))
register_kind("school_enrolment", _("School"))
register_kind("relationship", _("Family and network"))
register_kind("restriction", _("Record restricted"))
register_kind("merge", _("Records merged"))


def record_event(
    child: Person,
    *,
    occurred_on: dt.date,
    kind: str,
    summary: str,
    part: str = Part.CORE,
    detail: str = "",
    source: str = "",
    source_organisation: Organisation | None = None,
    significance: str = Significance.ROUTINE,
    origin: models.Model | None = None,
    entered_by: User | None = None,
    is_manual: bool = False,
) -> ChronologyEntry:
    """Add an entry; call it inside the contributing action's transaction."""
    if kind not in KINDS:
        raise ValueError(f"Unregistered chronology kind {kind!r}: call register_kind first")
    return ChronologyEntry.objects.create(
        child=child,
        occurred_on=occurred_on,
        kind=kind,
        summary=summary[:300],
        detail=detail,
        source=source[:200],
        source_organisation=source_organisation,
        significance=significance,
        part=part,
        origin_type=origin._meta.label_lower if origin is not None else "",
        origin_id=str(origin.pk) if origin is not None else "",
        is_manual=is_manual,
        entered_by=entered_by,
    )
