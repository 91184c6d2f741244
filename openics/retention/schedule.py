"""The retention schedule (rules.toml): classes of record, their rules, and
the arithmetic that turns a rule and a child's facts into a "kept until"
date.  Pure functions: nothing here reads or writes the database."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

RULES_FILE = Path(__file__).with_name("rules.toml")

ANCHORS = frozenset({"birth", "death", "adoption_order", "last_entry", "longest", "never"})
WHENS = frozenset({"always", "adopted", "looked_after", "died_before_18", "died"})
HOLDERS = frozenset({"school", "authority"})
PERS = frozenset({"child", "row"})
REVIEWER_ROLES = frozenset({"dsl", "head", "records", "sm"})


class ScheduleError(ValueError):
    """rules.toml is not as it should be; start-up stops with the reason."""


@dataclass(frozen=True)
class Rule:
    when: str
    anchor: str
    years: int
    source: str
    nations: tuple[str, ...] = ()
    # When the child has died (before `died_before`, if given): kept this
    # many years from the death instead.
    death_years: int | None = None
    died_before: int | None = None


@dataclass(frozen=True)
class RetentionClass:
    id: str
    title: str
    holder: str
    description: str
    rules: tuple[Rule, ...]
    reviewers: tuple[str, ...] = ()
    per: str = "child"
    # False: destroyed by the scheduled job when due, with no review (working data).
    review: bool = True

    @property
    def kept_forever(self) -> bool:
        return all(rule.anchor == "never" for rule in self.rules)


@dataclass(frozen=True)
class Facts:
    """What the arithmetic needs to know about a child (or a row)."""

    date_of_birth: dt.date | None = None
    date_of_death: dt.date | None = None
    looked_after: bool = False
    adopted: bool = False
    adoption_order_on: dt.date | None = None
    last_entry: dt.date | None = None
    nation: str = "ENG"
    # For the identity class: the other classes' dates (None: not known).
    others: tuple[dt.date | None, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class KeptUntil:
    """The outcome: a date, or None with the reason it cannot be worked out
    (the record is then kept), or forever."""

    on: dt.date | None
    basis: str
    rule: Rule | None
    forever: bool = False

    @property
    def undetermined(self) -> bool:
        return self.on is None and not self.forever

    def due(self, today: dt.date) -> bool:
        return self.on is not None and self.on <= today


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _age_at(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _applies(rule: Rule, facts: Facts) -> bool:
    if rule.nations and facts.nation not in rule.nations:
        return False
    if rule.when == "always":
        return True
    if rule.when == "adopted":
        return facts.adopted
    if rule.when == "looked_after":
        return facts.looked_after
    if rule.when == "died":
        return facts.date_of_death is not None
    if rule.when == "died_before_18":
        return (
            facts.date_of_death is not None
            and facts.date_of_birth is not None
            and _age_at(facts.date_of_birth, facts.date_of_death) < 18
        )
    return False


def _fmt(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _plural(years: int) -> str:
    return f"{years} year" if years == 1 else f"{years} years"


def kept_until(cls: RetentionClass, facts: Facts) -> KeptUntil:
    """Apply the first rule of `cls` whose condition holds."""
    for rule in cls.rules:
        if _applies(rule, facts):
            return _compute(rule, facts)
    return KeptUntil(None, "No rule of this class applies: kept until a records manager decides", None)


def _compute(rule: Rule, facts: Facts) -> KeptUntil:
    if rule.anchor == "never":
        return KeptUntil(None, "Kept as evidence: never destroyed", rule, forever=True)
    death = facts.date_of_death
    if rule.death_years is not None and death is not None:
        died_young = (
            rule.died_before is None
            or facts.date_of_birth is None
            or _age_at(facts.date_of_birth, death) < rule.died_before
        )
        if died_young:
            on = add_years(death, rule.death_years)
            return KeptUntil(on, f"Date of death {_fmt(death)} + {_plural(rule.death_years)}", rule)
    if rule.anchor == "longest":
        if not facts.others:
            if facts.date_of_birth is None:
                return KeptUntil(None, "Cannot be worked out: the date of birth is not recorded", rule)
            on = add_years(facts.date_of_birth, rule.years)
            return KeptUntil(
                on, f"No other record: date of birth {_fmt(facts.date_of_birth)} + {_plural(rule.years)}", rule
            )
        if any(other is None for other in facts.others):
            return KeptUntil(None, "Kept: another record about the child has no date yet", rule)
        latest = max(other for other in facts.others if other is not None)
        return KeptUntil(latest, "The latest date of the child's other records", rule)
    anchors = {
        "birth": (facts.date_of_birth, "Date of birth", "the date of birth is not recorded"),
        "death": (death, "Date of death", "the date of death is not recorded"),
        "adoption_order": (facts.adoption_order_on, "Adoption order", "the date of the adoption order is not recorded"),
        "last_entry": (facts.last_entry, "Last entry", "the record has no dated entry"),
    }
    day, label, missing = anchors[rule.anchor]
    if day is None:
        return KeptUntil(None, f"Cannot be worked out: {missing}", rule)
    return KeptUntil(add_years(day, rule.years), f"{label} {_fmt(day)} + {_plural(rule.years)}", rule)


# ---------------------------------------------------------------- loading


def _rule(data: dict[str, object], where: str) -> Rule:
    unknown = set(data) - {"when", "anchor", "years", "source", "nations", "death_years", "died_before"}
    if unknown:
        raise ScheduleError(f"{where}: unknown keys {sorted(unknown)}")
    when = str(data.get("when", "always"))
    anchor = str(data.get("anchor", ""))
    if when not in WHENS:
        raise ScheduleError(f"{where}: when must be one of {sorted(WHENS)}")
    if anchor not in ANCHORS:
        raise ScheduleError(f"{where}: anchor must be one of {sorted(ANCHORS)}")
    years = data.get("years", 0)
    if not isinstance(years, int) or years < 0:
        raise ScheduleError(f"{where}: years must be a whole number of years")
    source = str(data.get("source", "")).strip()
    if not source:
        raise ScheduleError(f"{where}: every rule names its source")
    death_years = data.get("death_years")
    died_before = data.get("died_before")
    nations = data.get("nations", [])
    if not isinstance(nations, list):
        raise ScheduleError(f"{where}: nations is a list")
    return Rule(
        when=when,
        anchor=anchor,
        years=years,
        source=source,
        nations=tuple(str(n) for n in nations),
        death_years=int(death_years) if isinstance(death_years, int) else None,
        died_before=int(died_before) if isinstance(died_before, int) else None,
    )


def parse(text: str, name: str = "rules.toml") -> dict[str, RetentionClass]:
    data = tomllib.loads(text)
    classes: dict[str, RetentionClass] = {}
    for i, raw in enumerate(data.get("classes", [])):
        where = f"{name}: class {raw.get('id', i)}"
        cid = str(raw.get("id", ""))
        if not cid or cid in classes:
            raise ScheduleError(f"{where}: every class has its own id")
        holder = str(raw.get("holder", ""))
        if holder not in HOLDERS:
            raise ScheduleError(f"{where}: holder must be one of {sorted(HOLDERS)}")
        per = str(raw.get("per", "child"))
        if per not in PERS:
            raise ScheduleError(f"{where}: per must be one of {sorted(PERS)}")
        reviewers = tuple(str(r) for r in raw.get("reviewers", []))
        if set(reviewers) - REVIEWER_ROLES:
            raise ScheduleError(f"{where}: reviewers must be among {sorted(REVIEWER_ROLES)}")
        rules = tuple(_rule(r, f"{where} rule {j + 1}") for j, r in enumerate(raw.get("rules", [])))
        if not rules:
            raise ScheduleError(f"{where}: a class needs at least one rule")
        review = bool(raw.get("review", True))
        never = all(rule.anchor == "never" for rule in rules)
        if review and not never and not reviewers:
            raise ScheduleError(f"{where}: a reviewed class names its reviewers")
        classes[cid] = RetentionClass(
            id=cid,
            title=str(raw.get("title", cid)),
            holder=holder,
            description=str(raw.get("description", "")),
            rules=rules,
            reviewers=reviewers,
            per=per,
            review=review,
        )
    if not classes:
        raise ScheduleError(f"{name}: no classes")
    return classes


@cache
def classes() -> dict[str, RetentionClass]:
    return parse(RULES_FILE.read_text(encoding="utf-8"))


def get(class_id: str) -> RetentionClass:
    return classes()[class_id]
