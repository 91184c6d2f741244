"""Pages for plans.  Thin: parse, access, action, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from openics.core import audit
from openics.core.access import MAX_ID, access_child, staff_context
from openics.core.actions import StaleEdit
from openics.core.models import User
from openics.core.roles import Part
from openics.core.views import child_context

from . import actions, costs
from . import content as plan_content
from .deadlines import review_mode
from .forms import (
    AgreeForm,
    EndorseForm,
    LevelOfNeedForm,
    NewVersionForm,
    PlanContentForm,
    ReviewForm,
    StartPlanForm,
    apply_row_button,
)
from .models import LevelOfNeed, Plan, PlanReview, PlanStatus, PlanVersion, Progress, VersionStatus
from .types import get_plan_type


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _id(value: int) -> int:
    if not 0 < value <= MAX_ID:
        raise Http404
    return value


def _plan(user: User, plan_id: int, *, for_write: bool = False) -> Plan:
    """The plan through the child's access chokepoint: 404 alike for missing and forbidden."""
    plan = Plan.objects.filter(pk=_id(plan_id)).first()
    if plan is None:
        raise Http404
    plan.child = access_child(user, plan.child_id, for_write=for_write, part=plan.part)
    return plan


def _version(user: User, version_id: int, *, for_write: bool = False) -> PlanVersion:
    version = PlanVersion.objects.select_related("plan").filter(pk=_id(version_id)).first()
    if version is None:
        raise Http404
    version.plan.child = access_child(user, version.plan.child_id, for_write=for_write, part=version.plan.part)
    return version


def _refused(request: HttpRequest, plan: Plan, refusal: actions.PlanRefused) -> HttpResponse:
    context = child_context(request, plan.child)
    context.update({"plan": plan, "message": refusal.message})
    return render(request, "plans/refused.html", context, status=refusal.status)


