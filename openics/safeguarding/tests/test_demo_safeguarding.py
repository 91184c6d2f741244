"""`openics demo` includes school safeguarding: concerns in every school's
child protection file (unread ones in the DSL's queue, read ones, decided
ones), and files transferred and asked for between schools, written through
the real actions in the demo's past, the same for the same seed."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from openics.core.models import Enrolment, Organisation, OrganisationKind, RoleAssignment
from openics.core.roles import Role
from openics.demo import REFERENCE_DATE
from openics.demo.generator import REFERENCE_MOMENT
from openics.safeguarding.models import (
    Concern,
    ConcernAddition,
    FgmNotification,
    FileDestruction,
    FileRequest,
    FileTransfer,
    TransferMethod,
    TriageDecision,
)

pytestmark = pytest.mark.django_db

CHILDREN = 120


def load(seed: int = 1) -> None:
    call_command("demo", "--children", str(CHILDREN), "--seed", str(seed), "--long-history", "0", stdout=StringIO())


@pytest.fixture
def demo(db: None) -> None:
    load()


def _schools() -> list[Organisation]:
    return list(Organisation.objects.filter(kind=OrganisationKind.SCHOOL).order_by("pk"))


def _pupils_concerns() -> Any:
    """Concerns about the demo's pupils (not another extension's former pupils, now adults)."""
    return Concern.objects.filter(child__date_of_birth__gt=REFERENCE_DATE - dt.timedelta(days=19 * 365))


def test_every_school_has_unread_and_decided_concerns_in_its_file(demo: None, client_for: Any) -> None:
    concerns = _pupils_concerns()
    for school in _schools():
        here = concerns.filter(school=school)
        assert here.filter(first_read_at__isnull=True, decided_at__isnull=True).exists(), school
        assert here.filter(decided_at__isnull=False).exists(), school
        assert here.count() < 40 + 10, school
        # The DSL signing in sees the unread ones at the top of the queue.
        dsl = RoleAssignment.objects.get(organisation=school, role=Role.DSL).user
        response = client_for(dsl).get(reverse("concern-queue"), secure=True)
        assert response.status_code == 200
        queue = response.context["concerns"]
        assert queue and queue[0].first_read_at is None
    # Everything happened before the demo's "now", in the school's day.
    assert not concerns.filter(recorded_at__gte=REFERENCE_MOMENT).exists()
    assert not concerns.filter(occurred_at__gt=REFERENCE_MOMENT).exists()
    assert not TriageDecision.objects.filter(concern__in=concerns, decided_at__gte=REFERENCE_MOMENT).exists()
    assert not ConcernAddition.objects.filter(concern__in=concerns, added_at__gte=REFERENCE_MOMENT).exists()
    for concern in concerns:
        assert concern.occurred_at <= concern.recorded_at
        assert concern.first_read_at is None or concern.first_read_at >= concern.recorded_at
        # Recorded by a member of staff of the school (whose file it was, before any transfer).
        schools = set(RoleAssignment.objects.filter(user=concern.recorded_by).values_list("organisation", flat=True))
        assert concern.school_id in schools or FileTransfer.objects.filter(child=concern.child).exists()
    # Read, awaiting a decision, some.
    assert concerns.filter(first_read_at__isnull=False, decided_at__isnull=True).exists()


def test_the_decisions_and_the_details_vary(demo: None) -> None:
    concerns = _pupils_concerns()
    decisions = TriageDecision.objects.filter(concern__in=concerns)
    assert decisions.filter(outcome="monitor").exists()
    assert decisions.filter(outcome="early_help").exclude(level_of_need="").exists()
    referral = decisions.filter(outcome="referral", hub_phoned_at__isnull=False)
    assert referral.exists()
    assert referral.filter(police_informed_at__isnull=False).exists()
    for decision in referral:
        assert decision.hub_phoned_at is not None
        assert decision.concern.recorded_at <= decision.hub_phoned_at <= decision.decided_at
    assert len({c for cats in concerns.values_list("categories", flat=True) for c in cats}) >= 5
    assert any(c.body_map for c in concerns)
    assert concerns.exclude(childs_words="").exists() and concerns.filter(childs_words="").exists()
    assert ConcernAddition.objects.filter(concern__in=concerns).exists()
    # One concern of known FGM, notified to the police by the teacher who recorded it.
    fgm = concerns.get(fgm_known=True)
    notification = FgmNotification.objects.get(concern=fgm)
    assert notification.notified_by == fgm.recorded_by and notification.police_reference
    assert fgm.child.sex == "F"


def test_files_are_transferred_and_asked_for_in_every_state(demo: None, client_for: Any) -> None:
    transfers = FileTransfer.objects.all()
    # Between two OpenICS schools: received, the sender's copy destroyed
    # (the receiving school owns the concerns, the pupil is on its roll).
    done = transfers.get(method=TransferMethod.OPENICS, received_at__isnull=False)
    assert done.destroyed_at is not None and done.received_by is not None
    assert FileDestruction.objects.get(transfer=done).concerns == done.concern_count > 0
    assert Concern.objects.filter(child=done.child, school=done.to_school).count() == done.concern_count
    assert not Concern.objects.filter(child=done.child, school=done.from_school).exists()
    assert Enrolment.objects.filter(child=done.child, school=done.from_school, ended_on=done.left_on).exists()
    assert Enrolment.objects.filter(child=done.child, school=done.to_school, ended_on__isnull=True).exists()
    # To an OpenICS school, overdue: nobody there has confirmed receipt.
    overdue = transfers.get(method=TransferMethod.OPENICS, received_at__isnull=True)
    assert overdue.is_overdue(REFERENCE_DATE)
    assert Concern.objects.filter(child=overdue.child, school=overdue.from_school).count() == overdue.concern_count
    receiving_dsl = RoleAssignment.objects.get(organisation=overdue.to_school, role=Role.DSL).user
    page = client_for(receiving_dsl).get(reverse("transfer-list"), secure=True).content.decode()
    assert reverse("transfer-detail", args=[overdue.pk]) in page
    # A sealed package to a school not on OpenICS, awaiting receipt; another received and deleted.
    waiting = transfers.get(method=TransferMethod.PACKAGE, received_at__isnull=True)
    assert waiting.to_school is None and waiting.to_school_name and waiting.package_downloaded_at
    received = transfers.get(method=TransferMethod.PACKAGE, received_at__isnull=False)
    assert received.destroyed_at is not None and received.received_by_name
    assert not Concern.objects.filter(child=received.child, school=received.from_school).exists()
    for transfer in transfers:
        assert transfer.left_on < REFERENCE_DATE and transfer.started_at < REFERENCE_MOMENT
    # A joiner's file asked for from the previous school, awaiting an answer; another answered.
    asked = FileRequest.objects.get(answered_at__isnull=True)
    assert asked.previous_school is not None and asked.previous_school != asked.school
    assert asked.joined_on < REFERENCE_DATE and asked.requested_at < REFERENCE_MOMENT
    assert Enrolment.objects.filter(child=asked.child, school=asked.school, started_on=asked.joined_on).exists()
    assert FileRequest.objects.filter(answer="no_file", answered_at__lt=REFERENCE_MOMENT).exists()


def _projection() -> dict[str, list[Any]]:
    concerns = sorted(
        (
            c.child.la_child_id,
            c.school.name,
            list(c.categories),
            c.account,
            c.childs_words,
            c.body_map,
            c.recorded_at.isoformat(),
            c.first_read_at is not None,
            c.decided_at.isoformat() if c.decided_at else "",
            sorted((d.outcome, d.level_of_need, d.rationale) for d in c.decisions.all()),
            sorted(a.text for a in c.additions.all()),
        )
        for c in _pupils_concerns().select_related("child", "school").prefetch_related("decisions", "additions")
    )
    transfers = sorted(
        (t.child.la_child_id, t.from_school.name, t.receiver_name, t.method, str(t.left_on), str(t.received_at))
        for t in FileTransfer.objects.select_related("child", "from_school", "to_school")
    )
    requests = sorted(
        (r.child.la_child_id, r.school.name, r.previous_name, str(r.joined_on), r.answer)
        for r in FileRequest.objects.select_related("child", "school", "previous_school")
    )
    return {"concerns": concerns, "transfers": transfers, "requests": requests}


def test_the_same_seed_gives_the_same_concerns_and_transfers() -> None:
    projections = []
    for _ in range(2):
        with transaction.atomic():
            load(7)
            projections.append(_projection())
            transaction.set_rollback(True)
    assert projections[0]["concerns"] and projections[0]["transfers"] and projections[0]["requests"]
    assert projections[0] == projections[1]
