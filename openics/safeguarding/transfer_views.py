"""Pages for the transfer of child protection files.  Thin: parse, access,
action, render.  Access is `transfers.access_transfer` / `access_request` /
`sending_school_for`: the DSLs and deputies of the schools involved only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from openics.core import audit
from openics.core.models import Enrolment, Organisation, Person, User
from openics.core.reauth import recent_authentication_required
from openics.web.forms import GovukDateField, GovukForm

from . import transfers
from .access import lead_school_ids
from .forms import apply_errors
from .models import FileRequestAnswer, TransferMethod

LIST_LIMIT = 200


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


# ---------------------------------------------------------------- forms


class StartTransferForm(GovukForm):
    to_school = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label="Receiving school on OpenICS",
        empty_label="Not on OpenICS",
        error_messages={"invalid_choice": "Select a school from the list"},
    )
    to_school_name = forms.CharField(
        required=False,
        max_length=200,
        label="Or, the name and town of a school not on OpenICS",
        help_text="The file will be offered as a sealed export package to send.",
    )
    left_on = GovukDateField(
        label="Date the pupil left or leaves", error_messages={"required": "Enter the date the pupil left or leaves"}
    )
    note = forms.CharField(
        required=False,
        max_length=2000,
        label="Note to the receiving DSL (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, from_school: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_school"].queryset = transfers.receiving_schools(exclude=from_school.pk)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("to_school") and not data.get("to_school_name") and "to_school" not in self.errors:
            self.add_error("to_school", "Select the receiving school, or enter the name of a school not on OpenICS")
        return data


class PackageReceiptForm(GovukForm):
    received_by_name = forms.CharField(
        max_length=200,
        label="Who at the receiving school confirmed receipt",
        error_messages={"required": "Enter who at the receiving school confirmed receipt"},
    )
    received_on = GovukDateField(
        label="Date receipt was confirmed",
        max_today=True,
        error_messages={"required": "Enter when receipt was confirmed"},
    )
    received_how = forms.CharField(
        max_length=200,
        label="How receipt was confirmed",
        help_text="For example, a signed receipt slip returned, or an email from their DSL.",
        error_messages={"required": "Enter how receipt was confirmed (for example, signed slip or email)"},
    )


class RequestForm(GovukForm):
    child = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        label="Pupil",
        error_messages={"required": "Select the pupil", "invalid_choice": "Select a pupil on your school's roll"},
    )
    previous_school = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label="Previous school on OpenICS",
        empty_label="Not on OpenICS",
        error_messages={"invalid_choice": "Select a school from the list"},
    )
    previous_school_name = forms.CharField(
        required=False, max_length=200, label="Or, the name and town of a previous school not on OpenICS"
    )
    joined_on = GovukDateField(
        label="Date the pupil joined", max_today=True, error_messages={"required": "Enter the date the pupil joined"}
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = joiners(user)  # type: ignore[attr-defined]
        self.fields["previous_school"].queryset = transfers.receiving_schools()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            not data.get("previous_school")
            and not data.get("previous_school_name")
            and "previous_school" not in self.errors
        ):
            self.add_error("previous_school", "Select the previous school, or enter its name if it is not on OpenICS")
        return data


class AnswerForm(GovukForm):
    answer = forms.ChoiceField(
        choices=FileRequestAnswer.choices,
        widget=forms.RadioSelect,
        label="Answer",
        error_messages={"required": "Select file sent or no file held"},
    )
    note = forms.CharField(required=False, max_length=500, label="Note (optional)")


def joiners(user: User) -> Any:
    """Pupils on the current roll of the schools where the user is DSL or deputy."""
    today = timezone.localdate()
    current = Enrolment.objects.filter(school_id__in=lead_school_ids(user), started_on__lte=today).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=today)
    )
    return Person.objects.filter(is_child=True, pk__in=current.values("child_id")).order_by(
        "last_name", "first_name", "pk"
    )


def _lead_school(user: User, child: Person) -> Organisation | None:
    today = timezone.localdate()
    school_id = (
        Enrolment.objects.filter(child=child, school_id__in=lead_school_ids(user), started_on__lte=today)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
        .order_by("school_id")
        .values_list("school_id", flat=True)
        .first()
    )
    return Organisation.objects.get(pk=school_id) if school_id else None


# ---------------------------------------------------------------- pages


@login_required
def transfer_list(request: HttpRequest) -> HttpResponse:
    """Outgoing and incoming transfers, with overdue flags, and requests."""
    user = _user(request)
    schools = lead_school_ids(user)
    if not schools:
        raise Http404
    base = transfers.transfers_for(user).select_related("child", "from_school", "to_school")
    outgoing = list(base.filter(from_school_id__in=schools)[:LIST_LIMIT])
    incoming = list(base.filter(to_school_id__in=schools)[:LIST_LIMIT])
    reqs = list(transfers.requests_for(user).select_related("child", "school", "previous_school")[:LIST_LIMIT])
    audit.record_many(
        "list_hit",
        user=user,
        child_ids=sorted({t.child_id for t in outgoing + incoming} | {r.child_id for r in reqs}),
        detail={"page": "cp_file_transfers"},
    )
    return render(
        request,
        "safeguarding/transfer_list.html",
        {
            "outgoing": outgoing,
            "incoming": incoming,
            "requests_made": [r for r in reqs if r.school_id in schools],
            "requests_received": [r for r in reqs if r.previous_school_id in schools],
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def transfer_start(request: HttpRequest, child_id: int) -> HttpResponse:
    user = _user(request)
    child, school = transfers.sending_school_for(user, child_id)
    form = StartTransferForm(request.POST if request.method == "POST" else None, from_school=school)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            transfer = transfers.do_start_transfer(
                child,
                actor=user,
                from_school=school,
                to_school=data.get("to_school"),
                to_school_name=data.get("to_school_name", ""),
                left_on=data.get("left_on"),
                note=data.get("note", ""),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if transfer.method == TransferMethod.OPENICS:
                messages.success(request, "File sent. The receiving school's DSL has been alerted.")
            else:
                messages.success(request, "Transfer started. Download the export package and send it securely.")
            return redirect("transfer-detail", transfer_id=transfer.pk)
    open_transfer = transfers.transfers_for(user).filter(child=child, from_school=school).open().first()
    context = {
        "form": form,
        "pupil": child,
        "school": school,
        "open_transfer": open_transfer,
        "concern_count": transfers.file_concerns(child, school.pk).count(),
    }
    return render(request, "safeguarding/transfer_start.html", context, status=400 if form.errors else 200)


def _detail(
    request: HttpRequest, transfer: Any, *, receipt_form: PackageReceiptForm | None = None, status: int = 200
) -> HttpResponse:
    user = _user(request)
    schools = lead_school_ids(user)
    is_sender = transfer.from_school_id in schools
    is_receiver = transfer.to_school_id in schools
    destruction = getattr(transfer, "destruction", None) if transfer.destroyed_at else None
    return render(
        request,
        "safeguarding/transfer_detail.html",
        {
            "transfer": transfer,
            "is_sender": is_sender,
            "is_receiver": is_receiver,
            "destruction": destruction,
            "receipt_form": receipt_form or PackageReceiptForm(),
            "can_confirm": is_receiver and transfer.method == TransferMethod.OPENICS and transfer.received_at is None,
            "can_record_receipt": is_sender
            and transfer.method == TransferMethod.PACKAGE
            and transfer.received_at is None,
        },
        status=status,
    )


@login_required
def transfer_detail(request: HttpRequest, transfer_id: int) -> HttpResponse:
    user = _user(request)
    transfer = transfers.access_transfer(user, transfer_id)
    audit.record("view", user=user, obj=transfer, child_id=transfer.child_id)
    return _detail(request, transfer)


@login_required
@require_POST
def transfer_confirm(request: HttpRequest, transfer_id: int) -> HttpResponse:
    user = _user(request)
    transfer = transfers.access_transfer(user, transfer_id)
    try:
        transfers.do_confirm_receipt(transfer, actor=user)
    except transfers.TransferRefused as refusal:
        return render(request, "safeguarding/transfer_refused.html", {"message": refusal.message}, status=403)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("transfer-detail", transfer_id=transfer.pk)
    messages.success(request, "Receipt confirmed. The file is now held by your school; the sender's copy is destroyed.")
    return redirect("transfer-detail", transfer_id=transfer.pk)


@login_required
@require_POST
def transfer_receipt(request: HttpRequest, transfer_id: int) -> HttpResponse:
    user = _user(request)
    transfer = transfers.access_transfer(user, transfer_id)
    form = PackageReceiptForm(request.POST)
    if form.is_valid():
        day: dt.date = form.cleaned_data["received_on"]
        moment = timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))
        received_at = min(max(moment, transfer.started_at), timezone.now())
        try:
            transfers.do_record_package_receipt(
                transfer,
                actor=user,
                received_by_name=form.cleaned_data["received_by_name"],
                received_at=received_at,
                how=form.cleaned_data["received_how"],
            )
        except transfers.TransferRefused as refusal:
            return render(request, "safeguarding/transfer_refused.html", {"message": refusal.message}, status=403)
        except ValidationError as error:
            apply_errors(form, error, {"received_at": "received_on"})
        else:
            messages.success(request, "Receipt recorded. Your copy of the file has been destroyed.")
            return redirect("transfer-detail", transfer_id=transfer.pk)
    return _detail(request, transfer, receipt_form=form, status=400)


@login_required
@recent_authentication_required
def transfer_package(request: HttpRequest, transfer_id: int) -> HttpResponse:
    """The sealed export package (ZIP: PDF and JSON), for the sender only,
    until its copy is destroyed."""
    user = _user(request)
    transfer = transfers.access_transfer(user, transfer_id)
    if transfer.from_school_id not in lead_school_ids(user) or transfer.destroyed_at is not None:
        raise Http404
    data = transfers.package_bytes(transfer, user=user)
    transfers.do_mark_package_downloaded(transfer, actor=user)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="cp-file-transfer-{transfer.pk}.zip"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not lead_school_ids(user):
        raise Http404
    form = RequestForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        school = _lead_school(user, data["child"])
        if school is None:
            raise Http404
        try:
            transfers.do_request_file(
                data["child"],
                actor=user,
                school=school,
                previous_school=data.get("previous_school"),
                previous_school_name=data.get("previous_school_name", ""),
                joined_on=data.get("joined_on"),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Request recorded.")
            return redirect("transfer-list")
    return render(request, "safeguarding/transfer_request.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_POST
def request_remind(request: HttpRequest, request_id: int) -> HttpResponse:
    user = _user(request)
    req = transfers.access_request(user, request_id)
    try:
        transfers.do_remind_request(req, actor=user)
    except transfers.TransferRefused as refusal:
        return render(request, "safeguarding/transfer_refused.html", {"message": refusal.message}, status=403)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Reminder sent.")
    return redirect("transfer-list")


@login_required
@require_http_methods(["GET", "POST"])
def request_answer(request: HttpRequest, request_id: int) -> HttpResponse:
    user = _user(request)
    req = transfers.access_request(user, request_id)
    form = AnswerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            transfers.do_answer_request(
                req, actor=user, answer=form.cleaned_data["answer"], note=form.cleaned_data["note"]
            )
        except transfers.TransferRefused as refusal:
            return render(request, "safeguarding/transfer_refused.html", {"message": refusal.message}, status=403)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Answer recorded.")
            return redirect("transfer-list")
    return render(
        request, "safeguarding/transfer_answer.html", {"form": form, "req": req}, status=400 if form.errors else 200
    )
