"""Every write to organisations, teams and staff accounts.

Like `actions.py`: `do_*` functions assume the caller is a system
administrator (pages and the API check that) and do the write and the audit
event in one transaction.  `validate_*` functions give the error messages
people see, field by field, so the pages and the API say the same thing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit
from .actions import StaleEdit, _lock_current
from .models import ApiToken, Organisation, OrganisationKind, RoleAssignment, Team, User
from .roles import TEAM_ROLES, Role

__all__ = [
    "StaleEdit",
    "do_assign_role",
    "do_create_organisation",
    "do_create_staff",
    "do_create_team",
    "do_deactivate_staff",
    "do_end_role",
    "do_issue_api_token",
    "do_reactivate_staff",
    "do_reset_mfa",
    "do_revoke_api_tokens",
    "do_set_temporary_password",
    "do_unlock_sign_in",
    "do_update_organisation",
    "do_update_staff",
    "do_update_team",
    "validate_organisation",
    "validate_role",
    "validate_team",
]

ORGANISATION_FIELDS = [
    "name",
    "kind",
    "nation",
    "dfe_la_code",
    "ons_code",
    "urn",
    "local_authority",
    "email",
    "phone",
    "active",
]
TEAM_FIELDS = ["organisation", "name", "parent", "active"]
STAFF_FIELDS = ["username", "first_name", "last_name", "email", "organisation", "job_title", "phone"]

# The ONS (GSS) code of a local authority: a letter for the nation, then eight digits.
_ONS_CODE = re.compile(r"^[ENSWK]\d{8}$")


def _fail(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError({name: [message] for name, message in errors.items()})


# ------------------------------------------------------------ validation


def _others(instance: Organisation | None) -> QuerySet[Organisation]:
    qs = Organisation.objects.all()
    return qs.exclude(pk=instance.pk) if instance is not None else qs


def validate_organisation(data: dict[str, Any], *, instance: Organisation | None = None) -> dict[str, Any]:
    """Normalise and check an organisation's details; raise `ValidationError`
    keyed by field with messages fit to show."""
    data = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items() if k in ORGANISATION_FIELDS}
    if instance is not None:
        # A partial change (an API PATCH) is checked as the whole record it makes.
        data = {**{name: getattr(instance, name) for name in ORGANISATION_FIELDS}, **data}
    errors: dict[str, str] = {}
    kind = data.get("kind") or ""
    if not data.get("name"):
        errors["name"] = _("Enter the organisation's name")
    if kind not in OrganisationKind.values:
        errors["kind"] = _("Select the kind of organisation")
    if kind == OrganisationKind.LOCAL_AUTHORITY:
        code = str(data.get("dfe_la_code", "") or "")
        if not re.fullmatch(r"\d{3}", code):
            errors["dfe_la_code"] = _("Enter a 3-digit DfE local authority code, like 881")
        elif _others(instance).filter(dfe_la_code=code).exists():
            errors["dfe_la_code"] = _("Another organisation already has this DfE local authority code")
        ons = str(data.get("ons_code", "") or "").upper()
        data["ons_code"] = ons
        if not _ONS_CODE.fullmatch(ons):
            errors["ons_code"] = _("Enter the 9-character ONS code, like E10000012")
        data["urn"] = ""
    else:
        data["dfe_la_code"] = ""
        data["ons_code"] = ""
    if kind == OrganisationKind.SCHOOL:
        urn = str(data.get("urn", "") or "")
        if not re.fullmatch(r"\d{6}", urn):
            errors["urn"] = _("Enter a 6-digit URN")
        elif _others(instance).filter(urn=urn).exists():
            errors["urn"] = _("Another school already has this URN")
    elif kind != OrganisationKind.LOCAL_AUTHORITY:
        data["urn"] = ""
    parent_la = data.get("local_authority")
    if parent_la is not None and parent_la.kind != OrganisationKind.LOCAL_AUTHORITY:
        errors["local_authority"] = _("Select a local authority")
    if parent_la is not None and instance is not None and parent_la.pk == instance.pk:
        errors["local_authority"] = _("An organisation cannot belong to itself")
    _fail(errors)
    return data


def validate_team(data: dict[str, Any], *, instance: Team | None = None) -> dict[str, Any]:
    """Check a team's details: a name unique in its organisation, and a parent
    team in the same organisation that is not the team itself or below it."""
    data = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items() if k in TEAM_FIELDS}
    errors: dict[str, str] = {}
    organisation = data.get("organisation") or (instance.organisation if instance else None)
    name = data.get("name", instance.name if instance else "")
    if organisation is None:
        errors["organisation"] = _("Select the organisation the team belongs to")
    if not name:
        errors["name"] = _("Enter the team's name")
    elif organisation is not None:
        clash = Team.objects.filter(organisation=organisation, name__iexact=name)
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            errors["name"] = _("There is already a team with this name in the organisation")
    parent = data.get("parent")
    if parent is not None:
        if organisation is not None and parent.organisation_id != organisation.pk:
            errors["parent"] = _("Select a parent team in the same organisation")
        elif instance is not None and _is_within(parent, instance):
            errors["parent"] = _("A team cannot sit inside itself or a team below it")
    _fail(errors)
    return data


def _is_within(team: Team, ancestor: Team) -> bool:
    """Whether `team` is `ancestor` or somewhere below it."""
    seen: set[int] = set()
    current: Team | None = team
    while current is not None and current.pk not in seen:
        if current.pk == ancestor.pk:
            return True
        seen.add(current.pk)
        current = current.parent
    return False


def validate_role(
    *, role: str, organisation: Organisation | None, team: Team | None, started_on: dt.date | None = None
) -> None:
    """Social care roles need a team; the team must be in the organisation."""
    errors: dict[str, str] = {}
    if role not in Role.values:
        errors["role"] = _("Select a role")
    if organisation is None:
        errors["organisation"] = _("Select the organisation the role is held in")
    if role in TEAM_ROLES and team is None:
        errors["team"] = _("Select the team: social care roles are held in a team")
    if team is not None and organisation is not None and team.organisation_id != organisation.pk:
        errors["team"] = _("Select a team in the same organisation")
    _fail(errors)


# ------------------------------------------------------------ organisations


def do_create_organisation(*, actor: User, data: dict[str, Any]) -> Organisation:
    """Add an organisation (a local authority, school, health or other agency)."""
    clean = validate_organisation(data)
    with transaction.atomic():
        org = Organisation.objects.create(**clean)
        audit.record("admin_create", user=actor, obj=org, detail={"kind": org.kind})
    return org


def do_update_organisation(
    org: Organisation, *, actor: User, data: dict[str, Any], expected_version: int | None = None
) -> Organisation:
    """Change an organisation's details; refused if someone saved it since."""
    clean = validate_organisation(data, instance=org)
    with transaction.atomic():
        current = _lock_current(Organisation, org.pk, expected_version)
        changed = sorted(k for k, v in clean.items() if getattr(current, k) != v)
        for key, value in clean.items():
            setattr(current, key, value)
        current.version = F("version") + 1
        current.save()
        current.refresh_from_db()
        audit.record("admin_update", user=actor, obj=current, detail={"fields": changed})
    return current  # type: ignore[no-any-return]


