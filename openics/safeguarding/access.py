"""Who may record a concern, and who may read one.

Reading goes through the core chokepoint: a concern is in the child's
`school_safeguarding` part, which the DSL and deputies of the child's school
hold (and anyone the DSL shares that part with, through a `Share`).  Plain
staff hold only the `core` part, so they cannot read the file.

Recording is a separate, narrower check: anyone with a role at a school
(staff, volunteers and visitors have staff accounts) may record a concern
about a pupil on that school's roll whom they can see.  The person who
recorded a concern may read back what they wrote (not the DSL's decisions)
and add to it.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from openics.core.access import MAX_ID, access_child, staff_context, visible_people
from openics.core.models import Enrolment, Person, User
from openics.core.roles import Part, Role

from .models import Concern

RECORDER_ROLES = (Role.DSL, Role.DEPUTY_DSL, Role.HEADTEACHER, Role.SENCO, Role.SCHOOL_STAFF)
LEAD_ROLES = (Role.DSL, Role.DEPUTY_DSL)


def recorder_school_ids(user: User) -> frozenset[int]:
    return staff_context(user).schools(*RECORDER_ROLES)


def lead_school_ids(user: User) -> frozenset[int]:
    """Schools where the user is the DSL or a deputy."""
    return staff_context(user).schools(*LEAD_ROLES)


def _on_roll(school_ids: frozenset[int] | set[int]) -> Q:
    today = timezone.localdate()
    current = Enrolment.objects.filter(child=OuterRef("pk"), school_id__in=school_ids, started_on__lte=today).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=today)
    )
    return Q(Exists(current))


def recordable_pupils(user: User) -> QuerySet[Person]:
    """Pupils the user may record a concern about: on the roll of a school
    where they hold a role, and visible to them (a restricted record stays
    hidden)."""
    schools = recorder_school_ids(user)
    if not schools:
        return Person.objects.none()
    return (
        visible_people(user, Person.objects.filter(is_child=True))
        .filter(_on_roll(schools))
        .order_by("last_name", "first_name", "pk")
    )


def school_for(user: User, child: Person) -> int | None:
    """The school (of the user's) on whose roll the child is, or None."""
    schools = recorder_school_ids(user)
    if not schools:
        return None
    today = timezone.localdate()
    return (
        Enrolment.objects.filter(child=child, school_id__in=schools, started_on__lte=today)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
        .order_by("school_id")
        .values_list("school_id", flat=True)
        .first()
    )


def get_concern(concern_id: int | str) -> Concern:
    try:
        pk = int(concern_id)
    except (TypeError, ValueError):
        raise Http404 from None
    concern = Concern.objects.select_related("school", "recorded_by").filter(pk=pk).first() if pk <= MAX_ID else None
    if concern is None:
        raise Http404
    return concern


def access_concern(user: User, concern_id: int | str, *, as_recorder: bool = True) -> tuple[Concern, bool]:
    """(concern, full): the concern with its child checked through the
    chokepoint.  `full` is True for readers of the child protection file;
    False for the member of staff who recorded it (what they wrote only).
    Anyone else gets 404, and the refusal is audited by `access_child`."""
    concern = get_concern(concern_id)
    if as_recorder and concern.recorded_by_id == user.pk:
        child = access_child(user, concern.child_id, part=Part.CORE)
        full = child._grant is not None and child._grant.can_see(Part.SCHOOL_SAFEGUARDING)
    else:
        child = access_child(user, concern.child_id, part=Part.SCHOOL_SAFEGUARDING)
        full = True
    concern.child = child
    return concern, full


def may_decide(user: User, concern: Concern) -> bool:
    """Only the DSL or a deputy of the concern's school records decisions."""
    return concern.school_id in lead_school_ids(user)
