"""Retention pages: the review queue, a review and its decision, legal holds
and the destruction log.  Thin: parse, check who may, action, render.

Reviewers are named per class in rules.toml: for a school's records, the
school's DSL and headteacher; for the authority's, its records managers and
service managers.  Anyone else gets 404, as for anything they may not see.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from openics.core import audit
from openics.core.access import MAX_ID, staff_context
from openics.core.models import Enrolment, Person, User
from openics.core.roles import Role

from . import actions, schedule
from .forms import AdoptionOrderForm, DecisionForm, HoldForm, LiftForm
from .models import Destruction, LegalHold, RecordedDate, RetentionReview, RetentionReviewQuerySet, ReviewStatus

LIST_LIMIT = 200


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _reviewer(request: HttpRequest) -> User:
    user = _user(request)
    if not actions.is_records_reviewer(user):
        raise Http404
    return user


def _pk(value: int | str) -> int:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < pk <= MAX_ID:
        raise Http404
    return pk


def _school_ids(user: User) -> frozenset[int]:
    return staff_context(user).schools(Role.DSL, Role.HEADTEACHER)


def _children_in_scope(user: User) -> QuerySet[Person]:
    """Children a reviewer may place a hold on: any child for the
    authority's records managers, pupils who were ever on the roll for a
    school's DSL or headteacher."""
    children = Person.objects.filter(is_child=True, merged_into__isnull=True)
    if actions.may_manage_authority_records(user):
        return children
    pupils = Enrolment.objects.filter(school_id__in=_school_ids(user)).values("child_id")
    return children.filter(pk__in=pupils)


def _holds_in_scope(user: User) -> QuerySet[LegalHold]:
    holds = LegalHold.objects.select_related("child", "placed_by", "lifted_by")
    if actions.may_manage_authority_records(user):
        return holds
    pupils = Enrolment.objects.filter(school_id__in=_school_ids(user)).values("child_id")
    return holds.filter(child_ref__in=pupils)


def _destructions_in_scope(user: User) -> QuerySet[Destruction]:
    log = Destruction.objects.select_related("holder", "approved_by")
    if actions.may_manage_authority_records(user):
        return log
    return log.filter(holder_id__in=_school_ids(user))


def _reviews(user: User) -> RetentionReviewQuerySet:
    return RetentionReview.objects.filter(actions.reviewable_filter(user))


def _class_title(class_id: str) -> str:
    classes = schedule.classes()
    return classes[class_id].title if class_id in classes else class_id


