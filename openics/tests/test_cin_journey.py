"""The child in need path through the pages (no browser): contact, referral,
assessment with a CIN plan outcome, a Child in Need Plan agreed, endorsed and
reviewed, then closure; the team's practice manager endorses on the way."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from openics.casework.models import CINEpisode
from openics.plans.models import Plan, PlanStatus, PlanVersion, ReviewDecision, VersionStatus
from openics.records.definitions import get_definition
from openics.records.models import CaseRecord, RecordStatus
from openics.timescales.models import Deadline, DeadlineStatus

pytestmark = pytest.mark.django_db


def _date(prefix: str, day: dt.date) -> dict[str, str]:
    return {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month), f"{prefix}_year": str(day.year)}


def _errors(response: Any) -> str:
    """The error summary of a page, for a failing assertion's message."""
    page = response.content.decode()
    start = page.find("govuk-error-summary__list")
    return page[start : start + 400] if start >= 0 else page[-1500:]


def _record(sam: Any, pat: Any, child: Any, kind: str, data: dict[str, str]) -> CaseRecord:
    """Start, fill and submit a record as the worker; endorse it as the manager."""
    response = sam.post(reverse("record-start", args=[child.pk]), {"kind": kind}, secure=True)
    assert response.status_code == 302, (kind, _errors(response))
    record = CaseRecord.objects.filter(child=child, kind=kind).latest("pk")
    response = sam.post(
        reverse("record-edit", args=[record.pk]),
        {"version": str(record.version), "then": "save", **data},
        secure=True,
    )
    assert response.status_code == 302, (kind, _errors(response))
    response = sam.post(reverse("record-submit", args=[record.pk]), {"late_reason": "Recorded late"}, secure=True)
    assert response.status_code == 302, _errors(response)
    response = pat.post(
        reverse("record-review", args=[record.pk]), {"decision": "endorse", "reasons": "Agreed"}, secure=True
    )
    assert response.status_code == 302, _errors(response)
    record.refresh_from_db()
    assert record.status == RecordStatus.ENDORSED
    return record


def _post_plan_form(client: Any, version: PlanVersion, then: str, **fields: str) -> Any:
    """Post the plan's edit form as a browser would: every field as shown."""
    page = client.get(reverse("plan-version-edit", args=[version.pk]), secure=True)
    assert page.status_code == 200
    form = page.context["form"]
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if hasattr(field, "compress"):
            day = value if isinstance(value, dt.date) else None
            data.update(_date(name, day) if day else {f"{name}_day": "", f"{name}_month": "", f"{name}_year": ""})
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = str(value)
    data.update(fields)
    data["then"] = then
    return client.post(reverse("plan-version-edit", args=[version.pk]), data, secure=True)


def _assessment_kind(sam: Any, child: Any) -> str:
    """The assessment the authority's profile offers on the start page."""
    page = sam.get(reverse("record-start", args=[child.pk]), secure=True).content.decode()
    for kind in ("single-assessment", "initial-assessment"):
        if f'value="{kind}"' in page:
            return kind
    raise AssertionError("No assessment offered on the start page")


def _assessment_data(kind: str, started: dt.date, done: dt.date) -> dict[str, str]:
    definition = get_definition(kind)
    outcome = definition.field("outcome")
    assert outcome is not None
    codes = {code for code, _ in outcome.options}
    data = {
        **_date("started_on", started),
        **_date("completed_on", done),
        **_date("child_seen_on", started),
        "analysis": "Amy's needs are met inconsistently; mother engages when supported.",
        "outcome": "cin_plan" if "cin_plan" in codes else "services",
        "primary_need": "N1",
        "significant_harm": "no",
        "child_seen_alone": "yes",
    }
    # Anything else the definition requires on submit gets a plain answer.
    for field in definition.fields:
        if not field.required_on_submit or field.name in data:
            continue
        if field.type == "date":
            data.update(_date(field.name, done))
        elif field.options:
            data[field.name] = field.options[0][0]
        else:
            data[field.name] = "Discussed with the family."
    return data


def _flags(client: Any, child: Any) -> list[str]:
    """The flags on the child's identity bar."""
    page = client.get(reverse("child-records", args=[child.pk]), secure=True).content.decode()
    return re.findall(r'data-flag="[^"]+">([^<]+)</strong>', page)


def _signed_in(user: Any) -> Client:
    """A client of one's own: the worker and the manager are both signed in."""
    client = Client()
    client.force_login(user)
    return client


