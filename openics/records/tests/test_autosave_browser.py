"""Autosave in a real browser: what is typed is saved without pressing a
button, twice in a row without a false "someone else saved" (the version
travels back with each answer), under the real Content Security Policy."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from openics.records.models import CaseRecord
from openics.tests import test_browser_journey as journey

# The browser journey's fixtures, shared rather than copied.
_truncate_allowed = journey._truncate_allowed
browser = journey.browser
people = journey.people
plain_http_server = journey.plain_http_server
check_accessibility = journey.check_accessibility
sign_in = journey.sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("_truncate_allowed", "transactional_db")]


def test_a_draft_autosaves_and_the_pages_pass_axe(browser: Any, plain_http_server: Any, people: Any) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(20_000)
    base = plain_http_server.url
    sign_in(page, base, check=False)
    child = people["child"]
    page.goto(base + reverse("child-records", args=[child.pk]))
    page.get_by_role("link", name="Start a record").click()
    page.get_by_label("Referral Record").check()
    page.get_by_role("button", name="Start").click()
    page.wait_for_url(f"{base}/records/*/edit/")
    record = CaseRecord.objects.get(child=child)

    page.get_by_label("Reason for referral and presenting needs").fill("Typed, then the phone rang")
    page.locator("#autosave-status").filter(has_text="Saved at").wait_for()
    record.refresh_from_db()
    assert record.data["reason"] == "Typed, then the phone rang"

    page.get_by_label("Name and role of the referrer").fill("Ms Patel, class teacher")
    page.get_by_label("Name and role of the referrer").blur()
    # Version 3: the second save used the version the first one sent back.
    page.wait_for_function("() => document.querySelector('#id_version').value === '3'")
    record.refresh_from_db()
    assert record.data["referrer"] == "Ms Patel, class teacher"
    assert "Someone else" not in page.locator("#autosave-status").inner_text()
    context.close()

    # Accessibility of the record pages (axe is injected, so CSP is bypassed here).
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    sign_in(page, base, check=False)
    for path in (
        reverse("child-records", args=[child.pk]),
        reverse("record-start", args=[child.pk]),
        reverse("record-edit", args=[record.pk]),
        reverse("record-detail", args=[record.pk]),
        reverse("record-submit", args=[record.pk]),
        reverse("records-awaiting-endorsement"),
    ):
        page.goto(base + path)
        check_accessibility(page)
    page.goto(base + reverse("record-submit", args=[record.pk]))
    page.get_by_role("button", name="Submit").click()
    assert page.locator(".govuk-error-summary").is_visible()
    check_accessibility(page)
    context.close()
