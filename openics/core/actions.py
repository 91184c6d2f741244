"""Every write to the core record.

`do_*` functions assume access was checked (through `access.py`) and do the
write, the audit event and any notification in one transaction.  Pages, the
API, management commands and imports all call these.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.apps import apps as django_apps
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit
from .chronology import record_event
from .models import (
    Address,
    BreakGlassGrant,
    ChronologyEntry,
    Enrolment,
    Involvement,
    InvolvementKind,
    Notification,
    Organisation,
    OutboxMessage,
    Person,
    PersonDisability,
    PersonMerge,
    Relationship,
    RestrictionAllow,
    Share,
    Significance,
    Team,
    User,
)
from .roles import MANAGER_ROLES, Part

BREAK_GLASS_HOURS = 4


class StaleEdit(Exception):
    """Someone else saved the record since this edit began."""

    def __init__(self, current: models.Model) -> None:
        super().__init__("stale edit")
        self.current = current


def _lock_current(model: type[models.Model], pk: int, expected_version: int | None) -> Any:
    obj = model._default_manager.select_for_update().get(pk=pk)
    if expected_version is not None and obj.version != expected_version:  # type: ignore[attr-defined]
        raise StaleEdit(obj)
    return obj


def notify(user: User, message: str, *, link: str = "", email_subject: str = "") -> Notification:
    """An in-app alert, and an email through the outbox when the user has an
    address.  Call inside the action's transaction."""
    note = Notification.objects.create(user=user, message=message[:300], link=link)
    if email_subject and user.email:
        # The email names no child: it only says to sign in.
        OutboxMessage.objects.create(
            to=user.email,
            subject=email_subject,
            body=_("You have a new alert in OpenICS. Sign in to see it.") + "\n",
        )
    return note


# ---------------------------------------------------------------- people


PERSON_FIELDS = [
    "is_child",
    "first_name",
    "last_name",
    "known_as",
    "date_of_birth",
    "expected_date_of_birth",
    "date_of_death",
    "sex",
    "gender",
    "ethnicity",
    "first_language",
    "interpreter_needed",
    "religion",
    "la_child_id",
    "upn",
    "upn_unknown_reason",
    "nhs_number",
    "phone",
    "email",
]


def do_create_person(
    *, actor: User, data: dict[str, Any], disabilities: list[str] | None = None, address: dict[str, Any] | None = None
) -> Person:
    with transaction.atomic():
        person = Person(**{k: v for k, v in data.items() if k in PERSON_FIELDS})
        person.save()
        for code in disabilities or []:
            PersonDisability.objects.create(person=person, code=code)
        if address:
            Address.objects.create(person=person, **address)
        if person.is_child:
            record_event(
                person,
                occurred_on=timezone.localdate(),
                kind="person_created",
                summary=_("Record created"),
                entered_by=actor,
                origin=person,
            )
        audit.record("create", user=actor, obj=person, child_id=person.pk)
    return person


def do_update_person(
    person: Person,
    *,
    actor: User,
    data: dict[str, Any],
    expected_version: int | None,
    disabilities: list[str] | None = None,
    child: Person | None = None,
) -> Person:
    """`child`: for an adult, the child whose record they were reached
    through, so the change shows in that child's audit trail."""
    with transaction.atomic():
        current = _lock_current(Person, person.pk, expected_version)
        changed = [k for k, v in data.items() if k in PERSON_FIELDS and getattr(current, k) != v]
        for key in changed:
            setattr(current, key, data[key])
        if disabilities is not None:
            existing = set(current.disabilities.values_list("code", flat=True))
            wanted = set(disabilities)
            if existing != wanted:
                current.disabilities.exclude(code__in=wanted).delete()
                for code in wanted - existing:
                    PersonDisability.objects.create(person=current, code=code)
                changed.append("disabilities")
        current.version = F("version") + 1
        current.updated_at = timezone.now()
        current.save(update_fields=[k for k in changed if k != "disabilities"] + ["version", "updated_at"])
        current.refresh_from_db(fields=["version"])
        # Field names only: values stay out of the audit trail.
        audit.record(
            "update", user=actor, obj=current, child_id=(child or current).pk, detail={"fields": sorted(changed)}
        )
    return current


