"""The filter of the authority's list of children subject to a CP plan."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from openics.core.models import Team, User
from openics.records.codes import CategoryOfAbuse
from openics.web.forms import GovukForm


class CPPlanFilterForm(GovukForm):
    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.none(),
        required=False,
        empty_label=_("Any team"),
        error_messages={"invalid_choice": _("Select a team from the list")},
    )
    category = forms.ChoiceField(
        label=_("Latest category of abuse"),
        required=False,
        choices=[("", _("Any category")), *CategoryOfAbuse.choices],
        error_messages={"invalid_choice": _("Select a category from the list")},
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        teams = Team.objects.filter(active=True)
        if user.organisation_id:
            teams = teams.filter(organisation_id=user.organisation_id)
        self.fields["team"].queryset = teams.order_by("name")  # type: ignore[attr-defined]
