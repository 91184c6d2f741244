"""Retention: working out what is due, reviews, legal holds and destruction.

The scheduled job (`openics retention_run`, daily) calls `do_retention_run`:
it opens a review for every subject whose kept-until date has come, destroys
what a reviewer approved unless a legal hold covers it, deletes the working
data of the classes kept without review, and logs every destruction.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pgtrigger
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Max, ProtectedError, Q
from django.utils import timezone

from openics.core import audit
from openics.core.access import staff_context
from openics.core.models import ChronologyEntry, Organisation, OrganisationKind, Person, RestrictionCategory, User
from openics.core.roles import Role

from . import coverage, schedule
from .models import (
    Destruction,
    LegalHold,
    RecordedDate,
    RecordedDateKind,
    RetentionReview,
    ReviewStatus,
)

LAC_PLAN = "lac-care-plan"
# Reviewer names in rules.toml -> roles.
REVIEWER_ROLES = {
    "dsl": Role.DSL,
    "head": Role.HEADTEACHER,
    "records": Role.RECORDS_MANAGER,
    "sm": Role.SERVICE_MANAGER,
}
AUTHORITY_REVIEWERS = frozenset({Role.RECORDS_MANAGER, Role.SERVICE_MANAGER})
# SQLite allows a limited number of parameters in one query.
FACTS_CHUNK = 5000


class RetentionRefused(ValueError):
    """A decision that cannot be taken, with the reason for the person."""


# ---------------------------------------------------------------- who reviews


def reviewable_filter(user: User) -> Q:
    """The reviews `user` may see and decide, one line per class: the one
    place that says who reviews what."""
    ctx = staff_context(user)
    allowed = Q(pk__in=[])
    for cls in schedule.classes().values():
        roles = {REVIEWER_ROLES[name] for name in cls.reviewers}
        if cls.holder == "school":
            schools = frozenset().union(*(ctx.schools(role) for role in roles)) if roles else frozenset()
            if schools:
                allowed |= Q(class_id=cls.id, holder_id__in=schools)
        elif ctx.roles & roles:
            allowed |= Q(class_id=cls.id)
    return allowed


def is_records_reviewer(user: User) -> bool:
    """Anyone who reviews some class: they see the retention pages."""
    ctx = staff_context(user)
    if ctx.roles & AUTHORITY_REVIEWERS:
        return True
    return bool(ctx.schools(Role.DSL, Role.HEADTEACHER))


def may_manage_authority_records(user: User) -> bool:
    return bool(staff_context(user).roles & AUTHORITY_REVIEWERS)


# ---------------------------------------------------------------- facts


def authority_nation() -> str:
    """The nation whose rules apply: the authority's timescales setting, or
    its organisation's nation."""
    from openics.timescales.models import AuthorityTimescales

    setting = AuthorityTimescales.objects.order_by("pk").values_list("nation", flat=True).first()
    if setting:
        return str(setting)
    la = (
        Organisation.objects.filter(kind=OrganisationKind.LOCAL_AUTHORITY)
        .order_by("pk")
        .values_list("nation", flat=True)
        .first()
    )
    return str(la or "ENG")


def facts_for(child_ids: Iterable[int], *, nation: str | None = None) -> dict[int, schedule.Facts]:
    """Each child's facts, in four queries whatever the number of children."""
    from openics.plans.models import Plan

    ids = sorted(set(child_ids))
    nation = nation or authority_nation()
    if len(ids) > FACTS_CHUNK:
        merged: dict[int, schedule.Facts] = {}
        for i in range(0, len(ids), FACTS_CHUNK):
            merged.update(facts_for(ids[i : i + FACTS_CHUNK], nation=nation))
        return merged
    people = Person.objects.filter(pk__in=ids).values_list("pk", "date_of_birth", "date_of_death", "restriction")
    looked_after = set(Plan.objects.filter(child_id__in=ids, plan_type=LAC_PLAN).values_list("child_id", flat=True))
    orders: dict[int, dt.date] = {}
    for child_id, on in (
        RecordedDate.objects.filter(child_id__in=ids, kind=RecordedDateKind.ADOPTION_ORDER)
        .order_by("recorded_at", "pk")
        .values_list("child_id", "on")
    ):
        orders[child_id] = on
    return {
        pk: schedule.Facts(
            date_of_birth=dob,
            date_of_death=dod,
            looked_after=pk in looked_after,
            adopted=restriction == RestrictionCategory.ADOPTION or pk in orders,
            adoption_order_on=orders.get(pk),
            nation=nation,
        )
        for pk, dob, dod, restriction in people
    }


