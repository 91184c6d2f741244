"""`openics calendar`: an administrator lists a year's non-working days and
records local changes, audited; bad input exits 2."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from openics.core.models import AuditEvent
from openics.core.testing import make_la
from openics.timescales.deadlines import compute
from openics.timescales.management.commands.calendar import Command
from openics.timescales.models import LocalCalendarChange

pytestmark = pytest.mark.django_db


def run(*argv: str) -> str:
    out = StringIO()
    call_command("calendar", *argv, stdout=out)
    return out.getvalue()


def test_show_lists_the_nations_weekday_holidays() -> None:
    lines = run("show", "2026", "--nation", "SCT").splitlines()
    assert "2026-01-02 Fri bank holiday: New Year Holiday" in lines
    assert "2026-08-03 Mon bank holiday: Summer Bank Holiday" in lines
    assert "2026-11-30 Mon bank holiday: Saint Andrew's Day" in lines
    assert not any(line.startswith("2026-04-06") for line in lines)


def test_add_then_show_for_one_authority() -> None:
    la = make_la(code="881")
    out = run("add", "2026-04-06", "--removed", "--la", "881", "--reason", "Council works Easter Monday")
    assert out == "2026-04-06: Non-working day removed (a working day) for Northshire County Council.\n"
    assert "2026-04-06 Mon working day (local change: Council works Easter Monday)" in run(
        "show", "2026", "--la", "881"
    )
    assert compute("initial-assessment", dt.date(2026, 4, 2), organisation=la, profile="sussex-ics").due == dt.date(
        2026, 4, 17
    )
    change = LocalCalendarChange.objects.get()
    assert AuditEvent.objects.filter(object_type="timescales.localcalendarchange", object_id=str(change.pk)).exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["add", "2026-04-06", "--added", "--reason", "x"], "Choose either a nation or a local authority"),
        (
            ["add", "2026-04-06", "--added", "--la", "999", "--reason", "x"],
            "no local authority with the DfE code '999'",
        ),
        (["add", "2026-04-31", "--added", "--nation", "ENG", "--reason", "x"], "is not a real date"),
        (
            ["add", "2026-04-06", "--nation", "ENG", "--reason", "x"],
            "one of the arguments --added --removed is required",
        ),
        (["add", "2026-04-06", "--added", "--nation", "ENG", "--reason", "x", "--by", "nobody"], "no user 'nobody'"),
        (["show", "2026"], "Say which calendar"),
        (["show", "99999", "--nation", "ENG"], "Enter a year from 1900 to 2200"),
    ],
)
def test_bad_input_exits_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, argv: list[str], message: str
) -> None:
    # run_from_argv closes every connection when done, which would end the
    # test's transaction on PostgreSQL.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    with pytest.raises(SystemExit) as excinfo:
        Command().run_from_argv(["openics", "calendar", *argv])
    assert excinfo.value.code == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert not LocalCalendarChange.objects.exists()
