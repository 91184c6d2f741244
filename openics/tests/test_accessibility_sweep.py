"""Every page of the permission matrix in a real browser: axe-core finds no
WCAG 2.2 AA violation, and with JavaScript turned off the page still renders
its main heading (pages work without JavaScript)."""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from openics.route_matrix import MATRIX_MODULES, Case

# The browser, the plain-HTTP live server and the audit trigger's TRUNCATE
# allowance are the journey test's fixtures, shared rather than copied.
from openics.tests.test_browser_journey import (  # noqa: F401
    AXE,
    WCAG_TAGS,
    _truncate_allowed,
    browser,
    plain_http_server,
)

# Playwright's sync API runs an event loop in this thread; the database
# access from the same thread is still synchronous and safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

# The live server runs in its own thread, so the world must be committed:
# a transactional database, requested after `_truncate_allowed` so that its
# clean-up runs inside it.
pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("_truncate_allowed", "transactional_db")]

# Every matrix module is swept.
SKIPPED_MODULES: tuple[str, ...] = ()
# Machine endpoints and downloads are not pages: no headings, nothing for axe.
SKIPPED_PREFIXES = ("api-",)
SKIPPED_NAMES = ("healthz",)
SKIPPED_SUFFIXES = ("-csv", "-pdf", "-zip")
DESKTOP = {"width": 1280, "height": 720}
# The innermost elements reaching past the right edge, to say what to fix.
TOO_WIDE = """() => [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > 320.5 && e.children.length === 0)
    .filter(e => !e.closest('.openics-table-scroll'))
    .slice(0, 3)
    .map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ').join('.') : ''))"""
# WCAG 2.4.7 (Focus visible), which axe does not test: each control looks
# different with the keyboard's focus on it than without (the elements that
# do not, named to say what to fix).
FOCUS = """() => {
  const controls = 'a[href], button, input:not([type=hidden]), select, textarea, [tabindex="0"], summary';
  const look = e => {
    const s = getComputedStyle(e);
    return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow, s.backgroundColor, s.color,
            s.textDecorationLine, s.borderColor].join('|');
  };
  const name = e => e.tagName.toLowerCase() + '.' + String(e.className).split(' ').join('.')
    + ' ' + (e.textContent || e.name || '').trim().slice(0, 30);
  const unseen = [];
  for (const e of document.querySelectorAll(controls)) {
    if (e.disabled || !e.getClientRects().length) continue;
    e.blur(); const before = look(e);
    e.focus(); const after = look(e);
    if (document.activeElement === e && before === after) unseen.push(name(e));
    e.blur();
  }
  return unseen;
}"""
# Forms whose empty submission is refused: the page with its GOV.UK error
# summary and messages is checked too (errors are where forms often fail
# people using assistive technology).
EMPTY_IS_AN_ERROR = (
    "login",
    "person-add",
    "child-chronology-add",
    "child-address-add",
    "child-previous-name-add",
    "child-person-address-add",
    "child-person-previous-name-add",
    "child-involvement-add",
    "child-break-glass",
    "child-restrict",
    "unmerge",
    "admin-organisation-add",
    "admin-team-add",
    "admin-staff-add",
    "admin-role-add",
    "concern-new",
    "concern-add",
    "concern-decide",
    "concern-fgm",
)


@dataclass(frozen=True)
class Page:
    """One GET case of the matrix, seen by the first persona it answers 200."""

    name: str
    index: int
    case: Case
    persona: str


def pages() -> list[Page]:
    """Every GET case expecting 200 for somebody, in matrix order, as the
    first persona it answers 200 (and signed out too where that is 200)."""
    found = []
    for module_name in MATRIX_MODULES:
        if module_name in SKIPPED_MODULES:
            continue
        routes: dict[str, list[Case]] = importlib.import_module(module_name).ROUTES
        for name, cases in routes.items():
            if name in SKIPPED_NAMES or name.startswith(SKIPPED_PREFIXES) or name.endswith(SKIPPED_SUFFIXES):
                continue
            for index, case in enumerate(cases):
                if case.method != "get":
                    continue
                # A page open to everyone (signing in) is seen signed out
                # first, as most people meet it.
                if case.anonymous == 200:
                    found.append(Page(name, index, case, "anonymous"))
                persona = next((p for p, status in case.expect.items() if status == 200), None)
                if persona is not None:
                    found.append(Page(name, index, case, persona))
    return found


