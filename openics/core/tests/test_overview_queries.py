"""The child overview and My work cost the same number of queries whatever
the length of the child's history or the worker's caseload (conventions,
item 9).  Each test runs once with a short history and once with a long one
and pins the same exact count."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from openics.core import testing as t
from openics.core.models import (
    Address,
    ChronologyEntry,
    Involvement,
    InvolvementKind,
    Notification,
    OrganisationKind,
    Person,
    Relationship,
    RelationshipKind,
    Significance,
)
from openics.core.roles import Part, Role

pytestmark = pytest.mark.django_db


def give_deadlines(world, children: list[Person], n: int) -> None:
    """`n` deadlines spread over `children`: overdue, due soon, due and met."""
    from openics.timescales.models import Deadline

    today = timezone.localdate()
    Deadline.objects.bulk_create(
        Deadline(
            child=children[i % len(children)],
            organisation=world.la,
            rule_id="single-assessment",
            title=f"Assessment {i}",
            profile="england",
            profile_version="1",
            nation="ENG",
            offset=45,
            unit="working_days",
            trigger_date=today - dt.timedelta(days=60),
            due_date=today + dt.timedelta(days=i % 20 - 5),
            due_soon_from=today + dt.timedelta(days=i % 20 - 12),
            met_on=today if i % 7 == 0 else None,
        )
        for i in range(n)
    )


SIZES = {"short": 3, "long": 300}


def audit_lock_queries() -> int:
    """On PostgreSQL an audit write first takes the chain's advisory lock."""
    return 1 if connection.vendor == "postgresql" else 0


def give_history(world, n: int) -> None:
    """`n` chronology entries and a network that grows with `n` for Amy."""
    amy = world.amy
    today = timezone.localdate()
    police = t.make_org(f"Police {n}", OrganisationKind.POLICE, world.la)
    ChronologyEntry.objects.bulk_create(
        ChronologyEntry(
            child=amy,
            occurred_on=today - dt.timedelta(days=i),
            kind="manual",
            summary=f"Event {i}",
            source="" if i % 2 else "Police notification",
            source_organisation=police if i % 3 else None,
            significance=Significance.SIGNIFICANT if i % 5 == 0 else Significance.ROUTINE,
            part=Part.SOCIAL_CARE if i % 4 == 0 else Part.CORE,
            is_manual=True,
        )
        for i in range(n)
    )
    relatives = Person.objects.bulk_create(
        Person(is_child=i % 3 == 0, first_name=f"Relative{i}", last_name="Example") for i in range(n // 10 + 1)
    )
    Relationship.objects.bulk_create(
        Relationship(child=amy, person=p, kind=RelationshipKind.OTHER_FAMILY, emergency_contact_order=i + 1)
        for i, p in enumerate(relatives)
    )
    workers = [
        t.make_user(f"nurse{n}_{i}", Role.PARTNER, organisation=world.health) for i in range(min(n // 30 + 1, 10))
    ]
    Involvement.objects.bulk_create(
        Involvement(
            child=amy,
            kind=InvolvementKind.AGENCY,
            organisation=world.health if i % 2 else police,
            worker=workers[i % len(workers)],
            started_on=today - dt.timedelta(days=10 + i),
        )
        for i in range(n // 10 + 1)
    )
    Address.objects.bulk_create(
        Address(person=amy, line1=f"{i} High Street", town="Chelmsford", postcode="CM1 1AA", moved_in=today)
        for i in range(n // 100 + 1)
    )
    give_deadlines(world, [amy], n // 10 + 1)


def give_caseload(world, n: int) -> None:
    """`n` more children allocated to Sam, with other involvements and alerts."""
    children = Person.objects.bulk_create(
        Person(first_name=f"Child{i}", last_name="Case", date_of_birth=dt.date(2015, 1, 1)) for i in range(n)
    )
    for child in children:
        t.allocate(child, world.north, world.sam_sw)
    Involvement.objects.bulk_create(
        Involvement(child=child, kind=InvolvementKind.LEAD_PROFESSIONAL, organisation=world.la, worker=world.sam_sw)
        for child in children[: n // 3 + 1]
    )
    Notification.objects.bulk_create(Notification(user=world.sam_sw, message=f"Alert {i}") for i in range(n))
    give_deadlines(world, children, n)


@pytest.mark.parametrize("size", SIZES)
def test_child_overview_queries_do_not_grow_with_history(world, client_for, django_assert_num_queries, size):
    give_history(world, SIZES[size])
    client = client_for(world.sam_sw)
    url = f"/children/{world.amy.pk}/"
    # 1 session; 2 the user; 3 the child; 4 the user's roles (staff context);
    # 5 the access grant (one annotated query for every basis);
    # 6 the identity bar's disability flag; 7 its episode flags (an open
    #   CP plan or CIN episode: openics.casework.flags);
    # 8-11 the audit "view" event: savepoint, the last row's hash, insert, release
    #   (plus the advisory lock on PostgreSQL);
    # 12 current addresses; 13 relationships with their people;
    # 14 current involvements with organisation, team and worker;
    # 15 the recent chronology (at most 15) with its source organisation;
    # 16 the deadlines card (at most 5, with their status worked out in SQL).
    # (The session is re-saved at most once a minute, not on this request.)
    with django_assert_num_queries(16 + audit_lock_queries()):
        response = client.get(url, secure=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('class="moj-timeline__item"') == min(SIZES[size], 15)
    assert "Relative0 Example" in page
    assert page.count('class="govuk-summary-list__key">Assessment') == min(SIZES[size] // 10 + 1, 5)


@pytest.mark.parametrize("size", SIZES)
def test_my_work_queries_do_not_grow_with_caseload(world, client_for, django_assert_num_queries, size):
    give_caseload(world, SIZES[size])
    client = client_for(world.sam_sw)
    # 1 session; 2 the user; 3 the user's roles (staff context);
    # 4 unread alerts (at most 10); 5 allocations with child and team;
    # 6 other involvements with their child;
    # 7 open deadlines on children the user may see (at most 25), with the
    #   child: the visibility rules are subqueries of the same query
    #   (no session save: see above).
    with django_assert_num_queries(7):
        response = client.get("/my-work/", secure=True)
    assert response.status_code == 200
    page = response.content.decode()
    # Every allocated child, a third of them again as lead professional, and
    # the open deadlines (one in seven was met), at most 25.
    open_deadlines = min(SIZES[size] - (SIZES[size] + 6) // 7, 25)
    assert page.count("Case</a>") == SIZES[size] + SIZES[size] // 3 + 1 + open_deadlines
    assert world.amy.full_name in page
    assert page.count("govuk-tag--") == open_deadlines