# ------------------------------------------------------------ teams


def do_create_team(
    *, actor: User, organisation: Organisation, name: str, parent: Team | None = None, active: bool = True
) -> Team:
    """Add a team, optionally inside a parent team (a service holds teams)."""
    clean = validate_team({"organisation": organisation, "name": name, "parent": parent, "active": active})
    with transaction.atomic():
        team = Team.objects.create(**clean)
        audit.record("admin_create", user=actor, obj=team, detail={"organisation": organisation.pk})
    return team


def do_update_team(team: Team, *, actor: User, data: dict[str, Any], expected_version: int | None = None) -> Team:
    """Rename, move or close a team.  Moving a team changes which managers
    see its children, from the next request."""
    clean = validate_team(data, instance=team)
    with transaction.atomic():
        current = _lock_current(Team, team.pk, expected_version)
        changed = sorted(k for k, v in clean.items() if getattr(current, k) != v)
        for key, value in clean.items():
            setattr(current, key, value)
        current.version = F("version") + 1
        current.save()
        current.refresh_from_db()
        audit.record("admin_update", user=actor, obj=current, detail={"fields": changed})
    return current  # type: ignore[no-any-return]


# ------------------------------------------------------------ staff


def do_create_staff(
    *,
    actor: User,
    data: dict[str, Any],
    temporary_password: str | None = None,
    role: str | None = None,
    team: Team | None = None,
) -> User:
    """Open a staff account, optionally with a first role.

    The administrator may set a temporary password (12 characters or more);
    without one the account has no usable password until one is set.
    """
    fields: dict[str, Any] = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items() if k in STAFF_FIELDS}
    errors: dict[str, str] = {}
    username = fields.get("username", "")
    if not username:
        errors["username"] = _("Enter a username")
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = _("This username is already taken")
    if not fields.get("last_name"):
        errors["last_name"] = _("Enter the last name")
    if fields.get("organisation") is None:
        errors["organisation"] = _("Select the person's organisation")
    _fail(errors)
    if role:
        validate_role(role=role, organisation=fields["organisation"], team=team)
    user = User(**fields)
    if temporary_password:
        _check_password(temporary_password, user)
        user.set_password(temporary_password)
    else:
        user.set_unusable_password()
    with transaction.atomic():
        user.save()
        if role:
            RoleAssignment.objects.create(user=user, role=role, organisation=fields["organisation"], team=team)
        audit.record(
            "admin_create",
            user=actor,
            obj=user,
            detail={"role": role or "", "temporary_password": bool(temporary_password)},
        )
    return user


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None