def do_add_address(person: Person, *, actor: User, data: dict[str, Any], child: Person | None = None) -> Address:
    """A new address; the previous current one is closed the day before.
    `child` is as for `do_update_person`."""
    with transaction.atomic():
        moved_in = data.get("moved_in") or timezone.localdate()
        for old in person.addresses.filter(moved_out__isnull=True):
            old.moved_out = moved_in
            old.save(update_fields=["moved_out"])
        address = Address.objects.create(person=person, **{**data, "moved_in": moved_in})
        if person.is_child:
            record_event(
                person,
                occurred_on=moved_in,
                kind="address_change",
                summary=_("Moved to a new address"),
                entered_by=actor,
                origin=address,
            )
        audit.record("create", user=actor, obj=address, child_id=(child or person).pk)
    return address


def do_add_relationship(child: Person, *, actor: User, person: Person, data: dict[str, Any]) -> Relationship:
    with transaction.atomic():
        rel = Relationship.objects.create(child=child, person=person, **data)
        audit.record("create", user=actor, obj=rel, child_id=child.pk, detail={"kind": rel.kind})
    return rel


def do_end_relationship(rel: Relationship, *, actor: User, ended_on: dt.date) -> Relationship:
    with transaction.atomic():
        rel.ended_on = ended_on
        rel.save(update_fields=["ended_on"])
        audit.record("update", user=actor, obj=rel, child_id=rel.child_id, detail={"fields": ["ended_on"]})
    return rel


# ---------------------------------------------------------------- involvement


def do_allocate(
    child: Person, *, actor: User, team: Team, worker: User | None, started_on: dt.date | None = None
) -> Involvement:
    """Allocate a worker and team; the previous allocation ends the same day."""
    started_on = started_on or timezone.localdate()
    with transaction.atomic():
        Involvement.objects.select_for_update().filter(
            child=child, kind=InvolvementKind.ALLOCATED, ended_on__isnull=True
        ).update(ended_on=started_on)
        inv = Involvement.objects.create(
            child=child,
            kind=InvolvementKind.ALLOCATED,
            organisation=team.organisation,
            team=team,
            worker=worker,
            started_on=started_on,
        )
        who = str(worker) if worker else _("unallocated worker")
        record_event(
            child,
            occurred_on=started_on,
            kind="allocation",
            summary=_("Allocated to %(who)s, %(team)s") % {"who": who, "team": team.name},
            entered_by=actor,
            origin=inv,
        )
        if worker is not None and worker != actor:
            notify(worker, _("A child has been allocated to you."), link=f"/children/{child.pk}/")
        audit.record("allocate", user=actor, obj=inv, child_id=child.pk)
    return inv


def do_add_involvement(
    child: Person,
    *,
    actor: User,
    kind: str,
    organisation: Organisation,
    team: Team | None = None,
    worker: User | None = None,
    started_on: dt.date | None = None,
    notes: str = "",
) -> Involvement:
    if kind == InvolvementKind.ALLOCATED:
        if team is None:
            raise ValueError("an allocation needs a team")
        return do_allocate(child, actor=actor, team=team, worker=worker, started_on=started_on)
    started_on = started_on or timezone.localdate()
    with transaction.atomic():
        inv = Involvement.objects.create(
            child=child,
            kind=kind,
            organisation=organisation,
            team=team,
            worker=worker,
            started_on=started_on,
            notes=notes,
        )
        record_event(
            child,
            occurred_on=started_on,
            kind="involvement",
            summary=_("%(org)s involved: %(kind)s") % {"org": organisation.name, "kind": inv.get_kind_display()},
            source_organisation=organisation,
            entered_by=actor,
            origin=inv,
        )
        audit.record("create", user=actor, obj=inv, child_id=child.pk, detail={"kind": kind})
    return inv


def do_end_involvement(inv: Involvement, *, actor: User, ended_on: dt.date | None = None) -> Involvement:
    with transaction.atomic():
        inv.ended_on = ended_on or timezone.localdate()
        inv.save(update_fields=["ended_on"])
        audit.record("update", user=actor, obj=inv, child_id=inv.child_id, detail={"fields": ["ended_on"]})
    return inv


