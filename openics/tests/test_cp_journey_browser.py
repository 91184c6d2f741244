"""The whole child protection journey in a real browser, through the record
pages generated from the definitions: the social worker records contact,
referral, assessment, strategy discussion, S47 outcome, the initial
conference (a plan, with its category), a core group and the review report
(Part 1); the IRO records the review (Part 2); the manager returns one
record with comments, the worker changes it and submits it again, and the
manager endorses it with reasons; finally the case closes.  The deadlines
tab shows what the records started and met, and the child is on the list
of children subject to a child protection plan while the plan lasts.

The forms are used without JavaScript, as the service promises they work,
and so no autosave races the buttons; axe checks the key pages in a second
context with JavaScript."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from openics.core import testing as t
from openics.core.models import Involvement, InvolvementKind
from openics.records.actions import OWN_RECORD
from openics.records.definitions import get_definition
from openics.records.models import CaseRecord, RecordStatus
from openics.tests import test_browser_journey as journey
from openics.timescales.models import Deadline

# The browser journey's fixtures, shared rather than copied.
_truncate_allowed = journey._truncate_allowed
browser = journey.browser
plain_http_server = journey.plain_http_server
check_accessibility = journey.check_accessibility

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("_truncate_allowed", "transactional_db")]


def sign_in(browser: Any, base: str, username: str, *, javascript: bool = False) -> Any:
    context = browser.new_context(java_script_enabled=javascript, bypass_csp=javascript)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{base}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(t.TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/my-work/")
    return page


def fill(page: Any, kind: str, data: dict[str, Any]) -> None:
    """Type the values into the record's page, finding each field by its
    label as a person would (the labels come from the definition)."""
    definition = get_definition(kind)
    for name, value in data.items():
        field = definition.field(name)
        assert field is not None, name
        if field.type == "date":
            day = dt.date.fromisoformat(value)
            group = page.get_by_role("group", name=field.label, exact=True)
            group.get_by_label("Day").fill(str(day.day))
            group.get_by_label("Month").fill(str(day.month))
            group.get_by_label("Year").fill(str(day.year))
        elif field.type in {"text", "longtext"}:
            page.get_by_label(field.label, exact=True).fill(value)
        elif field.type in {"choice", "yesno"} and len(field.options) > 6:
            page.get_by_label(field.label, exact=True).select_option(value)
        elif field.type in {"choice", "yesno"}:
            group = page.get_by_role("group", name=field.label, exact=True)
            group.get_by_label(str(field.option_label(value)), exact=True).check()
        elif field.type == "multichoice":
            group = page.get_by_role("group", name=field.label, exact=True)
            for code in value:
                group.get_by_label(str(field.option_label(code)), exact=True).check()
        else:  # pragma: no cover - the journey uses no other types
            raise AssertionError(field.type)


def start(page: Any, base: str, child_id: int, kind: str) -> int:
    page.goto(f"{base}/children/{child_id}/records/")
    page.get_by_role("link", name="Start a record").click()
    page.get_by_label(get_definition(kind).title, exact=True).check()
    page.get_by_role("button", name="Start").click()
    page.wait_for_load_state()
    if page.url.endswith("/link/"):
        # A contact first asks which other children it concerns: Amy only.
        page.get_by_role("link", name="Continue with Amy Example only").click()
    page.wait_for_url(f"{base}/records/*/edit/")
    return int(page.url.rstrip("/").split("/")[-2])


def save_and_submit(page: Any, base: str, record_id: int, *, endorsed: bool = True) -> None:
    button = "Save and submit for endorsement" if endorsed else "Save and complete"
    page.get_by_role("button", name=button).click()
    page.wait_for_url(f"{base}/records/{record_id}/submit/")
    page.get_by_role("button", name="Submit", exact=True).click()
    page.wait_for_url(f"{base}/records/{record_id}/")
    expected = "Record submitted for endorsement" if endorsed else "Record completed"
    assert expected in page.locator("main").inner_text()


def record(page: Any, base: str, child_id: int, kind: str, data: dict[str, Any]) -> int:
    record_id = start(page, base, child_id, kind)
    fill(page, kind, data)
    save_and_submit(page, base, record_id, endorsed=get_definition(kind).needs_endorsement)
    return record_id


def review(page: Any, base: str, record_id: int, decision: str, reasons: str) -> None:
    page.goto(f"{base}/records/{record_id}/")
    page.get_by_role("link", name="Endorse or return").click()
    page.wait_for_url(f"{base}/records/{record_id}/review/")
    page.get_by_label("Endorse the record" if decision == "endorse" else "Return it for changes").check()
    page.get_by_label("Reasons or comments").fill(reasons)
    page.get_by_role("button", name="Record my decision").click()
    page.wait_for_url(f"{base}/records/{record_id}/")
    assert reasons in page.locator("main").inner_text()


def test_the_child_protection_journey_from_contact_to_closure(browser, plain_http_server, world) -> None:  # type: ignore[no-untyped-def]
    base = plain_http_server.url
    amy = world.amy
    Involvement.objects.create(
        child=amy, kind=InvolvementKind.IRO, organisation=world.la, team=world.service, worker=world.iris_iro
    )
    today = timezone.localdate().isoformat()
    sam = sign_in(browser, base, "sam_sw")
    pat = sign_in(browser, base, "pat_pm")
    sean = sign_in(browser, base, "sean_sm")
    iris = sign_in(browser, base, "iris_iro")
    endorsers = {"pm": pat, "sm": sean}

    def endorse(record_id: int, kind: str, reasons: str = "Agreed: the decision follows from the evidence.") -> None:
        # The first of the roles the definition names: the practice manager where allowed.
        roles = get_definition(kind).endorsed_by
        review(endorsers["pm" if "pm" in roles else "sm"], base, record_id, "endorse", reasons)

    steps: list[tuple[str, dict[str, Any]]] = [
        (
            "contact",
            {
                "contact_date": today,
                "contact_method": "phone",
                "contact_by": "Ms Patel, class teacher",
                "reason": "Amy has a bruise on her arm and says her stepfather hit her.",
                "decision": "referral",
            },
        ),
        (
            "referral",
            {
                "referral_date": today,
                "referral_source": "2A",
                "reason": "Bruise on the upper arm; Amy's account of being hit.",
                "decision": "assessment",
                "decision_date": today,
            },
        ),
    ]
    ids: dict[str, int] = {}
    for kind, data in steps:
        ids[kind] = record(sam, base, amy.pk, kind, data)
        # The worker is not offered endorsement of her own record, and is refused it.
        assert sam.get_by_role("link", name="Endorse or return").count() == 0
        sam.goto(f"{base}/records/{ids[kind]}/review/")
        assert OWN_RECORD in sam.locator("main").inner_text()
        endorse(ids[kind], kind)

    # The assessment: returned with comments, changed, submitted again, endorsed.
    kind = "single-assessment"
    ids[kind] = record(
        sam,
        base,
        amy.pk,
        kind,
        {
            "started_on": today,
            "completed_on": today,
            "child_seen_on": today,
            "child_seen_alone": "yes",
            "analysis": "An injury and a consistent account.",
            "outcome": "strategy",
        },
    )
    comments = "Please add the views of the child and the family, and weigh the school's concerns."
    review(pat, base, ids[kind], "return", comments)
    sam.goto(f"{base}/records/{ids[kind]}/")
    sam.get_by_role("link", name="Edit draft").click()
    assert comments in sam.locator("main").inner_text()
    fill(
        sam,
        kind,
        {
            "views_child": "Amy wants the hitting to stop and to stay with her mum.",
            "views_family": "Mother is frightened of her partner and wants help.",
            "analysis": "An injury, a consistent account and the school's concerns: reasonable cause to suspect "
            "significant harm.",
        },
    )
    save_and_submit(sam, base, ids[kind])
    endorse(ids[kind], kind, "Endorsed: the analysis now weighs every account; strategy discussion needed.")
    assessment = CaseRecord.objects.get(pk=ids[kind])
    assert assessment.status == RecordStatus.ENDORSED
    assert list(assessment.decisions.values_list("action", flat=True)) == ["submit", "return", "submit", "endorse"]

    later: list[tuple[str, dict[str, Any]]] = [
        (
            "strategy-discussion",
            {
                "held_on": today,
                "format": "telephone",
                "participants": "Sam, social worker\nDS Khan, police",
                "information_shared": "Two earlier police call-outs to the address.",
                "start_s47": "yes",
            },
        ),
        (
            "s47-outcome",
            {
                "started_on": today,
                "findings": "The medical is consistent with a slap; the stepfather admits it.",
                "substantiated": "yes",
                "categories": ["PHY"],
                "icpc_needed": "yes",
            },
        ),
        (
            "icpc",
            {
                "conference_date": today,
                "chair": "Iris, independent chair",
                "attended": "Iris, chair\nSam, social worker\nMother\nClass teacher",
                "decision": "plan",
                "category": "PHY",
                "reasons": "A continuing risk of physical harm.",
                "outline_plan": "Stepfather to leave the home; weekly visits; the school to monitor.",
            },
        ),
    ]
    for kind, data in later:
        ids[kind] = record(sam, base, amy.pk, kind, data)
        endorse(ids[kind], kind)

    # A core group needs no endorsement: submitting completes it.
    ids["core-group"] = record(
        sam,
        base,
        amy.pk,
        "core-group",
        {"held_on": today, "attended": "Sam; mother; class teacher", "progress": "The stepfather has moved out."},
    )
    ids["cp-review-report"] = record(
        sam,
        base,
        amy.pk,
        "cp-review-report",
        {"review_date": today, "progress": "Mother is protective.", "recommendation": "continue"},
    )
    endorse(ids["cp-review-report"], "cp-review-report")
    # Part 2: the IRO chairs the review.
    ids["cp-review"] = record(
        iris,
        base,
        amy.pk,
        "cp-review",
        {
            "review_date": today,
            "chair": "Iris, independent chair",
            "attended": "Iris, chair\nSam, social worker\nMother",
            "decision": "continue",
            "category": "PHY",
            "reasons": "The risk is reduced but not gone.",
        },
    )
    endorse(ids["cp-review"], "cp-review")

    # The deadlines tab: what the records started, met on time, and the next review due.
    sam.goto(f"{base}/children/{amy.pk}/deadlines/")
    rows = sam.locator("[data-testid=deadline-list] tbody tr")
    deadlines = list(Deadline.objects.filter(child=amy))
    assert {"referral-decision", "single-assessment", "icpc", "core-group-first", "cp-review-first", "cp-review"} <= {
        d.rule_id for d in deadlines
    }
    assert rows.count() == len(deadlines)
    for deadline in deadlines:
        row = rows.filter(has_text=deadline.title).first
        status = row.locator("td").nth(3).inner_text().strip()
        assert status == ("Met" if deadline.met_on else "Due"), (deadline.rule_id, status)

    # Amy is on the authority's list of children subject to a plan.
    pat.goto(f"{base}/children/protection-plans/")
    assert pat.get_by_role("link", name=amy.display_name).count() == 1

    # Axe on the pages this journey adds, with JavaScript.
    checker = sign_in(browser, base, "pat_pm", javascript=True)
    for path in (
        f"/children/{amy.pk}/deadlines/",
        "/children/protection-plans/",
        f"/records/{ids['cp-review']}/",
        f"/records/{ids['single-assessment']}/",
    ):
        checker.goto(base + path)
        check_accessibility(checker)

    # Closure, endorsed: the plan ends and Amy leaves the list.
    ids["closure"] = record(
        sam,
        base,
        amy.pk,
        "closure",
        {
            "closure_date": today,
            "reason": "RC7",
            "summary": "Child protection plan and family support.",
            "impact": "Amy is safe at home.",
        },
    )
    endorse(ids["closure"], "closure", "The plan's aims are met; the case can close.")
    pat.goto(f"{base}/children/protection-plans/")
    assert pat.get_by_role("link", name=amy.display_name).count() == 0
    assert CaseRecord.objects.filter(child=amy, status=RecordStatus.ENDORSED).count() == 9
    for page in (sam, pat, sean, iris, checker):
        page.context.close()
