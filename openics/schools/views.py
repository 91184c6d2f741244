"""Pages for school operations.  Thin: parse, access, action, render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from openics.core import audit
from openics.core.models import Organisation, RoleAssignment, User
from openics.core.roles import SCHOOL_ROLES, Role

from . import actions
from .access import (
    ARRANGEMENTS_EDITORS,
    LEAD_ROLES,
    REPORT_READERS,
    access_allegation,
    access_pupil,
    access_school,
    allegations_visible_to,
    arrangements_for,
    may_manage_allegation,
    may_record_allegation,
    pupils,
    school_roles,
    schools_of,
)
from .attendance import summarise
from .codes import attendance_codes
from .forms import (
    AllegationForm,
    ArrangementsForm,
    EntryForm,
    FollowUpForm,
    ImportForm,
    LadoForm,
    MarkForm,
    NotificationMadeForm,
    OutcomeForm,
    ParticipantForm,
    TrainingForm,
    apply_errors,
)
from .models import AbsenceNotification, AttendanceImport, AttendanceMark
from .reports import governors_report, school_year_start

LIST_LIMIT = 500


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _status(form: Any) -> int:
    return 400 if form.errors else 200


def _current(qs: Any, on: dt.date | None = None) -> Any:
    on = on or timezone.localdate()
    return qs.filter(started_on__lte=on).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))


def _since(request: HttpRequest) -> dt.date:
    """The start of the period looked at: `?from=YYYY-MM-DD`, or the start
    of the current school year."""
    from .attendance import parse_date

    given = parse_date(request.GET.get("from", "")[:10]) if request.GET.get("from") else None
    return given or school_year_start(timezone.localdate())


def _staff_of(school: Organisation, roles: Any = SCHOOL_ROLES) -> Any:
    ids = _current(RoleAssignment.objects.filter(organisation=school, role__in=list(roles))).values("user_id")
    return User.objects.filter(pk__in=ids, is_active=True).order_by("last_name", "first_name", "pk")


# ------------------------------------------------------------ schools and arrangements


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The user's schools, and what they may do at each."""
    user = _user(request)
    schools = schools_of(user)
    recordable = may_record_allegation(user)
    sees_allegations = bool(recordable) or allegations_visible_to(user).exists()
    if not schools and not sees_allegations:
        audit.record_denial("access", user=user, object_type="schools.home")
        raise Http404
    rows = [(school, school_roles(user, school.pk)) for school in schools]
    return render(
        request,
        "schools/home.html",
        {
            "rows": rows,
            "lead_roles": LEAD_ROLES,
            "report_readers": REPORT_READERS,
            "sees_allegations": sees_allegations,
        },
    )


