"""Administration routes in the permission matrix (see openics/route_matrix.py).

Only the system administrator (Ada) reaches any of them; every other
signed-in persona gets 404, as for a page that does not exist.
"""

from __future__ import annotations

from typing import Any

from openics.route_matrix import Case

ADMIN_ONLY = {"ada_admin": 200}
ADMIN_REDIRECT = {"ada_admin": 302}


def _sam_role(w: Any) -> int:
    return w.sam_sw.role_assignments.get().pk  # type: ignore[no-any-return]


NEW_SCHOOL = {"name": "Matrix Primary", "kind": "school", "nation": "ENG", "urn": "100001"}


def _new_team(w: Any) -> dict[str, Any]:
    return {"organisation": w.la.pk, "name": "Matrix Team", "parent": w.service.pk}


def _org_edit(w: Any) -> dict[str, Any]:
    return {"name": "Grange Primary School", "kind": "school", "nation": "ENG", "urn": "114999", "active": "on"}


def _team_edit(w: Any) -> dict[str, Any]:
    return {"organisation": w.la.pk, "name": "Assessment Team North", "parent": w.service.pk, "active": "on"}


def _new_staff(w: Any) -> dict[str, Any]:
    return {
        "username": "matrix_sw",
        "first_name": "Mat",
        "last_name": "Rix",
        "email": "matrix@example.org",
        "organisation": w.la.pk,
        "role": "sw",
        "team": w.north.pk,
    }


def _staff_edit(w: Any) -> dict[str, Any]:
    return {
        "username": "sam_sw",
        "first_name": "Sam",
        "last_name": "Tester",
        "email": "sam_sw@example.org",
        "organisation": w.la.pk,
    }


def _new_role(w: Any) -> dict[str, Any]:
    return {"role": "iro", "organisation": w.la.pk, "team": w.service.pk}


ROUTES: dict[str, list[Case]] = {
    "admin-home": [Case(expect=ADMIN_ONLY)],
    "admin-organisations": [
        Case(expect=ADMIN_ONLY),
        Case(query="q=Grange&kind=school", expect=ADMIN_ONLY),
    ],
    "admin-organisation-add": [
        Case(expect=ADMIN_ONLY),
        Case(method="post", data=NEW_SCHOOL, expect=ADMIN_REDIRECT),
    ],
    "admin-organisation-edit": [
        Case(kwargs={"org_id": "school"}, expect=ADMIN_ONLY),
        Case(method="post", kwargs={"org_id": "school"}, data=_org_edit, expect=ADMIN_REDIRECT),
    ],
    "admin-teams": [Case(expect=ADMIN_ONLY)],
    "admin-team-add": [
        Case(expect=ADMIN_ONLY),
        Case(method="post", data=_new_team, expect=ADMIN_REDIRECT),
    ],
    "admin-team-edit": [
        Case(kwargs={"team_id": "north"}, expect=ADMIN_ONLY),
        Case(method="post", kwargs={"team_id": "north"}, data=_team_edit, expect=ADMIN_REDIRECT),
    ],
    "admin-staff": [
        Case(expect=ADMIN_ONLY),
        Case(query="role=sw&status=active", expect=ADMIN_ONLY),
    ],
    "admin-staff-add": [
        Case(expect=ADMIN_ONLY),
        Case(method="post", data=_new_staff, expect=ADMIN_REDIRECT),
    ],
    "admin-staff-detail": [Case(kwargs={"staff_id": "sam_sw"}, expect=ADMIN_ONLY)],
    "admin-staff-edit": [
        Case(kwargs={"staff_id": "sam_sw"}, expect=ADMIN_ONLY),
        Case(method="post", kwargs={"staff_id": "sam_sw"}, data=_staff_edit, expect=ADMIN_REDIRECT),
    ],
    "admin-staff-password": [
        Case(kwargs={"staff_id": "sam_sw"}, expect=ADMIN_ONLY),
        Case(
            method="post",
            kwargs={"staff_id": "sam_sw"},
            data={"password": "a temporary passphrase 42"},
            expect=ADMIN_REDIRECT,
        ),
    ],
    "admin-role-add": [
        Case(kwargs={"staff_id": "sam_sw"}, expect=ADMIN_ONLY),
        Case(method="post", kwargs={"staff_id": "sam_sw"}, data=_new_role, expect=ADMIN_REDIRECT),
    ],
    "admin-role-end": [
        Case(method="post", kwargs={"staff_id": "sam_sw", "role_id": _sam_role}, expect=ADMIN_REDIRECT),
    ],
    "admin-staff-deactivate": [Case(method="post", kwargs={"staff_id": "sam_sw"}, expect=ADMIN_REDIRECT)],
    "admin-staff-reactivate": [Case(method="post", kwargs={"staff_id": "sam_sw"}, expect=ADMIN_REDIRECT)],
    "admin-staff-reset-mfa": [Case(method="post", kwargs={"staff_id": "sam_sw"}, expect=ADMIN_REDIRECT)],
    "admin-staff-unlock": [Case(method="post", kwargs={"staff_id": "sam_sw"}, expect=ADMIN_REDIRECT)],
}
