"""Pages for SEND One Planning and EHC needs assessment requests.  Thin:
parse, access, action, render.  A One Plan is read through its plan's part;
an EHC request through the `send` part of the child's record."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from openics.core import audit
from openics.core.access import MAX_ID, access_child
from openics.core.models import User
from openics.core.reauth import recent_authentication_required
from openics.core.views import child_context
from openics.web.forms import GovukDateField, GovukForm

from . import oneplan
from .actions import PlanRefused, current_version
from .models import DeliveredBy, EhcRequest, EhcRequester, EvidenceKind, Plan
from .pdf import LANGUAGES, preferred_language
from .pdf_views import WITHHELD, CopyForm
from .views import _refused

# ---------------------------------------------------------------- forms


class EvidenceForm(GovukForm):
    kind = forms.ChoiceField(
        label="What is it?",
        choices=EvidenceKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what kind of view, evidence or advice this is"},
    )
    given_by = forms.CharField(label="Who gave it", max_length=200, error_messages={"required": "Enter who gave it"})
    role = forms.CharField(label="Their role (optional)", max_length=200, required=False)
    given_on = GovukDateField(label="Date given", max_today=True, error_messages={"required": "Enter the date given"})
    summary = forms.CharField(
        label="Summary",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=20_000,
        error_messages={"required": "Enter a summary of what they said"},
    )


class DeliveryForm(GovukForm):
    delivered_by = forms.ChoiceField(
        label="Who delivered the support",
        choices=DeliveredBy.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who delivered the support"},
    )
    who = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Enter the name of the person who delivered it"}
    )
    delivered_on = GovukDateField(
        label="Date", max_today=True, error_messages={"required": "Enter the date it was done"}
    )
    target_key = forms.ChoiceField(label="Target it relates to", required=False)
    what_was_done = forms.CharField(
        label="What was done",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20_000,
        error_messages={"required": "Enter what was done"},
    )
    notes = forms.CharField(label="Notes (optional)", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, targets: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target_key"].choices = [("", "No particular target"), *targets.items()]  # type: ignore[attr-defined]


class EhcRequestForm(GovukForm):
    requested_by = forms.ChoiceField(
        label="Who requested the assessment",
        choices=EhcRequester.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who requested the assessment"},
    )
    requester_name = forms.CharField(label="Name of the person requesting (optional)", max_length=200, required=False)
    received_on = GovukDateField(
        label="Date the request was received",
        max_today=True,
        error_messages={"required": "Enter the date the request was received"},
    )
    evidence = forms.CharField(
        label="Evidence given with the request",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=20_000,
        error_messages={"required": "Enter the evidence given with the request"},
    )


class EhcStepForm(GovukForm):
    step = forms.ChoiceField(
        label="Step", widget=forms.RadioSelect, error_messages={"required": "Select the step to record"}
    )
    on = GovukDateField(label="Date", max_today=True, error_messages={"required": "Enter the date of the step"})
    reasons = forms.CharField(
        label="Reasons (for a decision)", widget=forms.Textarea(attrs={"rows": 4}), max_length=20_000, required=False
    )
    late_reason = forms.CharField(
        label="Reason it is late (if it is after the deadline)",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5_000,
        required=False,
    )

    def __init__(self, *args: Any, steps: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = steps  # type: ignore[attr-defined]


# ---------------------------------------------------------------- helpers


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _id(value: int) -> int:
    if not 0 < value <= MAX_ID:
        raise Http404
    return value


def _one_plan(user: User, plan_id: int, *, for_write: bool = False) -> Plan:
    plan = Plan.objects.filter(pk=_id(plan_id), plan_type=oneplan.ONE_PLAN).first()
    if plan is None:
        raise Http404
    plan.child = access_child(user, plan.child_id, for_write=for_write, part=plan.part)
    return plan


def _ehc(user: User, request_id: int, *, for_write: bool = False) -> EhcRequest:
    row = EhcRequest.objects.filter(pk=_id(request_id)).first()
    if row is None:
        raise Http404
    row.child = access_child(user, row.child_id, for_write=for_write, part=oneplan.EHC_PART)
    return row


def _errors_to_form(form: forms.Form, error: ValidationError) -> None:
    for name, texts in error.message_dict.items():
        form.add_error(name if name in form.fields else None, texts[0])


def _status(form: forms.Form, refused: PlanRefused | None) -> int:
    if refused is not None:
        return refused.status
    return 400 if form.errors else 200


# ---------------------------------------------------------------- One Plan


def _sees_send(plan: Plan) -> bool:
    grant = getattr(plan.child, "_grant", None)
    return grant is not None and grant.can_see(oneplan.EHC_PART)


@login_required
def one_plan_cycles(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Assess, Plan, Do, Review: the evidence, the plan in force and each cycle."""
    plan = _one_plan(_user(request), plan_id)
    context = child_context(request, plan.child)
    targets = oneplan.target_keys(plan)
    context.update(
        {
            "plan": plan,
            "evidence": list(plan.evidence.all()),
            "current": current_version(plan),
            "cycles": oneplan.cycles(plan),
            "targets": targets,
            # EHC requests are in the `send` part, which not every reader of the plan sees.
            "ehc_requests": list(plan.ehc_requests.all()) if _sees_send(plan) else [],
        }
    )
    return render(request, "plans/oneplan/cycles.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def one_plan_add_evidence(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = _user(request)
    plan = _one_plan(user, plan_id, for_write=request.method == "POST")
    form = EvidenceForm(request.POST if request.method == "POST" else None)
    refused = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            oneplan.do_add_evidence(
                plan,
                actor=user,
                kind=d["kind"],
                given_by=d["given_by"],
                role=d["role"],
                given_on=d["given_on"],
                summary=d["summary"],
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        except PlanRefused as refusal:
            refused = refusal
            form.add_error(None, refusal.message)
        else:
            messages.success(request, "Evidence added")
            return redirect("one-plan-cycles", plan_id=plan.pk)
    context = child_context(request, plan.child)
    context.update({"plan": plan, "form": form})
    return render(request, "plans/oneplan/evidence_form.html", context, status=_status(form, refused))


@login_required
@require_http_methods(["GET", "POST"])
def one_plan_log_delivery(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = _user(request)
    plan = _one_plan(user, plan_id, for_write=request.method == "POST")
    form = DeliveryForm(request.POST if request.method == "POST" else None, targets=oneplan.target_keys(plan))
    refused = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            oneplan.do_log_delivery(
                plan,
                actor=user,
                delivered_by=d["delivered_by"],
                who=d["who"],
                delivered_on=d["delivered_on"],
                target_key=d["target_key"],
                what_was_done=d["what_was_done"],
                notes=d["notes"],
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        except PlanRefused as refusal:
            refused = refusal
            form.add_error(None, refusal.message)
        else:
            messages.success(request, "Delivery logged")
            return redirect("one-plan-cycles", plan_id=plan.pk)
    context = child_context(request, plan.child)
    context.update({"plan": plan, "form": form})
    return render(request, "plans/oneplan/delivery_form.html", context, status=_status(form, refused))


# ---------------------------------------------------------------- the family's copy


@login_required
@recent_authentication_required
def one_plan_pdf(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The family's copy of the One Plan as a PDF, in the chosen language."""
    user = _user(request)
    plan = _one_plan(user, plan_id)
    chosen = request.GET.get("lang", "")
    language = chosen if chosen in LANGUAGES else preferred_language(plan.child)
    try:
        pdf = oneplan.render_one_plan_pdf(plan, language=language, printed_by=user)
    except PlanRefused as refusal:
        return _refused(request, plan, refusal)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{oneplan.one_plan_filename(plan, language)}"'
    audit.record(
        "export",
        user=user,
        obj=plan,
        child_id=plan.child_id,
        detail={"format": "pdf", "document": "one-plan", "language": language},
    )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def one_plan_copies(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Copies of the One Plan for the family: who got one, when, how; record another."""
    user = _user(request)
    plan = _one_plan(user, plan_id, for_write=request.method == "POST")
    if current_version(plan) is None:
        return _refused(request, plan, PlanRefused(oneplan.ONE_PLAN_NOT_AGREED, status=409))
    default_language = preferred_language(plan.child)
    form = CopyForm(request.POST if request.method == "POST" else None, initial={"language": default_language})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        withheld = d["method"] == WITHHELD
        try:
            oneplan.do_give_one_plan_copy(
                plan,
                actor=user,
                recipient=d["recipient"],
                method="" if withheld else d["method"],
                address=d["address"],
                language=d["language"],
                withheld=withheld,
                withheld_reason=d["withheld_reason"],
            )
        except PlanRefused as refusal:
            return _refused(request, plan, refusal)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Copy recorded"))
            return redirect("one-plan-copies", plan_id=plan.pk)
    elif request.method == "GET":
        audit.record("view", user=user, obj=plan, child_id=plan.child_id, detail={"page": "one-plan-copies"})
    context = child_context(request, plan.child)
    context.update(
        {
            "plan": plan,
            "rows": oneplan.one_plan_copies(plan),
            "form": form,
            "languages": list(LANGUAGES.items()),
            "default_language": default_language,
        }
    )
    return render(request, "plans/oneplan/copies.html", context, status=400 if form.errors else 200)


# ---------------------------------------------------------------- EHC needs assessment requests


@login_required
def child_ehc_requests(request: HttpRequest, child_id: int) -> HttpResponse:
    child = access_child(_user(request), child_id, part=oneplan.EHC_PART)
    context = child_context(request, child)
    context["ehc_requests"] = list(EhcRequest.objects.filter(child=child).order_by("-received_on", "-pk"))
    return render(request, "plans/oneplan/ehc_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def ehc_request_new(request: HttpRequest, child_id: int) -> HttpResponse:
    user = _user(request)
    child = access_child(user, child_id, for_write=request.method == "POST", part=oneplan.EHC_PART)
    form = EhcRequestForm(request.POST if request.method == "POST" else None)
    refused = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        # The child's newest open One Plan, if there is one, is the plan escalated.
        one_plan = (
            Plan.objects.open().filter(child=child, plan_type=oneplan.ONE_PLAN).order_by("-created_at", "-pk").first()
        )
        try:
            row = oneplan.do_request_ehc_assessment(
                child,
                actor=user,
                requested_by=d["requested_by"],
                requester_name=d["requester_name"],
                received_on=d["received_on"],
                evidence=d["evidence"],
                one_plan=one_plan,
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        except PlanRefused as refusal:
            refused = refusal
            form.add_error(None, refusal.message)
        else:
            messages.success(request, "EHC needs assessment request recorded")
            return redirect("ehc-request-detail", request_id=row.pk)
    context = child_context(request, child)
    context["form"] = form
    return render(request, "plans/oneplan/ehc_new.html", context, status=_status(form, refused))


@login_required
def ehc_request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    row = _ehc(_user(request), request_id)
    context = child_context(request, row.child)
    context.update(
        {"ehc": row, "deadlines": list(oneplan.ehc_deadlines_with_status(row)), "steps": oneplan.allowed_steps(row)}
    )
    return render(request, "plans/oneplan/ehc_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def ehc_request_step(request: HttpRequest, request_id: int) -> HttpResponse:
    user = _user(request)
    row = _ehc(user, request_id, for_write=request.method == "POST")
    steps = oneplan.allowed_steps(row)
    form = EhcStepForm(request.POST if request.method == "POST" else None, steps=steps)
    refused = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            oneplan.do_record_ehc_step(
                row, actor=user, step=d["step"], on=d["on"], reasons=d["reasons"], late_reason=d["late_reason"]
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        except PlanRefused as refusal:
            refused = refusal
            form.add_error(None, refusal.message)
        else:
            messages.success(request, "Step recorded")
            return redirect("ehc-request-detail", request_id=row.pk)
    context = child_context(request, row.child)
    context.update({"ehc": row, "form": form, "steps": steps})
    return render(request, "plans/oneplan/ehc_step.html", context, status=_status(form, refused))
