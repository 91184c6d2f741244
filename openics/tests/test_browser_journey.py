"""The key journey in a real browser (Chromium through Playwright), with
axe-core checking every page against WCAG 2.2 AA."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from openics.core import testing as t
from openics.core.roles import Role

# Playwright's sync API runs an event loop in this thread; pytest-django's
# database access from the same thread is still synchronous and safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

# The live server runs in its own thread, so the test needs committed data:
# a transactional database (the equivalent of django_db(transaction=True),
# requested after `_truncate_allowed` so that its clean-up runs inside it).
pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("_truncate_allowed", "transactional_db")]


@pytest.fixture
def _truncate_allowed() -> Iterator[None]:
    """A transactional test ends by emptying every table with TRUNCATE, which
    the audit trail's trigger refuses on PostgreSQL; let the clean-up through."""
    from django.db import connection

    if connection.vendor != "postgresql":
        yield
        return
    import pgtrigger

    with pgtrigger.ignore("core.AuditEvent:audit_no_truncate", "core.AuditEvent:audit_append_only"):
        yield


AXE = Path(__file__).resolve().parents[2] / "var" / "axe.min.js"
CHROMIUM = os.environ.get("OPENICS_CHROMIUM", "/usr/bin/chromium")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture
def plain_http_server(transactional_db: None) -> Iterator[Any]:
    """pytest-django's live server, started with plain-HTTP settings.

    The server listens on 127.0.0.1 without TLS, so HTTPS redirects and
    Secure-only cookies are off here (production keeps both).  The security
    middleware reads them when the server starts, so they are overridden
    before it does rather than per test.
    """
    from django.test import override_settings
    from pytest_django.live_server_helper import LiveServer

    with override_settings(SECURE_SSL_REDIRECT=False, SESSION_COOKIE_SECURE=False, CSRF_COOKIE_SECURE=False):
        server = LiveServer("localhost")
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture
def browser() -> Iterator[Any]:
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"needs Chromium at {CHROMIUM}")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"],
        )
        yield browser
        browser.close()


def check_accessibility(page: Any) -> None:
    """Run axe-core on the page as it stands; fail on any WCAG 2.2 AA violation."""
    if not AXE.exists():
        pytest.skip("var/axe.min.js is missing: run `npm run build`")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    result = page.evaluate("async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} - {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]
    assert not problems, f"{page.url}:\n" + "\n".join(problems)


@pytest.fixture
def people(transactional_db: None) -> dict[str, Any]:
    la = t.make_la()
    team = t.make_team(la, "Assessment Team North")
    sam = t.make_user("sam_sw", Role.SOCIAL_WORKER, organisation=la, team=team, first_name="Sam", last_name="Social")
    child = t.make_child("Poppy", "Journey", la_child_id="NC777001")
    t.allocate(child, team, sam)
    return {"sam": sam, "child": child}


def sign_in(page: Any, base: str, *, check: bool = True) -> None:
    page.goto(f"{base}/sign-in/")
    # axe runs as JavaScript: not in the context that has it turned off.
    if check:
        check_accessibility(page)
    page.get_by_label("Username").fill("sam_sw")
    page.get_by_label("Password").fill(t.TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/my-work/")


def test_find_child_and_add_a_chronology_entry(browser, plain_http_server, people):
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    base = plain_http_server.url
    sign_in(page, base)
    check_accessibility(page)

    page.get_by_role("link", name="Find a child").click()
    check_accessibility(page)
    page.get_by_label("Name").fill("Poppy")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Poppy Journey").click()
    page.wait_for_url(f"{base}/children/{people['child'].pk}/")
    assert page.get_by_role("heading", level=1).inner_text().endswith("Poppy Journey")
    check_accessibility(page)

    page.get_by_role("link", name="Chronology", exact=True).click()
    check_accessibility(page)
    page.get_by_role("button", name="Add an entry").click()
    check_accessibility(page)
    # A bad date first: the GOV.UK error summary, itself checked by axe.
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2024")
    page.get_by_label("What happened").fill("Home visit: Poppy seen alone")
    page.get_by_role("button", name="Save entry").click()
    assert "Date must be a real date" in page.locator(".govuk-error-summary").inner_text()
    check_accessibility(page)
    page.get_by_label("Day").fill("28")
    page.get_by_role("button", name="Save entry").click()
    page.wait_for_url(f"{base}/children/{people['child'].pk}/chronology/")
    assert page.get_by_text("Home visit: Poppy seen alone").is_visible()
    check_accessibility(page)

    # The record pages reached from the overview pass axe too.
    child_id = people["child"].pk
    for path in (
        f"/children/{child_id}/edit/",
        f"/children/{child_id}/addresses/add/",
        f"/children/{child_id}/relationships/add/?q=Poppy",
        f"/children/{child_id}/involvement/add/",
        f"/children/{child_id}/break-glass/",
        "/children/add/",
    ):
        page.goto(base + path)
        check_accessibility(page)
    page.get_by_role("button", name="Continue").click()
    assert page.locator(".govuk-error-summary").is_visible()
    check_accessibility(page)
    context.close()


def test_add_person_duplicate_step_and_dates_without_javascript(browser, plain_http_server, people):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.set_default_timeout(20_000)
    base = plain_http_server.url
    sign_in(page, base, check=False)
    page.goto(f"{base}/children/add/")
    page.get_by_label("First name").fill("Poppy")
    page.get_by_label("Last name").fill("Journey")
    born = people["child"].date_of_birth
    assert isinstance(born, dt.date)
    dob = page.get_by_role("group", name="Date of birth", exact=True)
    dob.get_by_label("Day").fill(str(born.day))
    dob.get_by_label("Month").fill(str(born.month))
    dob.get_by_label("Year").fill(str(born.year))
    page.get_by_role("button", name="Continue").click()
    # The existing record is offered first.
    assert page.get_by_role("heading", name="Possible matches").is_visible()
    assert page.get_by_role("link", name="Use this record").count() == 1
    page.get_by_role("button", name="None of these: create a new record").click()
    page.wait_for_url(f"{base}/children/*/")
    assert "Poppy Journey" in page.get_by_role("heading", level=1).inner_text()
    assert not page.url.endswith(f"/children/{people['child'].pk}/")
    context.close()
