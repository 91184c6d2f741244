"""A case record as PDF, and copies of the Background Information Record for
the carers when a child becomes looked after (issue #3)."""

from __future__ import annotations

import base64
import datetime as dt
import time
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from openics.core.models import Address, AuditEvent, Organisation, OutboxMessage, Person, Relationship, RelationshipKind
from openics.meetings.models import Distribution
from openics.records.actions import do_correct, do_save_draft, do_start_record, do_submit
from openics.records.copies import PROMPT, carers_need_copy, current_background_record, do_give_record_copy
from openics.safeguarding.tests.pdf_text import pdf_text

pytestmark = pytest.mark.django_db

BACKGROUND = {
    "household": "Amy lives with her foster carer Jo Carer.",
    "health_needs": "Asthma: blue inhaler when needed.",
    "communication": "English; likes pictures",
    "important_to_child": "Her rabbit, Biscuit, and a night light.",
}


def completed_background(w: Any, **data: Any) -> Any:
    record = do_start_record(w.amy, actor=w.sam_sw, kind="background-information")
    record = do_save_draft(record, actor=w.sam_sw, data={**BACKGROUND, **data}, expected_version=record.version)
    return do_submit(record, actor=w.sam_sw)


def _carer(world: Any, **person: Any) -> Person:
    jo = Person.objects.create(is_child=False, first_name="Jo", last_name="Carer", **person)
    Relationship.objects.create(child=world.amy, person=jo, kind=RelationshipKind.CARER, lives_with_child=True)
    return jo


def _looked_after(world: Any, on: dt.date) -> Any:
    from openics.plans.tests.factories import agreed_plan

    plan, _version = agreed_plan(world.amy, world.sam_sw, "lac-care-plan", agreed_on=on)
    return plan


def _copies(record: Any) -> str:
    return reverse("record-copies", args=[record.pk])


# ---------------------------------------------------------------- the PDF


def test_the_pdf_prints_labels_values_status_and_marking(world: Any, client_for: Any) -> None:
    gp = Organisation.objects.create(name="Castle Street Surgery")
    record = completed_background(world, gp=gp.pk)
    client = client_for(world.sam_sw)
    response = client.get(reverse("record-pdf", args=[record.pk]), secure=True)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for expected in (
        "OFFICIAL-SENSITIVE",
        "Background Information Record",
        "Who lives with the child",
        "Amy lives with her foster carer Jo Carer.",
        "GP practice",
        "Castle Street Surgery",  # the agency by name, not its id
        "Completed",
        "Submitted by",
    ):
        assert expected in text, expected
    assert AuditEvent.objects.filter(action="export", object_id=str(record.pk), child_id=world.amy.pk).exists()
    # The record's page links to it.
    page = client.get(reverse("record-detail", args=[record.pk]), secure=True).content.decode()
    assert reverse("record-pdf", args=[record.pk]) in page and _copies(record) in page


def test_the_pdf_shows_choices_by_label_and_dates_uk_style(world: Any, client_for: Any) -> None:
    record = do_start_record(world.amy, actor=world.sam_sw, kind="referral")
    data = {"referral_date": "2026-01-05", "referral_source": "2A", "decision": "assessment"}
    record = do_save_draft(record, actor=world.sam_sw, data=data, expected_version=record.version)
    text = pdf_text(client_for(world.sam_sw).get(reverse("record-pdf", args=[record.pk]), secure=True).content)
    assert "5 January 2026" in text and "2026-01-05" not in text
    field = record.definition.field("referral_source")
    assert field.option_label("2A") in text
    assert "Draft" in text


def test_an_old_sign_in_confirms_before_the_pdf(world: Any, client_for: Any) -> None:
    from openics.core.middleware import SIGNED_IN_AT

    record = completed_background(world)
    client = client_for(world.sam_sw)
    session = client.session
    session[SIGNED_IN_AT] = time.time() - 3600
    session.save()
    response = client.get(reverse("record-pdf", args=[record.pk]), secure=True)
    assert response.status_code == 302 and response["Location"].startswith(reverse("confirm-identity"))


