"""A worker in another team gets 404 for a child's page and API record, and
each denial is in the audit trail (issue #2)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from openics.core.models import AuditEvent


@pytest.mark.parametrize("path", ["/children/{id}/", "/api/v1/people/{id}/"])
def test_worker_in_another_team_is_refused_and_audited(world: Any, path: str) -> None:
    client = Client()
    client.force_login(world.olu_other)
    response = client.get(path.format(id=world.amy.pk), secure=True)
    assert response.status_code == 404
    assert b"Amy" not in response.content
    denial = AuditEvent.objects.get(user_id=world.olu_other.pk)
    assert (denial.outcome, denial.child_id, denial.action) == ("denied", world.amy.pk, "access")
    # The allocated worker, asking the same thing, is let in.
    client.force_login(world.sam_sw)
    assert client.get(path.format(id=world.amy.pk), secure=True).status_code == 200
