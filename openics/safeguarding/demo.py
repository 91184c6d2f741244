"""School safeguarding in the demo: concerns in every school's child
protection file, and files moving between schools.

Registered as the "safeguarding" demo extension.  Everything goes through
the real actions (`do_record_concern`, `do_add_to_concern`, `do_mark_read`,
`do_decide`, `do_record_fgm_notification`, and in `transfers.py`
`do_start_transfer`, `do_confirm_receipt`, `do_record_package_receipt`,
`do_request_file`, `do_answer_request`), each step with "now" fixed to its
moment in the demo's past, so alerts, chronology and audit follow as from
the pages and the same seed gives the same files.

What it writes:

* in every school, concerns about a sample of the pupils on its roll (about
  one in 25, at least 3 and fewer than 40 a school), recorded by its staff:
  the newest unread (the DSL's queue), a few read and awaiting a decision,
  the rest decided (monitor, early help with a level of need, a referral
  to the Children and Families Hub with the times the Hub and the police
  were told, advice, no further action); body maps, the child's own words
  and later additions on some, a second concern within a week on a few,
  and one concern of known FGM with the teacher's notification to the police;
* in the authority: a file transferred between two OpenICS schools (receipt
  confirmed, the sender's copy destroyed), a sealed package sent to a school
  not on OpenICS awaiting receipt and another whose receipt was recorded, a
  transfer overdue for the receiving DSL's confirmation, and requests for
  joiners' files from their previous schools, one awaiting an answer and
  one answered.

Concerns happen on school days (the half terms the "schools" extension
gives every school).  This extension runs before that one (extensions run
in name order), so the transfers' 5-day deadlines are counted in working
days, the actions' fallback when a school has no terms recorded.

Nothing here is about real people: the pupils are the demo's synthetic
children and the text is written for the demo.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Field, Model, Q
from django.utils import timezone as django_timezone

from openics.core.actions import do_end_enrolments, do_enrol
from openics.core.codes import Sex
from openics.core.models import (
    ChronologyEntry,
    Enrolment,
    Notification,
    Organisation,
    OrganisationKind,
    OutboxMessage,
    Person,
    RoleAssignment,
    User,
)
from openics.core.roles import Role
from openics.demo.extensions import DemoContext, register_demo_extension

from . import actions, transfers
from .codes import ConcernCategory as Cat
from .codes import LevelOfNeed
from .codes import TriageOutcome as Out
from .models import FileRequestAnswer

# About one pupil in this many has a concern, within these bounds a school.
PUPILS_PER_CONCERN = 25
MIN_PER_SCHOOL = 3
MAX_PER_SCHOOL = 39
# How far back concerns go, in days: decided ones, and the pupils whose
# files are transferred (their concerns come before they leave).
DECIDED_DAYS = (8, 150)
TRANSFERRED_DAYS = (70, 150)
SCHOOL_DAY = (dt.time(8, 20), dt.time(15, 20))
# Decisions follow this cycle through the authority, so every outcome shows.
OUTCOME_CYCLE = (
    Out.MONITOR,
    Out.EARLY_HELP,
    Out.REFERRAL,
    Out.MONITOR,
    Out.EARLY_HELP,
    Out.ADVICE,
    Out.REFERRAL,
    Out.MONITOR,
    Out.NO_FURTHER_ACTION,
    Out.EARLY_HELP,
)
# Secondary schools, by the kinds of school the demo's names use.
SECONDARY_KINDS = ("Academy", "High School", "Community College")
# Schools outside the demo authority (fictional), not on OpenICS.
OUT_OF_AREA_SCHOOLS = (
    "Westmere Primary School, Southshire",
    "Hollins Lane Academy, Eastshire",
    "St Wystan's Church of England Primary School, Southshire",
    "Brackenfield High School, Westshire",
)
# How many school days ago each transfer's pupil left.
SCHOOL_DAYS_BACK = {"completed": (15, 30), "package_waiting": (1, 3), "overdue": (12, 18), "package_received": (15, 30)}
RECEIVERS = ("Mrs A. Whitcombe, designated safeguarding lead", "Mr D. Osei, deputy designated safeguarding lead")


@dataclass(frozen=True)
class _Scenario:
    """One kind of concern, as a member of staff would write it.  Text uses
    {name} and pronouns ({they}, {them}, {their}) filled in for the child."""

    categories: tuple[str, ...]
    location: str
    account: str
    action: str
    outcomes: tuple[str, ...]
    words: str = ""
    # Body map marks: (view, across, down, note), across and down from 0 to 1.
    marks: tuple[tuple[str, float, float, str], ...] = ()
    ages: tuple[int, int] = (4, 18)
    # On a referral: the police are told too; the child is at immediate risk;
    # why the parents were not told (when telling them could add to the risk).
    police: bool = False
    immediate: bool = False
    parents_not_told: str = ""
    advice_from: str = "Children and Families Hub consultation line"


SCENARIOS: tuple[_Scenario, ...] = (
    _Scenario(
        categories=(Cat.PHYSICAL,),
        location="Breakfast club",
        account=(
            "{name} arrived at breakfast club with a bruise on the left upper arm, about 3cm across, and flinched "
            "when a member of staff touched the arm. Asked how it happened, {they} said {they} fell over at home, "
            "then said {they} did not want to talk about it."
        ),
        words="Mum's friend grabbed me because I was being naughty.",
        action="Listened without asking leading questions, completed the body map and told the DSL in person.",
        marks=(("front", 0.31, 0.27, "Bruise, about 3cm, purple and yellow"),),
        outcomes=(Out.REFERRAL, Out.MONITOR),
        police=True,
        immediate=True,
        parents_not_told="Telling the family first could put {name} at greater risk; agreed with the Hub.",
    ),
    _Scenario(
        categories=(Cat.PHYSICAL,),
        location="Changing area at swimming",
        account=(
            "While {name} was changing for swimming, staff saw bruises in lines on the backs of both thighs, some "
            "yellow and some newer. {They} turned away when asked about them."
        ),
        words="I got a smack with the belt for lying.",
        action="Did not ask {name} to show the marks again; completed the body map and told the DSL straight away.",
        marks=(
            ("back", 0.43, 0.7, "Line bruises, about 6cm, several, yellowing"),
            ("back", 0.57, 0.71, "Line bruises, newer, red-purple"),
        ),
        outcomes=(Out.REFERRAL, Out.ADVICE),
        ages=(5, 12),
        police=True,
        parents_not_told="The Hub asked that the parents hear of the referral from the social worker.",
    ),
    _Scenario(
        categories=(Cat.PHYSICAL,),
        location="PE changing room",
        account=(
            "While changing for PE, {name} was seen to have three small round marks on the back of the right hand "
            "that looked like healing burns, and a scratch on the lower back."
        ),
        words="It was the iron. It was an accident.",
        action="Did not examine further; noted what could be seen on the body map and told the DSL at break.",
        marks=(
            ("back", 0.82, 0.52, "Three round marks, about 5mm, scabbed"),
            ("back", 0.52, 0.47, "Scratch, about 4cm, healing"),
        ),
        outcomes=(Out.REFERRAL, Out.ADVICE, Out.MONITOR),
        police=True,
    ),
    _Scenario(
        categories=(Cat.NEGLECT,),
        location="Dining hall at lunchtime",
        account=(
            "{name} has come to school hungry on most days this week, asked other pupils for food at lunch and "
            "has worn the same unwashed uniform since Monday. {Their} reading book has not been returned for a month."
        ),
        words="There isn't any food in the cupboards. Mum is sleeping a lot.",
        action="Gave {them} breakfast from the breakfast club, checked the attendance record and told the DSL.",
        outcomes=(Out.EARLY_HELP, Out.MONITOR),
    ),
    _Scenario(
        categories=(Cat.NEGLECT,),
        location="Main gate at home time",
        account=(
            "{name} was collected an hour and twenty minutes late today, the third time this half term. Nobody "
            "answered the phone numbers on the contact list; an older cousin came in the end."
        ),
        action="Stayed with {name} in the school office, kept trying the emergency contacts and told the DSL.",
        outcomes=(Out.EARLY_HELP, Out.MONITOR, Out.NO_FURTHER_ACTION),
        ages=(4, 11),
    ),
    _Scenario(
        categories=(Cat.DOMESTIC_ABUSE, Cat.EMOTIONAL),
        location="Classroom, at registration",
        account=(
            "{name} was tearful at registration and said there had been shouting at home last night and that the "
            "police came. {They} said {they} had not slept and was worried about {their} little sister."
        ),
        words="Mum's boyfriend threw the remote at the telly and broke it. I hid in my room with my sister.",
        action="Reassured {name}, gave {them} a quiet space with the teaching assistant and told the DSL at once.",
        outcomes=(Out.REFERRAL, Out.EARLY_HELP),
        police=True,
        parents_not_told="Contacting the home could increase the risk to {name} and {their} mother.",
    ),
    _Scenario(
        categories=(Cat.MENTAL_HEALTH,),
        location="Science lab",
        account=(
            "During a practical, the class teacher saw fresh scratches on the inside of {name}'s left forearm. "
            "{They} pulled {their} sleeve down and asked the teacher not to tell anyone."
        ),
        words="I do it when everything gets too much.",
        action=(
            "Explained that the DSL had to be told, checked the scratches did not need first aid and walked "
            "{name} to the DSL."
        ),
        marks=(("front", 0.24, 0.47, "Several fine scratches, recent"),),
        outcomes=(Out.EARLY_HELP, Out.REFERRAL, Out.ADVICE),
        ages=(11, 18),
        advice_from="School nurse and the CAMHS duty worker",
    ),
    _Scenario(
        categories=(Cat.PEER_ON_PEER, Cat.ONLINE_SAFETY),
        location="Form room",
        account=(
            "{name} showed a member of staff messages in a class group chat in which other pupils called {them} "
            "names and posted an edited photo of {them}. {They} said it has been going on for two weeks."
        ),
        words="Everyone's laughing at me. I don't want to come in any more.",
        action="Took screenshots with {name}'s agreement, did not contact the other pupils and told the DSL.",
        outcomes=(Out.MONITOR, Out.NO_FURTHER_ACTION, Out.EARLY_HELP),
        ages=(9, 18),
    ),
    _Scenario(
        categories=(Cat.SEXTING,),
        location="Library",
        account=(
            "Another pupil reported that an image of {name} was being shared between pupils in Year 10. The "
            "member of staff did not look at or copy the image."
        ),
        action="Did not view the image, confiscated nothing and told the DSL at once, as the policy says.",
        outcomes=(Out.ADVICE, Out.REFERRAL),
        ages=(13, 18),
        police=True,
        advice_from="Northshire Police schools officer (sharing nudes guidance)",
    ),
    _Scenario(
        categories=(Cat.CCE,),
        location="Bus stop outside school",
        account=(
            "{name} has been picked up after school by older young people in a car on several days. {They} has "
            "two phones and new expensive trainers, and has missed five afternoons this half term."
        ),
        action="Noted the car's colour and the times, spoke to {name}'s head of year and told the DSL.",
        outcomes=(Out.REFERRAL,),
        ages=(12, 18),
        police=True,
    ),
    _Scenario(
        categories=(Cat.MISSING_EDUCATION,),
        location="School office",
        account=(
            "{name} has not been in school for six school days. Calls to both parents went unanswered and nobody "
            "answered the door at the home visit this morning; the curtains were closed."
        ),
        action="Followed the attendance procedure, recorded each call and the visit and told the DSL.",
        outcomes=(Out.REFERRAL, Out.EARLY_HELP),
    ),
    _Scenario(
        categories=(Cat.ONLINE_SAFETY, Cat.SEXUAL),
        location="Computing suite",
        account=(
            "{name} said {they} had been chatting in a game to someone who said they were 14, who asked {them} to "
            "keep it secret and to send photos. {They} has not sent any."
        ),
        words="He said he'd send me a skin for my game if I sent a picture.",
        action="Praised {name} for telling, did not look through the device and told the DSL straight away.",
        outcomes=(Out.REFERRAL, Out.ADVICE),
        ages=(8, 16),
        police=True,
    ),
    _Scenario(
        categories=(Cat.SUBSTANCES,),
        location="Corridor after lunch",
        account="{name} smelled strongly of cannabis after lunch, was unsteady and could not follow instructions.",
        action="Took {name} to the medical room with a first aider and told the DSL; called home.",
        outcomes=(Out.EARLY_HELP, Out.MONITOR),
        ages=(13, 18),
    ),
    _Scenario(
        categories=(Cat.RADICALISATION,),
        location="History lesson",
        account=(
            "In a lesson on the Second World War, {name} repeated extreme views about a religious group, saying "
            "{they} had seen them in videos online, and said they should be sent away."
        ),
        action="Challenged the comments calmly, noted what was said word for word and told the DSL.",
        outcomes=(Out.ADVICE, Out.MONITOR),
        ages=(11, 18),
        advice_from="Prevent lead, Northshire Police",
    ),
    _Scenario(
        categories=(Cat.EMOTIONAL,),
        location="Playground at lunchtime",
        account=(
            "{name} told the teaching assistant {they} did not want to go home because of {their} school report, "
            "and became very upset when the teaching assistant said school would ring home with good news too."
        ),
        words="Dad says I'm stupid and he'll take my bed away if I get told off again.",
        action="Comforted {name}, did not promise to keep it secret and told the DSL before home time.",
        outcomes=(Out.MONITOR, Out.EARLY_HELP),
        ages=(5, 14),
    ),
    _Scenario(
        categories=(Cat.SEXUAL,),
        location="Early years role play area",
        account=(
            "During play {name} acted out sexual behaviour with a doll that is not expected at {their} age, "
            "and used words for it that the staff had not heard {them} use before."
        ),
        action="Calmly redirected the play, wrote down the words used and told the DSL at once.",
        outcomes=(Out.ADVICE, Out.REFERRAL),
        ages=(4, 8),
        parents_not_told="The Hub asked school not to speak to the parents until the strategy discussion.",
    ),
)

FGM_SCENARIO = _Scenario(
    categories=(Cat.FGM,),
    location="Form room",
    account=(
        "{name} told her form tutor that she had been cut during a family visit abroad in the summer holidays, and "
        "that it still hurts when she goes to the toilet."
    ),
    words="My aunties said it makes you a proper woman. It still hurts.",
    action=(
        "Listened and did not examine; reported the disclosure to the police on 101 myself, as the mandatory "
        "reporting duty requires, and told the DSL in person."
    ),
    outcomes=(Out.REFERRAL,),
    ages=(11, 18),
    police=True,
    parents_not_told="Known FGM: the police and the Hub asked school not to tell the family.",
)

ADDITIONS = (
    "Spoke to {name} again at lunchtime; {they} gave the same account and added nothing new.",
    "{Their} mother phoned the office this morning to say things are calmer at home. Passed to the DSL.",
    "The school nurse saw {name} today and has made her own record.",
    "Attendance check: {name} has missed four sessions this half term, all unexplained.",
    "{name}'s class teacher says {they} was quieter than usual all afternoon and ate little at lunch.",
)
RATIONALES = {
    Out.MONITOR: (
        "A first concern with a plausible explanation and no disclosure of harm. Monitor in school for four weeks: "
        "class teacher to record anything further; DSL to check in with {name} each week."
    ),
    Out.EARLY_HELP: (
        "Needs are more than school can meet alone but there is no indication of significant harm. Early help "
        "assessment started with the family's agreement; school is the lead professional."
    ),
    Out.REFERRAL: (
        "What {name} said and what staff saw meet the threshold for a referral: the Children and Families Hub "
        "was telephoned and the written referral followed the same day."
    ),
    Out.ADVICE: "Not clear whether the threshold is met: advice sought before deciding; school follows the advice.",
    Out.NO_FURTHER_ACTION: (
        "Spoke to {name} and to the parents: the concern is explained and resolved. No further action; "
        "the record stays on the child protection file."
    ),
}


# ---------------------------------------------------------------- the clock

_REAL_NOW = django_timezone.now


@functools.cache
def _stamped_fields() -> tuple[Field[Any, Any], ...]:
    """Fields the actions leave to `default=timezone.now` (the real clock,
    captured when the model was defined), on the rows they write."""
    from django.apps import apps

    models: list[type[Model]] = [
        *apps.get_app_config("safeguarding").get_models(),
        Notification,
        OutboxMessage,
        ChronologyEntry,
    ]
    return tuple(f for m in models for f in m._meta.concrete_fields if f.default is _REAL_NOW)


@contextmanager
def at(moment: dt.datetime) -> Iterator[None]:
    """Run the actions as if it were `moment`: `timezone.now()` (and
    `localdate()`, which calls it) and the timestamps that default to it."""
    fields = _stamped_fields()
    real_now = django_timezone.now
    django_timezone.now = lambda: moment
    for f in fields:
        # An instance attribute over the method, for this step only.
        setattr(f, "get_default", lambda: moment)  # noqa: B010
    try:
        yield
    finally:
        django_timezone.now = real_now
        for f in fields:
            delattr(f, "get_default")


def _local(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=django_timezone.get_default_timezone())


class _Calendar:
    """School days: weekdays in the half terms the "schools" demo extension
    gives every school (the same dates for the years around the demo's
    today), so concerns happen in term time.  Plain weekdays where no term
    is near."""

    SEARCH_DAYS = 120

    def __init__(self, today: dt.date) -> None:
        from openics.schools.demo import HALF_TERMS
        from openics.schools.reports import school_year_start

        first = school_year_start(today).year - 1
        self.terms = [
            (dt.date(year + offset, m1, d1), dt.date(year + offset, m2, d2))
            for year in (first, first + 1, first + 2)
            for (m1, d1), (m2, d2), offset in HALF_TERMS
        ]

    def is_school_day(self, day: dt.date) -> bool:
        return day.weekday() < 5 and any(start <= day <= end for start, end in self.terms)

    def snap(self, day: dt.date, *, back: bool = True) -> dt.date:
        """`day` if a school day, else the school day before it (or after it)."""
        step = dt.timedelta(days=-1 if back else 1)
        probe = day
        for _ in range(self.SEARCH_DAYS):
            if self.is_school_day(probe):
                return probe
            probe += step
        while day.weekday() >= 5:
            day += step
        return day

    def after(self, day: dt.date, n: int) -> dt.date:
        """The `n`th school day after `day`."""
        for _ in range(n):
            day = self.snap(day + dt.timedelta(days=1), back=False)
        return day

    def before(self, day: dt.date, n: int) -> dt.date:
        """The `n`th school day before `day`."""
        for _ in range(n):
            day = self.snap(day - dt.timedelta(days=1))
        return day


# ---------------------------------------------------------------- the people

# Who records concerns: mostly class teachers and teaching assistants.
RECORDER_WEIGHTS: dict[str, int] = {
    Role.SCHOOL_STAFF: 8,
    Role.SENCO: 2,
    Role.HEADTEACHER: 1,
    Role.DEPUTY_DSL: 1,
    Role.DSL: 1,
}


@dataclass
class _Staff:
    """A school's staff who record concerns (with their roles), its DSL and deputies."""

    recorders: list[tuple[User, str]] = field(default_factory=list)
    dsl: User | None = None
    deputies: list[User] = field(default_factory=list)


