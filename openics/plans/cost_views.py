"""The costs of a plan's services: estimated against actual, per service,
and recording what a service actually cost.  Thin: parse, access, action,
render."""

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
from openics.core.access import staff_context
from openics.core.views import child_context
from openics.web.forms import GovukDateField, GovukForm

from . import actions, costs
from .content import parse_pounds, pounds
from .models import Plan, PlanStatus
from .views import _plan, _refused, _user

AMOUNT_FORMAT = _("Enter the actual cost in pounds and pence, like 120.50")


def parse_amount(text: str) -> int:
    """'£1,250.50' -> 125050 pence, '-25' -> -2500; ValueError otherwise."""
    cleaned = text.strip()
    negative = cleaned.startswith("-")
    pence = parse_pounds(cleaned.lstrip("-").strip())
    return -pence if negative else pence


class AmountField(forms.CharField):
    """Pounds and pence as typed, cleaned to pence; negative for a reduction."""

    def clean(self, value: Any) -> int:  # type: ignore[override]
        text = super().clean(value)
        try:
            return parse_amount(text)
        except ValueError:
            raise forms.ValidationError(str(AMOUNT_FORMAT)) from None


class ActualCostForm(GovukForm):
    action_key = forms.ChoiceField(
        label=_("The service the cost is for"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select the service in the plan the cost is for"),
            "invalid_choice": _("Select the service in the plan the cost is for"),
        },
    )
    amount = AmountField(
        label=_("Actual cost"),
        help_text=_(
            "In pounds and pence, like 120.50. To correct an amount recorded in error, or for a refund, "
            "enter a negative amount, like -25.00, and say why in the note."
        ),
        max_length=20,
        error_messages={"required": _("Enter the actual cost")},
    )
    period_start = GovukDateField(
        label=_("Start of the period"),
        help_text=_("Or the date of a single session or payment"),
        max_today=True,
        error_messages={
            "required": _("Enter the start of the period the cost covers"),
            "incomplete": _("Enter the start of the period as a day, month and year"),
        },
    )
    period_end = GovukDateField(
        label=_("End of the period (optional)"),
        help_text=_("Leave it blank for a single day"),
        max_today=True,
        required=False,
        error_messages={"incomplete": _("Enter the end of the period as a day, month and year")},
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        help_text=_("For example the invoice number, or why an amount is reduced"),
        required=False,
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, services: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action_key"].choices = services  # type: ignore[attr-defined]


def _services(rows: list[costs.ActionCosts]) -> list[tuple[str, str]]:
    choices = []
    for row in rows:
        label = row.what or str(_("A service without a description"))
        if row.who:
            label = f"{label} ({row.who})"
        if not row.in_force:
            label = f"{label}: {_('no longer in the plan')}"
        choices.append((row.key, label))
    return choices


def _entries(rows: list[costs.ActionCosts]) -> list[Any]:
    """Every cost recorded, newest period first, each naming its service."""
    entries = []
    for row in rows:
        for entry in row.entries:
            entry.service = row.what  # type: ignore[attr-defined]
            entry.amount = pounds(entry.amount_pence)  # type: ignore[attr-defined]
            entries.append(entry)
    return sorted(entries, key=lambda e: (e.period_start, e.pk), reverse=True)


def _can_record(plan: Plan, request: HttpRequest) -> bool:
    grant = plan.child._grant
    return (
        grant is not None
        and grant.writable
        and plan.status != PlanStatus.DRAFT
        and plan.type.may_complete(staff_context(_user(request)).roles)
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_costs(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The plan's services, estimated against actual cost, the costs
    recorded, and a form to record another."""
    user = _user(request)
    plan = _plan(user, plan_id, for_write=request.method == "POST")
    grant = plan.child._grant
    assert grant is not None
    current = actions.current_version(plan)
    rows = costs.by_action(plan, current)
    form = ActualCostForm(request.POST if request.method == "POST" else None, services=_services(rows))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.do_record_actual_cost(
                plan,
                actor=user,
                action_key=d["action_key"],
                amount_pence=d["amount"],
                period_start=d["period_start"],
                period_end=d["period_end"],
                note=d["note"],
            )
        except actions.PlanRefused as refusal:
            return _refused(request, plan, refusal)
        except ValidationError as error:
            for name, texts in error.message_dict.items():
                form.add_error(name if name in form.fields else None, texts[0])
        else:
            messages.success(request, _("Actual cost recorded"))
            return redirect("plan-costs", plan_id=plan.pk)
    elif request.method == "GET":
        audit.record("view", user=user, obj=plan, child_id=plan.child_id, detail={"page": "costs"})
    context = child_context(request, plan.child)
    context.update(
        {
            "plan": plan,
            "current": current,
            "rows": rows,
            "entries": _entries(rows),
            "plan_costs": costs.Costs(sum(r.estimated_pence for r in rows), sum(r.actual_pence for r in rows)),
            "child_costs": costs.child_costs(plan.child, grant.parts),
            "form": form,
            "can_record": _can_record(plan, request),
        }
    )
    return render(request, "plans/costs.html", context, status=400 if form.errors else 200)
