"""Case record routes in the permission matrix (see openics/route_matrix.py).

Only the social care grounds open Amy's social care records: Sam (allocated),
Tara (same team), Pat and Sean (managers).  Her school's DSL and teacher see
her core record, not these.  Within those four, the record definition
decides: a referral is completed by TA, SW or SWRO and endorsed by PM or SM,
and nobody endorses their own record.
"""

from __future__ import annotations

from typing import Any

from openics.route_matrix import SIGNED_IN, Case, ok_for

SOCIAL_CARE_READERS = ("sam_sw", "tara_ta", "pat_pm", "sean_sm")
COMPLETERS = ("sam_sw", "tara_ta")
ENDORSERS = ("pat_pm", "sean_sm")
ANON = 401

REFERRAL = {
    "referral_date": "2026-01-05",
    "referral_source": "2A",
    "reason": "Teacher saw bruising on the child's arm.",
    "decision": "assessment",
    "decision_date": "2026-01-06",
}


def _draft(w: Any) -> int:
    """A new draft referral for Amy, started by Sam."""
    from openics.records.actions import do_start_record

    return do_start_record(w.amy, actor=w.sam_sw, kind="referral").pk


def _complete_draft(w: Any) -> int:
    from openics.records.actions import do_save_draft, do_start_record

    record = do_start_record(w.amy, actor=w.sam_sw, kind="referral")
    return do_save_draft(record, actor=w.sam_sw, data=REFERRAL, expected_version=record.version).pk


def _submitted(w: Any) -> int:
    from openics.records.actions import do_submit
    from openics.records.models import CaseRecord

    record = CaseRecord.objects.get(pk=_complete_draft(w))
    return do_submit(record, actor=w.sam_sw).pk


def _endorsed(w: Any) -> int:
    from openics.records.actions import do_endorse
    from openics.records.models import CaseRecord

    record = CaseRecord.objects.get(pk=_submitted(w))
    return do_endorse(record, actor=w.pat_pm, reasons="Threshold met").pk


def _contact_draft(w: Any) -> int:
    """A new draft contact for Amy, started by Sam: it can be linked."""
    from openics.records.actions import do_start_record

    return do_start_record(w.amy, actor=w.sam_sw, kind="contact").pk


def _brother(w: Any) -> dict[str, Any]:
    """Amy's brother Ben, allocated in Sam's team, to link to her contact."""
    from openics.core import testing as t

    ben = t.make_child("Ben", "Example")
    t.allocate(ben, w.north, w.sam_sw)
    return {"children": [ben.pk]}


def _background(w: Any) -> int:
    """A completed Background Information Record for Amy (records/copies.py)."""
    from openics.records.actions import do_save_draft, do_start_record, do_submit

    record = do_start_record(w.amy, actor=w.sam_sw, kind="background-information")
    data = {"household": "Amy lives with Jo Carer."}
    record = do_save_draft(record, actor=w.sam_sw, data=data, expected_version=record.version)
    return do_submit(record, actor=w.sam_sw).pk


def _answers(ok: tuple[str, ...], status: int, refused: tuple[str, ...]) -> dict[str, int]:
    """`ok` get `status`; `refused` (who may see but not do this) get 403."""
    return {**ok_for(refused, 403), **ok_for(ok, status)}


