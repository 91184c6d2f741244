"""The "Next steps" block in a real browser: axe finds no WCAG 2.2 AA
violation, it reflows at 320 pixels, and its button starts the proposed
record."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from openics.records.actions import do_save_draft, do_start_record, do_submit
from openics.records.models import CaseRecord, RecordStatus
from openics.tests.test_accessibility_sweep import DESKTOP, TOO_WIDE, _axe
from openics.tests.test_browser_journey import (  # noqa: F401
    _truncate_allowed,
    browser,
    plain_http_server,
)

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("_truncate_allowed", "transactional_db")]


def test_next_steps_are_accessible_and_start_the_record(browser: Any, plain_http_server: Any, world: Any) -> None:  # noqa: F811
    strategy = do_start_record(world.amy, actor=world.sam_sw, kind="strategy-discussion")
    strategy = do_save_draft(
        strategy,
        actor=world.sam_sw,
        data={
            "held_on": "2026-03-02",
            "format": "telephone",
            "participants": "Sam Worker, social worker; PC Jones, police",
            "information_shared": "Bruising seen at school.",
            "start_s47": "yes",
        },
        expected_version=strategy.version,
    )
    strategy = do_submit(strategy, actor=world.sam_sw)

    client = Client()
    client.force_login(world.sam_sw)
    context = browser.new_context(bypass_csp=True, viewport=DESKTOP)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    base = plain_http_server.url
    context.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": base}])
    try:
        tab = context.new_page()
        tab.set_default_timeout(20_000)
        tab.goto(base + reverse("record-detail", args=[strategy.pk]))
        assert tab.locator("h2#next-steps").inner_text() == "Next steps"
        assert _axe(tab) == []
        tab.set_viewport_size({"width": 320, "height": 640})
        width = tab.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 320, tab.evaluate(TOO_WIDE)
        tab.set_viewport_size(DESKTOP)
        with tab.expect_navigation():
            tab.get_by_role("button", name="Start Record of Outcome of Section 47 Enquiries").click()
        started = CaseRecord.objects.get(child=world.amy, kind="s47-outcome")
        assert started.status == RecordStatus.DRAFT
        assert tab.url == base + reverse("record-edit", args=[started.pk])
    finally:
        context.close()