def do_enrol(child: Person, *, actor: User, school: Organisation, started_on: dt.date | None = None) -> Enrolment:
    started_on = started_on or timezone.localdate()
    with transaction.atomic():
        Enrolment.objects.filter(child=child, ended_on__isnull=True).update(ended_on=started_on)
        enrolment = Enrolment.objects.create(child=child, school=school, started_on=started_on)
        record_event(
            child,
            occurred_on=started_on,
            kind="school_enrolment",
            summary=_("Joined %(school)s") % {"school": school.name},
            source_organisation=school,
            entered_by=actor,
            origin=enrolment,
        )
        audit.record("create", user=actor, obj=enrolment, child_id=child.pk)
    return enrolment


def do_end_enrolments(child: Person, *, actor: User, school_id: int, on: dt.date, reason: str) -> list[Enrolment]:
    """Take the child off a school's roll on `on` (the school's staff lose
    their view of the child from then), audited with the reason."""
    ended = []
    with transaction.atomic():
        current = Enrolment.objects.filter(child=child, school_id=school_id).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gt=on)
        )
        for enrolment in current.select_for_update():
            enrolment.ended_on = on
            enrolment.save(update_fields=["ended_on"])
            audit.record("end", user=actor, obj=enrolment, child_id=child.pk, detail={"reason": reason})
            ended.append(enrolment)
    return ended


# ---------------------------------------------------------------- chronology


def do_add_chronology_entry(child: Person, *, actor: User, data: dict[str, Any]) -> ChronologyEntry:
    with transaction.atomic():
        entry = record_event(
            child,
            occurred_on=data["occurred_on"],
            kind="manual",
            summary=data["summary"],
            detail=data.get("detail", ""),
            source=data.get("source", ""),
            source_organisation=data.get("source_organisation"),
            significance=data.get("significance", Significance.ROUTINE),
            part=data.get("part", Part.CORE),
            entered_by=actor,
            is_manual=True,
        )
        audit.record("create", user=actor, obj=entry, child_id=child.pk)
    return entry


def do_strike_out_chronology_entry(entry: ChronologyEntry, *, actor: User, reason: str) -> ChronologyEntry:
    with transaction.atomic():
        entry.struck_out_at = timezone.now()
        entry.struck_out_reason = reason[:300]
        entry.save(update_fields=["struck_out_at", "struck_out_reason"])
        audit.record("strike_out", user=actor, obj=entry, child_id=entry.child_id)
    return entry


# ---------------------------------------------------------------- sharing and restriction


def do_share(
    child: Person,
    *,
    actor: User,
    parts: list[str],
    lawful_basis: str,
    reason: str,
    expires_at: dt.datetime,
    organisation: Organisation | None = None,
    user: User | None = None,
) -> Share:
    with transaction.atomic():
        share = Share.objects.create(
            child=child,
            organisation=organisation,
            user=user,
            parts=sorted(set(parts)),
            lawful_basis=lawful_basis,
            reason=reason,
            shared_by=actor,
            expires_at=expires_at,
        )
        audit.record(
            "share",
            user=actor,
            obj=share,
            child_id=child.pk,
            detail={"parts": share.parts, "lawful_basis": lawful_basis},
        )
    return share


def do_revoke_share(share: Share, *, actor: User) -> Share:
    with transaction.atomic():
        share.revoked_at = timezone.now()
        share.save(update_fields=["revoked_at"])
        audit.record("revoke_share", user=actor, obj=share, child_id=share.child_id)
    return share


def do_restrict(child: Person, *, actor: User, category: str, review_on: dt.date | None, allow: list[User]) -> Person:
    """Seal a record.  The actor stays on the allow-list, so it is never
    sealed against everyone."""
    with transaction.atomic():
        child.restriction = category
        child.restriction_review_on = review_on
        child.save(update_fields=["restriction", "restriction_review_on"])
        for user in {actor, *allow}:
            RestrictionAllow.objects.get_or_create(child=child, user=user, defaults={"added_by": actor})
        audit.record("restrict", user=actor, obj=child, child_id=child.pk, detail={"category": category})
    return child


