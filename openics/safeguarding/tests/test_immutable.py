"""On PostgreSQL the database keeps a concern as it was recorded, and keeps
additions, decisions and FGM notifications, whatever the code does."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import InternalError, ProgrammingError, transaction
from django.utils import timezone

from openics.safeguarding.actions import do_add_to_concern
from openics.safeguarding.models import Concern, ConcernAddition

pytestmark = pytest.mark.postgres


def test_the_database_refuses_to_change_what_was_recorded(world, record):
    concern = record()
    changes: list[dict[str, Any]] = [{"account": "Rewritten"}, {"body_map": []}, {"recorded_by": world.dee_dsl}]
    for change in changes:
        with pytest.raises((InternalError, ProgrammingError)), transaction.atomic():
            Concern.objects.filter(pk=concern.pk).update(**change)
    with pytest.raises((InternalError, ProgrammingError)), transaction.atomic():
        Concern.objects.filter(pk=concern.pk).delete()
    # The workflow columns still move.
    Concern.objects.filter(pk=concern.pk).update(first_read_at=timezone.now())


def test_the_database_refuses_to_change_an_addition(world, record):
    addition = do_add_to_concern(record(), actor=world.tom_teacher, text="More")
    with pytest.raises((InternalError, ProgrammingError)), transaction.atomic():
        ConcernAddition.objects.filter(pk=addition.pk).update(text="Less")
    with pytest.raises((InternalError, ProgrammingError)), transaction.atomic():
        ConcernAddition.objects.filter(pk=addition.pk).delete()
