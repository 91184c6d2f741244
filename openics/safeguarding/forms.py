"""GOV.UK forms for concerns, additions, decisions and the FGM notification.

Forms parse and say what to fix; the actions validate again, so the API and
the pages refuse the same things with the same messages.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from openics.core.models import Person, User
from openics.web.forms import GovukDateField, GovukForm

from .actions import parse_marks
from .codes import ConcernCategory, LevelOfNeed, TriageOutcome

YES_NO = [("yes", "Yes"), ("no", "No")]
_TIME = re.compile(r"^(\d{1,2})[:.]?(\d{2})\s*(am|pm)?$", re.IGNORECASE)


def parse_time(text: str) -> dt.time | None:
    """'14:30', '2.30pm', '1430' → a time; None when it is not one."""
    match = _TIME.match((text or "").strip())
    if not match:
        return None
    hour, minute, half = int(match[1]), int(match[2]), (match[3] or "").lower()
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


def combine(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


class PupilChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Person) -> str:
        born = f", born {obj.date_of_birth:%-d %B %Y}" if obj.date_of_birth else ""
        return f"{obj.display_name}{born}"


class PupilsChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Person) -> str:
        return obj.display_name


class _TimeMixin:
    cleaned_data: dict[str, Any]

    def _moment(self, date_field: str, time_field: str, target: str, *, required: bool, label: str) -> None:
        day = self.cleaned_data.get(date_field)
        text = (self.cleaned_data.get(time_field) or "").strip()
        if not text and day is None:
            if required:
                self.add_error(time_field, f"Enter the time {label}")  # type: ignore[attr-defined]
            self.cleaned_data[target] = None
            return
        time = parse_time(text)
        if text and time is None:
            self.add_error(time_field, "Enter the time as hours and minutes, for example 14:30")  # type: ignore[attr-defined]
            return
        if time is None:
            self.add_error(time_field, f"Enter the time {label}")  # type: ignore[attr-defined]
            return
        if day is None:
            if date_field not in self.errors:  # type: ignore[attr-defined]
                self.add_error(date_field, f"Enter the date {label}")  # type: ignore[attr-defined]
            return
        moment = combine(day, time)
        if moment > timezone.now() + dt.timedelta(minutes=5):
            self.add_error(time_field, "The date and time must be now or in the past")  # type: ignore[attr-defined]
            return
        self.cleaned_data[target] = moment


class ConcernForm(_TimeMixin, GovukForm):
    child = PupilChoiceField(
        queryset=Person.objects.none(),
        label="Pupil",
        empty_label="Select a pupil",
        error_messages={"required": "Select the pupil you are worried about", "invalid_choice": "Select a pupil"},
    )
    other_pupils = PupilsChoiceField(
        queryset=Person.objects.none(),
        required=False,
        label="Other pupils involved (optional)",
        help_text="Hold Ctrl (or Cmd) to select more than one.",
        error_messages={"invalid_choice": "Select other pupils from the list"},
    )
    occurred_on = GovukDateField(
        label="Date", max_today=True, error_messages={"required": "Enter the date it happened or you saw it"}
    )
    occurred_time = forms.CharField(
        label="Time",
        max_length=10,
        help_text="For example, 14:30",
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "autocomplete": "off"}),
    )
    location = forms.CharField(
        label="Where", max_length=200, error_messages={"required": "Enter where it happened or where you saw it"}
    )
    account = forms.CharField(
        label="What was said or seen",
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Facts only: what you saw and heard. Do not ask leading questions.",
        error_messages={"required": "Enter what was said or seen"},
    )
    childs_words = forms.CharField(
        label="The child's own words (optional)",
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Exactly as the child said them.",
    )
    categories = forms.MultipleChoiceField(
        label="Category",
        choices=ConcernCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one category"},
    )
    fgm_known = forms.BooleanField(
        label="FGM is known: the girl told you it was done, or you saw signs of it",
        required=False,
        help_text="You must then report it to the police yourself (call 101).",
    )
    marks = forms.CharField(
        label="Body map marks (optional)",
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "openics-bodymap__marks", "spellcheck": "false"}),
        help_text=(
            "Select a place on the outline to add a mark, then describe it. Or type one mark a line: front or back, "
            "how far across and how far down (each from 0 to 1), then a note. For example: front 0.30 0.25 Bruise"
        ),
    )
    action_taken = forms.CharField(
        label="Action you took",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the action you took"},
    )
    dsl_informed_verbally = forms.ChoiceField(
        label="Have you told the DSL or a deputy in person or by phone?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if you have told the DSL or a deputy in person or by phone"},
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from .access import recordable_pupils

        pupils = recordable_pupils(user)
        self.fields["child"].queryset = pupils  # type: ignore[attr-defined]
        self.fields["other_pupils"].queryset = pupils  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._moment("occurred_on", "occurred_time", "occurred_at", required=True, label="it happened or you saw it")
        text = cleaned.get("marks") or ""
        try:
            cleaned["body_map"] = parse_marks(text)
        except ValidationError as error:
            self.add_error("marks", error)
        if cleaned.get("fgm_known") and ConcernCategory.FGM not in (cleaned.get("categories") or []):
            self.add_error("categories", "Select the FGM category when FGM is known")
        answer = cleaned.get("dsl_informed_verbally")
        cleaned["dsl_informed_verbally"] = None if answer is None else answer == "yes"
        return cleaned


class AdditionForm(GovukForm):
    text = forms.CharField(
        label="What do you want to add?",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter what you want to add"},
    )


class DecisionForm(_TimeMixin, GovukForm):
    outcome = forms.ChoiceField(
        label="Decision",
        choices=TriageOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the decision"},
    )
    level_of_need = forms.ChoiceField(
        label="Level of need (for early help)", choices=[("", "Not applicable"), *LevelOfNeed.choices], required=False
    )
    immediate_risk = forms.BooleanField(
        label="Risk of immediate harm: the Hub was telephoned",
        required=False,
        help_text="Give the time you telephoned the Children and Families Hub, and the police if they were called.",
    )
    hub_phoned_on = GovukDateField(label="Date the Hub was telephoned", required=False, max_today=True)
    hub_phoned_time = forms.CharField(
        label="Time the Hub was telephoned",
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
    )
    police_on = GovukDateField(label="Date the police were told", required=False, max_today=True)
    police_time = forms.CharField(
        label="Time the police were told",
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
    )
    advice_from = forms.CharField(label="Advice sought from", required=False, max_length=200)
    parents_informed = forms.ChoiceField(
        label="Were the parents or carers told?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the parents or carers were told"},
    )
    parents_not_informed_reason = forms.CharField(
        label="If not, why not",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example, telling them could put the child at greater risk or impede a police investigation.",
    )
    follow_up_on = GovukDateField(label="Follow-up date (optional)", required=False)
    rationale = forms.CharField(
        label="Reasons for your decision",
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the reasons for your decision"},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._moment(
            "hub_phoned_on", "hub_phoned_time", "hub_phoned_at", required=False, label="the Hub was telephoned"
        )
        self._moment("police_on", "police_time", "police_informed_at", required=False, label="the police were told")
        answer = cleaned.get("parents_informed")
        cleaned["parents_informed"] = None if answer is None else answer == "yes"
        return cleaned

    def decision_data(self) -> dict[str, Any]:
        keys = [
            "outcome",
            "level_of_need",
            "immediate_risk",
            "hub_phoned_at",
            "police_informed_at",
            "advice_from",
            "parents_informed",
            "parents_not_informed_reason",
            "follow_up_on",
            "rationale",
        ]
        return {k: self.cleaned_data.get(k) for k in keys}


class FgmNotificationForm(_TimeMixin, GovukForm):
    notified_on = GovukDateField(
        label="Date you notified the police",
        max_today=True,
        error_messages={"required": "Enter the date you notified the police"},
    )
    notified_time = forms.CharField(
        label="Time you notified the police",
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
    )
    police_reference = forms.CharField(
        label="Police reference number", max_length=60, error_messages={"required": "Enter the police reference number"}
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._moment("notified_on", "notified_time", "notified_at", required=True, label="you notified the police")
        return cleaned


def apply_errors(form: forms.Form, error: ValidationError, mapping: dict[str, str] | None = None) -> None:
    """An action's field errors onto the form's fields (renamed by `mapping`)."""
    mapping = mapping or {}
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            field = mapping.get(name, name)
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)