# ---------------------------------------------------------------- the queue


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Reviews awaiting a decision, approved ones waiting for the scheduled
    run, and ones that could not be completed."""
    user = _reviewer(request)
    reviews = _reviews(user).select_related("child", "holder", "decided_by")
    open_reviews = list(reviews.open().order_by("kept_until", "pk")[:LIST_LIMIT])
    held = set(
        LegalHold.objects.active()
        .filter(child_ref__in=[r.child_ref for r in open_reviews if r.child_ref])
        .values_list("child_ref", "class_id")
    )
    rows: list[dict[str, Any]] = []
    for review in open_reviews:
        on_hold = (review.child_ref, "") in held or (review.child_ref, review.class_id) in held
        rows.append({"review": review, "title": _class_title(review.class_id), "on_hold": on_hold})
    audit.record_many(
        "list_hit",
        user=user,
        child_ids=sorted({r.child_ref for r in open_reviews if r.child_ref}),
        detail={"page": "retention_reviews"},
    )
    return render(
        request,
        "retention/home.html",
        {
            "due": [r for r in rows if r["review"].status == ReviewStatus.DUE],
            "approved": [r for r in rows if r["review"].status == ReviewStatus.DESTROY],
            "blocked": [r for r in rows if r["review"].status == ReviewStatus.BLOCKED],
            "classes": list(schedule.classes().values()),
            "may_manage": actions.may_manage_authority_records(user),
        },
    )


def _review_page(
    request: HttpRequest, review: RetentionReview, form: DecisionForm | None = None, status: int = 200
) -> HttpResponse:
    cls = schedule.get(review.class_id)
    holds = list(
        LegalHold.objects.covering(review.child_ref, review.class_id).select_related("placed_by")
        if review.child_ref
        else []
    )
    counts = actions.held_counts(review) if review.is_open else []
    form = form or DecisionForm(initial={"version": review.version})
    return render(
        request,
        "retention/review.html",
        {
            "review": review,
            "cls": cls,
            "holds": holds,
            "counts": counts,
            "form": form,
            # The review was found through `reviewable_filter`: whoever reads it may decide it.
            "may_decide": review.is_open,
            "destruction": getattr(review, "destruction", None) if review.status == ReviewStatus.DESTROYED else None,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_detail(request: HttpRequest, review_id: int) -> HttpResponse:
    user = _reviewer(request)
    review = _reviews(user).select_related("child", "holder", "decided_by").filter(pk=_pk(review_id)).first()
    if review is None:
        audit.record_denial(
            "retention_review_view", user=user, object_type="retention.retentionreview", object_id=str(review_id)
        )
        raise Http404
    if request.method == "POST":
        form = DecisionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.do_decide_review(
                    review,
                    actor=user,
                    decision=data["decision"],
                    reason=data["reason"],
                    keep_until=data.get("keep_until"),
                    version=data["version"],
                )
            except actions.RetentionRefused as refused:
                form.add_error(None, str(refused))
            else:
                if data["decision"] == "destroy":
                    messages.success(
                        request,
                        _(
                            "Approved for destruction. It is destroyed at the next scheduled run, "
                            "unless a legal hold stops it."
                        ),
                    )
                else:
                    messages.success(
                        request, _("Kept until %(date)s.") % {"date": data["keep_until"].strftime("%-d %B %Y")}
                    )
                return redirect("retention-home")
        return _review_page(request, review, form, status=400)
    audit.record("retention_review_view", user=user, obj=review, child_id=review.child_ref)
    return _review_page(request, review)


# ---------------------------------------------------------------- legal holds


def _find_child(user: User, reference: str) -> Person | None:
    reference = reference.strip()
    scope = _children_in_scope(user)
    match = Q(la_child_id__iexact=reference) | Q(upn__iexact=reference)
    if reference.isdigit() and 0 < int(reference) <= MAX_ID:
        match |= Q(pk=int(reference))
    found = list(scope.filter(match)[:2])
    return found[0] if len(found) == 1 else None


@login_required
def hold_list(request: HttpRequest) -> HttpResponse:
    user = _reviewer(request)
    holds = list(_holds_in_scope(user)[:LIST_LIMIT])
    audit.record_many(
        "list_hit", user=user, child_ids=sorted({h.child_ref for h in holds}), detail={"page": "legal_holds"}
    )
    return render(
        request,
        "retention/holds.html",
        {
            "active": [h for h in holds if h.is_active],
            "lifted": [h for h in holds if not h.is_active],
            "titles": {c.id: c.title for c in schedule.classes().values()},
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def hold_new(request: HttpRequest) -> HttpResponse:
    user = _reviewer(request)
    initial = {}
    if request.method == "GET" and request.GET.get("child"):
        initial = {"child_reference": request.GET["child"][:40], "class_id": request.GET.get("class", "")[:40]}
    form = HoldForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        child = _find_child(user, data["child_reference"])
        if child is None:
            form.add_error("child_reference", _("No child was found with that number: check it and try again"))
        else:
            try:
                actions.do_place_hold(
                    child, actor=user, reason=data["reason"], reference=data["reference"], class_id=data["class_id"]
                )
            except actions.RetentionRefused as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(
                    request, _("Legal hold placed on the records of %(name)s.") % {"name": child.display_name}
                )
                return redirect("retention-holds")
    return render(request, "retention/hold_new.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def hold_lift(request: HttpRequest, hold_id: int) -> HttpResponse:
    user = _reviewer(request)
    hold = _holds_in_scope(user).filter(pk=_pk(hold_id), lifted_at__isnull=True).first()
    if hold is None:
        raise Http404
    form = LiftForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_lift_hold(hold, actor=user, reason=form.cleaned_data["reason"])
        except actions.RetentionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("Legal hold lifted."))
            return redirect("retention-holds")
    return render(
        request,
        "retention/hold_lift.html",
        {"hold": hold, "form": form, "title": _class_title(hold.class_id) if hold.class_id else ""},
        status=400 if form.errors else 200,
    )


# ---------------------------------------------------------------- the log


@login_required
def destruction_log(request: HttpRequest) -> HttpResponse:
    user = _reviewer(request)
    log = list(_destructions_in_scope(user)[:LIST_LIMIT])
    audit.record("retention_log_view", user=user, detail={"rows": len(log)})
    entries: list[dict[str, Any]] = [
        {"d": d, "title": _class_title(d.class_id), "rows": sorted(d.rows.items())} for d in log
    ]
    return render(request, "retention/destructions.html", {"entries": entries})


# ---------------------------------------------------------------- dates the rules need


@login_required
@require_http_methods(["GET", "POST"])
def adoption_order(request: HttpRequest, child_id: int) -> HttpResponse:
    user = _reviewer(request)
    if not actions.may_manage_authority_records(user):
        raise Http404
    child = _children_in_scope(user).filter(pk=_pk(child_id)).first()
    if child is None:
        raise Http404
    form = AdoptionOrderForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_record_adoption_order(
                child, actor=user, on=form.cleaned_data["on"], source=form.cleaned_data["source"]
            )
        except actions.RetentionRefused as refused:
            form.add_error("on", str(refused))
        else:
            messages.success(request, _("Date of the adoption order recorded."))
            return redirect("retention-home")
    recorded = list(RecordedDate.objects.filter(child=child).select_related("recorded_by"))
    audit.record("retention_dates_view", user=user, obj=child, child_id=child.pk)
    return render(
        request,
        "retention/adoption_order.html",
        {"child": child, "form": form, "recorded": recorded, "today": timezone.localdate()},
        status=400 if form.errors else 200,
    )
