"""Pages for the core record.  Thin: parse, access, action, render."""

from __future__ import annotations

import csv
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from openics.timescales.lists import DEADLINES_ON_OVERVIEW, child_deadlines, my_deadlines

from . import actions, audit
from .access import access_child, filter_parts, staff_context
from .chronology import kind_label
from .duplicates import possible_duplicates
from .forms import (
    AddressForm,
    AllocationForm,
    BreakGlassForm,
    BreakGlassReviewForm,
    ChildPersonForm,
    ChronologyEntryForm,
    ChronologyFilterForm,
    EditAdultForm,
    EditPersonForm,
    EndForm,
    FindChildForm,
    InvolvementForm,
    MergeForm,
    NewAdultForm,
    PreviousNameForm,
    ReasonForm,
    RelationshipForm,
    RestrictionForm,
    RevealAddressForm,
)
from .identity import identity_flags
from .models import (
    Address,
    AuditEvent,
    BreakGlassGrant,
    ChronologyEntry,
    Involvement,
    InvolvementKind,
    Notification,
    Organisation,
    Person,
    PersonMerge,
    PreviousName,
    Relationship,
    RelationshipKind,
    Team,
    User,
)
from .reauth import recent_authentication_required
from .roles import MANAGER_ROLES, Role
from .search import _name_q, find_people

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
            "my_deadlines": my_deadlines(user),
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


def _with_kind_labels(rows: QuerySet[Any], choices: list[tuple[str, Any]]) -> list[Any]:
    """The rows, each with `kind_label`, translated once per kind.

    `get_kind_display()` rebuilds and translates the whole choice list on
    every call: on a long history that was a fifth of the overview's time.
    """
    labels = {value: str(label) for value, label in choices}
    rows_list = list(rows)
    for row in rows_list:
        row.kind_label = labels.get(row.kind, row.kind)
    return rows_list


_SAMPLE_PK = 987654321


def _url_maker(name: str, *leading: int) -> Callable[[int], str]:
    """A function giving `name`'s URL for any last id, from one reverse().

    Long lists (a child with seventy involvements) otherwise spend much of
    their rendering time resolving the same URL pattern row after row.
    """
    head, tail = reverse(name, args=[*leading, _SAMPLE_PK]).rsplit(str(_SAMPLE_PK), 1)
    return lambda pk: f"{head}{pk}{tail}"


def _overview_querysets(child: Person, parts: frozenset[str]) -> dict[str, Any]:
    relationships = _with_kind_labels(
        Relationship.objects.filter(child=child, ended_on__isnull=True)
        .select_related("person")
        .order_by("emergency_contact_order", "kind"),
        RelationshipKind.choices,
    )
    involvements = _with_kind_labels(
        Involvement.objects.current().filter(child=child).select_related("organisation", "team", "worker"),
        InvolvementKind.choices,
    )
    chronology = filter_parts(ChronologyEntry.objects.filter(child=child).select_related("source_organisation"), parts)[
        :CHRONOLOGY_ON_OVERVIEW
    ]
    child_url = _url_maker("child-overview")
    person_url = _url_maker("child-person", child.pk)
    end_relationship_url = _url_maker("child-relationship-end", child.pk)
    for rel in relationships:
        rel.person_url = child_url(rel.person_id) if rel.person.is_child else person_url(rel.person_id)
        rel.end_url = end_relationship_url(rel.pk)
    end_involvement_url = _url_maker("child-involvement-end", child.pk)
    for inv in involvements:
        inv.end_url = end_involvement_url(inv.pk)
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
    # The user's roles are already loaded by the access check: no query.
    context["may_manage"] = _is_manager(user)
    context["deadlines"] = child_deadlines(child, grant.parts)[:DEADLINES_ON_OVERVIEW]
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
@recent_authentication_required
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


# ---------------------------------------------------------------- people


def _is_manager(user: User) -> bool:
    return bool(staff_context(user).roles & MANAGER_ROLES)


