"""Pages for meetings.  Thin: parse, access, action, render or redirect."""

from __future__ import annotations

import functools
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from openics.core import audit
from openics.core.access import MAX_ID, access_child
from openics.core.actions import StaleEdit
from openics.core.models import Person, User
from openics.core.reauth import recent_authentication_required
from openics.core.roles import Part
from openics.core.views import child_context

from . import actions
from .forms import CancelForm, DistributionForm, InviteForm, MeetingForm, ParticipantForm, RecordForm, SendRecordForm
from .models import REVIEW_KINDS, Attendance, Meeting, MeetingStatus, Participant

MEETING_PARTS = (Part.PLANS, Part.SOCIAL_CARE)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def meeting_for(user: User, meeting_id: int | str, *, for_write: bool = False) -> Meeting:
    """The meeting through its child's chokepoint, in the meeting's part:
    404 alike for missing and forbidden."""
    try:
        pk = int(meeting_id)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < pk <= MAX_ID:
        raise Http404
    meeting = Meeting.objects.select_related("chair", "created_by", "plan", "plan_review").filter(pk=pk).first()
    if meeting is None:
        raise Http404
    meeting.child = access_child(user, meeting.child_id, for_write=for_write, part=meeting.part)
    return meeting


def child_for_meetings(user: User, child_id: int, *, for_write: bool = False) -> Person:
    """The child if the user may see either part meetings belong to."""
    child = access_child(user, child_id, for_write=for_write)
    grant = child._grant
    assert grant is not None
    if not any(grant.can_see(part) for part in MEETING_PARTS):
        # Refused the same way (and audited) as any other part.
        access_child(user, child_id, for_write=for_write, part=Part.PLANS)
    return child


def visible_other_children(user: User, meeting: Meeting) -> list[Person]:
    """Siblings the meeting concerns, only those this user may see."""
    return list(
        Person.objects.visible_to(user).filter(pk__in=meeting.other_children.values("pk")).order_by("first_name")
    )


def _context(request: HttpRequest, meeting: Meeting, **extra: Any) -> dict[str, Any]:
    context = child_context(request, meeting.child)
    context.update({"meeting": meeting, **extra})
    return context


def _refused(request: HttpRequest, meeting: Meeting, refusal: actions.MeetingRefused) -> HttpResponse:
    return render(
        request, "meetings/refused.html", _context(request, meeting, message=refusal.message), status=refusal.status
    )


def _apply_errors(form: Any, error: ValidationError) -> None:
    for field, msgs in error.message_dict.items():
        form.add_error(field if field in form.fields else None, msgs)