def do_lift_restriction(child: Person, *, actor: User) -> Person:
    with transaction.atomic():
        child.restriction = ""
        child.restriction_review_on = None
        child.save(update_fields=["restriction", "restriction_review_on"])
        audit.record("unrestrict", user=actor, obj=child, child_id=child.pk)
    return child


def do_break_glass(child: Person, *, actor: User, reason: str, hours: int = BREAK_GLASS_HOURS) -> BreakGlassGrant:
    """Emergency access: expires, and alerts the actor's managers at once."""
    with transaction.atomic():
        grant = BreakGlassGrant.objects.create(
            child=child, user=actor, reason=reason, expires_at=timezone.now() + dt.timedelta(hours=hours)
        )
        for manager in managers_of(actor):
            notify(
                manager,
                _("%(user)s used emergency (break-glass) access to a restricted record.") % {"user": actor},
                link="/break-glass/",
                email_subject=_("OpenICS: emergency access used"),
            )
        audit.record("break_glass", user=actor, obj=grant, child_id=child.pk)
    return grant


def do_review_break_glass(grant: BreakGlassGrant, *, actor: User, note: str) -> BreakGlassGrant:
    with transaction.atomic():
        grant.reviewed_by = actor
        grant.reviewed_at = timezone.now()
        grant.review_note = note
        grant.save(update_fields=["reviewed_by", "reviewed_at", "review_note"])
        audit.record("review_break_glass", user=actor, obj=grant, child_id=grant.child_id)
    return grant


def managers_of(user: User) -> list[User]:
    """The practice and service managers of the user's teams and the teams
    above them."""
    team_ids = set(user.role_assignments.filter(team__isnull=False).values_list("team_id", flat=True))
    ancestors: set[int] = set()
    parents = dict(Team.objects.values_list("id", "parent_id"))
    for team_id in team_ids:
        current: int | None = team_id
        while current is not None and current not in ancestors:
            ancestors.add(current)
            current = parents.get(current)
    return list(
        User.objects.filter(
            is_active=True,
            role_assignments__role__in=MANAGER_ROLES,
            role_assignments__team_id__in=ancestors,
            role_assignments__ended_on__isnull=True,
        )
        .exclude(pk=user.pk)
        .distinct()
    )


# ---------------------------------------------------------------- merging duplicates


def _merge_moves(keep: Person, duplicate: Person) -> dict[str, list[int]]:
    """Move the duplicate's rows to `keep`, returning the ids moved per kind.

    A row that would clash with one `keep` already has (the same relationship,
    a second open allocation, the same disability, a relationship of the
    record with itself) stays with the duplicate: nothing is lost, and an
    unmerge puts back exactly what moved.
    """
    from .models import PreviousName

    moved: dict[str, list[int]] = {}

    def move(key: str, qs: models.QuerySet[Any], field: str) -> None:
        ids = list(qs.values_list("pk", flat=True))
        if ids:
            qs.model._default_manager.filter(pk__in=ids).update(**{field: keep})
        moved[key] = ids

    existing_rels = set(Relationship.objects.filter(child=keep).values_list("person_id", "kind"))
    as_child = Relationship.objects.filter(child=duplicate).exclude(person=keep)
    move(
        "relationship_child",
        as_child.exclude(pk__in=[r.pk for r in as_child if (r.person_id, r.kind) in existing_rels]),
        "child",
    )
    existing_rels = set(Relationship.objects.filter(person=keep).values_list("child_id", "kind"))
    as_person = Relationship.objects.filter(person=duplicate).exclude(child=keep)
    move(
        "relationship_person",
        as_person.exclude(pk__in=[r.pk for r in as_person if (r.child_id, r.kind) in existing_rels]),
        "person",
    )
    involvements = Involvement.objects.filter(child=duplicate)
    if Involvement.objects.filter(child=keep, kind=InvolvementKind.ALLOCATED, ended_on__isnull=True).exists():
        involvements = involvements.exclude(kind=InvolvementKind.ALLOCATED, ended_on__isnull=True)
    move("involvement", involvements, "child")
    move("enrolment", Enrolment.objects.filter(child=duplicate), "child")
    move("chronology", ChronologyEntry.objects.filter(child=duplicate), "child")
    move("address", Address.objects.filter(person=duplicate), "person")
    move("previous_name", PreviousName.objects.filter(person=duplicate), "person")
    keep_codes = set(keep.disabilities.values_list("code", flat=True))
    move("disability", PersonDisability.objects.filter(person=duplicate).exclude(code__in=keep_codes), "person")
    move("share", Share.objects.filter(child=duplicate), "child")
    for key, (label, field) in _APP_MERGE_MODELS.items():
        model = django_apps.get_model(label)
        rows = model._default_manager.filter(**{field: duplicate})
        unique_with = _MERGE_UNIQUE_WITH.get(key)
        if unique_with:
            # A row the kept record already has (the same session's mark)
            # stays with the duplicate rather than breaking the merge.
            taken = set(model._default_manager.filter(**{field: keep}).values_list(*unique_with))
            rows = rows.exclude(
                pk__in=[pk for pk, *values in rows.values_list("pk", *unique_with) if tuple(values) in taken]
            )
        move(key, rows, field)
    return moved