def _school_staff(school_ids: list[int]) -> dict[int, _Staff]:
    staff: dict[int, _Staff] = {pk: _Staff() for pk in school_ids}
    rows = list(
        RoleAssignment.objects.filter(
            organisation_id__in=school_ids, role__in=list(RECORDER_WEIGHTS), ended_on__isnull=True
        )
        .order_by("organisation_id", "user_id", "role")
        .values_list("organisation_id", "user_id", "role")
    )
    # Role assignments prefetched: the actions' access checks read them.
    users = User.objects.prefetch_related("role_assignments").in_bulk(sorted({u for _, u, _ in rows}))
    for school_id, user_id, role in rows:
        user = users[user_id]
        if not user.is_active:
            continue
        entry = staff[school_id]
        entry.recorders.append((user, role))
        if role == Role.DSL and entry.dsl is None:
            entry.dsl = user
        elif role == Role.DEPUTY_DSL:
            entry.deputies.append(user)
    return staff


def _pronouns(child: Person) -> dict[str, str]:
    forms: dict[str, tuple[str, str, str]] = {Sex.FEMALE: ("she", "her", "her"), Sex.MALE: ("he", "him", "his")}
    they, them, their = forms.get(child.sex, ("they", "them", "their"))
    return {
        "name": child.known_as or child.first_name,
        "they": they,
        "them": them,
        "their": their,
        "They": they.capitalize(),
        "Their": their.capitalize(),
    }