def _url(page: Page, world: Any) -> str:
    kwargs = {}
    for key, value in page.case.kwargs.items():
        kwargs[key] = value(world) if callable(value) else getattr(world, value).pk
    url = reverse(page.name, kwargs=kwargs)
    return f"{url}?{page.case.query}" if page.case.query else url


def _fill_the_record(world: Any) -> None:
    """Give Amy a lived-in record, so that the tables, timelines and summary
    lists the pages hold are checked with rows in them, not only empty."""
    import datetime as dt

    from openics.core import actions
    from openics.core.models import Person, Significance

    amy, sam = world.amy, world.sam_sw
    for day, summary, significance in (
        (3, "Home visit: Amy seen alone", Significance.ROUTINE),
        (9, "Strategy discussion held", Significance.SIGNIFICANT),
        (12, "Police attended the home", Significance.CRITICAL),
    ):
        actions.do_add_chronology_entry(
            amy,
            actor=sam,
            data={"occurred_on": dt.date(2025, 2, day), "summary": summary, "significance": significance},
        )
    struck = actions.do_add_chronology_entry(
        amy, actor=sam, data={"occurred_on": dt.date(2025, 2, 1), "summary": "Entered on the wrong record"}
    )
    actions.do_strike_out_chronology_entry(struck, actor=sam, reason="Wrong child")
    actions.do_add_address(amy, actor=sam, data={"line1": "1 Sweep Road", "town": "Northtown", "postcode": "SS1 1AA"})
    actions.do_add_previous_name(amy, actor=sam, data={"last_name": "Formerly"})
    mother = Person.objects.create(is_child=False, first_name="Jo", last_name="Example")
    actions.do_add_relationship(amy, actor=sam, person=mother, data={"kind": "mother"})
    actions.do_add_involvement(amy, actor=sam, kind="agency", organisation=world.health)


def _axe(tab: Any) -> list[str]:
    """axe-core's WCAG 2.2 AA violations on the page as it stands, one line each."""
    if not tab.evaluate("() => typeof window.axe !== 'undefined'"):
        tab.evaluate(AXE.read_text())
    result = tab.evaluate("async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} - first at {v['nodes'][0]['target'] if v['nodes'] else '?'}"
        f" ({len(v['nodes'])} in all)"
        for v in result["violations"]
    ]


class _Contexts:
    """Two browser contexts per persona (JavaScript on and off), signed in by
    the session cookie of a test client's `force_login`: the sign-in page
    itself is tested in the journey, and signing in twelve people through it
    would only exercise the lockout."""

    def __init__(self, chromium: Any, base: str, world: Any) -> None:
        self.browser = chromium
        self.base = base
        self.world = world
        self.open: dict[tuple[str, bool], Any] = {}

    def tab(self, persona: str, *, javascript: bool) -> Any:
        key = (persona, javascript)
        if key not in self.open:
            # axe is injected as a script, which the site's CSP would refuse.
            context = self.browser.new_context(bypass_csp=True, java_script_enabled=javascript, viewport=DESKTOP)
            if persona != "anonymous":
                client = Client()
                client.force_login(getattr(self.world, persona))
                cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
                context.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": self.base}])
            tab = context.new_page()
            tab.set_default_timeout(20_000)
            self.open[key] = tab
        return self.open[key]

    def close(self) -> None:
        for tab in self.open.values():
            tab.context.close()


@pytest.fixture
def _quick_passwords(settings: Any) -> None:
    # The world signs twelve people up; Argon2 would only slow the sweep.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_the_sweep_covers_the_core_pages() -> None:
    """The sweep's list can fail to be complete: it holds the pages people
    use most, and none of the skipped kinds."""
    names = {page.name for page in pages()}
    assert ("login", "anonymous") in {(page.name, page.persona) for page in pages()}
    assert {"login", "my-work", "find-child", "child-overview", "child-chronology", "admin-home"} <= names
    assert not {name for name in names if name.startswith("api-") or name.endswith(("-csv", "-pdf"))}
    assert {"child-records", "records-awaiting-endorsement", "child-deadlines"} <= names


