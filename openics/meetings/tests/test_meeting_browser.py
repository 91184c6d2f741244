"""A meeting planned, invited to, recorded and sent in Chromium with
JavaScript turned off: every step is a plain form."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

from openics.core.models import OutboxMessage
from openics.meetings.models import Distribution, Meeting
from openics.tests.test_browser_journey import (  # noqa: F401
    _truncate_allowed,
    browser,
    plain_http_server,
)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("_truncate_allowed", "transactional_db")]


def _tab(chromium: Any, base: str, user: Any) -> Any:
    client = Client()
    client.force_login(user)
    context = chromium.new_context(java_script_enabled=False)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": base}])
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    return tab


def test_meeting_journey_without_javascript(browser, plain_http_server, world, settings):  # noqa: F811
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    base = plain_http_server.url
    tab = _tab(browser, base, world.sam_sw)
    tab.goto(f"{base}/children/{world.amy.pk}/")
    tab.get_by_role("link", name="Meetings").click()
    tab.get_by_role("link", name="Plan a meeting").click()
    tab.get_by_label("Kind of meeting").select_option("review_planning")
    day = timezone.localdate() + dt.timedelta(days=5)
    when = tab.get_by_role("group", name="Date", exact=True)
    when.get_by_label("Day").fill(str(day.day))
    when.get_by_label("Month").fill(str(day.month))
    when.get_by_label("Year").fill(str(day.year))
    tab.get_by_label("Start time").fill("09:30")
    tab.get_by_label("End time").fill("11:00")
    tab.get_by_label("Place, or the call's details").fill("Grange Primary School")
    tab.get_by_role("button", name="Plan the meeting").click()
    assert tab.get_by_role("heading", level=1).inner_text() == "Who is invited"

    tab.get_by_label("Name", exact=True).fill("Jo Example")
    tab.get_by_label("Email address").fill("jo@example.net")
    tab.get_by_label("Parent or carer", exact=True).check()
    tab.get_by_role("button", name="Add to the list").click()
    tab.get_by_role("link", name="Send invitations").click()
    tab.get_by_label("Jo Example").check()
    tab.get_by_role("button", name="Send invitations").click()
    assert "1 invitation sent by email" in tab.content()
    assert OutboxMessage.objects.get().to == "jo@example.net"

    # The meeting took place.
    meeting = Meeting.objects.get()
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=3), ends_at=timezone.now() - dt.timedelta(hours=2)
    )
    tab.reload()
    tab.get_by_role("link", name="Record the meeting").click()
    tab.get_by_label("Jo Example").select_option("attended")
    tab.get_by_label("Did not attend; views sent").check()
    tab.get_by_label("Minutes").fill("Attendance has improved.")
    tab.get_by_role("group", name="Action 1").get_by_label("What").fill("Weekly check-in")
    tab.get_by_role("group", name="Action 1").get_by_label("Who").fill("Dee")
    tab.get_by_role("button", name="Save the record").click()
    assert "Record of the meeting saved" in tab.content()
    assert "Weekly check-in" in tab.content()

    tab.get_by_role("link", name="Send the record").click()
    tab.get_by_role("button", name="Send and record copies").click()
    assert tab.get_by_role("heading", level=1).inner_text() == "Copies of the record"
    assert Distribution.objects.get().address == "jo@example.net"
    assert OutboxMessage.objects.count() == 2