def test_another_team_and_the_school_get_404(world: Any, client_for: Any) -> None:
    record = completed_background(world)
    for user in (world.olu_other, world.dee_dsl, world.tom_teacher):
        assert client_for(user).get(reverse("record-pdf", args=[record.pk]), secure=True).status_code == 404
        assert client_for(user).get(_copies(record), secure=True).status_code == 404
    assert client_for(world.sam_sw).get(reverse("record-pdf", args=[999999]), secure=True).status_code == 404
    denial = AuditEvent.objects.filter(user_id=world.olu_other.pk, outcome="denied", child_id=world.amy.pk)
    assert denial.exists()
    assert not AuditEvent.objects.filter(action="export", object_id=str(record.pk)).exists()


# ---------------------------------------------------------------- copies


def test_a_copy_by_email_goes_to_the_outbox_with_the_pdf(world: Any, client_for: Any) -> None:
    jo = _carer(world, email="jo.carer@example.org")
    record = completed_background(world)
    client = client_for(world.sam_sw)
    [relationship] = Relationship.objects.filter(person=jo)
    # A former carer is not offered.
    former = Person.objects.create(is_child=False, first_name="Pat", last_name="Former")
    Relationship.objects.create(
        child=world.amy, person=former, kind=RelationshipKind.CARER, ended_on=dt.date(2025, 12, 31)
    )
    page = client.get(_copies(record), secure=True).content.decode()
    assert "Jo Carer (carer)" in page and "Pat Former" not in page
    # The address left empty: the carer's email on record is used.
    response = client.post(_copies(record), {"recipient": str(relationship.pk), "method": "email"}, secure=True)
    assert response.status_code == 302
    row = Distribution.objects.get()
    assert (row.recipient, row.method, row.address, row.withheld) == (
        "Jo Carer (carer)",
        "email",
        "jo.carer@example.org",
        False,
    )
    assert row.document == record and row.child_id == world.amy.pk and row.by == world.sam_sw
    message = OutboxMessage.objects.get()
    assert row.outbox == message and message.to == "jo.carer@example.org"
    assert "Amy" not in message.subject
    [attachment] = message.attachments
    assert attachment["content_type"] == "application/pdf" and attachment["encoding"] == "base64"
    pdf = base64.b64decode(attachment["content"])
    assert "Her rabbit, Biscuit, and a night light." in pdf_text(pdf)
    assert AuditEvent.objects.filter(action="give_copy", object_id=str(row.pk)).exists()
    assert "jo.carer@example.org" in client.get(_copies(record), secure=True).content.decode()


def test_post_needs_an_address_and_withheld_needs_a_reason(world: Any, client_for: Any) -> None:
    record = completed_background(world)
    client = client_for(world.sam_sw)
    cases = [
        ({"recipient": "other", "other_name": "Kim Keyworker", "method": "post"}, "Enter the postal address"),
        ({"recipient": "other", "other_name": "Kim Keyworker", "method": "withheld"}, "Enter why the copy is withheld"),
        ({"recipient": "other", "method": "hand"}, "Enter the name of the person the copy is for"),
        ({"recipient": "other", "other_name": "Kim", "method": "email", "address": "nope"}, "correct format"),
        ({"recipient": "999", "method": "hand"}, "Select a valid choice"),
        ({"recipient": "other", "other_name": "Kim"}, "Choose how the copy is given"),
    ]
    for data, message in cases:
        response = client.post(_copies(record), data, secure=True)
        assert response.status_code == 400, data
        assert message in response.content.decode(), data
    assert not Distribution.objects.exists() and not OutboxMessage.objects.exists()
    with pytest.raises(ValidationError) as error:
        do_give_record_copy(record, actor=world.sam_sw, recipient="Kim", method="post", address="  ")
    assert "address" in error.value.message_dict

    response = client.post(
        _copies(record),
        {"recipient": "other", "other_name": "Birth father", "method": "withheld", "withheld_reason": "Risk to Amy"},
        secure=True,
    )
    assert response.status_code == 302
    row = Distribution.objects.get()
    assert row.withheld and row.withheld_reason == "Risk to Amy" and row.method == "" and row.outbox is None


