"""Retention in the demo: a few former pupils now past their 25th birthday,
whose school child protection files are due for review, one of them under a
legal hold; then the scheduled run, so the review queue has something to
show.  Runs after every other extension (its name sorts last)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from openics.core.models import Enrolment, Organisation, OrganisationKind, Person, RoleAssignment
from openics.core.roles import Role
from openics.demo.extensions import DemoContext, register_demo_extension

FORMER_PUPILS = (("Jade", "Whitlow"), ("Connor", "Ashby"), ("Mia", "Pendle"))
# Their LA child IDs: beyond the generator's range, so counts of the
# generated children can leave them out.
FORMER_PUPIL_IDS = tuple(f"NC9{i:05d}" for i in range(len(FORMER_PUPILS)))


@register_demo_extension("zz_retention")
def add_retention(ctx: DemoContext) -> None:
    from openics.safeguarding.actions import do_decide, do_record_concern

    from .actions import do_place_hold, do_retention_run

    school = (
        Organisation.objects.filter(kind=OrganisationKind.SCHOOL, local_authority=ctx.local_authority)
        .order_by("pk")
        .first()
    )
    if school is None:
        return
    staff = RoleAssignment.objects.filter(organisation=school, role=Role.DSL).select_related("user").first()
    manager = RoleAssignment.objects.filter(role=Role.SERVICE_MANAGER).select_related("user").order_by("pk").first()
    if staff is None:
        return
    dsl = staff.user
    pupils = []
    for i, (first, last) in enumerate(FORMER_PUPILS):
        born = dt.date(1998 + i, ctx.rng.randint(1, 12), ctx.rng.randint(1, 28))
        child = Person.objects.create(
            is_child=True, first_name=first, last_name=last, date_of_birth=born, la_child_id=FORMER_PUPIL_IDS[i]
        )
        Enrolment.objects.create(
            child=child, school=school, started_on=dt.date(born.year + 4, 9, 1), ended_on=dt.date(born.year + 11, 7, 20)
        )
        # Recorded through the action as the DSL would have, on the day.
        concern = do_record_concern(
            child,
            actor=dsl,
            school=school,
            data={
                "account": "Came to school hungry and said there was no food at home over the weekend.",
                "childs_words": "There wasn't anything to eat",
                "categories": ["neglect"],
                "location": "Breakfast club",
                "action_taken": "Gave breakfast, told the DSL.",
                "occurred_at": ctx.reference_moment - dt.timedelta(days=365 * (18 - i)),
                "dsl_informed_verbally": True,
                "body_map": [],
            },
        )
        do_decide(
            concern,
            actor=dsl,
            data={"outcome": "monitor", "parents_informed": True, "rationale": "Monitor at breakfast club"},
        )
        pupils.append(child)
    if manager is not None:
        do_place_hold(
            pupils[0],
            actor=manager.user,
            reason="Historical abuse inquiry: records requested",
            reference="INQ/2026/014",
        )
    do_retention_run(today=ctx.reference_date or timezone.localdate())
