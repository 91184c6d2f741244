"""Next steps are proposed, never forced: a submitted or endorsed record's
page offers to start the records its decision usually leads to, for record
types the authority uses and the viewer may complete."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from openics.core.access import AccessGrant
from openics.core.models import Involvement, InvolvementKind
from openics.records.actions import do_endorse, do_return, do_save_draft, do_start_record, do_submit
from openics.records.definitions import current_definitions, get_definition
from openics.records.models import CaseRecord, RecordStatus
from openics.records.offers import proposed_next_steps
from openics.timescales.actions import do_set_authority_timescales

pytestmark = pytest.mark.django_db

REFERRAL = {
    "referral_date": "2026-03-02",
    "referral_source": "2A",
    "reason": "Teacher saw bruising on Amy's arm.",
    "decision": "assessment",
    "decision_date": "2026-03-02",
}


def _sussex(world: Any) -> None:
    do_set_authority_timescales(world.la, profile="sussex-ics", nation="ENG", acting_user=None)


def _submitted(world: Any, kind: str, data: dict[str, Any], *, author: Any = None, late: str = "") -> CaseRecord:
    author = author or world.sam_sw
    record = do_start_record(world.amy, actor=author, kind=kind)
    record = do_save_draft(record, actor=author, data=data, expected_version=record.version)
    return do_submit(record, actor=author, late_reason=late)


def _next_steps(client: Any, record: CaseRecord) -> list[str]:
    """The kinds the record's page offers to start, in order."""
    response = client.get(reverse("record-detail", args=[record.pk]), secure=True)
    assert response.status_code == 200
    page = response.content.decode()
    if "Next steps" not in page:
        return []
    return re.findall(r'<input type="hidden" name="kind" value="([a-z0-9-]+)">', page)


def test_every_proposal_names_a_record_type_that_exists() -> None:
    kinds = set(current_definitions())
    for definition in current_definitions().values():
        for proposal in definition.proposes:
            assert set(proposal.kinds) <= kinds, definition.kind


@pytest.mark.parametrize(
    ("kind", "data", "proposed"),
    [
        ("contact", {"decision": "referral"}, ("referral",)),
        ("contact", {"decision": "advice"}, ()),
        ("referral", {"decision": "assessment"}, ("initial-assessment", "single-assessment")),
        ("referral", {"decision": "strategy"}, ("strategy-discussion",)),
        ("referral", {"decision": "nfa"}, ("closure",)),
        ("referral", {"decision": "early_help"}, ()),
        ("initial-assessment", {"outcome": "strategy"}, ("strategy-discussion",)),
        ("initial-assessment", {"outcome": "core"}, ("core-assessment",)),
        ("initial-assessment", {"outcome": "nfa"}, ("closure",)),
        ("initial-assessment", {"outcome": "services"}, ()),
        ("core-assessment", {"outcome": "strategy"}, ("strategy-discussion",)),
        ("core-assessment", {"outcome": "close"}, ("closure",)),
        ("single-assessment", {"outcome": "nfa"}, ("closure",)),
        ("single-assessment", {"outcome": "cin_plan"}, ()),
        ("strategy-discussion", {"start_s47": "yes"}, ("s47-outcome",)),
        ("strategy-discussion", {"start_s47": "no"}, ()),
        ("s47-outcome", {"icpc_needed": "yes"}, ("icpc",)),
        ("s47-outcome", {"icpc_needed": "no"}, ()),
        ("icpc", {"decision": "plan"}, ("core-group", "cp-review-report")),
        ("icpc", {"decision": "no_plan"}, ()),
        ("cp-review-report", {}, ("cp-review",)),
        ("cp-review", {"decision": "end"}, ("closure",)),
        ("cp-review", {"decision": "continue"}, ()),
    ],
)
def test_the_shipped_proposals(kind: str, data: dict[str, str], proposed: tuple[str, ...]) -> None:
    assert get_definition(kind).proposed_kinds(data) == proposed


def test_a_submitted_referral_proposes_the_assessment_the_profile_uses(world: Any, client_for: Any) -> None:
    sam = client_for(world.sam_sw)
    england = _submitted(world, "referral", REFERRAL)
    assert _next_steps(sam, england) == ["single-assessment"]
    _sussex(world)
    assert _next_steps(sam, england) == ["initial-assessment"]
    page = sam.get(reverse("record-detail", args=[england.pk]), secure=True).content.decode()
    assert "Start Initial Assessment Record" in page


