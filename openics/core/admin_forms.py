"""Forms for administering organisations, teams and staff.

The rules themselves live in `admin_actions.validate_*`, so the pages and
the API refuse the same things with the same words; these forms parse the
request and show those messages against the right fields.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from openics.web.forms import GovukDateField, GovukForm

from . import admin_actions
from .codes import Nation
from .models import Organisation, OrganisationKind, Team
from .roles import Role


def _choice(queryset: Any, *, label: Any, required: bool, error: Any, **kwargs: Any) -> forms.ModelChoiceField:  # type: ignore[type-arg]
    """A select of rows whose every failure reads like the GOV.UK messages."""
    return forms.ModelChoiceField(
        queryset=queryset,
        label=label,
        required=required,
        error_messages={"required": error, "invalid_choice": error},
        **kwargs,
    )


class _ActionErrorsMixin:
    """Puts an action's `ValidationError` (keyed by field) on the form."""

    fields: dict[str, forms.Field]

    def add_action_errors(self, error: ValidationError) -> None:
        messages = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        for name, texts in messages.items():
            for text in texts:
                self.add_error(name if name in self.fields else None, text)  # type: ignore[attr-defined]


class OrganisationFilterForm(GovukForm):
    q = forms.CharField(label=_("Name, URN or code"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("Any kind")), *OrganisationKind.choices])


class OrganisationForm(_ActionErrorsMixin, GovukForm):
    name = forms.CharField(label=_("Name"), max_length=200, error_messages={"required": _("Enter the name")})
    kind = forms.ChoiceField(
        label=_("Kind of organisation"),
        choices=OrganisationKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the kind of organisation"), "invalid_choice": _("Select the kind")},
    )
    nation = forms.ChoiceField(
        label=_("Nation"),
        choices=Nation.choices,
        initial=Nation.ENGLAND,
        error_messages={"invalid_choice": _("Select the nation")},
    )
    dfe_la_code = forms.CharField(
        label=_("DfE local authority code"),
        required=False,
        max_length=10,
        help_text=_("Local authorities only: 3 digits, like 881"),
    )
    ons_code = forms.CharField(
        label=_("ONS code"), required=False, max_length=20, help_text=_("Local authorities only, like E10000012")
    )
    urn = forms.CharField(
        label=_("URN"), required=False, max_length=20, help_text=_("Schools only: the 6-digit unique reference number")
    )
    local_authority = _choice(
        Organisation.objects.filter(kind=OrganisationKind.LOCAL_AUTHORITY),
        label=_("Local authority it belongs to (optional)"),
        required=False,
        error=_("Select a local authority from the list"),
    )
    email = forms.EmailField(
        label=_("Email address (optional)"),
        required=False,
        error_messages={"invalid": _("Enter an email address in the correct format, like name@example.org")},
    )
    phone = forms.CharField(label=_("Phone (optional)"), required=False, max_length=30)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, instance: Organisation | None = None, **kwargs: Any) -> None:
        self.instance = instance
        super().__init__(*args, **kwargs)
        if instance is None:
            # A new organisation is active; an unticked box must not say otherwise.
            del self.fields["active"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            data.update(admin_actions.validate_organisation(data, instance=self.instance))
        except ValidationError as error:
            self.add_action_errors(error)
        return data


class TeamForm(_ActionErrorsMixin, GovukForm):
    organisation = _choice(
        Organisation.objects.all(), label=_("Organisation"), required=True, error=_("Select the organisation")
    )
    name = forms.CharField(
        label=_("Team name"), max_length=200, error_messages={"required": _("Enter the team's name")}
    )
    parent = _choice(
        Team.objects.select_related("organisation"),
        label=_("Inside which team (optional)"),
        required=False,
        error=_("Select a parent team from the list"),
        help_text=_("Managers of a team see the work of every team inside it"),
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, instance: Team | None = None, **kwargs: Any) -> None:
        self.instance = instance
        super().__init__(*args, **kwargs)
        if instance is None:
            del self.fields["active"]
        else:
            self.fields["parent"].queryset = Team.objects.exclude(pk=instance.pk)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            admin_actions.validate_team(data, instance=self.instance)
        except ValidationError as error:
            self.add_action_errors(error)
        return data


class StaffFilterForm(GovukForm):
    q = forms.CharField(label=_("Name or username"), required=False, max_length=100)
    organisation = _choice(
        Organisation.objects.all(), label=_("Organisation"), required=False, error=_("Select an organisation")
    )
    team = _choice(Team.objects.all(), label=_("Team"), required=False, error=_("Select a team"))
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("Any role")), *Role.choices])
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Active and inactive")), ("active", _("Active")), ("inactive", _("Inactive"))],
    )


class StaffForm(_ActionErrorsMixin, GovukForm):
    username = forms.CharField(label=_("Username"), max_length=150, error_messages={"required": _("Enter a username")})
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(
        label=_("Last name"), max_length=150, error_messages={"required": _("Enter the last name")}
    )
    email = forms.EmailField(
        label=_("Email address"),
        error_messages={
            "required": _("Enter an email address"),
            "invalid": _("Enter an email address in the correct format, like name@example.org"),
        },
    )
    organisation = _choice(
        Organisation.objects.all(), label=_("Organisation"), required=True, error=_("Select the person's organisation")
    )
    job_title = forms.CharField(label=_("Job title (optional)"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone (optional)"), max_length=30, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class NewStaffForm(StaffForm):
    """A new account: the details, a first role, and optionally a temporary password."""

    role = forms.ChoiceField(
        label=_("First role (optional)"), required=False, choices=[("", _("No role yet")), *Role.choices]
    )
    team = _choice(
        Team.objects.select_related("organisation"),
        label=_("Team (for social care roles)"),
        required=False,
        error=_("Select a team from the list"),
    )
    temporary_password = forms.CharField(
        label=_("Temporary password (optional)"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters. Give it to the person by a separate, secure route."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("role") and "organisation" in data:
            try:
                admin_actions.validate_role(role=data["role"], organisation=data["organisation"], team=data.get("team"))
            except ValidationError as error:
                self.add_action_errors(error)
        return data


class RoleForm(_ActionErrorsMixin, GovukForm):
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[("", _("Select a role")), *Role.choices],
        error_messages={"required": _("Select a role"), "invalid_choice": _("Select a role")},
    )
    organisation = _choice(
        Organisation.objects.all(), label=_("Organisation"), required=True, error=_("Select the organisation")
    )
    team = _choice(
        Team.objects.select_related("organisation"),
        label=_("Team (for social care roles)"),
        required=False,
        error=_("Select a team from the list"),
    )
    started_on = GovukDateField(label=_("Start date"), required=False, help_text=_("Leave blank for today"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            admin_actions.validate_role(role=data["role"], organisation=data["organisation"], team=data.get("team"))
        except ValidationError as error:
            self.add_action_errors(error)
        return data


class PasswordForm(GovukForm):
    password = forms.CharField(
        label=_("Temporary password"),
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters"),
        error_messages={"required": _("Enter a temporary password")},
    )