_MERGE_MODELS: dict[str, tuple[str, str]] = {
    # key -> (model name in this module's imports, field pointing at the person)
    "relationship_child": ("Relationship", "child"),
    "relationship_person": ("Relationship", "person"),
    "involvement": ("Involvement", "child"),
    "enrolment": ("Enrolment", "child"),
    "chronology": ("ChronologyEntry", "child"),
    "address": ("Address", "person"),
    "previous_name": ("PreviousName", "person"),
    "disability": ("PersonDisability", "person"),
    "share": ("Share", "child"),
}


# Other apps' rows about a child follow the child on a merge, and go back on
# an unmerge: key -> ("app_label.Model", field pointing at the person).  An
# app registers them in its AppConfig.ready(); a test checks that every model
# pointing at a person is either registered here or deliberately left out.
_APP_MERGE_MODELS: dict[str, tuple[str, str]] = {}
# key -> the other fields of a unique constraint with the person's field.
_MERGE_UNIQUE_WITH: dict[str, tuple[str, ...]] = {}
# Called with (survivor, duplicate) inside the transaction after a merge and
# after an unmerge: for data derived from the moved rows (episodes).
MergeHook = Callable[[Person, Person], None]
_AFTER_MERGE: list[MergeHook] = []


def register_merge_model(
    key: str, model_label: str, field: str = "child", *, unique_with: tuple[str, ...] = ()
) -> None:
    """Rows of `model_label` whose `field` is the duplicate follow a merge.
    `unique_with`: the other fields of a unique constraint with `field`; a
    row that would clash with one the kept record has stays behind."""
    if key in _MERGE_MODELS or _APP_MERGE_MODELS.get(key, (model_label, field)) != (model_label, field):
        raise ValueError(f"merge key {key!r} is already taken")
    _APP_MERGE_MODELS[key] = (model_label, field)
    if unique_with:
        _MERGE_UNIQUE_WITH[key] = unique_with


def register_after_merge(hook: MergeHook) -> MergeHook:
    if hook not in _AFTER_MERGE:
        _AFTER_MERGE.append(hook)
    return hook


def merge_models() -> dict[str, tuple[str, str]]:
    """Every model and field a merge moves, as "app_label.Model"."""
    core = {key: (f"core.{name}", field) for key, (name, field) in _MERGE_MODELS.items()}
    return {**core, **_APP_MERGE_MODELS}


