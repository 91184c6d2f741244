"""`openics demo` includes children at every stage of social care work,
written through the record actions, consistent with the timescale rules,
the same for the same seed, and in the work of the demo's sign-ins."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from openics.core.access import staff_context
from openics.core.models import Person, RoleAssignment, User
from openics.core.roles import Role
from openics.demo import REFERENCE_DATE
from openics.demo.snapshot import canonical_snapshot
from openics.records.definitions import current_definitions
from openics.records.models import CaseRecord, RecordDecision, RecordStatus
from openics.timescales.models import Deadline

pytestmark = pytest.mark.django_db

CHILDREN = 120


def load(seed: int = 1) -> None:
    call_command("demo", "--children", str(CHILDREN), "--seed", str(seed), "--long-history", "0", stdout=StringIO())


@pytest.fixture
def demo(db: None) -> None:
    load()


def _first(role: str) -> User:
    """The user `openics demo_logins` prints for the role."""
    return RoleAssignment.objects.filter(role=role, ended_on__isnull=True).order_by("user_id").first().user  # type: ignore[union-attr]


def _records(kind: str, status: str | None = None, **data: Any) -> list[CaseRecord]:
    records = CaseRecord.objects.filter(kind=kind)
    if status:
        records = records.filter(status=status)
    return [r for r in records if all(r.data.get(k) == v for k, v in data.items())]


def test_every_stage_from_contact_to_closure_is_there(demo: None) -> None:
    # Open contacts and referrals: a draft, and records awaiting endorsement.
    assert _records("contact", RecordStatus.DRAFT)
    assert _records("contact", RecordStatus.SUBMITTED)
    assert _records("referral", RecordStatus.SUBMITTED)
    assert _records("referral", RecordStatus.ENDORSED, decision="nfa")
    # Assessments in progress (deadline to come) and overdue (deadline passed, still open).
    drafts = {r.child_id for r in _records("single-assessment", RecordStatus.DRAFT)}
    open_deadlines = Deadline.objects.filter(rule_id="single-assessment", met_on__isnull=True, child_id__in=drafts)
    assert open_deadlines.filter(due_date__lt=REFERENCE_DATE).exists()
    assert open_deadlines.filter(due_date__gte=REFERENCE_DATE).exists()
    # A record returned with the manager's comments.
    returned = _records("single-assessment", RecordStatus.RETURNED)
    assert returned
    assert RecordDecision.objects.filter(record=returned[0], action="return").exclude(comments="").exists()
    # Strategy discussions, S47 enquiries and conferences waiting for a manager.
    for kind in ("strategy-discussion", "s47-outcome", "icpc"):
        assert _records(kind, RecordStatus.SUBMITTED), kind
    # Child protection plans: conference, core groups, reviews Part 1 and 2, some ended.
    assert _records("icpc", RecordStatus.ENDORSED, decision="plan")
    assert _records("core-group")
    assert _records("cp-review-report", RecordStatus.ENDORSED)
    assert _records("cp-review", RecordStatus.ENDORSED, decision="continue")
    ended = _records("cp-review", RecordStatus.ENDORSED, decision="end")
    assert ended
    # Closed cases, and a case reopened by a contact after its closure.
    closures = _records("closure", RecordStatus.ENDORSED)
    assert closures
    closed_on = {r.child_id: r.data["closure_date"] for r in closures}
    assert any(c.child_id in closed_on and c.data["contact_date"] > closed_on[c.child_id] for c in _records("contact"))


def test_the_records_follow_the_rules_and_the_reference_date(demo: None) -> None:
    records = list(CaseRecord.objects.all())
    assert records
    for record in records:
        # Nothing happens after the demo's today; every date field too.
        if record.submitted_at:
            assert record.submitted_at.date() <= REFERENCE_DATE, record
            assert record.submitted_by_id == record.created_by_id, record
        for field in record.definition.fields:
            if field.type == "date" and record.data.get(field.name) and field.name != "next_meeting_on":
                assert dt.date.fromisoformat(record.data[field.name]) <= REFERENCE_DATE, (record, field.name)
        # Submitted records are complete; endorsement is by someone else with the role.
        if record.status != RecordStatus.DRAFT:
            assert not record.definition.missing(record.data), record
        if record.status == RecordStatus.ENDORSED:
            assert record.endorsed_by is not None and record.endorsed_at and record.submitted_at
            assert record.endorsed_by_id not in (record.created_by_id, record.submitted_by_id)
            assert record.definition.may_endorse(staff_context(record.endorsed_by).roles)
            assert record.endorsed_at >= record.submitted_at
    # Deadlines started by the records (so through the real actions), met on time.
    deadlines = Deadline.objects.all()
    rules = set(deadlines.values_list("rule_id", flat=True))
    assert {"referral-decision", "single-assessment", "icpc", "cp-review-first", "cp-review"} <= rules
    assert "core-group-first" in rules
    for deadline in deadlines.filter(met_on__isnull=False):
        met_on = deadline.met_on
        assert met_on is not None
        assert deadline.trigger_date <= met_on <= REFERENCE_DATE
        assert met_on <= deadline.due_date or deadline.late_reason
    # An open conference deadline follows every strategy discussion still awaiting endorsement.
    waiting = {r.child_id for r in _records("strategy-discussion", RecordStatus.SUBMITTED)}
    assert waiting <= set(
        Deadline.objects.filter(rule_id="icpc", met_on__isnull=True).values_list("child_id", flat=True)
    )


def test_the_demo_sign_ins_have_such_children_in_their_work(demo: None) -> None:
    worker, manager, iro = _first(Role.SOCIAL_WORKER), _first(Role.PRACTICE_MANAGER), _first(Role.IRO)
    mine = CaseRecord.objects.filter(created_by=worker)
    assert mine.filter(status=RecordStatus.DRAFT).exists()
    assert mine.filter(status=RecordStatus.RETURNED).exists()
    assert mine.filter(status=RecordStatus.SUBMITTED).exists()
    # The practice manager's queue, as the page builds it.
    roles = staff_context(manager).roles
    kinds = [kind for kind, d in current_definitions().items() if d.may_endorse(roles)]
    queue = CaseRecord.objects.for_user(manager).awaiting_endorsement().filter(kind__in=kinds)
    assert queue.exclude(created_by=manager).exists()
    # The IRO sees a child on a plan and has chaired its reviews.
    planned = {r.child_id for r in _records("icpc", RecordStatus.ENDORSED, decision="plan")}
    assert Person.objects.visible_to(iro).filter(pk__in=planned).exists()
    assert CaseRecord.objects.filter(kind="cp-review", created_by=iro).exists()


def test_the_episodes_are_derived_from_the_demo_records(demo: None) -> None:
    casework = pytest.importorskip("openics.casework.models")
    assert casework.CPEpisode.objects.filter(ended_on__isnull=True).exists()
    assert casework.CPEpisode.objects.filter(ended_on__isnull=False).exists()
    assert casework.CINEpisode.objects.filter(closure_date__isnull=False).exists()
    assert casework.CINEpisode.objects.filter(reopens__isnull=False).exists()


def test_the_same_seed_gives_the_same_records() -> None:
    snapshots = []
    for _ in range(2):
        with transaction.atomic():
            load(7)
            snapshot = canonical_snapshot()
            transaction.set_rollback(True)
        snapshots.append({key: snapshot[key] for key in ("case_records", "deadlines", "chronology")})
    assert snapshots[0]["case_records"] and snapshots[0]["deadlines"]
    assert snapshots[0] == snapshots[1]
