"""The family's copy of a One Plan: a PDF of what matters to the child,
the outcomes and targets, the support and who gives it, the latest
review's outcome and the next review date, in the family's language;
and every copy given, sent or withheld, recorded."""

from __future__ import annotations

import base64
import datetime as dt
import time
from typing import Any

import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation

from openics.core.middleware import SIGNED_IN_AT
from openics.core.models import AuditEvent, OutboxMessage, Person, Relationship, RelationshipKind
from openics.meetings.models import Distribution
from openics.plans import actions
from openics.plans.models import Plan
from openics.plans.tests.factories import agreed_plan
from openics.safeguarding.tests.pdf_text import pdf_text

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
NEXT_REVIEW = TODAY + dt.timedelta(days=60)


def _one_plan(world: Any) -> Plan:
    plan, _version = agreed_plan(
        world.amy,
        world.sam_sw,
        "one-plan",
        agreed_on=TODAY - dt.timedelta(days=30),
        next_review_on=TODAY + dt.timedelta(days=20),
    )
    return plan


def _review(world: Any, plan: Plan, *, days_ago: int, happened: str, reason: str, progress: str = "partly") -> Any:
    version = actions.current_version(plan)
    assert version is not None
    return actions.do_record_review(
        plan,
        actor=world.sam_sw,
        review_date=TODAY - dt.timedelta(days=days_ago),
        held_at="Grange Primary",
        attended="Sam, Dee, Mrs Example",
        outcomes=[
            {
                "outcome": o["key"],
                "happened": happened,
                "progress": progress,
                "targets": {t["key"]: progress for t in o["targets"]},
            }
            for o in version.content["outcomes"]
        ],
        decision="continue",
        decision_reason=reason,
        next_review_on=NEXT_REVIEW,
    )


def _pdf(client: Any, plan: Plan, lang: str = "") -> Any:
    url = reverse("one-plan-pdf", args=[plan.pk]) + (f"?lang={lang}" if lang else "")
    return client.get(url, secure=True)


def _long_date(day: dt.date, language: str) -> str:
    with translation.override(language):
        return formats.date_format(day, "j E Y")


def test_the_one_plan_prints_for_the_family_with_the_latest_review(world: Any, client_for: Any) -> None:
    plan = _one_plan(world)
    _review(world, plan, days_ago=20, happened="Amy missed two days", reason="Keep going", progress="not_met")
    _review(world, plan, days_ago=2, happened="Amy reads with Mum every night", reason="Good progress: keep reading")
    response = _pdf(client_for(world.sam_sw), plan, "en-gb")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="one-plan-{plan.pk}-en.pdf"'
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "OFFICIAL-SENSITIVE" in text
    assert "The plan for Amy Example" in text and "One Plan" in text
    for heading in (
        "What matters to Amy",
        "What needs to happen",
        "The support Amy gets, and who gives it",
        "Who to contact about the plan",
        "How it went at the last review",
        "Next review",
    ):
        assert heading in text, heading
    # What matters to the child, the outcomes and targets, the support and who gives it, as written.
    for written in (
        "I like school",
        "Amy attends school every day",
        "Attendance above 95%",
        "School register",
        "Weekly family support sessions",
        "Jo Carer, Family Support Service",
        "Breakfast club place",
        "Sam Social Worker",
    ):
        assert written in text, written
    # The latest review only: its date, decision, progress and what happened.
    assert f"We last looked at the plan together on {_long_date(TODAY - dt.timedelta(days=2), 'en-gb')}" in text
    assert "Continue the plan" in text and "Partly met" in text
    assert "Amy reads with Mum every night" in text and "Good progress: keep reading" in text
    assert "Amy missed two days" not in text and "Not met" not in text
    assert f"on or before {_long_date(NEXT_REVIEW, 'en-gb')}" in text
    # Costs stay off the family's copy.
    assert "£" not in text and "120.00" not in text
    assert AuditEvent.objects.filter(
        action="export", object_type="plans.plan", object_id=str(plan.pk), detail__document="one-plan"
    ).exists()


