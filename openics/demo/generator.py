"""The demo generator: a synthetic local authority in England, at any size.

Everything that lands in the database comes from two seeded sources, a
`random.Random(seed)` and a Faker (en_GB) seeded the same way, and every
date is counted back from `REFERENCE_DATE` (the day of loading, or
OPENICS_DEMO_DATE), so the same seed and date give the same people on any
machine.  Rows are written with `bulk_create` in
chunks of families: the per-row actions (with their audit events and
notifications) would take hours at the scale of a real authority.  One
summary audit event, "demo.loaded", records the load.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from faker import Faker

from openics.core import audit
from openics.core.codes import Disability, Ethnicity, Religion, Sex, UPNUnknownReason
from openics.core.models import (
    Address,
    ChronologyEntry,
    Enrolment,
    Involvement,
    InvolvementKind,
    LawfulBasis,
    Organisation,
    OrganisationKind,
    Person,
    PersonDisability,
    Relationship,
    RelationshipKind,
    RestrictionAllow,
    RoleAssignment,
    Share,
    Significance,
    Team,
    User,
)
from openics.core.roles import Part, Role
from openics.core.validators import nhs_check_digit, upn_check_letter

from . import names
from .extensions import DemoContext, run_extensions


def _reference_date() -> dt.date:
    """The demo's "today": OPENICS_DEMO_DATE (YYYY-MM-DD) when set, else the
    day it is loaded, so deadlines in a fresh demo are due, due soon and
    overdue as a real caseload would be.  The same seed and the same date
    give the same demo."""
    raw = os.environ.get("OPENICS_DEMO_DATE", "").strip()
    if raw:
        return dt.date.fromisoformat(raw)
    return dt.datetime.now(dt.UTC).date()


# Every date in the demo is counted back from here.
REFERENCE_DATE = _reference_date()
REFERENCE_MOMENT = dt.datetime.combine(REFERENCE_DATE, dt.time(9, 0), tzinfo=dt.UTC)
# Children per chunk written together: bounds memory at any size.
CHUNK_CHILDREN = 2000
BATCH_SIZE = 2000
# A child's chance of a current allocation, and a worker's caseload.
OPEN_RATE = 0.35
CASELOAD = 20
SOCIAL_WORKERS_PER_TEAM = 6

TEAM_KINDS = [
    ("Assessment and Intervention Service", "Assessment Team"),
    ("Child Protection Service", "Child Protection Team"),
    ("Children in Care Service", "Looked After Children Team"),
]


def demo_password(seed: int) -> str:
    """The documented demo password: only ever set in demo mode."""
    return f"openics-demo-{seed}"


@dataclass
class DemoResult:
    seed: int
    children: int = 0
    people: int = 0
    users: int = 0
    organisations: int = 0
    seconds: float = 0.0
    long_history_child_id: int | None = None
    counts: dict[str, int] = field(default_factory=dict)
    extensions: list[str] = field(default_factory=list)


@dataclass
class _Household:
    surname: str
    addresses: list[Address]  # oldest first; the last is current
    ethnicity: str
    religion: str
    language: str


@dataclass
class _Chunk:
    """Rows waiting to be written, in dependency order."""

    people: list[Person] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    disabilities: list[PersonDisability] = field(default_factory=list)
    relationships: list[Relationship] = field(default_factory=list)
    involvements: list[Involvement] = field(default_factory=list)
    enrolments: list[Enrolment] = field(default_factory=list)
    shares: list[Share] = field(default_factory=list)
    allows: list[RestrictionAllow] = field(default_factory=list)
    # A chronology entry and the record it came from (its id is known only
    # once that record is written).
    chronology: list[tuple[ChronologyEntry, Any]] = field(default_factory=list)
    children: int = 0


def _moment(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10, 0), tzinfo=dt.UTC)


class Generator:
    def __init__(
        self,
        *,
        children: int,
        seed: int,
        demo_mode: bool,
        long_history: int = 0,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        self.n_children = children
        self.seed = seed
        self.demo_mode = demo_mode
        self.long_history = long_history
        self.progress = progress or (lambda message: None)
        self.rng = random.Random(seed)
        self.fake = Faker("en_GB")
        self.fake.seed_instance(seed)
        self.result = DemoResult(seed=seed)
        self.usernames: set[str] = set()
        self.la_child_seq = 0
        self.nhs_seq = 0
        self.upn_serials: dict[tuple[str, int], int] = {}
        self.open_seq = 0
        self.streets: list[str] = []

    # ------------------------------------------------------------ helpers

    def days_before(self, low: int, high: int, base: dt.date = REFERENCE_DATE) -> dt.date:
        return base - dt.timedelta(days=self.rng.randint(low, high))

    def between(self, start: dt.date, end: dt.date) -> dt.date:
        if end <= start:
            return start
        return start + dt.timedelta(days=self.rng.randint(0, (end - start).days))

    def postcode(self, outward: str) -> str:
        letters = self.rng.choice(names.INWARD_LETTERS) + self.rng.choice(names.INWARD_LETTERS)
        return f"{outward} {self.rng.randint(1, 9)}{letters}"

    def address(self) -> Address:
        town, outwards = self.rng.choice(names.TOWNS)
        return Address(
            line1=f"{self.rng.randint(1, 180)} {self.rng.choice(self.streets)}",
            town=town,
            postcode=self.postcode(self.rng.choice(outwards)),
        )

    def phone(self) -> str:
        # Ofcom reserves 07700 900000 to 900999 for drama: never a real number.
        return f"07700 900{self.rng.randint(0, 999):03d}"

    def nhs_number(self) -> str:
        # 999 numbers are the NHS's own range for test data.
        while True:
            self.nhs_seq += self.rng.randint(1, 7)
            first_nine = f"999{self.nhs_seq:06d}"
            check = nhs_check_digit(first_nine)
            if check is not None:
                return f"{first_nine}{check}"

    def upn(self, school: Organisation, year: int) -> str:
        # LA code, the school's establishment number, the year, a serial.
        estab = school.urn[-4:]
        key = (estab, year % 100)
        serial = self.upn_serials.get(key, 0) + 1
        self.upn_serials[key] = serial
        body = f"{names.LA_DFE_CODE}{estab}{year % 100:02d}{serial % 1000:03d}"
        return upn_check_letter(body) + body

    def username(self, first: str, last: str) -> str:
        base = f"{re.sub(r'[^a-z]', '', first.lower())}.{re.sub(r'[^a-z]', '', last.lower())}"
        name, n = base, 1
        while name in self.usernames:
            n += 1
            name = f"{base}{n}"
        self.usernames.add(name)
        return name

    # ------------------------------------------------------------ organisations and staff

    def build_organisations(self) -> None:
        rng = self.rng
        self.streets = sorted({f"{self.fake.last_name()} {rng.choice(names.STREET_SUFFIXES)}" for _ in range(400)})
        self.la = Organisation.objects.create(
            name=names.LA_NAME,
            kind=OrganisationKind.LOCAL_AUTHORITY,
            nation="ENG",
            dfe_la_code=names.LA_DFE_CODE,
            ons_code=names.LA_ONS_CODE,
            email="childrens.services@northshire.example.org",
            phone="0300 123 0000",
        )
        n_schools = max(10, self.n_children // 800)
        urns = rng.sample(range(100000, 150000), n_schools)
        schools = []
        for i, urn in enumerate(urns):
            town, _outwards = rng.choice(names.TOWNS)
            # About a third are secondaries, and at least three.
            secondary = i % 3 == 2
            kind = rng.choice(names.SCHOOL_KINDS[4:] if secondary else names.SCHOOL_KINDS[:4])
            schools.append(
                Organisation(
                    name=f"{self.fake.last_name()} {kind}, {town}",
                    kind=OrganisationKind.SCHOOL,
                    urn=str(urn),
                    local_authority=self.la,
                    phone=f"01245 {rng.randint(100000, 999999)}",
                )
            )
        self.schools = Organisation.objects.bulk_create(schools)
        self.primaries = [s for i, s in enumerate(self.schools) if i % 3 != 2]
        self.secondaries = [s for i, s in enumerate(self.schools) if i % 3 == 2]
        partners = (
            [(n, OrganisationKind.HEALTH) for n in names.HEALTH_ORGANISATIONS]
            + [(n, OrganisationKind.POLICE) for n in names.POLICE_ORGANISATIONS]
            + [(n, OrganisationKind.VOLUNTARY) for n in names.VOLUNTARY_ORGANISATIONS]
        )
        self.partners = Organisation.objects.bulk_create(
            [Organisation(name=n, kind=k, local_authority=self.la) for n, k in partners]
        )
        self.health = [o for o in self.partners if o.kind == OrganisationKind.HEALTH]
        self.result.organisations = 1 + len(self.schools) + len(self.partners)

    def build_teams(self) -> None:
        sw_count = max(6, math.ceil(self.n_children * OPEN_RATE / CASELOAD))
        per_kind = max(1, math.ceil(sw_count / SOCIAL_WORKERS_PER_TEAM / len(TEAM_KINDS)))
        self.top = Team.objects.create(organisation=self.la, name="Children's Social Care")
        self.services: list[Team] = []
        self.teams_by_kind: list[list[Team]] = []
        for service_name, team_name in TEAM_KINDS:
            service = Team.objects.create(organisation=self.la, name=service_name, parent=self.top)
            self.services.append(service)
            teams = Team.objects.bulk_create(
                [Team(organisation=self.la, name=f"{team_name} {i + 1}", parent=service) for i in range(per_kind)]
            )
            self.teams_by_kind.append(teams)
        self.iro_team = Team.objects.create(organisation=self.la, name="Independent Reviewing Service", parent=self.top)
        self.lado_team = Team.objects.create(organisation=self.la, name="LADO Service", parent=self.top)
        self.sw_per_team = max(2, math.ceil(sw_count / (per_kind * len(TEAM_KINDS))))

    def build_staff(self) -> None:
        """Named staff in every role.  The password hash is computed once:
        hashing one per user would dominate the load at scale."""
        password = make_password(demo_password(self.seed) if self.demo_mode else None)
        users: list[User] = []
        assignments: list[RoleAssignment] = []
        started = REFERENCE_DATE - dt.timedelta(days=3 * 365)

        def add(role: str, organisation: Organisation, team: Team | None, job_title: str) -> User:
            female = self.rng.random() < 0.75
            first = self.fake.first_name_female() if female else self.fake.first_name_male()
            last = self.fake.last_name()
            username = self.username(first, last)
            user = User(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@{'northshire' if organisation == self.la else 'partner'}.example.org",
                organisation=organisation,
                job_title=job_title,
                phone=self.phone(),
                password=password,
                date_joined=_moment(started),
                is_staff=role == Role.SYSADMIN,
            )
            users.append(user)
            assignments.append(
                RoleAssignment(user=user, role=role, organisation=organisation, team=team, started_on=started)
            )
            return user

        self.social_workers: dict[int, list[User]] = {}
        self.practice_managers: dict[int, User] = {}
        for team in [t for teams in self.teams_by_kind for t in teams]:
            self.practice_managers[team.pk] = add(Role.PRACTICE_MANAGER, self.la, team, "Practice manager")
            self.social_workers[team.pk] = [
                add(Role.SOCIAL_WORKER, self.la, team, "Social worker") for _ in range(self.sw_per_team)
            ]
            add(Role.SWRO, self.la, team, "Social work resource officer")
            add(Role.TEAM_ADMINISTRATOR, self.la, team, "Team administrator")
        add(Role.SERVICE_MANAGER, self.la, self.top, "Head of children's social care")
        for service in self.services:
            add(Role.SERVICE_MANAGER, self.la, service, "Service manager")
        self.iros = [
            add(Role.IRO, self.la, self.iro_team, "Independent reviewing officer")
            for _ in range(max(2, self.n_children // 1500))
        ]
        add(Role.LADO, self.la, None, "Local authority designated officer")
        add(Role.RECORDS_MANAGER, self.la, None, "Records manager")
        add(Role.SYSADMIN, self.la, None, "System administrator")
        self.dsls: dict[int, User] = {}
        for school in self.schools:
            self.dsls[school.pk] = add(Role.DSL, school, None, "Designated safeguarding lead")
            add(Role.DEPUTY_DSL, school, None, "Deputy designated safeguarding lead")
            add(Role.HEADTEACHER, school, None, "Headteacher")
            add(Role.SENCO, school, None, "SENCo")
            add(Role.SCHOOL_STAFF, school, None, "Class teacher")
            add(Role.SCHOOL_STAFF, school, None, "Teaching assistant")
            add(Role.GOVERNOR, school, None, "Safeguarding governor")
        self.partner_workers: dict[int, list[User]] = {}
        for org in self.partners:
            titles_by_kind: dict[str, list[str]] = {
                OrganisationKind.HEALTH: ["Health visitor", "School nurse", "Named nurse for safeguarding"],
                OrganisationKind.POLICE: ["Detective constable, child abuse investigation", "Police officer, MASH"],
            }
            titles = titles_by_kind.get(org.kind, ["Family support worker"])
            self.partner_workers[org.pk] = [add(Role.PARTNER, org, None, title) for title in titles]
        User.objects.bulk_create(users, batch_size=BATCH_SIZE)
        RoleAssignment.objects.bulk_create(assignments, batch_size=BATCH_SIZE)
        self.result.users = len(users)

    # ------------------------------------------------------------ families

    def new_household(self) -> _Household:
        rng = self.rng
        ethnicity = rng.choices(
            [
                Ethnicity.WBRI,
                Ethnicity.WOTH,
                Ethnicity.MWBC,
                Ethnicity.AIND,
                Ethnicity.APKN,
                Ethnicity.BAFR,
                Ethnicity.CHNE,
                Ethnicity.WROM,
            ],
            weights=[72, 8, 5, 4, 4, 4, 1, 2],
        )[0]
        language = "English"
        if ethnicity == Ethnicity.WOTH:
            language = rng.choice(["English", "Polish", "Romanian", "Lithuanian"])
        elif ethnicity == Ethnicity.APKN:
            language = rng.choice(["English", "Urdu"])
        religion = rng.choices(
            [Religion.NONE, Religion.CHRISTIAN, Religion.MUSLIM, Religion.UNKNOWN, Religion.HINDU],
            weights=[40, 35, 8, 15, 2],
        )[0]
        if ethnicity in (Ethnicity.APKN,):
            religion = Religion.MUSLIM
        moves = rng.choices([0, 1, 2, 3], weights=[40, 35, 18, 7])[0]
        addresses = [self.address() for _ in range(moves + 1)]
        # Moves counted back from the current address.
        moved_in = self.days_before(30, 2500)
        for addr in reversed(addresses):
            addr.moved_in = moved_in
            moved_out = moved_in
            moved_in = self.days_before(200, 1500, base=moved_in)
            if addr is not addresses[-1]:
                addr.moved_out = moved_out
        for later, earlier in zip(addresses[1:], addresses[:-1], strict=False):
            earlier.moved_out = later.moved_in
        return _Household(
            surname=self.fake.last_name(),
            addresses=addresses,
            ethnicity=ethnicity,
            religion=religion,
            language=language,
        )

    def adult(
        self, chunk: _Chunk, household: _Household, *, sex: str, age: tuple[int, int], surname: str | None = None
    ) -> Person:
        first = self.fake.first_name_female() if sex == Sex.FEMALE else self.fake.first_name_male()
        dob = self.days_before(age[0] * 365, age[1] * 365)
        person = Person(
            is_child=False,
            first_name=first,
            last_name=surname or household.surname,
            date_of_birth=dob,
            sex=sex,
            ethnicity=household.ethnicity,
            religion=household.religion,
            first_language=household.language,
            phone=self.phone(),
            created_at=REFERENCE_MOMENT,
            updated_at=REFERENCE_MOMENT,
        )
        chunk.people.append(person)
        self.copy_addresses(chunk, person, household, since=None)
        return person

    def copy_addresses(self, chunk: _Chunk, person: Person, household: _Household, since: dt.date | None) -> None:
        for addr in household.addresses:
            if since is not None and addr.moved_out is not None and addr.moved_out <= since:
                continue
            moved_in = addr.moved_in
            if since is not None and moved_in is not None and moved_in < since:
                moved_in = since
            chunk.addresses.append(
                Address(
                    person=person,
                    line1=addr.line1,
                    town=addr.town,
                    postcode=addr.postcode,
                    moved_in=moved_in,
                    moved_out=addr.moved_out,
                )
            )

    def child(self, chunk: _Chunk, household: _Household, *, dob: dt.date | None, surname: str) -> Person:
        rng = self.rng
        sex = rng.choice([Sex.FEMALE, Sex.MALE])
        self.la_child_seq += 1
        person = Person(
            is_child=True,
            last_name=surname,
            sex=sex,
            ethnicity=household.ethnicity,
            religion=household.religion,
            first_language=household.language,
            interpreter_needed=household.language != "English" and rng.random() < 0.3,
            la_child_id=f"C{self.la_child_seq:07d}",
            created_at=REFERENCE_MOMENT,
            updated_at=REFERENCE_MOMENT,
        )
        if dob is None:
            # An unborn child: a name comes later.
            person.expected_date_of_birth = REFERENCE_DATE + dt.timedelta(days=rng.randint(30, 150))
            person.upn_unknown_reason = UPNUnknownReason.UN6
        else:
            person.first_name = self.fake.first_name_female() if sex == Sex.FEMALE else self.fake.first_name_male()
            person.date_of_birth = dob
            person.nhs_number = self.nhs_number()
            if rng.random() < 0.06:
                person.known_as = person.first_name[:3] + "ie"
            if rng.random() < 0.08:
                code = rng.choice([d for d in Disability if d != Disability.NONE])
                chunk.disabilities.append(PersonDisability(person=person, code=code))
        chunk.people.append(person)
        chunk.children += 1
        self.copy_addresses(chunk, person, household, since=dob)
        return person

    def family(self, chunk: _Chunk, remaining: int) -> list[Person]:
        rng = self.rng
        household = self.new_household()
        n = min(remaining, rng.choices([1, 2, 3, 4, 5], weights=[40, 30, 18, 9, 3])[0])
        mother = self.adult(chunk, household, sex=Sex.FEMALE, age=(22, 48))
        fathers = [
            self.adult(chunk, household, sex=Sex.MALE, age=(23, 55), surname=self.fake.last_name())
            if rng.random() < 0.4
            else None
            for _ in range(2)
        ]
        father_together = rng.random() < 0.45
        if father_together and fathers[0] is not None:
            fathers[0].last_name = household.surname
        step_parent = (
            self.adult(chunk, household, sex=Sex.MALE, age=(24, 55), surname=self.fake.last_name())
            if not father_together and rng.random() < 0.25
            else None
        )
        grandmother = (
            self.adult(chunk, household, sex=Sex.FEMALE, age=(45, 75), surname=household.surname)
            if rng.random() < 0.5
            else None
        )
        # Children of two fathers are half-siblings.
        two_fathers = n > 1 and rng.random() < 0.3
        kids: list[tuple[Person, int]] = []
        dob: dt.date | None = self.days_before(0, 17 * 365)
        for i in range(n):
            if i > 0:
                assert dob is not None
                dob = dob + dt.timedelta(days=rng.randint(330, 1100))
                if dob > REFERENCE_DATE:
                    dob = None if rng.random() < 0.3 else self.days_before(0, 365)
            father_index = 1 if two_fathers and i >= n // 2 + 1 else 0
            father = fathers[father_index]
            surname = father.last_name if father is not None and rng.random() < 0.3 else household.surname
            kids.append((self.child(chunk, household, dob=dob, surname=surname), father_index))
            if dob is None:
                break
        for kid, father_index in kids:
            father = fathers[father_index]
            father_at_home = father is not None and father_together and father_index == 0
            rel = chunk.relationships
            rel.append(
                Relationship(
                    child=kid,
                    person=mother,
                    kind=RelationshipKind.MOTHER,
                    parental_responsibility=True,
                    lives_with_child=True,
                    emergency_contact_order=1,
                )
            )
            if father is not None:
                apart_since = None if father_at_home else self.days_before(100, 2000)
                rel.append(
                    Relationship(
                        child=kid,
                        person=father,
                        kind=RelationshipKind.FATHER,
                        parental_responsibility=rng.random() < 0.85,
                        lives_with_child=apart_since is None,
                        emergency_contact_order=2 if apart_since is None else None,
                        notes="" if apart_since is None else "Parents separated; contact every other weekend.",
                    )
                )
            if step_parent is not None:
                rel.append(
                    Relationship(
                        child=kid,
                        person=step_parent,
                        kind=RelationshipKind.STEP_PARENT,
                        lives_with_child=True,
                        started_on=self.days_before(60, 1500),
                    )
                )
            if grandmother is not None:
                rel.append(
                    Relationship(
                        child=kid,
                        person=grandmother,
                        kind=RelationshipKind.GRANDPARENT,
                        # Emergency contacts are numbered without gaps: after
                        # the father when he lives with the child.
                        emergency_contact_order=3 if father_at_home else 2,
                    )
                )
            for other, other_father in kids:
                if other is kid:
                    continue
                kind = RelationshipKind.SIBLING if other_father == father_index else RelationshipKind.HALF_SIBLING
                rel.append(Relationship(child=kid, person=other, kind=kind, lives_with_child=True))
        for kid, _ in kids:
            self.history(chunk, kid, household)
        return [kid for kid, _ in kids]

    # ------------------------------------------------------------ histories

    def event(
        self,
        chunk: _Chunk,
        child: Person,
        day: dt.date,
        kind: str,
        summary: str,
        *,
        origin: Any = None,
        entered_by: User | None = None,
        source_organisation: Organisation | None = None,
        **extra: Any,
    ) -> None:
        entry = ChronologyEntry(
            child=child,
            occurred_on=day,
            kind=kind,
            summary=summary[:300],
            source_organisation=source_organisation,
            origin_type=origin._meta.label_lower if origin is not None else "",
            entered_by=entered_by,
            created_at=_moment(day),
            **extra,
        )
        chunk.chronology.append((entry, origin))

    def allocation(
        self, chunk: _Chunk, child: Person, team: Team, worker: User, start: dt.date, end: dt.date | None
    ) -> Involvement:
        inv = Involvement(
            child=child,
            kind=InvolvementKind.ALLOCATED,
            organisation=self.la,
            team=team,
            worker=worker,
            started_on=start,
            ended_on=end,
        )
        chunk.involvements.append(inv)
        self.event(
            chunk,
            child,
            start,
            "allocation",
            f"Allocated to {worker.first_name} {worker.last_name}, {team.name}",
            origin=inv,
            entered_by=self.practice_managers[team.pk],
        )
        return inv

    def history(self, chunk: _Chunk, child: Person, household: _Household, *, heavy: bool = False) -> None:
        rng = self.rng
        born = child.date_of_birth or REFERENCE_DATE - dt.timedelta(days=60)
        first_contact = self.between(born, REFERENCE_DATE - dt.timedelta(days=20))
        self.event(chunk, child, first_contact, "person_created", "Record created", origin=child)
        status = "open" if heavy else rng.choices(["open", "closed", "none"], weights=[OPEN_RATE, 0.4, 0.25])[0]
        kind_index = 0 if heavy else rng.choices([0, 1, 2], weights=[50, 25, 25])[0]
        team = self.teams_by_kind[0][0] if heavy else rng.choice(self.teams_by_kind[kind_index])
        worker = self.social_workers[team.pk][0] if heavy else rng.choice(self.social_workers[team.pk])
        # Past allocations, oldest first, in any team.
        n_past = {"open": rng.randint(0, 2), "closed": rng.randint(1, 2), "none": 0}[status]
        if heavy:
            n_past = 30
        cursor = first_contact
        for _ in range(n_past):
            past_team = rng.choice(rng.choice(self.teams_by_kind))
            start = cursor
            end = self.between(start + dt.timedelta(days=14), min(REFERENCE_DATE, start + dt.timedelta(days=300)))
            if end >= REFERENCE_DATE - dt.timedelta(days=10):
                break
            self.allocation(chunk, child, past_team, rng.choice(self.social_workers[past_team.pk]), start, end)
            cursor = end
        if status == "open":
            self.open_seq += 1
            start = self.between(cursor, REFERENCE_DATE - dt.timedelta(days=7))
            self.allocation(chunk, child, team, worker, start, None)
            if kind_index in (1, 2):
                iro = rng.choice(self.iros)
                inv = Involvement(
                    child=child,
                    kind=InvolvementKind.IRO,
                    organisation=self.la,
                    team=self.iro_team,
                    worker=iro,
                    started_on=start,
                )
                chunk.involvements.append(inv)
                self.event(chunk, child, start, "involvement", "Independent reviewing officer appointed", origin=inv)
            self.restrict_or_share(chunk, child, team, worker, heavy=heavy)
        # Agencies involved, some still.
        for _ in range(40 if heavy else rng.choices([0, 1, 2], weights=[45, 40, 15])[0]):
            org = rng.choice(self.partners)
            start = self.between(first_contact, REFERENCE_DATE - dt.timedelta(days=5))
            until = None if rng.random() < 0.5 else self.between(start + dt.timedelta(days=1), REFERENCE_DATE)
            inv = Involvement(
                child=child,
                kind=InvolvementKind.AGENCY,
                organisation=org,
                worker=rng.choice(self.partner_workers[org.pk]) if rng.random() < 0.6 else None,
                started_on=start,
                ended_on=until,
            )
            chunk.involvements.append(inv)
            self.event(
                chunk, child, start, "involvement", f"{org.name} involved: agency", origin=inv, source_organisation=org
            )
        self.schooling(chunk, child, status=status)
        # Moves after the first contact.
        for addr in household.addresses[1:]:
            if addr.moved_in and addr.moved_in > first_contact:
                self.event(chunk, child, addr.moved_in, "address_change", "Moved to a new address")
        n_manual = {"open": rng.randint(2, 5), "closed": rng.randint(1, 3), "none": rng.randint(0, 1)}[status]
        if heavy:
            n_manual = self.long_history
        for _ in range(n_manual):
            summary, detail, source, significance = rng.choice(names.MANUAL_ENTRIES)
            day = self.between(first_contact, REFERENCE_DATE)
            self.event(
                chunk,
                child,
                day,
                "manual",
                summary,
                detail=detail,
                source=source,
                significance=significance,
                part=Part.SOCIAL_CARE if significance == Significance.CRITICAL else Part.CORE,
                is_manual=True,
                entered_by=worker if status == "open" else None,
            )
        if heavy:
            self.heavy_network(chunk, child, household)

    def schooling(self, chunk: _Chunk, child: Person, *, status: str) -> None:
        rng = self.rng
        dob = child.date_of_birth
        if dob is None:
            return
        age = (REFERENCE_DATE - dob).days // 365
        if age < 4:
            child.upn_unknown_reason = UPNUnknownReason.UN6
            return
        started_school = dt.date(dob.year + 4 + (1 if dob.month >= 9 else 0), 9, 1)
        secondary_from = dt.date(started_school.year + 7, 9, 1)
        primary = rng.choice(self.primaries)
        child.upn = self.upn(primary, started_school.year)
        spells: list[tuple[Organisation, dt.date, dt.date | None]] = []
        if secondary_from <= REFERENCE_DATE:
            spells.append((primary, started_school, secondary_from - dt.timedelta(days=40)))
            spells.append((rng.choice(self.secondaries), secondary_from, None))
        else:
            spells.append((primary, started_school, None))
        # A few left at 16, and a few moved school mid-year.
        if age >= 17:
            school, start, _end = spells[-1]
            spells[-1] = (school, start, dt.date(dob.year + 16, 7, 20))
        elif rng.random() < 0.12:
            school, start, _end = spells[-1]
            move = self.between(start + dt.timedelta(days=60), REFERENCE_DATE - dt.timedelta(days=10))
            pool = self.secondaries if school in self.secondaries else self.primaries
            spells[-1] = (school, start, move)
            spells.append((rng.choice(pool), move, None))
        for school, start, end in spells:
            enrolment = Enrolment(child=child, school=school, started_on=start, ended_on=end)
            chunk.enrolments.append(enrolment)
            self.event(
                chunk,
                child,
                start,
                "school_enrolment",
                f"Joined {school.name}",
                origin=enrolment,
                source_organisation=school,
            )
        current = spells[-1]
        if status == "none" and current[2] is None and rng.random() < 0.4:
            # Early help: the school's DSL is the lead professional.
            inv = Involvement(
                child=child,
                kind=InvolvementKind.LEAD_PROFESSIONAL,
                organisation=current[0],
                worker=self.dsls[current[0].pk],
                started_on=self.between(current[1], REFERENCE_DATE - dt.timedelta(days=5)),
            )
            chunk.involvements.append(inv)
            self.event(
                chunk,
                child,
                inv.started_on,
                "involvement",
                f"{current[0].name} involved: lead professional",
                origin=inv,
                source_organisation=current[0],
            )

    def restrict_or_share(self, chunk: _Chunk, child: Person, team: Team, worker: User, *, heavy: bool) -> None:
        """A few restricted records and a few shares with partners, at fixed
        intervals so even a small demo has some."""
        if heavy:
            return
        if self.open_seq % 50 == 7:
            child.restriction = self.rng.choice(names.RESTRICTION_REASONS)
            child.restriction_review_on = REFERENCE_DATE + dt.timedelta(days=180)
            for user in (worker, self.practice_managers[team.pk]):
                chunk.allows.append(
                    RestrictionAllow(child=child, user=user, added_by=worker, added_at=REFERENCE_MOMENT)
                )
        elif self.open_seq % 25 == 3:
            org = self.rng.choice(self.health)
            chunk.shares.append(
                Share(
                    child=child,
                    organisation=org,
                    parts=sorted([Part.CORE, Part.HEALTH]),
                    lawful_basis=LawfulBasis.PUBLIC_TASK_SAFEGUARDING,
                    reason="Health partners need the plan and contacts to coordinate appointments.",
                    shared_by=worker,
                    created_at=REFERENCE_MOMENT,
                    expires_at=REFERENCE_MOMENT + dt.timedelta(days=365),
                )
            )

    def heavy_network(self, chunk: _Chunk, child: Person, household: _Household) -> None:
        """A long-known child's wide network and many moves (the benchmark's case)."""
        mother = self.adult(chunk, household, sex=Sex.FEMALE, age=(35, 55))
        chunk.relationships.append(
            Relationship(
                child=child,
                person=mother,
                kind=RelationshipKind.MOTHER,
                parental_responsibility=True,
                lives_with_child=True,
                emergency_contact_order=1,
            )
        )
        kinds = [
            RelationshipKind.OTHER_FAMILY,
            RelationshipKind.FRIEND,
            RelationshipKind.HOUSEHOLD_MEMBER,
            RelationshipKind.CARER,
        ]
        for i in range(40):
            other = self.adult(chunk, household, sex=self.rng.choice([Sex.FEMALE, Sex.MALE]), age=(18, 70))
            chunk.relationships.append(
                Relationship(
                    child=child,
                    person=other,
                    kind=kinds[i % len(kinds)],
                    started_on=self.days_before(400, 4000),
                    ended_on=self.days_before(1, 300) if i % 2 else None,
                )
            )
        moved_out = household.addresses[0].moved_in or REFERENCE_DATE
        for _ in range(20):
            addr = self.address()
            addr.person = child
            addr.moved_out = moved_out
            addr.moved_in = moved_out - dt.timedelta(days=self.rng.randint(30, 120))
            moved_out = addr.moved_in
            chunk.addresses.append(addr)

    def extension_context(self, name: str) -> DemoContext:
        open_allocations = list(
            Involvement.objects.filter(kind=InvolvementKind.ALLOCATED, ended_on__isnull=True)
            .order_by("child_id")
            .values_list("child_id", "team_id", "worker_id")
        )
        return DemoContext(
            seed=self.seed,
            rng=random.Random(f"{self.seed}:{name}"),
            reference_date=REFERENCE_DATE,
            reference_moment=REFERENCE_MOMENT,
            local_authority=self.la,
            open_allocations=open_allocations,  # type: ignore[arg-type]
            iros=list(self.iros),
        )

    # ------------------------------------------------------------ writing

    def flush(self, chunk: _Chunk) -> None:
        Person.objects.bulk_create(chunk.people, batch_size=BATCH_SIZE)
        tables: list[list[Any]] = [
            chunk.addresses,
            chunk.disabilities,
            chunk.relationships,
            chunk.involvements,
            chunk.enrolments,
            chunk.shares,
            chunk.allows,
        ]
        for rows in tables:
            if rows:
                type(rows[0])._default_manager.bulk_create(rows, batch_size=BATCH_SIZE)
        entries = []
        for entry, origin in chunk.chronology:
            if origin is not None:
                entry.origin_id = str(origin.pk)
            entries.append(entry)
        ChronologyEntry.objects.bulk_create(entries, batch_size=BATCH_SIZE)
        counts = self.result.counts
        counts["people"] = counts.get("people", 0) + len(chunk.people)
        counts["relationships"] = counts.get("relationships", 0) + len(chunk.relationships)
        counts["involvements"] = counts.get("involvements", 0) + len(chunk.involvements)
        counts["chronology"] = counts.get("chronology", 0) + len(entries)
        counts["addresses"] = counts.get("addresses", 0) + len(chunk.addresses)

    def run(self) -> DemoResult:
        started = time.perf_counter()
        with transaction.atomic():
            self.build_organisations()
            self.build_teams()
            self.build_staff()
            self.progress(f"{self.result.users} staff in {len(self.schools)} schools and the council")
            made = 0
            chunk = _Chunk()
            if self.long_history:
                household = self.new_household()
                heavy = self.child(
                    chunk, household, dob=self.days_before(15 * 365, 15 * 365 + 200), surname=household.surname
                )
                self.history(chunk, heavy, household, heavy=True)
                made = 1
                self.flush(chunk)
                self.result.long_history_child_id = heavy.pk
                chunk = _Chunk()
            while made < self.n_children:
                made += len(self.family(chunk, self.n_children - made))
                if chunk.children >= CHUNK_CHILDREN or made >= self.n_children:
                    self.flush(chunk)
                    self.progress(f"{made} of {self.n_children} children")
                    chunk = _Chunk()
            self.result.children = made
            self.result.people = self.result.counts.get("people", 0)
            self.result.extensions = run_extensions(self.extension_context)
            self.result.seconds = time.perf_counter() - started
            audit.record(
                "demo.loaded",
                detail={
                    "seed": self.seed,
                    "children": made,
                    "people": self.result.people,
                    "users": self.result.users,
                    "demo_mode": self.demo_mode,
                    "long_history_child_id": self.result.long_history_child_id,
                    "extensions": self.result.extensions,
                },
            )
        return self.result


def generate(
    *,
    children: int,
    seed: int,
    demo_mode: bool,
    long_history: int = 0,
    progress: Callable[[str], None] | None = None,
) -> DemoResult:
    """Load a synthetic authority with `children` children into an empty database."""
    return Generator(
        children=children, seed=seed, demo_mode=demo_mode, long_history=long_history, progress=progress
    ).run()
