"""`{% child_episodes child %}`: the child's episodes, for pages about the child."""

from __future__ import annotations

from typing import Any

from django import template

from openics.core.models import Person
from openics.core.roles import Part

from ..models import CINEpisode, CPEpisode

register = template.Library()


@register.inclusion_tag("casework/_episodes.html")
def child_episodes(child: Person) -> dict[str, Any]:
    """CIN episodes and CP plans, newest first: two queries, and none for a
    user whose grant does not open the social care record."""
    grant = getattr(child, "_grant", None)
    if grant is None or Part.SOCIAL_CARE not in grant.parts:
        return {"shown": False}
    cin = list(CINEpisode.objects.filter(child=child).order_by("-referral_date", "-pk"))
    cp = list(CPEpisode.objects.filter(child=child).order_by("-started_on", "-pk"))
    return {"shown": True, "cin_episodes": cin, "cp_episodes": cp}