def _fill(text: str, child: Person) -> str:
    filled = text.format(**_pronouns(child))
    # The one agreement the templates need when the child's sex is not known.
    return filled.replace("They has", "They have").replace("they has", "they have").replace("they was", "they were")


def _age(child: Person, on: dt.date) -> int:
    dob = child.date_of_birth
    if dob is None:
        return 10
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def _is_secondary(school: Organisation) -> bool:
    return any(kind in school.name for kind in SECONDARY_KINDS)


# ---------------------------------------------------------------- concerns


@dataclass
class _Concern:
    """One concern to write: whose, where, how far it has gone, and when."""

    school: Organisation
    child: Person
    state: str  # "unread", "read" (awaiting a decision) or "decided"
    day: dt.date
    scenario: _Scenario = SCENARIOS[0]
    outcome: str = ""
    fgm: bool = False
    addition: bool = False


class _Writer:
    def __init__(self, ctx: DemoContext, staff: dict[int, _Staff]) -> None:
        self.rng: random.Random = ctx.rng
        self.today = ctx.reference_date
        self.staff = staff
        self.days = _Calendar(ctx.reference_date)
        self.classmates: dict[int, list[Person]] = {}
        self.cycle = 0

    def moment(self, day: dt.date, earliest: dt.time = SCHOOL_DAY[0], latest: dt.time = SCHOOL_DAY[1]) -> dt.datetime:
        start, end = earliest.hour * 60 + earliest.minute, latest.hour * 60 + latest.minute
        minutes = self.rng.randint(start, max(start, end))
        return _local(day, dt.time(minutes // 60, minutes % 60))

    def day_back(self, low: int, high: int) -> dt.date:
        return self.days.snap(self.today - dt.timedelta(days=self.rng.randint(low, high)))

    def plan(self, plan: _Concern) -> _Concern:
        """Choose the scenario and the decision: decided concerns take the
        next outcome of the cycle, with a scenario that leads to it."""
        if plan.fgm:
            plan.scenario, plan.outcome = FGM_SCENARIO, Out.REFERRAL
            return plan
        age = _age(plan.child, self.today)
        fitting = [s for s in SCENARIOS if s.ages[0] <= age < s.ages[1]] or list(SCENARIOS)
        if plan.state == "decided":
            outcome = OUTCOME_CYCLE[self.cycle % len(OUTCOME_CYCLE)]
            self.cycle += 1
            plan.scenario = self.rng.choice([s for s in fitting if outcome in s.outcomes] or fitting)
            plan.outcome = outcome if outcome in plan.scenario.outcomes else plan.scenario.outcomes[0]
        else:
            plan.scenario = self.rng.choice(fitting)
        return plan

    def write(self, plan: _Concern, recorded_at: dt.datetime) -> dt.datetime:
        """Record the concern at `recorded_at`, then (as far as it goes) the
        addition, the reading and the decision; returns the last step's moment."""
        rng, scenario, child = self.rng, plan.scenario, plan.child
        staff = self.staff[plan.school.pk]
        assert staff.dsl is not None
        users = [u for u, _ in staff.recorders]
        recorder = rng.choices(users, weights=[RECORDER_WEIGHTS[r] for _, r in staff.recorders])[0]
        if plan.fgm:
            # The duty to notify the police is the teacher's own: a teacher records it.
            recorder = next((u for u, r in staff.recorders if r == Role.SCHOOL_STAFF), recorder)
        lead = staff.dsl if not staff.deputies or rng.random() < 0.7 else rng.choice(staff.deputies)
        occurred_at = recorded_at - dt.timedelta(minutes=rng.randint(10, 90))
        marks = [
            {
                "view": view,
                "x": round(min(1.0, max(0.0, x + rng.uniform(-0.02, 0.02))), 3),
                "y": round(min(1.0, max(0.0, y + rng.uniform(-0.02, 0.02))), 3),
                "note": note,
            }
            for view, x, y, note in scenario.marks
        ]
        data = {
            "account": _fill(scenario.account, child),
            "childs_words": scenario.words if scenario.words and (plan.fgm or rng.random() < 0.7) else "",
            "categories": list(scenario.categories),
            "location": scenario.location,
            "action_taken": _fill(scenario.action, child),
            "occurred_at": occurred_at,
            "dsl_informed_verbally": plan.fgm or rng.random() < 0.8,
            "fgm_known": plan.fgm,
            "body_map": marks if marks and rng.random() < 0.85 else [],
        }
        others: list[Person] = []
        if Cat.PEER_ON_PEER in scenario.categories:
            pool = [p for p in self.classmates.get(plan.school.pk, []) if p.pk != child.pk]
            others = rng.sample(pool, min(len(pool), rng.randint(1, 2)))
        with at(recorded_at):
            concern = actions.do_record_concern(
                child, actor=recorder, school=plan.school, data=data, other_pupils=others
            )
        clock = recorded_at
        police_told = None
        if plan.fgm:
            police_told = occurred_at + dt.timedelta(minutes=rng.randint(5, 9))
            clock += dt.timedelta(minutes=5)
            with at(clock):
                actions.do_record_fgm_notification(
                    concern,
                    actor=recorder,
                    notified_at=police_told,
                    police_reference=f"NP/{self.today.year % 100:02d}/{rng.randint(100000, 999999)}",
                )
        if plan.addition:
            # The DSL adds only to what she has read.
            by = recorder if plan.state == "unread" or rng.random() < 0.6 else lead
            added = clock + dt.timedelta(minutes=rng.randint(40, 150))
            clock = max(clock + dt.timedelta(minutes=1), min(added, _local(recorded_at.date(), dt.time(17, 55))))
            with at(clock):
                actions.do_add_to_concern(concern, actor=by, text=_fill(rng.choice(ADDITIONS), child))
        if plan.state == "unread":
            return clock
        clock += dt.timedelta(minutes=rng.randint(5, 60))
        with at(clock):
            actions.do_mark_read(concern, actor=lead)
        if plan.state != "decided":
            return clock
        decision: dict[str, Any] = {
            "outcome": plan.outcome,
            "parents_informed": True,
            "rationale": _fill(RATIONALES[Out(plan.outcome)], child),
        }
        if plan.outcome == Out.REFERRAL:
            hub = clock + dt.timedelta(minutes=rng.randint(5, 20))
            decision["hub_phoned_at"] = hub
            decision["immediate_risk"] = scenario.immediate or plan.fgm
            if scenario.police:
                decision["police_informed_at"] = police_told or hub + dt.timedelta(minutes=rng.randint(5, 10))
            if scenario.parents_not_told:
                decision["parents_informed"] = False
                decision["parents_not_informed_reason"] = _fill(scenario.parents_not_told, child)
            clock = hub + dt.timedelta(minutes=rng.randint(10, 30))
        else:
            clock += dt.timedelta(minutes=rng.randint(60, 240))
            if clock.time() > dt.time(17, 30):
                clock = self.moment(self.days.after(clock.date(), 1), dt.time(8, 30), dt.time(12, 0))
            if plan.outcome == Out.EARLY_HELP:
                decision["level_of_need"] = rng.choice(
                    [LevelOfNeed.ADDITIONAL, LevelOfNeed.ADDITIONAL, LevelOfNeed.INTENSIVE]
                )
            elif plan.outcome == Out.ADVICE:
                decision["advice_from"] = scenario.advice_from
            elif plan.outcome == Out.MONITOR:
                decision["follow_up_on"] = self.days.snap(clock.date() + dt.timedelta(days=28), back=False)
        with at(clock):
            actions.do_decide(concern, actor=lead, data=decision)
        return clock


# ---------------------------------------------------------------- the extension


@register_demo_extension("safeguarding")
def add_safeguarding(ctx: DemoContext) -> None:
    """Concerns at every school, and transfers and requests of files, through the actions."""
    rng = ctx.rng
    today = ctx.reference_date
    schools = list(
        Organisation.objects.filter(kind=OrganisationKind.SCHOOL, local_authority=ctx.local_authority).order_by("pk")
    )
    staff = _school_staff([s.pk for s in schools])
    schools = [s for s in schools if staff[s.pk].dsl is not None and staff[s.pk].recorders]
    by_pk = {s.pk: s for s in schools}
    writer = _Writer(ctx, staff)

    # Each school's roll on the demo's today (restricted records left out:
    # its staff could not see them to record a concern).
    rolls: dict[int, list[int]] = {s.pk: [] for s in schools}
    joined: dict[int, dt.date] = {}
    for school_id, child_id, started_on in (
        Enrolment.objects.filter(school_id__in=list(by_pk), started_on__lte=today, child__restriction="")
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
        .order_by("school_id", "child_id")
        .values_list("school_id", "child_id", "started_on")
    ):
        rolls[school_id].append(child_id)
        joined[child_id] = started_on

    samples: dict[int, list[int]] = {}
    for school in schools:
        roll = rolls[school.pk]
        wanted = max(MIN_PER_SCHOOL, min(MAX_PER_SCHOOL, round(len(roll) / PUPILS_PER_CONCERN)))
        samples[school.pk] = rng.sample(roll, min(len(roll), wanted))
    sampled = {c for ids in samples.values() for c in ids}

    # The files that move: from the first schools with three pupils
    # sampled, each the school's second pupil, whose concerns are decided
    # long enough ago to come before leaving.
    senders = [s for s in schools if len(samples[s.pk]) >= MIN_PER_SCHOOL]
    moves = dict(zip(("completed", "package_waiting", "overdue", "package_received"), senders, strict=False))
    moving = {samples[school.pk][1] for school in moves.values()}

    # Joiners in the last year whose files are asked for, most recent first
    # (none of the pupils with concerns), and the school each came from.
    joiners = sorted(
        (
            (started, child_id, school_id)
            for school_id, ids in rolls.items()
            for child_id in ids
            if child_id not in sampled and (started := joined[child_id]) >= today - dt.timedelta(days=330)
        ),
        key=lambda row: (-row[0].toordinal(), row[1]),
    )[:200]
    previous: dict[int, tuple[int, dt.date, dt.date | None]] = {}
    for child_id, school_id, started_on, ended_on in (
        Enrolment.objects.filter(
            child_id__in=[c for _, c, _ in joiners], school_id__in=list(by_pk), ended_on__isnull=False
        )
        .order_by("child_id", "ended_on", "pk")
        .values_list("child_id", "school_id", "started_on", "ended_on")
    ):
        previous[child_id] = (school_id, started_on, ended_on)
    # Asked for a school day or more after joining (answered a few days later).
    joiners = [row for row in joiners if row[0] < writer.days.before(today, 1)]
    from_openics = [row for row in joiners if row[1] in previous and previous[row[1]][0] != row[2]]
    waiting = from_openics[0] if from_openics else (joiners[0] if joiners else None)
    answered = next(
        (row for row in [*from_openics, *joiners] if row != waiting and row[0] < writer.days.before(today, 5)),
        None,
    )

    classmates = {pk: rolls[pk][:12] for pk in rolls}
    ids = sampled | {c for ids in classmates.values() for c in ids} | {row[1] for row in (waiting, answered) if row}
    people = Person.objects.in_bulk(sorted(ids))
    writer.classmates = {pk: [people[c] for c in ids] for pk, ids in classmates.items()}

    # The plan of every concern: each school's first pupil's unread (the
    # last few days), its second's decided (the pupil whose file moves).
    plans: list[_Concern] = []
    for school in schools:
        for i, child_id in enumerate(samples[school.pk]):
            if i == 0:
                state = "unread"
            elif i == 1 or (i == 2 and school in moves.values()):
                state = "decided"
            elif i == 2:
                state = "read" if rng.random() < 0.35 else "decided"
            else:
                draw = rng.random()
                state = "unread" if draw < 0.15 else "read" if draw < 0.3 else "decided"
            if state == "unread":
                day = writer.day_back(1, 3)
            elif state == "read":
                day = writer.day_back(1, 6)
            else:
                day = writer.day_back(*(TRANSFERRED_DAYS if child_id in moving else DECIDED_DAYS))
            plans.append(_Concern(school=school, child=people[child_id], state=state, day=day))
    # One concern of known FGM: a girl of secondary age, decided.
    for plan in plans:
        if (
            plan.state == "decided"
            and plan.child.pk not in moving
            and plan.child.sex == Sex.FEMALE
            and _age(plan.child, today) >= FGM_SCENARIO.ages[0]
        ):
            plan.fgm = True
            break
    # The file the previous school still holds for the joiner awaiting it.
    if waiting is not None and waiting[1] in previous:
        school_id, started_on, ended_on = previous[waiting[1]]
        day = writer.days.snap((ended_on or today) - dt.timedelta(days=rng.randint(15, 90)))
        if school_id != waiting[2] and started_on <= day <= today - dt.timedelta(days=DECIDED_DAYS[0]):
            plans.append(_Concern(school=by_pk[school_id], child=people[waiting[1]], state="decided", day=day))
    for plan in list(plans):
        writer.plan(plan)
        plan.addition = rng.random() < 0.2
        # A second concern within the week about a few pupils (flagged as recent).
        recent_enough = plan.state == "decided" and not plan.fgm and plan.day <= today - dt.timedelta(days=14)
        if recent_enough and rng.random() < 0.08:
            again = _Concern(plan.school, plan.child, "decided", writer.days.after(plan.day, rng.randint(1, 4)))
            plans.append(writer.plan(again))
    first_read = next((p for p in plans if p.state != "unread"), None)
    if first_read is not None:
        first_read.addition = True

    # Written in the order of time, so "another concern in the last 7 days"
    # is as it would have been.
    timed = sorted(
        ((writer.moment(p.day, latest=dt.time(16, 30)), n, p) for n, p in enumerate(plans)),
        key=lambda row: (row[0], row[1]),
    )
    last_step: dict[int, dt.datetime] = {}
    for recorded_at, _n, plan in timed:
        done = writer.write(plan, recorded_at)
        last_step[plan.child.pk] = max(done, last_step.get(plan.child.pk, done))

    for kind, sender in moves.items():
        child = people[samples[sender.pk][1]]
        _transfer(writer, kind, child, sender, schools, last_step.get(child.pk))
    if waiting is not None:
        _request(writer, waiting, previous.get(waiting[1]), people, by_pk, answer=False)
    if answered is not None:
        _request(writer, answered, previous.get(answered[1]), people, by_pk, answer=True)


# ---------------------------------------------------------------- transfers and requests


def _receiver_for(sender: Organisation, schools: list[Organisation]) -> Organisation | None:
    """The next school of the same phase after the sender, else the next school."""
    i = schools.index(sender)
    after = schools[i + 1 :] + schools[:i]
    same = [s for s in after if _is_secondary(s) == _is_secondary(sender)]
    choices = same or after
    return choices[0] if choices else None


def _transfer(
    writer: _Writer,
    kind: str,
    child: Person,
    sender: Organisation,
    schools: list[Organisation],
    last_step: dt.datetime | None,
) -> None:
    rng, today = writer.rng, writer.today
    left_on = writer.days.before(today, rng.randint(*SCHOOL_DAYS_BACK[kind]))
    if last_step is not None and left_on <= last_step.date():
        # The pupil leaves after the file's last entry.
        left_on = writer.days.after(last_step.date(), 1)
    if left_on > writer.days.before(today, 1 if kind == "package_waiting" else 6):
        return
    dsl = writer.staff[sender.pk].dsl
    assert dsl is not None
    name = child.known_as or child.first_name
    started = writer.moment(left_on, dt.time(13, 0), dt.time(16, 0))
    if kind in ("completed", "overdue"):
        receiver = _receiver_for(sender, schools)
        if receiver is None:
            return
        their_dsl = writer.staff[receiver.pk].dsl
        assert their_dsl is not None
        with at(started):
            transfer = transfers.do_start_transfer(
                child,
                actor=dsl,
                from_school=sender,
                to_school=receiver,
                left_on=left_on,
                note=f"{name} has moved to live with family nearer {receiver.name.split(', ')[-1]}.",
            )
        # The pupil joins the receiving school the next school day, which
        # takes the pupil off the sender's roll.
        joined_on = writer.days.after(left_on, 1)
        with at(writer.moment(joined_on, dt.time(8, 30), dt.time(9, 0))):
            do_enrol(child, actor=their_dsl, school=receiver, started_on=joined_on)
        if kind == "completed":
            with at(writer.moment(writer.days.after(joined_on, rng.randint(0, 2)), dt.time(9, 30), dt.time(15, 0))):
                transfers.do_confirm_receipt(transfer, actor=their_dsl)
        return
    # A sealed package to a school not on OpenICS: the pupil moved out of the area.
    with at(started):
        transfer = transfers.do_start_transfer(
            child,
            actor=dsl,
            from_school=sender,
            to_school_name=rng.choice(OUT_OF_AREA_SCHOOLS),
            left_on=left_on,
            note=f"{name} has moved out of the county. Package sent by secure email to the school's DSL.",
        )
        transfers.do_mark_package_downloaded(transfer, actor=dsl)
        transfer.refresh_from_db(fields=["package_downloaded_at"])
        do_end_enrolments(child, actor=dsl, school_id=sender.pk, on=left_on, reason="Moved out of the area")
    if kind == "package_received":
        received_at = writer.moment(writer.days.after(left_on, rng.randint(2, 4)), dt.time(9, 0), dt.time(12, 0))
        with at(received_at + dt.timedelta(minutes=rng.randint(20, 120))):
            transfers.do_record_package_receipt(
                transfer,
                actor=dsl,
                received_by_name=rng.choice(RECEIVERS),
                received_at=received_at,
                how=rng.choice(["Signed receipt slip returned by post", "Email from the DSL's school address"]),
            )


def _request(
    writer: _Writer,
    row: tuple[dt.date, int, int],
    previous: tuple[int, dt.date, dt.date | None] | None,
    people: dict[int, Person],
    by_pk: dict[int, Organisation],
    *,
    answer: bool,
) -> None:
    """A joiner's file asked for from the previous school (or, for a school
    not on OpenICS, by name): answered "no file held", or awaiting an answer
    after a reminder."""
    rng, today = writer.rng, writer.today
    joined_on, child_id, school_id = row
    child, school = people[child_id], by_pk[school_id]
    dsl = writer.staff[school_id].dsl
    assert dsl is not None
    previous_school = by_pk.get(previous[0]) if previous and previous[0] != school_id else None
    asked_on = min(writer.days.after(joined_on, rng.randint(1, 3)), writer.days.before(today, 1))
    if asked_on < joined_on:
        return
    with at(writer.moment(asked_on, dt.time(9, 0), dt.time(15, 0))):
        req = transfers.do_request_file(
            child,
            actor=dsl,
            school=school,
            previous_school=previous_school,
            previous_school_name="" if previous_school else rng.choice(OUT_OF_AREA_SCHOOLS),
            joined_on=joined_on,
        )
    if not answer:
        reminder_on = writer.days.after(asked_on, 5)
        if reminder_on < today:
            with at(writer.moment(reminder_on, dt.time(9, 0), dt.time(12, 0))):
                transfers.do_remind_request(req, actor=dsl)
        return
    answerer = writer.staff[previous_school.pk].dsl if previous_school else dsl
    assert answerer is not None
    answered_on = max(asked_on, min(writer.days.after(asked_on, rng.randint(1, 3)), writer.days.before(today, 1)))
    with at(writer.moment(answered_on, dt.time(15, 30), dt.time(16, 30))):
        transfers.do_answer_request(
            req,
            actor=answerer,
            answer=FileRequestAnswer.NO_FILE,
            note=f"No concerns were recorded while {child.known_as or child.first_name} was with us.",
        )
