"""School operations in the permission matrix (see openics/route_matrix.py).

Amy is on roll at Grange Primary, where Dee is DSL and Tom teaches; Oscar is
DSL at Riverside Academy.  Dee runs Grange's attendance, training register
and arrangements; Tom reads the arrangements; Oscar reaches only his own
school.  The World has no headteacher, chair of governors or LADO, so the
allegation cases make them: an allegation in which Dee is named is open to
her (and no one else in the World); one in which she is not is open to no
persona at all, Dee included.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from openics.route_matrix import SIGNED_IN, Case, ok_for

ANON = 401
DEE = ("dee_dsl",)
GRANGE_STAFF = ("dee_dsl", "tom_teacher")
SCHOOL_PEOPLE = ("dee_dsl", "tom_teacher", "oscar_dsl")


def _grange(w: Any) -> int:
    return int(w.school.pk)


def _school_day(w: Any) -> dt.date:
    """A recent weekday in a term recorded for Grange (made if need be)."""
    from django.utils import timezone

    from openics.timescales.calendar import bank_holidays
    from openics.timescales.models import SchoolTerm

    today = timezone.localdate()
    SchoolTerm.objects.get_or_create(
        school=w.school, name="Matrix term", start=today - dt.timedelta(days=60), end=today + dt.timedelta(days=60)
    )
    day = today - dt.timedelta(days=1)
    while day.weekday() >= 5 or day in bank_holidays("ENG", day.year):
        day -= dt.timedelta(days=1)
    return day


def _csv(w: Any) -> str:
    return f"upn,la_child_id,date,session,mark\n,NC000001,{_school_day(w).isoformat()},AM,/\n"


def _preview(w: Any) -> int:
    from openics.schools.models import AttendanceImport

    content = _csv(w)
    return AttendanceImport.objects.create(school=w.school, content=content, rows=1, uploaded_by=w.dee_dsl).pk


def _mark_form(w: Any) -> dict[str, Any]:
    day = _school_day(w)
    return {
        "child": str(w.amy.pk),
        "day_day": str(day.day),
        "day_month": str(day.month),
        "day_year": str(day.year),
        "session": "AM",
        "code": "N",
    }


def _task(w: Any) -> int:
    from django.utils import timezone

    from openics.schools.models import AbsenceNotification

    today = timezone.localdate()
    return AbsenceNotification.objects.create(
        school=w.school,
        child=w.amy,
        first_day=today - dt.timedelta(days=20),
        last_day=today - dt.timedelta(days=6),
        school_days=10,
        due_on=today - dt.timedelta(days=6),
    ).pk


def _notification_form(w: Any) -> dict[str, Any]:
    from django.utils import timezone

    today = timezone.localdate()
    return {
        "notified_on_day": str(today.day),
        "notified_on_month": str(today.month),
        "notified_on_year": str(today.year),
        "notified_time": "00:01",
        "notified_by": "Dee Tester",
        "method": "email",
        "reference": "CME/1",
        "late_reason": "The register was imported late.",
    }


def _allegation(w: Any, *, name_dee: bool) -> int:
    from django.utils import timezone

    from openics.core import testing as t
    from openics.core.models import User
    from openics.core.roles import Role
    from openics.schools.actions import do_add_participant, do_record_allegation

    # The accessibility sweep calls this more than once without a savepoint.
    head = User.objects.filter(username="hal_head_matrix").first() or t.make_user(
        "hal_head_matrix", Role.HEADTEACHER, organisation=w.school
    )
    if not User.objects.filter(username="lee_lado_matrix").exists():
        t.make_user("lee_lado_matrix", Role.LADO, organisation=w.la)
    allegation = do_record_allegation(
        w.school,
        actor=head,
        about_name="Tom Tester",
        about_user=w.tom_teacher,
        what="A parent says Tom grabbed a pupil by the arm.",
        reported_by="A parent",
        received_at=timezone.now() - dt.timedelta(hours=2),
    )
    if name_dee:
        do_add_participant(allegation, actor=head, user=w.dee_dsl)
    return allegation.pk


def _naming_dee(w: Any) -> int:
    return _allegation(w, name_dee=True)


def _not_naming_dee(w: Any) -> int:
    return _allegation(w, name_dee=False)


def _today_form(prefix: str) -> Any:
    def build(w: Any) -> dict[str, Any]:
        from django.utils import timezone

        today = timezone.localdate()
        return {f"{prefix}_day": str(today.day), f"{prefix}_month": str(today.month), f"{prefix}_year": str(today.year)}

    return build


ROUTES: dict[str, list[Case]] = {
    "schools-home": [Case(expect=ok_for(SCHOOL_PEOPLE))],
    "school-arrangements": [Case(kwargs={"school_id": _grange}, expect=ok_for(GRANGE_STAFF))],
    "school-arrangements-edit": [
        Case(kwargs={"school_id": _grange}, expect=ok_for(DEE)),
        Case(
            method="post", kwargs={"school_id": _grange}, data={"lado_phone": "03330 139 797"}, expect=ok_for(DEE, 302)
        ),
    ],
    "school-attendance": [Case(kwargs={"school_id": _grange}, expect=ok_for(DEE))],
    "school-attendance-import": [
        Case(kwargs={"school_id": _grange}, expect=ok_for(DEE)),
        # A correct file is previewed (200); nothing is written yet.
        Case(method="post", kwargs={"school_id": _grange}, data=lambda w: {"csv_text": _csv(w)}, expect=ok_for(DEE)),
    ],
    "school-attendance-import-confirm": [
        Case(method="post", kwargs={"school_id": _grange, "import_id": _preview}, expect=ok_for(DEE, 302)),
    ],
    "school-attendance-mark": [
        Case(kwargs={"school_id": _grange}, expect=ok_for(DEE)),
        Case(method="post", kwargs={"school_id": _grange}, data=_mark_form, expect=ok_for(DEE, 302)),
    ],
    "school-attendance-pupil": [Case(kwargs={"school_id": _grange, "child_id": "amy"}, expect=ok_for(DEE))],
    "school-attendance-follow-up": [
        Case(kwargs={"school_id": _grange, "child_id": "amy"}, expect=ok_for(DEE)),
        Case(
            method="post",
            kwargs={"school_id": _grange, "child_id": "amy"},
            data=lambda w: {
                **_today_form("done_on")(w),
                "kind": "call",
                "done_by": "Office",
                "outcome": "No answer; message left.",
            },
            expect=ok_for(DEE, 302),
        ),
    ],
    "school-absence-notification": [
        Case(kwargs={"school_id": _grange, "notification_id": _task}, expect=ok_for(DEE)),
        Case(
            method="post",
            kwargs={"school_id": _grange, "notification_id": _task},
            data=_notification_form,
            expect=ok_for(DEE, 302),
        ),
    ],
    "school-emergency-contacts": [Case(kwargs={"school_id": _grange}, expect=ok_for(DEE))],
    "school-training": [Case(kwargs={"school_id": _grange}, expect=ok_for(DEE))],
    "school-training-new": [
        Case(kwargs={"school_id": _grange}, expect=ok_for(DEE)),
        Case(
            method="post",
            kwargs={"school_id": _grange},
            data=lambda w: {
                **_today_form("completed_on")(w),
                "person": str(w.tom_teacher.pk),
                "course": "Annual safeguarding update",
                "level": "update",
            },
            expect=ok_for(DEE, 302),
        ),
    ],
    "school-governors-report": [Case(kwargs={"school_id": _grange}, expect=ok_for(DEE))],
    # Nobody in the World may record an allegation or sees one: 404 for all.
    "allegations": [Case()],
    "allegation-new": [Case(), Case(method="post", data={"about_name": "X"})],
    "allegation-detail": [
        Case(kwargs={"allegation_id": _naming_dee}, expect=ok_for(DEE)),
        Case(kwargs={"allegation_id": _not_naming_dee}),
    ],
    # Only the case manager and the LADO record the LADO contact, name
    # participants and the outcome: a named DSL may not.
    "allegation-lado": [
        Case(kwargs={"allegation_id": _naming_dee}),
        Case(method="post", kwargs={"allegation_id": _naming_dee}, data={"lado_name": "X"}),
    ],
    "allegation-entry": [
        Case(kwargs={"allegation_id": _naming_dee}, expect=ok_for(DEE)),
        Case(
            method="post",
            kwargs={"allegation_id": _naming_dee},
            data={"kind": "note", "text": "Spoke to the class teacher's line manager."},
            expect=ok_for(DEE, 302),
        ),
        Case(method="post", kwargs={"allegation_id": _not_naming_dee}, data={"kind": "note", "text": "X"}),
    ],
    "allegation-participant": [
        Case(kwargs={"allegation_id": _naming_dee}),
        Case(method="post", kwargs={"allegation_id": _naming_dee}, data=lambda w: {"user": str(w.oscar_dsl.pk)}),
    ],
    "allegation-outcome": [
        Case(kwargs={"allegation_id": _naming_dee}),
        Case(method="post", kwargs={"allegation_id": _naming_dee}, data={"outcome": "false"}),
    ],
    "api-attendance-import-list": [
        Case(
            method="post",
            data=lambda w: {"school": w.school.pk, "csv": _csv(w)},
            expect=ok_for(DEE),
            anonymous=ANON,
        ),
    ],
    "api-training-list": [
        Case(
            expect={
                **ok_for([p for p in SIGNED_IN if p not in ("dee_dsl", "oscar_dsl")], 403),
                **ok_for(("dee_dsl", "oscar_dsl")),
            },
            anonymous=ANON,
        ),
        Case(
            method="post",
            data=lambda w: {
                "school": w.school.pk,
                "person": w.tom_teacher.pk,
                "course": "Induction",
                "level": "induction",
                "completed_on": "2026-01-05",
            },
            expect=ok_for(DEE, 201),
            anonymous=ANON,
        ),
    ],
    "api-allegation-list": [
        Case(anonymous=ANON),
        Case(
            method="post",
            data=lambda w: {
                "school": w.school.pk,
                "about_name": "Tom Tester",
                "what": "Alleged.",
                "reported_by": "A parent",
                "received_at": "2026-01-05T09:00:00Z",
            },
            anonymous=ANON,
        ),
    ],
    "api-allegation-detail": [
        Case(kwargs={"pk": _naming_dee}, expect=ok_for(DEE), anonymous=ANON),
        Case(kwargs={"pk": _not_naming_dee}, anonymous=ANON),
    ],
    "api-allegation-lado": [
        Case(
            method="post",
            kwargs={"pk": _naming_dee},
            data={"informed_at": "2026-01-05T10:00:00Z", "lado_name": "Lee"},
            anonymous=ANON,
        ),
    ],
    "api-allegation-entries": [
        Case(
            method="post",
            kwargs={"pk": _naming_dee},
            data={"kind": "note", "text": "Noted."},
            expect=ok_for(DEE, 201),
            anonymous=ANON,
        ),
        Case(method="post", kwargs={"pk": _not_naming_dee}, data={"kind": "note", "text": "Noted."}, anonymous=ANON),
    ],
    "api-allegation-participants": [
        Case(method="post", kwargs={"pk": _naming_dee}, data=lambda w: {"user": w.oscar_dsl.pk}, anonymous=ANON),
    ],
    "api-allegation-outcome": [
        Case(
            method="post",
            kwargs={"pk": _naming_dee},
            data={"outcome": "false", "outcome_on": "2026-01-06"},
            anonymous=ANON,
        ),
    ],
}
