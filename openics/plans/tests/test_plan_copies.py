"""Copies of a plan for the family: given by email, post or hand, or withheld with a reason."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from openics.core.models import AuditEvent, OutboxMessage
from openics.meetings.models import Distribution
from openics.plans.pdf import copies_of, do_give_copy
from openics.plans.tests.factories import agreed_plan
from openics.safeguarding.tests.pdf_text import pdf_text

pytestmark = pytest.mark.django_db


def _version(world: Any) -> Any:
    _plan, version = agreed_plan(
        world.amy, world.sam_sw, "stage2-action-plan", agreed_on=dt.date(2026, 3, 2), next_review_on=dt.date(2026, 5, 1)
    )
    return version


def _copies_url(version: Any) -> str:
    return reverse("plan-version-copies", args=[version.pk])


def test_the_plan_page_links_to_the_copies(world: Any, client_for: Any) -> None:
    version = _version(world)
    page = client_for(world.sam_sw).get(reverse("plan-detail", args=[version.plan_id]), secure=True)
    assert _copies_url(version) in page.content.decode()


def test_a_copy_emailed_in_welsh_goes_to_the_outbox_with_the_pdf(world: Any, client_for: Any) -> None:
    version = _version(world)
    client = client_for(world.sam_sw)
    response = client.post(
        _copies_url(version),
        {"recipient": "Gwen Example (mother)", "language": "cy", "method": "email", "address": "gwen@example.org"},
        secure=True,
    )
    assert response.status_code == 302
    row = Distribution.objects.get()
    assert (row.recipient, row.method, row.language, row.withheld) == ("Gwen Example (mother)", "email", "Welsh", False)
    assert row.child_id == world.amy.pk and row.document == version and row.by == world.sam_sw
    message = OutboxMessage.objects.get()
    assert row.outbox == message and message.to == "gwen@example.org"
    assert message.subject == "Eich copi o'r cynllun"
    [attachment] = message.attachments
    assert attachment["content_type"] == "application/pdf" and attachment["encoding"] == "base64"
    assert attachment["filename"] == f"plan-{version.plan_id}-v1-cy.pdf"
    pdf = base64.b64decode(attachment["content"])
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert "Beth sydd angen digwydd" in text and "Amy attends school every day" in text
    assert AuditEvent.objects.filter(action="give_copy", object_id=str(row.pk), child_id=world.amy.pk).exists()
    # The list shows it.
    page = client.get(_copies_url(version), secure=True).content.decode()
    assert "Gwen Example (mother)" in page and "gwen@example.org" in page and "Welsh" in page

    # The outbox worker sends the PDF as a PDF, not as base64 text.
    call_command("send_outbox")
    [email] = mail.outbox
    assert email.to == ["gwen@example.org"]
    [(filename, content, mimetype)] = email.attachments
    assert filename.endswith("-cy.pdf") and mimetype == "application/pdf" and content == pdf


def test_a_withheld_copy_needs_its_reason(world: Any, client_for: Any) -> None:
    version = _version(world)
    client = client_for(world.sam_sw)
    response = client.post(
        _copies_url(version), {"recipient": "Father", "language": "en-gb", "method": "withheld"}, secure=True
    )
    assert response.status_code == 400
    assert "Enter why the copy is withheld" in response.content.decode()
    assert not Distribution.objects.exists()
    with pytest.raises(ValidationError) as error:
        do_give_copy(version, actor=world.sam_sw, recipient="Father", withheld=True, withheld_reason="  ")
    assert "withheld_reason" in error.value.message_dict

    response = client.post(
        _copies_url(version),
        {
            "recipient": "Father",
            "language": "en-gb",
            "method": "withheld",
            "withheld_reason": "A copy would tell him where Amy lives: child protection risk",
            "address": "ignored@example.org",
        },
        secure=True,
    )
    assert response.status_code == 302
    row = Distribution.objects.get()
    assert row.withheld and row.method == "" and row.address == "" and row.outbox is None
    assert row.withheld_reason == "A copy would tell him where Amy lives: child protection risk"
    assert not OutboxMessage.objects.exists()
    assert AuditEvent.objects.filter(action="withhold_copy", object_id=str(row.pk)).exists()
    assert "child protection risk" in client.get(_copies_url(version), secure=True).content.decode()


def test_post_and_email_need_an_address_and_bad_input_is_a_message(world: Any, client_for: Any) -> None:
    version = _version(world)
    client = client_for(world.sam_sw)
    cases = [
        ({"recipient": "Mum", "language": "en-gb", "method": "post"}, "Enter the postal address"),
        ({"recipient": "Mum", "language": "en-gb", "method": "email", "address": "not-an-email"}, "correct format"),
        ({"recipient": "", "language": "en-gb", "method": "hand"}, "Enter who the copy is for"),
        ({"recipient": "Mum", "language": "fr", "method": "hand"}, "Select a valid choice"),
        ({"recipient": "Mum", "language": "en-gb"}, "Choose how the copy is given"),
    ]
    for data, message in cases:
        response = client.post(_copies_url(version), data, secure=True)
        assert response.status_code == 400 and message in response.content.decode(), data
    assert not Distribution.objects.exists() and not OutboxMessage.objects.exists()
    response = client.post(
        _copies_url(version),
        {"recipient": "Mum", "language": "pl", "method": "post", "address": "1 High Street, Northtown"},
        secure=True,
    )
    assert response.status_code == 302
    assert list(copies_of(version).values_list("method", "language", "address")) == [
        ("post", "Polish", "1 High Street, Northtown")
    ]


def test_the_copies_page_is_in_the_users_language_and_offers_three_pdfs(world: Any, client_for: Any) -> None:
    version = _version(world)
    client = client_for(world.sam_sw)
    page = client.get(_copies_url(version), secure=True, HTTP_ACCEPT_LANGUAGE="cy").content.decode()
    assert "Copïau i'r teulu" in page or "Copïau i&#x27;r teulu" in page
    for code in ("en-gb", "cy", "pl"):
        assert f"{reverse('plan-version-pdf', args=[version.pk])}?lang={code}" in page


def test_access_other_teams_404_and_drafts_refused(world: Any, client_for: Any) -> None:
    version = _version(world)
    data = {"recipient": "Mum", "language": "en-gb", "method": "hand"}
    for user in (world.olu_other, world.tom_teacher):
        client = client_for(user)
        assert client.get(_copies_url(version), secure=True).status_code == 404
        assert client.post(_copies_url(version), data, secure=True).status_code == 404
        api = reverse("api-plan-version-copies", args=[version.pk])
        assert client.post(api, data, secure=True, content_type="application/json").status_code == 404
    assert not Distribution.objects.exists()

    from openics.plans.actions import do_start_plan

    draft = do_start_plan(world.amy, actor=world.sam_sw, plan_type="cin-plan").versions.get()
    response = client_for(world.sam_sw).post(_copies_url(draft), data, secure=True)
    assert response.status_code == 409
    with pytest.raises(Exception, match="only an agreed plan"):
        do_give_copy(draft, actor=world.sam_sw, recipient="Mum", method="hand")


def test_the_api_lists_and_records_copies(world: Any, client_for: Any) -> None:
    version = _version(world)
    client = client_for(world.sam_sw)
    url = reverse("api-plan-version-copies", args=[version.pk])
    refused = client.post(url, {"recipient": "Father", "withheld": True}, secure=True, content_type="application/json")
    assert refused.status_code == 400 and "withheld_reason" in refused.json()
    created = client.post(
        url,
        {"recipient": "Mum", "method": "email", "address": "mum@example.org"},
        secure=True,
        content_type="application/json",
    )
    assert created.status_code == 201
    body = created.json()
    # No language given: the family's (Amy's record says English).
    assert body["recipient"] == "Mum" and body["method"] == "email" and body["language"] == "English"
    assert OutboxMessage.objects.get().attachments[0]["content_type"] == "application/pdf"
    listed = client.get(url, secure=True)
    assert listed.status_code == 200 and [c["recipient"] for c in listed.json()] == ["Mum"]
