"""Core routes in the permission matrix (see openics/route_matrix.py).

Callables in `kwargs` and `data` build what a case needs (a fresh child, a
relationship to end) from the World; cases that change a record use such
fresh objects so they leave Amy as every other case expects her.
"""

from __future__ import annotations

from typing import Any

from openics.route_matrix import AMY_READERS, AMY_WRITERS, SIGNED_IN, Case, ok_for

# Staff who open new records and may use emergency access: social care.
SOCIAL_CARE = ("sam_sw", "tara_ta", "pat_pm", "sean_sm", "olu_other", "iris_iro")
# Managers over Amy's allocated team (North, inside the service).
AMY_MANAGERS = ("pat_pm", "sean_sm")
# Who may open Amy's confidential addresses: her social worker and managers.
CONFIDENTIAL_READERS = ("sam_sw", *AMY_MANAGERS)


def _north_child(w: Any, **extra: Any) -> int:
    """A new child allocated to Sam in the North team."""
    from openics.core import testing as t

    child = t.make_child("Matrix", "Child", **extra)
    t.allocate(child, w.north, w.sam_sw)
    return child.pk


def _restricted_north_child(w: Any) -> int:
    from openics.core.models import Person, RestrictionAllow

    pk = _north_child(w, restriction="high_profile")
    child = Person.objects.get(pk=pk)
    for user in (w.pat_pm, w.sean_sm):
        RestrictionAllow.objects.create(child=child, user=user, added_by=w.pat_pm)
    return pk


def _sealed_child(w: Any) -> int:
    """A restricted child nobody in the World is allowed: for break-glass."""
    return _north_child(w, restriction="high_risk")


def _amy_relationship(w: Any) -> int:
    from openics.core.models import Person, Relationship

    adult = Person.objects.create(is_child=False, first_name="Ray", last_name="Example")
    return Relationship.objects.create(child=w.amy, person=adult, kind="other_family").pk


def _amy_adult(w: Any) -> int:
    """A fresh adult in Amy's life (version 1, so every persona's edit is current)."""
    from openics.core.models import Person, Relationship

    adult = Person.objects.create(is_child=False, first_name="Jo", last_name="Example")
    Relationship.objects.create(child=w.amy, person=adult, kind="mother")
    return adult.pk


def _confidential_address(w: Any) -> int:
    """A confidential address of a fresh adult in Amy's life."""
    from openics.core.models import Address

    adult_id = _amy_adult(w)
    return Address.objects.create(
        person_id=adult_id, line1="1 Refuge Lane", town="Northtown", postcode="SS1 9ZZ", confidential=True
    ).pk


def _unrelated_adult(w: Any) -> int:
    """An adult in no relationship with Amy: refused to everyone through her record."""
    from openics.core.models import Person

    return Person.objects.create(is_child=False, first_name="Una", last_name="Related").pk


ADULT_EDIT = {
    "version": "1",
    "first_name": "Jo",
    "last_name": "Example",
    "sex": "F",
    "ethnicity": "WBRI",
    "religion": "unknown",
    "first_language": "English",
    "phone": "01234 567890",
}


def _amy_involvement(w: Any) -> int:
    from openics.core.models import Involvement

    return Involvement.objects.create(child=w.amy, kind="agency", organisation=w.health).pk


def _amy_edit(w: Any) -> dict[str, Any]:
    from openics.core.models import Person

    amy = Person.objects.get(pk=w.amy.pk)
    return {
        "version": str(amy.version),
        "first_name": "Amy",
        "last_name": "Example",
        "date_of_birth_day": "4",
        "date_of_birth_month": "5",
        "date_of_birth_year": "2016",
        "sex": "F",
        "ethnicity": "WBRI",
        "religion": amy.religion,
        "first_language": "English",
        "la_child_id": amy.la_child_id,
    }


def _merge(w: Any) -> int:
    """A merge of a fresh duplicate into a fresh child, for an administrator to reverse."""
    from openics.core.actions import do_merge_people
    from openics.core.models import Person

    keep = Person.objects.get(pk=_north_child(w))
    duplicate = Person.objects.get(pk=_north_child(w))
    return do_merge_people(keep, actor=w.pat_pm, duplicate=duplicate, reason="Same child").pk


def _grant(w: Any) -> int:
    """Sam's emergency access to a sealed child, for the managers to review."""
    from openics.core.actions import do_break_glass
    from openics.core.models import Person

    child = Person.objects.get(pk=_sealed_child(w))
    return do_break_glass(child, actor=w.sam_sw, reason="Out of hours emergency").pk