ROUTES: dict[str, list[Case]] = {
    "child-records": [Case(kwargs={"child_id": "amy"}, expect=ok_for(SOCIAL_CARE_READERS))],
    "record-start": [
        Case(kwargs={"child_id": "amy"}, expect=ok_for(SOCIAL_CARE_READERS)),
        # Managers may see the form but do not complete referrals: a form error.
        Case(
            method="post",
            kwargs={"child_id": "amy"},
            data={"kind": "referral"},
            expect={**ok_for(ENDORSERS, 400), **ok_for(COMPLETERS, 302)},
        ),
    ],
    "records-awaiting-endorsement": [Case(expect=ok_for(SIGNED_IN))],
    # Managers only (Pat: her team; Sean: the teams under him); others 404.
    "team-view": [
        Case(expect=ok_for(ENDORSERS)),
        Case(query="status=overdue&worker=none", expect=ok_for(ENDORSERS)),
        Case(query="status=bogus", expect=ok_for(ENDORSERS, 400)),
    ],
    "record-detail": [Case(kwargs={"record_id": _draft}, expect=ok_for(SOCIAL_CARE_READERS))],
    "record-edit": [
        Case(kwargs={"record_id": _draft}, expect=_answers(COMPLETERS, 200, ENDORSERS)),
        Case(
            method="post",
            kwargs={"record_id": _draft},
            data={"version": "1", "reason": "Matrix", "then": "save"},
            expect=_answers(COMPLETERS, 302, ENDORSERS),
        ),
    ],
    "record-submit": [
        Case(kwargs={"record_id": _draft}, expect=ok_for(SOCIAL_CARE_READERS)),
        Case(
            method="post", kwargs={"record_id": _complete_draft}, data={}, expect=_answers(COMPLETERS, 302, ENDORSERS)
        ),
    ],
    "record-review": [
        Case(kwargs={"record_id": _submitted}, expect=_answers(ENDORSERS, 200, COMPLETERS)),
        Case(
            method="post",
            kwargs={"record_id": _submitted},
            data={"decision": "endorse", "reasons": "Threshold met"},
            expect=_answers(ENDORSERS, 302, COMPLETERS),
        ),
    ],
    "record-correct": [
        Case(kwargs={"record_id": _endorsed}, expect=ok_for(SOCIAL_CARE_READERS)),
        Case(
            method="post",
            kwargs={"record_id": _endorsed},
            data={"reason": "Wrong referral date"},
            expect=ok_for(SOCIAL_CARE_READERS, 302),
        ),
    ],
    # A contact concerning several children: completers link (a search
    # answers 200); managers see the record but do not complete contacts.
    "record-link": [
        Case(kwargs={"record_id": _contact_draft}, expect=_answers(COMPLETERS, 200, ENDORSERS)),
        Case(
            method="post",
            kwargs={"record_id": _contact_draft},
            data={"action": "search", "q": "Example"},
            expect=_answers(COMPLETERS, 200, ENDORSERS),
        ),
    ],
    # The record as PDF, and copies for the carers (records/copy_views.py).
    "record-pdf": [Case(kwargs={"record_id": _draft}, expect=ok_for(SOCIAL_CARE_READERS))],
    "record-copies": [
        Case(kwargs={"record_id": _background}, expect=ok_for(SOCIAL_CARE_READERS)),
        Case(
            method="post",
            kwargs={"record_id": _background},
            data={"recipient": "other", "other_name": "Jo Carer", "method": "hand"},
            expect=ok_for(SOCIAL_CARE_READERS, 302),
        ),
    ],
    "api-record-link": [
        Case(
            method="post",
            kwargs={"pk": _contact_draft},
            data=_brother,
            expect=_answers(COMPLETERS, 201, ENDORSERS),
            anonymous=ANON,
        )
    ],
    "api-child-record-list": [
        Case(kwargs={"child_id": "amy"}, expect=ok_for(SOCIAL_CARE_READERS), anonymous=ANON),
        Case(
            method="post",
            kwargs={"child_id": "amy"},
            data={"kind": "referral"},
            expect=_answers(COMPLETERS, 201, ENDORSERS),
            anonymous=ANON,
        ),
    ],
    "api-record-detail": [
        Case(kwargs={"pk": _draft}, expect=ok_for(SOCIAL_CARE_READERS), anonymous=ANON),
        Case(
            method="patch",
            kwargs={"pk": _draft},
            data={"version": 1, "data": {"reason": "Matrix"}},
            expect=_answers(COMPLETERS, 200, ENDORSERS),
            anonymous=ANON,
        ),
    ],
    "api-record-submit": [
        Case(
            method="post",
            kwargs={"pk": _complete_draft},
            data={},
            expect=_answers(COMPLETERS, 200, ENDORSERS),
            anonymous=ANON,
        )
    ],
    "api-record-return": [
        Case(
            method="post",
            kwargs={"pk": _submitted},
            data={"comments": "Add the school's view"},
            expect=_answers(ENDORSERS, 200, COMPLETERS),
            anonymous=ANON,
        )
    ],
    "api-record-endorse": [
        Case(
            method="post",
            kwargs={"pk": _submitted},
            data={"reasons": "Threshold met"},
            expect=_answers(ENDORSERS, 200, COMPLETERS),
            anonymous=ANON,
        )
    ],
    "api-record-correct": [
        Case(
            method="post",
            kwargs={"pk": _endorsed},
            data={"reason": "Wrong referral date"},
            expect=ok_for(SOCIAL_CARE_READERS, 201),
            anonymous=ANON,
        )
    ],
}
