"""The identity bar's CP plan and child in need flags, and the episodes
summary on the child's records tab."""

from __future__ import annotations

from typing import Any

import pytest

from . import helpers as h

pytestmark = pytest.mark.django_db


def _flags(client: Any, world: Any) -> str:
    response = client.get(f"/children/{world.amy.pk}/", secure=True)
    assert response.status_code == 200
    return response.content.decode()


def test_no_episode_no_flag(world: Any, client_for: Any) -> None:
    page = _flags(client_for(world.sam_sw), world)
    assert 'data-flag="cp_plan"' not in page
    assert 'data-flag="child_in_need"' not in page


def test_an_open_cin_episode_flags_child_in_need(world: Any, client_for: Any) -> None:
    h.submitted(world, "referral", h.referral("2026-01-05"))
    page = _flags(client_for(world.sam_sw), world)
    assert 'data-flag="child_in_need"' in page
    assert 'data-flag="cp_plan"' not in page


def test_a_cp_plan_flags_red_instead_of_child_in_need(world: Any, client_for: Any) -> None:
    h.submitted(world, "referral", h.referral("2026-01-05"))
    h.submitted(world, "icpc", h.icpc("2026-02-10"))
    page = _flags(client_for(world.sam_sw), world)
    assert 'govuk-tag--red" data-flag="cp_plan">Child protection plan' in page
    assert 'data-flag="child_in_need"' not in page


def test_closing_the_case_removes_the_flags(world: Any, client_for: Any) -> None:
    h.submitted(world, "referral", h.referral("2026-01-05"))
    h.submitted(world, "icpc", h.icpc("2026-02-10"))
    h.submitted(world, "closure", h.closure("2026-06-01"))
    page = _flags(client_for(world.sam_sw), world)
    assert 'data-flag="cp_plan"' not in page
    assert 'data-flag="child_in_need"' not in page


def test_the_schools_dsl_sees_the_plan_flag_and_a_teacher_does_not(world: Any, client_for: Any) -> None:
    h.submitted(world, "icpc", h.icpc("2026-02-10"))
    assert 'data-flag="cp_plan"' in _flags(client_for(world.dee_dsl), world)
    assert 'data-flag="cp_plan"' not in _flags(client_for(world.tom_teacher), world)


def test_the_records_tab_summarises_the_episodes(world: Any, client_for: Any) -> None:
    h.submitted(world, "referral", h.referral("2025-06-01"))
    h.submitted(world, "closure", h.closure("2025-09-01", reason="RC4"))
    h.submitted(world, "referral", h.referral("2026-01-05"))
    h.submitted(world, "single-assessment", h.assessment("2026-01-20", need="N4"))
    h.submitted(world, "icpc", h.icpc("2026-02-10", category="PHY"))
    h.submitted(world, "cp-review", h.review("2026-05-10", category="EMO"), by=world.iris_iro)
    response = client_for(world.sam_sw).get(f"/children/{world.amy.pk}/records/", secure=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Episodes" in page
    assert page.count("data-cin-episode=") == 2
    assert page.count("data-cp-episode=") == 1
    assert "Reopened case" in page
    assert "N4 Family in acute stress" in page
    assert "Special guardianship order" in page
    assert "Physical abuse" in page
    assert "Emotional abuse" in page
    assert "10 May 2026" in page


def test_the_records_tab_without_episodes_shows_no_summary(world: Any, client_for: Any) -> None:
    page = client_for(world.sam_sw).get(f"/children/{world.amy.pk}/records/", secure=True).content.decode()
    assert 'id="episodes-heading"' not in page
