"""Builders for tests (and the demo): organisations, teams, staff, children.

Tests in every app use these, so a persona means the same thing everywhere.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from .models import (
    Enrolment,
    Involvement,
    InvolvementKind,
    Organisation,
    OrganisationKind,
    Person,
    RoleAssignment,
    Team,
    User,
)

TEST_PASSWORD = "correct horse battery staple"


def make_la(name: str = "Northshire County Council", code: str = "881", nation: str = "ENG") -> Organisation:
    return Organisation.objects.create(
        name=name, kind=OrganisationKind.LOCAL_AUTHORITY, nation=nation, dfe_la_code=code, ons_code="E10000012"
    )


def make_org(name: str, kind: str, la: Organisation | None = None, **extra: Any) -> Organisation:
    return Organisation.objects.create(name=name, kind=kind, local_authority=la, **extra)


def make_team(la: Organisation, name: str, parent: Team | None = None) -> Team:
    return Team.objects.create(organisation=la, name=name, parent=parent)


def make_user(
    username: str,
    role: str,
    *,
    organisation: Organisation,
    team: Team | None = None,
    first_name: str = "",
    last_name: str = "",
    password: str = TEST_PASSWORD,
    **extra: Any,
) -> User:
    user = User.objects.create_user(
        username=username,
        password=password,
        first_name=first_name or username.split("_")[0].capitalize(),
        last_name=last_name or "Tester",
        email=f"{username}@example.org",
        organisation=organisation,
        **extra,
    )
    RoleAssignment.objects.create(user=user, role=role, organisation=organisation, team=team)
    return user


def make_child(first_name: str = "Amy", last_name: str = "Example", **extra: Any) -> Person:
    extra.setdefault("date_of_birth", dt.date(2016, 5, 4))
    extra.setdefault("sex", "F")
    return Person.objects.create(first_name=first_name, last_name=last_name, is_child=True, **extra)


def allocate(child: Person, team: Team, worker: User | None, since: dt.date | None = None) -> Involvement:
    return Involvement.objects.create(
        child=child,
        kind=InvolvementKind.ALLOCATED,
        organisation=team.organisation,
        team=team,
        worker=worker,
        started_on=since or timezone.localdate() - dt.timedelta(days=30),
    )


def enrol(child: Person, school: Organisation, since: dt.date | None = None) -> Enrolment:
    return Enrolment.objects.create(
        child=child, school=school, started_on=since or timezone.localdate() - dt.timedelta(days=300)
    )
