"""Named people for every test: the allocated social worker, her team
manager, a worker in another team, the school's DSL, a partner nurse…"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from openics.core import testing as t
from openics.core.models import Organisation, OrganisationKind, Person, Team, User
from openics.core.roles import Role


@dataclass
class World:
    la: Organisation
    service: Team
    north: Team
    south: Team
    school: Organisation
    other_school: Organisation
    health: Organisation
    sam_sw: User  # the allocated social worker
    tara_ta: User  # team administrator in the same team
    pat_pm: User  # practice manager of the team
    sean_sm: User  # service manager, above the team
    olu_other: User  # social worker in another team
    iris_iro: User  # independent reviewing officer
    dee_dsl: User  # designated safeguarding lead of the child's school
    tom_teacher: User  # school staff at the child's school
    oscar_dsl: User  # DSL of another school
    nina_nurse: User  # partner practitioner (health)
    ada_admin: User  # system administrator
    amy: Person  # the child


@pytest.fixture
def world(db: None) -> World:
    la = t.make_la()
    service = t.make_team(la, "Children's Services")
    north = t.make_team(la, "Assessment Team North", parent=service)
    south = t.make_team(la, "Assessment Team South", parent=service)
    school = t.make_org("Grange Primary School", OrganisationKind.SCHOOL, la, urn="114999")
    other_school = t.make_org("Riverside Academy", OrganisationKind.SCHOOL, la, urn="137000")
    health = t.make_org("Northshire Community Health", OrganisationKind.HEALTH, la)
    w = World(
        la=la,
        service=service,
        north=north,
        south=south,
        school=school,
        other_school=other_school,
        health=health,
        sam_sw=t.make_user("sam_sw", Role.SOCIAL_WORKER, organisation=la, team=north),
        tara_ta=t.make_user("tara_ta", Role.TEAM_ADMINISTRATOR, organisation=la, team=north),
        pat_pm=t.make_user("pat_pm", Role.PRACTICE_MANAGER, organisation=la, team=north),
        sean_sm=t.make_user("sean_sm", Role.SERVICE_MANAGER, organisation=la, team=service),
        olu_other=t.make_user("olu_other", Role.SOCIAL_WORKER, organisation=la, team=south),
        iris_iro=t.make_user("iris_iro", Role.IRO, organisation=la, team=service),
        dee_dsl=t.make_user("dee_dsl", Role.DSL, organisation=school),
        tom_teacher=t.make_user("tom_teacher", Role.SCHOOL_STAFF, organisation=school),
        oscar_dsl=t.make_user("oscar_dsl", Role.DSL, organisation=other_school),
        nina_nurse=t.make_user("nina_nurse", Role.PARTNER, organisation=health),
        ada_admin=t.make_user("ada_admin", Role.SYSADMIN, organisation=la),
        amy=t.make_child(la_child_id="NC000001"),
    )
    t.allocate(w.amy, north, w.sam_sw)
    t.enrol(w.amy, school)
    return w


@pytest.fixture(autouse=True)
def _default_language_after_each_test() -> Iterator[None]:
    """Each test starts in the default language: a page requested in Welsh
    leaves Welsh active on the thread (LocaleMiddleware does not reset it),
    and the next test would read lazy labels in Welsh."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture
def client_for(client):  # type: ignore[no-untyped-def]
    """Sign a test client in as someone (no second factor in tests)."""

    def sign_in(user: User):  # type: ignore[no-untyped-def]
        client.force_login(user)
        return client

    return sign_in


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """PostgreSQL-only tests skip on SQLite; browser tests skip without Chromium."""
    from django.conf import settings

    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    chromium = shutil.which("chromium") or os.environ.get("OPENICS_CHROMIUM")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL"))
        if "browser" in item.keywords and not chromium and not os.environ.get("OPENICS_REQUIRE_BROWSER"):
            item.add_marker(pytest.mark.skip(reason="needs Chromium at /usr/bin/chromium (apt-get install chromium)"))
