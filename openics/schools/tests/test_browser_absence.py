"""In a real browser: the DSL uploads a register file, checks the preview,
imports it, is prompted to tell the local authority of ten school days'
unexplained absence (across weekends and an INSET day), and records it."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import pytest

from openics.core import testing as t
from openics.schools.models import AbsenceNotification
from openics.tests.test_browser_journey import (  # noqa: F401
    _truncate_allowed,
    browser,
    check_accessibility,
    plain_http_server,
)
from openics.timescales.models import SchoolClosure, SchoolTerm

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("_truncate_allowed", "transactional_db")]


def _register() -> bytes:
    lines = ["upn,la_child_id,date,session,mark"]
    day, counted = dt.date(2026, 3, 2), 0
    while counted < 10:
        if day == dt.date(2026, 3, 11):
            # The INSET day carries the closure mark, which counts for nothing.
            lines.append(f",NC000001,{day.isoformat()},AM,#")
        elif day.weekday() < 5:
            # Both date formats are accepted.
            lines += [f",NC000001,{day.isoformat()},AM,N", f",NC000001,{day:%d/%m/%Y},PM,N"]
            counted += 1
        day += dt.timedelta(days=1)
    return ("\n".join(lines) + "\n").encode()


def test_dsl_imports_a_register_and_tells_the_la(browser: Any, plain_http_server: Any, world: Any) -> None:  # noqa: F811
    SchoolTerm.objects.create(school=world.school, start=dt.date(2026, 3, 2), end=dt.date(2026, 3, 27))
    SchoolClosure.objects.create(school=world.school, date=dt.date(2026, 3, 11), reason="INSET day")
    base = plain_http_server.url
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{base}/sign-in/")
    page.get_by_label("Username").fill("dee_dsl")
    page.get_by_label("Password").fill(t.TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/my-work/")

    page.get_by_role("link", name="Schools", exact=True).click()
    check_accessibility(page)
    page.get_by_role("link", name="Attendance and children missing education").click()
    page.get_by_role("link", name="Import a register").click()
    check_accessibility(page)
    page.get_by_label("Register file (CSV)").set_input_files(
        {"name": "register.csv", "mimeType": "text/csv", "buffer": _register()}
    )
    page.get_by_role("button", name="Check the file").click()
    assert page.get_by_text("Every line is correct").is_visible()
    check_accessibility(page)
    assert not AbsenceNotification.objects.exists()
    page.get_by_role("button", name="Import the register").click()

    # The prompt: Amy is listed to be notified to the local authority.
    page.get_by_role("link", name="Amy Example").first.click()
    check_accessibility(page)
    assert "from 2 March 2026 to 16 March 2026" in page.locator("main").inner_text()
    page.get_by_label("Day").fill("16")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("Who told the local authority").fill("Dee Tester")
    page.get_by_label("Email").check()
    page.get_by_label("Reference (if given)").fill("CME/2026/16")
    page.get_by_role("button", name="Record the notification").click()
    assert page.get_by_text("Notification to the local authority recorded.").is_visible()
    assert page.get_by_text("No notifications to make.").is_visible()
    check_accessibility(page)
    task = AbsenceNotification.objects.get()
    assert task.reference == "CME/2026/16" and task.notified_by == "Dee Tester"
    context.close()
