"""List pages cost the same number of queries however many pupils, staff or
allegations there are."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from openics.core import testing as t
from openics.core.roles import Role
from openics.schools.actions import do_record_allegation, do_record_training
from openics.schools.models import AttendanceMark


def _count(client: Any, url: str) -> int:
    client.get(url, secure=True)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, secure=True).status_code == 200
    return len(queries)


def test_attendance_and_training_pages(world: Any, client_for: Any) -> None:
    client = client_for(world.dee_dsl)
    urls = [
        reverse("school-attendance", args=[world.school.pk]),
        reverse("school-training", args=[world.school.pk]),
        reverse("school-governors-report", args=[world.school.pk]),
    ]
    before = [_count(client, url) for url in urls]
    today = timezone.localdate()
    for i in range(4):
        child = t.make_child(f"Pupil{i}", "Roll")
        t.enrol(child, world.school)
        AttendanceMark.objects.create(
            school=world.school, child=child, date=today, session="AM", code="N", recorded_by=world.dee_dsl
        )
        member = t.make_user(f"staff_{i}", Role.SCHOOL_STAFF, organisation=world.school)
        do_record_training(
            world.school,
            actor=world.dee_dsl,
            person=member,
            course="Induction",
            level="induction",
            completed_on=today - dt.timedelta(days=400),
        )
    assert [_count(client, url) for url in urls] == before


def test_allegations_list(world: Any, client_for: Any) -> None:
    head = t.make_user("hal_head", Role.HEADTEACHER, organisation=world.school)
    client = client_for(head)

    def record() -> None:
        do_record_allegation(
            world.school,
            actor=head,
            about_name="Someone",
            what="Alleged.",
            reported_by="A parent",
            received_at=timezone.now(),
        )

    record()
    before = _count(client, reverse("allegations"))
    for _ in range(4):
        record()
    assert _count(client, reverse("allegations")) == before