def _require(condition: bool) -> None:
    """Refuse as "not found", like the access chokepoint, so a page never
    says that something exists which the user may not use."""
    if not condition:
        raise Http404


def _posted(request: HttpRequest) -> Any:
    """The POST data, even when empty (an empty form must show its errors)."""
    return request.POST if request.method == "POST" else None


def _person_data(cleaned: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in cleaned.items() if k in actions.PERSON_FIELDS}


@login_required
@require_http_methods(["GET", "POST"])
def add_person(request: HttpRequest) -> HttpResponse:
    """Add a child (or unborn child): details, then possible matches, then
    create.  Each step is a plain form post, so it works without JavaScript."""
    user = _user(request)
    ctx = staff_context(user)
    # Only social care staff open records: the new child is allocated to
    # their team, so they (and their managers) can reach it afterwards.
    _require(bool(ctx.team_ids))
    form = ChildPersonForm(_posted(request), prefix="person")
    address_form = AddressForm(_posted(request), prefix="address", use_required_attribute=False)
    with_address = request.method == "POST" and any(
        request.POST.get(f"address-{name}", "").strip() for name in ("line1", "town", "postcode")
    )
    if request.method == "POST":
        person_ok = form.is_valid()
        address_ok = address_form.is_valid() if with_address else True
        if person_ok and address_ok:
            data = {**form.cleaned_data, "is_child": True}
            if with_address:
                data["postcode"] = address_form.cleaned_data["postcode"]
            if request.POST.get("confirmed") != "yes":
                matches = possible_duplicates(data, user=user)
                if matches:
                    audit.record_many(
                        "search_hit",
                        user=user,
                        child_ids=[p.pk for p in matches.visible],
                        detail={"page": "add_person"},
                    )
                    hidden = [
                        (k, v) for k, values in request.POST.lists() for v in values if k != "csrfmiddlewaretoken"
                    ]
                    return render(request, "core/person_matches.html", {"matches": matches, "hidden": hidden})
            person = actions.do_create_person(
                actor=user,
                data=_person_data(data),
                disabilities=form.cleaned_data["disabilities"],
                address=address_form.cleaned_data if with_address else None,
            )
            team = Team.objects.filter(pk__in=ctx.team_ids).order_by("pk").first()
            assert team is not None
            worker_roles = {a.role for a in ctx.assignments if a.team_id == team.pk}
            worker = user if worker_roles & {Role.SOCIAL_WORKER, Role.SWRO} else None
            actions.do_allocate(person, actor=user, team=team, worker=worker)
            messages.success(request, _("Record created"))
            return redirect("child-overview", child_id=person.pk)
    status = 400 if form.errors or (with_address and address_form.errors) else 200
    errors_form = form if form.errors else address_form
    return render(
        request,
        "core/person_add.html",
        {"form": form, "address_form": address_form, "errors_form": errors_form},
        status=status,
    )


def _stale_changes(form: EditPersonForm, current: Person) -> list[tuple[str, str, str]]:
    """Fields where the saved record now differs from what this user typed."""
    rows = []
    for name in actions.PERSON_FIELDS:
        if name not in form.cleaned_data:
            continue
        now_value = getattr(current, name)
        if now_value != form.cleaned_data[name]:
            field = form.fields[name]
            choices = dict(getattr(field, "choices", []) or [])
            shown = choices.get(now_value, now_value)
            typed = choices.get(form.cleaned_data[name], form.cleaned_data[name])
            rows.append((str(field.label), str(shown if shown not in (None, "") else "—"), str(typed or "—")))
    return rows


