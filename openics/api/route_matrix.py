"""API routes in the permission matrix (see openics/route_matrix.py).

Requests to `api-*` routes are sent as JSON.  An anonymous client gets 401
(token authentication comes first, so DRF answers with a challenge rather
than 403).  About a child, refusal is 404 as on the pages; opening a record
is refused with 403, since it names no child.

Cases that change something use fresh objects built by the callables below,
so they leave Amy as every other case expects her.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from openics.route_matrix import AMY_READERS, AMY_WRITERS, SIGNED_IN, Case, ok_for

# Staff with a social care team: they may open a record (it is allocated to
# their team).
SOCIAL_CARE = ("sam_sw", "tara_ta", "pat_pm", "sean_sm", "olu_other", "iris_iro")
AMY_MANAGERS = ("pat_pm", "sean_sm")
ADMIN = ("ada_admin",)
ANON = 401


def _version(obj: Any) -> int:
    """The stored version of a directory record (the World's copy may be old)."""
    version: int = type(obj).objects.get(pk=obj.pk).version
    return version


def _amy_relationship(w: Any) -> int:
    from openics.core.models import Person, Relationship

    adult = Person.objects.create(is_child=False, first_name="Ray", last_name="Matrix")
    return Relationship.objects.create(child=w.amy, person=adult, kind="other_family").pk


def _amy_involvement(w: Any) -> int:
    from openics.core.models import Involvement

    return Involvement.objects.create(child=w.amy, kind="agency", organisation=w.health).pk


def _amy_share(w: Any) -> int:
    from django.utils import timezone

    from openics.core.models import Share

    return Share.objects.create(
        child=w.amy,
        organisation=w.health,
        parts=["core"],
        lawful_basis="public_task_safeguarding",
        reason="Health visitor needs the family details",
        shared_by=w.sam_sw,
        expires_at=timezone.now() + dt.timedelta(days=30),
    ).pk


def _amy_edit(w: Any) -> dict[str, Any]:
    from openics.core.models import Person

    return {"version": Person.objects.get(pk=w.amy.pk).version, "known_as": "Ames"}


def _amy_full_edit(w: Any) -> dict[str, Any]:
    from openics.core.models import Person

    amy = Person.objects.get(pk=w.amy.pk)
    return {
        "version": amy.version,
        "first_name": "Amy",
        "last_name": "Example",
        "date_of_birth": "2016-05-04",
        "sex": "F",
        "ethnicity": "WBRI",
        "la_child_id": amy.la_child_id,
    }


def _share_data(w: Any) -> dict[str, Any]:
    from django.utils import timezone

    return {
        "organisation": w.health.pk,
        "parts": ["core"],
        "lawful_basis": "public_task_safeguarding",
        "reason": "The health visitor is working with the family",
        "expires_at": (timezone.now() + dt.timedelta(days=30)).isoformat(),
    }


NEW_CHILD = {"first_name": "Matrix", "last_name": "Apichild", "date_of_birth": "2019-02-01", "sex": "M"}
CHRONOLOGY_ENTRY = {"occurred_on": "2025-02-03", "summary": "Matrix entry", "significance": "routine"}
AMY: dict[str, Any] = {"pk": "amy"}
# Amy's own details: adding her again is refused with the likely matches
# (those who cannot see her are told only that a record may exist).
AMY_AGAIN = {"first_name": "Amy", "last_name": "Example", "date_of_birth": "2016-05-04"}


def _tom_role(w: Any) -> int:
    from openics.core.models import RoleAssignment

    return RoleAssignment.objects.filter(user=w.tom_teacher).values_list("pk", flat=True)[0]


def _tom_token(w: Any) -> dict[str, Any]:
    from openics.core.admin_actions import do_issue_api_token

    do_issue_api_token(w.tom_teacher, actor=None)
    return {}


ROUTES: dict[str, list[Case]] = {
    # The project's own routes (openics/urls.py) have no app of their own:
    # they are listed here with the API's.
    "healthz": [Case(expect=ok_for(SIGNED_IN), anonymous=200)],
    "api-schema": [Case(expect=ok_for(SIGNED_IN), anonymous=ANON)],
    "api-person-list": [
        Case(expect=ok_for(SIGNED_IN), anonymous=ANON),
        Case(query="q=Example", expect=ok_for(SIGNED_IN), anonymous=ANON),
        # Bad search input is a 400 with field errors, never a server error.
        Case(query="date_of_birth=not-a-date", expect=ok_for(SIGNED_IN, 400), anonymous=ANON),
        Case(method="post", data=NEW_CHILD, expect=ok_for(SOCIAL_CARE, 201), default=403, anonymous=ANON),
        Case(method="post", data=AMY_AGAIN, expect=ok_for(SOCIAL_CARE, 400), default=403, anonymous=ANON),
    ],
    "api-person-matches": [
        Case(method="post", data=AMY_AGAIN, expect=ok_for(SOCIAL_CARE), default=403, anonymous=ANON),
    ],
    "api-person-detail": [
        Case(kwargs=AMY, expect=ok_for(AMY_READERS), anonymous=ANON),
        Case(method="patch", kwargs=AMY, data=_amy_edit, expect=ok_for(AMY_WRITERS), anonymous=ANON),
        Case(method="put", kwargs=AMY, data=_amy_full_edit, expect=ok_for(AMY_WRITERS), anonymous=ANON),
    ],
    "api-person-relationships": [
        Case(kwargs=AMY, expect=ok_for(AMY_READERS), anonymous=ANON),
        Case(
            method="post",
            kwargs=AMY,
            data={"new_adult": {"first_name": "Matrix", "last_name": "Carer"}, "kind": "carer"},
            expect=ok_for(AMY_WRITERS, 201),
            anonymous=ANON,
        ),
    ],
    "api-person-relationship-end": [
        Case(
            method="post",
            kwargs={"pk": "amy", "relationship_id": _amy_relationship},
            data={},
            expect=ok_for(AMY_WRITERS),
            anonymous=ANON,
        )
    ],
    "api-person-involvements": [
        Case(kwargs=AMY, expect=ok_for(AMY_READERS), anonymous=ANON),
        Case(
            method="post",
            kwargs=AMY,
            data=lambda w: {"kind": "agency", "organisation": w.health.pk},
            expect=ok_for(AMY_WRITERS, 201),
            anonymous=ANON,
        ),
    ],
    "api-person-involvement-end": [
        Case(
            method="post",
            kwargs={"pk": "amy", "involvement_id": _amy_involvement},
            data={},
            expect=ok_for(AMY_WRITERS),
            anonymous=ANON,
        )
    ],
    "api-person-allocation": [
        Case(
            method="post",
            kwargs=AMY,
            data=lambda w: {"team": w.north.pk, "worker": w.sam_sw.pk},
            expect=ok_for(AMY_MANAGERS, 201),
            anonymous=ANON,
        )
    ],
    "api-person-chronology": [
        Case(kwargs=AMY, expect=ok_for(AMY_READERS), anonymous=ANON),
        Case(method="post", kwargs=AMY, data=CHRONOLOGY_ENTRY, expect=ok_for(AMY_WRITERS, 201), anonymous=ANON),
    ],
    "api-person-who-viewed": [Case(kwargs=AMY, expect=ok_for(AMY_WRITERS), anonymous=ANON)],
    "api-person-shares": [
        Case(kwargs=AMY, expect=ok_for(AMY_WRITERS), anonymous=ANON),
        Case(method="post", kwargs=AMY, data=_share_data, expect=ok_for(AMY_WRITERS, 201), anonymous=ANON),
    ],
    "api-person-share-revoke": [
        Case(
            method="post",
            kwargs={"pk": "amy", "share_id": _amy_share},
            data={},
            expect=ok_for(AMY_WRITERS),
            anonymous=ANON,
        )
    ],
    # The directory: read by all signed-in staff, changed only by the system
    # administrator (403 for everyone else: it is not about a child).
    "api-organisation-list": [
        Case(expect=ok_for(SIGNED_IN), anonymous=ANON),
        Case(
            method="post",
            data={"name": "Matrix Youth Project", "kind": "voluntary"},
            expect=ok_for(ADMIN, 201),
            default=403,
            anonymous=ANON,
        ),
    ],
    "api-organisation-detail": [
        Case(kwargs={"pk": "school"}, expect=ok_for(SIGNED_IN), anonymous=ANON),
        Case(
            method="patch",
            kwargs={"pk": "health"},
            data=lambda w: {"version": _version(w.health), "phone": "01234 567890"},
            expect=ok_for(ADMIN),
            default=403,
            anonymous=ANON,
        ),
    ],
    "api-team-list": [
        Case(expect=ok_for(SIGNED_IN), anonymous=ANON),
        Case(
            method="post",
            data=lambda w: {"organisation": w.la.pk, "name": "Matrix Team", "parent": w.service.pk},
            expect=ok_for(ADMIN, 201),
            default=403,
            anonymous=ANON,
        ),
    ],
    "api-team-detail": [
        Case(kwargs={"pk": "north"}, expect=ok_for(SIGNED_IN), anonymous=ANON),
        Case(
            method="patch",
            kwargs={"pk": "south"},
            data=lambda w: {"version": _version(w.south), "name": "Assessment Team South West"},
            expect=ok_for(ADMIN),
            default=403,
            anonymous=ANON,
        ),
    ],
    "api-staff-list": [
        Case(expect=ok_for(SIGNED_IN), anonymous=ANON),
        Case(
            method="post",
            data=lambda w: {"username": "matrix_new", "last_name": "Starter", "organisation": w.la.pk},
            expect=ok_for(ADMIN, 201),
            default=403,
            anonymous=ANON,
        ),
    ],
    "api-staff-detail": [
        Case(kwargs={"pk": "sam_sw"}, expect=ok_for(SIGNED_IN), anonymous=ANON),
        Case(
            method="patch",
            kwargs={"pk": "tom_teacher"},
            data=lambda w: {"version": _version(w.tom_teacher), "job_title": "Class teacher"},
            expect=ok_for(ADMIN),
            default=403,
            anonymous=ANON,
        ),
    ],
    "api-staff-deactivate": [
        Case(method="post", kwargs={"pk": "tom_teacher"}, data={}, expect=ok_for(ADMIN), default=403, anonymous=ANON)
    ],
    "api-staff-reactivate": [
        Case(method="post", kwargs={"pk": "tom_teacher"}, data={}, expect=ok_for(ADMIN), default=403, anonymous=ANON)
    ],
    # Account administration: only the system administrator, and 404 for
    # everyone else (these operations do not exist for them, as /manage/).
    "api-staff-roles": [
        Case(
            method="post",
            kwargs={"pk": "tom_teacher"},
            data=lambda w: {"role": "ddsl", "organisation": w.school.pk},
            expect=ok_for(ADMIN, 201),
            anonymous=ANON,
        )
    ],
    "api-staff-role-end": [
        Case(
            method="post",
            kwargs={"pk": "tom_teacher", "role_id": _tom_role},
            data={},
            expect=ok_for(ADMIN),
            anonymous=ANON,
        )
    ],
    "api-staff-reset-mfa": [
        Case(method="post", kwargs={"pk": "tom_teacher"}, data={}, expect=ok_for(ADMIN), anonymous=ANON)
    ],
    "api-staff-temporary-password": [
        Case(
            method="post",
            kwargs={"pk": "tom_teacher"},
            data={"password": "a long temporary passphrase"},
            expect=ok_for(ADMIN, 204),
            anonymous=ANON,
        )
    ],
    "api-staff-tokens": [
        Case(kwargs={"pk": "tom_teacher"}, expect=ok_for(ADMIN), anonymous=ANON),
        Case(
            method="post",
            kwargs={"pk": "tom_teacher"},
            data={"name": "School MIS"},
            expect=ok_for(ADMIN, 201),
            anonymous=ANON,
        ),
    ],
    "api-staff-tokens-revoke": [
        Case(method="post", kwargs={"pk": "tom_teacher"}, data=_tom_token, expect=ok_for(ADMIN), anonymous=ANON)
    ],
}