# ---------------------------------------------------------------- subjects


@dataclass
class Subject:
    class_id: str
    child_id: int | None = None
    holder_id: int | None = None
    root_type: str = ""
    root_id: int | None = None
    last_entry: dt.date | None = None

    @property
    def key(self) -> tuple[str, int | None, int | None, str, int | None]:
        return (self.class_id, self.child_id, self.holder_id, self.root_type, self.root_id)

    @property
    def subject_key(self) -> str:
        return "|".join("" if part is None else str(part) for part in self.key)


def _as_date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value if isinstance(value, dt.date) else None


def _rows(entry: coverage.Retained, subject: Subject) -> models.QuerySet[Any]:
    """The rows of `entry` that belong to `subject`."""
    qs = entry.model_class._default_manager.filter(entry.condition())
    if subject.root_id is not None:
        root = coverage.root_entry(subject.class_id)
        if entry.model == root.model:
            return qs.filter(pk=subject.root_id)
        # A dependent row of a class kept per row: through its link to the root.
        link = _link_to(entry.model_class, root.model_class)
        return qs.filter(**{f"{link}_id": subject.root_id}) if link else qs.none()
    if entry.child:
        qs = qs.filter(**{entry.child: subject.child_id})
    if entry.holder:
        qs = qs.filter(**{entry.holder: subject.holder_id})
    return qs


def _link_to(model: type[models.Model], target: type[models.Model]) -> str:
    for f in model._meta.get_fields():
        if (f.many_to_one or f.one_to_one) and f.concrete and f.related_model is target:
            return f.name
    return ""


def subjects(class_id: str, *, child_ids: Iterable[int] | None = None) -> dict[tuple[Any, ...], Subject]:
    """Every subject of a class that still has rows, with its last entry."""
    cls = schedule.get(class_id)
    found: dict[tuple[Any, ...], Subject] = {}
    entries = coverage.entries(class_id)
    if cls.per == "row":
        root = entries[0]
        fields = ["pk"] + ([root.holder] if root.holder else []) + ([root.date] if root.date else [])
        for row in root.model_class._default_manager.filter(root.condition()).values(*fields):
            subject = Subject(
                class_id,
                holder_id=row.get(root.holder) if root.holder else None,
                root_type=root.model_class._meta.label_lower,
                root_id=row["pk"],
                last_entry=_as_date(row.get(root.date)) if root.date else None,
            )
            found[subject.key] = subject
        return found
    wanted = sorted(set(child_ids)) if child_ids is not None else None
    for entry in entries:
        if not entry.child:
            continue
        qs = entry.model_class._default_manager.filter(entry.condition())
        if wanted is not None:
            qs = qs.filter(**{f"{entry.child}__in": wanted})
        group = [entry.child] + ([entry.holder] if entry.holder else [])
        values = qs.values(*group)
        values = values.annotate(last=Max(entry.date)) if entry.date else values.distinct()
        for row in values:
            if row[entry.child] is None or (entry.holder and row[entry.holder] is None):
                continue
            subject = Subject(class_id, child_id=row[entry.child], holder_id=row.get(entry.holder))
            subject = found.setdefault(subject.key, subject)
            last = _as_date(row.get("last"))
            if last and (subject.last_entry is None or last > subject.last_entry):
                subject.last_entry = last
    return found


