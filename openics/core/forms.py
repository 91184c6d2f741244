"""Forms for the core record: people, relationships, involvement, chronology."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from openics.web.forms import GovukDateField, GovukForm

from .codes import Disability, Ethnicity, Religion, Sex, UPNUnknownReason
from .models import InvolvementKind, Organisation, RelationshipKind, RestrictionCategory, Significance, Team, User
from .validators import (
    normalise_nhs_number,
    normalise_postcode,
    normalise_upn,
    validate_nhs_number,
    validate_postcode,
    validate_upn,
)


class SignInForm(GovukForm):
    username = forms.CharField(
        label=_("Username"), max_length=150, error_messages={"required": _("Enter your username")}
    )
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput, error_messages={"required": _("Enter your password")}
    )


class MFAForm(GovukForm):
    token = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        error_messages={"required": _("Enter the 6-digit code from your authenticator app")},
    )


class ConfirmIdentityForm(GovukForm):
    password = forms.CharField(
        label=_("Your password"),
        max_length=200,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your password")},
    )

    def __init__(self, *args: Any, with_code: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if with_code:
            self.fields["token"] = MFAForm.base_fields["token"]


class FindChildForm(GovukForm):
    q = forms.CharField(
        label=_("Name"), required=False, max_length=100, help_text=_("Part of a first, last or known-as name")
    )
    date_of_birth = GovukDateField(label=_("Date of birth"), required=False)
    identifier = forms.CharField(label=_("LA child ID, UPN or NHS number"), required=False, max_length=20)
    postcode = forms.CharField(label=_("Postcode"), required=False, max_length=10)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(data.get(k) for k in ("q", "date_of_birth", "identifier", "postcode")) and not self.errors:
            raise forms.ValidationError(_("Enter a name, date of birth, identifier or postcode"))
        return data


class PersonForm(GovukForm):
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(
        label=_("Last name"), max_length=100, error_messages={"required": _("Enter the last name")}
    )
    known_as = forms.CharField(label=_("Known as"), max_length=100, required=False)
    date_of_birth = GovukDateField(
        label=_("Date of birth"), required=False, max_today=True, help_text=_("For example, 27 3 2015")
    )
    expected_date_of_birth = GovukDateField(
        label=_("Expected date of birth"), required=False, help_text=_("For an unborn child")
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN, widget=forms.RadioSelect)
    gender = forms.CharField(label=_("Gender identity (optional)"), max_length=60, required=False)
    ethnicity = forms.ChoiceField(label=_("Ethnicity"), choices=Ethnicity.choices, initial=Ethnicity.NOBT)
    first_language = forms.CharField(label=_("First language"), max_length=60, required=False, initial="English")
    interpreter_needed = forms.BooleanField(label=_("Needs an interpreter"), required=False)
    religion = forms.ChoiceField(label=_("Religion"), choices=Religion.choices, initial=Religion.UNKNOWN)
    disabilities = forms.MultipleChoiceField(
        label=_("Disabilities"), choices=Disability.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    la_child_id = forms.CharField(label=_("LA child ID"), max_length=20, required=False)
    upn = forms.CharField(label=_("UPN"), max_length=16, required=False, help_text=_("13 characters"))
    upn_unknown_reason = forms.ChoiceField(
        label=_("Reason the UPN is not known"), choices=[("", "—"), *UPNUnknownReason.choices], required=False
    )
    nhs_number = forms.CharField(label=_("NHS number"), max_length=14, required=False, help_text=_("10 digits"))
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("Email"), required=False)

    def clean_upn(self) -> str:
        value = normalise_upn(self.cleaned_data.get("upn", ""))
        if value:
            validate_upn(value)
        return value

    def clean_nhs_number(self) -> str:
        value = normalise_nhs_number(self.cleaned_data.get("nhs_number", ""))
        if value:
            validate_nhs_number(value)
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("upn") and data.get("upn_unknown_reason"):
            self.add_error("upn_unknown_reason", _("Leave the reason blank when the UPN is known"))
        dob, edd = data.get("date_of_birth"), data.get("expected_date_of_birth")
        if dob and edd:
            self.add_error("expected_date_of_birth", _("Enter a date of birth or an expected date of birth, not both"))
        return data


class AddressForm(GovukForm):
    line1 = forms.CharField(
        label=_("Address line 1"), max_length=200, error_messages={"required": _("Enter address line 1")}
    )
    line2 = forms.CharField(label=_("Address line 2 (optional)"), max_length=200, required=False)
    town = forms.CharField(
        label=_("Town or city"), max_length=100, error_messages={"required": _("Enter the town or city")}
    )
    postcode = forms.CharField(label=_("Postcode"), max_length=10, error_messages={"required": _("Enter the postcode")})
    moved_in = GovukDateField(label=_("Moved in"), required=False)
    confidential = forms.BooleanField(
        label=_("Keep this address confidential"),
        required=False,
        help_text=_("For example a refuge. Pages then show only “Confidential address”."),
    )

    def clean_postcode(self) -> str:
        value = normalise_postcode(self.cleaned_data.get("postcode", ""))
        validate_postcode(value)
        return value


class ChronologyEntryForm(GovukForm):
    occurred_on = GovukDateField(
        label=_("Date"), max_today=True, error_messages={"required": _("Enter the date it happened")}
    )
    summary = forms.CharField(
        label=_("What happened"), max_length=300, error_messages={"required": _("Enter what happened")}
    )
    detail = forms.CharField(
        label=_("More detail (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    source = forms.CharField(
        label=_("Source"), max_length=200, required=False, help_text=_("Who told us, or where it is recorded")
    )
    significance = forms.ChoiceField(
        label=_("Significance"), choices=Significance.choices, initial=Significance.ROUTINE, widget=forms.RadioSelect
    )


class ChronologyFilterForm(GovukForm):
    kind = forms.ChoiceField(label=_("Type"), required=False)
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Organisation.objects.none(), required=False)
    date_from = GovukDateField(label=_("From"), required=False)
    date_to = GovukDateField(label=_("To"), required=False)
    significance = forms.ChoiceField(
        label=_("Significance"), required=False, choices=[("", _("Any")), *Significance.choices]
    )

    def __init__(self, *args: Any, kinds: list[tuple[str, str]], agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Any")), *kinds]  # type: ignore[attr-defined]
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]


class RelationshipForm(GovukForm):
    kind = forms.ChoiceField(label=_("Relationship to the child"), choices=RelationshipKind.choices)
    parental_responsibility = forms.BooleanField(label=_("Has parental responsibility"), required=False)
    lives_with_child = forms.BooleanField(label=_("Lives with the child"), required=False)
    emergency_contact_order = forms.IntegerField(
        label=_("Emergency contact order (optional)"),
        min_value=1,
        max_value=9,
        required=False,
        help_text=_("1 is called first"),
    )


class AllocationForm(GovukForm):
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.filter(active=True), error_messages={"required": _("Select the team")}
    )
    worker = forms.ModelChoiceField(
        label=_("Worker (optional)"), queryset=User.objects.filter(is_active=True), required=False
    )


class InvolvementForm(GovukForm):
    kind = forms.ChoiceField(
        label=_("Involvement"), choices=[c for c in InvolvementKind.choices if c[0] != InvolvementKind.ALLOCATED]
    )
    organisation = forms.ModelChoiceField(
        label=_("Agency"),
        queryset=Organisation.objects.filter(active=True),
        error_messages={"required": _("Select the agency")},
    )
    worker = forms.ModelChoiceField(
        label=_("Worker (optional)"), queryset=User.objects.filter(is_active=True), required=False
    )
    started_on = GovukDateField(label=_("Since"), required=False)
    notes = forms.CharField(label=_("Notes (optional)"), max_length=300, required=False)


class ChildPersonForm(PersonForm):
    """A child or unborn child: a date of birth or an expected one is needed,
    so the record can be matched and its timescales counted."""

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.errors and not data.get("date_of_birth") and not data.get("expected_date_of_birth"):
            self.add_error(
                "date_of_birth", _("Enter the date of birth, or the expected date of birth for an unborn child")
            )
        return data


class EditPersonForm(PersonForm):
    """The person's details, with the version the edit started from."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    date_of_death = GovukDateField(label=_("Date of death (if they have died)"), required=False, max_today=True)