NEW_CHILD = {
    "confirmed": "yes",
    "person-first_name": "Matrix",
    "person-last_name": "Newchild",
    "person-date_of_birth_day": "1",
    "person-date_of_birth_month": "2",
    "person-date_of_birth_year": "2019",
    "person-sex": "M",
    "person-ethnicity": "NOBT",
    "person-religion": "unknown",
}

ROUTES: dict[str, list[Case]] = {
    "home": [Case(expect=ok_for(SIGNED_IN, 302))],
    "login": [Case(expect=ok_for(SIGNED_IN), anonymous=200)],
    "logout": [Case(method="post", expect=ok_for(SIGNED_IN, 302), anonymous=302)],
    # Tests sign in without a second factor: these pages then send the user on.
    "mfa-verify": [Case(expect=ok_for(SIGNED_IN, 302))],
    "mfa-setup": [Case(expect=ok_for(SIGNED_IN))],
    # The footer's language choice: everyone, signed in or not.
    "set_language": [
        Case(method="post", data={"language": "cy", "next": "/"}, expect=ok_for(SIGNED_IN, 302), anonymous=302)
    ],
    "confirm-identity": [
        Case(expect=ok_for(SIGNED_IN)),
        # A wrong password is a 400 with the error, for everyone.
        Case(method="post", data={"password": "wrong"}, expect=ok_for(SIGNED_IN, 400)),
    ],
    "my-work": [Case(expect=ok_for(SIGNED_IN))],
    "find-child": [
        Case(expect=ok_for(SIGNED_IN)),
        Case(query="q=Example", expect=ok_for(SIGNED_IN)),
    ],
    "child-overview": [Case(kwargs={"child_id": "amy"}, expect=ok_for(AMY_READERS))],
    "child-chronology": [Case(kwargs={"child_id": "amy"}, expect=ok_for(AMY_READERS))],
    "child-chronology-csv": [Case(kwargs={"child_id": "amy"}, expect=ok_for(AMY_READERS))],
    "child-chronology-pdf": [Case(kwargs={"child_id": "amy"}, expect=ok_for(AMY_READERS))],
    "child-chronology-add": [
        Case(kwargs={"child_id": "amy"}, expect=ok_for(AMY_WRITERS)),
        Case(
            method="post",
            kwargs={"child_id": "amy"},
            data={
                "occurred_on_day": "3",
                "occurred_on_month": "2",
                "occurred_on_year": "2025",
                "summary": "Matrix entry",
                "significance": "routine",
            },
            expect=ok_for(AMY_WRITERS, 302),
        ),
    ],
    "child-who-viewed": [Case(kwargs={"child_id": "amy"}, expect=ok_for(AMY_WRITERS))],
    "person-add": [
        Case(expect=ok_for(SOCIAL_CARE)),
        Case(method="post", data=NEW_CHILD, expect=ok_for(SOCIAL_CARE, 302)),
    ],
    "child-edit": [
        Case(kwargs={"child_id": "amy"}, expect=ok_for(AMY_WRITERS)),
        Case(method="post", kwargs={"child_id": "amy"}, data=_amy_edit, expect=ok_for(AMY_WRITERS, 302)),
    ],
    "child-address-add": [
        Case(kwargs={"child_id": "amy"}, expect=ok_for(AMY_WRITERS)),
        Case(
            method="post",
            kwargs={"child_id": "amy"},
            data={"line1": "1 Matrix Road", "town": "Northtown", "postcode": "SS1 1AA"},
            expect=ok_for(AMY_WRITERS, 302),
        ),
    ],
    "child-previous-name-add": [
        Case(kwargs={"child_id": "amy"}, expect=ok_for(AMY_WRITERS)),
        Case(
            method="post",
            kwargs={"child_id": "amy"},
            data={"last_name": "Formerly"},
            expect=ok_for(AMY_WRITERS, 302),
        ),
    ],
    "child-person": [
        Case(kwargs={"child_id": "amy", "person_id": _amy_adult}, expect=ok_for(AMY_READERS)),
        Case(kwargs={"child_id": "amy", "person_id": _unrelated_adult}),
    ],
    "child-person-edit": [
        Case(kwargs={"child_id": "amy", "person_id": _amy_adult}, expect=ok_for(AMY_WRITERS)),
        Case(
            method="post",
            kwargs={"child_id": "amy", "person_id": _amy_adult},
            data=ADULT_EDIT,
            expect=ok_for(AMY_WRITERS, 302),
        ),
        Case(method="post", kwargs={"child_id": "amy", "person_id": _unrelated_adult}, data=ADULT_EDIT),
    ],
    # The allocated worker and the managers above the team; not the rest of
    # the team, the school or partners (openics/core/access.py).
    "child-address-reveal": [
        Case(kwargs={"child_id": "amy", "address_id": _confidential_address}, expect=ok_for(CONFIDENTIAL_READERS)),
        Case(
            method="post",
            kwargs={"child_id": "amy", "address_id": _confidential_address},
            data={"reason": "Home visit today"},
            expect=ok_for(CONFIDENTIAL_READERS),
        ),
    ],
    "child-person-address-add": [
        Case(kwargs={"child_id": "amy", "person_id": _amy_adult}, expect=ok_for(AMY_WRITERS)),
        Case(
            method="post",
            kwargs={"child_id": "amy", "person_id": _amy_adult},
            data={"line1": "2 Matrix Road", "town": "Northtown", "postcode": "SS1 1AB"},
            expect=ok_for(AMY_WRITERS, 302),
        ),
    ],
    "child-person-previous-name-add": [
        Case(kwargs={"child_id": "amy", "person_id": _amy_adult}, expect=ok_for(AMY_WRITERS)),
        Case(
            method="post",
            kwargs={"child_id": "amy", "person_id": _amy_adult},
            data={"first_name": "Joanne", "last_name": "Maiden"},
            expect=ok_for(AMY_WRITERS, 302),
        ),
    ],
    "child-relationship-add": [
        Case(kwargs={"child_id": "amy"}, expect=ok_for(AMY_WRITERS)),
        Case(kwargs={"child_id": "amy"}, query="q=Example", expect=ok_for(AMY_WRITERS)),
        Case(
            method="post",
            kwargs={"child_id": "amy"},
            data={"adult-first_name": "Matrix", "adult-last_name": "Carer", "kind": "carer"},
            expect=ok_for(AMY_WRITERS, 302),
        ),
    ],
    "child-relationship-end": [
        Case(
            method="post",
            kwargs={"child_id": "amy", "relationship_id": _amy_relationship},
            data={},
            expect=ok_for(AMY_WRITERS, 302),
        )
    ],
    "child-allocate": [
        Case(kwargs={"child_id": "amy"}, expect=ok_for(AMY_MANAGERS)),
        Case(
            method="post",
            kwargs={"child_id": "amy"},
            data=lambda w: {"team": str(w.north.pk), "worker": str(w.sam_sw.pk)},
            expect=ok_for(AMY_MANAGERS, 302),
        ),
    ],
    "child-involvement-add": [
        Case(kwargs={"child_id": "amy"}, expect=ok_for(AMY_WRITERS)),
        Case(
            method="post",
            kwargs={"child_id": "amy"},
            data=lambda w: {"kind": "agency", "organisation": str(w.health.pk)},
            expect=ok_for(AMY_WRITERS, 302),
        ),
    ],
    "child-involvement-end": [
        Case(
            method="post",
            kwargs={"child_id": "amy", "involvement_id": _amy_involvement},
            data={},
            expect=ok_for(AMY_WRITERS, 302),
        )
    ],
    # Merging itself is exercised in test_merge_people.py: a merge cannot be
    # repeated by the next persona.
    "child-merge": [Case(kwargs={"child_id": "amy"}, expect=ok_for(AMY_MANAGERS))],
    "child-restrict": [
        Case(kwargs={"child_id": "amy"}, expect=ok_for(AMY_MANAGERS)),
        Case(
            method="post",
            kwargs={"child_id": _north_child},
            data={
                "category": "high_profile",
                "review_on_day": "1",
                "review_on_month": "1",
                "review_on_year": "2099",
            },
            expect=ok_for(AMY_MANAGERS, 302),
        ),
    ],
    "child-restriction-lift": [
        Case(method="post", kwargs={"child_id": _restricted_north_child}, data={}, expect=ok_for(AMY_MANAGERS, 302))
    ],
    "child-break-glass": [
        Case(kwargs={"child_id": "amy"}, expect=ok_for(SOCIAL_CARE)),
        Case(
            method="post",
            kwargs={"child_id": _sealed_child},
            data={"reason": "Police at the door, allocated worker unreachable"},
            expect=ok_for(SOCIAL_CARE, 302),
        ),
    ],
    "merges": [Case(expect=ok_for(("ada_admin",)))],
    "unmerge": [
        Case(kwargs={"merge_id": _merge}, expect=ok_for(("ada_admin",))),
        Case(
            method="post",
            kwargs={"merge_id": _merge},
            data={"reason": "Different children"},
            expect=ok_for(("ada_admin",), 302),
        ),
    ],
    "break-glass-reviews": [Case(expect=ok_for(AMY_MANAGERS))],
    "break-glass-review": [
        Case(
            method="post",
            kwargs={"grant_id": _grant},
            data={"note": "Justified: police request"},
            expect=ok_for(AMY_MANAGERS, 302),
        )
    ],
}