def _with_last_entry(facts: schedule.Facts, subject: Subject) -> schedule.Facts:
    return schedule.Facts(**{**facts.__dict__, "last_entry": subject.last_entry})


def work_out(
    subject: Subject,
    facts: dict[int, schedule.Facts],
    *,
    others: dict[int, list[dt.date | None]] | None = None,
) -> schedule.KeptUntil:
    cls = schedule.get(subject.class_id)
    base = facts.get(subject.child_id or 0, schedule.Facts()) if subject.child_id else schedule.Facts()
    base = _with_last_entry(base, subject)
    if cls.id == "identity" and subject.child_id is not None:
        base = schedule.Facts(**{**base.__dict__, "others": tuple((others or {}).get(subject.child_id, []))})
    return schedule.kept_until(cls, base)


def _kept_longer() -> dict[tuple[Any, ...], dt.date]:
    """A reviewer's latest "keep until" for each subject."""
    latest: dict[tuple[Any, ...], dt.date] = {}
    rows = RetentionReview.objects.filter(status=ReviewStatus.KEPT).values_list(
        "class_id", "child_ref", "holder_id", "root_type", "root_id", "keep_until"
    )
    for class_id, child_ref, holder_id, root_type, root_id, keep_until in rows:
        key = (class_id, child_ref, holder_id, root_type, root_id)
        if keep_until and (key not in latest or keep_until > latest[key]):
            latest[key] = keep_until
    return latest


@dataclass
class Assessment:
    """One subject and its date, for the review queue and the child's page."""

    cls: schedule.RetentionClass
    subject: Subject
    result: schedule.KeptUntil
    kept_longer_until: dt.date | None = None

    @property
    def effective_until(self) -> dt.date | None:
        if self.result.on is None:
            return None
        if self.kept_longer_until and self.kept_longer_until > self.result.on:
            return self.kept_longer_until
        return self.result.on

    def due(self, today: dt.date) -> bool:
        on = self.effective_until
        return on is not None and on <= today


def assess(child_ids: Iterable[int] | None = None, *, class_ids: Iterable[str] | None = None) -> list[Assessment]:
    """Every subject with its kept-until date, for the given children (or
    all, with the classes kept per row), in the given classes (or all).  The
    identity class needs the child's other classes, so they are always
    worked out."""
    wanted = set(class_ids) if class_ids is not None else set(schedule.classes())
    ids_wanted = sorted(set(child_ids)) if child_ids is not None else None
    kept = _kept_longer()
    found: list[Subject] = []
    for cls in schedule.classes().values():
        if cls.per == "child":
            found.extend(subjects(cls.id, child_ids=ids_wanted).values())
    facts = facts_for({s.child_id for s in found if s.child_id is not None})
    results: list[Assessment] = []
    others: dict[int, list[dt.date | None]] = defaultdict(list)
    for s in found:
        if s.class_id == "identity":
            continue
        a = Assessment(schedule.get(s.class_id), s, work_out(s, facts), kept.get(s.key))
        results.append(a)
        if s.child_id is not None and not a.cls.kept_forever:
            others[s.child_id].append(a.effective_until)
    logged = Destruction.objects.exclude(child_ref=None).exclude(class_id="identity")
    if ids_wanted is not None:
        logged = logged.filter(child_ref__in=ids_wanted)
    for child_ref, on in logged.values_list("child_ref", "kept_until"):
        if child_ref is not None:
            others[int(child_ref)].append(on)
    for s in found:
        if s.class_id == "identity":
            results.append(Assessment(schedule.get("identity"), s, work_out(s, facts, others=others), kept.get(s.key)))
    if ids_wanted is None:
        for cls in schedule.classes().values():
            if cls.per == "row" and cls.id in wanted:
                for s in subjects(cls.id).values():
                    results.append(Assessment(cls, s, work_out(s, facts), kept.get(s.key)))
    return [a for a in results if a.cls.id in wanted]


# ---------------------------------------------------------------- the run