class EditAdultForm(EditPersonForm):
    """An adult's details: the child identifiers and the expected date of
    birth are for children only."""

    CHILD_ONLY = ("expected_date_of_birth", "la_child_id", "upn", "upn_unknown_reason")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.CHILD_ONLY:
            del self.fields[name]


class PreviousNameForm(GovukForm):
    first_name = forms.CharField(label=_("Previous first name (optional)"), max_length=100, required=False)
    last_name = forms.CharField(
        label=_("Previous last name"), max_length=100, error_messages={"required": _("Enter the previous last name")}
    )
    used_until = GovukDateField(
        label=_("Date they stopped using it"),
        required=False,
        max_today=True,
        help_text=_("Optional. For example, 27 3 2020"),
    )


class NewAdultForm(GovukForm):
    """A new adult in the child's life, added from the relationship page."""

    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    date_of_birth = GovukDateField(label=_("Date of birth (optional)"), required=False, max_today=True)
    phone = forms.CharField(label=_("Phone (optional)"), max_length=30, required=False)
    email = forms.EmailField(label=_("Email (optional)"), required=False)


class EndForm(GovukForm):
    ended_on = GovukDateField(label=_("End date"), required=False, help_text=_("Leave blank for today"))


class MergeForm(GovukForm):
    duplicate = forms.IntegerField(
        label=_("Record number of the duplicate"),
        min_value=1,
        help_text=_("Shown in the address bar of the duplicate record, for example 1042"),
        error_messages={
            "required": _("Enter the record number of the duplicate"),
            "invalid": _("Enter the record number as digits"),
        },
    )
    reason = forms.CharField(
        label=_("Why these are the same person"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Enter why these records are the same person")},
    )


class ReasonForm(GovukForm):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Enter the reason")},
    )


class RestrictionForm(GovukForm):
    category = forms.ChoiceField(
        label=_("Why the record is restricted"),
        choices=RestrictionCategory.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select why the record is restricted")},
    )
    review_on = GovukDateField(
        label=_("Review the restriction by"), error_messages={"required": _("Enter the review date")}
    )
    allow = forms.ModelMultipleChoiceField(
        label=_("Who else may see the record"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("You stay on the list yourself"),
    )

    def __init__(self, *args: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["allow"].queryset = staff  # type: ignore[attr-defined]

    def clean_review_on(self) -> Any:
        from django.utils import timezone

        value = self.cleaned_data.get("review_on")
        if value and value <= timezone.localdate():
            raise forms.ValidationError(_("The review date must be in the future"))
        return value


class BreakGlassForm(GovukForm):
    reason = forms.CharField(
        label=_("Why you need emergency access now"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Your managers are told at once and will review this."),
        error_messages={"required": _("Enter why you need emergency access")},
    )


class RevealAddressForm(GovukForm):
    reason = forms.CharField(
        label=_("Why you need this address"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: a home visit today. Your name, the time and this reason are recorded."),
        error_messages={"required": _("Enter why you need this address")},
    )


class BreakGlassReviewForm(GovukForm):
    note = forms.CharField(
        label=_("Review note"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Enter a review note")},
    )
