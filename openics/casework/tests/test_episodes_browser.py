"""The list of children subject to a plan, and the episodes summary, in a
real browser with rows in them (the sweep sees them empty): no axe WCAG 2.2
AA violation, and no sideways scrolling at 320 pixels."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client

from openics.tests.test_accessibility_sweep import TOO_WIDE
from openics.tests.test_browser_journey import (  # noqa: F401
    _truncate_allowed,
    browser,
    check_accessibility,
    plain_http_server,
)

from . import helpers as h

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("_truncate_allowed", "transactional_db")]


@pytest.fixture
def _quick_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.usefixtures("_quick_passwords")
def test_the_plan_list_and_episodes_are_accessible(browser, plain_http_server, world):  # noqa: F811
    h.submitted(world, "referral", h.referral("2025-06-01"))
    h.submitted(world, "closure", h.closure("2025-09-01"))
    h.submitted(world, "referral", h.referral("2026-01-05"))
    h.submitted(world, "single-assessment", h.assessment("2026-01-20", need="N4"))
    h.submitted(world, "icpc", h.icpc("2026-02-10", category="PHY"))
    h.submitted(world, "cp-review", h.review("2026-05-10", category="EMO"), by=world.iris_iro)
    base = plain_http_server.url
    client = Client()
    client.force_login(world.pat_pm)
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 720})
    context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": base,
            }
        ]
    )
    tab = context.new_page()
    try:
        for path, heading in (
            ("/children/protection-plans/", "Children subject to a child protection plan"),
            ("/children/protection-plans/?team=abc", "Children subject to a child protection plan"),
            (f"/children/{world.amy.pk}/records/", "Records"),
        ):
            tab.set_viewport_size({"width": 1280, "height": 720})
            response = tab.goto(base + path)
            assert response is not None and response.status == 200
            assert tab.locator("h1").first.inner_text().strip() == heading
            check_accessibility(tab)
            tab.set_viewport_size({"width": 320, "height": 640})
            width = tab.evaluate("() => document.documentElement.scrollWidth")
            assert width <= 320, (path, tab.evaluate(TOO_WIDE))
        assert tab.locator("[data-cp-episode]").count() == 1
        tab.goto(base + "/children/protection-plans/")
        assert tab.locator("[data-child]").count() == 1
        assert tab.locator('a[aria-current="page"]', has_text="Protection plans").count() == 1
    finally:
        context.close()
