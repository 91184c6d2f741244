"""GOV.UK forms for school operations.  Forms parse and say what to fix; the
actions check again, so the pages and the API refuse the same things."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from openics.core.models import Organisation, Person, User
from openics.web.forms import GovukDateField, GovukForm

from .attendance import MAX_BYTES
from .codes import (
    AllegationEntryKind,
    AllegationOutcome,
    FollowUpKind,
    NotificationMethod,
    Session,
    TrainingLevel,
    attendance_codes,
)

_TIME = re.compile(r"^(\d{1,2})[:.]?(\d{2})$")


def parse_time(text: str) -> dt.time | None:
    match = _TIME.match((text or "").strip())
    if not match:
        return None
    hour, minute = int(match[1]), int(match[2])
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


def apply_errors(form: forms.Form, error: ValidationError, rename: dict[str, str] | None = None) -> None:
    """Put an action's refusal on the form, on the field it names."""
    rename = rename or {}
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            name = rename.get(field, field)
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class PersonChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        if isinstance(obj, Person):
            born = f", born {obj.date_of_birth:%-d %B %Y}" if obj.date_of_birth else ""
            return f"{obj.display_name}{born}"
        return obj.get_full_name() or obj.username


class _MomentMixin:
    cleaned_data: dict[str, Any]

    def moment(self, day_field: str, time_field: str, target: str, label: str) -> None:
        day = self.cleaned_data.get(day_field)
        text = self.cleaned_data.get(time_field, "")
        time = parse_time(text) if text else dt.time(12, 0)
        if text and time is None:
            self.add_error(time_field, f"Enter the time {label} as hours and minutes, like 14:30")  # type: ignore[attr-defined]
            return
        if day is not None and time is not None:
            self.cleaned_data[target] = timezone.make_aware(dt.datetime.combine(day, time))


