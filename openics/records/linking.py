"""Records about several children at once: one contact concerning a family.

Each child gets a record of their own (its own decision and workflow), and
the records share a `linked_group`.  What the people reading a record learn
of the others is limited to the children they may see: a linked child the
reader cannot see is not shown, not even counted.

The details the records share (when, how, who made contact, what about) are
copied to the new drafts when they are made, and again, on request, when
the author saves one of them.  Every write goes through the record actions.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from openics.core import audit
from openics.core.access import grant_for
from openics.core.models import Person, Relationship, RelationshipKind, User
from openics.core.search import find_people

from . import actions
from .models import CaseRecord

# The kinds a record can be linked for, with the fields the linked records
# share: who made contact, how, when and what about.  The decision is each
# child's own.
SHARED_FIELDS: dict[str, tuple[str, ...]] = {
    "contact": ("contact_date", "contact_method", "contact_by", "contact_agency", "reason"),
}
# More children than this in one request is a mistake, not a family.
MAX_LINKED = 20
# Search results offered on the page.
SEARCH_RESULTS = 20


def is_linkable(kind: str) -> bool:
    return kind in SHARED_FIELDS


def shared_values(record: CaseRecord) -> dict[str, Any]:
    """The record's values of the shared fields, only those filled in."""
    return {
        name: record.data[name]
        for name in SHARED_FIELDS.get(record.kind, ())
        if record.data.get(name) not in (None, "")
    }


def group_of(record: CaseRecord) -> uuid.UUID | None:
    """The record's link group: its own, or its series' (a correction is a
    new edition and carries the group of the version it corrects)."""
    if record.linked_group:
        return record.linked_group
    return (
        CaseRecord.objects.filter(series=record.series, linked_group__isnull=False)
        .values_list("linked_group", flat=True)
        .first()
    )


def linked_records(record: CaseRecord, user: User) -> list[CaseRecord]:
    """The other records of the group that `user` may see (newest edition
    of each), by child name.  Records the user may not see are left out."""
    group = group_of(record)
    if group is None:
        return []
    series = CaseRecord.objects.filter(linked_group=group).exclude(series=record.series).values("series")
    rows = (
        CaseRecord.objects.for_user(user)
        .filter(series__in=series)
        .select_related("child")
        .order_by("child__last_name", "child__first_name", "series", "-edition")
    )
    newest: dict[uuid.UUID, CaseRecord] = {}
    for row in rows:
        newest.setdefault(row.series, row)
    return list(newest.values())


def linked_child_ids(record: CaseRecord) -> set[int]:
    """Every child with a record in the group, whoever may see them: a child
    is never offered twice, even one the user cannot see."""
    group = group_of(record)
    ids = {record.child_id}
    if group is not None:
        ids |= set(CaseRecord.objects.filter(linked_group=group).values_list("child_id", flat=True))
    return ids


def writable_linked_drafts(record: CaseRecord, user: User) -> list[CaseRecord]:
    """Linked records still in draft (or returned) that `user` may change."""
    drafts = []
    for linked in linked_records(record, user):
        if not linked.is_editable:
            continue
        grant = grant_for(user, linked.child)
        if grant is not None and grant.writable and linked.part in grant.parts:
            drafts.append(linked)
    return drafts


def related_children(user: User, child: Person, *, exclude: set[int] | None = None) -> list[tuple[Person, str]]:
    """The child's current relationships to other children (siblings and
    others, recorded from either side) that `user` may see, with the kind."""
    labels = dict(RelationshipKind.choices)
    rows = Relationship.objects.filter(
        Q(child=child, person__is_child=True) | Q(person=child, child__is_child=True), ended_on__isnull=True
    ).values_list("child_id", "person_id", "kind")
    kinds: dict[int, str] = {}
    for child_id, person_id, kind in rows:
        other = person_id if child_id == child.pk else child_id
        kinds.setdefault(other, str(labels.get(kind, kind)))
    skip = (exclude or set()) | {child.pk}
    visible = (
        Person.objects.visible_to(user)
        .filter(is_child=True, pk__in=[pk for pk in kinds if pk not in skip])
        .order_by("last_name", "first_name", "pk")
    )
    return [(person, kinds[person.pk]) for person in visible]