@dataclass
class RunReport:
    opened: int = 0
    destroyed: int = 0
    held: int = 0
    blocked: int = 0
    emptied: int = 0
    routine_rows: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        lines = [
            f"reviews opened: {self.opened}",
            f"destroyed after approval: {self.destroyed}",
            f"stopped by a legal hold: {self.held}",
            f"could not be completed: {self.blocked}",
            f"nothing left to destroy: {self.emptied}",
        ]
        lines += [f"routine deletion, {cid}: {n} rows" for cid, n in sorted(self.routine_rows.items())]
        return lines


def _open_review(a: Assessment) -> RetentionReview | None:
    s = a.subject
    on = a.effective_until
    if on is None or a.result.rule is None:
        return None
    try:
        with transaction.atomic():
            review = RetentionReview.objects.create(
                class_id=s.class_id,
                child_id=s.child_id,
                child_ref=s.child_id,
                holder_id=s.holder_id,
                root_type=s.root_type,
                root_id=s.root_id,
                subject_key=s.subject_key,
                kept_until=on,
                basis=(a.result.basis if on == a.result.on else f"Kept longer by a reviewer until {on}")[:300],
                source=a.result.rule.source,
            )
            audit.record("retention_review_opened", obj=review, child_id=s.child_id, detail={"class": s.class_id})
    except IntegrityError:
        # Already open (another run got there first).
        return None
    return review


def do_retention_run(*, today: dt.date | None = None) -> RunReport:
    """The scheduled job's work, in order: open reviews that are due, carry
    out approved destructions (a legal hold stops them), delete routine
    working data, and close reviews whose rows are already gone."""
    today = today or timezone.localdate()
    report = RunReport()
    open_keys = set(
        RetentionReview.objects.open().values_list("class_id", "child_ref", "holder_id", "root_type", "root_id")
    )
    reviewed = [c for c in schedule.classes().values() if c.review and not c.kept_forever]
    for a in assess(class_ids=[c.id for c in reviewed]):
        if a.due(today) and a.subject.key not in open_keys and _open_review(a) is not None:
            report.opened += 1
    for review in RetentionReview.objects.filter(status=ReviewStatus.DESTROY).order_by("pk"):
        outcome = do_destroy_approved(review)
        if outcome == "destroyed":
            report.destroyed += 1
        elif outcome == "held":
            report.held += 1
        elif outcome == "empty":
            report.emptied += 1
        else:
            report.blocked += 1
    for cls in schedule.classes().values():
        if not cls.review and not cls.kept_forever:
            report.routine_rows[cls.id] = _routine_deletion(cls, today)
    for review in RetentionReview.objects.filter(status=ReviewStatus.DUE):
        if not _has_rows(review):
            _finish(review, ReviewStatus.EMPTY)
            report.emptied += 1
    return report


def _subject_of(review: RetentionReview) -> Subject:
    return Subject(
        review.class_id,
        child_id=review.child_ref,
        holder_id=review.holder_id,
        root_type=review.root_type,
        root_id=review.root_id,
    )


def held_counts(review: RetentionReview) -> list[tuple[str, int]]:
    """What the subject still holds, by kind of row: one count per model of
    its class, whatever the number of rows."""
    subject = _subject_of(review)
    counts = []
    for entry in coverage.entries(review.class_id):
        if entry.child or subject.root_id is not None:
            n = _rows(entry, subject).count()
            if n:
                counts.append((str(entry.model_class._meta.verbose_name_plural), n))
    return counts


def _has_rows(review: RetentionReview) -> bool:
    subject = _subject_of(review)
    return any(_rows(e, subject).exists() for e in coverage.entries(review.class_id) if e.child or subject.root_id)