def do_update_staff(staff: User, *, actor: User, data: dict[str, Any], expected_version: int | None = None) -> User:
    """Change a member of staff's names, contact details or organisation."""
    fields = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items() if k in STAFF_FIELDS}
    errors: dict[str, str] = {}
    if "username" in fields:
        if not fields["username"]:
            errors["username"] = _("Enter a username")
        elif User.objects.filter(username__iexact=fields["username"]).exclude(pk=staff.pk).exists():
            errors["username"] = _("This username is already taken")
    if "last_name" in fields and not fields["last_name"]:
        errors["last_name"] = _("Enter the last name")
    if "organisation" in fields and fields["organisation"] is None:
        errors["organisation"] = _("Select the person's organisation")
    _fail(errors)
    with transaction.atomic():
        current = _lock_current(User, staff.pk, expected_version)
        changed = sorted(k for k, v in fields.items() if getattr(current, k) != v)
        for key, value in fields.items():
            setattr(current, key, value)
        current.version = F("version") + 1
        current.save()
        current.refresh_from_db()
        audit.record("admin_update", user=actor, obj=current, detail={"fields": changed})
    return current  # type: ignore[no-any-return]


def do_set_temporary_password(staff: User, *, actor: User, password: str) -> User:
    """Set a temporary password (12+ characters); the person's other sessions end."""
    _check_password(password, staff)
    with transaction.atomic():
        staff.set_password(password)
        staff.save(update_fields=["password"])
        _end_sessions(staff)
        audit.record("admin_set_password", user=actor, obj=staff)
    return staff


def do_assign_role(
    staff: User,
    *,
    actor: User,
    role: str,
    organisation: Organisation,
    team: Team | None = None,
    started_on: dt.date | None = None,
) -> RoleAssignment:
    """Give someone a role in a team or organisation; it counts from the next request."""
    validate_role(role=role, organisation=organisation, team=team)
    with transaction.atomic():
        assignment = RoleAssignment.objects.create(
            user=staff,
            role=role,
            organisation=organisation,
            team=team,
            started_on=started_on or timezone.localdate(),
        )
        audit.record(
            "admin_assign_role",
            user=actor,
            obj=assignment,
            detail={"staff": staff.pk, "role": role, "team": team.pk if team else None},
        )
    return assignment


