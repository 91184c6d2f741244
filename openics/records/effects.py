"""What other apps do when a case record moves through its workflow.

An app registers a function with `register_record_effect`; the record
actions call every registered function inside their transaction, after the
step is saved, with the record and the event ("submit", "return",
"endorse" or "correct").  A function that raises refuses the whole step, so
derived data (episodes, lists) can never disagree with the records.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import CaseRecord

RecordEffect = Callable[["CaseRecord", str], None]
EFFECTS: list[RecordEffect] = []


def register_record_effect(effect: RecordEffect) -> RecordEffect:
    if effect not in EFFECTS:
        EFFECTS.append(effect)
    return effect


def run_record_effects(record: CaseRecord, event: str) -> None:
    for effect in EFFECTS:
        effect(record, event)
