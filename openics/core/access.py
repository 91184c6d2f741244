"""The access chokepoint: who may see which child, and which parts.

`access_child()` decides for one child; `visible_people()` (behind
`Person.objects.visible_to(user)`) filters lists.  Both are built from the
same list of `BASES`, so they cannot disagree; a hypothesis test checks it
anyway.  Missing and forbidden look the same: `Http404`.

Each basis is one relationship from the security requirements, written on
its own so it can be read and tested alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from . import audit
from .models import (
    BreakGlassGrant,
    Enrolment,
    Involvement,
    InvolvementKind,
    Person,
    RestrictionAllow,
    Share,
    Team,
    User,
)
from .roles import MANAGER_ROLES, SOCIAL_CARE_ROLES, Part, Role

SOCIAL_CARE_PARTS = frozenset({Part.CORE, Part.SOCIAL_CARE, Part.PLANS, Part.SEND, Part.HEALTH})
IRO_PARTS = frozenset({Part.CORE, Part.SOCIAL_CARE, Part.PLANS, Part.HEALTH})
INVOLVED_PARTS = frozenset({Part.CORE, Part.PLANS})
DSL_PARTS = frozenset({Part.CORE, Part.SCHOOL_SAFEGUARDING, Part.PLANS, Part.SEND})
SENCO_PARTS = frozenset({Part.CORE, Part.PLANS, Part.SEND})
HEAD_PARTS = frozenset({Part.CORE, Part.PLANS})
SCHOOL_STAFF_PARTS = frozenset({Part.CORE})


# The largest id a database column holds: a larger one in a URL names no
# record and must not reach the database (an overflow is a server error).
MAX_ID = 2**63 - 1


class StaffContext:
    """What one user's roles amount to, computed once per request."""

    def __init__(self, user: User, on: dt.date | None = None) -> None:
        self.user = user
        self.on = on or timezone.localdate()
        self.now = timezone.now()
        assignments = [
            a
            for a in user.role_assignments.all()
            if a.started_on <= self.on and (a.ended_on is None or a.ended_on > self.on)
        ]
        self.assignments = assignments
        self.roles = frozenset(a.role for a in assignments)
        self.team_ids = frozenset(a.team_id for a in assignments if a.role in SOCIAL_CARE_ROLES and a.team_id)
        self.school_ids_by_role: dict[str, frozenset[int]] = {}
        for role in (Role.DSL, Role.DEPUTY_DSL, Role.HEADTEACHER, Role.SENCO, Role.SCHOOL_STAFF):
            self.school_ids_by_role[role] = frozenset(a.organisation_id for a in assignments if a.role == role)
        self.organisation_id = user.organisation_id

    @cached_property
    def managed_team_ids(self) -> frozenset[int]:
        """Teams this user manages, with every team below them."""
        roots = {a.team_id for a in self.assignments if a.role in MANAGER_ROLES and a.team_id}
        if not roots:
            return frozenset()
        children: dict[int | None, list[int]] = {}
        for team_id, parent_id in Team.objects.values_list("id", "parent_id"):
            children.setdefault(parent_id, []).append(team_id)
        found: set[int] = set()
        stack = list(roots)
        while stack:
            team_id = stack.pop()
            if team_id in found:
                continue
            found.add(team_id)
            stack.extend(children.get(team_id, []))
        return frozenset(found)

    def schools(self, *roles: str) -> frozenset[int]:
        return frozenset().union(*(self.school_ids_by_role.get(r, frozenset()) for r in roles))

    @property
    def may_break_glass(self) -> bool:
        return bool(self.roles & SOCIAL_CARE_ROLES)

    @property
    def is_sysadmin(self) -> bool:
        return Role.SYSADMIN in self.roles

    @property
    def is_manager(self) -> bool:
        return bool(self.roles & MANAGER_ROLES)


def staff_context(user: User) -> StaffContext:
    """The user's context, cached on the user object for the request."""
    ctx: StaffContext | None = getattr(user, "_openics_staff_context", None)
    if ctx is None:
        ctx = StaffContext(user)
        user._openics_staff_context = ctx  # type: ignore[attr-defined]
    return ctx


def _current(qs: QuerySet[Any], on: dt.date) -> QuerySet[Any]:
    return qs.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on), started_on__lte=on)


@dataclass(frozen=True)
class Basis:
    """One ground for seeing a child."""

    code: str
    role_label: str
    parts: frozenset[str]
    writable: bool
    # Restricted records are open only to the bases that say so.
    for_restricted: bool
    for_unrestricted: bool
    condition: Callable[[StaffContext], Q | None]


