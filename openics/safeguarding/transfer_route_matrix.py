"""Transfer of child protection files in the permission matrix (see
openics/route_matrix.py).

Amy is on roll at Grange Primary (Dee is DSL); Oscar is DSL of Riverside
Academy.  A transfer of Amy's file from Grange to Riverside is seen by Dee
(sender) and Oscar (receiver) only; Oscar confirms receipt, Dee cannot.
A package to a school not on OpenICS is Dee's alone.  Everyone else gets
404 (403 on the API lists, which name no child).
"""

from __future__ import annotations

from typing import Any

from openics.route_matrix import Case, ok_for

LEADS = ("dee_dsl", "oscar_dsl")
NOT_LEADS = (
    "sam_sw",
    "tara_ta",
    "pat_pm",
    "sean_sm",
    "olu_other",
    "iris_iro",
    "tom_teacher",
    "nina_nurse",
    "ada_admin",
)
ANON = 401


def _left_on() -> Any:
    from django.utils import timezone

    return timezone.localdate()


def _transfer(w: Any) -> int:
    """Amy's file sent from Grange (Dee) to Riverside (Oscar); one open
    transfer per file, so a world used for many pages reuses it."""
    from openics.safeguarding.models import FileTransfer
    from openics.safeguarding.transfers import do_start_transfer

    existing = FileTransfer.objects.open().filter(child=w.amy, from_school=w.school, to_school=w.other_school).first()
    if existing is not None:
        return existing.pk
    return do_start_transfer(
        w.amy, actor=w.dee_dsl, from_school=w.school, to_school=w.other_school, left_on=_left_on()
    ).pk


def _package(w: Any) -> int:
    """Ben's file (another Grange pupil) for a school not on OpenICS, its package downloaded."""
    from django.utils import timezone

    from openics.core import testing as t
    from openics.core.models import Person
    from openics.safeguarding.models import FileTransfer
    from openics.safeguarding.transfers import do_start_transfer

    existing = FileTransfer.objects.open().filter(from_school=w.school, method="package").first()
    if existing is not None:
        return existing.pk
    ben = Person.objects.create(is_child=True, first_name="Ben", last_name="Example")
    t.enrol(ben, w.school)
    transfer = do_start_transfer(
        ben, actor=w.dee_dsl, from_school=w.school, to_school_name="St Elsewhere School, Leeds", left_on=_left_on()
    )
    FileTransfer.objects.filter(pk=transfer.pk).update(package_downloaded_at=timezone.now())
    return transfer.pk


def _request(w: Any) -> int:
    """Grange (Dee) asks Riverside (Oscar) for Amy's file."""
    from openics.safeguarding.transfers import do_request_file

    return do_request_file(
        w.amy, actor=w.dee_dsl, school=w.school, previous_school=w.other_school, joined_on=_left_on()
    ).pk


def _start_form(w: Any) -> dict[str, Any]:
    today = _left_on()
    return {
        "to_school": str(w.other_school.pk),
        "left_on_day": str(today.day),
        "left_on_month": str(today.month),
        "left_on_year": str(today.year),
    }


def _request_form(w: Any) -> dict[str, Any]:
    today = _left_on()
    return {
        "child": str(w.amy.pk),
        "previous_school": str(w.other_school.pk),
        "joined_on_day": str(today.day),
        "joined_on_month": str(today.month),
        "joined_on_year": str(today.year),
    }


def _receipt_form(w: Any) -> dict[str, Any]:
    today = _left_on()
    return {
        "received_by_name": "J Smith, DSL",
        "received_on_day": str(today.day),
        "received_on_month": str(today.month),
        "received_on_year": str(today.year),
        "received_how": "Signed receipt slip",
    }


ROUTES: dict[str, list[Case]] = {
    "transfer-list": [Case(expect=ok_for(LEADS))],
    "transfer-start": [
        Case(kwargs={"child_id": "amy"}, expect=ok_for(("dee_dsl",))),
        Case(method="post", kwargs={"child_id": "amy"}, data=_start_form, expect=ok_for(("dee_dsl",), 302)),
    ],
    "transfer-detail": [Case(kwargs={"transfer_id": _transfer}, expect=ok_for(LEADS))],
    "transfer-confirm": [
        Case(method="post", kwargs={"transfer_id": _transfer}, expect={"oscar_dsl": 302, "dee_dsl": 403}),
    ],
    "transfer-receipt": [
        Case(method="post", kwargs={"transfer_id": _package}, data=_receipt_form, expect={"dee_dsl": 302}),
    ],
    "transfer-package-zip": [Case(kwargs={"transfer_id": _package}, expect=ok_for(("dee_dsl",)))],
    "transfer-request-new": [
        Case(expect=ok_for(LEADS)),
        # Amy is not on Riverside's roll: not offered to Oscar (a form error).
        Case(method="post", data=_request_form, expect={"dee_dsl": 302, "oscar_dsl": 400}),
    ],
    "transfer-request-remind": [
        Case(method="post", kwargs={"request_id": _request}, expect={"dee_dsl": 302, "oscar_dsl": 403}),
    ],
    "transfer-request-answer": [
        Case(kwargs={"request_id": _request}, expect=ok_for(LEADS)),
        Case(
            method="post",
            kwargs={"request_id": _request},
            data={"answer": "no_file"},
            expect={"oscar_dsl": 302, "dee_dsl": 403},
        ),
    ],
    "api-cp-transfer-list": [
        Case(expect={**ok_for(NOT_LEADS, 403), **ok_for(LEADS)}, anonymous=ANON),
        Case(
            method="post",
            data=lambda w: {"child": w.amy.pk, "to_school": w.other_school.pk, "left_on": str(_left_on())},
            expect={"dee_dsl": 201},
            anonymous=ANON,
        ),
    ],
    "api-cp-transfer-detail": [Case(kwargs={"pk": _transfer}, expect=ok_for(LEADS), anonymous=ANON)],
    "api-cp-transfer-confirm": [
        Case(method="post", kwargs={"pk": _transfer}, expect={"oscar_dsl": 200, "dee_dsl": 403}, anonymous=ANON),
    ],
    "api-cp-transfer-receipt": [
        Case(
            method="post",
            kwargs={"pk": _package},
            data={"received_by_name": "J Smith", "received_at": "2026-01-05T10:00:00Z", "received_how": "Email"},
            # The package was started now: a receipt in the past is refused (400), shown to the sender only.
            expect={"dee_dsl": 400},
            anonymous=ANON,
        ),
    ],
    "api-cp-file-request-list": [
        Case(expect={**ok_for(NOT_LEADS, 403), **ok_for(LEADS)}, anonymous=ANON),
        Case(
            method="post",
            data=lambda w: {"child": w.amy.pk, "previous_school": w.other_school.pk, "joined_on": str(_left_on())},
            expect={**ok_for(NOT_LEADS, 403), "dee_dsl": 201, "oscar_dsl": 400},
            anonymous=ANON,
        ),
    ],
    "api-cp-file-request-detail": [Case(kwargs={"pk": _request}, expect=ok_for(LEADS), anonymous=ANON)],
    "api-cp-file-request-remind": [
        Case(method="post", kwargs={"pk": _request}, expect={"dee_dsl": 200, "oscar_dsl": 403}, anonymous=ANON),
    ],
    "api-cp-file-request-answer": [
        Case(
            method="post",
            kwargs={"pk": _request},
            data={"answer": "sent"},
            expect={"oscar_dsl": 200, "dee_dsl": 403},
            anonymous=ANON,
        ),
    ],
}
