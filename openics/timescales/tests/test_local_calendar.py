"""Administrators' local changes to the working-day calendar: a day added or
removed, for a nation or one authority, changes the deadlines worked out."""

from __future__ import annotations

import datetime as dt

import pytest

from openics.conftest import World
from openics.core.models import AuditEvent, Organisation, OrganisationKind
from openics.core.testing import make_la, make_org
from openics.timescales.actions import do_add_calendar_change, do_set_authority_timescales
from openics.timescales.calendar import calendar_for
from openics.timescales.deadlines import compute
from openics.timescales.errors import TimescaleError
from openics.timescales.models import CalendarChangeKind, LocalCalendarChange

D = dt.date.fromisoformat
ADDED, REMOVED = CalendarChangeKind.ADDED, CalendarChangeKind.REMOVED


def ia_due(**kwargs: object) -> dt.date:
    return compute("initial-assessment", D("2026-04-02"), **kwargs).due  # type: ignore[arg-type]


@pytest.fixture
def la(db: None) -> Organisation:
    """An authority alone: most tests here need no staff (the `world`
    personas cost seconds of password hashing each)."""
    return make_la()


@pytest.fixture
def sussex(la: Organisation) -> Organisation:
    do_set_authority_timescales(la, profile="sussex-ics", nation="ENG", acting_user=None)
    return la


def test_a_day_added_for_the_nation_moves_the_deadline(la: Organisation) -> None:
    assert ia_due(profile="sussex-ics", nation="ENG") == D("2026-04-20")
    do_add_calendar_change(
        D("2026-04-14"), kind=ADDED, nation="ENG", reason="Proclaimed bank holiday", acting_user=None
    )
    assert ia_due(profile="sussex-ics", nation="ENG") == D("2026-04-21")
    # Scotland's calendar is not touched.
    assert ia_due(profile="sussex-ics", nation="SCT") == D("2026-04-17")


def test_a_bank_holiday_removed_for_one_authority(sussex: Organisation) -> None:
    do_add_calendar_change(
        D("2026-04-06"),
        kind=REMOVED,
        organisation=sussex,
        reason="Easter Monday is a working day here",
        acting_user=None,
    )
    assert ia_due(organisation=sussex) == D("2026-04-17")
    other = make_la("Southshire Council", code="882")
    assert ia_due(organisation=other, profile="sussex-ics") == D("2026-04-20")


def test_an_authority_can_undo_a_nation_wide_change_for_itself(sussex: Organisation) -> None:
    do_add_calendar_change(D("2026-04-14"), kind=ADDED, nation="ENG", reason="Proclaimed", acting_user=None)
    assert ia_due(organisation=sussex) == D("2026-04-21")
    do_add_calendar_change(
        D("2026-04-14"), kind=REMOVED, organisation=sussex, reason="We open as usual", acting_user=None
    )
    assert ia_due(organisation=sussex) == D("2026-04-20")


def test_the_latest_change_for_a_day_wins(la: Organisation) -> None:
    day = D("2026-04-14")
    do_add_calendar_change(day, kind=ADDED, nation="ENG", reason="Proclaimed", acting_user=None)
    assert not calendar_for("ENG").is_working_day(day)
    do_add_calendar_change(day, kind=REMOVED, nation="ENG", reason="Entered in error", acting_user=None)
    assert calendar_for("ENG").is_working_day(day)
    assert ia_due(profile="sussex-ics", nation="ENG") == D("2026-04-20")


def test_the_calendar_is_built_in_one_query(la: Organisation, django_assert_num_queries) -> None:
    for offset in range(5):
        do_add_calendar_change(
            D("2026-04-13") + dt.timedelta(days=offset), kind=ADDED, nation="ENG", reason="x", acting_user=None
        )
    with django_assert_num_queries(1):
        calendar = calendar_for("ENG", la.pk)
    assert calendar.why_closed(D("2026-04-13")) == "local non-working day: x"


def test_a_change_is_audited(world: World) -> None:
    change = do_add_calendar_change(
        D("2026-06-15"), kind=REMOVED, nation="SCT", reason="Not observed by the council", acting_user=world.ada_admin
    )
    event = AuditEvent.objects.get(object_type="timescales.localcalendarchange", object_id=str(change.pk))
    assert event.action == "create"
    assert event.username == "ada_admin"
    assert event.detail["date"] == "2026-06-15"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"nation": "ENG", "reason": "  "}, "Enter the reason for the change"),
        ({"reason": "x"}, "Choose either a nation or a local authority"),
        ({"nation": "GB", "reason": "x"}, "Unknown nation 'GB'"),
        ({"nation": "ENG", "reason": "x", "kind": "moved"}, "Choose whether the day is added or removed"),
    ],
)
def test_bad_changes_are_refused(la: Organisation, kwargs: dict[str, str], message: str) -> None:
    kwargs.setdefault("kind", ADDED)
    with pytest.raises(TimescaleError, match=message):
        do_add_calendar_change(D("2026-04-14"), acting_user=None, **kwargs)  # type: ignore[arg-type]
    assert not LocalCalendarChange.objects.exists()


def test_a_change_for_a_school_or_for_both_scopes_is_refused(la: Organisation) -> None:
    school = make_org("Grange Primary School", OrganisationKind.SCHOOL, la, urn="114999")
    with pytest.raises(TimescaleError, match="is not a local authority"):
        do_add_calendar_change(D("2026-04-14"), kind=ADDED, organisation=school, reason="x", acting_user=None)
    with pytest.raises(TimescaleError, match="not both"):
        do_add_calendar_change(D("2026-04-14"), kind=ADDED, nation="ENG", organisation=la, reason="x", acting_user=None)
