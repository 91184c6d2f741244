"""Retention pages in the permission matrix (see openics/route_matrix.py).

Sean, a service manager, reviews the authority's records; Dee, the DSL at
Grange Primary, reviews Grange's, and Oscar Riverside's.  Everyone else gets 404: the retention
pages say which children have records and when they go.
"""

from __future__ import annotations

from typing import Any

from openics.route_matrix import Case, ok_for

SEAN = ("sean_sm",)
DEE = ("dee_dsl",)
REVIEWERS = ("sean_sm", "dee_dsl", "oscar_dsl")


def _review(w: Any, class_id: str, holder: Any = None) -> int:
    import datetime as dt

    from openics.retention.models import RetentionReview

    return RetentionReview.objects.create(
        class_id=class_id,
        child=w.amy,
        child_ref=w.amy.pk,
        holder=holder,
        subject_key=f"{class_id}|{w.amy.pk}|{holder.pk if holder else ''}||",
        kept_until=dt.date(2020, 1, 1),
        basis="Date of birth + 25 years",
        source="test",
    ).pk


def _social_care_review(w: Any) -> int:
    return _review(w, "social-care-record")


def _school_review(w: Any) -> int:
    return _review(w, "school-cp-file", w.school)


def _decision(w: Any) -> dict[str, Any]:
    return {
        "decision": "keep",
        "keep_until_day": "1",
        "keep_until_month": "1",
        "keep_until_year": "2040",
        "reason": "Proceedings are expected",
        "version": "1",
    }


def _hold(w: Any) -> int:
    from openics.retention.models import LegalHold

    return LegalHold.objects.create(child=w.amy, child_ref=w.amy.pk, reason="Civil claim", placed_by=w.sean_sm).pk


def _hold_form(w: Any) -> dict[str, Any]:
    return {"child_reference": str(w.amy.pk), "class_id": "", "reason": "Civil claim", "reference": "CL-1"}


ROUTES: dict[str, list[Case]] = {
    "retention-home": [Case(expect=ok_for(REVIEWERS))],
    "retention-review": [
        Case(kwargs={"review_id": _social_care_review}, expect=ok_for(SEAN)),
        Case(kwargs={"review_id": _school_review}, expect=ok_for(DEE)),
        Case(method="post", kwargs={"review_id": _social_care_review}, data=_decision, expect=ok_for(SEAN, 302)),
        Case(method="post", kwargs={"review_id": _school_review}, data=_decision, expect=ok_for(DEE, 302)),
    ],
    "retention-holds": [Case(expect=ok_for(REVIEWERS))],
    "retention-hold-new": [
        Case(expect=ok_for(REVIEWERS)),
        # Amy is on Grange's roll, so Dee may hold her records too.
        # Oscar is told no such child: she was never on Riverside's roll.
        Case(method="post", data=_hold_form, expect={**ok_for(("sean_sm", "dee_dsl"), 302), "oscar_dsl": 400}),
    ],
    "retention-hold-lift": [
        # Oscar's school never had Amy: her holds are not his to see.
        Case(kwargs={"hold_id": _hold}, expect=ok_for(("sean_sm", "dee_dsl"))),
        Case(
            method="post",
            kwargs={"hold_id": _hold},
            data={"reason": "Claim settled"},
            expect=ok_for(("sean_sm", "dee_dsl"), 302),
        ),
    ],
    "retention-destructions": [Case(expect=ok_for(REVIEWERS))],
    "retention-adoption-order": [
        Case(kwargs={"child_id": "amy"}, expect=ok_for(SEAN)),
        Case(
            method="post",
            kwargs={"child_id": "amy"},
            data={"on_day": "1", "on_month": "2", "on_year": "2024", "source": "Family Court, case FC-1"},
            expect=ok_for(SEAN, 302),
        ),
    ],
}