def test_the_checks_can_fail(browser):  # noqa: F811
    """axe, as injected here, finds the faults the sweep is for (a field
    without a label, text too faint to read), and the focus check finds a
    link that hides its focus."""
    context = browser.new_context()
    tab = context.new_page()
    tab.set_content(
        '<html lang="en"><head><title>Faulty</title></head><body><main>'
        '<h1>Faulty</h1><p style="color:#bbb;background:#fff">Faint text</p>'
        '<form><input type="text" name="q"></form>'
        '<style>.hidden-focus:focus { outline: none; }</style><a class="hidden-focus" href="#x">Next</a>'
        "</main></body></html>"
    )
    found = "\n".join(_axe(tab))
    tab.keyboard.press("Tab")
    assert tab.evaluate(FOCUS) == ["a.hidden-focus Next"]
    context.close()
    for rule in ("label", "color-contrast"):
        assert rule + " (" in found, found


@pytest.mark.usefixtures("_quick_passwords")
def test_every_page_passes_axe_and_renders_without_javascript(browser, plain_http_server, world):  # noqa: F811
    base = plain_http_server.url
    _fill_the_record(world)
    contexts = _Contexts(browser, base, world)
    failures: list[str] = []
    submitted: set[str] = set()
    checked = 0
    try:
        for page in pages():
            where = f"{page.name}[{page.index}] as {page.persona}"
            url = base + _url(page, world)

            tab = contexts.tab(page.persona, javascript=True)
            response = tab.goto(url)
            if response is None or response.status != 200:
                failures.append(f"{where}: {url} answered {response and response.status}, expected 200")
                continue
            if not response.headers.get("content-type", "").startswith("text/html"):
                # A download not caught by its name: nothing for axe to read.
                continue
            problems = _axe(tab)
            if problems:
                failures.append(f"{where}: {url}\n    " + "\n    ".join(problems))

            heading = tab.locator("h1").first.inner_text().strip()
            # A key press first, so that the browser shows focus as it does for keyboard users.
            tab.keyboard.press("Tab")
            unseen = tab.evaluate(FOCUS)
            if unseen:
                failures.append(f"{where}: no visible focus (WCAG 2.4.7) on {unseen[:3]}")
            # WCAG 2.4.2: every page has a title of its own, not only the service's name.
            if not tab.title().split(" \u2013 OpenICS")[0].strip():
                failures.append(f"{where}: the page title {tab.title()!r} does not say what the page is")
            # WCAG 1.4.10 (Reflow), which axe cannot judge: at 320 CSS pixels
            # the page does not scroll sideways (tables scroll in their own region).
            tab.set_viewport_size({"width": 320, "height": 640})
            width = tab.evaluate("() => document.documentElement.scrollWidth")
            if width > 320:
                failures.append(
                    f"{where}: at 320 pixels wide the page is {width} wide (WCAG 1.4.10 Reflow),"
                    f" first past the edge: {tab.evaluate(TOO_WIDE)}"
                )
            tab.set_viewport_size(DESKTOP)

            plain = contexts.tab(page.persona, javascript=False)
            plain_response = plain.goto(url)
            headings = plain.locator("h1")
            if plain_response is None or plain_response.status != 200 or plain.url != url:
                failures.append(f"{where}: without JavaScript, {url} did not answer 200 in place ({plain.url})")
            elif headings.count() != 1 or headings.first.inner_text().strip() != heading:
                failures.append(f"{where}: without JavaScript, {headings.count()} main headings instead of {heading!r}")
            checked += 1

            if page.name in EMPTY_IS_AN_ERROR and page.name not in submitted:
                submitted.add(page.name)
                # The POST forms are plain (no htmx): the answer is a new page.
                with tab.expect_navigation():
                    tab.locator("main form[method=post] [type=submit]").first.click()
                if not tab.locator(".govuk-error-summary").count():
                    failures.append(f"{where}: submitting the empty form showed no error summary")
                    continue
                # GOV.UK's pattern: a screen reader hears at once that the page has errors.
                if not tab.title().startswith("Error: "):
                    failures.append(f"{where}: the title of a page with errors is {tab.title()!r}, not 'Error: …'")
                problems = _axe(tab)
                if problems:
                    failures.append(f"{where} with errors:\n    " + "\n    ".join(problems))
                checked += 1
    finally:
        contexts.close()
    assert checked > 0
    assert not failures, f"{len(failures)} of {checked} pages fail:\n" + "\n".join(failures)