def _involvement(ctx: StaffContext, **filters: Any) -> Q:
    qs = _current(Involvement.objects.filter(child=OuterRef("pk"), **filters), ctx.on)
    return Q(Exists(qs))


def _allocated_worker(ctx: StaffContext) -> Q | None:
    return _involvement(ctx, kind=InvolvementKind.ALLOCATED, worker=ctx.user)


def _allocated_team(ctx: StaffContext) -> Q | None:
    if not ctx.team_ids:
        return None
    return _involvement(ctx, kind=InvolvementKind.ALLOCATED, team_id__in=ctx.team_ids)


def _team_manager(ctx: StaffContext) -> Q | None:
    if not ctx.managed_team_ids:
        return None
    return _involvement(ctx, kind=InvolvementKind.ALLOCATED, team_id__in=ctx.managed_team_ids)


def _iro(ctx: StaffContext) -> Q | None:
    if Role.IRO not in ctx.roles:
        return None
    return _involvement(ctx, kind=InvolvementKind.IRO, worker=ctx.user)


def _involved_worker(ctx: StaffContext) -> Q | None:
    kinds = [InvolvementKind.LEAD_PROFESSIONAL, InvolvementKind.CASE_COORDINATOR, InvolvementKind.AGENCY]
    return _involvement(ctx, kind__in=kinds, worker=ctx.user)


def _school(*roles: str) -> Callable[[StaffContext], Q | None]:
    def condition(ctx: StaffContext) -> Q | None:
        school_ids = ctx.schools(*roles)
        if not school_ids:
            return None
        qs = _current(Enrolment.objects.filter(child=OuterRef("pk"), school_id__in=school_ids), ctx.on)
        return Q(Exists(qs))

    return condition


def _share_filter(ctx: StaffContext) -> Q:
    recipient = Q(user=ctx.user)
    if ctx.organisation_id:
        recipient |= Q(organisation_id=ctx.organisation_id)
    return recipient


def _shared(ctx: StaffContext) -> Q | None:
    qs = Share.objects.live(ctx.now).filter(child=OuterRef("pk")).filter(_share_filter(ctx))
    return Q(Exists(qs))


def _allow_list(ctx: StaffContext) -> Q | None:
    return Q(Exists(RestrictionAllow.objects.filter(child=OuterRef("pk"), user=ctx.user)))


def _break_glass(ctx: StaffContext) -> Q | None:
    if not ctx.may_break_glass:
        return None
    return Q(Exists(BreakGlassGrant.objects.live(ctx.now).filter(child=OuterRef("pk"), user=ctx.user)))


BASES: tuple[Basis, ...] = (
    Basis("allocated_worker", Role.SOCIAL_WORKER, SOCIAL_CARE_PARTS, True, False, True, _allocated_worker),
    Basis("allocated_team", "team", SOCIAL_CARE_PARTS, True, False, True, _allocated_team),
    Basis("team_manager", "manager", SOCIAL_CARE_PARTS, True, False, True, _team_manager),
    Basis("iro", Role.IRO, IRO_PARTS, True, False, True, _iro),
    Basis("involved_worker", "involved", INVOLVED_PARTS, True, False, True, _involved_worker),
    Basis("school_dsl", Role.DSL, DSL_PARTS, True, False, True, _school(Role.DSL, Role.DEPUTY_DSL)),
    Basis("school_senco", Role.SENCO, SENCO_PARTS, True, False, True, _school(Role.SENCO)),
    Basis("school_head", Role.HEADTEACHER, HEAD_PARTS, False, False, True, _school(Role.HEADTEACHER)),
    Basis("school_staff", Role.SCHOOL_STAFF, SCHOOL_STAFF_PARTS, False, False, True, _school(Role.SCHOOL_STAFF)),
    Basis("share", Role.PARTNER, frozenset(), False, False, True, _shared),
    Basis("allow_list", "allow_list", SOCIAL_CARE_PARTS, True, True, False, _allow_list),
    Basis("break_glass", "break_glass", SOCIAL_CARE_PARTS, True, True, True, _break_glass),
)


def _visibility_q(ctx: StaffContext) -> Q:
    unrestricted: Q | None = None
    restricted: Q | None = None
    for basis in BASES:
        condition = basis.condition(ctx)
        if condition is None:
            continue
        if basis.for_unrestricted:
            unrestricted = condition if unrestricted is None else unrestricted | condition
        if basis.for_restricted:
            restricted = condition if restricted is None else restricted | condition
    nothing = Q(pk__in=[])
    return (Q(restriction="") & (unrestricted or nothing)) | (~Q(restriction="") & (restricted or nothing))


