"""Records start and meet deadlines, as their definitions declare, through
the pages with the people of the test world."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from openics.records.definitions import DefinitionError, get_definition, parse_definition_text
from openics.records.models import CaseRecord, RecordStatus
from openics.timescales.actions import do_set_authority_timescales
from openics.timescales.models import Deadline, DeadlineStatus

pytestmark = pytest.mark.django_db


def _date(prefix: str, day: dt.date) -> dict[str, str]:
    return {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month), f"{prefix}_year": str(day.year)}


def _referral(referral_date: dt.date) -> dict[str, str]:
    return {
        **_date("referral_date", referral_date),
        "referral_source": "2A",
        "reason": "Teacher saw bruising on Amy's arm.",
        "decision": "assessment",
        **_date("decision_date", referral_date),
    }


ASSESSMENT = {
    **_date("started_on", dt.date(2026, 4, 3)),
    "analysis": "Amy is a child in need.",
    "significant_harm": "no",
    "outcome": "services",
}


def _fill_and_submit(client: Any, world: Any, kind: str, data: dict[str, str], late_reason: str = "") -> Any:
    """Start a record of `kind` for Amy, fill it in and submit it."""
    response = client.post(reverse("record-start", args=[world.amy.pk]), {"kind": kind}, secure=True)
    assert response.status_code == 302
    record = CaseRecord.objects.filter(child=world.amy, kind=kind).latest("pk")
    response = client.post(
        reverse("record-edit", args=[record.pk]), {"version": str(record.version), "then": "save", **data}, secure=True
    )
    assert response.status_code == 302
    return client.post(reverse("record-submit", args=[record.pk]), {"late_reason": late_reason}, secure=True)


def _sussex(world: Any) -> None:
    do_set_authority_timescales(world.la, profile="sussex-ics", nation="ENG", acting_user=None)


def test_sussex_referral_starts_the_initial_assessment_deadline(world: Any, client_for: Any) -> None:
    _sussex(world)
    sam = client_for(world.sam_sw)
    response = _fill_and_submit(sam, world, "referral", _referral(dt.date(2026, 4, 2)))
    assert response.status_code == 302
    deadline = Deadline.objects.get(child=world.amy)
    # Thursday 2 April 2026, 10 working days across Good Friday and Easter Monday.
    assert deadline.rule_id == "initial-assessment"
    assert deadline.profile == "sussex-ics"
    assert deadline.trigger_date == dt.date(2026, 4, 2)
    assert deadline.due_date == dt.date(2026, 4, 20)
    assert deadline.created_by == world.sam_sw


def test_england_referral_starts_the_single_assessment_deadline(world: Any, client_for: Any) -> None:
    # No choice recorded: an English authority runs the england profile.
    sam = client_for(world.sam_sw)
    assert _fill_and_submit(sam, world, "referral", _referral(dt.date(2026, 4, 2))).status_code == 302
    deadline = Deadline.objects.get(child=world.amy)
    assert deadline.rule_id == "single-assessment"
    assert (deadline.offset, deadline.unit) == (45, "working_days")
    # 45 working days skipping Good Friday, Easter Monday and both May bank holidays.
    assert deadline.due_date == dt.date(2026, 6, 10)


def test_a_late_assessment_needs_its_reason_and_is_met_late(world: Any, client_for: Any) -> None:
    _sussex(world)
    sam = client_for(world.sam_sw)
    _fill_and_submit(sam, world, "referral", _referral(dt.date(2026, 4, 2)))
    response = _fill_and_submit(sam, world, "initial-assessment", ASSESSMENT)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter the reason this record is late" in page
    assert "was due by 20 April 2026" in page
    assessment = CaseRecord.objects.get(child=world.amy, kind="initial-assessment")
    # Nothing was submitted and the deadline is still open.
    assert assessment.status == RecordStatus.DRAFT
    assert Deadline.objects.get(child=world.amy).met_on is None

    response = sam.post(
        reverse("record-submit", args=[assessment.pk]), {"late_reason": "Family away for two weeks"}, secure=True
    )
    assert response.status_code == 302
    deadline = Deadline.objects.get(child=world.amy)
    assert deadline.met_on == timezone.localdate()
    assert deadline.status == DeadlineStatus.MET_LATE
    assert deadline.late_reason == "Family away for two weeks"
    assert deadline.met_recorded_by == world.sam_sw


def test_an_assessment_in_time_meets_the_deadline(world: Any, client_for: Any) -> None:
    _sussex(world)
    sam = client_for(world.sam_sw)
    today = timezone.localdate()
    _fill_and_submit(sam, world, "referral", _referral(today - dt.timedelta(days=1)))
    response = _fill_and_submit(sam, world, "initial-assessment", ASSESSMENT)
    assert response.status_code == 302
    deadline = Deadline.objects.get(child=world.amy)
    assert deadline.met_on == today
    assert deadline.status == DeadlineStatus.MET
    assert deadline.late_reason == ""


def test_a_returned_referral_submitted_again_starts_one_deadline(world: Any, client_for: Any) -> None:
    sam = client_for(world.sam_sw)
    _fill_and_submit(sam, world, "referral", _referral(dt.date(2026, 4, 2)))
    record = CaseRecord.objects.get(child=world.amy, kind="referral")
    # `client_for` signs the one test client in as each person in turn.
    pat = client_for(world.pat_pm)
    response = pat.post(
        reverse("record-review", args=[record.pk]), {"decision": "return", "reasons": "Add the source"}, secure=True
    )
    assert response.status_code == 302
    sam = client_for(world.sam_sw)
    assert sam.post(reverse("record-submit", args=[record.pk]), {}, secure=True).status_code == 302
    assert Deadline.objects.filter(child=world.amy).count() == 1


BASE = """
kind = "note"
version = 1
title = "Note"
part = "social_care"
completed_by = ["sw"]
endorsement = "none"
{extra}
[[sections]]
title = "Note"
[[sections.fields]]
name = "seen_on"
label = "Seen on"
type = "date"
[[sections.fields]]
name = "text"
label = "Text"
type = "text"
"""


def test_definitions_declare_deadlines() -> None:
    definition = parse_definition_text(
        BASE.format(
            extra='[[deadlines]]\nrules = ["icpc"]\nfrom_field = "seen_on"\non = "endorse"\n'
            '[[meets]]\nrules = ["strategy-discussion"]\n'
        )
    )
    assert definition.deadlines[0].rules == ("icpc",)
    assert definition.deadlines[0].on == "endorse"
    assert definition.meets[0].rules == ("strategy-discussion",)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('[[deadlines]]\nrules = ["initial-assesment"]\n', "no timescale profile has a rule 'initial-assesment'"),
        ("[[deadlines]]\nrules = []\n", "'rules' must be a non-empty list"),
        ('[[deadlines]]\nrules = ["icpc"]\nfrom_field = "text"\n', "from_field 'text' is not a date field"),
        ('[[deadlines]]\nrules = ["icpc"]\nfrom_field = "nowhere"\n', "from_field 'nowhere' is not a date field"),
        ('[[deadlines]]\nrules = ["icpc"]\non = "close"\n', "'on' must be one of: submit, endorse"),
        ('[[deadlines]]\nrules = ["icpc"]\nwhen = "x"\n', "when must be a table"),
        ('[[meets]]\nrules = ["no-such-rule"]\n', "no timescale profile has a rule 'no-such-rule'"),
        ('deadlines = "icpc"\n', "'deadlines' must be [[deadlines]] tables"),
    ],
)
def test_definition_deadline_mistakes_are_refused_clearly(extra: str, message: str) -> None:
    with pytest.raises(DefinitionError) as error:
        parse_definition_text(BASE.format(extra=extra), "note.toml")
    assert message in str(error.value)
    assert str(error.value).startswith("note.toml: ")


def _api_submit(client: Any, world: Any, kind: str, data: dict[str, Any], late_reason: str = "") -> Any:
    created = client.post(
        reverse("api-child-record-list", args=[world.amy.pk]),
        {"kind": kind},
        content_type="application/json",
        secure=True,
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    saved = client.patch(
        reverse("api-record-detail", args=[pk]),
        {"version": 1, "data": data},
        content_type="application/json",
        secure=True,
    )
    assert saved.status_code == 200
    return client.post(
        reverse("api-record-submit", args=[pk]),
        {"late_reason": late_reason},
        content_type="application/json",
        secure=True,
    )


def test_england_contact_starts_the_referral_decision_and_the_referral_meets_it_through_the_api(
    world: Any, client_for: Any
) -> None:
    sam = client_for(world.sam_sw)
    contact = {
        "contact_date": "2026-04-02",
        "contact_method": "phone",
        "contact_by": "Class teacher",
        "reason": "Bruising seen",
        "decision": "referral",
    }
    assert _api_submit(sam, world, "contact", contact).status_code == 200
    decision = Deadline.objects.get(child=world.amy, rule_id="referral-decision")
    # One working day from Thursday 2 April 2026: Good Friday is not one.
    assert decision.due_date == dt.date(2026, 4, 7)

    referral = {
        "referral_date": "2026-04-02",
        "referral_source": "2A",
        "reason": "Bruising seen",
        "decision": "assessment",
        "decision_date": "2026-04-08",
    }
    refused = _api_submit(sam, world, "referral", referral)
    assert refused.status_code == 400
    assert "Enter the reason this record is late" in refused.json()["late_reason"][0]
    record = CaseRecord.objects.get(child=world.amy, kind="referral")
    response = sam.post(
        reverse("api-record-submit", args=[record.pk]),
        {"late_reason": "Decision waited for the police check"},
        content_type="application/json",
        secure=True,
    )
    assert response.status_code == 200
    decision.refresh_from_db()
    assert decision.status == DeadlineStatus.MET_LATE
    assert decision.late_reason == "Decision waited for the police check"
    # ...and the referral started the single assessment's deadline.
    assert Deadline.objects.get(child=world.amy, rule_id="single-assessment").due_date == dt.date(2026, 6, 10)


def test_a_deadline_declared_on_endorse_starts_at_endorsement(
    world: Any, client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No shipped record starts a deadline on endorsement yet: a referral
    # declared that way stands in for one.
    referral = get_definition("referral")
    on_endorse = dataclasses.replace(
        referral, deadlines=(dataclasses.replace(referral.deadlines[0], on="endorse"),), meets=()
    )
    monkeypatch.setattr(CaseRecord, "definition", property(lambda self: on_endorse))
    sam = client_for(world.sam_sw)
    assert _fill_and_submit(sam, world, "referral", _referral(dt.date(2026, 4, 2))).status_code == 302
    assert not Deadline.objects.exists()
    record = CaseRecord.objects.get(child=world.amy, kind="referral")
    pat = client_for(world.pat_pm)
    response = pat.post(
        reverse("record-review", args=[record.pk]), {"decision": "endorse", "reasons": "Threshold met"}, secure=True
    )
    assert response.status_code == 302
    deadline = Deadline.objects.get(child=world.amy)
    assert (deadline.rule_id, deadline.due_date, deadline.created_by) == (
        "single-assessment",
        dt.date(2026, 6, 10),
        world.pat_pm,
    )