def _finish(review: RetentionReview, status: str, *, blocked_reason: str = "") -> None:
    """The run closes or holds back a review: the status, and its audit event."""
    RetentionReview.objects.filter(pk=review.pk).update(
        status=status, blocked_reason=blocked_reason[:500], finished_at=timezone.now(), version=models.F("version") + 1
    )
    audit.record(
        f"retention_review_{status}",
        object_type="retention.retentionreview",
        object_id=str(review.pk),
        child_id=review.child_ref,
        detail={"class": review.class_id},
    )


# ---------------------------------------------------------------- destruction


def _trigger_uris(labels: Iterable[str]) -> list[str]:
    wanted = set(labels)
    return [
        f"{model._meta.label}:{trigger.name}"
        for model, trigger in pgtrigger.registered()
        if model._meta.label in wanted
    ]


def _points_at(model: type[models.Model], target: type[models.Model]) -> bool:
    return any(
        (f.many_to_one or f.one_to_one) and f.concrete and not f.null and f.related_model is target
        for f in model._meta.get_fields()
    )


def _delete_order(models_in: list[type[models.Model]]) -> list[type[models.Model]]:
    """Rows that point at others go first (a decision before its concern).
    Links that may be empty are cleared before, so only required ones count."""
    remaining = list(dict.fromkeys(models_in))
    ordered: list[type[models.Model]] = []
    while remaining:
        free = [m for m in remaining if not any(o is not m and _points_at(o, m) for o in remaining)]
        if not free:
            ordered.extend(remaining)
            break
        ordered.append(free[0])
        remaining.remove(free[0])
    return ordered


def _destroy_rows(subject: Subject) -> dict[str, int]:
    """Delete every row of the subject; return the counts by model."""
    ids: dict[type[models.Model], set[int]] = defaultdict(set)
    for entry in coverage.entries(subject.class_id):
        if not entry.child and subject.root_id is None:
            continue
        ids[entry.model_class] |= set(_rows(entry, subject).values_list("pk", flat=True))
    labels = [m._meta.label for m in ids] + ["core.ChronologyEntry"]
    counts: dict[str, int] = defaultdict(int)

    def run() -> None:
        in_set = set(ids)
        # Links inside the set that may be empty are cleared first, so a
        # cycle (a plan version made from a review of an earlier version)
        # cannot stop the deletion.
        for model, pks in ids.items():
            for f in model._meta.get_fields():
                if (f.many_to_one or f.one_to_one) and f.concrete and f.null and f.related_model in in_set:
                    model._default_manager.filter(pk__in=pks).exclude(**{f.name: None}).update(**{f.name: None})
        for model in _delete_order(list(ids)):
            pks = ids[model]
            if not pks:
                continue
            label = model._meta.label_lower
            ChronologyEntry.objects.filter(origin_type=label, origin_id__in=[str(pk) for pk in pks]).delete()
            _total, by_model = model._default_manager.filter(pk__in=pks).delete()
            for name, n in by_model.items():
                if n:
                    counts[name] += n

    if connection.vendor == "postgresql":
        with pgtrigger.ignore(*_trigger_uris(labels)):
            run()
    else:
        run()
    return dict(counts)