class ImportForm(GovukForm):
    file = forms.FileField(
        label="Register file (CSV)", required=False, help_text="Columns: upn, la_child_id, date, session, mark"
    )
    csv_text = forms.CharField(
        label="Or paste the register here", required=False, widget=forms.Textarea(attrs={"rows": 6})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        text = data.get("csv_text", "")
        if upload:
            if upload.size > MAX_BYTES:
                self.add_error("file", "The file must be smaller than 5 MB")
                return data
            try:
                data["content"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                self.add_error("file", "The file must be a CSV saved as UTF-8")
                return data
            data["filename"] = upload.name
        elif text.strip():
            data["content"], data["filename"] = text, ""
        else:
            self.add_error("file", "Choose a register file or paste the register")
        return data


def code_choices() -> list[tuple[str, str]]:
    return [("", "Choose a mark")] + [(c.code, f"{c.code}: {c.meaning}") for c in attendance_codes().values()]


class MarkForm(GovukForm):
    child = PersonChoiceField(
        label="Pupil",
        queryset=Person.objects.none(),
        error_messages={"required": "Choose the pupil", "invalid_choice": "Choose a pupil of the school"},
    )
    day = GovukDateField(label="Date", max_today=True, error_messages={"required": "Enter the date"})
    session = forms.ChoiceField(
        label="Session",
        choices=Session.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the session"},
    )
    code = forms.ChoiceField(label="Mark", choices=code_choices, error_messages={"required": "Choose the mark"})

    def __init__(self, *args: Any, pupils: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = pupils  # type: ignore[attr-defined]


class FollowUpForm(GovukForm):
    kind = forms.ChoiceField(
        label="What was done",
        choices=FollowUpKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what was done"},
    )
    done_by = forms.CharField(label="Who did it", max_length=200, error_messages={"required": "Enter who did it"})
    done_on = GovukDateField(label="Date", max_today=True, error_messages={"required": "Enter the date"})
    outcome = forms.CharField(
        label="Outcome",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20_000,
        error_messages={"required": "Enter the outcome"},
    )


class NotificationMadeForm(_MomentMixin, GovukForm):
    notified_on = GovukDateField(
        label="Date the local authority was told",
        max_today=True,
        error_messages={"required": "Enter the date the local authority was told"},
    )
    notified_time = forms.CharField(label="Time", required=False, max_length=8, help_text="For example, 14:30")
    notified_by = forms.CharField(
        label="Who told the local authority",
        max_length=200,
        error_messages={"required": "Enter who notified the local authority"},
    )
    method = forms.ChoiceField(
        label="How",
        choices=NotificationMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the local authority was notified"},
    )
    reference = forms.CharField(label="Reference (if given)", max_length=100, required=False)
    late_reason = forms.CharField(
        label="If late, why", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.moment("notified_on", "notified_time", "notified_at", "it was made")
        return data


class ArrangementsForm(GovukForm):
    safeguarding_governor = PersonChoiceField(
        label="Safeguarding governor", queryset=User.objects.none(), required=False
    )
    chair_of_governors = PersonChoiceField(
        label="Chair of governors",
        queryset=User.objects.none(),
        required=False,
        help_text="Allegations about the headteacher go to the chair",
    )
    policy_adopted_on = GovukDateField(label="Child protection policy adopted", required=False)
    policy_review_on = GovukDateField(label="Policy to be reviewed", required=False)
    lado_phone = forms.CharField(label="LADO phone number", max_length=30, required=False)
    hub_phone = forms.CharField(label="Children and Families Hub phone number", max_length=30, required=False)

    def __init__(self, *args: Any, governors: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["safeguarding_governor"].queryset = governors  # type: ignore[attr-defined]
        self.fields["chair_of_governors"].queryset = governors  # type: ignore[attr-defined]


class AllegationForm(_MomentMixin, GovukForm):
    school: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="School", queryset=Organisation.objects.none(), error_messages={"required": "Choose the school"}
    )
    about_name = forms.CharField(
        label="Who is the allegation about",
        max_length=200,
        error_messages={"required": "Enter the name of the person the allegation is about"},
    )
    about_user = PersonChoiceField(
        label="Their staff account (if they have one)", queryset=User.objects.none(), required=False
    )
    about_role = forms.CharField(label="Their role", max_length=200, required=False)
    concerns_head = forms.BooleanField(label="The allegation is about the headteacher", required=False)
    what = forms.CharField(
        label="What is alleged",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20_000,
        error_messages={"required": "Enter what is alleged"},
    )
    occurred_on = GovukDateField(label="Date of the incident (if known)", required=False, max_today=True)
    reported_by = forms.CharField(
        label="Who reported it", max_length=200, error_messages={"required": "Enter who reported the allegation"}
    )
    received_on = GovukDateField(
        label="Date received", max_today=True, error_messages={"required": "Enter the date the allegation was received"}
    )
    received_time = forms.CharField(label="Time received", required=False, max_length=8, help_text="For example, 09:15")

    def __init__(self, *args: Any, schools: list[Any], staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = Organisation.objects.filter(pk__in=[s.pk for s in schools])  # type: ignore[attr-defined]
        self.fields["about_user"].queryset = staff  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.moment("received_on", "received_time", "received_at", "it was received")
        return data


class LadoForm(_MomentMixin, GovukForm):
    informed_on = GovukDateField(
        label="Date the LADO was told", max_today=True, error_messages={"required": "Enter the date the LADO was told"}
    )
    informed_time = forms.CharField(label="Time", required=False, max_length=8, help_text="For example, 10:00")
    lado_name = forms.CharField(
        label="Name of the LADO", max_length=200, error_messages={"required": "Enter the name of the LADO you spoke to"}
    )
    reference = forms.CharField(label="LADO reference", max_length=100, required=False)
    late_reason = forms.CharField(
        label="If after one working day, why", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.moment("informed_on", "informed_time", "informed_at", "the LADO was told")
        return data


class EntryForm(GovukForm):
    kind = forms.ChoiceField(
        label="Type",
        choices=AllegationEntryKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose advice, action or note"},
    )
    text = forms.CharField(
        label="Details",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20_000,
        error_messages={"required": "Enter the advice, action or note"},
    )


class ParticipantForm(GovukForm):
    user = PersonChoiceField(
        label="Person to name",
        queryset=User.objects.none(),
        error_messages={"required": "Choose the person to name", "invalid_choice": "Choose someone from the list"},
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people  # type: ignore[attr-defined]


class OutcomeForm(GovukForm):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=AllegationOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the outcome"},
    )
    outcome_on = GovukDateField(
        label="Date of the outcome", max_today=True, error_messages={"required": "Enter the date of the outcome"}
    )
    note = forms.CharField(label="Notes", required=False, max_length=20_000, widget=forms.Textarea(attrs={"rows": 4}))


class TrainingForm(GovukForm):
    person = PersonChoiceField(
        label="Member of staff or governor",
        queryset=User.objects.none(),
        error_messages={"required": "Choose who did the training", "invalid_choice": "Choose someone from the list"},
    )
    course = forms.CharField(
        label="Course", max_length=200, error_messages={"required": "Enter the name of the course"}
    )
    level = forms.ChoiceField(
        label="Level",
        choices=TrainingLevel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the level of the training"},
    )
    completed_on = GovukDateField(
        label="Date completed", max_today=True, error_messages={"required": "Enter the date the training was completed"}
    )

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = members  # type: ignore[attr-defined]
