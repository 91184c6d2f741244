"""The managers' queue: records they may endorse, oldest first, only on
children they can see, and a query count that does not grow with the list."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from openics.core import testing as t
from openics.records.actions import do_save_draft, do_start_record, do_submit
from openics.records.models import CaseRecord

pytestmark = pytest.mark.django_db

# Session, user, role assignments, teams (for managed teams), count, page:
# pinned, so a new query per row shows up here.
QUEUE_QUERIES = 6

CLOSURE = {"closure_date": "2026-02-01", "reason": "RC8", "summary": "Assessed", "impact": "Safe at home"}


def _submitted(child: Any, worker: Any, *, hours_ago: int) -> CaseRecord:
    record = do_start_record(child, actor=worker, kind="closure")
    record = do_save_draft(record, actor=worker, data=CLOSURE, expected_version=record.version)
    record = do_submit(record, actor=worker)
    # Backdate the submission so the order is the test's, not the clock's.
    CaseRecord.objects.filter(pk=record.pk).update(submitted_at=timezone.now() - dt.timedelta(hours=hours_ago))
    return record


def test_oldest_first_and_only_what_the_manager_may_see(world: Any, client_for: Any) -> None:
    newer = _submitted(world.amy, world.sam_sw, hours_ago=1)
    ben = t.make_child("Ben", "Example")
    t.allocate(ben, world.north, world.sam_sw)
    older = _submitted(ben, world.sam_sw, hours_ago=30)
    # A child in the South team: not Pat's.
    cara = t.make_child("Cara", "Elsewhere")
    t.allocate(cara, world.south, world.olu_other)
    elsewhere = _submitted(cara, world.olu_other, hours_ago=50)
    draft = do_start_record(world.amy, actor=world.sam_sw, kind="closure")

    response = client_for(world.pat_pm).get(reverse("records-awaiting-endorsement"), secure=True)
    assert response.status_code == 200
    assert [r.pk for r in response.context["page"].object_list] == [older.pk, newer.pk]
    page = response.content.decode()
    assert page.index("Ben Example") < page.index("Amy Example")
    assert reverse("record-review", args=[elsewhere.pk]) not in page
    assert reverse("record-review", args=[draft.pk]) not in page

    # Sean manages the whole service: he sees all three, oldest first.
    response = client_for(world.sean_sm).get(reverse("records-awaiting-endorsement"), secure=True)
    assert [r.pk for r in response.context["page"].object_list] == [elsewhere.pk, older.pk, newer.pk]

    # The author's own queue is empty: nobody endorses their own record.
    response = client_for(world.sam_sw).get(reverse("records-awaiting-endorsement"), secure=True)
    assert list(response.context["page"].object_list) == []


def _queue_queries(client: Any, django_assert_num_queries: Any, count: int) -> None:
    with django_assert_num_queries(count):
        assert client.get(reverse("records-awaiting-endorsement"), secure=True).status_code == 200


def test_the_queue_query_count_does_not_grow(world: Any, client_for: Any, django_assert_num_queries: Any) -> None:
    _submitted(world.amy, world.sam_sw, hours_ago=2)
    client = client_for(world.pat_pm)
    # Warm the session so both measurements count the same things.
    client.get(reverse("records-awaiting-endorsement"), secure=True)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(reverse("records-awaiting-endorsement"), secure=True)
    for n in range(8):
        child = t.make_child(f"Child{n}", "Queue")
        t.allocate(child, world.north, world.sam_sw)
        _submitted(child, world.sam_sw, hours_ago=3 + n)
    _queue_queries(client, django_assert_num_queries, len(one.captured_queries))
    assert len(one.captured_queries) == QUEUE_QUERIES, [q["sql"][:120] for q in one.captured_queries]


def test_the_queue_is_in_the_navigation_for_managers_only(world, client_for):
    queue = reverse("records-awaiting-endorsement")
    my_work = reverse("my-work")
    assert f'href="{queue}"' in client_for(world.pat_pm).get(my_work).content.decode()
    assert f'href="{queue}"' not in client_for(world.sam_sw).get(my_work).content.decode()
