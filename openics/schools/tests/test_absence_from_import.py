"""Ten consecutive school days of unexplained absence, from an imported
register, prompt the notification to the local authority; weekends and the
school's closure days neither count nor break the run."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from openics.core.models import Notification
from openics.schools.models import AbsenceNotification, AttendanceImport, AttendanceMark
from openics.timescales.models import Deadline

from .conftest import CLOSURE

HEADER = "upn,la_child_id,date,session,mark\n"


def _rows(days: list[dt.date], code: str = "N") -> str:
    return "".join(f",NC000001,{d.isoformat()},{s},{code}\n" for d in days for s in ("AM", "PM"))


def _school_days(start: dt.date, n: int) -> list[dt.date]:
    days: list[dt.date] = []
    day = start
    while len(days) < n:
        if day.weekday() < 5 and day != CLOSURE:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _import(client: Any, world: Any, content: str) -> Any:
    url = reverse("school-attendance-import", args=[world.school.pk])
    preview = client.post(url, {"csv_text": content}, secure=True)
    assert preview.status_code == 200, preview.content.decode()[:2000]
    upload = preview.context["upload"]
    assert upload is not None, preview.context["checked"].errors
    return client.post(reverse("school-attendance-import-confirm", args=[world.school.pk, upload.pk]), secure=True)


def test_ten_school_days_across_a_weekend_and_a_closure_prompt_the_notification(
    world: Any, term: Any, client_for: Any
) -> None:
    client = client_for(world.dee_dsl)
    days = _school_days(dt.date(2026, 3, 2), 10)
    # Mon 2 to Mon 16 March: two weekends and the INSET day on Wed 11 are skipped.
    assert days[-1] == dt.date(2026, 3, 16)
    assert CLOSURE not in days

    # Nine days: nothing yet, and the preview wrote nothing.
    url = reverse("school-attendance-import", args=[world.school.pk])
    preview = client.post(url, {"csv_text": HEADER + _rows(days[:9])}, secure=True)
    assert preview.status_code == 200
    assert AttendanceMark.objects.count() == 0
    response = client.post(
        reverse("school-attendance-import-confirm", args=[world.school.pk, preview.context["upload"].pk]), secure=True
    )
    assert response.status_code == 302
    assert AttendanceMark.objects.count() == 18
    assert not AbsenceNotification.objects.exists()

    # The tenth day arrives in the next file.
    assert _import(client, world, HEADER + _rows(days[9:])).status_code == 302
    task = AbsenceNotification.objects.get()
    assert (task.child, task.first_day, task.last_day, task.school_days) == (
        world.amy,
        dt.date(2026, 3, 2),
        dt.date(2026, 3, 16),
        10,
    )
    # The deadline comes from the authority's rule, counted on Grange's calendar.
    deadline = Deadline.objects.get(rule_id="school-absence-notify")
    assert deadline.child == world.amy
    assert deadline.due_date == task.due_on == dt.date(2026, 3, 16)
    assert deadline.part == "school_safeguarding"
    # The DSL is prompted, and the task is listed.
    assert Notification.objects.filter(user=world.dee_dsl, message__contains="notify the local authority").exists()
    page = client.get(reverse("school-attendance", args=[world.school.pk]), secure=True)
    assert "Amy Example" in page.content.decode()

    # Re-importing the same file changes nothing and opens no second task.
    _import(client, world, HEADER + _rows(days[9:]))
    assert AbsenceNotification.objects.count() == 1

    # Recording the notification: who, when, how, reference; late needs a reason.
    record_url = reverse("school-absence-notification", args=[world.school.pk, task.pk])
    form = {
        "notified_on_day": "17",
        "notified_on_month": "3",
        "notified_on_year": "2026",
        "notified_time": "09:30",
        "notified_by": "Dee Tester",
        "method": "portal",
        "reference": "CME-2026-17",
    }
    refused = client.post(record_url, form, secure=True)
    assert refused.status_code == 400
    assert "Enter why the local authority was told after the due date" in refused.content.decode()
    done = client.post(record_url, {**form, "late_reason": "The register came in a day late."}, secure=True)
    assert done.status_code == 302
    task.refresh_from_db()
    assert task.notified_by == "Dee Tester" and task.method == "portal" and task.reference == "CME-2026-17"
    deadline.refresh_from_db()
    assert deadline.met_on == dt.date(2026, 3, 17)
    assert world.amy.chronology.filter(kind="absence_notified").exists()


def test_a_day_present_breaks_the_run(world: Any, term: Any, client_for: Any) -> None:
    client = client_for(world.dee_dsl)
    days = _school_days(dt.date(2026, 3, 2), 11)
    content = HEADER + _rows(days[:5]) + _rows([days[5]], "/") + _rows(days[6:])
    assert _import(client, world, content).status_code == 302
    assert AttendanceMark.objects.count() == 22
    assert not AbsenceNotification.objects.exists()


def test_explained_absence_does_not_count(world: Any, term: Any, client_for: Any) -> None:
    client = client_for(world.dee_dsl)
    days = _school_days(dt.date(2026, 3, 2), 12)
    assert _import(client, world, HEADER + _rows(days, "I")).status_code == 302
    assert not AbsenceNotification.objects.exists()


def test_the_api_imports_all_or_nothing(world: Any, term: Any, client_for: Any) -> None:
    client = client_for(world.dee_dsl)
    days = _school_days(dt.date(2026, 3, 2), 10)
    url = reverse("api-attendance-import-list")
    body = {"school": world.school.pk, "csv": HEADER + _rows(days), "dry_run": True}
    dry = client.post(url, body, content_type="application/json", secure=True)
    assert dry.status_code == 200 and dry.json()["marks"] == 20 and dry.json()["imported"] is False
    assert AttendanceMark.objects.count() == 0
    assert not AttendanceImport.objects.exists()
    done = client.post(url, {**body, "dry_run": False}, content_type="application/json", secure=True)
    assert done.status_code == 201
    assert AttendanceMark.objects.count() == 20
    assert AbsenceNotification.objects.filter(child=world.amy).count() == 1
