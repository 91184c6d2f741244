"""A school's child protection file at the pupil's 25th birthday: reviewed
by the DSL, destroyed by the scheduled run, logged; a legal hold stops it."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openics.core.models import AuditEvent, ChronologyEntry
from openics.retention.actions import do_retention_run
from openics.retention.models import Destruction, LegalHold, RetentionReview, ReviewStatus
from openics.safeguarding.models import Concern, ConcernAddition, TriageDecision

from .conftest import TODAY, decide

pytestmark = pytest.mark.django_db


def test_the_run_opens_a_review_for_a_file_past_the_25th_birthday_only(world, former_pupil, cp_file):
    cp_file(former_pupil)
    cp_file(world.amy)  # Amy is young: her file stays
    report = do_retention_run(today=TODAY)
    reviews = RetentionReview.objects.filter(class_id="school-cp-file")
    assert [(r.child_ref, r.holder_id, r.kept_until) for r in reviews] == [
        (former_pupil.pk, world.school.pk, dt.date(2025, 3, 1))
    ]
    assert report.opened >= 1
    # A second run opens nothing new.
    do_retention_run(today=TODAY)
    assert RetentionReview.objects.filter(class_id="school-cp-file").count() == 1


def test_the_dsl_approves_and_the_next_run_destroys_and_logs(world, former_pupil, cp_file, client_for):
    concern = cp_file(former_pupil)
    young = cp_file(world.amy)
    do_retention_run(today=TODAY)
    review = RetentionReview.objects.get(class_id="school-cp-file")
    client = client_for(world.dee_dsl)
    page = client.get("/retention/", secure=True).content.decode()
    assert "Bea Older" in page and "School child protection file" in page
    detail = client.get(f"/retention/reviews/{review.pk}/", secure=True).content.decode()
    assert "Date of birth 1 March 2000 + 25 years" in detail and "Concerns: 1" in detail

    response = decide(client, review, decision="destroy", reason="Reviewed: no proceedings, no involvement")
    assert response.status_code == 302
    # Nothing goes until the scheduled run.
    assert Concern.objects.filter(pk=concern.pk).exists()

    out = StringIO()
    call_command("retention_run", "--today", TODAY.isoformat(), stdout=out)
    assert "destroyed after approval: 1" in out.getvalue()
    assert not Concern.objects.filter(pk=concern.pk).exists()
    assert not ConcernAddition.objects.filter(concern_id=concern.pk).exists()
    assert not TriageDecision.objects.filter(concern_id=concern.pk).exists()
    assert not ChronologyEntry.objects.filter(origin_type="safeguarding.concern", origin_id=str(concern.pk)).exists()
    # Amy's file is untouched.
    assert Concern.objects.filter(pk=young.pk).exists()

    log = Destruction.objects.get()
    assert log.child_ref == former_pupil.pk and log.child_reference == "NC000900"
    assert log.holder_id == world.school.pk and log.approved_by_id == world.dee_dsl.pk
    assert log.rows["safeguarding.Concern"] == 1
    assert log.rows["safeguarding.ConcernAddition"] == 1
    assert log.rows["safeguarding.TriageDecision"] == 1
    assert AuditEvent.objects.filter(action="retention_destroy", child_id=former_pupil.pk).exists()
    review.refresh_from_db()
    assert review.status == ReviewStatus.DESTROYED
    logged = client.get("/retention/destructions/", secure=True).content.decode()
    assert "NC000900" in logged and "Bea Older" not in logged


def test_a_legal_hold_stops_the_destruction_until_it_is_lifted(world, former_pupil, cp_file, client_for):
    concern = cp_file(former_pupil)
    do_retention_run(today=TODAY)
    review = RetentionReview.objects.get(class_id="school-cp-file")
    dee = client_for(world.dee_dsl)
    decide(dee, review, decision="destroy", reason="Reviewed")

    # A claim arrives before the run: the records manager holds the records.
    sean = client_for(world.sean_sm)
    response = sean.post(
        "/retention/holds/new/",
        {
            "child_reference": "NC000900",
            "class_id": "",
            "reason": "Civil claim against the council",
            "reference": "CL/7",
        },
        secure=True,
    )
    assert response.status_code == 302
    hold = LegalHold.objects.get()
    review.refresh_from_db()
    assert review.status == ReviewStatus.BLOCKED

    do_retention_run(today=TODAY)
    assert Concern.objects.filter(pk=concern.pk).exists()
    # While the hold stands, the DSL cannot approve destruction again.
    dee = client_for(world.dee_dsl)
    page = decide(dee, review, decision="destroy", reason="Reviewed again")
    assert page.status_code == 400
    assert "A legal hold covers this record" in page.content.decode()

    sean = client_for(world.sean_sm)
    sean.post(f"/retention/holds/{hold.pk}/lift/", {"reason": "Claim settled"}, secure=True)
    review.refresh_from_db()
    dee = client_for(world.dee_dsl)
    assert decide(dee, review, decision="destroy", reason="Hold lifted, reviewed").status_code == 302
    do_retention_run(today=TODAY)
    assert not Concern.objects.filter(pk=concern.pk).exists()
    hold.refresh_from_db()
    assert hold.lift_reason == "Claim settled" and hold.lifted_by_id == world.sean_sm.pk


def test_keeping_it_longer_needs_a_date_and_a_reason_and_reopens_then(world, former_pupil, cp_file, client_for):
    cp_file(former_pupil)
    do_retention_run(today=TODAY)
    review = RetentionReview.objects.get(class_id="school-cp-file")
    client = client_for(world.dee_dsl)
    missing = decide(client, review, decision="keep", reason="")
    assert missing.status_code == 400
    body = missing.content.decode()
    assert "Enter the date to keep the record until" in body and "Enter the reason for your decision" in body
    ok = decide(
        client,
        review,
        decision="keep",
        reason="Sibling's proceedings",
        keep_until_day="1",
        keep_until_month="1",
        keep_until_year="2031",
    )
    assert ok.status_code == 302
    do_retention_run(today=TODAY)
    assert RetentionReview.objects.filter(class_id="school-cp-file").open().count() == 0
    do_retention_run(today=dt.date(2031, 1, 2))
    reopened = RetentionReview.objects.filter(class_id="school-cp-file").open().get()
    assert reopened.kept_until == dt.date(2031, 1, 1)


def test_a_stale_decision_is_refused_with_a_message(world, former_pupil, cp_file, client_for):
    cp_file(former_pupil)
    do_retention_run(today=TODAY)
    review = RetentionReview.objects.get(class_id="school-cp-file")
    client = client_for(world.dee_dsl)
    decide(client, review, decision="destroy", reason="Reviewed")
    again = decide(
        client, review, decision="keep", reason="x", keep_until_day="1", keep_until_month="1", keep_until_year="2030"
    )
    assert again.status_code == 400
    assert "Someone else has decided this review" in again.content.decode()


def test_another_schools_dsl_and_a_teacher_cannot_see_the_review(world, former_pupil, cp_file, client_for):
    cp_file(former_pupil)
    do_retention_run(today=TODAY)
    review = RetentionReview.objects.get(class_id="school-cp-file")
    assert client_for(world.oscar_dsl).get(f"/retention/reviews/{review.pk}/", secure=True).status_code == 404
    # (one test client: each call signs it in as someone else)
    assert client_for(world.tom_teacher).get("/retention/", secure=True).status_code == 404
    assert AuditEvent.objects.filter(action="retention_review_view", outcome="denied").exists()


def test_the_review_queue_takes_a_fixed_number_of_queries(world, cp_file, client_for, django_assert_num_queries):
    from openics.core import testing as t

    def pupils(n: int, start: int) -> None:
        for i in range(n):
            child = t.make_child("Old", f"Pupil{start + i}", date_of_birth=dt.date(1995, 1, 1 + i))
            cp_file(child)

    client = client_for(world.dee_dsl)
    pupils(1, 0)
    do_retention_run(today=TODAY)
    client.get("/retention/", secure=True)  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        assert client.get("/retention/", secure=True).status_code == 200
    pupils(4, 10)
    do_retention_run(today=TODAY)
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get("/retention/", secure=True).content.decode()
    assert page.count("Old Pupil") == 5
