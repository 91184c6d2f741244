"""GOV.UK forms for meetings.  Repeating rows (attendance, actions,
reports) are plain numbered fields with a few blank rows, so every page
works without JavaScript."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from openics.core.models import Person, User
from openics.web.forms import GovukDateField, GovukForm

from .models import (
    Attendance,
    ChildParticipation,
    DeliveryMethod,
    Meeting,
    MeetingKind,
    MeetingMode,
    Participant,
    ParticipantKind,
)

TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")
BLANK_ACTIONS = 3
BLANK_REPORTS = 2


def _time(text: str) -> dt.time | None:
    match = TIME.match(text.strip())
    if not match:
        return None
    hour, minute = int(match[1]), int(match[2])
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


def staff_choices() -> QuerySet[User]:
    return User.objects.filter(is_active=True).select_related("organisation").order_by("last_name", "first_name")


def siblings_for(user: User, child: Person) -> QuerySet[Person]:
    """Children related to `child` (either way round) whom `user` may see."""
    return (
        Person.objects.visible_to(user)
        .filter(is_child=True)
        .filter(Q(relationships__person=child) | Q(relationships_to_children__child=child))
        .exclude(pk=child.pk)
        .distinct()
        .order_by("last_name", "first_name")
    )


class StaffChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        org = f" ({obj.organisation})" if obj.organisation_id else ""
        return f"{obj}{org}"


class MeetingForm(GovukForm):
    kind = forms.ChoiceField(label="Kind of meeting", choices=[("", "Choose"), *list(MeetingKind.choices)])
    title = forms.CharField(label="Title (optional)", required=False, max_length=200)
    date = GovukDateField(label="Date", error_messages={"required": "Enter the date of the meeting"})
    start = forms.CharField(
        label="Start time",
        help_text="For example, 14:30",
        max_length=5,
        error_messages={"required": "Enter the start time"},
    )
    end = forms.CharField(
        label="End time",
        help_text="For example, 16:00",
        max_length=5,
        error_messages={"required": "Enter the end time"},
    )
    mode = forms.ChoiceField(
        label="How people will meet",
        choices=MeetingMode.choices,
        initial=MeetingMode.IN_PERSON,
        widget=forms.RadioSelect,
    )
    place = forms.CharField(
        label="Place, or the call's details",
        max_length=300,
        error_messages={"required": "Enter where the meeting is, or the call's details"},
    )
    chair = StaffChoiceField(
        label="Chair (optional)", queryset=User.objects.none(), required=False, empty_label="Not decided"
    )
    plan = forms.ModelChoiceField(
        label="Plan (optional)", queryset=Person.objects.none(), required=False, empty_label="None"
    )
    other_children = forms.ModelMultipleChoiceField(
        label="Brothers and sisters this meeting is also about",
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self, *args: Any, child: Person, user: User, parts: frozenset[str], editing: bool = False, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        from openics.plans.models import Plan

        self.fields["chair"].queryset = staff_choices()  # type: ignore[attr-defined]
        plan_field = self.fields["plan"]
        assert isinstance(plan_field, forms.ModelChoiceField)
        plan_field.queryset = Plan.objects.filter(child=child, part__in=parts).order_by("-created_at")
        plan_field.label_from_instance = lambda p: f"{p.title} ({p.get_status_display()})"  # type: ignore[method-assign,assignment]
        self.fields["kind"].choices = [("", "Choose")] + [  # type: ignore[attr-defined]
            (value, label) for value, label in MeetingKind.choices if _part(value) in parts
        ]
        others = self.fields["other_children"]
        assert isinstance(others, forms.ModelMultipleChoiceField)
        others.queryset = siblings_for(user, child)
        others.label_from_instance = lambda p: p.display_name  # type: ignore[method-assign,assignment]
        if editing:
            for name in ("kind", "plan", "other_children"):
                del self.fields[name]
        elif not others.queryset.exists():
            del self.fields["other_children"]
        if "kind" in self.fields:
            self.fields["kind"].error_messages["required"] = "Choose the kind of meeting"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day = data.get("date")
        start = _time(data.get("start") or "") if data.get("start") else None
        end = _time(data.get("end") or "") if data.get("end") else None
        if data.get("start") and start is None:
            self.add_error("start", "Enter the start time as hours and minutes, for example 14:30")
        if data.get("end") and end is None:
            self.add_error("end", "Enter the end time as hours and minutes, for example 16:00")
        if day and start and end:
            tz = timezone.get_current_timezone()
            data["starts_at"] = dt.datetime.combine(day, start, tzinfo=tz)
            data["ends_at"] = dt.datetime.combine(day, end, tzinfo=tz)
            if end <= start:
                self.add_error("end", "The meeting must end after it starts")
        return data


def _part(kind: str) -> str:
    from .models import KIND_PART

    return KIND_PART[kind]


class ParticipantForm(GovukForm):
    user = StaffChoiceField(
        label="Member of staff", queryset=User.objects.none(), required=False, empty_label="Not a member of staff"
    )
    name = forms.CharField(label="Name", help_text="If not a member of staff", required=False, max_length=200)
    email = forms.EmailField(
        label="Email address",
        required=False,
        help_text="Needed to send an invitation by email",
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )
    kind = forms.ChoiceField(
        label="Taking part as",
        choices=ParticipantKind.choices,
        widget=forms.RadioSelect,
        initial=ParticipantKind.PROFESSIONAL,
    )
    agency = forms.CharField(label="Agency", required=False, max_length=200)
    role = forms.CharField(label="Role", required=False, max_length=200)
    supporting = forms.ModelChoiceField(
        label="Supporting (for a supporter)", queryset=Participant.objects.none(), required=False, empty_label="No one"
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = staff_choices()  # type: ignore[attr-defined]
        supporting = self.fields["supporting"]
        assert isinstance(supporting, forms.ModelChoiceField)
        supporting.queryset = meeting.participants.filter(kind=ParticipantKind.PARENT_CARER)
        supporting.label_from_instance = lambda p: p.display_name  # type: ignore[method-assign,assignment]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("user") and not (data.get("name") or "").strip() and "name" not in self.errors:
            self.add_error("name", "Choose a member of staff or enter the person's name")
        if data.get("kind") == ParticipantKind.SUPPORTER and not data.get("supporting"):
            self.add_error("supporting", "Choose the parent or carer this person supports")
        return data


class InviteForm(GovukForm):
    participants = forms.ModelMultipleChoiceField(
        label="Who to invite",
        queryset=Participant.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose who to invite"},
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["participants"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = meeting.participants.select_related("user")

        def label(p: Participant) -> str:
            state = ""
            if not p.address:
                state = " (no email address)"
            elif p.invited_sequence is not None:
                state = " (invited)" if p.invited_sequence == meeting.sequence else " (invited before a change)"
            return f"{p.display_name}{state}"

        field.label_from_instance = label  # type: ignore[method-assign,assignment]


class CancelForm(GovukForm):
    reason = forms.CharField(
        label="Why is the meeting cancelled?",
        help_text="Kept on the record; not put in the cancellation email",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": "Enter why the meeting is cancelled"},
    )


class RecordForm(GovukForm):
    """Attendance, the child's participation, reports, minutes, decisions and actions."""

    child_participation = forms.ChoiceField(
        label="How did the child take part?",
        choices=[c for c in ChildParticipation.choices if c[0]],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the child took part"},
    )
    child_participation_note = forms.CharField(
        label="If not invited, why not; otherwise how the views were given",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
    )
    child_views = forms.CharField(
        label="The child's views", required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=50_000
    )
    minutes = forms.CharField(
        label="Minutes", required=False, widget=forms.Textarea(attrs={"rows": 8}), max_length=200_000
    )
    decisions = forms.CharField(
        label="Decisions", required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=50_000
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.participants = list(meeting.participants.select_related("user"))
        for p in self.participants:
            self.fields[f"attendance-{p.pk}"] = forms.ChoiceField(
                label=p.display_name,
                choices=Attendance.choices,
                required=False,
                initial=p.attendance,
                widget=forms.Select(attrs={"class": "govuk-select"}),
            )
        actions = list(meeting.actions.all())
        self.action_rows = len(actions) + BLANK_ACTIONS
        for i in range(self.action_rows):
            row = actions[i] if i < len(actions) else None
            self.fields[f"actions-{i}-what"] = forms.CharField(
                label="What", required=False, max_length=5000, initial=row.what if row else ""
            )
            self.fields[f"actions-{i}-who"] = forms.CharField(
                label="Who", required=False, max_length=200, initial=row.who if row else ""
            )
            self.fields[f"actions-{i}-due_on"] = GovukDateField(
                label="By when", required=False, initial=row.due_on if row else None
            )
        reports = list(meeting.reports.all())
        self.report_rows = len(reports) + BLANK_REPORTS
        for i in range(self.report_rows):
            rep = reports[i] if i < len(reports) else None
            self.fields[f"reports-{i}-agency"] = forms.CharField(
                label="Agency", required=False, max_length=200, initial=rep.agency if rep else ""
            )
            self.fields[f"reports-{i}-author"] = forms.CharField(
                label="Written by", required=False, max_length=200, initial=rep.author if rep else ""
            )
            self.fields[f"reports-{i}-submitted_on"] = GovukDateField(
                label="Submitted on", required=False, initial=rep.submitted_on if rep else None
            )
            self.fields[f"reports-{i}-summary"] = forms.CharField(
                label="Summary",
                required=False,
                max_length=50_000,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=rep.summary if rep else "",
            )
        self._apply_govuk_classes()

    def attendance_fields(self) -> list[Any]:
        return [self[f"attendance-{p.pk}"] for p in self.participants]

    def action_fields(self) -> list[list[Any]]:
        return [[self[f"actions-{i}-{n}"] for n in ("what", "who", "due_on")] for i in range(self.action_rows)]

    def report_fields(self) -> list[list[Any]]:
        return [
            [self[f"reports-{i}-{n}"] for n in ("agency", "author", "submitted_on", "summary")]
            for i in range(self.report_rows)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("child_participation") == ChildParticipation.NOT_INVITED
            and not (data.get("child_participation_note") or "").strip()
        ):
            self.add_error("child_participation_note", "Enter why the child was not invited")
        data["actions"] = []
        for i in range(self.action_rows):
            what = (data.get(f"actions-{i}-what") or "").strip()
            who = (data.get(f"actions-{i}-who") or "").strip()
            due = data.get(f"actions-{i}-due_on")
            if not (what or who or due):
                continue
            if not what:
                self.add_error(f"actions-{i}-what", f"Enter what action {i + 1} is")
            if not who:
                self.add_error(f"actions-{i}-who", f"Enter who will do action {i + 1}")
            data["actions"].append({"what": what, "who": who, "due_on": due})
        data["reports"] = []
        for i in range(self.report_rows):
            row = {n: data.get(f"reports-{i}-{n}") for n in ("agency", "author", "submitted_on", "summary")}
            if not any(row.values()):
                continue
            if not (row["agency"] or "").strip():
                self.add_error(f"reports-{i}-agency", f"Enter the agency that submitted report {i + 1}")
            data["reports"].append(row)
        data["attendance"] = {p.pk: data.get(f"attendance-{p.pk}") or "" for p in self.participants}
        return data


class SendRecordForm(GovukForm):
    """For each person on the list: send by email, withhold (with a reason), or neither."""

    language = forms.CharField(label="Language of the copy", max_length=60, required=False)

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.participants = list(meeting.participants.select_related("user"))
        for p in self.participants:
            default = "send" if p.attendance == Attendance.ATTENDED and p.address else "none"
            choices = [("none", "No copy now"), ("withhold", "Withhold a copy")]
            if p.address:
                choices.insert(0, ("send", "Email a copy"))
            self.fields[f"copy-{p.pk}"] = forms.ChoiceField(
                label=p.display_name, choices=choices, initial=default, widget=forms.RadioSelect
            )
            self.fields[f"reason-{p.pk}"] = forms.CharField(
                label=f"Why withhold {p.display_name}'s copy", required=False, max_length=5000
            )
        self._apply_govuk_classes()

    def rows(self) -> list[tuple[Participant, Any, Any]]:
        return [(p, self[f"copy-{p.pk}"], self[f"reason-{p.pk}"]) for p in self.participants]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["send_to"] = [p.pk for p in self.participants if data.get(f"copy-{p.pk}") == "send"]
        data["withhold"] = {}
        for p in self.participants:
            if data.get(f"copy-{p.pk}") == "withhold":
                reason = (data.get(f"reason-{p.pk}") or "").strip()
                if not reason:
                    self.add_error(f"reason-{p.pk}", f"Enter why {p.display_name}'s copy is withheld")
                data["withhold"][p.pk] = reason
        if not data["send_to"] and not data["withhold"] and not self.errors:
            self.add_error(None, "Choose who gets a copy of the record")
        return data


class DistributionForm(GovukForm):
    """A copy given by post or by hand, or withheld."""

    recipient = forms.CharField(
        label="Who the copy is for", max_length=200, error_messages={"required": "Enter who the copy is for"}
    )
    method = forms.ChoiceField(label="How", choices=[("", "Withheld"), *list(DeliveryMethod.choices)], required=False)
    address = forms.CharField(label="Address or email (optional)", max_length=300, required=False)
    language = forms.CharField(label="Language", max_length=60, initial="English", required=False)
    withheld = forms.BooleanField(label="The copy is withheld", required=False)
    withheld_reason = forms.CharField(
        label="Why the copy is withheld", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("withheld"):
            if not (data.get("withheld_reason") or "").strip():
                self.add_error("withheld_reason", "Enter why the copy is withheld")
        elif not data.get("method"):
            self.add_error("method", "Choose how the copy was given")
        return data