def _edit_person_form(
    request: HttpRequest,
    user: User,
    person: Person,
    form_class: type[EditPersonForm] | type[EditAdultForm],
    *,
    child: Person | None = None,
) -> tuple[EditPersonForm | EditAdultForm, list[tuple[str, str, str]], bool]:
    """The edit form for a child or an adult: (form, stale changes, saved).

    A stale save comes back with the other person's changes listed and the
    form set to the current version: saving again is then a decision.
    """
    initial: dict[str, Any] = {name: getattr(person, name) for name in actions.PERSON_FIELDS}
    initial["disabilities"] = list(person.disabilities.values_list("code", flat=True))
    initial["version"] = person.version
    form = form_class(_posted(request), initial=initial)
    if request.method != "POST" or not form.is_valid():
        return form, [], False
    try:
        actions.do_update_person(
            person,
            actor=user,
            data={**_person_data(form.cleaned_data), "date_of_death": form.cleaned_data["date_of_death"]},
            expected_version=form.cleaned_data["version"],
            disabilities=form.cleaned_data["disabilities"],
            child=child,
        )
    except actions.StaleEdit as stale_edit:
        current = stale_edit.current
        assert isinstance(current, Person)
        stale = _stale_changes(form, current)
        data = request.POST.copy()
        data["version"] = str(current.version)
        form = form_class(data, initial=initial)
        form.is_valid()
        return form, stale, False
    return form, [], True


