"""Administration pages: organisations, teams, staff and their roles.

Only system administrators reach them; everyone else gets the same 404 as
for a page that does not exist (deny by default), and the refusal is audited.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from axes.models import AccessAttempt
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import admin_actions, audit
from .access import staff_context
from .admin_forms import (
    NewStaffForm,
    OrganisationFilterForm,
    OrganisationForm,
    PasswordForm,
    RoleForm,
    StaffFilterForm,
    StaffForm,
    TeamForm,
)
from .models import Organisation, RoleAssignment, Team, User

PAGE_SIZE = 50
View = Callable[..., HttpResponse]


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def sysadmin_required(view: View) -> View:
    """Signed in, a current system administrator role, or 404."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = _user(request)
        if not user.is_active or not staff_context(user).is_sysadmin:
            audit.record_denial("admin", user=user, object_type="admin", detail={"path": request.path[:200]})
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _initial(obj: Any, fields: list[str]) -> dict[str, Any]:
    """An edit form's starting values, with the version the user sees."""
    return {**{name: getattr(obj, name) for name in fields}, "version": obj.version}


def _saved(request: HttpRequest, form: Any, update: Callable[..., Any], obj: Any, *, noun: str) -> bool:
    """Run an edit page's update action on a valid POST.  A stale save or
    the action's own refusal becomes an error on the form; True when saved."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        update(obj, actor=_user(request), data=form.cleaned_data, expected_version=form.cleaned_data["version"])
    except admin_actions.StaleEdit:
        form.add_error(None, _stale_message(noun))
        return False
    except ValidationError as error:
        form.add_action_errors(error)
        return False
    return True


def _form_page(request: HttpRequest, form: Any, *, title: str, submit: str, cancel: str, **extra: Any) -> HttpResponse:
    context = {"form": form, "title": title, "submit": submit, "cancel": cancel, **extra}
    return render(request, "core/admin/form.html", context, status=400 if form.errors else 200)


def _stale_message(what: str) -> str:
    return _("Someone else changed this %(what)s since you opened it. Check the details below and save again.") % {
        "what": what
    }


@sysadmin_required
def index(request: HttpRequest) -> HttpResponse:
    counts = {
        "organisations": Organisation.objects.count(),
        "teams": Team.objects.count(),
        "staff": User.objects.filter(is_active=True).count(),
    }
    return render(request, "core/admin/index.html", {"counts": counts})


# ------------------------------------------------------------ organisations


@sysadmin_required
def organisations(request: HttpRequest) -> HttpResponse:
    form = OrganisationFilterForm(request.GET or None)
    qs: QuerySet[Organisation] = Organisation.objects.select_related("local_authority").order_by("name")
    if form.is_valid():
        q = form.cleaned_data["q"].strip()
        if q:
            qs = qs.filter(Q(name__icontains=q) | Q(urn=q) | Q(dfe_la_code=q) | Q(ons_code__iexact=q))
        if form.cleaned_data["kind"]:
            qs = qs.filter(kind=form.cleaned_data["kind"])
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "core/admin/organisations.html", {"form": form, "page": page}, status=400 if form.errors else 200
    )


@sysadmin_required
@require_http_methods(["GET", "POST"])
def organisation_add(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            org = admin_actions.do_create_organisation(actor=_user(request), data=form.cleaned_data)
        except ValidationError as error:
            form.add_action_errors(error)
        else:
            messages.success(request, _("%(name)s added") % {"name": org.name})
            return redirect("admin-organisations")
    return _form_page(
        request,
        form,
        title=_("Add an organisation"),
        submit=_("Add organisation"),
        cancel=reverse("admin-organisations"),
    )


@sysadmin_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest, org_id: int) -> HttpResponse:
    org = get_object_or_404(Organisation, pk=org_id)
    initial = _initial(org, admin_actions.ORGANISATION_FIELDS)
    form = OrganisationForm(_posted(request), initial=initial, instance=org)
    if _saved(request, form, admin_actions.do_update_organisation, org, noun=_("organisation")):
        messages.success(request, _("%(name)s saved") % {"name": form.cleaned_data["name"]})
        return redirect("admin-organisations")
    return _form_page(
        request,
        form,
        title=_("Change %(name)s") % {"name": org.name},
        submit=_("Save"),
        cancel=reverse("admin-organisations"),
    )


# ------------------------------------------------------------ teams


@sysadmin_required
def teams(request: HttpRequest) -> HttpResponse:
    qs = Team.objects.select_related("organisation", "parent").order_by("organisation__name", "name")
    org_id = request.GET.get("organisation", "")
    if org_id.isdigit():
        qs = qs.filter(organisation_id=int(org_id))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "core/admin/teams.html", {"page": page})


@sysadmin_required
@require_http_methods(["GET", "POST"])
def team_add(request: HttpRequest) -> HttpResponse:
    form = TeamForm(_posted(request), initial={"organisation": request.GET.get("organisation")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            team = admin_actions.do_create_team(
                actor=_user(request), organisation=data["organisation"], name=data["name"], parent=data["parent"]
            )
        except ValidationError as error:
            form.add_action_errors(error)
        else:
            messages.success(request, _("%(name)s added") % {"name": team.name})
            return redirect("admin-teams")
    return _form_page(request, form, title=_("Add a team"), submit=_("Add team"), cancel=reverse("admin-teams"))


@sysadmin_required
@require_http_methods(["GET", "POST"])
def team_edit(request: HttpRequest, team_id: int) -> HttpResponse:
    team = get_object_or_404(Team, pk=team_id)
    form = TeamForm(_posted(request), initial=_initial(team, admin_actions.TEAM_FIELDS), instance=team)
    if _saved(request, form, admin_actions.do_update_team, team, noun=_("team")):
        messages.success(request, _("%(name)s saved") % {"name": form.cleaned_data["name"]})
        return redirect("admin-teams")
    return _form_page(
        request, form, title=_("Change %(name)s") % {"name": team.name}, submit=_("Save"), cancel=reverse("admin-teams")
    )


# ------------------------------------------------------------ staff


def _current_roles(on: Any) -> Prefetch:  # type: ignore[type-arg]
    return Prefetch(
        "role_assignments",
        queryset=RoleAssignment.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on)).select_related(
            "team", "organisation"
        ),
        to_attr="current_roles",
    )


@sysadmin_required
def staff_list(request: HttpRequest) -> HttpResponse:
    form = StaffFilterForm(request.GET or None)
    today = timezone.localdate()
    qs = (
        User.objects.select_related("organisation")
        .prefetch_related(_current_roles(today))
        .order_by("last_name", "first_name", "username")
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["q"].strip():
            q = data["q"].strip()
            qs = qs.filter(Q(username__icontains=q) | Q(first_name__icontains=q) | Q(last_name__icontains=q))
        if data["organisation"]:
            qs = qs.filter(organisation=data["organisation"])
        current = Q(role_assignments__ended_on__isnull=True) | Q(role_assignments__ended_on__gt=today)
        if data["team"]:
            qs = qs.filter(current, role_assignments__team=data["team"])
        if data["role"]:
            qs = qs.filter(current, role_assignments__role=data["role"])
        if data["status"]:
            qs = qs.filter(is_active=data["status"] == "active")
        qs = qs.distinct()
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "core/admin/staff_list.html", {"form": form, "page": page}, status=400 if form.errors else 200
    )


@sysadmin_required
@require_http_methods(["GET", "POST"])
def staff_add(request: HttpRequest) -> HttpResponse:
    form = NewStaffForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            staff = admin_actions.do_create_staff(
                actor=_user(request),
                data=data,
                temporary_password=data["temporary_password"] or None,
                role=data["role"] or None,
                team=data["team"],
            )
        except ValidationError as error:
            form.add_action_errors(error)
        else:
            messages.success(request, _("Account %(username)s added") % {"username": staff.username})
            return redirect("admin-staff-detail", staff_id=staff.pk)
    return _form_page(
        request, form, title=_("Add a member of staff"), submit=_("Add account"), cancel=reverse("admin-staff")
    )


@sysadmin_required
def staff_detail(request: HttpRequest, staff_id: int) -> HttpResponse:
    staff = get_object_or_404(User.objects.select_related("organisation"), pk=staff_id)
    roles = staff.role_assignments.select_related("organisation", "team").order_by("ended_on", "role")
    devices = TOTPDevice.objects.filter(user=staff, confirmed=True).count()
    locked = AccessAttempt.objects.filter(username=staff.get_username()).exists()
    return render(
        request,
        "core/admin/staff_detail.html",
        {"staff": staff, "roles": roles, "devices": devices, "locked": locked},
    )


@sysadmin_required
@require_http_methods(["GET", "POST"])
def staff_edit(request: HttpRequest, staff_id: int) -> HttpResponse:
    staff = get_object_or_404(User, pk=staff_id)
    form = StaffForm(_posted(request), initial=_initial(staff, admin_actions.STAFF_FIELDS))
    if _saved(request, form, admin_actions.do_update_staff, staff, noun=_("account")):
        messages.success(request, _("Details saved"))
        return redirect("admin-staff-detail", staff_id=staff.pk)
    return _form_page(
        request,
        form,
        title=_("Change %(name)s") % {"name": staff},
        submit=_("Save"),
        cancel=reverse("admin-staff-detail", args=[staff.pk]),
    )


@sysadmin_required
@require_http_methods(["GET", "POST"])
def role_add(request: HttpRequest, staff_id: int) -> HttpResponse:
    staff = get_object_or_404(User, pk=staff_id)
    form = RoleForm(_posted(request), initial={"organisation": staff.organisation_id})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            admin_actions.do_assign_role(
                staff,
                actor=_user(request),
                role=data["role"],
                organisation=data["organisation"],
                team=data["team"],
                started_on=data["started_on"],
            )
        except ValidationError as error:
            form.add_action_errors(error)
        else:
            messages.success(request, _("Role added"))
            return redirect("admin-staff-detail", staff_id=staff.pk)
    return _form_page(
        request,
        form,
        title=_("Add a role for %(name)s") % {"name": staff},
        submit=_("Add role"),
        cancel=reverse("admin-staff-detail", args=[staff.pk]),
    )


@sysadmin_required
@require_http_methods(["POST"])
def role_end(request: HttpRequest, staff_id: int, role_id: int) -> HttpResponse:
    assignment = get_object_or_404(RoleAssignment, pk=role_id, user_id=staff_id)
    if assignment.is_current:
        try:
            admin_actions.do_end_role(assignment, actor=_user(request))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Role ended"))
    return redirect("admin-staff-detail", staff_id=staff_id)


@sysadmin_required
@require_http_methods(["POST"])
def staff_deactivate(request: HttpRequest, staff_id: int) -> HttpResponse:
    staff = get_object_or_404(User, pk=staff_id)
    try:
        admin_actions.do_deactivate_staff(staff, actor=_user(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Account deactivated: %(name)s is signed out everywhere") % {"name": staff})
    return redirect("admin-staff-detail", staff_id=staff.pk)


@sysadmin_required
@require_http_methods(["POST"])
def staff_reactivate(request: HttpRequest, staff_id: int) -> HttpResponse:
    staff = get_object_or_404(User, pk=staff_id)
    admin_actions.do_reactivate_staff(staff, actor=_user(request))
    messages.success(request, _("Account reactivated"))
    return redirect("admin-staff-detail", staff_id=staff.pk)


@sysadmin_required
@require_http_methods(["POST"])
def staff_reset_mfa(request: HttpRequest, staff_id: int) -> HttpResponse:
    staff = get_object_or_404(User, pk=staff_id)
    admin_actions.do_reset_mfa(staff, actor=_user(request))
    messages.success(
        request, _("Two-factor sign-in reset: %(name)s will set up an app at next sign-in") % {"name": staff}
    )
    return redirect("admin-staff-detail", staff_id=staff.pk)


@sysadmin_required
@require_http_methods(["POST"])
def staff_unlock(request: HttpRequest, staff_id: int) -> HttpResponse:
    staff = get_object_or_404(User, pk=staff_id)
    admin_actions.do_unlock_sign_in(staff, actor=_user(request))
    messages.success(request, _("Sign-in unlocked: %(name)s can try again now") % {"name": staff})
    return redirect("admin-staff-detail", staff_id=staff.pk)


@sysadmin_required
@require_http_methods(["GET", "POST"])
def staff_password(request: HttpRequest, staff_id: int) -> HttpResponse:
    staff = get_object_or_404(User, pk=staff_id)
    form = PasswordForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            admin_actions.do_set_temporary_password(staff, actor=_user(request), password=form.cleaned_data["password"])
        except ValidationError as error:
            for message in error.messages:
                form.add_error("password", message)
        else:
            messages.success(request, _("Temporary password set"))
            return redirect("admin-staff-detail", staff_id=staff.pk)
    return _form_page(
        request,
        form,
        title=_("Set a temporary password for %(name)s") % {"name": staff},
        submit=_("Set password"),
        cancel=reverse("admin-staff-detail", args=[staff.pk]),
    )
