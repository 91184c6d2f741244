"""`openics demo` and `openics demo_logins`: the same seed gives the same
people, identifiers are valid, every role has someone, passwords only in
demo mode."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from openics.core.models import (
    Address,
    AuditEvent,
    Involvement,
    InvolvementKind,
    Organisation,
    OrganisationKind,
    Person,
    Relationship,
    RelationshipKind,
    RoleAssignment,
    Share,
    User,
)
from openics.core.roles import Role
from openics.core.validators import validate_nhs_number, validate_postcode, validate_upn
from openics.demo import REFERENCE_DATE, demo_password
from openics.demo.snapshot import canonical_snapshot
from openics.retention.demo import FORMER_PUPIL_IDS

pytestmark = pytest.mark.django_db

CHILDREN = 60


def load(seed: int = 1, children: int = CHILDREN, *args: str) -> str:
    out = StringIO()
    call_command("demo", "--children", str(children), "--seed", str(seed), *args, stdout=out)
    return out.getvalue()


def snapshot_of_load(seed: int) -> dict:
    """Load into the (empty) test database, dump, then roll the load back."""
    with transaction.atomic():
        load(seed)
        snap = canonical_snapshot()
        transaction.set_rollback(True)
    assert not Person.objects.exists()
    return snap


def test_same_seed_gives_the_same_people_and_another_seed_does_not():
    first = snapshot_of_load(1)
    second = snapshot_of_load(1)
    other = snapshot_of_load(2)
    # The retention demo adds its former pupils to the generated children.
    assert len([p for p in first["people"] if p[0] == "True"]) == CHILDREN + len(FORMER_PUPIL_IDS)
    for table in ("people", "relationships", "addresses", "involvements", "enrolments", "chronology", "users"):
        assert first[table], table
        assert first[table] == second[table], table
    assert first == second
    first_names = {tuple(p[2:4]) for p in first["people"]}
    other_names = {tuple(p[2:4]) for p in other["people"]}
    assert len(first_names & other_names) < len(first_names) // 2


@pytest.fixture
def demo(db: None) -> None:
    load(1, CHILDREN, "--long-history", "40")


def test_identifiers_are_valid_and_the_authority_is_in_england(demo):
    la = Organisation.objects.get(kind=OrganisationKind.LOCAL_AUTHORITY)
    assert (la.dfe_la_code, la.nation, la.ons_code) == ("881", "ENG", "E10000012")
    schools = Organisation.objects.filter(kind=OrganisationKind.SCHOOL)
    assert schools.count() >= 10
    assert all(len(s.urn) == 6 and s.urn.isdigit() for s in schools)
    for kind in (OrganisationKind.HEALTH, OrganisationKind.POLICE, OrganisationKind.VOLUNTARY):
        assert Organisation.objects.filter(kind=kind).exists(), kind
    children = Person.objects.filter(is_child=True).exclude(la_child_id__in=FORMER_PUPIL_IDS)
    assert children.count() == CHILDREN
    upns = [c.upn for c in children if c.upn]
    assert len(upns) > CHILDREN // 3
    assert len(set(upns)) == len(upns)
    for child in children:
        if child.upn:
            validate_upn(child.upn)
        else:
            assert child.upn_unknown_reason, child.la_child_id
        if child.nhs_number:
            validate_nhs_number(child.nhs_number)
        else:
            assert child.expected_date_of_birth is not None
    for postcode in Address.objects.values_list("postcode", flat=True):
        validate_postcode(postcode)


def test_families_have_parents_siblings_and_ordered_emergency_contacts(demo):
    mothers = Relationship.objects.filter(kind=RelationshipKind.MOTHER)
    assert mothers.count() == CHILDREN
    assert all(m.parental_responsibility and m.emergency_contact_order == 1 for m in mothers)
    siblings = Relationship.objects.filter(kind__in=[RelationshipKind.SIBLING, RelationshipKind.HALF_SIBLING])
    assert siblings.exists()
    # Siblings are recorded from both sides.
    pairs = set(siblings.values_list("child_id", "person_id"))
    assert all((b, a) in pairs for a, b in pairs)
    assert Relationship.objects.filter(kind=RelationshipKind.GRANDPARENT).exists()
    # Emergency contacts are numbered 1, 2, … without gaps for every child.
    orders: dict[int, list[int | None]] = {}
    for child_id, order in Relationship.objects.filter(emergency_contact_order__isnull=False).values_list(
        "child_id", "emergency_contact_order"
    ):
        orders.setdefault(child_id, []).append(order)
    assert len(orders) == CHILDREN
    assert all(sorted(o or 0 for o in os) == list(range(1, len(os) + 1)) for os in orders.values())
    assert any(len(o) >= 2 for o in orders.values())
    assert Address.objects.filter(moved_out__isnull=False).exists()
    assert Involvement.objects.filter(kind=InvolvementKind.ALLOCATED, ended_on__isnull=True).exists()
    assert Person.objects.exclude(restriction="").exists()
    assert Share.objects.exists()
    assert AuditEvent.objects.filter(action="demo.loaded").count() == 1


def test_every_role_has_named_staff_without_passwords_outside_demo_mode(demo):
    for role in Role:
        assert RoleAssignment.objects.filter(role=role).exists(), role
    users = User.objects.all()
    assert all(u.first_name and u.last_name for u in users)
    assert not any(u.has_usable_password() for u in users)


def test_demo_logins_refuses_outside_demo_mode(demo, settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="only in demo mode"):
        call_command("demo_logins")


def test_demo_mode_gives_the_printed_password_to_one_user_per_role(settings):
    settings.DEMO_MODE = True
    printed = load(3, 20)
    assert demo_password(3) in printed and len(demo_password(3)) >= 12
    out = StringIO()
    call_command("demo_logins", stdout=out)
    lines = out.getvalue().splitlines()
    assert demo_password(3) in lines[0]
    assert len(lines) == 1 + len(Role)
    social_worker = User.objects.get(username=lines[2].split()[0])
    assert social_worker.role_assignments.get().role == Role.SOCIAL_WORKER
    assert social_worker.check_password(demo_password(3))


def test_if_empty_leaves_a_database_with_people_alone(world):
    before = Organisation.objects.count()
    assert "already holds people" in load(1, 20, "--if-empty")
    assert Organisation.objects.count() == before
    with pytest.raises(CommandError, match="empty database"):
        load(1, 20)


def test_bad_sizes_are_refused():
    with pytest.raises(CommandError, match="at least 1"):
        load(1, 0)


def test_the_allocated_worker_sees_the_long_history_child(demo, client_for):
    child = Person.objects.get(la_child_id="C0000001")
    allocation = Involvement.objects.get(child=child, kind=InvolvementKind.ALLOCATED, ended_on__isnull=True)
    client = client_for(allocation.worker)
    page = client.get(f"/children/{child.pk}/", secure=True)
    assert page.status_code == 200
    assert child.last_name in page.content.decode()
    my_work = client.get("/my-work/", secure=True)
    assert my_work.status_code == 200
    assert child.la_child_id in my_work.content.decode()


def test_apps_add_their_own_records_through_an_extension(monkeypatch):
    from openics.demo import extensions

    seen: list[tuple[int, int, float]] = []

    def add_notes(ctx: extensions.DemoContext) -> None:
        assert ctx.reference_date == REFERENCE_DATE
        seen.append((ctx.seed, len(ctx.open_allocations), ctx.rng.random()))

    monkeypatch.setattr(extensions, "EXTENSIONS", {"notes": add_notes})
    snapshot_of_load(1)
    snapshot_of_load(1)
    assert len(seen) == 2 and seen[0] == seen[1]
    assert seen[0][1] > 0