def test_drafts_and_returned_records_propose_nothing(world: Any, client_for: Any) -> None:
    sam = client_for(world.sam_sw)
    draft = do_start_record(world.amy, actor=world.sam_sw, kind="referral")
    draft = do_save_draft(draft, actor=world.sam_sw, data=REFERRAL, expected_version=draft.version)
    assert _next_steps(sam, draft) == []
    submitted = do_submit(draft, actor=world.sam_sw)
    assert _next_steps(sam, submitted) == ["single-assessment"]
    returned = do_return(submitted, actor=world.pat_pm, comments="Say who the teacher is.")
    assert _next_steps(sam, returned) == []
    endorsed = do_endorse(do_submit(returned, actor=world.sam_sw), actor=world.pat_pm, reasons="Agreed.")
    assert endorsed.status == RecordStatus.ENDORSED
    assert _next_steps(sam, endorsed) == ["single-assessment"]


def test_only_steps_the_viewer_may_complete_are_offered(world: Any, client_for: Any) -> None:
    # The team administrator may start a referral, not an assessment; the
    # practice manager may endorse the referral but not assess.
    referral = _submitted(world, "referral", {**REFERRAL, "decision": "strategy"})
    assert _next_steps(client_for(world.sam_sw), referral) == ["strategy-discussion"]
    assert _next_steps(client_for(world.pat_pm), referral) == ["strategy-discussion"]
    assert _next_steps(client_for(world.tara_ta), referral) == []
    contact = _submitted(
        world,
        "contact",
        {
            "contact_date": "2026-03-02",
            "contact_method": "phone",
            "contact_by": "Amy's teacher",
            "reason": "Bruising.",
            "decision": "referral",
        },
        author=world.tara_ta,
    )
    assert _next_steps(client_for(world.tara_ta), contact) == ["referral"]


def test_a_worker_who_may_only_read_is_offered_nothing(world: Any, client_for: Any) -> None:
    referral = _submitted(world, "referral", REFERRAL)
    # Another team's worker cannot see Amy at all.
    response = client_for(world.olu_other).get(reverse("record-detail", args=[referral.pk]), secure=True)
    assert response.status_code == 404
    # Someone who may read but not write Amy's record is offered nothing.
    referral.child._grant = AccessGrant(
        child=referral.child, bases=("test",), role="sw", parts=frozenset({"core", "social_care"}), writable=False
    )
    assert proposed_next_steps(referral, world.sam_sw) == []
    referral.child._grant = dataclasses.replace(referral.child._grant, writable=True)
    assert [d.kind for d in proposed_next_steps(referral, world.sam_sw)] == ["single-assessment"]


def test_a_conference_plan_proposes_the_core_group_and_review_report_and_the_button_starts_one(
    world: Any, client_for: Any
) -> None:
    icpc = _submitted(
        world,
        "icpc",
        {
            "conference_date": "2026-03-02",
            "chair": "Ivy Chair",
            "attended": "Sam Worker, social worker",
            "decision": "plan",
            "category": "NEG",
            "reasons": "Neglect.",
            "outline_plan": "Weekly visits.",
        },
    )
    sam = client_for(world.sam_sw)
    assert _next_steps(sam, icpc) == ["core-group", "cp-review-report"]
    page = sam.get(reverse("record-detail", args=[icpc.pk]), secure=True).content.decode()
    assert "Start Core Group Meeting Record" in page and "Start CP Review Record Part 1" in page
    # The button posts to the start page, which creates the draft: nothing
    # else happens, and nothing was created before the click.
    assert not CaseRecord.objects.filter(child=world.amy, kind="core-group").exists()
    response = sam.post(reverse("record-start", args=[world.amy.pk]), {"kind": "core-group"}, secure=True)
    assert response.status_code == 302
    started = CaseRecord.objects.get(child=world.amy, kind="core-group")
    assert response["Location"] == reverse("record-edit", args=[started.pk])
    assert started.status == RecordStatus.DRAFT


def test_the_review_report_proposes_the_chairs_record_to_the_chair_only(world: Any, client_for: Any) -> None:
    # Part 2 is the IRO's: the social worker who wrote Part 1 is not offered it.
    Involvement.objects.create(
        child=world.amy,
        kind=InvolvementKind.IRO,
        organisation=world.la,
        worker=world.iris_iro,
        started_on=timezone.localdate() - dt.timedelta(days=30),
    )
    report = _submitted(
        world,
        "cp-review-report",
        {"review_date": "2026-06-01", "progress": "Visits kept.", "recommendation": "continue"},
    )
    assert _next_steps(client_for(world.sam_sw), report) == []
    assert _next_steps(client_for(world.iris_iro), report) == ["cp-review"]
