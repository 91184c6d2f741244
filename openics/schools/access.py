"""Who may do what in school operations.

Pupils are reached through the core chokepoint (`access_child`); on top of
it, attendance is the work of the school's leads (DSL, deputies, head) for
pupils on that school's roll.

Allegations against staff are a restricted area, visible only to:

- the headteacher(s) of the school, unless the allegation concerns the head;
- the chair of governors (named in the school's arrangements) when it does;
- a LADO of the local authority the school belongs to;
- someone named as a participant (the DSL, say);

and never to the member of staff it is about.  Everyone else gets 404, the
same as for a missing allegation, and the refusal is audited.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from openics.core import audit
from openics.core.access import MAX_ID, StaffContext, access_child, staff_context
from openics.core.models import Enrolment, Organisation, OrganisationKind, Person, User
from openics.core.roles import SCHOOL_ROLES, Part, Role

from .models import Allegation, AllegationParticipant, SchoolArrangements

LEAD_ROLES = frozenset({Role.DSL, Role.DEPUTY_DSL, Role.HEADTEACHER})
ARRANGEMENTS_EDITORS = frozenset({Role.DSL, Role.HEADTEACHER})
REPORT_READERS = frozenset({Role.DSL, Role.DEPUTY_DSL, Role.HEADTEACHER, Role.GOVERNOR})


def school_roles(user: User, school_id: int) -> frozenset[str]:
    """The user's current roles at the school."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    ctx = staff_context(user)
    return frozenset(a.role for a in ctx.assignments if a.organisation_id == school_id and a.role in SCHOOL_ROLES)


def schools_of(user: User, roles: frozenset[str] = SCHOOL_ROLES) -> list[Organisation]:
    if not user.is_authenticated or not user.is_active:
        return []
    ctx = staff_context(user)
    ids = {a.organisation_id for a in ctx.assignments if a.role in roles}
    return list(Organisation.objects.filter(pk__in=ids, kind=OrganisationKind.SCHOOL).order_by("name"))


def access_school(user: User, school_id: int | str, roles: frozenset[str] = SCHOOL_ROLES) -> Organisation:
    """The school, if the user holds one of `roles` there; else 404 (audited)."""
    try:
        pk = int(school_id)
    except (TypeError, ValueError):
        raise Http404 from None
    school = Organisation.objects.filter(pk=pk, kind=OrganisationKind.SCHOOL).first() if 0 < pk <= MAX_ID else None
    if school is None or not (school_roles(user, school.pk) & roles):
        audit.record_denial("access", user=user, object_type="core.organisation", object_id=str(pk)[:40])
        raise Http404
    return school


def on_roll(school_id: int, on: dt.date | None = None) -> Q:
    """Filter for people on the school's roll on a day."""
    on = on or timezone.localdate()
    current = Enrolment.objects.filter(child=OuterRef("pk"), school_id=school_id, started_on__lte=on).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=on)
    )
    return Q(Exists(current))


def pupils(user: User, school: Organisation) -> QuerySet[Person]:
    """The school's pupils the user may see (restricted records stay hidden)."""
    return (
        Person.objects.visible_to(user)
        .filter(is_child=True)
        .filter(on_roll(school.pk))
        .order_by("last_name", "first_name", "pk")
    )


def access_pupil(user: User, school: Organisation, child_id: int | str) -> Person:
    """A pupil of the school through the chokepoint (audited refusal)."""
    child = access_child(user, child_id, part=Part.CORE)
    if not Person.objects.filter(pk=child.pk).filter(on_roll(school.pk)).exists():
        audit.record_denial("access", user=user, object_type="core.person", object_id=str(child.pk), child_id=child.pk)
        raise Http404
    return child


# ------------------------------------------------------------ allegations


def arrangements_for(school: Organisation) -> SchoolArrangements | None:
    return (
        SchoolArrangements.objects.filter(school=school)
        .select_related("safeguarding_governor", "chair_of_governors")
        .first()
    )


def _chair_of(ctx: StaffContext) -> set[int]:
    """Schools whose chair of governors the user is, while still a governor there."""
    governor_of = {a.organisation_id for a in ctx.assignments if a.role == Role.GOVERNOR}
    if not governor_of:
        return set()
    return set(
        SchoolArrangements.objects.filter(chair_of_governors=ctx.user, school_id__in=governor_of).values_list(
            "school_id", flat=True
        )
    )


def allegations_visible_to(user: User) -> QuerySet[Allegation]:
    """The allegations `user` may know about (the list side)."""
    if not user.is_authenticated or not user.is_active:
        return Allegation.objects.none()
    ctx = staff_context(user)
    head_of = {a.organisation_id for a in ctx.assignments if a.role == Role.HEADTEACHER}
    lado_of = {a.organisation_id for a in ctx.assignments if a.role == Role.LADO}
    chair_of = _chair_of(ctx)
    condition = Q(Exists(AllegationParticipant.objects.filter(allegation=OuterRef("pk"), user=user)))
    if head_of:
        condition |= Q(school_id__in=head_of, concerns_head=False)
    if chair_of:
        condition |= Q(school_id__in=chair_of, concerns_head=True)
    if lado_of:
        condition |= Q(school__local_authority_id__in=lado_of)
    # Never the person it is about, whatever else they hold.
    return Allegation.objects.filter(condition).exclude(about_user=user)


def may_record_allegation(user: User) -> list[Organisation]:
    """Schools where the user may record an allegation: heads and chairs of
    governors for their school, a LADO for the authority's schools."""
    if not user.is_authenticated or not user.is_active:
        return []
    ctx = staff_context(user)
    head_of = {a.organisation_id for a in ctx.assignments if a.role == Role.HEADTEACHER}
    lado_of = {a.organisation_id for a in ctx.assignments if a.role == Role.LADO}
    chair_of = _chair_of(ctx)
    condition = Q(pk__in=head_of | chair_of)
    if lado_of:
        condition |= Q(local_authority_id__in=lado_of)
    return list(Organisation.objects.filter(condition, kind=OrganisationKind.SCHOOL).order_by("name"))


def access_allegation(user: User, allegation_id: int | str) -> Allegation:
    """The allegation or 404, missing and forbidden alike; refusals audited."""
    try:
        pk = int(allegation_id)
    except (TypeError, ValueError):
        raise Http404 from None
    allegation = (
        allegations_visible_to(user).select_related("school", "recorded_by").filter(pk=pk).first()
        if 0 < pk <= MAX_ID
        else None
    )
    if allegation is None:
        audit.record_denial("access", user=user, object_type="schools.allegation", object_id=str(pk)[:40])
        raise Http404
    return allegation


def is_lado_for(user: User, allegation: Allegation) -> bool:
    ctx = staff_context(user)
    return any(
        a.role == Role.LADO and a.organisation_id == allegation.school.local_authority_id for a in ctx.assignments
    )


def may_manage_allegation(user: User, allegation: Allegation) -> bool:
    """The case manager (head or chair) and the LADO record progress and
    outcome; participants read and add notes."""
    if is_lado_for(user, allegation):
        return True
    if allegation.concerns_head:
        return allegation.school_id in _chair_of(staff_context(user))
    return Role.HEADTEACHER in school_roles(user, allegation.school_id)