def do_end_role(assignment: RoleAssignment, *, actor: User, ended_on: dt.date | None = None) -> RoleAssignment:
    """End a role (today unless said otherwise): the access it gave ends with it."""
    ended_on = ended_on or timezone.localdate()
    if ended_on < assignment.started_on:
        raise ValidationError({"ended_on": [_("The end date must be on or after the date the role started")]})
    with transaction.atomic():
        assignment.ended_on = ended_on
        assignment.save(update_fields=["ended_on"])
        audit.record(
            "admin_end_role",
            user=actor,
            obj=assignment,
            detail={"staff": assignment.user_id, "role": assignment.role, "ended_on": ended_on.isoformat()},
        )
    return assignment


def _end_sessions(staff: User) -> int:
    """Delete every stored session signed in as `staff`.

    Sessions are opaque rows, so each live one is decoded; there are only as
    many as people signed in within the idle limit.  (Sessions live in the
    database; whatever the store, Django also refuses a disabled user's
    session on its next request.)
    """
    doomed = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get("_auth_user_id")) == str(staff.pk)
    ]
    Session.objects.filter(session_key__in=doomed).delete()
    return len(doomed)


def do_deactivate_staff(staff: User, *, actor: User) -> User:
    """Disable an account and end its sessions, so access stops at the next request."""
    if staff.pk == actor.pk:
        raise ValidationError({"__all__": [_("You cannot deactivate your own account")]})
    with transaction.atomic():
        staff.is_active = False
        staff.save(update_fields=["is_active"])
        ended = _end_sessions(staff)
        audit.record("admin_deactivate", user=actor, obj=staff, detail={"sessions_ended": ended})
    return staff


def do_reactivate_staff(staff: User, *, actor: User) -> User:
    """Enable a disabled account again (its roles are as they were left)."""
    with transaction.atomic():
        staff.is_active = True
        staff.save(update_fields=["is_active"])
        audit.record("admin_reactivate", user=actor, obj=staff)
    return staff


def do_reset_mfa(staff: User, *, actor: User) -> int:
    """Remove someone's authenticator apps: they set one up again at next sign-in.

    Their sessions end too, since those were verified with the old device.
    """
    with transaction.atomic():
        removed, _detail = TOTPDevice.objects.filter(user=staff).delete()
        ended = _end_sessions(staff)
        audit.record("admin_reset_mfa", user=actor, obj=staff, detail={"devices": removed, "sessions_ended": ended})
    return removed


def do_unlock_sign_in(staff: User, *, actor: User) -> int:
    """Clear the failed sign-ins that locked an account (django-axes)."""
    from axes.utils import reset

    with transaction.atomic():
        cleared = reset(username=staff.get_username())
        audit.record("admin_unlock", user=actor, obj=staff, detail={"cleared": cleared})
    return cleared


API_TOKEN_DAYS = 90


def hash_api_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def do_issue_api_token(staff: User, *, actor: User | None, name: str = "", days: int = API_TOKEN_DAYS) -> str:
    """Issue a new API key for `staff`, revoking their earlier ones; return
    the key, which is shown once and never stored."""
    if not staff.is_active:
        raise ValidationError({"__all__": [_("You cannot issue a token to a deactivated account")]})
    if not 1 <= days <= 366:
        raise ValidationError({"days": [_("A token must last between 1 and 366 days")]})
    key = "oics_" + secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        # One live token per person: issuing again is how a leaked key is replaced.
        ApiToken.objects.filter(user=staff, revoked_at__isnull=True).update(revoked_at=now)
        token = ApiToken.objects.create(
            user=staff,
            prefix=key[:12],
            key_hash=hash_api_key(key),
            name=name,
            created_at=now,
            expires_at=now + dt.timedelta(days=days),
        )
        audit.record("api_token_issue", user=actor, obj=staff, detail={"token": token.pk, "days": days})
    return key


def do_revoke_api_tokens(staff: User, *, actor: User | None) -> int:
    """Revoke every live API key of `staff`."""
    with transaction.atomic():
        revoked = ApiToken.objects.filter(user=staff, revoked_at__isnull=True).update(revoked_at=timezone.now())
        audit.record("api_token_revoke", user=actor, obj=staff, detail={"revoked": revoked})
    return revoked
