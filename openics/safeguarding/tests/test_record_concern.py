"""A member of staff records a concern on one page, with a body map; the DSL
and deputies are alerted at once; a second concern within 7 days is flagged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from openics.core.models import AuditEvent, ChronologyEntry, Notification, OutboxMessage
from openics.safeguarding.models import Concern

from .conftest import backdate, form_data


def test_teacher_records_a_concern_with_a_body_map_on_one_page(world, client_for, deputy):
    client = client_for(world.tom_teacher)
    page = client.get(reverse("concern-new"), secure=True)
    assert page.status_code == 200
    assert b'data-view="front"' in page.content and b'data-view="back"' in page.content
    response = client.post(reverse("concern-new"), form_data(world), secure=True)
    concern = Concern.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("concern-detail", args=[concern.pk])
    assert concern.child == world.amy and concern.school == world.school
    assert concern.recorded_by == world.tom_teacher
    assert concern.categories == ["physical"]
    assert concern.body_map == [
        {"view": "front", "x": 0.3, "y": 0.25, "note": "Bruise on left upper arm"},
        {"view": "back", "x": 0.5, "y": 0.6, "note": "Red lines across lower back"},
    ]
    assert concern.dsl_informed_verbally is True and concern.childs_words == "My dad hit me with his belt"
    # The DSL and the deputy: in-app and by email, written with the concern.
    for lead in (world.dee_dsl, deputy):
        note = Notification.objects.get(user=lead)
        assert note.link == reverse("concern-detail", args=[concern.pk]) and note.read_at is None
        email = OutboxMessage.objects.get(to=lead.email)
        assert "Amy" not in email.body  # the email says only to sign in
    assert not Notification.objects.filter(user=world.tom_teacher).exists()
    entry = ChronologyEntry.objects.get(child=world.amy, kind="safeguarding_concern")
    assert entry.part == "school_safeguarding" and "Physical abuse" in entry.summary
    event = AuditEvent.objects.get(action="create", object_type="safeguarding.concern")
    assert event.user_id == world.tom_teacher.pk and event.child_id == world.amy.pk
    # What was said stays out of the audit trail.
    assert "belt" not in str(event.detail)


def test_the_recorder_reads_back_what_they_wrote_but_not_the_decisions(world, client_for, record):
    concern = record()
    page = client_for(world.tom_teacher).get(reverse("concern-detail", args=[concern.pk]), secure=True)
    assert page.status_code == 200
    assert b"Bruise, 3cm, purple" in page.content
    assert b"Record a decision" not in page.content and b"Download as PDF" not in page.content


def test_bad_input_gets_clear_errors_and_keeps_what_was_typed(world, client_for):
    client = client_for(world.tom_teacher)
    data = form_data(
        world, categories=[], occurred_time="25:99", marks="front 2 0.5 Off the page", dsl_informed_verbally=""
    )
    response = client.post(reverse("concern-new"), data, secure=True)
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert "Select at least one category" in body
    assert "Enter the time as hours and minutes, for example 14:30" in body
    assert "Line 1 of the body map: how far across and how far down must be numbers from 0 to 1" in body
    assert "Select yes if you have told the DSL" in body
    # Nothing lost: the account and the marks are shown as typed.
    assert "Amy said: my dad hit me with his belt." in body and "front 2 0.5 Off the page" in body
    assert not Concern.objects.exists()


def test_a_concern_in_the_future_is_refused(world, client_for):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    data = form_data(
        world,
        occurred_on_day=str(tomorrow.day),
        occurred_on_month=str(tomorrow.month),
        occurred_on_year=str(tomorrow.year),
    )
    response = client_for(world.tom_teacher).post(reverse("concern-new"), data, secure=True)
    assert response.status_code == 400 and not Concern.objects.exists()


def test_only_pupils_of_the_school_are_offered(world, client_for):
    """Oscar is DSL elsewhere: Amy is not his pupil, so he cannot record about her."""
    response = client_for(world.oscar_dsl).post(reverse("concern-new"), form_data(world), secure=True)
    assert response.status_code == 400
    assert "Select a pupil" in response.content.decode()
    assert not Concern.objects.exists()


def test_social_care_staff_have_no_concern_form(world, client_for):
    assert client_for(world.sam_sw).get(reverse("concern-new"), secure=True).status_code == 404


def test_a_second_concern_within_seven_days_is_flagged(world, record):
    first = record()
    assert first.recent_flag is False
    second = record(actor=world.dee_dsl)
    assert second.recent_flag is True
    note = Notification.objects.filter(user=world.dee_dsl).first()
    # Dee recorded the second herself: she is not alerted to her own, but
    # the first alert is there, and the second concern carries the flag.
    assert note is not None
    assert OutboxMessage.objects.filter(subject__contains="flagged").count() == 0


def test_a_concern_more_than_seven_days_later_is_not_flagged(world, record, deputy):
    first = record()
    backdate([first.pk], recorded_at=timezone.now() - dt.timedelta(days=8))
    assert record().recent_flag is False
    third = record()
    assert third.recent_flag is True
    assert Notification.objects.filter(user=deputy, message__contains="last 7 days").count() == 1
    assert OutboxMessage.objects.filter(to=deputy.email, subject__contains="flagged").count() == 1


@pytest.mark.parametrize("categories", [["physical", "neglect"], ["sexting"], ["cce", "online_safety"]])
def test_any_category_from_the_list(world, record, categories):
    assert record(categories=categories).categories == categories
