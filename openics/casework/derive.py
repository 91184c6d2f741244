"""Episodes derived from a child's case records, never typed twice.

`rebuild_child_episodes(child_id)` reads the child's counted records in date
order and replaces the child's episodes.  A record counts once it has been
submitted: for each series, the newest edition with `submitted_at` set
(submitted, returned or endorsed); a draft, including the draft of a
correction, never counts, so the edition it corrects goes on counting until
the correction is submitted.

The rules, in date order (on one day: referrals, assessments, conferences,
reviews, then closures):

* a referral opens a CIN episode on its referral date, unless one is open
  (then it belongs to that one); decided "no further action", it closes the
  episode the same day (`referral_nfa`, reason RC8);
* an assessment that states a primary need gives the open episode its
  primary need (the latest one stated wins);
* an initial conference deciding on a plan opens a CP episode (initial and
  latest category); one held while a plan is open changes the latest category;
* a review conference (Part 2) records its date; "continue" sets the latest
  category, "end" ends the plan on the review date;
* a closure record closes the open CIN episode with its reason, and ends a
  plan still open on the same date.

A record whose date is missing or unreadable (a returned record whose date
was cleared) is left out, never a crash.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from openics.core.models import Person
from openics.records.codes import CategoryOfAbuse, ReasonForClosure, ReferralSource
from openics.records.models import CaseRecord

from .models import CINEpisode, CPEpisode

REFERRAL = "referral"
CLOSURE = "closure"
ICPC = "icpc"
CP_REVIEW = "cp-review"
ASSESSMENTS = ("initial-assessment", "core-assessment", "single-assessment")
# Which field dates each kind, and its place among records of the same day.
DATE_FIELDS: dict[str, tuple[str, ...]] = {
    REFERRAL: ("referral_date",),
    **dict.fromkeys(ASSESSMENTS, ("completed_on", "started_on")),
    ICPC: ("conference_date",),
    CP_REVIEW: ("review_date",),
    CLOSURE: ("closure_date",),
}
SAME_DAY_ORDER = {REFERRAL: 0, **dict.fromkeys(ASSESSMENTS, 1), ICPC: 2, CP_REVIEW: 3, CLOSURE: 4}
KINDS = tuple(DATE_FIELDS)
EVENTS = frozenset({"submit", "return", "endorse", "correct"})
PRIMARY_NEEDS = frozenset(f"N{i}" for i in range(10))
# Namespace of the advisory lock that orders two rebuilds of one child.
LOCK_NAMESPACE = 7301


@dataclass(frozen=True)
class Step:
    day: dt.date
    record: CaseRecord

    @property
    def kind(self) -> str:
        return self.record.kind

    def value(self, name: str) -> Any:
        return self.record.data.get(name)


def _date(value: Any) -> dt.date | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _code(value: Any, allowed: Iterable[str]) -> str:
    """The value when it is one of the codes, else blank."""
    return value if isinstance(value, str) and value in allowed else ""


def counted_records(child_id: int) -> list[CaseRecord]:
    """The newest submitted edition of each of the child's series of the
    kinds episodes are made from (one query)."""
    rows = CaseRecord.objects.filter(child_id=child_id, kind__in=KINDS, submitted_at__isnull=False).order_by(
        "series", "-edition"
    )
    newest: dict[Any, CaseRecord] = {}
    for record in rows:
        newest.setdefault(record.series, record)
    return list(newest.values())


def _steps(records: Iterable[CaseRecord]) -> list[Step]:
    steps = []
    for record in records:
        day = next(
            (d for name in DATE_FIELDS[record.kind] if (d := _date(record.data.get(name))) is not None),
            None,
        )
        if day is not None:
            steps.append(Step(day, record))
    steps.sort(key=lambda s: (s.day, SAME_DAY_ORDER[s.kind], s.record.submitted_at, s.record.pk))
    return steps


def derive_episodes(child_id: int, records: Iterable[CaseRecord]) -> tuple[list[CINEpisode], list[CPEpisode]]:
    """Unsaved episodes from the counted records (pure: no queries).

    `reopens` is left to the caller, as the previous episode has no key yet;
    `CINEpisode._reopens` names it.
    """
    now = timezone.now()
    categories = set(CategoryOfAbuse.values)
    cins: list[CINEpisode] = []
    cps: list[CPEpisode] = []
    open_cin: CINEpisode | None = None
    open_cp: CPEpisode | None = None
    for step in _steps(records):
        record = step.record
        if step.kind == REFERRAL:
            if open_cin is not None:
                continue
            episode = CINEpisode(
                child_id=child_id,
                referral_series=record.series,
                referral_record=record,
                referral_date=step.day,
                referral_source=_code(step.value("referral_source"), ReferralSource.values),
                derived_at=now,
            )
            episode._reopens = cins[-1] if cins else None  # type: ignore[attr-defined]
            cins.append(episode)
            if step.value("decision") == "nfa":
                episode.referral_nfa = True
                episode.closure_date = step.day
                episode.reason_for_closure = ReasonForClosure.NFA
            else:
                open_cin = episode
        elif step.kind in ASSESSMENTS:
            need = _code(step.value("primary_need"), PRIMARY_NEEDS)
            if open_cin is not None and need:
                open_cin.primary_need = need
        elif step.kind == ICPC:
            if step.value("decision") != "plan":
                continue
            category = _code(step.value("category"), categories)
            if open_cp is not None:
                open_cp.latest_category = category or open_cp.latest_category
                continue
            open_cp = CPEpisode(
                child_id=child_id,
                cin_episode=open_cin,
                started_on=step.day,
                initial_category=category,
                latest_category=category,
                previous_plans=len(cps),
                icpc_series=record.series,
                icpc_record=record,
                review_dates=[],
                derived_at=now,
            )
            cps.append(open_cp)
        elif step.kind == CP_REVIEW:
            if open_cp is None:
                continue
            open_cp.review_dates.append(step.day.isoformat())
            decision = step.value("decision")
            if decision == "end":
                open_cp.ended_on = step.day
                open_cp.ended_by_series = record.series
                open_cp.ended_by_record = record
                open_cp = None
            elif decision == "continue":
                open_cp.latest_category = _code(step.value("category"), categories) or open_cp.latest_category
        elif step.kind == CLOSURE:
            if open_cp is not None:
                open_cp.ended_on = step.day
                open_cp.ended_by_series = record.series
                open_cp.ended_by_record = record
                open_cp = None
            if open_cin is not None:
                open_cin.closure_date = step.day
                open_cin.reason_for_closure = _code(step.value("reason"), ReasonForClosure.values)
                open_cin.closure_series = record.series
                open_cin.closure_record = record
                open_cin = None
    return cins, cps


def _lock_child(child_id: int) -> None:
    """Two rebuilds of one child wait for each other, so neither deletes
    rows the other has not yet seen.  SQLite runs one writer at a time."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, child_id % 2**31])


