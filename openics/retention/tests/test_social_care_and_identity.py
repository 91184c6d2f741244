"""A children's social care record past its date: the records manager
approves, the run destroys the records, plans (a version made from a review
included), deadlines and chronology; the identity record goes last, and only
once nothing else about the child is held.  Working messages go on their
own, logged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from openics.core import testing as t
from openics.core.models import AuditEvent, ChronologyEntry, Notification, Person
from openics.plans import actions as plan_actions
from openics.plans.models import Plan, PlanVersion
from openics.plans.tests.factories import agreed_plan
from openics.records.actions import do_save_draft, do_start_record, do_submit
from openics.records.models import CaseRecord
from openics.retention.actions import do_retention_run
from openics.retention.models import Destruction, RetentionReview, ReviewStatus
from openics.timescales.models import Deadline

from .conftest import TODAY, decide

pytestmark = pytest.mark.django_db


def _referral(child, worker):  # type: ignore[no-untyped-def]
    record = do_start_record(child, actor=worker, kind="referral")
    record = do_save_draft(
        record,
        actor=worker,
        data={
            "referral_date": "2006-11-02",
            "referral_source": "1A",
            "reason": "Concerns from school",
            "decision": "assessment",
            "decision_date": "2006-11-02",
        },
        expected_version=record.version,
    )
    return do_submit(record, actor=worker, late_reason="Entered after the event")


def _reviewed_plan(child, worker):  # type: ignore[no-untyped-def]
    plan, version = agreed_plan(child, worker, "cin-plan", agreed_on=dt.date(2007, 3, 2))
    entries = [
        {
            "outcome": o["key"],
            "happened": "Better",
            "progress": "partly",
            "impact": "Some",
            "not_delivered": "",
            "targets": {tg["key"]: "partly" for tg in o["targets"]},
        }
        for o in version.content["outcomes"]
    ]
    plan_actions.do_record_review(
        plan,
        actor=worker,
        review_date=dt.date(2007, 9, 1),
        held_at="Home",
        attended="Sam, Mother",
        outcomes=entries,
        decision="amend",
        decision_reason="Targets changed",
    )
    return plan


@pytest.fixture
def grown_up(world):  # type: ignore[no-untyped-def]
    """Born 1990, known to social care as a teenager: every date has passed."""
    child = t.make_child("Cal", "Grown", date_of_birth=dt.date(1990, 4, 4), la_child_id="NC000777")
    t.allocate(child, world.north, world.sam_sw, since=dt.date(2006, 1, 1))
    return child


def test_social_care_first_then_identity(world, grown_up, rita_records, client_for):
    referral = _referral(grown_up, world.sam_sw)
    plan = _reviewed_plan(grown_up, world.sam_sw)
    assert PlanVersion.objects.filter(plan=plan).count() >= 2
    assert Deadline.objects.filter(child=grown_up).exists()
    amy_records = CaseRecord.objects.filter(child=world.amy).count()

    do_retention_run(today=TODAY)
    social = RetentionReview.objects.get(class_id="social-care-record", child_ref=grown_up.pk)
    identity = RetentionReview.objects.get(class_id="identity", child_ref=grown_up.pk)
    assert social.kept_until == dt.date(2015, 4, 4)
    assert identity.kept_until == dt.date(2015, 4, 4)

    client = client_for(rita_records)
    assert "Cal Grown" in client.get("/retention/", secure=True).content.decode()
    # Identity approved first: the run refuses while social care records remain.
    assert decide(client, identity, decision="destroy", reason="Reviewed").status_code == 302
    do_retention_run(today=TODAY)
    identity.refresh_from_db()
    assert identity.status == ReviewStatus.BLOCKED
    assert "Children's social care case record" in identity.blocked_reason
    assert AuditEvent.objects.filter(action="retention_review_blocked", child_id=grown_up.pk).exists()
    assert Person.objects.filter(pk=grown_up.pk).exists()

    assert decide(client, social, decision="destroy", reason="Reviewed: closed 2008").status_code == 302
    do_retention_run(today=TODAY)
    social.refresh_from_db()
    assert social.status == ReviewStatus.DESTROYED, social.blocked_reason
    assert not CaseRecord.objects.filter(pk=referral.pk).exists()
    assert not Plan.objects.filter(pk=plan.pk).exists()
    assert not Deadline.objects.filter(child=grown_up).exists()
    assert not ChronologyEntry.objects.filter(child=grown_up, part="social_care").exists()
    assert CaseRecord.objects.filter(child=world.amy).count() == amy_records
    log = Destruction.objects.get(class_id="social-care-record")
    assert log.rows["records.CaseRecord"] == 1 and log.rows["plans.Plan"] == 1
    assert log.approved_by_id == rita_records.pk

    identity.refresh_from_db()
    assert decide(client, identity, decision="destroy", reason="Reviewed: nothing else held").status_code == 302
    do_retention_run(today=TODAY)
    identity.refresh_from_db()
    assert identity.status == ReviewStatus.DESTROYED, identity.blocked_reason
    assert not Person.objects.filter(pk=grown_up.pk).exists()
    gone = Destruction.objects.get(class_id="identity")
    assert gone.child_ref == grown_up.pk and gone.child_reference == "NC000777"
    assert gone.rows["core.Person"] == 1 and gone.rows["core.Involvement"] == 1
    # The log outlives the child: it still reads.
    page = client.get("/retention/destructions/", secure=True).content.decode()
    assert "NC000777" in page


def test_a_young_child_has_nothing_due(world):
    _referral(world.amy, world.sam_sw)
    do_retention_run(today=TODAY)
    assert not RetentionReview.objects.filter(child_ref=world.amy.pk).exists()


def test_old_alerts_go_without_review_and_the_deletion_is_logged(world):
    old = Notification.objects.create(user=world.sam_sw, message="Old alert")
    Notification.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=3 * 366))
    fresh = Notification.objects.create(user=world.sam_sw, message="New alert")
    report = do_retention_run(today=timezone.localdate())
    assert report.routine_rows["messages"] >= 1
    assert not Notification.objects.filter(pk=old.pk).exists()
    assert Notification.objects.filter(pk=fresh.pk).exists()
    log = Destruction.objects.get(class_id="messages")
    assert log.rows == {"core.Notification": 1} and log.approved_by is None


def test_a_records_manager_records_the_date_of_an_adoption_order(world, rita_records, client_for):
    from openics.retention.actions import assess

    child = t.make_child("Dot", "Adopted", date_of_birth=dt.date(2015, 1, 1), restriction="adoption")
    _referral(child, world.sam_sw)
    [before] = assess([child.pk], class_ids=["social-care-record"])
    assert before.result.on is None and "adoption order is not recorded" in before.result.basis
    client = client_for(rita_records)
    response = client.post(
        f"/retention/children/{child.pk}/adoption-order/",
        {"on_day": "1", "on_month": "9", "on_year": "2017", "source": "Family Court FC-22"},
        secure=True,
    )
    assert response.status_code == 302
    [after] = assess([child.pk], class_ids=["social-care-record"])
    assert after.result.on == dt.date(2117, 9, 1)
    bad = client.post(
        f"/retention/children/{child.pk}/adoption-order/",
        {"on_day": "1", "on_month": "9", "on_year": "2010", "source": "x"},
        secure=True,
    )
    assert bad.status_code == 400 and "after the date of birth" in bad.content.decode()
