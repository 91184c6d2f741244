"""Schemathesis walks every operation in /api/v1/schema/ with generated
requests, valid and invalid, sent through the WSGI application: none may
give a server error, and an answer the schema documents must match it.

Each operation is tried both with generated ids (mostly "not found") and
with the ids of real records (Amy, a teacher's account, a team), so the
generated bodies reach the serializers and actions rather than stopping at
the access chokepoint.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from openics.core.admin_actions import do_issue_api_token
from openics.core.models import ApiToken, Involvement, Relationship, RoleAssignment, Share, User

# Examples per operation and generation mode.  About fifty operations, two
# modes, two personas: this keeps the whole file well under a minute.
EXAMPLES = 6
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@contextmanager
def _connection_kept_open() -> Iterator[None]:
    """Django's own test client stops each request from closing the database
    connection at its end; a WSGI request would otherwise close it, and with
    it the test's transaction (on PostgreSQL).  The same is done here, for
    the whole run, since the test client reconnects the handlers after each
    of its own requests."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _schema(user: User) -> dict[str, Any]:
    client = Client()
    client.force_login(user)
    response = client.get("/api/v1/schema/", {"format": "json"}, secure=True)
    assert response.status_code == 200
    raw: dict[str, Any] = response.json()
    return raw


def _real_ids(world: Any) -> Callable[[str, str], dict[str, Any]]:
    """Path parameters naming records that exist, for an operation's path."""
    relationship = Relationship.objects.filter(child=world.amy).values_list("pk", flat=True).first()
    involvement = Involvement.objects.filter(child=world.amy).values_list("pk", flat=True).first()
    share = Share.objects.filter(child=world.amy).values_list("pk", flat=True).first()
    role = RoleAssignment.objects.filter(user=world.tom_teacher).values_list("pk", flat=True).first()
    by_collection = {
        "people": world.amy.pk,
        "staff": world.tom_teacher.pk,
        "teams": world.south.pk,
        "organisations": world.health.pk,
    }
    others = {"relationship_id": relationship, "involvement_id": involvement, "share_id": share, "role_id": role}

    def ids(path: str, names: str) -> dict[str, Any]:
        collection = path.removeprefix("/api/v1/").split("/", 1)[0]
        found = {"id": by_collection.get(collection), **others}
        return {name: str(found[name]) for name in names.split(",") if name and found.get(name) is not None}

    return ids


def _fuzz(world: Any, persona: str) -> tuple[int, list[str], Counter[int]]:
    user: User = getattr(world, persona)
    schema = schemathesis.openapi.from_dict(_schema(user))
    # Django's WSGI application, as gunicorn runs it.
    schema.app = WSGIHandler()
    real_ids = _real_ids(world)
    key = {"value": do_issue_api_token(user, actor=None)}
    failures: list[str] = []
    statuses: Counter[int] = Counter()
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        names = ",".join(p.name for p in operation.path_parameters)
        fixed = real_ids(operation.path, names)
        strategy = st.one_of(
            *(
                operation.as_strategy(generation_mode=mode, path_parameters=params)
                for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
                for params in ({}, fixed)
                # The operation has no path parameters, or they can be real.
                if not params or len(params) == len(operation.path_parameters)
            )
        )

        @settings(
            max_examples=EXAMPLES * 2,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def run(case: Any) -> None:
            # A fuzzed request may revoke the persona's own token (the
            # administrator can revoke anyone's); issue another so that the
            # rest of the run is still signed in.
            if not ApiToken.objects.live().filter(user=user).exists():
                key["value"] = do_issue_api_token(user, actor=None)
            response = case.call_and_validate(
                base_url="https://localhost",
                headers={"Authorization": f"Token {key['value']}"},
                checks=CHECKS,
            )
            statuses[response.status_code] += 1

        try:
            with _connection_kept_open():
                run()
        # Schemathesis raises its findings as a BaseExceptionGroup; every
        # operation's are collected, then the test fails with all of them.
        except (Exception, FailureGroup) as error:
            failures.append(f"{operation.label}: {str(error)[:2000]}")
    return operations, failures, statuses


@pytest.mark.parametrize("persona", ["sam_sw", "ada_admin"])
def test_no_generated_request_causes_a_server_error(world: Any, persona: str) -> None:
    operations, failures, statuses = _fuzz(world, persona)
    assert operations >= 40, "The schema should list every operation"
    assert not failures, "\n\n".join(failures)
    # The run means something only if it was signed in throughout and some
    # generated requests were good enough to be carried out.
    assert statuses[401] == 0, statuses
    assert sum(n for status, n in statuses.items() if 200 <= status < 300) >= 20, statuses
    assert statuses[400] > 0, statuses
