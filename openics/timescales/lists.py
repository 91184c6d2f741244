"""The deadline lists other pages show: one query each."""

from __future__ import annotations

from django.db.models import F, QuerySet

from openics.core.access import filter_parts
from openics.core.models import Involvement, Person, User

from .models import Deadline

# The overview's card shows this many; the list page shows them all.
DEADLINES_ON_OVERVIEW = 5
# My work lists this many open deadlines, the most pressing first.
DEADLINES_IN_MY_WORK = 25


def child_deadlines(child: Person, parts: frozenset[str]) -> QuerySet[Deadline]:
    """The child's deadlines in the parts the grant opens: open ones first,
    soonest due first, then met ones, most recent first."""
    return filter_parts(Deadline.objects.filter(child=child).with_status(), parts).order_by(
        F("met_on").desc(nulls_first=True), "due_date", "pk"
    )


def my_deadlines(user: User) -> QuerySet[Deadline]:
    """Open deadlines on the children the user works with (allocated or
    otherwise involved), overdue first, then due soon, then due: ordering by
    the due date gives exactly that order.  Team views list the rest."""
    mine = Involvement.objects.current().filter(worker=user).values("child_id")
    return (
        Deadline.objects.for_user(user, among=mine)
        .open()
        .with_status()
        .select_related("child")
        .order_by("due_date", "pk")[:DEADLINES_IN_MY_WORK]
    )
