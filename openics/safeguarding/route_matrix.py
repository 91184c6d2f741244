"""School safeguarding routes in the permission matrix (see openics/route_matrix.py).

Amy is on roll at Grange Primary, where Dee is DSL and Tom teaches; Oscar is
DSL of another school.  Anyone with a school role may record a concern about
a pupil of their school (Tom and Dee about Amy; Oscar only reaches the form).
Only Dee reads Amy's child protection file; Tom reads back the concern he
recorded, and adds to it, but not the file, the queue or the decisions.
"""

from __future__ import annotations

from typing import Any

from openics.route_matrix import Case, ok_for

SCHOOL = ("dee_dsl", "tom_teacher", "oscar_dsl")
LEADS = ("dee_dsl", "oscar_dsl")
ANON = 401


def _concern(w: Any, **extra: Any) -> int:
    """A concern about Amy recorded by Tom, her teacher."""
    import datetime as dt

    from django.utils import timezone

    from openics.safeguarding.actions import do_record_concern

    data = {
        "account": "Amy said her dad hit her with a belt.",
        "childs_words": "Daddy hit me with his belt",
        "categories": ["physical"],
        "location": "Classroom 3",
        "action_taken": "Listened; told the DSL at once.",
        "occurred_at": timezone.now() - dt.timedelta(hours=1),
        "dsl_informed_verbally": True,
        "body_map": [{"view": "back", "x": 0.5, "y": 0.3, "note": "Red marks"}],
        **extra,
    }
    return do_record_concern(w.amy, actor=w.tom_teacher, school=w.school, data=data).pk


def _fgm_concern(w: Any) -> int:
    return _concern(w, categories=["fgm"], fgm_known=True)


def _new_concern_form(w: Any) -> dict[str, Any]:
    from django.utils import timezone

    today = timezone.localdate()
    return {
        "child": str(w.amy.pk),
        "occurred_on_day": str(today.day),
        "occurred_on_month": str(today.month),
        "occurred_on_year": str(today.year),
        "occurred_time": "00:01",
        "location": "Playground",
        "account": "Bruise on the left arm.",
        "categories": ["physical"],
        "marks": "front 0.3 0.25 Bruise",
        "action_taken": "Told the DSL.",
        "dsl_informed_verbally": "yes",
    }


def _new_concern_api(w: Any) -> dict[str, Any]:
    return {
        "child": w.amy.pk,
        "occurred_at": "2026-01-05T10:00:00Z",
        "location": "Playground",
        "account": "Bruise on the left arm.",
        "categories": ["physical"],
        "body_map": [{"view": "front", "x": 0.3, "y": 0.25, "note": "Bruise"}],
        "action_taken": "Told the DSL.",
        "dsl_informed_verbally": True,
    }


DECISION_FORM = {
    "outcome": "monitor",
    "parents_informed": "yes",
    "rationale": "Explanation consistent; monitor for two weeks.",
}
DECISION_API = {"outcome": "monitor", "parents_informed": True, "rationale": "Monitor for two weeks."}


ROUTES: dict[str, list[Case]] = {
    "safeguarding-home": [Case(expect=ok_for(SCHOOL))],
    "concern-new": [
        Case(expect=ok_for(SCHOOL)),
        # Oscar's school does not have Amy on roll: she is not offered (a form error).
        Case(method="post", data=_new_concern_form, expect={"dee_dsl": 302, "tom_teacher": 302, "oscar_dsl": 400}),
    ],
    "concern-queue": [Case(expect=ok_for(LEADS))],
    "concern-detail": [Case(kwargs={"concern_id": _concern}, expect=ok_for(("dee_dsl", "tom_teacher")))],
    "concern-add": [
        Case(kwargs={"concern_id": _concern}, expect=ok_for(("dee_dsl", "tom_teacher"))),
        Case(
            method="post",
            kwargs={"concern_id": _concern},
            data={"text": "Amy's brother said the same."},
            expect=ok_for(("dee_dsl", "tom_teacher"), 302),
        ),
    ],
    "concern-decide": [
        Case(kwargs={"concern_id": _concern}, expect=ok_for(("dee_dsl",))),
        Case(method="post", kwargs={"concern_id": _concern}, data=DECISION_FORM, expect=ok_for(("dee_dsl",), 302)),
    ],
    "concern-fgm": [
        Case(kwargs={"concern_id": _fgm_concern}, expect=ok_for(("tom_teacher",))),
        Case(
            method="post",
            kwargs={"concern_id": _fgm_concern},
            data=lambda w: {
                "notified_on_day": "5",
                "notified_on_month": "1",
                "notified_on_year": "2026",
                "notified_time": "10:30",
                "police_reference": "FGM/123",
            },
            expect=ok_for(("tom_teacher",), 302),
        ),
    ],
    "concern-pdf": [Case(kwargs={"concern_id": _concern}, expect=ok_for(("dee_dsl",)))],
    "child-concerns": [Case(kwargs={"child_id": "amy"}, expect=ok_for(("dee_dsl",)))],
    "api-concern-list": [
        Case(
            expect={
                **ok_for(
                    (
                        "sam_sw",
                        "tara_ta",
                        "pat_pm",
                        "sean_sm",
                        "olu_other",
                        "iris_iro",
                        "tom_teacher",
                        "nina_nurse",
                        "ada_admin",
                    ),
                    403,
                ),
                **ok_for(LEADS),
            },
            anonymous=ANON,
        ),
        Case(
            method="post",
            data=_new_concern_api,
            # Social care staff see Amy but have no school: refused, 403.
            expect={
                **ok_for(("sam_sw", "tara_ta", "pat_pm", "sean_sm"), 403),
                **ok_for(("dee_dsl", "tom_teacher"), 201),
            },
            anonymous=ANON,
        ),
    ],
    "api-concern-detail": [
        Case(kwargs={"pk": _concern}, expect=ok_for(("dee_dsl", "tom_teacher")), anonymous=ANON),
    ],
    "api-concern-additions": [
        Case(
            method="post",
            kwargs={"pk": _concern},
            data={"text": "More to add."},
            expect=ok_for(("dee_dsl", "tom_teacher"), 201),
            anonymous=ANON,
        )
    ],
    "api-concern-decision": [
        Case(
            method="post", kwargs={"pk": _concern}, data=DECISION_API, expect=ok_for(("dee_dsl",), 201), anonymous=ANON
        )
    ],
    "api-concern-fgm-notification": [
        Case(
            method="post",
            kwargs={"pk": _fgm_concern},
            data={"notified_at": "2026-01-05T10:30:00Z", "police_reference": "FGM/1"},
            # The duty is the teacher's own: the DSL reads the concern but is refused.
            expect={"dee_dsl": 403, "tom_teacher": 201},
            anonymous=ANON,
        )
    ],
}