def do_destroy_approved(review: RetentionReview) -> str:
    """Carry out one approved destruction: "destroyed", "held" (a legal hold
    covers it; tried again at the next run), "empty" or "blocked"."""
    subject = _subject_of(review)
    if subject.child_id is not None and LegalHold.objects.covering(subject.child_id, review.class_id).exists():
        return "held"
    if review.class_id == "identity":
        others = [
            c
            for c in schedule.classes().values()
            if c.per == "child" and c.id != "identity" and subjects(c.id, child_ids=[subject.child_id or 0])
        ]
        if others:
            _finish(
                review,
                ReviewStatus.BLOCKED,
                blocked_reason="Other records about the child are still held: " + ", ".join(c.title for c in others),
            )
            return "blocked"
    child_reference = ""
    if subject.child_id:
        child_reference = str(
            Person.objects.filter(pk=subject.child_id).values_list("la_child_id", flat=True).first() or ""
        )
    try:
        with transaction.atomic():
            locked = RetentionReview.objects.select_for_update().get(pk=review.pk)
            if locked.status != ReviewStatus.DESTROY:
                return "blocked"
            counts = _destroy_rows(subject)
            if not counts:
                _finish(locked, ReviewStatus.EMPTY)
                return "empty"
            destruction = Destruction.objects.create(
                review=locked,
                class_id=locked.class_id,
                child_ref=subject.child_id,
                child_reference=child_reference,
                holder_id=locked.holder_id,
                rows=counts,
                kept_until=locked.kept_until,
                basis=locked.basis,
                source=locked.source,
                approved_by_id=locked.decided_by_id,
                approved_at=locked.decided_at,
            )
            _finish(locked, ReviewStatus.DESTROYED)
            audit.record(
                "retention_destroy",
                obj=destruction,
                child_id=subject.child_id,
                detail={"class": locked.class_id, "rows": sum(counts.values())},
            )
    except (ProtectedError, IntegrityError) as exc:
        reason = "Other records still refer to these; nothing was destroyed"
        if isinstance(exc, ProtectedError):
            kinds = sorted({str(obj._meta.verbose_name) for obj in list(exc.protected_objects)[:20]})
            reason += f" ({', '.join(str(k) for k in kinds)})"
        _finish(review, ReviewStatus.BLOCKED, blocked_reason=reason)
        return "blocked"
    return "destroyed"


def _routine_deletion(cls: schedule.RetentionClass, today: dt.date) -> int:
    """Working data past its date goes without a review, logged per holder."""
    root = coverage.root_entry(cls.id)
    rule = cls.rules[0]
    cutoff = schedule.add_years(today, -rule.years)
    model = root.model_class
    date_field = model._meta.get_field(root.date)
    if isinstance(date_field, models.DateTimeField):
        moment = dt.datetime.combine(cutoff, dt.time.min, tzinfo=dt.UTC)
        due = model._default_manager.filter(**{f"{root.date}__lt": moment})
    else:
        due = model._default_manager.filter(**{f"{root.date}__lt": cutoff})
    total = 0
    by_holder: dict[int | None, list[int]] = defaultdict(list)
    for pk, holder in due.values_list("pk", root.holder if root.holder else "pk"):
        by_holder[holder if root.holder else None].append(pk)
    for holder_id, pks in by_holder.items():
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with pgtrigger.ignore(*_trigger_uris([model._meta.label])):
                    _n, counts = model._default_manager.filter(pk__in=pks).delete()
            else:
                _n, counts = model._default_manager.filter(pk__in=pks).delete()
            counts = {k: v for k, v in counts.items() if v}
            destruction = Destruction.objects.create(
                class_id=cls.id,
                holder_id=holder_id,
                rows=counts,
                kept_until=cutoff,
                basis=f"Made before {cutoff}: {rule.years} years",
                source=rule.source,
            )
            audit.record("retention_destroy", obj=destruction, detail={"class": cls.id, "rows": sum(counts.values())})
            total += sum(counts.values())
    return total


# ---------------------------------------------------------------- decisions


