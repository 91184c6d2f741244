"""School operations in the demo: every school gets its terms for the
school year, an INSET day, its safeguarding arrangements (the governor as
safeguarding governor and chair) and a training register with some of it
overdue, so the register, the overdue list and the reminders have something
to show."""

from __future__ import annotations

import datetime as dt

from openics.core.models import Organisation, OrganisationKind, RoleAssignment
from openics.core.roles import Role
from openics.demo.extensions import DemoContext, register_demo_extension
from openics.timescales.models import SchoolClosure, SchoolTerm

from .codes import TrainingLevel
from .models import SchoolArrangements, TrainingRecord
from .reports import school_year_start

# An English school year's six half terms, as (month, day) pairs from the
# September it starts in; the exact days vary a little by authority.
HALF_TERMS = (
    ((9, 3), (10, 23), 0),
    ((11, 3), (12, 19), 0),
    ((1, 5), (2, 13), 1),
    ((2, 23), (3, 27), 1),
    ((4, 13), (5, 22), 1),
    ((6, 1), (7, 22), 1),
)


@register_demo_extension("schools")
def add_school_operations(ctx: DemoContext) -> None:
    rng = ctx.rng
    start = school_year_start(ctx.reference_date)
    schools = list(
        Organisation.objects.filter(kind=OrganisationKind.SCHOOL, local_authority=ctx.local_authority).order_by("pk")
    )
    terms, closures, arrangements, training = [], [], [], []
    for school in schools:
        for (m1, d1), (m2, d2), year_offset in HALF_TERMS:
            year = start.year + year_offset
            terms.append(SchoolTerm(school=school, start=dt.date(year, m1, d1), end=dt.date(year, m2, d2)))
        closures.append(SchoolClosure(school=school, date=dt.date(start.year, 9, 2), reason="INSET day"))
        staff = list(
            RoleAssignment.objects.filter(organisation=school, ended_on__isnull=True)
            .order_by("user_id", "role")
            .values_list("user_id", "role")
        )
        governor = next((user_id for user_id, role in staff if role == Role.GOVERNOR), None)
        recorder = next((user_id for user_id, role in staff if role == Role.DSL), None)
        arrangements.append(
            SchoolArrangements(
                school=school,
                safeguarding_governor_id=governor,
                chair_of_governors_id=governor,
                policy_adopted_on=start,
                policy_review_on=dt.date(start.year + 1, 9, 1),
                lado_phone="03330 139 797",
                hub_phone="0345 603 7627",
            )
        )
        if recorder is None:
            continue
        for user_id, role in staff:
            # Most are up to date; about one in five is overdue.
            days_ago = rng.randint(20, 330) if rng.random() > 0.2 else rng.randint(380, 500)
            training.append(
                TrainingRecord(
                    school=school,
                    person_id=user_id,
                    course="Safeguarding update",
                    level=TrainingLevel.UPDATE,
                    completed_on=ctx.reference_date - dt.timedelta(days=days_ago),
                    recorded_by_id=recorder,
                )
            )
            if role in (Role.DSL, Role.DEPUTY_DSL):
                training.append(
                    TrainingRecord(
                        school=school,
                        person_id=user_id,
                        course="Designated safeguarding lead (Level 3)",
                        level=TrainingLevel.LEVEL_3,
                        completed_on=ctx.reference_date - dt.timedelta(days=rng.randint(60, 800)),
                        recorded_by_id=recorder,
                    )
                )
    SchoolTerm.objects.bulk_create(terms)
    SchoolClosure.objects.bulk_create(closures)
    SchoolArrangements.objects.bulk_create(arrangements)
    TrainingRecord.objects.bulk_create(training)