def test_before_the_first_review_the_copy_says_so(world: Any, client_for: Any) -> None:
    plan = _one_plan(world)
    text = pdf_text(_pdf(client_for(world.sam_sw), plan, "en-gb").content)
    assert "The plan has not been reviewed yet." in text
    assert "Amy attends school every day" in text


def test_the_one_plan_prints_in_welsh_with_what_was_written_unchanged(world: Any, client_for: Any) -> None:
    plan = _one_plan(world)
    _review(world, plan, days_ago=2, happened="Amy reads with Mum every night", reason="Good progress")
    text = pdf_text(_pdf(client_for(world.sam_sw), plan, "cy").content)
    assert "Y cynllun ar gyfer Amy Example" in text
    assert "Beth sydd angen digwydd" in text and "Adolygiad nesaf" in text
    assert "Pwy i gysylltu â nhw am y cynllun" in text
    assert "What needs to happen" not in text and "The plan for Amy Example" not in text
    assert _long_date(NEXT_REVIEW, "cy") in text
    assert "Amy attends school every day" in text and "Amy reads with Mum every night" in text


def test_the_language_defaults_to_the_main_carers(world: Any, client_for: Any) -> None:
    plan = _one_plan(world)
    mum = Person.objects.create(first_name="Ola", last_name="Example", first_language="Polish")
    Relationship.objects.create(
        child=world.amy, person=mum, kind=RelationshipKind.MOTHER, lives_with_child=True, parental_responsibility=True
    )
    response = _pdf(client_for(world.sam_sw), plan)
    assert response["Content-Disposition"].endswith('-pl.pdf"')
    assert "Co musi się wydarzyć" in pdf_text(response.content)


def test_who_may_print_it(world: Any, client_for: Any) -> None:
    plan = _one_plan(world)
    # The school's DSL reads the child's plans; another team, the teacher and a nurse do not.
    assert _pdf(client_for(world.dee_dsl), plan).status_code == 200
    for user in (world.olu_other, world.tom_teacher, world.nina_nurse):
        assert _pdf(client_for(user), plan).status_code == 404
        assert client_for(user).get(reverse("one-plan-copies", args=[plan.pk]), secure=True).status_code == 404
    # Only a One Plan prints as one.
    stage2, _v = agreed_plan(world.amy, world.sam_sw, "stage2-action-plan", agreed_on=TODAY, next_review_on=NEXT_REVIEW)
    assert _pdf(client_for(world.sam_sw), stage2).status_code == 404
    # A One Plan not yet agreed is not copied to the family.
    draft = actions.do_start_plan(world.amy, actor=world.sam_sw, plan_type="one-plan")
    response = _pdf(client_for(world.sam_sw), draft)
    assert response.status_code == 409 and "only an agreed plan is copied to the family" in response.content.decode()
    assert client_for(world.sam_sw).get(reverse("one-plan-copies", args=[draft.pk]), secure=True).status_code == 409


def test_an_old_sign_in_confirms_before_the_pdf(world: Any, client_for: Any) -> None:
    plan = _one_plan(world)
    client = client_for(world.sam_sw)
    session = client.session
    session[SIGNED_IN_AT] = time.time() - 3600
    session.save()
    response = _pdf(client, plan)
    assert response.status_code == 302 and response["Location"].startswith(reverse("confirm-identity"))
    assert not AuditEvent.objects.filter(action="export").exists()


