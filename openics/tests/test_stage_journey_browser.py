"""In a real browser, the staged-intervention journey of issue #4: a Stage 2
review and planning meeting planned and held (who came, what was decided) →
a Stage 2 action plan drafted and agreed from it → a review held at a
meeting that steps up to Stage 3 → a later review that steps down to Stage 2.
Each review is recorded from the meeting that held it; axe checks the key
pages."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from openics.meetings import actions as meeting_actions
from openics.meetings.models import Meeting, MeetingStatus
from openics.plans.models import LevelOfNeed, Plan, PlanReview, PlanStatus
from openics.tests import test_browser_journey as journey

_truncate_allowed = journey._truncate_allowed
browser = journey.browser
people = journey.people
plain_http_server = journey.plain_http_server
check_accessibility = journey.check_accessibility
sign_in = journey.sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("_truncate_allowed", "transactional_db")]


def _fill_date(page: Any, name: str, day: dt.date) -> None:
    page.fill(f'input[name="{name}_day"]', str(day.day))
    page.fill(f'input[name="{name}_month"]', str(day.month))
    page.fill(f'input[name="{name}_year"]', str(day.year))


def _plan_meeting(page: Any, base: str, child: Any, *, kind: str, day: dt.date, place: str) -> Meeting:
    page.goto(base + reverse("child-meetings", args=[child.pk]))
    page.get_by_role("link", name="Plan a meeting").click()
    check_accessibility(page)
    page.get_by_label("Kind of meeting").select_option(kind)
    when = page.get_by_role("group", name="Date", exact=True)
    when.get_by_label("Day").fill(str(day.day))
    when.get_by_label("Month").fill(str(day.month))
    when.get_by_label("Year").fill(str(day.year))
    page.get_by_label("Start time").fill("09:30")
    page.get_by_label("End time").fill("11:00")
    page.get_by_label("Place, or the call's details").fill(place)
    page.get_by_role("button", name="Plan the meeting").click()
    page.get_by_role("heading", name="Who is invited").wait_for()
    check_accessibility(page)
    for name, email, taking_part, role in (
        ("Jo Journey", "jo@example.net", "Parent or carer", ""),
        ("Ms Head", "head@example.net", "Professional", "Head teacher"),
    ):
        page.get_by_label("Name", exact=True).fill(name)
        page.get_by_label("Email address").fill(email)
        page.get_by_label(taking_part, exact=True).check()
        page.get_by_label("Role").fill(role)
        page.get_by_role("button", name="Add to the list").click()
        page.get_by_text(name).first.wait_for()
    return Meeting.objects.filter(child=child).latest("pk")


def _record_meeting(page: Any, base: str, meeting: Meeting, *, decisions: str) -> None:
    page.goto(base + reverse("meeting-detail", args=[meeting.pk]))
    page.get_by_role("link", name="Record the meeting").click()
    check_accessibility(page)
    page.get_by_label("Jo Journey").select_option("attended")
    page.get_by_label("Ms Head").select_option("attended")
    page.get_by_label("Attended", exact=True).check()
    page.get_by_label("Minutes").fill("Attendance and mornings at home discussed with Poppy and her mother.")
    page.get_by_label("Decisions").fill(decisions)
    page.get_by_role("group", name="Action 1").get_by_label("What").fill("Breakfast club place")
    page.get_by_role("group", name="Action 1").get_by_label("Who").fill("Ms Head")
    page.get_by_role("button", name="Save the record").click()
    page.get_by_text("Record of the meeting saved").wait_for()
    check_accessibility(page)


def _review_form(page: Any, *, decision: str, next_on: dt.date) -> None:
    page.fill("#id_review-0-happened", "Attendance rose to 93%")
    page.check("#id_review-0-progress_1")
    page.check("#id_review-0-targets-0_1")
    page.check(f'input[name="decision"][value="{decision}"]')
    page.fill("#id_decision_reason", f"Decision at the meeting: {decision}")
    _fill_date(page, "next_review_on", next_on)
    check_accessibility(page)
    page.get_by_role("button", name="Record the review").click()
    page.wait_for_url(re.compile(r"/plan-reviews/\d+/"))
    check_accessibility(page)


def test_stage2_meeting_plan_step_up_and_down(browser: Any, plain_http_server: Any, people: Any) -> None:
    base = plain_http_server.url
    child = people["child"]
    sam = people["sam"]
    today = timezone.localdate()
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    sign_in(page, base)

    # 1. The Stage 2 review and planning meeting: planned, invited, then held.
    first = _plan_meeting(
        page, base, child, kind="review_planning", day=today + dt.timedelta(days=3), place="Grange Primary School"
    )
    page.get_by_role("link", name="Send invitations").click()
    page.wait_for_url(re.compile(r"/invite/$"))
    page.get_by_label("Jo Journey").check()
    page.get_by_label("Ms Head").check()
    page.get_by_role("button", name="Send invitations").click()
    page.get_by_text("2 invitations sent by email").wait_for()
    # Time passes: the meeting took place sixty days ago.
    held_on = today - dt.timedelta(days=60)
    starts = timezone.make_aware(dt.datetime.combine(held_on, dt.time(9, 30)))
    Meeting.objects.filter(pk=first.pk).update(starts_at=starts, ends_at=starts + dt.timedelta(hours=1, minutes=30))
    _record_meeting(page, base, first, decisions="Stage 2: an action plan led by the school.")
    first.refresh_from_db()
    assert first.status == MeetingStatus.HELD
    assert first.participants.filter(attendance="attended").count() == 2

    # The meeting's decision on the level of need: intensive, Stage 2.
    page.goto(base + reverse("level-of-need-record", args=[child.pk]))
    check_accessibility(page)
    page.get_by_label("Intensive").check()
    page.get_by_label("Stage 2").check()
    _fill_date(page, "decided_on", held_on)
    page.get_by_label("Reason for the decision").fill("Stage 2 review and planning meeting")
    page.get_by_role("button", name=re.compile("Record|Save")).click()
    page.wait_for_url(re.compile(r"/level-of-need/$"))

    # 2. The Stage 2 action plan drafted from the meeting and agreed (plain forms).
    nojs = browser.new_context(java_script_enabled=False)
    form = nojs.new_page()
    form.set_default_timeout(20_000)
    sign_in(form, base, check=False)
    form.goto(base + reverse("child-plans", args=[child.pk]))
    form.get_by_role("link", name="Start a plan").click()
    form.get_by_label("Stage 2 Action Plan").check()
    form.get_by_role("button", name="Start the plan").click()
    form.wait_for_url(re.compile(r"/plan-versions/\d+/edit/"))
    plan = Plan.objects.get(child=child)
    form.fill("#id_aim", "Poppy is settled and attends school every day")
    form.get_by_role("button", name="Add an outcome").click()
    form.get_by_role("button", name="Add a target to outcome 1").click()
    form.get_by_role("button", name="Add an action").click()
    form.get_by_role("button", name="Add a person who agreed").click()
    form.check("#id_outcomes-0-term_0")
    form.fill("#id_outcomes-0-text", "Poppy attends school every day")
    form.fill("#id_outcomes-0-targets-0-text", "Attendance above 95%")
    form.fill("#id_outcomes-0-targets-0-measure", "School register")
    _fill_date(form, "outcomes-0-targets-0-by", today + dt.timedelta(days=90))
    form.fill("#id_actions-0-what", "Breakfast club place")
    form.fill("#id_actions-0-who", "Ms Head")
    form.fill("#id_actions-0-cost_pence", "240.00")
    form.fill("#id_coordinator-name", "Ms Head")
    form.check("#id_views-child_took_part_0")
    form.check("#id_views-parents_took_part_0")
    form.fill("#id_agreement-0-party", "Jo Journey")
    _fill_date(form, "agreement-0-agreed_on", held_on)
    form.get_by_role("button", name="Save and agree the plan").click()
    form.wait_for_url(re.compile(r"/plan-versions/\d+/agree/"))
    _fill_date(form, "agreed_on", held_on)
    _fill_date(form, "next_review_on", today - dt.timedelta(days=25))
    form.get_by_role("button", name="Agree the plan").click()
    form.wait_for_url(re.compile(rf"/plans/{plan.pk}/"))
    nojs.close()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE
    assert plan.started_on == held_on
    page.goto(base + reverse("plan-detail", args=[plan.pk]))
    check_accessibility(page)

    # 3. The Stage 2 review meeting, held thirty days ago: from the meeting's
    # page, its review of the plan, which steps up to Stage 3.
    second = _plan_meeting(
        page, base, child, kind="stage_review", day=today - dt.timedelta(days=30), place="Family Centre, room 1"
    )
    _record_meeting(page, base, second, decisions="Not enough progress: step up to Stage 3.")
    page.get_by_role("link", name="Record the review of the Stage 2 Action Plan held at this meeting").click()
    page.wait_for_url(re.compile(rf"/plans/{plan.pk}/review/\?meeting={second.pk}$"))
    assert page.input_value("#id_held_at") == "Family Centre, room 1"
    assert page.input_value('input[name="review_date_day"]') == str((today - dt.timedelta(days=30)).day)
    attended = page.input_value("#id_attended")
    assert "Jo Journey, Parent or carer" in attended
    assert "Ms Head, Head teacher" in attended
    _review_form(page, decision="step_up", next_on=today + dt.timedelta(days=10))
    up = PlanReview.objects.get(plan=plan)
    second.refresh_from_db()
    assert second.plan_review_id == up.pk
    assert "Stage 2 or 3 review" in page.locator("#held-at-meeting").inner_text()
    level = LevelOfNeed.objects.current_for(child)
    assert level is not None and (level.stage, level.review_id) == (3, up.pk)
    page.goto(base + reverse("child-level-of-need", args=[child.pk]))
    check_accessibility(page)
    assert "Stage 3" in page.locator("tbody tr").first.inner_text()

    # 4. A later review meeting, recorded yesterday by a colleague; the
    # plan's review page offers it, and the review steps down to Stage 2.
    start = timezone.now().replace(microsecond=0) - dt.timedelta(days=1)
    third = meeting_actions.do_plan_meeting(
        child,
        actor=sam,
        kind="stage_review",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        place="Grange Primary School",
        chair=sam,
        plan=plan,
    )
    meeting_actions.do_record_outcome(
        third,
        actor=sam,
        expected_version=None,
        attendance={p.pk: "attended" for p in third.participants.all()},
        child_participation="attended",
        decisions="Good progress: step down to Stage 2.",
    )
    page.goto(base + reverse("plan-review", args=[plan.pk]))
    check_accessibility(page)
    page.get_by_role("link", name=re.compile("Record this review from the meeting")).click()
    page.wait_for_url(re.compile(rf"\?meeting={third.pk}$"))
    _review_form(page, decision="step_down", next_on=today + dt.timedelta(days=60))
    down = PlanReview.objects.filter(plan=plan).latest("pk")
    assert Meeting.objects.get(pk=third.pk).plan_review_id == down.pk

    page.goto(base + reverse("child-level-of-need", args=[child.pk]))
    rows = page.locator("tbody tr")
    assert rows.count() == 3
    assert list(LevelOfNeed.objects.filter(child=child).values_list("stage", flat=True)) == [2, 3, 2]
    assert "Stage 2" in rows.first.inner_text()
    page.goto(base + reverse("meeting-detail", args=[third.pk]))
    assert "Step down" in page.locator("#plan-review").inner_text()
    check_accessibility(page)
    context.close()
