"""Deadlines on the child's overview, on their own page and in My work,
through the pages with the people of the test world."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from openics.timescales.actions import do_create_deadline, do_meet_deadline, do_set_authority_timescales

pytestmark = pytest.mark.django_db


def _deadlines(world: Any) -> None:
    """Amy under sussex-ics: one overdue, one met late, one due, one due soon."""
    do_set_authority_timescales(world.la, profile="sussex-ics", nation="ENG", acting_user=None)
    today = timezone.localdate()

    def make(rule: str, trigger: dt.date) -> Any:
        return do_create_deadline(
            world.amy, rule_id=rule, trigger_date=trigger, organisation=world.la, acting_user=None
        )

    make("initial-assessment", dt.date(2026, 4, 2))
    late = make("strategy-discussion", dt.date(2026, 4, 2))
    do_meet_deadline(late, met_on=dt.date(2026, 4, 30), acting_user=world.sam_sw, late_reason="Police unavailable")
    make("cin-review", today)
    make("icpc", today - dt.timedelta(days=14))


def test_overview_card_shows_each_status(world: Any, client_for: Any) -> None:
    _deadlines(world)
    page = client_for(world.sam_sw).get(f"/children/{world.amy.pk}/", secure=True).content.decode()
    assert 'data-testid="deadlines"' in page
    assert '<strong class="govuk-tag govuk-tag--red">Overdue</strong>' in page
    assert '<strong class="govuk-tag govuk-tag--orange">Met late</strong>' in page
    assert '<strong class="govuk-tag govuk-tag--blue">Due</strong>' in page
    assert '<strong class="govuk-tag govuk-tag--yellow">Due soon</strong>' in page
    assert "Due by 20 April 2026" in page
    assert f'href="/children/{world.amy.pk}/deadlines/"' in page


def test_deadline_page_lists_them_with_the_late_reason(world: Any, client_for: Any) -> None:
    _deadlines(world)
    response = client_for(world.sam_sw).get(f"/children/{world.amy.pk}/deadlines/", secure=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('<tr class="govuk-table__row">') == 1 + 4
    assert "Late because: Police unavailable" in page
    assert "sussex-ics" in page


def test_other_team_and_school_see_no_social_care_deadlines(world: Any, client_for: Any) -> None:
    _deadlines(world)
    assert client_for(world.olu_other).get(f"/children/{world.amy.pk}/deadlines/", secure=True).status_code == 404
    page = client_for(world.olu_other).get("/my-work/", secure=True).content.decode()
    assert "Nothing is due." in page and "govuk-tag--" not in page
    # The school's DSL sees Amy but not her social care deadlines.
    page = client_for(world.dee_dsl).get(f"/children/{world.amy.pk}/deadlines/", secure=True).content.decode()
    assert "No deadlines are recorded for this child." in page


def test_my_work_lists_open_deadlines_most_pressing_first(world: Any, client_for: Any) -> None:
    _deadlines(world)
    page = client_for(world.sam_sw).get("/my-work/", secure=True).content.decode()
    section = page[page.index('data-testid="my-deadlines"') :]
    overdue = section.index("govuk-tag--red")
    due_soon = section.index("govuk-tag--yellow")
    due = section.index("govuk-tag--blue")
    assert overdue < due_soon < due
    # Met deadlines are not work to do.
    assert "govuk-tag--orange" not in section
