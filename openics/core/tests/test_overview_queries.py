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


@pytest.mark.parametrize("size", SIZES)
def test_child_overview_queries_do_not_grow_with_history(world, client_for, django_assert_num_queries, size):
    give_history(world, SIZES[size])
    client = client_for(world.sam_sw)
    url = f"/children/{world.amy.pk}/"
    # 1 session; 2 the user; 3 the child; 4 the user's roles (staff context);
    # 5 the access grant (one annotated query for every basis);
    # 6 the identity bar's disability flag;
    # 7-10 the audit "view" event: savepoint, the last row's hash, insert, release
    #   (plus the advisory lock on PostgreSQL);
    # 11 current addresses; 12 relationships with their people;
    # 13 current involvements with organisation, team and worker;
    # 14 the recent chronology (at most 15) with its source organisation.
    # (The session is re-saved at most once a minute, not on this request.)
    with django_assert_num_queries(14 + audit_lock_queries()):
        response = client.get(url, secure=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('class="moj-timeline__item"') == min(SIZES[size], 15)
    assert "Relative0 Example" in page


@pytest.mark.parametrize("size", SIZES)
def test_my_work_queries_do_not_grow_with_caseload(world, client_for, django_assert_num_queries, size):
    give_caseload(world, SIZES[size])
    client = client_for(world.sam_sw)
    # 1 session; 2 the user; 3 the user's roles (staff context);
    # 4 unread alerts (at most 10); 5 allocations with child and team;
    # 6 other involvements with their child (no session save: see above).
    with django_assert_num_queries(6):
        response = client.get("/my-work/", secure=True)
    assert response.status_code == 200
    page = response.content.decode()
    # Every allocated child, and a third of them again as lead professional.
    assert page.count("Case</a>") == SIZES[size] + SIZES[size] // 3 + 1
    assert world.amy.full_name in page
