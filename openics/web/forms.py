"""GOV.UK Design System forms for Django.

`GovukForm` gives every field the GOV.UK classes, label, hint and error
message; `GovukDateField` is the GOV.UK date input (day, month, year) with
the error messages the design system asks for.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import DjangoTemplates
from django.utils.translation import gettext_lazy as _


class GovukFormRenderer(DjangoTemplates):
    form_template_name = "web/forms/form.html"
    field_template_name = "web/forms/field.html"


class GovukDateWidget(forms.MultiWidget):
    template_name = "web/widgets/date.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
            "day": forms.TextInput(
                attrs={"class": "govuk-input govuk-date-input__input govuk-input--width-2", "inputmode": "numeric"}
            ),
            "month": forms.TextInput(
                attrs={"class": "govuk-input govuk-date-input__input govuk-input--width-2", "inputmode": "numeric"}
            ),
            "year": forms.TextInput(
                attrs={"class": "govuk-input govuk-date-input__input govuk-input--width-4", "inputmode": "numeric"}
            ),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovukDateField(forms.MultiValueField):
    """A date typed as day, month and year, never a server error."""

    widget = GovukDateWidget

    def __init__(self, *, label: Any = "", max_today: bool = False, **kwargs: Any) -> None:
        self.max_today = max_today
        fields = (forms.CharField(), forms.CharField(), forms.CharField())
        super().__init__(fields=fields, require_all_fields=False, label=label, **kwargs)

    def compress(self, data_list: list[str]) -> dt.date | None:
        if not data_list or not any(data_list):
            return None
        day, month, year = (str(v or "").strip() for v in data_list)
        name = (self.label or _("the date")).lower()
        missing = [part for part, value in (("day", day), ("month", month), ("year", year)) if not value]
        if missing:
            raise ValidationError(
                _("%(name)s must include a %(part)s") % {"name": str(name).capitalize(), "part": missing[0]}
            )
        if not (day.isdigit() and month.isdigit() and year.isdigit()) or len(year) != 4:
            raise ValidationError(_("%(name)s must be a real date") % {"name": str(name).capitalize()})
        try:
            value = dt.date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(_("%(name)s must be a real date") % {"name": str(name).capitalize()}) from None
        if value.year < 1900:
            raise ValidationError(_("%(name)s must be after 1900") % {"name": str(name).capitalize()})
        if self.max_today:
            from django.utils import timezone

            if value > timezone.localdate():
                raise ValidationError(_("%(name)s must be today or in the past") % {"name": str(name).capitalize()})
        return value

    def clean(self, value: Any) -> Any:
        if self.required and (not value or not any(value)):
            raise ValidationError(
                self.error_messages.get("required") or _("Enter %(name)s") % {"name": self.label}, code="required"
            )
        return super().clean(value)


_CLASSES: dict[type[forms.Widget], str] = {
    forms.Textarea: "govuk-textarea",
    forms.Select: "govuk-select",
    forms.CheckboxInput: "govuk-checkboxes__input",
    forms.FileInput: "govuk-file-upload",
}


class GovukFormMixin:
    """Gives fields GOV.UK classes; lists errors for the error summary."""

    default_renderer: Any = GovukFormRenderer
    template_name = "web/forms/form.html"
    fields: dict[str, forms.Field]
    errors: Any

    def _apply_govuk_classes(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (GovukDateWidget, forms.RadioSelect, forms.CheckboxSelectMultiple)):
                continue
            css = next((c for w, c in _CLASSES.items() if isinstance(widget, w)), "govuk-input")
            widget.attrs["class"] = f"{css} {widget.attrs.get('class', '')}".strip()

    def first_error_id(self, name: str) -> str:
        field = self.fields.get(name)
        prefixed = self.add_prefix(name)  # type: ignore[attr-defined]
        if isinstance(field, GovukDateField):
            # MultiWidget numbers its inputs: the first (day) is `_0`.
            return f"id_{prefixed}_0"
        if field is not None and isinstance(field.widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
            return f"id_{prefixed}_0"
        return f"id_{prefixed}"

    def error_list_for_summary(self) -> list[tuple[str, str]]:
        items: list[tuple[str, str]] = []
        for name, errors in self.errors.items():
            anchor = self.first_error_id(name) if name != "__all__" else ""
            items.extend((anchor, str(error)) for error in errors)
        return items


class GovukForm(GovukFormMixin, forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self._apply_govuk_classes()


class GovukModelForm(GovukFormMixin, forms.ModelForm):  # type: ignore[type-arg,misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self._apply_govuk_classes()
