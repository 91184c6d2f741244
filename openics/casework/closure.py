"""What a Closure Record does besides closing the episode.

On submission (the moment the episodes count it, ADR 0008) the child's open
social care deadlines become "no longer needed" and the open social care
plans end on the closure date.  Nothing is deleted: both stay on the record
with the reason.  Multi-agency plans and a school's deadlines are not social
care's to close and are left alone.
"""

from __future__ import annotations

import datetime as dt

from openics.core.roles import Part
from openics.records.models import CaseRecord
from openics.timescales.actions import do_cancel_deadlines
from openics.timescales.models import Deadline

CLOSURE = "closure"
REASON = "The case closed (Closure Record)"


def close_case_on_closure(record: CaseRecord, event: str) -> None:
    if record.kind != CLOSURE or event != "submit":
        return
    raw = record.data.get("closure_date")
    try:
        on = dt.date.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        on = None
    if on is None:
        return
    actor = record.submitted_by
    do_cancel_deadlines(
        Deadline.objects.filter(child_id=record.child_id, part=Part.SOCIAL_CARE),
        on=on,
        reason=REASON,
        acting_user=actor,
    )
    from openics.plans.actions import do_end_plans_for_closure

    if actor is not None:
        do_end_plans_for_closure(record.child, on=on, actor=actor, reason=REASON)
