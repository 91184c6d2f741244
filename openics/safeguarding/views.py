"""Pages for school safeguarding.  Thin: parse, access, action, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from openics.core import audit
from openics.core.access import access_child, visible_people
from openics.core.models import Organisation, Person, RoleAssignment, User
from openics.core.reauth import recent_authentication_required
from openics.core.roles import Part
from openics.core.views import child_context

from . import actions
from .access import (
    LEAD_ROLES,
    access_concern,
    lead_school_ids,
    may_decide,
    recordable_pupils,
    recorder_school_ids,
    school_for,
)
from .forms import AdditionForm, ConcernForm, DecisionForm, FgmNotificationForm, apply_errors
from .models import EMPTY_MAP_VIEWS, Concern, TriageDecision

QUEUE_LIMIT = 200


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _require(condition: bool) -> None:
    if not condition:
        raise Http404


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """How to raise a concern, and who the school's DSL and deputies are."""
    user = _user(request)
    schools = recorder_school_ids(user)
    _require(bool(schools))
    today = timezone.localdate()
    assignments = (
        RoleAssignment.objects.filter(organisation_id__in=schools, role__in=LEAD_ROLES, started_on__lte=today)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today), user__is_active=True)
        .select_related("user")
        .order_by("role", "user__last_name")
    )
    leads_by_school = [
        (school, [a for a in assignments if a.organisation_id == school.pk])
        for school in Organisation.objects.filter(pk__in=schools).order_by("name")
    ]
    lead_schools = lead_school_ids(user)
    waiting = _queue(user).count() if lead_schools else 0
    return render(
        request,
        "safeguarding/home.html",
        {"leads_by_school": leads_by_school, "is_lead": bool(lead_schools), "waiting": waiting},
    )


