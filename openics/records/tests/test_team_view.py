"""The managers' team view: workers, their allocated children and the open
deadlines of the team's children, with a query count that does not grow
with the number of children."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openics.core import testing as t
from openics.core.models import RestrictionAllow
from openics.timescales.actions import do_create_deadline
from openics.timescales.models import Deadline

pytestmark = pytest.mark.django_db

URL = "/team/"


def _deadline(world: Any, child: Any, *, due_in: int, title: str = "Assessment", met: bool = False) -> Deadline:
    """An open deadline on `child`, due `due_in` days from today (negative:
    overdue); "due soon" from three days before."""
    deadline = do_create_deadline(
        child,
        rule_id="single-assessment",
        trigger_date=timezone.localdate() - dt.timedelta(days=60),
        organisation=world.la,
        acting_user=None,
    )
    due = timezone.localdate() + dt.timedelta(days=due_in)
    Deadline.objects.filter(pk=deadline.pk).update(
        title=title,
        due_date=due,
        trigger_date=due - dt.timedelta(days=70),
        due_soon_from=due - dt.timedelta(days=3),
        met_on=due if met else None,
    )
    return Deadline.objects.get(pk=deadline.pk)


@pytest.fixture
def teams(world: Any) -> Any:
    w = world
    w.ben = t.make_child("Ben", "North")
    t.allocate(w.ben, w.north, w.sam_sw)
    w.unallocated = t.make_child("Una", "Waiting")
    t.allocate(w.unallocated, w.north, None)
    w.cara = t.make_child("Cara", "South")
    t.allocate(w.cara, w.south, w.olu_other)
    w.amy_overdue = _deadline(w, w.amy, due_in=-4, title="Amy overdue")
    w.amy_due = _deadline(w, w.amy, due_in=30, title="Amy due")
    w.ben_soon = _deadline(w, w.ben, due_in=2, title="Ben due soon")
    w.ben_met = _deadline(w, w.ben, due_in=-10, title="Ben met", met=True)
    w.una_overdue = _deadline(w, w.unallocated, due_in=-1, title="Una overdue")
    w.cara_overdue = _deadline(w, w.cara, due_in=-20, title="Cara overdue")
    return w


def _rows(response: Any) -> list[str]:
    return [d.title for d in response.context["page"].object_list]


def _worker(response: Any, name: str) -> Any:
    return next(row for row in response.context["workers"] if row.name == name)


def test_practice_manager_sees_her_team_sorted_by_due_date(teams: Any, client_for: Any) -> None:
    w = teams
    response = client_for(w.pat_pm).get(URL, secure=True)
    assert response.status_code == 200
    # Open deadlines only, soonest (most overdue) first; the South team's are not Pat's.
    assert _rows(response) == ["Amy overdue", "Una overdue", "Ben due soon", "Amy due"]
    assert response.context["totals"] == {"overdue": 2, "due_soon": 1, "due": 1}
    sam = _worker(response, "Sam Tester")
    assert (sam.children, sam.overdue, sam.due_soon, sam.due) == (2, 1, 1, 1)
    nobody = _worker(response, "No allocated worker")
    assert (nobody.children, nobody.overdue) == (1, 1)
    # The team's staff are listed even without cases; the other team's are not.
    names = [row.name for row in response.context["workers"]]
    assert "Tara Tester" in names and "Olu Tester" not in names
    page = response.content.decode()
    assert f'href="/children/{w.amy.pk}/deadlines/"' in page
    assert "Cara" not in page


def test_filter_by_worker_and_status(teams: Any, client_for: Any) -> None:
    w = teams
    pat = client_for(w.pat_pm)
    response = pat.get(URL, {"worker": w.sam_sw.pk}, secure=True)
    assert _rows(response) == ["Amy overdue", "Ben due soon", "Amy due"]
    assert [c.first_name for c in response.context["worker_children"]] == ["Amy", "Ben"]
    response = pat.get(URL, {"worker": w.sam_sw.pk, "status": "overdue"}, secure=True)
    assert _rows(response) == ["Amy overdue"]
    response = pat.get(URL, {"worker": "none"}, secure=True)
    assert _rows(response) == ["Una overdue"]
    response = pat.get(URL, {"status": "due_soon"}, secure=True)
    assert _rows(response) == ["Ben due soon"]


def test_service_manager_sees_every_team_under_him(teams: Any, client_for: Any) -> None:
    w = teams
    sean = client_for(w.sean_sm)
    response = sean.get(URL, secure=True)
    assert _rows(response) == ["Cara overdue", "Amy overdue", "Una overdue", "Ben due soon", "Amy due"]
    olu = _worker(response, "Olu Tester")
    assert (olu.children, olu.overdue) == (1, 1)
    # One team at a time.
    response = sean.get(URL, {"team": w.south.pk}, secure=True)
    assert _rows(response) == ["Cara overdue"]
    assert [row.name for row in response.context["workers"]] == ["Olu Tester"]


def test_bad_filters_are_errors_not_failures(teams: Any, client_for: Any) -> None:
    w = teams
    pat = client_for(w.pat_pm)
    response = pat.get(URL, {"status": "bogus", "worker": w.olu_other.pk, "team": w.south.pk}, secure=True)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Select overdue, due soon or due" in page
    assert "Select a worker from the list" in page
    # Pat does not manage the South team: it is not hers to choose.
    assert "Select one of your teams" in page
    assert "Cara" not in page
    assert pat.get(URL, {"page": "999"}, secure=True).status_code == 200


def test_a_restricted_child_stays_out_of_the_managers_view(teams: Any, client_for: Any) -> None:
    w = teams
    w.ben.restriction = "high_profile"
    w.ben.save(update_fields=["restriction"])
    RestrictionAllow.objects.create(child=w.ben, user=w.sam_sw, added_by=w.sam_sw)
    response = client_for(w.pat_pm).get(URL, secure=True)
    assert "Ben due soon" not in _rows(response)
    assert _worker(response, "Sam Tester").children == 1


@pytest.mark.parametrize("persona", ["sam_sw", "tara_ta", "olu_other", "iris_iro", "dee_dsl", "ada_admin"])
def test_only_managers_reach_it(teams: Any, client_for: Any, persona: str) -> None:
    assert client_for(getattr(teams, persona)).get(URL, secure=True).status_code == 404


def test_managers_have_a_nav_link(teams: Any, client_for: Any) -> None:
    assert 'href="/team/"' in client_for(teams.pat_pm).get("/my-work/", secure=True).content.decode()
    assert 'href="/team/"' not in client_for(teams.sam_sw).get("/my-work/", secure=True).content.decode()


def _queries(client: Any, **params: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL, params, secure=True).status_code == 200
    return len(captured.captured_queries)


def test_query_count_does_not_grow_with_the_number_of_children(teams: Any, client_for: Any) -> None:
    w = teams
    sean = client_for(w.sean_sm)
    sean.get(URL, secure=True)  # sessions and caches warm
    before = _queries(sean)
    before_filtered = _queries(sean, worker=w.sam_sw.pk, status="overdue")
    for i in range(30):
        child = t.make_child(f"Child{i}", "Many")
        t.allocate(child, w.north if i % 2 else w.south, w.sam_sw if i % 2 else w.olu_other)
        _deadline(w, child, due_in=i - 15)
        _deadline(w, child, due_in=i + 1)
    after = _queries(sean)
    assert after == before
    assert _queries(sean, worker=w.sam_sw.pk, status="overdue") == before_filtered
    # And the ceiling, so a new query per page shows up here.
    assert after <= 14