def visible_people(user: User, qs: QuerySet[Person] | None = None) -> QuerySet[Person]:
    """People `user` may see (merged duplicates excluded)."""
    qs = Person.objects.all() if qs is None else qs
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    return qs.filter(merged_into__isnull=True).filter(_visibility_q(staff_context(user)))


# Who may open a confidential address (a refuge, a placement kept from a
# parent): the child's own social worker, the managers above the team, the
# IRO, and a restricted record's allow-list or a break-glass grant; never the
# rest of the team, a school or a partner agency.
CONFIDENTIAL_ADDRESS_BASES = frozenset({"allocated_worker", "team_manager", "iro", "allow_list", "break_glass"})


@dataclass(frozen=True)
class AccessGrant:
    """Why a user may see a child, which parts, and whether they may write."""

    child: Person
    bases: tuple[str, ...]
    role: str
    parts: frozenset[str] = field(default_factory=frozenset)
    writable: bool = False

    def can_see(self, part: str) -> bool:
        return part in self.parts

    @property
    def may_see_confidential_address(self) -> bool:
        """Whether this grant may open a confidential address (audited)."""
        return bool(CONFIDENTIAL_ADDRESS_BASES.intersection(self.bases))


def grant_for(user: User, child: Person) -> AccessGrant | None:
    """The grant `user` holds on `child`, or None: one query (two with shares)."""
    if not user.is_authenticated or not user.is_active or child.merged_into_id:
        return None
    ctx = staff_context(user)
    annotations: dict[str, Any] = {}
    candidates: list[Basis] = []
    for basis in BASES:
        if child.is_restricted and not basis.for_restricted:
            continue
        if not child.is_restricted and not basis.for_unrestricted:
            continue
        condition = basis.condition(ctx)
        if condition is None:
            continue
        candidates.append(basis)
        # Each Q holds one Exists expression; annotate it directly.
        (expression,) = condition.children
        annotations[f"b_{basis.code}"] = expression
    if not candidates:
        return None
    flags = Person.objects.filter(pk=child.pk).annotate(**annotations).values(*annotations).first() or {}
    held = [b for b in candidates if flags.get(f"b_{b.code}")]
    if not held:
        return None
    parts: set[str] = set()
    for basis in held:
        parts |= basis.parts
    if any(b.code == "share" for b in held):
        for share_parts in (
            Share.objects.live(ctx.now).filter(child=child).filter(_share_filter(ctx)).values_list("parts", flat=True)
        ):
            parts |= set(share_parts) | {Part.CORE}
    return AccessGrant(
        child=child,
        bases=tuple(b.code for b in held),
        role=str(held[0].role_label),
        parts=frozenset(parts),
        writable=any(b.writable for b in held),
    )


def access_child(
    user: User,
    child_id: int | str,
    *,
    for_write: bool = False,
    part: str = Part.CORE,
    queryset: QuerySet[Person] | None = None,
) -> Person:
    """The child, with `child._grant` set, or `Http404` (missing or forbidden
    alike).  A refusal is audited and committed on its own."""
    try:
        pk = int(child_id)
    except (TypeError, ValueError):
        raise Http404 from None
    # Beyond a 64-bit key nothing can exist, and SQLite would raise on it;
    # the probe is still audited, without a child to file it under.
    if not 0 < pk <= MAX_ID:
        audit.record_denial("access", user=user, object_type="core.person", object_id=str(pk)[:40])
        raise Http404
    qs = queryset if queryset is not None else Person.objects.all()
    child = qs.filter(pk=pk).first()
    # An old link to a merged duplicate leads to the record it was merged into.
    hops = 0
    while child is not None and child.merged_into_id and hops < 5:
        child = qs.filter(pk=child.merged_into_id).first()
        hops += 1
    grant = grant_for(user, child) if child is not None else None
    refused = grant is None or part not in grant.parts or (for_write and not grant.writable)
    if refused:
        audit.record_denial(
            "access",
            user=user,
            object_type="core.person",
            object_id=str(pk),
            child_id=pk,
            detail={"part": str(part), "for_write": for_write},
        )
        raise Http404
    assert grant is not None and child is not None
    child._grant = grant
    audit_ctx = audit.current_context.get()
    if audit_ctx is not None:
        audit_ctx.acting_role = grant.role
    return child


def parts_visible(user: User, child: Person) -> frozenset[str]:
    grant = child._grant or grant_for(user, child)
    return grant.parts if grant else frozenset()


def filter_parts(qs: QuerySet[Any], parts: Iterable[str], field_name: str = "part") -> QuerySet[Any]:
    """Keep rows (chronology entries, records) whose part the grant opens."""
    return qs.filter(**{f"{field_name}__in": list(parts)})