def search_children(user: User, q: str, *, exclude: set[int]) -> QuerySet[Person]:
    """Children `user` may see, by name or an identifier (LA child ID, UPN,
    NHS number)."""
    q = q.strip()[:100]
    if not q:
        return Person.objects.none()
    by_name = find_people(user, q=q).values("pk")
    by_id = find_people(user, identifier=q).values("pk")
    return (
        Person.objects.filter(Q(pk__in=by_name) | Q(pk__in=by_id))
        .exclude(pk__in=exclude)
        .order_by("last_name", "first_name", "pk")[:SEARCH_RESULTS]
    )


def do_link_children(record: CaseRecord, *, actor: User, children: list[Person]) -> list[CaseRecord]:
    """Start a linked draft of the same kind for each child, with the shared
    details copied from `record`.

    Assumes access to each child was checked (for writing, in the record's
    part).  A child already in the group is refused, so is a record that
    cannot be linked or is no longer a draft.
    """
    if not is_linkable(record.kind):
        raise actions.RecordRefused(f"A {record.title} is about one child: it cannot be linked.", status=409)
    if len(children) > MAX_LINKED:
        raise actions.RecordRefused(f"Link at most {MAX_LINKED} children at once.", status=400)
    with transaction.atomic():
        current: CaseRecord = CaseRecord.objects.select_for_update().get(pk=record.pk)
        if not current.is_editable:
            raise actions.RecordRefused(
                "Other children are added while the record is a draft: this one has been submitted.", status=409
            )
        already = linked_child_ids(current)
        if any(child.pk in already for child in children) or len({c.pk for c in children}) != len(children):
            raise actions.RecordRefused("A child is already linked to this record.", status=409)
        group = group_of(current)
        if group is None:
            group = uuid.uuid4()
        if current.linked_group != group:
            current.linked_group = group
            current.save(update_fields=["linked_group"])
        shared = shared_values(current)
        created = []
        for child in children:
            linked = actions.do_start_record(child, actor=actor, kind=current.kind)
            linked.linked_group = group
            linked.data = shared
            linked.save(update_fields=["linked_group", "data"])
            created.append(linked)
        audit.record(
            "link",
            user=actor,
            obj=current,
            child_id=current.child_id,
            detail={"records": [r.pk for r in created]},
        )
    return created


def do_start_linked_records(
    child: Person, *, actor: User, kind: str, also_for: list[Person], data: dict[str, Any] | None = None
) -> list[CaseRecord]:
    """A new draft for `child` (with `data`), and linked drafts for the
    other children, all or none.  Assumes access to every child was checked."""
    with transaction.atomic():
        record = actions.do_start_record(child, actor=actor, kind=kind)
        if data:
            record = actions.do_save_draft(record, actor=actor, data=data, expected_version=record.version)
        linked = do_link_children(record, actor=actor, children=also_for) if also_for else []
    return [record, *linked]


def do_copy_shared_details(record: CaseRecord, *, actor: User, targets: list[CaseRecord]) -> list[CaseRecord]:
    """Copy `record`'s shared details to the linked drafts `targets` (from
    `writable_linked_drafts`), each through the draft-saving action."""
    shared = shared_values(record)
    group = group_of(record)
    copied = []
    with transaction.atomic():
        for target in targets:
            if group is None or group_of(target) != group:
                raise actions.RecordRefused("That record is not linked to this one.", status=409)
            if not shared:
                continue
            copied.append(actions.do_save_draft(target, actor=actor, data=shared, expected_version=None))
    return copied