@login_required
def arrangements(request: HttpRequest, school_id: int) -> HttpResponse:
    """The policy's cover sheet, for every member of staff and governor."""
    user = _user(request)
    school = access_school(user, school_id)
    leads = (
        _current(
            RoleAssignment.objects.filter(organisation=school, role__in=[Role.DSL, Role.DEPUTY_DSL, Role.HEADTEACHER])
        )
        .filter(user__is_active=True)
        .select_related("user")
        .order_by("role", "user__last_name")
    )
    from django.urls import NoReverseMatch, reverse

    try:
        concern_url = reverse("concern-new")
    except NoReverseMatch:
        concern_url = ""
    return render(
        request,
        "schools/arrangements.html",
        {
            "school": school,
            "arrangements": arrangements_for(school),
            "dsls": [a for a in leads if a.role == Role.DSL],
            "deputies": [a for a in leads if a.role == Role.DEPUTY_DSL],
            "heads": [a for a in leads if a.role == Role.HEADTEACHER],
            "concern_url": concern_url,
            "may_edit": bool(school_roles(user, school.pk) & ARRANGEMENTS_EDITORS),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def arrangements_edit(request: HttpRequest, school_id: int) -> HttpResponse:
    user = _user(request)
    school = access_school(user, school_id, ARRANGEMENTS_EDITORS)
    governors = _staff_of(school, [Role.GOVERNOR])
    current = arrangements_for(school)
    if request.method == "POST":
        form = ArrangementsForm(request.POST, governors=governors)
        if form.is_valid():
            try:
                actions.do_set_arrangements(school, actor=user, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, "Safeguarding arrangements saved.")
                return redirect("school-arrangements", school_id=school.pk)
    else:
        initial = {}
        if current is not None:
            initial = {
                "safeguarding_governor": current.safeguarding_governor,
                "chair_of_governors": current.chair_of_governors,
                "policy_adopted_on": current.policy_adopted_on,
                "policy_review_on": current.policy_review_on,
                "lado_phone": current.lado_phone,
                "hub_phone": current.hub_phone,
            }
        form = ArrangementsForm(initial=initial, governors=governors)
    return render(request, "schools/arrangements_edit.html", {"school": school, "form": form}, status=_status(form))


# ------------------------------------------------------------ attendance


@login_required
def attendance(request: HttpRequest, school_id: int) -> HttpResponse:
    """Pupils whose attendance shows a pattern, and the open notifications."""
    user = _user(request)
    school = access_school(user, school_id, LEAD_ROLES)
    since = _since(request)
    roll = list(pupils(user, school)[:LIST_LIMIT])
    by_child: dict[int, list[tuple[dt.date, str]]] = {}
    for child_id, day, code in AttendanceMark.objects.filter(
        school=school, child__in=[p.pk for p in roll], date__gte=since
    ).values_list("child_id", "date", "code"):
        by_child.setdefault(child_id, []).append((day, code))
    flagged = []
    for child in roll:
        summary = summarise(by_child.get(child.pk, []))
        if summary.flags:
            flagged.append((child, summary))
    open_tasks = (
        AbsenceNotification.objects.open().filter(school=school, child__in=[p.pk for p in roll]).select_related("child")
    )
    return render(
        request,
        "schools/attendance.html",
        {"school": school, "flagged": flagged, "open_tasks": open_tasks, "since": since},
    )


@login_required
@require_http_methods(["GET", "POST"])
def attendance_import(request: HttpRequest, school_id: int) -> HttpResponse:
    user = _user(request)
    school = access_school(user, school_id, LEAD_ROLES)
    checked = upload = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload, checked = actions.do_preview_import(
                school,
                actor=user,
                content=form.cleaned_data["content"],
                filename=form.cleaned_data.get("filename", ""),
                pupils=pupils(user, school),
            )
            if checked.errors:
                form.add_error("file", f"The file has {len(checked.errors)} problem(s): nothing was imported")
    else:
        form = ImportForm()
    return render(
        request,
        "schools/attendance_import.html",
        {"school": school, "form": form, "checked": checked, "upload": upload, "codes": attendance_codes().values()},
        status=_status(form),
    )


@login_required
@require_POST
def attendance_import_confirm(request: HttpRequest, school_id: int, import_id: int) -> HttpResponse:
    user = _user(request)
    school = access_school(user, school_id, LEAD_ROLES)
    upload = AttendanceImport.objects.filter(pk=import_id, school=school).first()
    if upload is None:
        raise Http404
    try:
        written = actions.do_apply_import(upload, actor=user, pupils=pupils(user, school))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages)[:1000])
        return redirect("school-attendance-import", school_id=school.pk)
    messages.success(request, f"Register imported: {written} marks written or corrected.")
    return redirect("school-attendance", school_id=school.pk)


@login_required
@require_http_methods(["GET", "POST"])
def attendance_mark(request: HttpRequest, school_id: int) -> HttpResponse:
    user = _user(request)
    school = access_school(user, school_id, LEAD_ROLES)
    roll = pupils(user, school)
    if request.method == "POST":
        form = MarkForm(request.POST, pupils=roll)
        if form.is_valid():
            data = form.cleaned_data
            child = access_pupil(user, school, data["child"].pk)
            try:
                actions.do_record_mark(
                    school, child, actor=user, day=data["day"], session=data["session"], code=data["code"], pupils=roll
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, "Mark recorded.")
                return redirect("school-attendance-pupil", school_id=school.pk, child_id=child.pk)
    else:
        form = MarkForm(pupils=roll, initial={"day": timezone.localdate()})
    return render(request, "schools/attendance_mark.html", {"school": school, "form": form}, status=_status(form))


