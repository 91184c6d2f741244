"""On PostgreSQL the database itself keeps the destruction log and the
legal holds: no UPDATE or DELETE of a log row, no DELETE of a hold."""

from __future__ import annotations

import pytest
from django.db import ProgrammingError, transaction

from openics.retention.models import Destruction, LegalHold

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_the_destruction_log_cannot_be_changed_or_deleted(world):
    log = Destruction.objects.create(class_id="messages", rows={"core.Notification": 3})
    with pytest.raises(ProgrammingError, match="pgtrigger"), transaction.atomic():
        Destruction.objects.filter(pk=log.pk).update(rows={})
    with pytest.raises(ProgrammingError, match="pgtrigger"), transaction.atomic():
        Destruction.objects.filter(pk=log.pk).delete()
    assert Destruction.objects.get(pk=log.pk).rows == {"core.Notification": 3}


def test_a_legal_hold_cannot_be_deleted_only_lifted(world):
    hold = LegalHold.objects.create(child=world.amy, child_ref=world.amy.pk, reason="Inquiry", placed_by=world.sean_sm)
    with pytest.raises(ProgrammingError, match="pgtrigger"), transaction.atomic():
        LegalHold.objects.filter(pk=hold.pk).delete()
    assert LegalHold.objects.filter(pk=hold.pk).exists()
