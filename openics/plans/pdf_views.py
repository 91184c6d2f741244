"""Pages for the family copy of a plan: the PDF, and the copies given or withheld."""

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

from . import actions
from .pdf import LANGUAGES, copies_of, do_give_copy, pdf_filename, preferred_language, render_plan_pdf
from .views import _refused, _user, _version

WITHHELD = "withheld"
METHOD_CHOICES = [
    (DeliveryMethod.EMAIL.value, _("By email, with the plan attached")),
    (DeliveryMethod.POST.value, _("By post")),
    (DeliveryMethod.HAND.value, _("By hand")),
    (WITHHELD, _("Withheld: the family does not get a copy")),
]


class CopyForm(GovukForm):
    recipient = forms.CharField(
        label=_("Who the copy is for"),
        help_text=_("For example, the child's mother, or the young person"),
        max_length=200,
        error_messages={"required": _("Enter who the copy is for")},
    )
    language = forms.ChoiceField(label=_("Language of the copy"), choices=list(LANGUAGES.items()))
    method = forms.ChoiceField(
        label=_("How the copy is given"),
        choices=METHOD_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how the copy is given, or that it is withheld")},
    )
    address = forms.CharField(
        label=_("Email or postal address"),
        help_text=_("Needed for a copy sent by email or by post"),
        max_length=300,
        required=False,
    )
    withheld_reason = forms.CharField(
        label=_("Why the copy is withheld"),
        help_text=_("For example, a copy would put the child at risk"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _language(request: HttpRequest, child: Any) -> str:
    chosen = request.GET.get("lang", "")
    return chosen if chosen in LANGUAGES else preferred_language(child)


@login_required
@recent_authentication_required
def version_pdf(request: HttpRequest, version_id: int) -> HttpResponse:
    """The family copy of an agreed version as a PDF, in the chosen language."""
    user = _user(request)
    version = _version(user, version_id)
    plan = version.plan
    language = _language(request, plan.child)
    try:
        pdf = render_plan_pdf(version, language=language, printed_by=user)
    except actions.PlanRefused as refusal:
        return _refused(request, plan, refusal)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf_filename(version, language)}"'
    audit.record(
        "export", user=user, obj=version, child_id=plan.child_id, detail={"format": "pdf", "language": language}
    )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def version_copies(request: HttpRequest, version_id: int) -> HttpResponse:
    """Copies of a version for the family: who got one, when, how; record another."""
    user = _user(request)
    version = _version(user, version_id, for_write=request.method == "POST")
    plan = version.plan
    default_language = preferred_language(plan.child)
    if version.is_draft:
        return _refused(
            request,
            plan,
            actions.PlanRefused("This version is a draft: only an agreed plan is copied to the family.", status=409),
        )
    form = CopyForm(request.POST if request.method == "POST" else None, initial={"language": default_language})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        withheld = data["method"] == WITHHELD
        try:
            do_give_copy(
                version,
                actor=user,
                recipient=data["recipient"],
                method="" if withheld else data["method"],
                address=data["address"],
                language=data["language"],
                withheld=withheld,
                withheld_reason=data["withheld_reason"],
            )
        except actions.PlanRefused as refusal:
            return _refused(request, plan, refusal)
        except ValidationError as error:
            for name, texts in error.message_dict.items():
                form.add_error(name if name in form.fields else None, texts[0])
        else:
            messages.success(request, _("Copy recorded"))
            return redirect("plan-version-copies", version_id=version.pk)
    else:
        audit.record("view", user=user, obj=version, child_id=plan.child_id, detail={"page": "copies"})
    context = child_context(request, plan.child)
    context.update(
        {
            "plan": plan,
            "version": version,
            "rows": copies_of(version),
            "form": form,
            "languages": list(LANGUAGES.items()),
            "default_language": default_language,
        }
    )
    return render(request, "plans/copies.html", context, status=400 if form.errors else 200)
