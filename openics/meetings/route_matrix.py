"""Meeting routes in the permission matrix (see openics/route_matrix.py).

A review and planning meeting is in Amy's plans part: Sam, Tara, Pat, Sean
and her school's DSL Dee may read and write it.  A child protection
conference is social care: the four social care readers only; Dee and Tom
(school staff, core record only) get 404 like everyone without grounds.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from openics.route_matrix import Case, ok_for

PLAN_READERS = ("sam_sw", "tara_ta", "pat_pm", "sean_sm", "dee_dsl")
SOCIAL_CARE_READERS = ("sam_sw", "tara_ta", "pat_pm", "sean_sm")
ANON = 401


def _future(w: Any) -> int:
    from openics.meetings.tests.factories import make_meeting

    return make_meeting(w).pk


def _conference(w: Any) -> int:
    from openics.meetings.tests.factories import make_meeting

    return make_meeting(w, kind="icpc").pk


def _past(w: Any) -> int:
    from openics.meetings.tests.factories import make_meeting

    return make_meeting(w, days=-1).pk


def _held(w: Any) -> int:
    from openics.meetings.tests.factories import make_meeting

    return make_meeting(w, days=-1, held=True).pk


def _latest(w: Any) -> Any:
    from openics.meetings.tests.factories import latest

    return latest(w)


def _tomorrow() -> dt.date:
    from django.utils import timezone

    return timezone.localdate() + dt.timedelta(days=1)


def _plan_form(kind: str) -> Any:
    def data(w: Any) -> dict[str, str]:
        day = _tomorrow()
        return {
            "kind": kind,
            "date_day": str(day.day),
            "date_month": str(day.month),
            "date_year": str(day.year),
            "start": "10:00",
            "end": "11:30",
            "mode": "in_person",
            "place": "Grange Primary School",
        }

    return data


def _edit_form(w: Any) -> dict[str, str]:
    meeting = _latest(w)
    day = _tomorrow() + dt.timedelta(days=1)
    return {
        "version": str(meeting.version),
        "date_day": str(day.day),
        "date_month": str(day.month),
        "date_year": str(day.year),
        "start": "13:00",
        "end": "14:00",
        "mode": "video",
        "place": "Teams link sent separately",
    }


def _invite_form(w: Any) -> dict[str, Any]:
    return {"participants": [p.pk for p in _latest(w).participants.all()]}


def _record_form(w: Any) -> dict[str, str]:
    meeting = _latest(w)
    data = {
        "version": str(meeting.version),
        "child_participation": "views_sent",
        "minutes": "Matrix minutes",
        "actions-0-what": "Call the family",
        "actions-0-who": "Sam",
    }
    for p in meeting.participants.all():
        data[f"attendance-{p.pk}"] = "attended"
    return data


def _send_form(w: Any) -> dict[str, str]:
    meeting = _latest(w)
    data = {"language": "English"}
    for p in meeting.participants.all():
        data[f"copy-{p.pk}"] = "send" if p.kind != "supporter" else "withhold"
        data[f"reason-{p.pk}"] = "" if p.kind != "supporter" else "Risk to the child"
    return data


def _record_api(w: Any) -> dict[str, Any]:
    meeting = _latest(w)
    return {
        "version": meeting.version,
        "attendance": [{"participant": p.pk, "attendance": "attended"} for p in meeting.participants.all()],
        "child_participation": "attended",
        "minutes": "Matrix",
        "actions": [{"what": "Visit", "who": "Sam", "due_on": _tomorrow().isoformat()}],
    }


def _send_api(w: Any) -> dict[str, Any]:
    meeting = _latest(w)
    people = list(meeting.participants.all())
    return {
        "send_to": [p.pk for p in people if p.kind != "supporter"],
        "withhold": [{"participant": p.pk, "reason": "Risk"} for p in people if p.kind == "supporter"],
    }


def _create_api(kind: str) -> Any:
    def data(w: Any) -> dict[str, Any]:
        day = _tomorrow()
        return {
            "kind": kind,
            "starts_at": f"{day.isoformat()}T10:00:00Z",
            "ends_at": f"{day.isoformat()}T11:00:00Z",
            "place": "Civic centre",
        }

    return data


def _held_review(w: Any) -> int:
    """A held Stage 2 review about Amy, and her Stage 2 plan agreed a month ago."""
    from openics.meetings.tests.factories import make_meeting
    from openics.plans.tests.factories import agreed_plan

    today = _tomorrow() - dt.timedelta(days=1)
    agreed_plan(
        w.amy,
        w.sam_sw,
        "stage2-action-plan",
        agreed_on=today - dt.timedelta(days=30),
        next_review_on=today + dt.timedelta(days=30),
    )
    return make_meeting(w, kind="stage_review", days=-1, held=True).pk


def _review_api(w: Any) -> dict[str, Any]:
    from openics.plans.actions import current_version
    from openics.plans.models import Plan

    plan = Plan.objects.filter(child=w.amy).latest("pk")
    version = current_version(plan)
    assert version is not None
    return {
        "plan": plan.pk,
        "outcomes": [
            {
                "outcome": o["key"],
                "happened": "Attendance rose",
                "progress": "partly",
                "targets": {t["key"]: "partly" for t in o["targets"]},
            }
            for o in version.content["outcomes"]
        ],
        "decision": "continue",
        "decision_reason": "Good progress",
        "next_review_on": (_tomorrow() + dt.timedelta(days=40)).isoformat(),
    }


ROUTES: dict[str, list[Case]] = {
    "child-meetings": [Case(kwargs={"child_id": "amy"}, expect=ok_for(PLAN_READERS))],
    "meeting-plan": [
        Case(kwargs={"child_id": "amy"}, expect=ok_for(PLAN_READERS)),
        Case(
            method="post",
            kwargs={"child_id": "amy"},
            data=_plan_form("review_planning"),
            expect=ok_for(PLAN_READERS, 302),
        ),
        # Dee is not offered a conference: the form says so.
        Case(
            method="post",
            kwargs={"child_id": "amy"},
            data=_plan_form("icpc"),
            expect={**ok_for(SOCIAL_CARE_READERS, 302), "dee_dsl": 400},
        ),
        Case(method="post", kwargs={"child_id": "amy"}, data={}, expect=ok_for(PLAN_READERS, 400)),
    ],
    "meeting-detail": [
        Case(kwargs={"meeting_id": _future}, expect=ok_for(PLAN_READERS)),
        Case(kwargs={"meeting_id": _conference}, expect=ok_for(SOCIAL_CARE_READERS)),
    ],
    "meeting-edit": [
        Case(kwargs={"meeting_id": _future}, expect=ok_for(PLAN_READERS)),
        Case(method="post", kwargs={"meeting_id": _future}, data=_edit_form, expect=ok_for(PLAN_READERS, 302)),
        Case(
            method="post", kwargs={"meeting_id": _conference}, data=_edit_form, expect=ok_for(SOCIAL_CARE_READERS, 302)
        ),
    ],
    "meeting-participants": [
        Case(kwargs={"meeting_id": _future}, expect=ok_for(PLAN_READERS)),
        Case(
            method="post",
            kwargs={"meeting_id": _future},
            data={"name": "Gran Example", "email": "gran@example.net", "kind": "parent_carer"},
            expect=ok_for(PLAN_READERS, 302),
        ),
        Case(
            method="post",
            kwargs={"meeting_id": _future},
            data={"kind": "professional"},
            expect=ok_for(PLAN_READERS, 400),
        ),
    ],
    "meeting-invite": [
        Case(kwargs={"meeting_id": _future}, expect=ok_for(PLAN_READERS)),
        Case(method="post", kwargs={"meeting_id": _future}, data=_invite_form, expect=ok_for(PLAN_READERS, 302)),
        Case(
            method="post",
            kwargs={"meeting_id": _conference},
            data=_invite_form,
            expect=ok_for(SOCIAL_CARE_READERS, 302),
        ),
    ],
    "meeting-cancel": [
        Case(kwargs={"meeting_id": _future}, expect=ok_for(PLAN_READERS)),
        Case(
            method="post",
            kwargs={"meeting_id": _future},
            data={"reason": "Chair ill"},
            expect=ok_for(PLAN_READERS, 302),
        ),
        Case(method="post", kwargs={"meeting_id": _future}, data={"reason": ""}, expect=ok_for(PLAN_READERS, 400)),
    ],
    "meeting-record": [
        Case(kwargs={"meeting_id": _past}, expect=ok_for(PLAN_READERS)),
        Case(method="post", kwargs={"meeting_id": _past}, data=_record_form, expect=ok_for(PLAN_READERS, 302)),
        # The meeting has not happened yet: refused with a message.
        Case(method="post", kwargs={"meeting_id": _future}, data=_record_form, expect=ok_for(PLAN_READERS, 409)),
    ],
    "meeting-send-record": [
        Case(kwargs={"meeting_id": _held}, expect=ok_for(PLAN_READERS)),
        Case(method="post", kwargs={"meeting_id": _held}, data=_send_form, expect=ok_for(PLAN_READERS, 302)),
    ],
    # The printable record (re-authentication first): only once the meeting is held.
    "meeting-record-pdf": [
        Case(kwargs={"meeting_id": _held}, expect=ok_for(PLAN_READERS)),
        Case(kwargs={"meeting_id": _future}, expect=ok_for(PLAN_READERS, 409)),
    ],
    "meeting-distribution": [
        Case(kwargs={"meeting_id": _held}, expect=ok_for(PLAN_READERS)),
        Case(
            method="post",
            kwargs={"meeting_id": _held},
            data={"recipient": "Jo Example", "method": "post", "language": "Polish"},
            expect=ok_for(PLAN_READERS, 302),
        ),
        Case(
            method="post",
            kwargs={"meeting_id": _held},
            data={"recipient": "Jo Example", "withheld": "on"},
            expect=ok_for(PLAN_READERS, 400),
        ),
    ],
    "api-child-meeting-list": [
        Case(kwargs={"child_id": "amy"}, expect=ok_for(PLAN_READERS), anonymous=ANON),
        Case(
            method="post",
            kwargs={"child_id": "amy"},
            data=_create_api("review_planning"),
            expect=ok_for(PLAN_READERS, 201),
            anonymous=ANON,
        ),
        Case(
            method="post",
            kwargs={"child_id": "amy"},
            data=_create_api("rcpc"),
            expect=ok_for(SOCIAL_CARE_READERS, 201),
            anonymous=ANON,
        ),
    ],
    "api-meeting-detail": [
        Case(kwargs={"pk": _future}, expect=ok_for(PLAN_READERS), anonymous=ANON),
        Case(kwargs={"pk": _conference}, expect=ok_for(SOCIAL_CARE_READERS), anonymous=ANON),
        Case(
            method="patch",
            kwargs={"pk": _future},
            data=lambda w: {"version": _latest(w).version, "place": "Civic centre room 4"},
            expect=ok_for(PLAN_READERS),
            anonymous=ANON,
        ),
    ],
    "api-meeting-participants": [
        Case(
            method="post",
            kwargs={"pk": _future},
            data={"name": "Gran Example", "email": "gran@example.net", "kind": "parent_carer"},
            expect=ok_for(PLAN_READERS, 201),
            anonymous=ANON,
        )
    ],
    "api-meeting-invitations": [
        Case(method="post", kwargs={"pk": _future}, data=_invite_form, expect=ok_for(PLAN_READERS), anonymous=ANON)
    ],
    "api-meeting-cancel": [
        Case(
            method="post",
            kwargs={"pk": _conference},
            data={"reason": "Family asked"},
            expect=ok_for(SOCIAL_CARE_READERS),
            anonymous=ANON,
        )
    ],
    "api-meeting-outcome": [
        Case(method="post", kwargs={"pk": _past}, data=_record_api, expect=ok_for(PLAN_READERS), anonymous=ANON),
        Case(method="post", kwargs={"pk": _future}, data=_record_api, expect=ok_for(PLAN_READERS, 409), anonymous=ANON),
    ],
    "api-meeting-record-copies": [
        Case(method="post", kwargs={"pk": _held}, data=_send_api, expect=ok_for(PLAN_READERS, 201), anonymous=ANON)
    ],
    # The review of a Stage 2 plan: written by Sam or Dee, not by Tara, Pat or Sean (403).
    "api-meeting-plan-review": [
        Case(
            method="post",
            kwargs={"pk": _held_review},
            data=_review_api,
            expect={**ok_for(("tara_ta", "pat_pm", "sean_sm"), 403), **ok_for(("sam_sw", "dee_dsl"), 201)},
            anonymous=ANON,
        ),
        # A meeting not yet held cannot hold the review.
        Case(
            method="post",
            kwargs={"pk": lambda w: (_held_review(w), _past(w))[1]},
            data=_review_api,
            expect=ok_for(PLAN_READERS, 409),
            anonymous=ANON,
        ),
    ],
    "api-meeting-distribution": [
        Case(kwargs={"pk": _held}, expect=ok_for(PLAN_READERS), anonymous=ANON),
        Case(
            method="post",
            kwargs={"pk": _held},
            data={"recipient": "Jo Example", "withheld": True, "withheld_reason": ""},
            expect=ok_for(PLAN_READERS, 400),
            anonymous=ANON,
        ),
        Case(
            method="post",
            kwargs={"pk": _held},
            data={"recipient": "Jo Example", "method": "hand"},
            expect=ok_for(PLAN_READERS, 201),
            anonymous=ANON,
        ),
    ],
}