@login_required
@require_http_methods(["GET", "POST"])
def new_concern(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require(bool(recorder_school_ids(user)))
    if request.method == "POST":
        form = ConcernForm(request.POST, user=user)
        if form.is_valid():
            data = form.cleaned_data
            child: Person = data["child"]
            # The chokepoint once more (and audited): the form only offered
            # pupils the user can see, but the roll may have changed since.
            child = access_child(user, child.pk, part=Part.CORE)
            school_id = school_for(user, child)
            if school_id is None:
                raise Http404
            try:
                concern = actions.do_record_concern(
                    child,
                    actor=user,
                    school=Organisation.objects.get(pk=school_id),
                    data=data,
                    other_pupils=data.get("other_pupils") or [],
                )
            except ValidationError as error:
                apply_errors(form, error, {"body_map": "marks", "occurred_at": "occurred_time"})
            else:
                messages.success(request, "Concern recorded. The designated safeguarding lead has been alerted.")
                if concern.fgm_known:
                    return redirect("concern-fgm", concern_id=concern.pk)
                return redirect("concern-detail", concern_id=concern.pk)
    else:
        now = timezone.localtime()
        initial: dict[str, Any] = {"occurred_on": now.date(), "occurred_time": now.strftime("%H:%M")}
        wanted = request.GET.get("child", "")
        if wanted.isdigit() and len(wanted) < 19:
            initial["child"] = recordable_pupils(user).filter(pk=int(wanted)).first()
        form = ConcernForm(initial=initial, user=user)
    return render(
        request,
        "safeguarding/new_concern.html",
        {"form": form, "empty_views": EMPTY_MAP_VIEWS},
        status=400 if form.errors else 200,
    )


def _detail_context(request: HttpRequest, concern: Concern, full: bool, user: User) -> dict[str, Any]:
    context = child_context(request, concern.child)
    additions = concern.additions.select_related("added_by")
    if not full:
        additions = additions.filter(added_by=user)
    context.update(
        {
            "concern": concern,
            "full": full,
            "additions": additions,
            "other_pupils": concern.other_pupils.all() if full else [],
            "decisions": concern.decisions.select_related("decided_by") if full else [],
            "can_decide": full and may_decide(user, concern),
            "fgm_notification": getattr(concern, "fgm_notification", None) if concern.is_fgm else None,
            "is_recorder": concern.recorded_by_id == user.pk,
            "addition_form": AdditionForm(),
        }
    )
    return context


@login_required
def concern_detail(request: HttpRequest, concern_id: int) -> HttpResponse:
    user = _user(request)
    concern, full = access_concern(user, concern_id)
    if full and may_decide(user, concern):
        actions.do_mark_read(concern, actor=user)
    audit.record("view", user=user, obj=concern, child_id=concern.child_id, detail={"full": full})
    return render(request, "safeguarding/concern_detail.html", _detail_context(request, concern, full, user))


@login_required
@require_http_methods(["GET", "POST"])
def add_to_concern(request: HttpRequest, concern_id: int) -> HttpResponse:
    user = _user(request)
    concern, _full = access_concern(user, concern_id)
    form = AdditionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_add_to_concern(concern, actor=user, text=form.cleaned_data["text"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Your addition has been saved.")
            return redirect("concern-detail", concern_id=concern.pk)
    context = child_context(request, concern.child)
    context.update({"concern": concern, "form": form})
    return render(request, "safeguarding/add.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def decide(request: HttpRequest, concern_id: int) -> HttpResponse:
    user = _user(request)
    concern, _full = access_concern(user, concern_id, as_recorder=False)
    if not may_decide(user, concern):
        context = child_context(request, concern.child)
        context["message"] = "Only the designated safeguarding lead or a deputy at the school records decisions."
        return render(request, "safeguarding/refused.html", context, status=403)
    form = DecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_decide(concern, actor=user, data=form.decision_data())
        except ValidationError as error:
            apply_errors(form, error, {"hub_phoned_at": "hub_phoned_time", "police_informed_at": "police_time"})
        else:
            messages.success(request, "Decision recorded.")
            return redirect("concern-detail", concern_id=concern.pk)
    context = child_context(request, concern.child)
    context.update({"concern": concern, "form": form})
    return render(request, "safeguarding/decide.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def fgm_notification(request: HttpRequest, concern_id: int) -> HttpResponse:
    user = _user(request)
    concern, _full = access_concern(user, concern_id)
    # The duty is personal to the member of staff who found out.
    _require(concern.recorded_by_id == user.pk and concern.is_fgm)
    done = getattr(concern, "fgm_notification", None)
    form = FgmNotificationForm(request.POST if request.method == "POST" and done is None else None)
    if request.method == "POST" and done is None and form.is_valid():
        try:
            actions.do_record_fgm_notification(
                concern,
                actor=user,
                notified_at=form.cleaned_data.get("notified_at"),
                police_reference=form.cleaned_data["police_reference"],
            )
        except ValidationError as error:
            apply_errors(form, error, {"notified_at": "notified_time"})
        except actions.ConcernRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, "Your notification to the police has been recorded.")
            return redirect("concern-detail", concern_id=concern.pk)
    context = child_context(request, concern.child)
    context.update({"concern": concern, "form": form, "done": done})
    return render(request, "safeguarding/fgm.html", context, status=400 if form.errors else 200)


def _queue(user: User) -> Any:
    """Concerns awaiting the DSL's decision at the user's schools, about
    children the user can see on those schools' rolls."""
    schools = lead_school_ids(user)
    visible = visible_people(user, Person.objects.filter(is_child=True)).values("pk")
    return Concern.objects.filter(school_id__in=schools, child_id__in=visible).awaiting_decision()


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require(bool(lead_school_ids(user)))
    concerns = list(_queue(user).select_related("child", "recorded_by", "school").triage_order()[:QUEUE_LIMIT])
    audit.record_many(
        "list_hit", user=user, child_ids=sorted({c.child_id for c in concerns}), detail={"page": "safeguarding_queue"}
    )
    return render(request, "safeguarding/queue.html", {"concerns": concerns, "limit": QUEUE_LIMIT})


@login_required
def child_concerns(request: HttpRequest, child_id: int) -> HttpResponse:
    """The child protection file: every concern about the child."""
    user = _user(request)
    child = access_child(user, child_id, part=Part.SCHOOL_SAFEGUARDING)
    concerns = (
        Concern.objects.filter(child=child)
        .select_related("recorded_by", "school")
        .annotate(additions_count=Count("additions", distinct=True))
        .prefetch_related(Prefetch("decisions", queryset=TriageDecision.objects.order_by("-decided_at", "-pk")))
        .order_by("-recorded_at", "-pk")
    )
    # Concerns about other pupils that name this one: when and what kind
    # only; the concern itself opens to those who may read that child's file.
    linked = (
        Concern.objects.filter(other_pupils=child)
        .exclude(child=child)
        .select_related("school")
        .order_by("-recorded_at", "-pk")
    )
    audit.record("view", user=user, obj=child, child_id=child.pk, detail={"page": "cp_file"})
    context = child_context(request, child)
    context["concerns"] = concerns
    context["linked"] = linked
    return render(request, "safeguarding/child_concerns.html", context)


@login_required
@recent_authentication_required
def concern_pdf(request: HttpRequest, concern_id: int) -> HttpResponse:
    from weasyprint import HTML

    user = _user(request)
    concern, _full = access_concern(user, concern_id, as_recorder=False)
    html = render_to_string(
        "safeguarding/concern_print.html",
        {
            "concern": concern,
            "child": concern.child,
            "additions": concern.additions.select_related("added_by"),
            "decisions": concern.decisions.select_related("decided_by"),
            "other_pupils": concern.other_pupils.all(),
            "fgm_notification": getattr(concern, "fgm_notification", None) if concern.is_fgm else None,
            "printed_at": timezone.localtime(),
            "printed_by": user,
        },
        request=request,
    )
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="concern-{concern.pk}.pdf"'
    audit.record("export", user=user, obj=concern, child_id=concern.child_id, detail={"format": "pdf"})
    return response
