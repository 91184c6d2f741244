"""Forms for case records: one generated from each definition, and the
small forms of the workflow (start, submit, endorse or return, correct)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from openics.core.models import Organisation
from openics.web.forms import GovukDateField, GovukForm
from openics.web.labels import translate_label

from .definitions import FieldDef, RecordDefinition, current_definitions

# Up to this many options show as radios; more as a drop-down.
MAX_RADIOS = 6


def _form_field(field: FieldDef) -> forms.Field:
    # Built for each request, so the labels are in the reader's language.
    common: dict[str, Any] = {
        "label": translate_label(field.label),
        "help_text": translate_label(field.hint),
        "required": False,
    }
    options = [(code, translate_label(label)) for code, label in field.options]
    if field.type == "text":
        return forms.CharField(max_length=500, **common)
    if field.type == "longtext":
        return forms.CharField(max_length=50_000, widget=forms.Textarea(attrs={"rows": 5}), strip=False, **common)
    if field.type == "date":
        return GovukDateField(**common)
    if field.type in {"choice", "yesno"}:
        if len(options) <= MAX_RADIOS:
            return forms.ChoiceField(choices=options, widget=forms.RadioSelect, **common)
        return forms.ChoiceField(choices=[("", "Select an option"), *options], **common)
    if field.type == "multichoice":
        return forms.MultipleChoiceField(choices=options, widget=forms.CheckboxSelectMultiple, **common)
    if field.type == "number":
        return forms.IntegerField(min_value=0, max_value=1_000_000, **common)
    return forms.ModelChoiceField(Organisation.objects.order_by("name"), empty_label="Select an agency", **common)


class RecordForm(GovukForm):
    """The record's fields, all optional while it is a draft."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, definition: RecordDefinition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.definition = definition
        for field in definition.fields:
            self.fields[field.name] = _form_field(field)
        self._apply_govuk_classes()

    def sections(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(section, [self[f.name] for f in section.fields]) for section in self.definition.sections]

    def valid_values(self) -> dict[str, Any]:
        """What can be saved now, as JSON values: every field without an error."""
        cleaned = getattr(self, "cleaned_data", {})
        values: dict[str, Any] = {}
        for field in self.definition.fields:
            if field.name in self.errors or field.name not in cleaned:
                continue
            value = cleaned[field.name]
            if isinstance(value, dt.date):
                value = value.isoformat()
            elif isinstance(value, Organisation):
                value = value.pk
            values[field.name] = value
        return values


def initial_from(definition: RecordDefinition, data: dict[str, Any], version: int) -> dict[str, Any]:
    """Stored JSON values as form initial values."""
    initial: dict[str, Any] = {"version": version}
    for field in definition.fields:
        value = data.get(field.name)
        if field.type == "date" and isinstance(value, str) and value:
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                value = None
        initial[field.name] = value
    return initial


class StartRecordForm(GovukForm):
    kind = forms.ChoiceField(label="Which record?", widget=forms.RadioSelect)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [(d.kind, translate_label(d.title)) for d in current_definitions().values()]
        kind.error_messages["required"] = "Select the record to start"


class SubmitForm(GovukForm):
    late_reason = forms.CharField(
        label="If this record is late, why?",
        help_text="Anything can be recorded late: say why, so the reason is on the record.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )


class ReviewForm(GovukForm):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("endorse", "Endorse the record"), ("return", "Return it for changes")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select endorse or return"},
    )
    reasons = forms.CharField(
        label="Reasons or comments",
        help_text="For an endorsement, the reasons for your decision; for a return, what needs to change.",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10_000,
        error_messages={"required": "Enter the reasons for your decision"},
    )


class CorrectForm(GovukForm):
    reason = forms.CharField(
        label="Why does the record need correcting?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": "Enter the reason for the correction"},
    )


class LinkChildrenForm(GovukForm):
    """Which other children a contact concerns: each gets a linked record.

    The choices are the children offered on the page (related children and
    search results, all among those the user may see); the view sets them.
    """

    children = forms.MultipleChoiceField(
        label="Other children this contact is about",
        help_text="Each child gets their own record, with its own decision. Select all that apply.",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Select children from the list"},
    )
    q = forms.CharField(
        label="Search for another child",
        help_text="Name, LA child ID, UPN or NHS number.",
        required=False,
        max_length=100,
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        children = self.fields["children"]
        assert isinstance(children, forms.MultipleChoiceField)
        children.choices = choices
        self._apply_govuk_classes()
