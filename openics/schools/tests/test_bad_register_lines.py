"""A register with bad lines is refused whole, each problem reported with
its line number and what is wrong; nothing is written."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from openics.core import testing as t
from openics.schools.attendance import parse_csv
from openics.schools.models import AttendanceImport, AttendanceMark

BAD = (
    "upn,la_child_id,date,session,mark\n"
    ",NC000001,2026-03-02,AM,N\n"  # 2: fine
    ",NC000001,2026-03-07,AM,N\n"  # 3: a Saturday
    ",NC000001,2026-03-11,AM,/\n"  # 4: the INSET day
    ",NC000001,31/02/2026,AM,N\n"  # 5: not a real date
    ",NC000001,2026-03-03,EVE,N\n"  # 6: not a session
    ",NC000001,2026-03-03,AM,QQ\n"  # 7: not a code
    ",,2026-03-03,AM,N\n"  # 8: no pupil
    ",NC999999,2026-03-03,AM,N\n"  # 9: no such pupil
    ",NC000002,2026-03-03,AM,N\n"  # 10: pupil of another school
    ",NC000001,2026-03-02,AM,/\n"  # 11: duplicate of line 2
    ",NC000001,2026-03-11,PM,#\n"  # 12: fine: a closure mark on a closure day
)


def test_every_bad_line_is_reported_and_nothing_written(world: Any, term: Any, client_for: Any) -> None:
    other = t.make_child("Ben", "Other", la_child_id="NC000002")
    t.enrol(other, world.other_school)
    client = client_for(world.dee_dsl)
    response = client.post(reverse("school-attendance-import", args=[world.school.pk]), {"csv_text": BAD}, secure=True)
    assert response.status_code == 400
    errors = dict(response.context["checked"].errors)
    assert set(errors) == {3, 4, 5, 6, 7, 8, 9, 10, 11}
    assert "Saturday" in errors[3]
    assert "school closed: INSET day" in errors[4]
    assert "real date" in errors[5]
    assert "must be AM or PM" in errors[6]
    assert "not a DfE attendance code" in errors[7]
    assert "UPN or LA child ID" in errors[8]
    assert "NC999999" in errors[9]
    # A pupil of another school is not named back to this one.
    assert "NC000002" in errors[10] and "Ben" not in errors[10]
    assert "line 2" in errors[11]
    page = response.content.decode()
    assert "nothing was imported" in page.lower()
    assert AttendanceMark.objects.count() == 0
    assert AttendanceImport.objects.count() == 0


def test_the_api_lists_the_bad_lines(world: Any, term: Any, client_for: Any) -> None:
    client = client_for(world.dee_dsl)
    response = client.post(
        reverse("api-attendance-import-list"),
        {"school": world.school.pk, "csv": BAD, "dry_run": False},
        content_type="application/json",
        secure=True,
    )
    assert response.status_code == 400
    lines = [e["line"] for e in response.json()["errors"]]
    assert 3 in lines and 2 not in lines
    assert AttendanceMark.objects.count() == 0


def test_header_and_shape_problems() -> None:
    assert parse_csv("").errors == [
        (1, "The file is empty: the first line must be the header upn,la_child_id,date,session,mark")
    ]
    missing = parse_csv("upn,date,mark\n").errors
    assert missing[0][0] == 1 and "la_child_id, session" in missing[0][1]
    short = parse_csv("upn,la_child_id,date,session,mark\nA1,,2026-03-02\n").errors
    assert short == [(2, "Expected 5 columns, found 3")]
    assert parse_csv("upn,la_child_id,date,session,mark\n").errors == [(2, "The file has a header but no marks")]


def test_teacher_cannot_import(world: Any, term: Any, client_for: Any) -> None:
    client = client_for(world.tom_teacher)
    response = client.post(reverse("school-attendance-import", args=[world.school.pk]), {"csv_text": BAD}, secure=True)
    assert response.status_code == 404