@login_required
@require_http_methods(["GET", "POST"])
def edit_person(request: HttpRequest, child_id: int) -> HttpResponse:
    user = _user(request)
    child = access_child(user, child_id, for_write=True)
    form, stale, saved = _edit_person_form(request, user, child, EditPersonForm)
    if saved:
        messages.success(request, _("Details saved"))
        return redirect("child-overview", child_id=child.pk)
    context = child_context(request, child)
    context.update(
        {
            "form": form,
            "stale": stale,
            "person": child,
            "previous_names": child.previous_names.all(),
            "add_previous_name_url": reverse("child-previous-name-add", args=[child.pk]),
            "cancel_url": reverse("child-overview", args=[child.pk]),
        }
    )
    status = 409 if stale else (400 if form.errors else 200)
    return render(request, "core/person_edit.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
@recent_authentication_required
def reveal_address(request: HttpRequest, child_id: int, address_id: int) -> HttpResponse:
    """Open a confidential address of the child, or of an adult in the
    child's life, to the few whose grant allows it, with the reason recorded.

    Everyone else gets a 404 (audited), the same as for an address that is
    not there; the address is shown on this response only, never stored.
    """
    user = _user(request)
    child = access_child(user, child_id)
    grant = child._grant
    assert grant is not None
    adults = Relationship.objects.filter(child=child, ended_on__isnull=True).values("person")
    address = (
        Address.objects.filter(pk=address_id, confidential=True)
        .filter(Q(person=child) | Q(person__in=adults))
        .select_related("person")
        .first()
    )
    if address is None or not grant.may_see_confidential_address:
        audit.record_denial(
            "reveal_address", user=user, object_type="core.address", object_id=str(address_id), child_id=child.pk
        )
        raise Http404
    form = RevealAddressForm(_posted(request))
    revealed = request.method == "POST" and form.is_valid()
    if revealed:
        audit.record(
            "reveal_address",
            user=user,
            obj=address,
            child_id=child.pk,
            detail={"person": address.person_id, "reason": form.cleaned_data["reason"]},
        )
    context = child_context(request, child)
    context.update({"form": form, "address": address, "revealed": revealed})
    return render(request, "core/address_reveal.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def add_address(request: HttpRequest, child_id: int) -> HttpResponse:
    user = _user(request)
    child = access_child(user, child_id, for_write=True)
    form = AddressForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        actions.do_add_address(child, actor=user, data=form.cleaned_data)
        messages.success(request, _("Address added"))
        return redirect("child-overview", child_id=child.pk)
    context = child_context(request, child)
    context.update(
        {
            "form": form,
            "title": _("Add a new address"),
            "hint": _("The current address is kept in the history, with the day they moved out."),
            "button": _("Save address"),
            "history": child.addresses.all(),
        }
    )
    return render(request, "core/child_form.html", context, status=400 if form.errors else 200)


# ---------------------------------------------------------------- adults in the child's life and previous names


def _related_adult(user: User, child: Person, person_id: int) -> Person:
    """An adult currently related to `child`, or 404.  Adults have no grants
    of their own: they are reached only through a child the user may see,
    and only while the relationship lasts.  A refusal is audited like one
    from the access chokepoint."""
    current = Relationship.objects.filter(child=child, person=OuterRef("pk"), ended_on__isnull=True)
    adult = Person.objects.live().filter(pk=person_id, is_child=False).filter(Exists(current)).first()
    if adult is None:
        audit.record_denial(
            "access",
            user=user,
            object_type="core.person",
            object_id=str(person_id),
            child_id=child.pk,
            detail={"through_child": child.pk},
        )
        raise Http404
    return adult


def _adult_context(request: HttpRequest, child: Person, adult: Person) -> dict[str, Any]:
    context = child_context(request, child)
    context["person"] = adult
    context["person_url"] = reverse("child-person", args=[child.pk, adult.pk])
    return context


@login_required
def person_detail(request: HttpRequest, child_id: int, person_id: int) -> HttpResponse:
    """An adult in the child's life: their details, addresses and names."""
    user = _user(request)
    child = access_child(user, child_id)
    adult = _related_adult(user, child, person_id)
    context = _adult_context(request, child, adult)
    context.update(
        {
            "relationships": _with_kind_labels(
                Relationship.objects.filter(child=child, person=adult, ended_on__isnull=True),
                RelationshipKind.choices,
            ),
            "addresses": adult.addresses.all(),
            "previous_names": adult.previous_names.all(),
            "disabilities": adult.disabilities.all(),
        }
    )
    audit.record("view", user=user, obj=adult, child_id=child.pk, detail={"page": "person"})
    return render(request, "core/adult_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def edit_adult(request: HttpRequest, child_id: int, person_id: int) -> HttpResponse:
    """Change an adult's details, refusing a stale save as the child's page does."""
    user = _user(request)
    child = access_child(user, child_id, for_write=True)
    adult = _related_adult(user, child, person_id)
    form, stale, saved = _edit_person_form(request, user, adult, EditAdultForm, child=child)
    if saved:
        messages.success(request, _("Details saved"))
        return redirect("child-person", child_id=child.pk, person_id=adult.pk)
    context = _adult_context(request, child, adult)
    context.update(
        {
            "form": form,
            "stale": stale,
            "previous_names": adult.previous_names.all(),
            "add_previous_name_url": reverse("child-person-previous-name-add", args=[child.pk, adult.pk]),
            "cancel_url": context["person_url"],
        }
    )
    status = 409 if stale else (400 if form.errors else 200)
    return render(request, "core/person_edit.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def add_adult_address(request: HttpRequest, child_id: int, person_id: int) -> HttpResponse:
    user = _user(request)
    child = access_child(user, child_id, for_write=True)
    adult = _related_adult(user, child, person_id)
    form = AddressForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        actions.do_add_address(adult, actor=user, data=form.cleaned_data, child=child)
        messages.success(request, _("Address added"))
        return redirect("child-person", child_id=child.pk, person_id=adult.pk)
    context = _adult_context(request, child, adult)
    context.update(
        {
            "form": form,
            "title": _("Add a new address for %(name)s") % {"name": adult.full_name},
            "hint": _("The current address is kept in the history, with the day they moved out."),
            "button": _("Save address"),
            "history": adult.addresses.all(),
            "cancel_url": context["person_url"],
        }
    )
    return render(request, "core/child_form.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def add_previous_name(request: HttpRequest, child_id: int, person_id: int | None = None) -> HttpResponse:
    """A previous name of the child, or of an adult in the child's life."""
    user = _user(request)
    child = access_child(user, child_id, for_write=True)
    if person_id is None:
        person, context = child, child_context(request, child)
        back = reverse("child-edit", args=[child.pk])
    else:
        person = _related_adult(user, child, person_id)
        context = _adult_context(request, child, person)
        back = reverse("child-person-edit", args=[child.pk, person.pk])
    form = PreviousNameForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        actions.do_add_previous_name(person, actor=user, data=form.cleaned_data, child=child)
        messages.success(request, _("Previous name added"))
        return redirect(back)
    context.update(
        {
            "form": form,
            "title": _("Add a previous name for %(name)s") % {"name": person.full_name},
            "hint": _("A name they were known by before, for example before a change of surname."),
            "button": _("Save previous name"),
            "cancel_url": back,
            "previous_names": PreviousName.objects.filter(person=person),
        }
    )
    return render(request, "core/child_form.html", context, status=400 if form.errors else 200)


# ---------------------------------------------------------------- relationships


def _reachable_people(user: User) -> QuerySet[Person]:
    """People `user` may pick for a relationship: the children they may see
    and the adults already in those children's lives."""
    visible = Person.objects.visible_to(user).values("pk")
    return (
        Person.objects.live()
        .filter(Q(pk__in=visible) | Q(relationships_to_children__child__in=visible, is_child=False))
        .distinct()
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_relationship(request: HttpRequest, child_id: int) -> HttpResponse:
    """Link an existing person (found among those the user may see) or a new
    adult to the child."""
    user = _user(request)
    child = access_child(user, child_id, for_write=True)
    q = request.GET.get("q", "").strip()[:100]
    found: list[Person] = []
    if q:
        found = list(
            _reachable_people(user)
            .exclude(pk=child.pk)
            .filter(*[_name_q(word) for word in q.split()[:4]])
            .order_by("last_name", "first_name")[:20]
        )
    form = RelationshipForm(_posted(request))
    adult_form = NewAdultForm(_posted(request), prefix="adult")
    chosen: Person | None = None
    if request.method == "POST":
        chosen_id = request.POST.get("person", "")
        form_ok = form.is_valid()
        adult_ok = adult_form.is_valid()
        if chosen_id.isdigit():
            chosen = _reachable_people(user).exclude(pk=child.pk).filter(pk=int(chosen_id)).first()
            if chosen is None:
                form.add_error(None, _("Select a person from the search results"))
        elif adult_ok and not adult_form.cleaned_data["last_name"]:
            adult_form.add_error("last_name", _("Select an existing person, or enter the new person's last name"))
        if (
            chosen is not None
            and form_ok
            and Relationship.objects.filter(child=child, person=chosen, kind=form.cleaned_data["kind"]).exists()
        ):
            # The pair and kind are unique (an ended relationship included):
            # say so rather than fail on the constraint.
            form.add_error("kind", _("This person is already recorded with this relationship to the child"))
        if form_ok and adult_form.is_valid() and not form.errors:
            if chosen is None:
                adult = {k: v for k, v in adult_form.cleaned_data.items() if v}
                if request.POST.get("confirmed") != "yes":
                    matches = possible_duplicates({**adult, "is_child": False}, user=user)
                    if matches:
                        return _relationship_matches(request, child, matches)
                chosen = actions.do_create_person(actor=user, data={**adult, "is_child": False})
            actions.do_add_relationship(child, actor=user, person=chosen, data=form.cleaned_data)
            messages.success(request, _("Relationship added"))
            return redirect("child-overview", child_id=child.pk)
    context = child_context(request, child)
    context.update(
        {"form": form, "adult_form": adult_form, "q": q, "found": found, "chosen_id": request.POST.get("person", "")}
    )
    status = 400 if form.errors or adult_form.errors else 200
    return render(request, "core/relationship_add.html", context, status=status)


def _relationship_matches(request: HttpRequest, child: Person, matches: Any) -> HttpResponse:
    """Adults who may be the person being added: link one, or go on to add
    a new person.  The relationship's answers travel in hidden fields."""
    audit.record(
        "search_hit",
        user=_user(request),
        obj=child,
        child_id=child.pk,
        detail={"page": "relationship_add", "people": [p.pk for p in matches.visible]},
    )
    posted = [
        (k, v) for k, values in request.POST.lists() for v in values if k not in ("csrfmiddlewaretoken", "person")
    ]
    context = child_context(request, child)
    context.update(
        {
            "matches": matches,
            "hidden": posted,
            # Linking an existing person needs only the relationship's answers.
            "relationship_hidden": [(k, v) for k, v in posted if not k.startswith("adult-") and k != "confirmed"],
        }
    )
    return render(request, "core/relationship_matches.html", context)


@login_required
@require_http_methods(["POST"])
def end_relationship(request: HttpRequest, child_id: int, relationship_id: int) -> HttpResponse:
    user = _user(request)
    child = access_child(user, child_id, for_write=True)
    rel = get_object_or_404(Relationship, pk=relationship_id, child=child)
    form = EndForm(request.POST)
    ended_on = form.cleaned_data["ended_on"] if form.is_valid() else None
    # A second press of the button (or a resubmitted form) changes nothing.
    if rel.ended_on is None:
        actions.do_end_relationship(rel, actor=user, ended_on=ended_on or timezone.localdate())
    messages.success(request, _("Relationship ended"))
    return redirect("child-overview", child_id=child.pk)


# ---------------------------------------------------------------- involvement and allocation


def _staff_of(user: User) -> QuerySet[User]:
    return User.objects.filter(is_active=True, organisation=user.organisation_id).order_by("last_name", "first_name")


@login_required
@require_http_methods(["GET", "POST"])
def allocate(request: HttpRequest, child_id: int) -> HttpResponse:
    """Managers allocate a worker and team; the old allocation ends today."""
    user = _user(request)
    child = access_child(user, child_id, for_write=True)
    _require(_is_manager(user))
    form = AllocationForm(_posted(request))
    teams = Team.objects.filter(active=True, organisation=user.organisation_id)
    form.fields["team"].queryset = teams  # type: ignore[attr-defined]
    workers = _staff_of(user).filter(role_assignments__team__in=teams, role_assignments__ended_on__isnull=True)
    form.fields["worker"].queryset = workers.distinct()  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        worker = form.cleaned_data["worker"]
        team = form.cleaned_data["team"]
        if worker is not None and not worker.role_assignments.filter(team=team, ended_on__isnull=True).exists():
            form.add_error("worker", _("Select a worker in the chosen team, or leave the worker blank"))
        else:
            actions.do_allocate(child, actor=user, team=team, worker=worker)
            messages.success(request, _("Allocation saved"))
            return redirect("child-overview", child_id=child.pk)
    context = child_context(request, child)
    context.update({"form": form, "title": _("Allocate a worker"), "button": _("Allocate")})
    return render(request, "core/child_form.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def add_involvement(request: HttpRequest, child_id: int) -> HttpResponse:
    user = _user(request)
    child = access_child(user, child_id, for_write=True)
    form = InvolvementForm(_posted(request))
    form.fields["worker"].queryset = User.objects.filter(is_active=True).order_by("last_name")  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        worker = data["worker"]
        if worker is not None and worker.organisation_id != data["organisation"].pk:
            form.add_error("worker", _("Select a worker from the chosen agency, or leave the worker blank"))
        else:
            actions.do_add_involvement(
                child,
                actor=user,
                kind=data["kind"],
                organisation=data["organisation"],
                worker=worker,
                started_on=data["started_on"],
                notes=data["notes"],
            )
            messages.success(request, _("Involvement added"))
            return redirect("child-overview", child_id=child.pk)
    context = child_context(request, child)
    context.update({"form": form, "title": _("Add an agency or worker involved"), "button": _("Save")})
    return render(request, "core/child_form.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["POST"])
def end_involvement(request: HttpRequest, child_id: int, involvement_id: int) -> HttpResponse:
    user = _user(request)
    child = access_child(user, child_id, for_write=True)
    inv = get_object_or_404(Involvement, pk=involvement_id, child=child)
    # Ending an allocation is a manager's decision, like making one.
    _require(inv.kind != InvolvementKind.ALLOCATED or _is_manager(user))
    if inv.ended_on is None:
        actions.do_end_involvement(inv, actor=user)
    messages.success(request, _("Involvement ended"))
    return redirect("child-overview", child_id=child.pk)


# ---------------------------------------------------------------- merging duplicates


def _may_merge(user: User) -> bool:
    ctx = staff_context(user)
    return bool(ctx.roles & MANAGER_ROLES) or ctx.is_sysadmin


@login_required
@require_http_methods(["GET", "POST"])
def merge_person(request: HttpRequest, child_id: int) -> HttpResponse:
    """A manager with access to both records merges a duplicate into this one."""
    user = _user(request)
    keep = access_child(user, child_id, for_write=True)
    _require(_may_merge(user))
    form = MergeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        duplicate_id = form.cleaned_data["duplicate"]
        duplicate = None
        if duplicate_id != keep.pk:
            try:
                duplicate = access_child(user, duplicate_id, for_write=True)
            except Http404:
                duplicate = None
        # access_child follows merged_into: a record already merged resolves
        # to its survivor, which must not be this record again.
        if duplicate is None or duplicate.pk == keep.pk or duplicate.pk != duplicate_id:
            form.add_error("duplicate", _("Enter the number of another record you have access to"))
        else:
            actions.do_merge_people(keep, actor=user, duplicate=duplicate, reason=form.cleaned_data["reason"])
            messages.success(request, _("Records merged"))
            return redirect("child-overview", child_id=keep.pk)
    context = child_context(request, keep)
    context.update(
        {
            "form": form,
            "title": _("Merge a duplicate into this record"),
            "hint": _(
                "Everything on the duplicate moves to this record. Links to the duplicate lead here. "
                "A system administrator can reverse a merge."
            ),
            "button": _("Merge records"),
            "warning": True,
        }
    )
    return render(request, "core/child_form.html", context, status=400 if form.errors else 200)


@login_required
def merges(request: HttpRequest) -> HttpResponse:
    """Merges, newest first, for a system administrator to reverse.  Records
    are named by number only: the administrator need not read them."""
    user = _user(request)
    _require(staff_context(user).is_sysadmin)
    page = Paginator(
        PersonMerge.objects.select_related("merged_by", "reversed_by").order_by("-merged_at"), 50
    ).get_page(request.GET.get("page"))
    return render(request, "core/merges.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def unmerge(request: HttpRequest, merge_id: int) -> HttpResponse:
    user = _user(request)
    _require(staff_context(user).is_sysadmin)
    merge = get_object_or_404(PersonMerge, pk=merge_id, reversed_at__isnull=True)
    form = ReasonForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        actions.do_unmerge_people(merge, actor=user, reason=form.cleaned_data["reason"])
        messages.success(request, _("Merge reversed"))
        return redirect("merges")
    return render(request, "core/unmerge.html", {"form": form, "merge": merge}, status=400 if form.errors else 200)


# ---------------------------------------------------------------- restriction and break-glass


@login_required
@require_http_methods(["GET", "POST"])
def restrict(request: HttpRequest, child_id: int) -> HttpResponse:
    """A manager seals the record (or changes its allow-list) or lifts it."""
    user = _user(request)
    child = access_child(user, child_id, for_write=True)
    _require(_is_manager(user))
    staff = _staff_of(user).exclude(pk=user.pk)
    allowed = list(child.restriction_allows.values_list("user_id", flat=True))
    initial = {"category": child.restriction, "review_on": child.restriction_review_on, "allow": allowed}
    form = RestrictionForm(_posted(request), staff=staff, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actions.do_restrict(
            child, actor=user, category=data["category"], review_on=data["review_on"], allow=list(data["allow"])
        )
        messages.success(request, _("Record restricted"))
        return redirect("child-overview", child_id=child.pk)
    context = child_context(request, child)
    context.update({"form": form})
    return render(request, "core/restriction.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["POST"])
def lift_restriction(request: HttpRequest, child_id: int) -> HttpResponse:
    user = _user(request)
    child = access_child(user, child_id, for_write=True)
    _require(_is_manager(user))
    if child.is_restricted:
        actions.do_lift_restriction(child, actor=user)
    messages.success(request, _("Restriction lifted"))
    return redirect("child-overview", child_id=child.pk)


@login_required
@require_http_methods(["GET", "POST"])
@recent_authentication_required
def break_glass(request: HttpRequest, child_id: int) -> HttpResponse:
    """Emergency access to a record by its number.

    The page names no one and looks the same whether or not the record
    exists or is restricted, so it cannot be used to discover a sealed
    record: only someone who already has the number (from a referral, a
    court order, a colleague) can use it.
    """
    user = _user(request)
    ctx = staff_context(user)
    _require(ctx.may_break_glass)
    form = BreakGlassForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        child = Person.objects.live().filter(pk=child_id).first()
        if child is None:
            audit.record_denial(
                "break_glass", user=user, object_type="core.person", object_id=str(child_id), child_id=child_id
            )
            raise Http404
        actions.do_break_glass(child, actor=user, reason=form.cleaned_data["reason"])
        messages.success(
            request,
            _("Emergency access granted for %(hours)s hours. Your managers have been told.")
            % {"hours": actions.BREAK_GLASS_HOURS},
        )
        return redirect("child-overview", child_id=child.pk)
    return render(
        request, "core/break_glass.html", {"form": form, "child_id": child_id}, status=400 if form.errors else 200
    )


def _reviewable_grants(user: User) -> QuerySet[BreakGlassGrant]:
    """Grants used by staff in the teams this manager manages."""
    managed = staff_context(user).managed_team_ids
    return BreakGlassGrant.objects.filter(
        user__role_assignments__team_id__in=managed, user__role_assignments__ended_on__isnull=True
    ).distinct()


@login_required
def break_glass_reviews(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require(_is_manager(user))
    grants = _reviewable_grants(user).select_related("user", "reviewed_by").order_by("reviewed_at", "-created_at")
    page = Paginator(grants, 50).get_page(request.GET.get("page"))
    return render(request, "core/break_glass_reviews.html", {"page": page, "form": BreakGlassReviewForm()})


@login_required
@require_http_methods(["POST"])
def review_break_glass(request: HttpRequest, grant_id: int) -> HttpResponse:
    user = _user(request)
    _require(_is_manager(user))
    grant = get_object_or_404(_reviewable_grants(user).filter(reviewed_at__isnull=True), pk=grant_id)
    form = BreakGlassReviewForm(request.POST)
    if form.is_valid():
        actions.do_review_break_glass(grant, actor=user, note=form.cleaned_data["note"])
        messages.success(request, _("Review recorded"))
        return redirect("break-glass-reviews")
    grants = _reviewable_grants(user).select_related("user", "reviewed_by").order_by("reviewed_at", "-created_at")
    page = Paginator(grants, 50).get_page(None)
    return render(
        request,
        "core/break_glass_reviews.html",
        {"page": page, "form": BreakGlassReviewForm(), "error_form": form, "error_grant": grant.pk},
        status=400,
    )


# ---------------------------------------------------------------- chronology as PDF


@login_required
@recent_authentication_required
def chronology_pdf(request: HttpRequest, child_id: int) -> HttpResponse:
    """The chronology, with the page's filters, as a printable PDF."""
    from weasyprint import HTML

    user = _user(request)
    child = access_child(user, child_id)
    _form, entries = _filtered_chronology(request, child)
    rows = [(entry, kind_label(entry.kind)) for entry in entries]
    html = render_to_string(
        "core/chronology_print.html",
        {
            "child": child,
            "entries": rows,
            "printed_at": timezone.localtime(),
            "printed_by": user,
            "kind_label": kind_label,
        },
        request=request,
    )
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="chronology-{child.pk}.pdf"'
    audit.record("export", user=user, obj=child, child_id=child.pk, detail={"format": "pdf", "rows": len(rows)})
    return response