def do_decide_review(
    review: RetentionReview,
    *,
    actor: User,
    decision: str,
    reason: str,
    keep_until: dt.date | None = None,
    version: int | None = None,
) -> RetentionReview:
    """A reviewer's decision: destroy (carried out by the next scheduled run,
    unless a legal hold stops it) or keep until a later date."""
    reason = (reason or "").strip()
    today = timezone.localdate()
    if decision not in ("destroy", "keep"):
        raise RetentionRefused("Select destroy or keep")
    if decision == "keep":
        if keep_until is None:
            raise RetentionRefused("Enter the date to keep the record until")
        if keep_until <= today:
            raise RetentionRefused("The date to keep the record until must be in the future")
        if not reason:
            raise RetentionRefused("Enter why the record is kept longer")
    if decision == "destroy" and not reason:
        raise RetentionRefused("Enter why the record can be destroyed (for example, reviewed and no longer needed)")
    with transaction.atomic():
        locked = RetentionReview.objects.select_for_update().get(pk=review.pk)
        if version is not None and locked.version != version:
            raise RetentionRefused("Someone else has decided this review since you opened it: check it again")
        if locked.status not in (ReviewStatus.DUE, ReviewStatus.BLOCKED, ReviewStatus.DESTROY):
            raise RetentionRefused("This review has already been decided")
        if (
            decision == "destroy"
            and locked.child_ref is not None
            and LegalHold.objects.covering(locked.child_ref, locked.class_id).exists()
        ):
            raise RetentionRefused("A legal hold covers this record: it cannot be approved for destruction")
        locked.status = ReviewStatus.DESTROY if decision == "destroy" else ReviewStatus.KEPT
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.decision_reason = reason
        locked.keep_until = keep_until if decision == "keep" else None
        locked.blocked_reason = ""
        locked.version += 1
        if decision == "keep":
            locked.finished_at = locked.decided_at
        locked.save(
            update_fields=[
                "status",
                "decided_by",
                "decided_at",
                "decision_reason",
                "keep_until",
                "blocked_reason",
                "version",
                "finished_at",
            ]
        )
        audit.record(
            "retention_decide",
            user=actor,
            obj=locked,
            child_id=locked.child_ref,
            detail={"class": locked.class_id, "decision": decision},
        )
    return locked


def do_place_hold(child: Person, *, actor: User, reason: str, reference: str = "", class_id: str = "") -> LegalHold:
    reason = (reason or "").strip()
    if not reason:
        raise RetentionRefused("Enter the reason for the legal hold (for example, the claim or inquiry)")
    if class_id and class_id not in schedule.classes():
        raise RetentionRefused("Select a class of record, or every class")
    with transaction.atomic():
        hold = LegalHold.objects.create(
            child=child,
            child_ref=child.pk,
            class_id=class_id,
            reason=reason,
            reference=(reference or "").strip()[:200],
            placed_by=actor,
        )
        # Approved destructions it covers wait: back to the reviewer.
        covered = RetentionReview.objects.filter(child_ref=child.pk, status=ReviewStatus.DESTROY)
        if class_id:
            covered = covered.filter(class_id=class_id)
        covered.update(
            status=ReviewStatus.BLOCKED,
            blocked_reason="A legal hold was placed after the approval",
            version=models.F("version") + 1,
        )
        audit.record("legal_hold_placed", user=actor, obj=hold, child_id=child.pk, detail={"class": class_id})
    return hold


def do_lift_hold(hold: LegalHold, *, actor: User, reason: str) -> LegalHold:
    reason = (reason or "").strip()
    if not reason:
        raise RetentionRefused("Enter why the legal hold is lifted")
    with transaction.atomic():
        locked = LegalHold.objects.select_for_update().get(pk=hold.pk)
        if locked.lifted_at is not None:
            raise RetentionRefused("This legal hold has already been lifted")
        locked.lifted_at = timezone.now()
        locked.lifted_by = actor
        locked.lift_reason = reason
        locked.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
        audit.record("legal_hold_lifted", user=actor, obj=locked, child_id=locked.child_ref)
    return locked


def do_record_adoption_order(child: Person, *, actor: User, on: dt.date, source: str) -> RecordedDate:
    source = (source or "").strip()
    if not source:
        raise RetentionRefused("Enter where the date comes from (for example, the court and case number)")
    if on > timezone.localdate():
        raise RetentionRefused("The date of the adoption order must be today or in the past")
    if child.date_of_birth and on < child.date_of_birth:
        raise RetentionRefused("The date of the adoption order must be after the date of birth")
    with transaction.atomic():
        fact = RecordedDate.objects.create(
            child=child, kind=RecordedDateKind.ADOPTION_ORDER, on=on, source=source[:300], recorded_by=actor
        )
        audit.record("retention_date_recorded", user=actor, obj=fact, child_id=child.pk)
    return fact
