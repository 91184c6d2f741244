"""The demo gives every school its terms, arrangements and a training
register with something overdue."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from openics.core.models import Organisation, OrganisationKind
from openics.schools.actions import training_status
from openics.schools.models import SchoolArrangements, TrainingRecord
from openics.timescales.models import SchoolTerm

pytestmark = pytest.mark.django_db


def test_demo_schools() -> None:
    call_command("demo", "--children", "60", "--seed", "3", stdout=StringIO())
    schools = Organisation.objects.filter(kind=OrganisationKind.SCHOOL)
    assert schools.exists()
    assert SchoolArrangements.objects.filter(chair_of_governors__isnull=False).count() == schools.count()
    assert SchoolTerm.objects.filter(school=schools.first()).count() == 6
    assert TrainingRecord.objects.filter(level="level_3").exists()
    members = [m for school in schools for m in training_status(school)]
    assert any(not m.compliant for m in members) and any(m.compliant for m in members)