def test_a_copy_emailed_in_welsh_carries_the_one_plan_pdf(world: Any, client_for: Any) -> None:
    plan = _one_plan(world)
    _review(world, plan, days_ago=2, happened="Amy reads with Mum every night", reason="Good progress")
    client = client_for(world.dee_dsl)
    url = reverse("one-plan-copies", args=[plan.pk])
    cycles = client.get(reverse("one-plan-cycles", args=[plan.pk]), secure=True).content.decode()
    assert url in cycles
    page = client.get(url, secure=True).content.decode()
    assert f"{reverse('one-plan-pdf', args=[plan.pk])}?lang=cy" in page
    response = client.post(
        url,
        {"recipient": "Gwen Example (mother)", "language": "cy", "method": "email", "address": "gwen@example.org"},
        secure=True,
    )
    assert response.status_code == 302
    row = Distribution.objects.get()
    assert (row.document, row.child_id, row.recipient, row.method, row.language, row.by) == (
        plan,
        world.amy.pk,
        "Gwen Example (mother)",
        "email",
        "Welsh",
        world.dee_dsl,
    )
    message = OutboxMessage.objects.get()
    assert row.outbox == message and message.to == "gwen@example.org"
    assert message.subject == "Eich copi o'r cynllun"
    [attachment] = message.attachments
    assert attachment["content_type"] == "application/pdf" and attachment["encoding"] == "base64"
    assert attachment["filename"] == f"one-plan-{plan.pk}-cy.pdf"
    text = pdf_text(base64.b64decode(attachment["content"]))
    assert "Beth sydd angen digwydd" in text and "Amy reads with Mum every night" in text
    assert AuditEvent.objects.filter(action="give_copy", object_id=str(row.pk), child_id=world.amy.pk).exists()
    listed = client.get(url, secure=True).content.decode()
    assert "Gwen Example (mother)" in listed and "gwen@example.org" in listed and "Welsh" in listed
    # A copy of the plan's version is a different document: its list stays empty.
    version = actions.current_version(plan)
    assert version is not None
    assert client.get(reverse("plan-version-copies", args=[version.pk]), secure=True).context["rows"].count() == 0


def test_a_withheld_or_posted_copy_needs_its_reason_or_address(world: Any, client_for: Any) -> None:
    plan = _one_plan(world)
    client = client_for(world.sam_sw)
    url = reverse("one-plan-copies", args=[plan.pk])
    for data, message in (
        ({"recipient": "Father", "language": "en-gb", "method": "withheld"}, "Enter why the copy is withheld"),
        ({"recipient": "Father", "language": "en-gb", "method": "post"}, "Enter the postal address"),
        ({"recipient": "Father", "language": "en-gb", "method": "email", "address": "nope"}, "correct format"),
        ({"recipient": "", "language": "en-gb", "method": "hand"}, "Enter who the copy is for"),
        ({"recipient": "Father", "language": "fr", "method": "hand"}, "Select a valid choice"),
    ):
        response = client.post(url, data, secure=True)
        assert response.status_code == 400 and message in response.content.decode(), data
    assert not Distribution.objects.exists() and not OutboxMessage.objects.exists()
    response = client.post(
        url,
        {"recipient": "Father", "language": "en-gb", "method": "withheld", "withheld_reason": "Risk to the child"},
        secure=True,
    )
    assert response.status_code == 302
    row = Distribution.objects.get()
    assert row.withheld and row.withheld_reason == "Risk to the child" and row.outbox is None
    assert AuditEvent.objects.filter(action="withhold_copy", object_id=str(row.pk)).exists()


def test_the_api_lists_and_records_copies_of_the_one_plan(world: Any, client_for: Any) -> None:
    plan = _one_plan(world)
    api = client_for(world.sam_sw)
    url = f"/api/v1/one-plans/{plan.pk}/copies/"
    response = api.post(
        url,
        {"recipient": "Mrs Example", "method": "email", "address": "mrs@example.org"},
        content_type="application/json",
        secure=True,
    )
    assert response.status_code == 201, response.content
    # No language given: the family's (English here).
    assert response.json()["language"] == "English"
    assert OutboxMessage.objects.get().attachments[0]["filename"] == f"one-plan-{plan.pk}-en.pdf"
    bad = api.post(url, {"recipient": "Dad", "withheld": True}, content_type="application/json", secure=True)
    assert bad.status_code == 400 and "withheld_reason" in bad.json()
    assert [row["recipient"] for row in api.get(url, secure=True).json()] == ["Mrs Example"]
    draft = actions.do_start_plan(world.amy, actor=world.sam_sw, plan_type="one-plan")
    assert api.get(f"/api/v1/one-plans/{draft.pk}/copies/", secure=True).status_code == 409
    assert client_for(world.olu_other).get(url, secure=True).status_code == 404
