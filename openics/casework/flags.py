"""Identity bar flags from the child's open episodes: one query."""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from openics.core.identity import Flag
from openics.core.models import Person
from openics.core.roles import Part

from .models import CINEpisode, CPEpisode

# The plan is shared with the core group (the school's DSL among them), so
# the flag shows to whoever may see the child's plans or social care record.
FLAG_PARTS = frozenset({Part.SOCIAL_CARE, Part.PLANS})


def episode_flags(child: Person) -> list[Flag]:
    grant = getattr(child, "_grant", None)
    if grant is None or not (grant.parts & FLAG_PARTS):
        return []
    found = (
        Person.objects.filter(pk=child.pk)
        .annotate(
            cp=Exists(CPEpisode.objects.open().filter(child=OuterRef("pk"))),
            cin=Exists(CINEpisode.objects.open().filter(child=OuterRef("pk"))),
        )
        .values_list("cp", "cin")
        .first()
    )
    if found is None:
        return []
    cp, cin = found
    if cp:
        return [Flag("cp_plan", _("Child protection plan"), "red")]
    if cin:
        return [Flag("child_in_need", _("Child in need"), "blue")]
    return []