@login_required
def child_plans(request: HttpRequest, child_id: int) -> HttpResponse:
    user = _user(request)
    child = access_child(user, child_id, part=Part.PLANS)
    assert child._grant is not None
    plans = Plan.objects.filter(child=child, part__in=child._grant.parts).order_by("-created_at", "-pk")
    audit.record("view", user=user, obj=child, child_id=child.pk, detail={"page": "plans"})
    context = child_context(request, child)
    context.update(
        {
            "plans": plans,
            "level": LevelOfNeed.objects.current_for(child),
            "costs": costs.child_costs(child, child._grant.parts),
        }
    )
    return render(request, "plans/child_plans.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def start_plan(request: HttpRequest, child_id: int) -> HttpResponse:
    user = _user(request)
    child = access_child(user, child_id, for_write=True, part=Part.PLANS)
    assert child._grant is not None
    form = StartPlanForm(request.POST if request.method == "POST" else None, parts=child._grant.parts)
    if request.method == "POST" and form.is_valid():
        ptype = get_plan_type(form.cleaned_data["plan_type"])
        child = access_child(user, child_id, for_write=True, part=ptype.part)
        try:
            plan = actions.do_start_plan(child, actor=user, plan_type=ptype.id)
        except actions.PlanRefused as refusal:
            form.add_error("plan_type", refusal.message)
        else:
            return redirect("plan-version-edit", version_id=plan.versions.get().pk)
    context = child_context(request, child)
    context["form"] = form
    return render(request, "plans/start.html", context, status=400 if form.errors else 200)


def _permissions(plan: Plan, user: User) -> dict[str, bool]:
    """Which buttons to offer; the actions decide for themselves."""
    roles = staff_context(user).roles
    ptype = plan.type
    writable = plan.child._grant is not None and plan.child._grant.writable
    return {
        "can_write": writable and ptype.may_complete(roles) and plan.status != PlanStatus.ENDED,
    }


@login_required
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = _user(request)
    plan = _plan(user, plan_id)
    grant = plan.child._grant
    assert grant is not None
    versions = list(plan.versions.select_related("created_by", "agreed_by", "endorsed_by").order_by("number"))
    current = next((v for v in reversed(versions) if v.status != VersionStatus.DRAFT), None)
    draft = next((v for v in versions if v.status == VersionStatus.DRAFT), None)
    shown = current or draft
    audit.record("view", user=user, obj=plan, child_id=plan.child_id)
    context = child_context(request, plan.child)
    context.update(
        {
            "plan": plan,
            "type": plan.type,
            "current": current,
            "draft": draft,
            "shown": shown,
            "content": _display(plan, shown.content if shown else {}),
            "reviews": plan.reviews.select_related("created_by").order_by("-review_date", "-pk"),
            "plan_costs": costs.plan_costs(plan, current),
            "child_costs": costs.child_costs(plan.child, grant.parts),
            "review_mode": review_mode(plan, user).describe(),
            "can_endorse": current is not None and _can_endorse(current, user),
            **_permissions(plan, user),
        }
    )
    return render(request, "plans/plan_detail.html", context)


def _display(plan: Plan, content: dict[str, Any]) -> dict[str, Any]:
    """Content with labels and costs ready for reading."""
    outcomes = content.get("outcomes") or []
    numbers = {o["key"]: n for n, o in enumerate(outcomes, 1)}
    actions_rows = [
        {**a, "cost": plan_content.pounds(a.get("cost_pence")), "outcome_number": numbers.get(a.get("outcome") or "")}
        for a in content.get("actions") or []
    ]
    return {
        **content,
        "actions": actions_rows,
        "sections": plan.type.sections,
        "terms": plan_content.TERMS,
        "needs_labels": [
            (label, (content.get("needs") or {}).get(k, "")) for k, label in plan_content.NEEDS_DOMAINS.items()
        ],
        "total": plan_content.pounds(plan_content.total_cost_pence(content)),
    }


@login_required
def version_detail(request: HttpRequest, version_id: int) -> HttpResponse:
    user = _user(request)
    version = _version(user, version_id)
    plan = version.plan
    audit.record("view", user=user, obj=version, child_id=plan.child_id)
    context = child_context(request, plan.child)
    context.update(
        {
            "plan": plan,
            "version": version,
            "content": _display(plan, version.content),
            "can_endorse": _can_endorse(version, user),
            **_permissions(plan, user),
        }
    )
    return render(request, "plans/version_detail.html", context)


def _can_endorse(version: PlanVersion, user: User) -> bool:
    try:
        actions.check_endorser(version, user)
    except actions.PlanRefused:
        return False
    return version.plan.child._grant is not None and version.plan.child._grant.writable


@login_required
def plan_history(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = _user(request)
    plan = _plan(user, plan_id)
    versions = plan.versions.select_related("created_by", "agreed_by", "endorsed_by").order_by("-number")
    audit.record("view", user=user, obj=plan, child_id=plan.child_id, detail={"page": "history"})
    context = child_context(request, plan.child)
    context.update({"plan": plan, "versions": versions})
    return render(request, "plans/history.html", context)


@login_required
def plan_compare(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = _user(request)
    plan = _plan(user, plan_id)
    versions = {v.number: v for v in plan.versions.order_by("number")}
    numbers = sorted(versions)

    def pick(name: str, default: int) -> int:
        raw = request.GET.get(name, "")
        return int(raw) if raw.isdigit() and int(raw) in versions else default

    before = pick("a", numbers[-2] if len(numbers) > 1 else numbers[0])
    after = pick("b", numbers[-1])
    changes = plan_content.compare(plan.type, versions[before].content, versions[after].content)
    audit.record(
        "view", user=user, obj=plan, child_id=plan.child_id, detail={"page": "compare", "a": before, "b": after}
    )
    context = child_context(request, plan.child)
    context.update({"plan": plan, "numbers": numbers, "before": before, "after": after, "changes": changes})
    return render(request, "plans/compare.html", context)


def _autosaved(request: HttpRequest, version: PlanVersion, message: str, *, ok: bool) -> HttpResponse:
    return render(request, "plans/_autosave.html", {"version": version, "message": message, "ok": ok})


def _stale_message(current: PlanVersion) -> str:
    when = timezone.localtime(current.updated_at).strftime("%H:%M")
    return (
        f"Someone else saved this plan at {when}, after you opened it. Your changes are shown below "
        "but have not been saved: copy them, reload the page, and add them again."
    )


@login_required
@require_http_methods(["GET", "POST"])
def version_edit(request: HttpRequest, version_id: int) -> HttpResponse:
    user = _user(request)
    version = _version(user, version_id, for_write=True)
    plan = version.plan
    ptype = plan.type
    htmx = bool(getattr(request, "htmx", False))
    if version.status != VersionStatus.DRAFT:
        return _refused(
            request,
            plan,
            actions.PlanRefused("This version has been agreed: to change the plan, start a new version.", status=409),
        )
    if not ptype.may_complete(staff_context(user).roles):
        return _refused(
            request,
            plan,
            actions.PlanRefused(f"A {ptype.title} is written by a {ptype.role_names(ptype.completed_by)}."),
        )
    status = 200
    if request.method == "POST":
        form = PlanContentForm(request.POST, plan_type=ptype, content=version.content)
        valid = form.is_valid()
        expected = form.cleaned_data.get("version") if "version" not in form.errors else None
        then = request.POST.get("then", "save")
        if valid:
            content, anchor = apply_row_button(form.content(), then)
            try:
                if expected is None:
                    raise StaleEdit(version)
                version = actions.do_save_draft(version, actor=user, content=content, expected_version=expected)
            except StaleEdit as stale:
                current: PlanVersion = stale.current  # type: ignore[assignment]
                if htmx:
                    return _autosaved(request, version, _stale_message(current), ok=False)
                form.add_error(None, _stale_message(current))
                status = 409
            except actions.PlanRefused as refusal:
                if htmx:
                    return _autosaved(request, version, refusal.message, ok=False)
                return _refused(request, plan, refusal)
            except ValidationError as error:
                form.add_content_errors({k: str(v[0]) for k, v in error.message_dict.items()})
                status = 400
            else:
                saved_at = timezone.localtime().strftime("%H:%M")
                if htmx:
                    return _autosaved(request, version, f"Saved at {saved_at}", ok=True)
                if then == "agree":
                    return redirect("plan-version-agree", version_id=version.pk)
                url = reverse("plan-version-edit", args=[version.pk])
                if anchor:
                    return redirect(f"{url}#{anchor}")
                messages.success(request, f"Draft saved at {saved_at}")
                return redirect(url)
        else:
            if htmx:
                labels = sorted({str(form.fields[n].label) for n in form.errors if n in form.fields})
                return _autosaved(request, version, f"Not saved until corrected: {', '.join(labels)}", ok=False)
            status = 400
    else:
        form = PlanContentForm(plan_type=ptype, content=version.content, version=version.version)
    context = child_context(request, plan.child)
    context.update({"plan": plan, "version": version, "form": form, "type": ptype})
    return render(request, "plans/edit.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def version_agree(request: HttpRequest, version_id: int) -> HttpResponse:
    user = _user(request)
    version = _version(user, version_id, for_write=True)
    plan = version.plan
    mode = review_mode(plan, user)
    first = plan.status == PlanStatus.DRAFT
    form = AgreeForm(request.POST if request.method == "POST" else None, agreed_review=mode.agreed and first)
    missing: list[tuple[str, str]] = []
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_agree(
                version,
                actor=user,
                agreed_on=form.cleaned_data["agreed_on"],
                next_review_on=form.cleaned_data.get("next_review_on"),
            )
        except actions.PlanRefused as refusal:
            return _refused(request, plan, refusal)
        except ValidationError as error:
            by_field = dict(error.message_dict)
            for name in ("agreed_on", "next_review_on"):
                for text in by_field.pop(name, []):
                    form.add_error(name if name in form.fields else None, text)
            edit = reverse("plan-version-edit", args=[version.pk])
            ids = PlanContentForm(plan_type=plan.type, content=version.content)
            missing = [
                (
                    f"{edit}#{ids.first_error_id(path) if path in ids.fields else 'section-' + path.split('-')[0]}",
                    str(texts[0]),
                )
                for path, texts in by_field.items()
            ]
        else:
            messages.success(request, "Plan agreed")
            return redirect("plan-detail", plan_id=plan.pk)
    context = child_context(request, plan.child)
    context.update({"plan": plan, "version": version, "form": form, "missing": missing, "review_mode": mode.describe()})
    return render(request, "plans/agree.html", context, status=400 if (missing or form.errors) else 200)


@login_required
@require_http_methods(["GET", "POST"])
def version_endorse(request: HttpRequest, version_id: int) -> HttpResponse:
    user = _user(request)
    version = _version(user, version_id, for_write=True)
    plan = version.plan
    try:
        actions.check_endorser(version, user)
    except actions.PlanRefused as refusal:
        return _refused(request, plan, refusal)
    form = EndorseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_endorse(version, actor=user, comments=form.cleaned_data["comments"])
        except actions.PlanRefused as refusal:
            return _refused(request, plan, refusal)
        messages.success(request, "Plan endorsed")
        return redirect("plan-detail", plan_id=plan.pk)
    context = child_context(request, plan.child)
    context.update({"plan": plan, "version": version, "form": form, "content": _display(plan, version.content)})
    return render(request, "plans/endorse.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def plan_new_version(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = _user(request)
    plan = _plan(user, plan_id, for_write=True)
    form = NewVersionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            new = actions.do_new_version(plan, actor=user, reason=form.cleaned_data["reason"])
        except actions.PlanRefused as refusal:
            return _refused(request, plan, refusal)
        return redirect("plan-version-edit", version_id=new.pk)
    context = child_context(request, plan.child)
    context.update({"plan": plan, "form": form})
    return render(request, "plans/new_version.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def plan_review(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = _user(request)
    plan = _plan(user, plan_id, for_write=True)
    current = actions.current_version(plan)
    if plan.status != PlanStatus.ACTIVE or current is None:
        return _refused(
            request,
            plan,
            actions.PlanRefused("Only an active plan (agreed and not ended) can be reviewed.", status=409),
        )
    mode = review_mode(plan, user)
    outcomes = list(current.content.get("outcomes") or [])
    # The review may be recorded from the meeting that held it (?meeting=ID).
    from openics.meetings import views as meeting_views

    try:
        meeting = meeting_views.review_meeting(user, plan, request.GET.get("meeting"))
    except meeting_views.MeetingRefused as refusal:
        return _refused(request, plan, refusal)  # type: ignore[arg-type]
    form = ReviewForm(
        request.POST if request.method == "POST" else None,
        outcomes=outcomes,
        agreed_review=mode.agreed,
        initial=meeting_views.review_prefill(meeting) if meeting else None,
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        record = actions.do_record_review if meeting is None else meeting_views.record_review_from(meeting)
        try:
            review = record(
                plan,
                actor=user,
                review_date=d["review_date"],
                held_at=d["held_at"],
                attended=d["attended"],
                outcomes=form.entries(),
                decision=d["decision"],
                decision_reason=d["decision_reason"],
                next_review_on=d.get("next_review_on"),
                late_reason=d["late_reason"],
            )
        except (actions.PlanRefused, meeting_views.MeetingRefused) as refusal:
            return _refused(request, plan, refusal)  # type: ignore[arg-type]
        except ValidationError as error:
            for name, texts in error.message_dict.items():
                form.add_error(name if name in form.fields else None, texts[0])
        else:
            messages.success(request, "Review recorded")
            return redirect("plan-review-detail", review_id=review.pk)
    context = child_context(request, plan.child)
    context.update({"plan": plan, "version": current, "form": form, "review_mode": mode.describe()})
    context.update(meeting=meeting, review_meetings=[] if meeting else meeting_views.review_meetings_for(user, plan))
    return render(request, "plans/review.html", context, status=400 if form.errors else 200)


@login_required
def review_detail(request: HttpRequest, review_id: int) -> HttpResponse:
    user = _user(request)
    review = PlanReview.objects.select_related("plan", "version", "created_by").filter(pk=_id(review_id)).first()
    if review is None:
        raise Http404
    review.plan.child = access_child(user, review.plan.child_id, part=review.plan.part)
    audit.record("view", user=user, obj=review, child_id=review.plan.child_id)
    progress = dict(Progress.choices)
    rows = []
    for outcome in review.version.content.get("outcomes") or []:
        entry = review.outcome_entry(outcome["key"])
        targets = [
            (t.get("text"), progress.get(entry.get("targets", {}).get(t["key"], ""), ""))
            for t in outcome.get("targets") or []
        ]
        rows.append(
            {
                "outcome": outcome,
                "entry": entry,
                "progress": progress.get(entry.get("progress", ""), ""),
                "targets": targets,
            }
        )
    context = child_context(request, review.plan.child)
    context.update({"plan": review.plan, "review": review, "rows": rows, "levels": review.level_changes.all()})
    return render(request, "plans/review_detail.html", context)


@login_required
def child_level_of_need(request: HttpRequest, child_id: int) -> HttpResponse:
    user = _user(request)
    child = access_child(user, child_id, part=Part.PLANS)
    history = (
        LevelOfNeed.objects.filter(child=child).select_related("decided_by", "review").order_by("-decided_on", "-pk")
    )
    audit.record("view", user=user, obj=child, child_id=child.pk, detail={"page": "level-of-need"})
    context = child_context(request, child)
    context["history"] = history
    return render(request, "plans/level_of_need.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def record_level_of_need(request: HttpRequest, child_id: int) -> HttpResponse:
    user = _user(request)
    child = access_child(user, child_id, for_write=True, part=Part.PLANS)
    form = LevelOfNeedForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.do_record_level_of_need(
                child, actor=user, level=d["level"], stage=d["stage"], decided_on=d["decided_on"], reason=d["reason"]
            )
        except ValidationError as error:
            for name, texts in error.message_dict.items():
                form.add_error(name if name in form.fields else None, texts[0])
        else:
            messages.success(request, "Level of need recorded")
            return redirect("child-level-of-need", child_id=child.pk)
    context = child_context(request, child)
    context["form"] = form
    return render(request, "plans/level_of_need_record.html", context, status=400 if form.errors else 200)
