"""Template helpers for GOV.UK form markup, dates and definition labels."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms, template
from django.utils.safestring import SafeString

from openics.web.forms import GovukDateWidget
from openics.web.labels import translate_label as _translate_label

register = template.Library()


@register.filter
def widget_type(field: forms.BoundField) -> str:
    widget = field.field.widget
    if isinstance(widget, GovukDateWidget):
        return "date"
    # Before RadioSelect: Django's CheckboxSelectMultiple is a subclass of it.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    return "input"


@register.filter
def govuk_field(field: forms.BoundField) -> SafeString:
    """The widget, with the error class and aria-describedby when it has them."""
    attrs: dict[str, Any] = {}
    css = field.field.widget.attrs.get("class", "")
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        described.append(f"{field.auto_id}-error")
        suffix = {"govuk-select": "govuk-select--error", "govuk-textarea": "govuk-textarea--error"}
        base = css.split()[0] if css else "govuk-input"
        attrs["class"] = f"{css} {suffix.get(base, 'govuk-input--error')}"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


@register.filter
def translate_label(value: Any) -> str:
    """A record definition's or plan type's label in the active language:
    `{{ section.title|translate_label }}`.  Never for what people typed."""
    return _translate_label(value)


@register.filter
def uk_date(value: dt.date | None) -> str:
    if not value:
        return ""
    return f"{value.day} {value:%B %Y}"
