"""The authority's list of children subject to a child protection plan."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from openics.core import audit
from openics.core.models import User
from openics.core.reauth import recent_authentication_required
from openics.core.views import csv_safe

from .forms import CPPlanFilterForm
from .models import CPEpisode, CPEpisodeQuerySet, category_label

PAGE_SIZE = 100


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def cp_plans_for(user: User, filters: dict[str, Any]) -> CPEpisodeQuerySet:
    """Open plans `user` may see, filtered, oldest plan first."""
    plans = CPEpisode.objects.open().for_user(user)
    if filters.get("team"):
        plans = plans.in_team(filters["team"].pk)
    if filters.get("category"):
        plans = plans.filter(latest_category=filters["category"])
    return plans.with_list_details().order_by("started_on", "child__last_name", "child__first_name", "pk")


def _filtered(request: HttpRequest) -> tuple[CPPlanFilterForm, CPEpisodeQuerySet]:
    user = _user(request)
    form = CPPlanFilterForm(request.GET or None, user=user)
    # Bad filter input is shown as an error, and the list stays unfiltered.
    filters = form.cleaned_data if request.GET and form.is_valid() else {}
    return form, cp_plans_for(user, filters)


@login_required
def cp_plans(request: HttpRequest) -> HttpResponse:
    form, plans = _filtered(request)
    page = Paginator(plans, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "casework/cp_plans.html", context)


@login_required
@recent_authentication_required
def cp_plans_csv(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _form, plans = _filtered(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="child-protection-plans.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "Child",
            "LA child ID",
            "Latest category",
            "Initial category",
            "Start date",
            "Previous plans",
            "Next review",
            "Allocated worker",
            "Team",
        ]
    )
    child_ids = []
    for plan in plans.iterator(chunk_size=500):
        child_ids.append(plan.child_id)
        writer.writerow(
            [
                csv_safe(plan.child.display_name),
                csv_safe(plan.child.la_child_id),
                category_label(plan.latest_category),
                category_label(plan.initial_category),
                plan.started_on.isoformat(),
                plan.previous_plans,
                plan.next_review.isoformat() if plan.next_review else "",  # type: ignore[attr-defined]
                csv_safe(plan.worker_name or ""),  # type: ignore[attr-defined]
                csv_safe(plan.team_name or ""),  # type: ignore[attr-defined]
            ]
        )
    # An export takes the names away from the service: each child is audited.
    audit.record_many("export", user=user, child_ids=child_ids, detail={"list": "cp_plans"})
    return response