@login_required
def attendance_pupil(request: HttpRequest, school_id: int, child_id: int) -> HttpResponse:
    from openics.core.views import child_context

    user = _user(request)
    school = access_school(user, school_id, LEAD_ROLES)
    child = access_pupil(user, school, child_id)
    since = _since(request)
    marks = list(
        AttendanceMark.objects.filter(school=school, child=child, date__gte=since).order_by("-date", "session")
    )
    summary = summarise((m.date, m.code) for m in marks)
    codes = attendance_codes()
    context = child_context(request, child)
    context.update(
        {
            "school": school,
            "marks": [(m, codes.get(m.code)) for m in marks[:200]],
            "summary": summary,
            "since": since,
            "follow_ups": child.absence_follow_ups.filter(school=school),
            "notifications": AbsenceNotification.objects.filter(school=school, child=child),
        }
    )
    return render(request, "schools/attendance_pupil.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def attendance_follow_up(request: HttpRequest, school_id: int, child_id: int) -> HttpResponse:
    from openics.core.views import child_context

    user = _user(request)
    school = access_school(user, school_id, LEAD_ROLES)
    child = access_pupil(user, school, child_id)
    if request.method == "POST":
        form = FollowUpForm(request.POST)
        if form.is_valid():
            try:
                actions.do_record_follow_up(school, child, actor=user, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, "Follow-up recorded.")
                return redirect("school-attendance-pupil", school_id=school.pk, child_id=child.pk)
    else:
        form = FollowUpForm(initial={"done_on": timezone.localdate(), "done_by": user.get_full_name()})
    context = child_context(request, child)
    context.update({"school": school, "form": form})
    return render(request, "schools/attendance_follow_up.html", context, status=_status(form))


@login_required
@require_http_methods(["GET", "POST"])
def absence_notification(request: HttpRequest, school_id: int, notification_id: int) -> HttpResponse:
    from openics.core.views import child_context

    user = _user(request)
    school = access_school(user, school_id, LEAD_ROLES)
    task = (
        AbsenceNotification.objects.filter(pk=notification_id, school=school).first()
        if notification_id < 2**63
        else None
    )
    if task is None:
        raise Http404
    child = access_pupil(user, school, task.child_id)
    if request.method == "POST" and task.notified_at is None:
        form = NotificationMadeForm(request.POST)
        if form.is_valid() and "notified_at" in form.cleaned_data:
            data = form.cleaned_data
            try:
                actions.do_record_notification_made(
                    task,
                    actor=user,
                    notified_at=data["notified_at"],
                    notified_by=data["notified_by"],
                    method=data["method"],
                    reference=data.get("reference", ""),
                    late_reason=data.get("late_reason", ""),
                )
            except ValidationError as error:
                apply_errors(form, error, {"notified_at": "notified_on"})
            else:
                messages.success(request, "Notification to the local authority recorded.")
                return redirect("school-attendance", school_id=school.pk)
    else:
        form = NotificationMadeForm(initial={"notified_on": timezone.localdate(), "notified_by": user.get_full_name()})
    context = child_context(request, child)
    context.update({"school": school, "task": task, "form": form})
    return render(request, "schools/absence_notification.html", context, status=_status(form))


@login_required
def emergency_contacts(request: HttpRequest, school_id: int) -> HttpResponse:
    user = _user(request)
    school = access_school(user, school_id, LEAD_ROLES)
    gaps = actions.contact_gaps(pupils(user, school)[:LIST_LIMIT])
    return render(request, "schools/emergency_contacts.html", {"school": school, "gaps": gaps, "limit": LIST_LIMIT})


# ------------------------------------------------------------ allegations


@login_required
def allegations(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    visible = list(allegations_visible_to(user).select_related("school")[:LIST_LIMIT])
    recordable = may_record_allegation(user)
    if not visible and not recordable:
        # Nobody else may learn that the area (or any allegation) exists.
        audit.record_denial("access", user=user, object_type="schools.allegation")
        raise Http404
    return render(request, "schools/allegations.html", {"allegations": visible, "may_record": bool(recordable)})


@login_required
@require_http_methods(["GET", "POST"])
def allegation_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    schools = may_record_allegation(user)
    if not schools:
        audit.record_denial("access", user=user, object_type="schools.allegation")
        raise Http404
    staff = User.objects.filter(
        pk__in=_current(RoleAssignment.objects.filter(organisation__in=schools, role__in=list(SCHOOL_ROLES))).values(
            "user_id"
        )
    ).order_by("last_name", "first_name", "pk")
    if request.method == "POST":
        form = AllegationForm(request.POST, schools=schools, staff=staff)
        if form.is_valid() and "received_at" in form.cleaned_data:
            data = form.cleaned_data
            try:
                allegation = actions.do_record_allegation(
                    data["school"],
                    actor=user,
                    about_name=data["about_name"],
                    about_user=data.get("about_user"),
                    about_role=data.get("about_role", ""),
                    concerns_head=data.get("concerns_head", False),
                    what=data["what"],
                    occurred_on=data.get("occurred_on"),
                    reported_by=data["reported_by"],
                    received_at=data["received_at"],
                )
            except ValidationError as error:
                apply_errors(form, error, {"received_at": "received_on"})
            else:
                messages.success(request, "Allegation recorded. Tell the LADO within one working day.")
                return redirect("allegation-detail", allegation_id=allegation.pk)
    else:
        form = AllegationForm(
            schools=schools,
            staff=staff,
            initial={"school": schools[0] if len(schools) == 1 else None, "received_on": timezone.localdate()},
        )
    return render(request, "schools/allegation_new.html", {"form": form}, status=_status(form))


def _allegation_context(user: User, allegation: Any) -> dict[str, Any]:
    return {
        "allegation": allegation,
        "entries": allegation.entries.select_related("added_by"),
        "participants": allegation.participants.select_related("user"),
        "may_manage": may_manage_allegation(user, allegation),
    }


@login_required
def allegation_detail(request: HttpRequest, allegation_id: int) -> HttpResponse:
    user = _user(request)
    allegation = access_allegation(user, allegation_id)
    audit.record("view", user=user, obj=allegation)
    context = _allegation_context(user, allegation)
    context["entry_form"] = EntryForm()
    return render(request, "schools/allegation_detail.html", context)


def _manage(user: User, allegation_id: int) -> Any:
    allegation = access_allegation(user, allegation_id)
    if not may_manage_allegation(user, allegation):
        audit.record_denial("manage", user=user, obj=allegation)
        raise Http404
    return allegation


@login_required
@require_http_methods(["GET", "POST"])
def allegation_lado(request: HttpRequest, allegation_id: int) -> HttpResponse:
    user = _user(request)
    allegation = _manage(user, allegation_id)
    if request.method == "POST" and allegation.lado_informed_at is None:
        form = LadoForm(request.POST)
        if form.is_valid() and "informed_at" in form.cleaned_data:
            data = form.cleaned_data
            try:
                actions.do_record_lado_informed(
                    allegation,
                    actor=user,
                    informed_at=data["informed_at"],
                    lado_name=data["lado_name"],
                    reference=data.get("reference", ""),
                    late_reason=data.get("late_reason", ""),
                )
            except ValidationError as error:
                apply_errors(form, error, {"informed_at": "informed_on"})
            else:
                messages.success(request, "Recorded that the LADO was told.")
                return redirect("allegation-detail", allegation_id=allegation.pk)
    else:
        form = LadoForm(initial={"informed_on": timezone.localdate()})
    return render(
        request,
        "schools/allegation_form.html",
        {"allegation": allegation, "form": form, "title": "Record that the LADO was told", "button": "Save"},
        status=_status(form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def allegation_entry(request: HttpRequest, allegation_id: int) -> HttpResponse:
    user = _user(request)
    allegation = access_allegation(user, allegation_id)
    if request.method == "POST":
        form = EntryForm(request.POST)
        if form.is_valid():
            try:
                actions.do_add_allegation_entry(allegation, actor=user, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, "Added.")
                return redirect("allegation-detail", allegation_id=allegation.pk)
    else:
        form = EntryForm()
    return render(
        request,
        "schools/allegation_form.html",
        {"allegation": allegation, "form": form, "title": "Add advice, an action or a note", "button": "Add"},
        status=_status(form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def allegation_participant(request: HttpRequest, allegation_id: int) -> HttpResponse:
    user = _user(request)
    allegation = _manage(user, allegation_id)
    school_staff = _current(RoleAssignment.objects.filter(organisation=allegation.school, role__in=list(SCHOOL_ROLES)))
    people = User.objects.filter(pk__in=school_staff.values("user_id"), is_active=True)
    if allegation.about_user_id:
        people = people.exclude(pk=allegation.about_user_id)
    people = people.order_by("last_name", "first_name", "pk")
    if request.method == "POST":
        form = ParticipantForm(request.POST, people=people)
        if form.is_valid():
            try:
                actions.do_add_participant(allegation, actor=user, user=form.cleaned_data["user"])
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, "Named as taking part.")
                return redirect("allegation-detail", allegation_id=allegation.pk)
    else:
        form = ParticipantForm(people=people)
    return render(
        request,
        "schools/allegation_form.html",
        {"allegation": allegation, "form": form, "title": "Name someone to take part", "button": "Name them"},
        status=_status(form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def allegation_outcome(request: HttpRequest, allegation_id: int) -> HttpResponse:
    user = _user(request)
    allegation = _manage(user, allegation_id)
    if request.method == "POST" and not allegation.outcome:
        form = OutcomeForm(request.POST)
        if form.is_valid():
            try:
                actions.do_record_outcome(allegation, actor=user, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, "Outcome recorded.")
                return redirect("allegation-detail", allegation_id=allegation.pk)
    else:
        form = OutcomeForm(initial={"outcome_on": timezone.localdate()})
    return render(
        request,
        "schools/allegation_form.html",
        {"allegation": allegation, "form": form, "title": "Record the outcome", "button": "Save"},
        status=_status(form),
    )


# ------------------------------------------------------------ training and the governors' report


@login_required
def training(request: HttpRequest, school_id: int) -> HttpResponse:
    user = _user(request)
    school = access_school(user, school_id, LEAD_ROLES)
    members = actions.training_status(school)
    return render(
        request,
        "schools/training.html",
        {"school": school, "members": members, "overdue": [m for m in members if not m.compliant]},
    )


@login_required
@require_http_methods(["GET", "POST"])
def training_new(request: HttpRequest, school_id: int) -> HttpResponse:
    user = _user(request)
    school = access_school(user, school_id, LEAD_ROLES)
    members = _staff_of(school, actions.TRAINED_ROLES)
    if request.method == "POST":
        form = TrainingForm(request.POST, members=members)
        if form.is_valid():
            try:
                actions.do_record_training(school, actor=user, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, "Training recorded.")
                return redirect("school-training", school_id=school.pk)
    else:
        form = TrainingForm(members=members)
    return render(request, "schools/training_new.html", {"school": school, "form": form}, status=_status(form))


@login_required
def report(request: HttpRequest, school_id: int) -> HttpResponse:
    user = _user(request)
    school = access_school(user, school_id, REPORT_READERS)
    today = timezone.localdate()
    data = governors_report(school, since=school_year_start(today), until=today)
    return render(request, "schools/report.html", {"school": school, "report": data})
