"""`openics deadline`: prints the ISO due date; bad input exits 2 with a
message and no traceback."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import BaseCommand

from openics.core.models import OrganisationKind
from openics.core.testing import make_la, make_org
from openics.timescales.actions import do_add_school_term
from openics.timescales.management.commands.deadline import Command

pytestmark = pytest.mark.django_db


def run(*argv: str) -> str:
    out = StringIO()
    call_command("deadline", *argv, stdout=out)
    return out.getvalue()


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run as the console script does, so argparse errors exit too."""
    # run_from_argv closes every connection when done, which would end the
    # test's transaction on PostgreSQL.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.core.management.base.connections.close_all", lambda: None)
        return _run_cli(capsys, *argv)


def _run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    command: BaseCommand = Command()
    code = 0
    try:
        command.run_from_argv(["openics", "deadline", *argv])
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_the_issues_example_prints_the_iso_date() -> None:
    out = run("initial-assessment", "--from", "2026-04-02", "--nation", "ENG", "--profile", "sussex-ics")
    assert out == "2026-04-20\n"


def test_the_default_profile_is_england() -> None:
    assert run("single-assessment", "--from", "2025-11-03") == "2026-01-08\n"


def test_the_nation_is_case_insensitive() -> None:
    assert run("referral-decision", "--from", "2026-11-27", "--nation", "sct") == "2026-12-01\n"


def test_explain_lists_the_counted_days() -> None:
    lines = run("initial-assessment", "--from", "2026-04-02", "--profile", "sussex-ics", "--explain").splitlines()
    assert lines[0] == "2026-04-20"
    assert "profile sussex-ics version 2; calendar ENG" in lines
    assert "2026-04-02 Thu day 0 (trigger)" in lines
    assert "2026-04-06 Mon not counted (bank holiday: Easter Monday)" in lines
    assert lines[-1] == "2026-04-20 Mon day 10"


def test_explain_shows_a_counted_trigger_day_as_day_one() -> None:
    la = make_la()
    school = make_org("Grange Primary School", OrganisationKind.SCHOOL, la, urn="114999")
    do_add_school_term(school, start=dt.date(2026, 1, 5), end=dt.date(2026, 2, 13), acting_user=None)
    lines = run("school-absence-notify", "--from", "2026-01-05", "--school", "114999", "--explain").splitlines()
    assert lines[0] == "2026-01-16"
    assert "2026-01-05 Mon day 1" in lines
    assert not any("day 0" in line for line in lines)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["initial-assessment", "--from", "2026-02-30"], "'2026-02-30' is not a real date: enter it as YYYY-MM-DD"),
        (["initial-assessment", "--from", "02/04/2026"], "is not a real date"),
        (["initial-assessment"], "the following arguments are required: --from"),
        (["icpc", "--from", "2026-04-02", "--nation", "GB"], "invalid choice: 'GB'"),
        (["no-such-rule", "--from", "2026-04-02"], "There is no rule 'no-such-rule' in the england profile"),
        (["single-assessment", "--from", "2026-04-02", "--profile", "sussex-ics"], "no rule 'single-assessment'"),
        (["icpc", "--from", "2026-04-02", "--profile", "kent"], "There is no timescale profile 'kent'"),
        (["school-absence-notify", "--from", "2026-04-02"], "counts school days"),
        (["school-absence-notify", "--from", "2026-04-02", "--school", "999999"], "no school with the URN"),
        (["cp-review", "--from", "9999-12-01"], "too far in the future"),
    ],
)
def test_bad_input_exits_2_with_a_message(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    code, out, err = run_cli(capsys, *argv)
    assert code == 2
    assert out == ""
    assert message in err
    assert "Traceback" not in err


def test_good_input_exits_0_from_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run_cli(capsys, "icpc", "--from", "2025-12-22", "--nation", "SCT")
    assert (code, out) == (0, "2026-01-16\n")