@login_required
def child_meetings(request: HttpRequest, child_id: int) -> HttpResponse:
    user = _user(request)
    child = child_for_meetings(user, child_id)
    assert child._grant is not None
    meetings = (
        Meeting.objects.about(child, user)
        .in_parts(child._grant.parts)
        .select_related("chair")
        .order_by("starts_at", "pk")
    )
    now = timezone.now()
    upcoming = [m for m in meetings if m.starts_at >= now and m.status == MeetingStatus.PLANNED]
    past = [m for m in reversed(meetings) if not (m.starts_at >= now and m.status == MeetingStatus.PLANNED)]
    audit.record("view", user=user, obj=child, child_id=child.pk, detail={"page": "meetings"})
    context = child_context(request, child)
    context.update({"upcoming": upcoming, "past": past})
    return render(request, "meetings/child_meetings.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def plan_meeting(request: HttpRequest, child_id: int) -> HttpResponse:
    user = _user(request)
    child = child_for_meetings(user, child_id, for_write=True)
    assert child._grant is not None
    form = MeetingForm(
        request.POST if request.method == "POST" else None, child=child, user=user, parts=child._grant.parts
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        from .models import KIND_PART

        part = KIND_PART[d["kind"]]
        child = access_child(user, child_id, for_write=True, part=part)
        # Each sibling is checked as if opened alone: same part, for writing.
        others = [access_child(user, c.pk, for_write=True, part=part) for c in d.get("other_children") or []]
        try:
            meeting = actions.do_plan_meeting(
                child,
                actor=user,
                kind=d["kind"],
                title=d["title"],
                starts_at=d["starts_at"],
                ends_at=d["ends_at"],
                mode=d["mode"],
                place=d["place"],
                chair=d["chair"],
                plan=d["plan"],
                other_children=others,
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Meeting planned. Add who is invited.")
            return redirect("meeting-participants", meeting_id=meeting.pk)
    context = child_context(request, child)
    context["form"] = form
    return render(request, "meetings/plan.html", context, status=400 if form.errors else 200)


@login_required
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    user = _user(request)
    meeting = meeting_for(user, meeting_id)
    audit.record("view", user=user, obj=meeting, child_id=meeting.child_id)
    participants = list(meeting.participants.select_related("user", "supporting"))
    context = _context(
        request,
        meeting,
        participants=participants,
        attended=[p for p in participants if p.attendance == Attendance.ATTENDED],
        apologies=[p for p in participants if p.attendance == Attendance.APOLOGIES],
        other_children=visible_other_children(user, meeting),
        actions=list(meeting.actions.all()),
        reports=list(meeting.reports.all()),
        copies=actions.distribution_for(meeting).count(),
        review_plans=_plans_to_review(meeting),
    )
    return render(request, "meetings/detail.html", context)


def _plans_to_review(meeting: Meeting) -> list[Any]:
    """Active plans whose review this held review meeting could record."""
    from openics.plans.models import Plan, PlanStatus

    if meeting.kind not in REVIEW_KINDS or meeting.status != MeetingStatus.HELD or meeting.plan_review_id:
        return []
    plans = Plan.objects.filter(child_id=meeting.child_id, part=meeting.part, status=PlanStatus.ACTIVE)
    if meeting.plan_id:
        plans = plans.filter(pk=meeting.plan_id)
    return list(plans.order_by("-started_on", "-pk"))


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, meeting_id: int) -> HttpResponse:
    user = _user(request)
    meeting = meeting_for(user, meeting_id, for_write=True)
    assert meeting.child._grant is not None
    local = timezone.localtime(meeting.starts_at)
    initial = {
        "title": meeting.title,
        "date": local.date(),
        "start": f"{local:%H:%M}",
        "end": f"{timezone.localtime(meeting.ends_at):%H:%M}",
        "mode": meeting.mode,
        "place": meeting.place,
        "chair": meeting.chair_id,
    }
    form = MeetingForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        child=meeting.child,
        user=user,
        parts=meeting.child._grant.parts,
        editing=True,
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.do_update_meeting(
                meeting,
                actor=user,
                expected_version=_version(request),
                title=d["title"],
                starts_at=d["starts_at"],
                ends_at=d["ends_at"],
                mode=d["mode"],
                place=d["place"],
                chair=d["chair"],
            )
        except actions.MeetingRefused as refusal:
            return _refused(request, meeting, refusal)
        except StaleEdit:
            form.add_error(
                None, "Someone else changed this meeting while you were editing. Check the details and save again."
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Meeting changed. Everyone already invited has been sent the new details.")
            return redirect("meeting-detail", meeting_id=meeting.pk)
    return render(
        request, "meetings/edit.html", _context(request, meeting, form=form), status=400 if form.errors else 200
    )


def _version(request: HttpRequest) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() and len(value) < 10 else None


@login_required
@require_http_methods(["GET", "POST"])
def meeting_participants(request: HttpRequest, meeting_id: int) -> HttpResponse:
    user = _user(request)
    meeting = meeting_for(user, meeting_id, for_write=request.method == "POST")
    form = ParticipantForm(
        request.POST if request.method == "POST" and "remove" not in request.POST else None, meeting=meeting
    )
    if request.method == "POST":
        try:
            if "remove" in request.POST:
                removing = Participant.objects.filter(meeting=meeting, pk=_int(request.POST["remove"])).first()
                if removing is None:
                    raise Http404
                actions.do_remove_participant(removing, actor=user)
                messages.success(request, f"{removing.display_name} removed from the list.")
                return redirect("meeting-participants", meeting_id=meeting.pk)
            if form.is_valid():
                d = form.cleaned_data
                participant = actions.do_add_participant(
                    meeting,
                    actor=user,
                    user=d["user"],
                    name=d["name"],
                    email=d["email"],
                    kind=d["kind"],
                    agency=d["agency"],
                    role=d["role"],
                    supporting=d["supporting"],
                )
                messages.success(request, f"{participant.display_name} added.")
                return redirect("meeting-participants", meeting_id=meeting.pk)
        except actions.MeetingRefused as refusal:
            return _refused(request, meeting, refusal)
        except ValidationError as error:
            _apply_errors(form, error)
    participants = meeting.participants.select_related("user", "supporting")
    return render(
        request,
        "meetings/participants.html",
        _context(request, meeting, form=form, participants=participants),
        status=400 if form.errors else 200,
    )


def _int(value: str) -> int:
    if not value.isdigit() or len(value) > 18:
        raise Http404
    return int(value)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_invite(request: HttpRequest, meeting_id: int) -> HttpResponse:
    user = _user(request)
    meeting = meeting_for(user, meeting_id, for_write=request.method == "POST")
    form = InviteForm(request.POST if request.method == "POST" else None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            sent, no_address = actions.do_send_invitations(
                meeting, actor=user, participant_ids=[p.pk for p in form.cleaned_data["participants"]]
            )
        except actions.MeetingRefused as refusal:
            return _refused(request, meeting, refusal)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            note = f"{sent} invitation{'s' if sent != 1 else ''} sent by email."
            if no_address:
                note += f" No email address for {', '.join(no_address)}: invite them another way."
            messages.success(request, note)
            return redirect("meeting-detail", meeting_id=meeting.pk)
    return render(
        request, "meetings/invite.html", _context(request, meeting, form=form), status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_cancel(request: HttpRequest, meeting_id: int) -> HttpResponse:
    user = _user(request)
    meeting = meeting_for(user, meeting_id, for_write=request.method == "POST")
    form = CancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_cancel_meeting(meeting, actor=user, reason=form.cleaned_data["reason"])
        except actions.MeetingRefused as refusal:
            return _refused(request, meeting, refusal)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Meeting cancelled. Everyone invited has been told.")
            return redirect("meeting-detail", meeting_id=meeting.pk)
    return render(
        request, "meetings/cancel.html", _context(request, meeting, form=form), status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_record(request: HttpRequest, meeting_id: int) -> HttpResponse:
    user = _user(request)
    meeting = meeting_for(user, meeting_id, for_write=request.method == "POST")
    initial = {
        "child_participation": meeting.child_participation,
        "child_participation_note": meeting.child_participation_note,
        "child_views": meeting.child_views,
        "minutes": meeting.minutes,
        "decisions": meeting.decisions,
    }
    form = RecordForm(request.POST if request.method == "POST" else None, initial=initial, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.do_record_outcome(
                meeting,
                actor=user,
                expected_version=_version(request),
                attendance=d["attendance"],
                child_participation=d["child_participation"],
                child_participation_note=d["child_participation_note"],
                child_views=d["child_views"],
                minutes=d["minutes"],
                decisions=d["decisions"],
                actions=d["actions"],
                reports=d["reports"],
            )
        except actions.MeetingRefused as refusal:
            return _refused(request, meeting, refusal)
        except StaleEdit:
            form.add_error(
                None,
                "Someone else saved this record while you were editing. Your text is below: check it and save again.",
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Record of the meeting saved.")
            return redirect("meeting-detail", meeting_id=meeting.pk)
    return render(
        request, "meetings/record.html", _context(request, meeting, form=form), status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_send_record(request: HttpRequest, meeting_id: int) -> HttpResponse:
    user = _user(request)
    meeting = meeting_for(user, meeting_id, for_write=request.method == "POST")
    form = SendRecordForm(
        request.POST if request.method == "POST" else None,
        initial={"language": meeting.child.first_language or "English"},
        meeting=meeting,
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            rows = actions.do_send_record(
                meeting, actor=user, send_to=d["send_to"], withhold=d["withhold"], language=d["language"]
            )
        except actions.MeetingRefused as refusal:
            return _refused(request, meeting, refusal)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, f"{len(rows)} cop{'ies' if len(rows) != 1 else 'y'} recorded.")
            return redirect("meeting-distribution", meeting_id=meeting.pk)
    return render(
        request, "meetings/send_record.html", _context(request, meeting, form=form), status=400 if form.errors else 200
    )


@login_required
@recent_authentication_required
def meeting_record_pdf(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The record of a held meeting as a printable PDF, for staff."""
    from .pdf import record_filename, render_record_pdf

    user = _user(request)
    meeting = meeting_for(user, meeting_id)
    try:
        pdf = render_record_pdf(meeting, printed_by=user)
    except actions.MeetingRefused as refusal:
        return _refused(request, meeting, refusal)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{record_filename(meeting)}"'
    audit.record("export", user=user, obj=meeting, child_id=meeting.child_id, detail={"format": "pdf"})
    return response


@login_required
@require_http_methods(["GET", "POST"])
def meeting_distribution(request: HttpRequest, meeting_id: int) -> HttpResponse:
    user = _user(request)
    meeting = meeting_for(user, meeting_id, for_write=request.method == "POST")
    form = DistributionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.do_record_distribution(
                meeting,
                child=meeting.child,
                actor=user,
                recipient=d["recipient"],
                method=d["method"],
                address=d["address"],
                language=d["language"],
                withheld=d["withheld"],
                withheld_reason=d["withheld_reason"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Copy recorded.")
            return redirect("meeting-distribution", meeting_id=meeting.pk)
    rows = actions.distribution_for(meeting)
    return render(
        request,
        "meetings/distribution.html",
        _context(request, meeting, form=form, rows=rows),
        status=400 if form.errors else 200,
    )


# ------------------------------------------------ the plan review a meeting held
# Used by the plans engine's review page (plans.views.plan_review).

MeetingRefused = actions.MeetingRefused
review_prefill = actions.review_prefill


def review_meeting(user: User, plan: Any, meeting_id: str | None) -> Meeting | None:
    """The meeting named in `?meeting=`, checked for writing through its
    child (404 alike for missing and forbidden) and able to hold the plan's
    review (`MeetingRefused` says why not); None when none is named."""
    if not meeting_id:
        return None
    meeting = meeting_for(user, meeting_id, for_write=True)
    actions.check_review_meeting(meeting, plan)
    return meeting


def review_meetings_for(user: User, plan: Any) -> list[Meeting]:
    """Held review meetings that could hold this plan's review; the caller
    has already opened the plan's child for writing in the plan's part."""
    return list(actions.review_meetings(plan).filter(part=plan.part))


def record_review_from(meeting: Meeting) -> Any:
    """`do_record_review` bound to the meeting that held the review."""
    return functools.partial(actions.do_record_review_from_meeting, meeting)
