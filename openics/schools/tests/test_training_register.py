"""Training falls overdue after its expiry: a year for everyone's update,
two years for the DSL's Level 3; reminders go once; the governors' report
gives counts, never names."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from openics.core.models import Notification, OutboxMessage, RoleAssignment
from openics.schools.actions import do_record_training, training_status
from openics.schools.models import TrainingReminder


def _status(world: Any, user: Any, on: dt.date) -> dict[str, str]:
    # Everyone in the World has held their role since 2024.
    RoleAssignment.objects.update(started_on=dt.date(2024, 1, 1))
    member = next(m for m in training_status(world.school, on) if m.user == user)
    return {r.code: r.state for r in member.requirements}


def test_update_overdue_a_year_after(world: Any) -> None:
    do_record_training(
        world.school,
        actor=world.dee_dsl,
        person=world.tom_teacher,
        course="Induction",
        level="induction",
        completed_on=dt.date(2025, 3, 1),
    )
    assert _status(world, world.tom_teacher, dt.date(2025, 12, 1)) == {"induction": "ok", "update": "ok"}
    assert _status(world, world.tom_teacher, dt.date(2026, 2, 20))["update"] == "due_soon"
    assert _status(world, world.tom_teacher, dt.date(2026, 3, 2))["update"] == "overdue"


def test_dsl_level_3_every_two_years(world: Any) -> None:
    do_record_training(
        world.school,
        actor=world.dee_dsl,
        person=world.dee_dsl,
        course="DSL Level 3",
        level="level_3",
        completed_on=dt.date(2025, 1, 10),
    )
    # Level 3 also counts as the year's update.
    assert _status(world, world.dee_dsl, dt.date(2025, 6, 1)) == {"induction": "ok", "update": "ok", "level_3": "ok"}
    on = dt.date(2026, 6, 1)
    assert _status(world, world.dee_dsl, on)["update"] == "overdue"
    assert _status(world, world.dee_dsl, on)["level_3"] == "ok"
    assert _status(world, world.dee_dsl, dt.date(2027, 1, 11))["level_3"] == "overdue"


def test_never_trained_is_overdue(world: Any) -> None:
    assert _status(world, world.tom_teacher, timezone.localdate()) == {"induction": "overdue", "update": "overdue"}


def test_future_training_date_refused(world: Any, client_for: Any) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client_for(world.dee_dsl).post(
        reverse("school-training-new", args=[world.school.pk]),
        {
            "person": str(world.tom_teacher.pk),
            "course": "X",
            "level": "update",
            "completed_on_day": str(tomorrow.day),
            "completed_on_month": str(tomorrow.month),
            "completed_on_year": str(tomorrow.year),
        },
        secure=True,
    )
    assert response.status_code == 400
    assert "must be today or in the past" in response.content.decode()


def test_reminders_are_sent_once(world: Any) -> None:
    call_command("training_reminders")
    first = TrainingReminder.objects.count()
    assert first > 0
    assert Notification.objects.filter(user=world.tom_teacher, message__contains="overdue").exists()
    # Dee, the DSL, is told about Tom's.
    assert Notification.objects.filter(user=world.dee_dsl, message__contains="Tom Tester").exists()
    assert OutboxMessage.objects.filter(to=world.tom_teacher.email).exists()
    notes = Notification.objects.count()
    call_command("training_reminders")
    assert TrainingReminder.objects.count() == first
    assert Notification.objects.count() == notes


def test_overdue_list_on_the_register(world: Any, client_for: Any) -> None:
    page = client_for(world.dee_dsl).get(reverse("school-training", args=[world.school.pk]), secure=True)
    assert page.status_code == 200
    assert "Overdue (2)" in page.content.decode()


def test_governors_report_has_counts_and_no_names(world: Any, client_for: Any) -> None:
    from openics.core import testing as t
    from openics.core.roles import Role

    governor = t.make_user("gwen_gov", Role.GOVERNOR, organisation=world.school, first_name="Gwen", last_name="Board")
    do_record_training(
        world.school,
        actor=world.dee_dsl,
        person=world.tom_teacher,
        course="Annual update",
        level="update",
        completed_on=timezone.localdate(),
    )
    concerns = pytest.importorskip("openics.safeguarding.actions")
    concern = concerns.do_record_concern(
        world.amy,
        actor=world.tom_teacher,
        school=world.school,
        data={
            "account": "Amy said her dad hit her.",
            "childs_words": "",
            "categories": ["physical", "domestic_abuse"],
            "location": "Classroom",
            "action_taken": "Told the DSL.",
            "occurred_at": timezone.now() - dt.timedelta(hours=1),
            "dsl_informed_verbally": True,
            "body_map": [],
        },
    )
    concerns.do_decide(
        concern,
        actor=world.dee_dsl,
        data={
            "outcome": "referral",
            "parents_informed": True,
            "rationale": "Refer to the hub.",
            "level_of_need": "",
            "immediate_risk": False,
            "hub_phoned_at": None,
            "police_informed_at": None,
            "advice_from": "",
            "parents_not_informed_reason": "",
            "follow_up_on": None,
        },
    )
    page = client_for(governor).get(reverse("school-governors-report", args=[world.school.pk]), secure=True)
    assert page.status_code == 200
    report = page.context["report"]
    assert report.concerns == 1
    assert dict(report.by_category) == {"Physical abuse": 1, "Domestic abuse": 1}
    assert report.referrals == 1
    assert ("Headteacher and staff", 1, 1) in report.training and ("Governors", 0, 1) in report.training
    text = page.content.decode()
    for name in ("Amy", "Example", "Tom", "Dee", "Gwen"):
        assert name not in text.split("<main", 1)[1].split("</main>", 1)[0], name
    # A teacher may not read it.
    assert (
        client_for(world.tom_teacher)
        .get(reverse("school-governors-report", args=[world.school.pk]), secure=True)
        .status_code
        == 404
    )