def rebuild_child_episodes(child_id: int) -> tuple[list[CINEpisode], list[CPEpisode]]:
    """Replace the child's episodes with those its counted records give.

    Runs inside the caller's transaction (or its own, when there is none).
    """
    with transaction.atomic(savepoint=False):
        _lock_child(child_id)
        cins, cps = derive_episodes(child_id, counted_records(child_id))
        CPEpisode.objects.filter(child_id=child_id).delete()
        CINEpisode.objects.filter(child_id=child_id).delete()
        if cins:
            CINEpisode.objects.bulk_create(cins)
            reopened = []
            for episode in cins:
                previous = episode._reopens  # type: ignore[attr-defined]
                if previous is not None:
                    episode.reopens = previous
                    reopened.append(episode)
            if reopened:
                CINEpisode.objects.bulk_update(reopened, ["reopens"])
        if cps:
            for plan in cps:
                # Set the key now that the CIN episode has one.
                plan.cin_episode = plan.cin_episode
            CPEpisode.objects.bulk_create(cps)
    return cins, cps


def rebuild_on_record_step(record: CaseRecord, event: str) -> None:
    """The records' effects hook: a step on a record episodes are made of."""
    if record.kind in DATE_FIELDS and event in EVENTS:
        rebuild_child_episodes(record.child_id)


def rebuild_after_merge(survivor: Person, duplicate: Person) -> None:
    """The merge hook: records moved between the two children, so both
    children's episodes are rebuilt (in id order, so two merges never
    take the two locks in opposite orders)."""
    for child_id in sorted({survivor.pk, duplicate.pk}):
        rebuild_child_episodes(child_id)
