"""Pages for the core record.  Thin: parse, access, action, render."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import actions, audit
from .access import access_child, filter_parts, staff_context
from .chronology import kind_label
from .forms import ChronologyEntryForm, ChronologyFilterForm, FindChildForm
from .identity import identity_flags
from .models import (
    Address,
    AuditEvent,
    ChronologyEntry,
    Involvement,
    InvolvementKind,
    Notification,
    Organisation,
    Person,
    Relationship,
    User,
)
from .search import find_people

CHRONOLOGY_ON_OVERVIEW = 15
CHRONOLOGY_PAGE = 50
SEARCH_PAGE = 25


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def child_context(request: HttpRequest, child: Person) -> dict[str, Any]:
    """What every page about a child needs: the identity bar."""
    return {"child": child, "grant": child._grant, "flags": identity_flags(child)}


@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    allocations = (
        Involvement.objects.current()
        .filter(worker=user, kind=InvolvementKind.ALLOCATED, child__merged_into__isnull=True)
        .select_related("child", "team")
        .order_by("child__last_name", "child__first_name")
    )
    other_involvements = (
        Involvement.objects.current()
        .filter(worker=user, child__merged_into__isnull=True)
        .exclude(kind=InvolvementKind.ALLOCATED)
        .select_related("child")
        .order_by("child__last_name")
    )
    notifications = Notification.objects.filter(user=user, read_at__isnull=True)[:10]
    return render(
        request,
        "core/my_work.html",
        {
            "allocations": allocations,
            "other_involvements": other_involvements,
            "notifications": notifications,
            "ctx": staff_context(user),
        },
    )


@login_required
def find_child(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = FindChildForm(request.GET or None)
    page = None
    if request.GET and form.is_valid():
        results = find_people(
            user,
            q=form.cleaned_data["q"],
            date_of_birth=form.cleaned_data["date_of_birth"],
            identifier=form.cleaned_data["identifier"],
            postcode=form.cleaned_data["postcode"],
        ).prefetch_related(
            Prefetch("addresses", queryset=Address.objects.filter(moved_out__isnull=True), to_attr="current_addresses")
        )
        page = Paginator(results, SEARCH_PAGE).get_page(request.GET.get("page"))
        audit.record_many(
            "search_hit",
            user=user,
            child_ids=[p.pk for p in page.object_list],
            detail={"filters": sorted(k for k, v in form.cleaned_data.items() if v)},
        )
    template = "core/_find_results.html" if request.htmx and page is not None else "core/find_child.html"  # type: ignore[attr-defined]
    return render(request, template, {"form": form, "page": page})


def _overview_querysets(child: Person, parts: frozenset[str]) -> dict[str, Any]:
    relationships = (
        Relationship.objects.filter(child=child, ended_on__isnull=True)
        .select_related("person")
        .order_by("emergency_contact_order", "kind")
    )
    involvements = Involvement.objects.current().filter(child=child).select_related("organisation", "team", "worker")
    chronology = filter_parts(ChronologyEntry.objects.filter(child=child).select_related("source_organisation"), parts)[
        :CHRONOLOGY_ON_OVERVIEW
    ]
    return {"relationships": relationships, "involvements": involvements, "chronology": chronology}


@login_required
def child_overview(request: HttpRequest, child_id: int) -> HttpResponse:
    user = _user(request)
    child = access_child(user, child_id)
    grant = child._grant
    assert grant is not None
    context = child_context(request, child)
    context.update(_overview_querysets(child, grant.parts))
    context["addresses"] = child.addresses.filter(moved_out__isnull=True)
    context["kind_label"] = kind_label
    audit.record("view", user=user, obj=child, child_id=child.pk, detail={"page": "overview"})
    return render(request, "core/child_overview.html", context)


def _filtered_chronology(request: HttpRequest, child: Person) -> tuple[ChronologyFilterForm, QuerySet[ChronologyEntry]]:
    grant = child._grant
    assert grant is not None
    base = filter_parts(ChronologyEntry.objects.filter(child=child), grant.parts)
    kinds = sorted({(k, kind_label(k)) for k in base.values_list("kind", flat=True).distinct()}, key=lambda x: x[1])
    agencies = Organisation.objects.filter(pk__in=base.values("source_organisation"))
    form = ChronologyFilterForm(request.GET or None, kinds=kinds, agencies=agencies)
    entries = base.select_related("source_organisation", "entered_by")
    if request.GET and form.is_valid():
        data = form.cleaned_data
        if data["kind"]:
            entries = entries.filter(kind=data["kind"])
        if data["agency"]:
            entries = entries.filter(source_organisation=data["agency"])
        if data["date_from"]:
            entries = entries.filter(occurred_on__gte=data["date_from"])
        if data["date_to"]:
            entries = entries.filter(occurred_on__lte=data["date_to"])
        if data["significance"]:
            entries = entries.filter(significance=data["significance"])
    return form, entries


@login_required
def chronology(request: HttpRequest, child_id: int) -> HttpResponse:
    user = _user(request)
    child = access_child(user, child_id)
    form, entries = _filtered_chronology(request, child)
    page = Paginator(entries, CHRONOLOGY_PAGE).get_page(request.GET.get("page"))
    audit.record("view", user=user, obj=child, child_id=child.pk, detail={"page": "chronology"})
    context = child_context(request, child)
    context.update({"form": form, "page": page, "kind_label": kind_label, "query": request.GET.urlencode()})
    return render(request, "core/chronology.html", context)


@login_required
def chronology_csv(request: HttpRequest, child_id: int) -> HttpResponse:
    user = _user(request)
    child = access_child(user, child_id)
    _form, entries = _filtered_chronology(request, child)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="chronology-{child.pk}.csv"'
    writer = csv.writer(response)
    writer.writerow(["Date", "Type", "What happened", "Detail", "Source", "Agency", "Significance", "Struck out"])
    count = 0
    for entry in entries.iterator(chunk_size=500):
        writer.writerow(
            [
                entry.occurred_on.isoformat(),
                kind_label(entry.kind),
                csv_safe(entry.summary),
                csv_safe(entry.detail),
                csv_safe(entry.source),
                csv_safe(entry.source_organisation.name if entry.source_organisation else ""),
                entry.get_significance_display(),
                csv_safe(entry.struck_out_reason) if entry.struck_out_at else "",
            ]
        )
        count += 1
    audit.record("export", user=user, obj=child, child_id=child.pk, detail={"format": "csv", "rows": count})
    return response


def csv_safe(value: str) -> str:
    """Stops a spreadsheet reading a cell as a formula (CSV injection)."""
    if value and value[0] in "=+-@\t\r":
        return "'" + value
    return value


@login_required
@require_http_methods(["GET", "POST"])
def add_chronology_entry(request: HttpRequest, child_id: int) -> HttpResponse:
    user = _user(request)
    child = access_child(user, child_id, for_write=True)
    form = ChronologyEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.do_add_chronology_entry(child, actor=user, data=form.cleaned_data)
        messages.success(request, _("Chronology entry added"))
        return redirect("child-chronology", child_id=child.pk)
    context = child_context(request, child)
    context["form"] = form
    return render(request, "core/chronology_add.html", context, status=400 if form.errors else 200)


@login_required
def who_viewed(request: HttpRequest, child_id: int) -> HttpResponse:
    """Who has viewed this record: for those who may write to it."""
    user = _user(request)
    child = access_child(user, child_id, for_write=True)
    events = AuditEvent.objects.filter(child_id=child.pk).order_by("-at")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    audit.record("view", user=user, obj=child, child_id=child.pk, detail={"page": "who_viewed"})
    context = child_context(request, child)
    context["page"] = page
    return render(request, "core/who_viewed.html", context)