def do_merge_people(keep: Person, *, actor: User, duplicate: Person, reason: str) -> PersonMerge:
    """Merge `duplicate` into `keep`.  The duplicate stays, pointing at
    `keep`, so old links lead to the kept record and an administrator can
    reverse the merge."""
    if keep.pk == duplicate.pk:
        raise ValueError("a record cannot be merged into itself")
    with transaction.atomic():
        keep = Person.objects.select_for_update().get(pk=keep.pk)
        duplicate = Person.objects.select_for_update().get(pk=duplicate.pk)
        if keep.merged_into_id or duplicate.merged_into_id:
            raise ValueError("one of the records has already been merged")
        moved = _merge_moves(keep, duplicate)
        duplicate.merged_into = keep
        duplicate.version = F("version") + 1
        duplicate.updated_at = timezone.now()
        duplicate.save(update_fields=["merged_into", "version", "updated_at"])
        merge = PersonMerge.objects.create(
            survivor=keep, duplicate=duplicate, moved=moved, reason=reason, merged_by=actor
        )
        for hook in _AFTER_MERGE:
            hook(keep, duplicate)
        if keep.is_child:
            record_event(
                keep,
                occurred_on=timezone.localdate(),
                kind="merge",
                summary=_("A duplicate record was merged into this one"),
                entered_by=actor,
                origin=merge,
            )
        counts = {key: len(ids) for key, ids in moved.items() if ids}
        audit.record(
            "merge", user=actor, obj=merge, child_id=keep.pk, detail={"duplicate": duplicate.pk, "moved": counts}
        )
        audit.record("merged_away", user=actor, obj=merge, child_id=duplicate.pk, detail={"survivor": keep.pk})
    return merge


def do_unmerge_people(merge: PersonMerge, *, actor: User, reason: str) -> PersonMerge:
    """Reverse a merge: exactly the rows that moved go back to the duplicate."""
    from . import models as core_models

    with transaction.atomic():
        merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
        if merge.reversed_at is not None:
            raise ValueError("this merge has already been reversed")
        duplicate = Person.objects.select_for_update().get(pk=merge.duplicate_id)
        for key, ids in merge.moved.items():
            model: type[models.Model]
            if key in _MERGE_MODELS:
                model_name, field = _MERGE_MODELS[key]
                model = getattr(core_models, model_name)
            else:
                label, field = _APP_MERGE_MODELS[key]
                model = django_apps.get_model(label)
            # Only rows still on the survivor go back: one moved again since
            # (by a later merge) is left where it now is.
            model._default_manager.filter(pk__in=ids, **{f"{field}_id": merge.survivor_id}).update(**{field: duplicate})
        duplicate.merged_into = None
        duplicate.version = F("version") + 1
        duplicate.updated_at = timezone.now()
        duplicate.save(update_fields=["merged_into", "version", "updated_at"])
        for hook in _AFTER_MERGE:
            hook(merge.survivor, duplicate)
        merge.reversed_by = actor
        merge.reversed_at = timezone.now()
        # The model has no field of its own for the reversal's reason: it is
        # kept with the merge's reason, so both are read together.
        merge.reason = f"{merge.reason}\n\n" + _("Reversed: %(reason)s") % {"reason": reason}
        merge.save(update_fields=["reversed_by", "reversed_at", "reason"])
        survivor = merge.survivor
        if survivor.is_child:
            record_event(
                survivor,
                occurred_on=timezone.localdate(),
                kind="merge",
                summary=_("A merge into this record was reversed"),
                entered_by=actor,
                origin=merge,
            )
        audit.record("unmerge", user=actor, obj=merge, child_id=merge.survivor_id, detail={"duplicate": duplicate.pk})
        audit.record("unmerged", user=actor, obj=merge, child_id=duplicate.pk, detail={"survivor": merge.survivor_id})
    return merge


# ---------------------------------------------------------------- previous names


def do_add_previous_name(
    person: Person, *, actor: User, data: dict[str, Any], child: Person | None = None
) -> models.Model:
    """A name the person was known by before.  `child` is the child whose
    record the adult was reached through, so the event shows in that child's
    audit trail; for a child it is the child themself."""
    from .models import PreviousName

    with transaction.atomic():
        previous = PreviousName.objects.create(
            person=person,
            first_name=data.get("first_name") or "",
            last_name=data["last_name"],
            used_until=data.get("used_until"),
        )
        audit.record("create", user=actor, obj=previous, child_id=(child or person).pk)
    return previous