def test_post_uses_the_carers_address_on_record(world: Any) -> None:
    jo = _carer(world)
    Address.objects.create(person=jo, line1="1 High Street", town="Lewes", postcode="BN7 1AA")
    record = completed_background(world)
    row = do_give_record_copy(record, actor=world.sam_sw, recipient="Jo Carer (carer)", carer=jo, method="post")
    assert row.address == "1 High Street, Lewes, BN7 1AA"


def test_a_draft_is_not_copied(world: Any, client_for: Any) -> None:
    draft = do_start_record(world.amy, actor=world.sam_sw, kind="background-information")
    response = client_for(world.sam_sw).post(
        _copies(draft), {"recipient": "other", "other_name": "Kim", "method": "hand"}, secure=True
    )
    assert response.status_code == 409 and "finish it before giving copies" in response.content.decode()
    assert not Distribution.objects.exists()


def test_a_reader_sees_the_copies_but_cannot_record_one(world: Any, client_for: Any) -> None:
    from django.utils import timezone

    from openics.core.models import Share

    record = completed_background(world)
    do_give_record_copy(record, actor=world.sam_sw, recipient="Jo Carer (carer)", method="hand")
    # A read-only share of Amy's social care record to the nurse.
    Share.objects.create(
        child=world.amy,
        user=world.nina_nurse,
        parts=["core", "social_care"],
        lawful_basis="public_task_safeguarding",
        reason="Health assessment for a looked-after child",
        shared_by=world.sam_sw,
        expires_at=timezone.now() + dt.timedelta(days=14),
    )
    client = client_for(world.nina_nurse)
    page = client.get(_copies(record), secure=True)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Jo Carer (carer)" in html and "Record the copy" not in html
    response = client.post(_copies(record), {"recipient": "other", "other_name": "Kim", "method": "hand"}, secure=True)
    assert response.status_code == 404
    assert Distribution.objects.count() == 1


# ---------------------------------------------------------------- looked after: the prompt


def test_the_prompt_appears_when_looked_after_and_goes_after_a_copy(world: Any, client_for: Any) -> None:
    record = completed_background(world)
    client = client_for(world.sam_sw)
    detail = reverse("record-detail", args=[record.pk])
    assert not carers_need_copy(record)
    assert PROMPT not in client.get(detail, secure=True).content.decode()

    # A copy given before the child became looked after does not count.
    old = do_give_record_copy(record, actor=world.sam_sw, recipient="Mum", method="hand")
    Distribution.objects.filter(pk=old.pk).update(at=dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC))
    _looked_after(world, dt.date(2026, 3, 2))
    assert carers_need_copy(record)
    assert PROMPT in client.get(detail, secure=True).content.decode()
    assert PROMPT in client.get(_copies(record), secure=True).content.decode()

    # A withheld copy is not a copy given.
    do_give_record_copy(record, actor=world.sam_sw, recipient="Dad", withheld=True, withheld_reason="Risk")
    assert carers_need_copy(record)

    response = client.post(
        _copies(record), {"recipient": "other", "other_name": "Jo Carer", "method": "hand"}, secure=True
    )
    assert response.status_code == 302
    assert not carers_need_copy(record)
    assert PROMPT not in client.get(detail, secure=True).content.decode()
    assert PROMPT not in client.get(_copies(record), secure=True).content.decode()


def test_the_prompt_follows_the_current_version(world: Any) -> None:
    record = completed_background(world)
    _looked_after(world, dt.date(2026, 3, 2))
    do_give_record_copy(record, actor=world.sam_sw, recipient="Jo", method="hand")
    assert not carers_need_copy(record)
    # A correction in draft leaves the copied version current.
    correction = do_correct(record, actor=world.sam_sw, reason="New school")
    assert current_background_record(world.amy) == record and not carers_need_copy(correction)
    # Completed, the correction is current and its carers need a copy of it.
    correction = do_submit(correction, actor=world.sam_sw)
    assert current_background_record(world.amy) == correction
    assert carers_need_copy(correction) and not carers_need_copy(record)
    with pytest.raises(Exception, match="newer version"):
        do_give_record_copy(record, actor=world.sam_sw, recipient="Jo", method="hand")
    # Other kinds of record never prompt.
    referral = do_start_record(world.amy, actor=world.sam_sw, kind="referral")
    assert not carers_need_copy(referral)
