"""The audit trail: append-only, hash-chained, written in the caller's
transaction (denials on their own).

Each row's hash covers the row as stored plus the previous row's hash, so a
row altered or removed behind the database triggers' back breaks the chain,
and `openics audit verify` says where.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connections, models, transaction
from django.utils import timezone

from .models import AuditEvent, AuditOutcome

GENESIS = "0" * 64
# Any constant will do: it names the advisory lock that orders the chain.
_CHAIN_LOCK_KEY = 0x0A0D17


@dataclass
class AuditContext:
    """Who is acting and from where, set per request by the middleware."""

    source_hash: str = ""
    acting_role: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


current_context: contextvars.ContextVar[AuditContext | None] = contextvars.ContextVar(
    "openics_audit_context", default=None
)


def hash_source(*values: str) -> str:
    """A salted, truncated hash: proves 'same address or session' without
    storing either."""
    raw = "|".join([settings.OPENICS_AUDIT_SALT, *values]).encode()
    return hashlib.sha256(raw).hexdigest()[:16]


def _canonical(event: AuditEvent) -> bytes:
    at = event.at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    payload = [
        at,
        event.user_id,
        event.username,
        event.acting_role,
        event.action,
        event.object_type,
        event.object_id,
        event.child_id,
        event.outcome,
        event.source_hash,
        event.detail,
        event.prev_hash,
    ]
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str).encode()


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(_canonical(event)).hexdigest()


def _object_ref(obj: models.Model | None) -> tuple[str, str]:
    if obj is None:
        return "", ""
    return obj._meta.label_lower, str(obj.pk)


def _lock_chain(using: str) -> None:
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    # SQLite serialises writers itself: the insert below takes the write lock.


def _append(event: AuditEvent, using: str) -> AuditEvent:
    with transaction.atomic(using=using):
        _lock_chain(using)
        last = AuditEvent.objects.using(using).order_by("-id").values_list("row_hash", flat=True).first()
        event.prev_hash = last or GENESIS
        event.row_hash = compute_hash(event)
        event.save(using=using, force_insert=True)
    return event


def record(
    action: str,
    *,
    user: Any = None,
    obj: models.Model | None = None,
    child_id: int | None = None,
    outcome: str = AuditOutcome.ALLOWED,
    acting_role: str = "",
    detail: dict[str, Any] | None = None,
    object_type: str = "",
    object_id: str = "",
    using: str = "default",
) -> AuditEvent:
    """Append an audit event inside the caller's transaction.

    Call it last in an action's transaction: on PostgreSQL it holds the
    chain's lock until the transaction ends.
    """
    ctx = current_context.get()
    otype, oid = _object_ref(obj)
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    event = AuditEvent(
        at=timezone.now(),
        user_id=user.pk if authenticated else None,
        username=user.get_username() if authenticated else "",
        acting_role=acting_role or (ctx.acting_role if ctx else ""),
        action=action,
        object_type=object_type or otype,
        object_id=str(object_id or oid),
        child_id=child_id,
        outcome=outcome,
        source_hash=ctx.source_hash if ctx else "",
        detail=detail or {},
    )
    return _append(event, using)


def record_many(
    action: str,
    *,
    user: Any,
    child_ids: list[int],
    detail: dict[str, Any] | None = None,
    using: str = "default",
) -> list[AuditEvent]:
    """One event per child (a search's hits), chained under one lock."""
    if not child_ids:
        return []
    ctx = current_context.get()
    now = timezone.now()
    events = [
        AuditEvent(
            at=now,
            user_id=user.pk,
            username=user.get_username(),
            acting_role=ctx.acting_role if ctx else "",
            action=action,
            object_type="core.person",
            object_id=str(child_id),
            child_id=child_id,
            outcome=AuditOutcome.ALLOWED,
            source_hash=ctx.source_hash if ctx else "",
            detail=detail or {},
        )
        for child_id in child_ids
    ]
    with transaction.atomic(using=using):
        _lock_chain(using)
        prev = AuditEvent.objects.using(using).order_by("-id").values_list("row_hash", flat=True).first() or GENESIS
        for event in events:
            event.prev_hash = prev
            event.row_hash = compute_hash(event)
            prev = event.row_hash
        # Inserted in list order, so ids follow the chain.
        AuditEvent.objects.using(using).bulk_create(events)
    return events


def record_denial(action: str, **kwargs: Any) -> AuditEvent:
    """Record a refusal so that no rollback can erase it.

    Outside a transaction it commits at once.  Inside one (on PostgreSQL) it
    goes through the separate `audit` connection, unless this transaction
    already holds the chain lock, where a second connection would wait on it.
    """
    default = connections["default"]
    using = "default"
    separate = default.in_atomic_block and default.vendor == "postgresql" and "audit" in settings.DATABASES
    if separate and not _holds_chain_lock(default):
        using = "audit"
    return record(action, outcome=AuditOutcome.DENIED, using=using, **kwargs)


def _holds_chain_lock(connection: Any) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND objid = %s",
            [_CHAIN_LOCK_KEY],
        )
        return cursor.fetchone() is not None


@dataclass
class ChainProblem:
    event_id: int
    problem: str


def verify_chain(using: str = "default", chunk_size: int = 5000) -> Iterator[ChainProblem]:
    """Walk the whole trail in order; yield every break in the chain."""
    prev = GENESIS
    for event in AuditEvent.objects.using(using).order_by("id").iterator(chunk_size=chunk_size):
        if event.prev_hash != prev:
            yield ChainProblem(event.pk, "does not follow the row before it: a row was removed or altered before it")
        if compute_hash(event) != event.row_hash:
            yield ChainProblem(event.pk, "its content does not match its hash: the row was altered")
        prev = event.row_hash