def test_child_in_need_from_contact_to_closure(world: Any) -> None:
    sam = _signed_in(world.sam_sw)
    pat = _signed_in(world.pat_pm)
    amy = world.amy
    today = timezone.localdate()
    t0 = today - dt.timedelta(days=120)

    # Contact, then referral: the CIN episode opens.
    _record(
        sam,
        pat,
        amy,
        "contact",
        {
            **_date("contact_date", t0),
            "contact_method": "phone",
            "contact_by": "Ms Patel, class teacher",
            "reason": "Amy arrives hungry and tired most days.",
            "decision": "referral",
            "decision_reason": "Needs a social work assessment.",
        },
    )
    _record(
        sam,
        pat,
        amy,
        "referral",
        {
            **_date("referral_date", t0),
            "referral_source": "2A",
            "reason": "Amy arrives hungry and tired most days.",
            "decision": "assessment",
            **_date("decision_date", t0),
        },
    )
    episode = CINEpisode.objects.open().get(child=amy)
    assert episode.referral_date == t0

    # The assessment the profile offers, ending in a CIN plan.
    kind = _assessment_kind(sam, amy)
    _record(sam, pat, amy, kind, _assessment_data(kind, t0 + dt.timedelta(days=1), t0 + dt.timedelta(days=10)))
    episode = CINEpisode.objects.get(child=amy)
    assert episode.primary_need == "N1"
    assert _flags(sam, amy) == ["Child in need"]

    # The Child in Need Plan, written and agreed through the plan pages.
    response = sam.post(reverse("plan-start", args=[amy.pk]), {"plan_type": "cin-plan"}, secure=True)
    assert response.status_code == 302
    plan = Plan.objects.get(child=amy, plan_type="cin-plan")
    version = plan.versions.get()
    assert _post_plan_form(sam, version, "add:outcomes", aim="Amy is fed, rested and at school").status_code == 302
    assert _post_plan_form(sam, version, "add:outcomes-0-targets").status_code == 302
    assert _post_plan_form(sam, version, "add:actions").status_code == 302
    assert _post_plan_form(sam, version, "add:agreement").status_code == 302
    agreed_on = t0 + dt.timedelta(days=15)
    response = _post_plan_form(
        sam,
        version,
        "agree",
        **{
            "outcomes-0-term": "short",
            "outcomes-0-text": "Amy has breakfast every school day",
            "outcomes-0-targets-0-text": "Breakfast club five days a week",
            "outcomes-0-targets-0-measure": "Club register",
            **_date("outcomes-0-targets-0-by", today + dt.timedelta(days=60)),
            "actions-0-what": "Breakfast club place",
            "actions-0-who": "Ms Patel",
            "coordinator-name": "Sam Social Worker",
            "views-child_took_part": "yes",
            "views-parents_took_part": "yes",
            "agreement-0-party": "Mother",
            **_date("agreement-0-agreed_on", agreed_on),
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("plan-version-agree", args=[version.pk])
    response = sam.post(reverse("plan-version-agree", args=[version.pk]), _date("agreed_on", agreed_on), secure=True)
    assert response.status_code == 302, _errors(response)
    plan.refresh_from_db()
    assert (plan.status, plan.started_on) == (PlanStatus.ACTIVE, agreed_on)
    assert plan.next_review_on is not None and plan.next_review_on > agreed_on

    # The manager endorses the plan (the worker may not).
    endorse = reverse("plan-version-endorse", args=[version.pk])
    assert sam.post(endorse, {"comments": "Mine"}, secure=True).status_code == 403
    assert pat.post(endorse, {"comments": "Proportionate plan."}, secure=True).status_code == 302
    version.refresh_from_db()
    assert version.status == VersionStatus.ENDORSED and version.endorsed_by == world.pat_pm

    episode = CINEpisode.objects.get(child=amy)
    assert episode.is_open and episode.primary_need == "N1"
    assert episode.cin_plan_dates() == [(agreed_on, None)]

    # A review: the plan continues; the next review is scheduled.
    reviewed_on = agreed_on + dt.timedelta(days=40)
    response = sam.post(
        reverse("plan-review", args=[plan.pk]),
        {
            **_date("review_date", reviewed_on),
            "held_at": "Grange Primary",
            "attended": "Sam Social Worker\nMother\nMs Patel",
            "decision": ReviewDecision.CONTINUE,
            "decision_reason": "Amy attends breakfast club; keep going.",
            "late_reason": "The family asked to move the meeting.",
            "review-0-happened": "Amy went to breakfast club most days.",
            "review-0-progress": "partly",
            "review-0-targets-0": "partly",
        },
        secure=True,
    )
    assert response.status_code == 302, _errors(response)
    plan.refresh_from_db()
    review = plan.reviews.get()
    assert review.decision == ReviewDecision.CONTINUE
    assert plan.status == PlanStatus.ACTIVE and plan.next_review_on == review.next_review_on
    assert plan.next_review_on is not None and plan.next_review_on > reviewed_on
    open_before = Deadline.objects.open().filter(child=amy, part="social_care")
    assert open_before.filter(source_type="plans.plan", source_id=str(plan.pk)).exists()

    # Closure: the episode closes with its reason, the plan ends, and open
    # social care deadlines are no longer needed.
    closed_on = reviewed_on + dt.timedelta(days=30)
    _record(
        sam,
        pat,
        amy,
        "closure",
        {
            **_date("closure_date", closed_on),
            "reason": "RC7",
            "summary": "Needs met: Amy is fed and attends school.",
            "impact": "Attendance up to 97%.",
            "family_informed": "yes",
        },
    )
    episode = CINEpisode.objects.get(child=amy)
    assert (episode.closure_date, episode.reason_for_closure) == (closed_on, "RC7")
    plan.refresh_from_db()
    assert (plan.status, plan.ended_on) == (PlanStatus.ENDED, closed_on)
    assert episode.cin_plan_dates() == [(agreed_on, closed_on)]
    social = Deadline.objects.filter(child=amy, part="social_care").with_status()
    still_open = [d for d in social if d.met_on is None]
    assert still_open
    assert {d.current_status for d in still_open} == {DeadlineStatus.CANCELLED}  # type: ignore[attr-defined]
    assert DeadlineStatus.CANCELLED.label == "No longer needed"
    assert not CINEpisode.objects.open().filter(child=amy).exists()
    assert _flags(sam, amy) == []
