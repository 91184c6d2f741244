"""In a real browser: a teacher records a concern with a body map marked by
clicking the outlines; the DSL is alerted, triages and refers; the child's
chronology shows it.  axe-core checks every page on the way."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

from openics.core import testing as t
from openics.core.models import OrganisationKind
from openics.core.roles import Role
from openics.safeguarding.models import Concern, TriageDecision
from openics.tests.test_browser_journey import (  # noqa: F401
    _truncate_allowed,
    browser,
    check_accessibility,
    plain_http_server,
)

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("_truncate_allowed", "transactional_db")]


@pytest.fixture
def school_people(transactional_db: None) -> dict[str, Any]:
    la = t.make_la()
    school = t.make_org("Grange Primary School", OrganisationKind.SCHOOL, la, urn="114999")
    tom = t.make_user("tom_teacher", Role.SCHOOL_STAFF, organisation=school, first_name="Tom", last_name="Teacher")
    dee = t.make_user("dee_dsl", Role.DSL, organisation=school, first_name="Dee", last_name="Lead")
    child = t.make_child("Poppy", "Journey", la_child_id="NC777001")
    t.enrol(child, school)
    return {"tom": tom, "dee": dee, "child": child}


def _tab(browser: Any, base: str, user: Any) -> Any:  # noqa: F811
    """A tab signed in as `user` (the sign-in page has its own journey test)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(bypass_csp=True)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": base}])
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    return tab


def test_teacher_records_dsl_triages_and_refers(browser, plain_http_server, school_people):  # noqa: F811
    base = plain_http_server.url
    child = school_people["child"]

    page = _tab(browser, base, school_people["tom"])
    page.goto(f"{base}/my-work/")
    page.get_by_role("link", name="Safeguarding").click()
    check_accessibility(page)
    page.get_by_role("link", name="Record a concern").click()
    check_accessibility(page)
    page.get_by_label("Pupil", exact=True).select_option(label="Poppy Journey, born 4 May 2016")
    page.get_by_label("Where").fill("Year 3 classroom")
    page.get_by_label("What was said or seen").fill("Poppy flinched when I touched her arm and said it hurt.")
    page.get_by_label("The child's own words (optional)").fill("It hurts where he grabbed me")
    page.get_by_label("Physical abuse").check()
    # Two marks, by clicking the outlines: the front's left upper arm and the back.
    front = page.locator('svg[data-view="front"]')
    box = front.bounding_box()
    front.click(position={"x": box["width"] * 0.25, "y": box["height"] * 0.3})
    marks = page.get_by_label("Body map marks (optional)")
    assert marks.input_value().startswith("front 0.2")
    marks.press("End")
    marks.type("Bruise, finger-shaped")
    page.locator('svg[data-view="back"]').click(position={"x": box["width"] * 0.5, "y": box["height"] * 0.5})
    marks.press("End")
    marks.type("Red mark")
    assert page.locator('svg[data-view="front"] circle').count() >= 1
    assert "Mark 2 added" in page.locator(".openics-bodymap__status").inner_text()
    check_accessibility(page)
    page.get_by_label("Action you took").fill("Reassured Poppy and went to find the DSL.")
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Submit the concern").click()
    page.wait_for_url(f"{base}/safeguarding/concerns/*/")
    assert "Concern recorded" in page.locator(".govuk-notification-banner").inner_text()
    check_accessibility(page)
    concern = Concern.objects.get()
    assert [(m["view"], m["note"]) for m in concern.body_map] == [
        ("front", "Bruise, finger-shaped"),
        ("back", "Red mark"),
    ]
    page.context.close()

    page = _tab(browser, base, school_people["dee"])
    page.goto(f"{base}/my-work/")
    page.get_by_role("link", name="New safeguarding concern about Poppy Journey").click()
    page.wait_for_url(f"{base}/safeguarding/concerns/{concern.pk}/")
    check_accessibility(page)
    page.goto(f"{base}/safeguarding/queue/")
    check_accessibility(page)
    page.get_by_role("link", name=timezone.localtime(concern.recorded_at).strftime("%-d %b %Y %H:%M")).click()
    page.get_by_role("link", name="Record a decision").click()
    check_accessibility(page)
    page.get_by_label("Referral to the Children and Families Hub").check()
    page.get_by_label("Risk of immediate harm: the Hub was telephoned").check()
    today = timezone.localdate()
    hub = page.get_by_role("group", name="Date the Hub was telephoned")
    hub.get_by_label("Day").fill(str(today.day))
    hub.get_by_label("Month").fill(str(today.month))
    hub.get_by_label("Year").fill(str(today.year))
    page.get_by_label("Time the Hub was telephoned").fill("00:01")
    page.get_by_role("group", name="Were the parents or carers told?").get_by_label("No").check()
    page.get_by_label("If not, why not").fill("Telling them could put Poppy at greater risk.")
    page.get_by_label("Reasons for your decision").fill("Disclosure of physical harm: immediate referral.")
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_url(f"{base}/safeguarding/concerns/{concern.pk}/")
    assert "Decision recorded" in page.locator(".govuk-notification-banner").inner_text()
    assert TriageDecision.objects.get().outcome == "referral"
    page.goto(f"{base}/children/{child.pk}/chronology/")
    assert page.get_by_text("DSL decision: Referral to the Children and Families Hub").first.is_visible()
    assert page.get_by_text("Safeguarding concern recorded: Physical abuse").first.is_visible()
    page.goto(f"{base}/children/{child.pk}/concerns/")
    check_accessibility(page)
    page.context.close()


def test_without_javascript_the_body_map_is_typed(browser, plain_http_server, school_people):  # noqa: F811
    base = plain_http_server.url
    client = Client()
    client.force_login(school_people["tom"])
    context = browser.new_context(java_script_enabled=False)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": base}])
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{base}/safeguarding/concerns/new/")
    page.get_by_label("Pupil", exact=True).select_option(label="Poppy Journey, born 4 May 2016")
    page.get_by_label("Where").fill("Lunch hall")
    page.get_by_label("What was said or seen").fill("A burn mark on the back of Poppy's hand.")
    page.get_by_label("Neglect").check()
    page.get_by_label("Body map marks (optional)").fill("front 0.1 0.6 Burn, 1cm, back of right hand\nfront 2 0 Off")
    page.get_by_label("Action you took").fill("Told the DSL.")
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Submit the concern").click()
    # The error first, with everything typed kept.
    assert "Line 2 of the body map" in page.locator(".govuk-error-summary").inner_text()
    assert page.get_by_label("Where").input_value() == "Lunch hall"
    page.get_by_label("Body map marks (optional)").fill("front 0.1 0.6 Burn, 1cm, back of right hand")
    page.get_by_role("button", name="Submit the concern").click()
    page.wait_for_url(f"{base}/safeguarding/concerns/*/")
    concern = Concern.objects.get()
    assert concern.body_map == [{"view": "front", "x": 0.1, "y": 0.6, "note": "Burn, 1cm, back of right hand"}]
    assert concern.categories == ["neglect"] and concern.dsl_informed_verbally is False
    assert page.get_by_text("Burn, 1cm, back of right hand").is_visible()
    context.close()
