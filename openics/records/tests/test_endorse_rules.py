"""Who may complete and endorse comes from the definition, and nobody
endorses their own record, whatever their role."""

from __future__ import annotations

from typing import Any

import pytest

from openics.records.actions import (
    OWN_RECORD,
    RecordRefused,
    do_endorse,
    do_save_draft,
    do_start_record,
    do_submit,
)
from openics.records.models import CaseRecord, RecordStatus

pytestmark = pytest.mark.django_db

STRATEGY = {
    "held_on": "2026-03-02",
    "format": "telephone",
    "participants": "Sean (social care), DS Khan (police)",
    "information_shared": "Disclosure at school",
    "start_s47": "yes",
}


def _submitted_strategy(world: Any, author: Any) -> Any:
    record = do_start_record(world.amy, actor=author, kind="strategy-discussion")
    record = do_save_draft(record, actor=author, data=STRATEGY, expected_version=record.version)
    return do_submit(record, actor=author)


def test_a_service_manager_cannot_endorse_the_record_they_wrote(world: Any) -> None:
    record = _submitted_strategy(world, world.sean_sm)
    with pytest.raises(RecordRefused) as refusal:
        do_endorse(record, actor=world.sean_sm, reasons="Looks right")
    assert refusal.value.message == OWN_RECORD and refusal.value.status == 403
    record.refresh_from_db()
    assert record.status == RecordStatus.SUBMITTED


def test_only_the_roles_the_definition_names_endorse(world: Any) -> None:
    record = _submitted_strategy(world, world.sam_sw)
    # The seed: the strategy discussion record goes to the service manager.
    with pytest.raises(RecordRefused, match="endorsed by a service manager"):
        do_endorse(record, actor=world.pat_pm, reasons="Agreed")
    endorsed = do_endorse(record, actor=world.sean_sm, reasons="Threshold for S47 met")
    assert endorsed.status == RecordStatus.ENDORSED and endorsed.is_locked


def test_only_the_roles_the_definition_names_complete(world: Any) -> None:
    # "A Strategy Discussion document should be completed by a qualified SW or manager."
    with pytest.raises(RecordRefused, match="completed by a social worker, practice manager or service manager"):
        do_start_record(world.amy, actor=world.tara_ta, kind="strategy-discussion")


def test_an_endorsed_record_refuses_a_draft_save_in_the_action(world: Any) -> None:
    record = _submitted_strategy(world, world.sam_sw)
    record = do_endorse(record, actor=world.sean_sm, reasons="Agreed")
    with pytest.raises(RecordRefused, match="endorsed and locked") as refusal:
        do_save_draft(record, actor=world.sam_sw, data={"actions": "More"}, expected_version=record.version)
    assert refusal.value.status == 409


def test_a_record_without_endorsement_is_locked_on_completion(world: Any) -> None:
    record = do_start_record(world.amy, actor=world.tara_ta, kind="background-information")
    record = do_save_draft(record, actor=world.tara_ta, data={"household": "Mother and Amy"}, expected_version=1)
    record = do_submit(record, actor=world.tara_ta)
    assert record.is_locked and not record.needs_endorsement
    assert not CaseRecord.objects.awaiting_endorsement().filter(pk=record.pk).exists()
    with pytest.raises(RecordRefused, match="Only a record submitted for endorsement"):
        do_endorse(record, actor=world.pat_pm, reasons="Fine")
    with pytest.raises(RecordRefused, match="endorsed and locked"):
        do_save_draft(record, actor=world.tara_ta, data={"household": "Changed"}, expected_version=record.version)
