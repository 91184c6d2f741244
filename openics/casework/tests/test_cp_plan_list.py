"""The authority's list of children subject to a child protection plan:
page, CSV and API, each showing only children the user may see."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openics.casework.models import CPEpisode
from openics.core import testing as t
from openics.core.models import Person
from openics.records.models import CaseRecord
from openics.timescales.models import Deadline

from . import helpers as h

pytestmark = pytest.mark.django_db

URL = "/children/protection-plans/"


def _on_plan(world: Any, category: str = "PHY") -> None:
    h.submitted(world, "referral", h.referral("2026-01-05"))
    h.submitted(world, "icpc", h.icpc("2026-02-10", category=category))


def _rows(page: str) -> int:
    return page.count("data-child=")


def test_the_list_shows_the_child_with_category_start_review_worker_and_team(world: Any, client_for: Any) -> None:
    _on_plan(world)
    review = Deadline.objects.get(child=world.amy, rule_id="cp-review-first")
    response = client_for(world.sam_sw).get(URL, secure=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'data-child="{world.amy.pk}"' in page
    assert "Physical abuse" in page
    assert "10 February 2026" in page
    assert f"{review.due_date.day} {review.due_date:%B %Y}" in page
    assert world.sam_sw.get_full_name() in page
    assert "Assessment Team North" in page
    assert 'data-count="1"' in page
    assert "<title>Children subject to a child protection plan \u2013 OpenICS</title>" in page


@pytest.mark.parametrize("persona", ["olu_other", "dee_dsl", "tom_teacher", "nina_nurse", "ada_admin"])
def test_others_do_not_see_the_child_on_the_list(world: Any, client_for: Any, persona: str) -> None:
    _on_plan(world)
    page = client_for(getattr(world, persona)).get(URL, secure=True).content.decode()
    assert _rows(page) == 0
    assert 'data-count="0"' in page


def test_a_plan_ended_at_review_leaves_the_list(world: Any, client_for: Any) -> None:
    _on_plan(world)
    client = client_for(world.pat_pm)
    assert _rows(client.get(URL, secure=True).content.decode()) == 1
    h.submitted(world, "cp-review", h.review("2026-05-10", decision="end"), by=world.iris_iro)
    assert _rows(client.get(URL, secure=True).content.decode()) == 0


def test_filters_by_team_and_category(world: Any, client_for: Any) -> None:
    _on_plan(world, category="EMO")
    client = client_for(world.sean_sm)
    assert _rows(client.get(URL, {"team": world.north.pk}, secure=True).content.decode()) == 1
    assert _rows(client.get(URL, {"team": world.south.pk}, secure=True).content.decode()) == 0
    assert _rows(client.get(URL, {"category": "EMO"}, secure=True).content.decode()) == 1
    assert _rows(client.get(URL, {"category": "NEG"}, secure=True).content.decode()) == 0


def test_bad_filter_input_is_a_message_not_an_error(world: Any, client_for: Any) -> None:
    _on_plan(world)
    client = client_for(world.sam_sw)
    for query in ({"team": "abc"}, {"team": str(2**70)}, {"category": "XYZ"}):
        response = client.get(URL, query, secure=True)
        assert response.status_code == 200
        page = response.content.decode()
        assert "govuk-error-summary" in page
        assert _rows(page) == 1


def test_sorted_by_start_date(world: Any, client_for: Any) -> None:
    _on_plan(world)
    bea = t.make_child("Bea", "Earlier")
    t.allocate(bea, world.north, world.sam_sw)
    icpc = CaseRecord.objects.get(child=world.amy, kind="icpc")
    CPEpisode.objects.create(child=bea, started_on=dt.date(2025, 1, 1), icpc_series=icpc.series, icpc_record=icpc)
    page = client_for(world.sam_sw).get(URL, secure=True).content.decode()
    assert page.index(f'data-child="{bea.pk}"') < page.index(f'data-child="{world.amy.pk}"')


def _many_plans(world: Any, n: int) -> None:
    icpc = CaseRecord.objects.get(child=world.amy, kind="icpc")
    children = Person.objects.bulk_create(Person(first_name=f"Child{i}", last_name="Plan") for i in range(n))
    for child in children:
        t.allocate(child, world.north, world.sam_sw)
    CPEpisode.objects.bulk_create(
        CPEpisode(
            child=c, started_on=dt.date(2026, 3, 1), icpc_series=icpc.series, icpc_record=icpc, latest_category="NEG"
        )
        for c in children
    )


def test_the_list_query_count_does_not_grow(world: Any, client_for: Any, django_assert_num_queries: Any) -> None:
    _on_plan(world)
    client = client_for(world.sam_sw)
    # Warm the session so both measurements count the same things.
    client.get(URL, secure=True)
    with CaptureQueriesContext(connection) as few:
        client.get(URL, secure=True)
    # Session, user, roles, the teams of the filter, the count, and the page
    # of plans with their child, worker, team and next review.
    assert len(few.captured_queries) == 6, [q["sql"][:100] for q in few.captured_queries]
    _many_plans(world, 30)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(URL, secure=True)
    assert _rows(response.content.decode()) == 31


def test_the_csv_is_formula_escaped_and_filtered(world: Any, client_for: Any) -> None:
    _on_plan(world)
    Person.objects.filter(pk=world.amy.pk).update(first_name="=HYPERLINK(1)")
    response = client_for(world.sam_sw).get(reverse("cp-plans-csv"), secure=True)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "Child"
    assert len(rows) == 2
    assert rows[1][0].startswith("'=HYPERLINK")
    assert rows[1][2] == "Physical abuse"
    assert rows[1][4] == "2026-02-10"
    other = client_for(world.olu_other).get(reverse("cp-plans-csv"), secure=True)
    assert len(list(csv.reader(io.StringIO(other.content.decode())))) == 1


# ---------------------------------------------------------------- the API

API = "/api/v1/cp-plans/"


def test_the_api_lists_the_same_plans(world: Any, client_for: Any) -> None:
    _on_plan(world)
    body = client_for(world.sam_sw).get(API, secure=True).json()
    assert body["count"] == 1
    (plan,) = body["results"]
    assert plan["child"] == world.amy.pk
    assert (plan["latest_category"], plan["started_on"], plan["previous_plans"]) == ("PHY", "2026-02-10", 0)
    assert plan["allocated_team"] == "Assessment Team North"
    assert plan["next_review"] == Deadline.objects.get(child=world.amy, rule_id="cp-review-first").due_date.isoformat()
    assert client_for(world.olu_other).get(API, secure=True).json()["count"] == 0
    client = client_for(world.sam_sw)
    assert client.get(API, {"team": world.south.pk}, secure=True).json()["count"] == 0
    assert client.get(API, {"category": "PHY"}, secure=True).json()["count"] == 1
    assert client.get(API, {"category": "XYZ"}, secure=True).status_code == 400


def test_the_api_gives_a_childs_episodes_to_those_who_may_see_them(world: Any, client_for: Any) -> None:
    _on_plan(world)
    url = f"/api/v1/people/{world.amy.pk}/episodes/"
    body = client_for(world.tara_ta).get(url, secure=True).json()
    (episode,) = body["cin_episodes"]
    (plan,) = body["cp_episodes"]
    assert episode["referral_date"] == "2026-01-05"
    assert plan["cin_episode"] == episode["id"]
    assert plan["initial_category"] == "PHY"
    assert client_for(world.olu_other).get(url, secure=True).status_code == 404
    assert client_for(world.dee_dsl).get(url, secure=True).status_code == 404
