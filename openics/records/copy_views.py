"""Pages for a record's PDF and its copies for the carers.  Thin: parse,
access (the record page's own chokepoint), action, render."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from openics.core import audit
from openics.core.reauth import recent_authentication_required
from openics.core.views import child_context
from openics.meetings.models import DeliveryMethod
from openics.web.forms import GovukForm

from . import actions, copies
from .pdf import pdf_filename, render_record_pdf
from .views import _record, _refused, _user

OTHER = "other"
WITHHELD = "withheld"
METHOD_CHOICES = [
    (DeliveryMethod.EMAIL.value, _("By email, with the record attached as a PDF")),
    (DeliveryMethod.POST.value, _("By post")),
    (DeliveryMethod.HAND.value, _("By hand")),
    (WITHHELD, _("Withheld: this person does not get a copy")),
]


class RecordCopyForm(GovukForm):
    recipient = forms.ChoiceField(
        label=_("Who the copy is for"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose who the copy is for")},
    )
    other_name = forms.CharField(
        label=_("Name of someone else"),
        help_text=_("If the copy is for someone other than the carers listed, for example a residential key worker"),
        max_length=200,
        required=False,
    )
    method = forms.ChoiceField(
        label=_("How the copy is given"),
        choices=METHOD_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how the copy is given, or that it is withheld")},
    )
    address = forms.CharField(
        label=_("Email or postal address"),
        help_text=_("Needed for a copy sent by email or by post; left empty, the carer's address on record is used"),
        max_length=300,
        required=False,
    )
    withheld_reason = forms.CharField(
        label=_("Why the copy is withheld"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, carers: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.carers = {str(rel.pk): rel for rel in carers}
        choices = [
            (pk, f"{rel.person.full_name} ({rel.get_kind_display().lower()})") for pk, rel in self.carers.items()
        ]
        field = self.fields["recipient"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [*choices, (OTHER, _("Someone else"))]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("recipient") == OTHER and not (data.get("other_name") or "").strip():
            self.add_error("other_name", _("Enter the name of the person the copy is for"))
        return data


@login_required
@recent_authentication_required
def record_pdf(request: HttpRequest, record_id: int) -> HttpResponse:
    """Any case record as a printable PDF, marked OFFICIAL-SENSITIVE."""
    user = _user(request)
    record = _record(user, record_id)
    pdf = render_record_pdf(record, printed_by=user)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf_filename(record)}"'
    audit.record("export", user=user, obj=record, child_id=record.child_id, detail={"format": "pdf"})
    return response


@login_required
@require_http_methods(["GET", "POST"])
def record_copies(request: HttpRequest, record_id: int) -> HttpResponse:
    """Copies of a record for the carers: who got one, when, how; record another.
    Readers see the list; those who may write the record's part record copies."""
    user = _user(request)
    record = _record(user, record_id, for_write=request.method == "POST")
    carers = copies.current_carers(record.child)
    form = RecordCopyForm(request.POST if request.method == "POST" else None, carers=carers)
    if request.method == "POST":
        if not record.is_locked:
            # Refuse before validating: a draft can only fail.
            try:
                copies.check_copyable(record)
            except actions.RecordRefused as refusal:
                return _refused(request, record, refusal)
        if form.is_valid():
            data = form.cleaned_data
            relationship = form.carers.get(data["recipient"])
            if relationship is not None:
                recipient = f"{relationship.person.full_name} ({relationship.get_kind_display().lower()})"
            else:
                recipient = data["other_name"].strip()
            withheld = data["method"] == WITHHELD
            try:
                copies.do_give_record_copy(
                    record,
                    actor=user,
                    recipient=recipient,
                    carer=relationship.person if relationship is not None else None,
                    method="" if withheld else data["method"],
                    address=data["address"],
                    withheld=withheld,
                    withheld_reason=data["withheld_reason"],
                )
            except actions.RecordRefused as refusal:
                return _refused(request, record, refusal)
            except ValidationError as error:
                for name, texts in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, texts[0])
            else:
                messages.success(request, _("Copy recorded"))
                return redirect("record-copies", record_id=record.pk)
    else:
        audit.record("view", user=user, obj=record, child_id=record.child_id, detail={"page": "copies"})
    context = child_context(request, record.child)
    context.update(
        {
            "record": record,
            "definition": record.definition,
            "rows": copies.copies_of(record),
            "form": form,
            "copyable": record.is_locked,
            "carers_need_copy": copies.carers_need_copy(record),
            "prompt": copies.PROMPT,
        }
    )
    return render(request, "records/copies.html", context, status=400 if form.errors else 200)
