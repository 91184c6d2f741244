"""Whatever the records say, in whatever order and however incomplete,
derivation never fails and its episodes keep their invariants."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from openics.casework.derive import derive_episodes
from openics.records.models import CaseRecord

DATES = st.one_of(
    st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2026, 12, 31)).map(dt.date.isoformat),
    st.sampled_from([None, "", "not a date", "2026-02-30", 42]),
)
CATEGORIES = st.sampled_from(["NEG", "PHY", "SAB", "EMO", "MUL", "", None, "XYZ"])


def _record(kind: str, data: dict[str, Any], n: int) -> CaseRecord:
    return CaseRecord(
        pk=n + 1,
        child_id=1,
        kind=kind,
        definition_version=1,
        data=data,
        series=uuid.uuid4(),
        submitted_at=timezone.now() + dt.timedelta(seconds=n),
    )


RECORDS = st.lists(
    st.one_of(
        st.builds(
            lambda d, decision, source: (
                "referral",
                {"referral_date": d, "decision": decision, "referral_source": source},
            ),
            DATES,
            st.sampled_from(["nfa", "assessment", "strategy", None]),
            st.sampled_from(["2A", "6", "bogus", None]),
        ),
        st.builds(
            lambda d, reason: ("closure", {"closure_date": d, "reason": reason}),
            DATES,
            st.sampled_from(["RC1", "RC8", "X", None]),
        ),
        st.builds(
            lambda d, decision, c: ("icpc", {"conference_date": d, "decision": decision, "category": c}),
            DATES,
            st.sampled_from(["plan", "no_plan", None]),
            CATEGORIES,
        ),
        st.builds(
            lambda d, decision, c: ("cp-review", {"review_date": d, "decision": decision, "category": c}),
            DATES,
            st.sampled_from(["continue", "end", None]),
            CATEGORIES,
        ),
        st.builds(
            lambda d, need: ("single-assessment", {"started_on": d, "primary_need": need}),
            DATES,
            st.sampled_from(["N1", "N4", "N9", "N10", None]),
        ),
    ),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(RECORDS)
def test_derivation_keeps_its_invariants(items: list[tuple[str, dict[str, Any]]]) -> None:
    records = [_record(kind, data, n) for n, (kind, data) in enumerate(items)]
    cins, cps = derive_episodes(1, records)
    assert sum(1 for e in cins if e.closure_date is None) <= 1
    assert sum(1 for p in cps if p.ended_on is None) <= 1
    for episode in cins:
        assert episode.closure_date is None or episode.closure_date >= episode.referral_date
        assert episode.primary_need in {"", "N1", "N4", "N9"}
        assert episode.reason_for_closure in {"", "RC1", "RC8"}
    for later, earlier in zip(cins[1:], cins, strict=False):
        assert later.referral_date >= earlier.referral_date
        assert earlier.closure_date is not None
    for n, plan in enumerate(cps):
        assert plan.previous_plans == n
        assert plan.ended_on is None or plan.ended_on >= plan.started_on
        assert plan.review_dates == sorted(plan.review_dates)
        assert all(plan.started_on.isoformat() <= d for d in plan.review_dates)
        assert plan.latest_category in {"", "NEG", "PHY", "SAB", "EMO", "MUL"}
    for next_plan, plan in zip(cps[1:], cps, strict=False):
        assert plan.ended_on is not None and next_plan.started_on >= plan.ended_on
