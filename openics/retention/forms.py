"""Retention forms: GOV.UK forms with error summaries."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from openics.web.forms import GovukDateField, GovukForm

from . import schedule


class DecisionForm(GovukForm):
    decision = forms.ChoiceField(
        choices=[
            ("destroy", _("Destroy: the record is no longer needed")),
            ("keep", _("Keep it longer")),
        ],
        widget=forms.RadioSelect,
        label=_("Decision"),
        error_messages={"required": _("Select destroy or keep")},
    )
    keep_until = GovukDateField(
        label=_("Keep until"),
        required=False,
        help_text=_("Only if you keep it longer. For example, 31 3 2032"),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: reviewed, no current involvement or proceedings; or the reason it is still needed."),
        error_messages={"required": _("Enter the reason for your decision")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "keep" and not data.get("keep_until") and "keep_until" not in self.errors:
            self.add_error("keep_until", _("Enter the date to keep the record until"))
        return data


def class_choices() -> list[tuple[str, Any]]:
    return [("", _("Every class of record"))] + [
        (c.id, c.title) for c in schedule.classes().values() if not c.kept_forever and c.per == "child"
    ]


class HoldForm(GovukForm):
    child_reference = forms.CharField(
        label=_("Child"),
        max_length=40,
        help_text=_("The child's OpenICS number, LA child ID or UPN."),
        error_messages={"required": _("Enter the child's OpenICS number, LA child ID or UPN")},
    )
    class_id = forms.ChoiceField(label=_("Records held"), required=False, choices=())
    reason = forms.CharField(
        label=_("Reason for the hold"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: a civil claim, a public inquiry, a complaint or a subject access request."),
        error_messages={"required": _("Enter the reason for the legal hold")},
    )
    reference = forms.CharField(label=_("Reference (optional)"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["class_id"].choices = class_choices()  # type: ignore[attr-defined]


class LiftForm(GovukForm):
    reason = forms.CharField(
        label=_("Why is the hold lifted?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Enter why the legal hold is lifted")},
    )


class AdoptionOrderForm(GovukForm):
    on = GovukDateField(
        label=_("Date of the adoption order"),
        max_today=True,
        error_messages={"required": _("Enter the date of the adoption order")},
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=300,
        help_text=_("For example, the court and case number."),
        error_messages={"required": _("Enter where the date comes from")},
    )
