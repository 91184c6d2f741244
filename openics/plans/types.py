"""Plan types: versioned TOML files in `types/`, loaded and checked at start-up.

A plan type says which sections its plans have, which part of the child's
record they belong to, who completes and who endorses them, how the next
review date is set and which stage of intervention the plan belongs to.
Adding a plan type is adding a file.  The loader refuses anything it does
not understand, naming the file and the key.

`review` is a list tried in order: a timescale rule id is used when the
authority's profile has it; "agreed" means the date is set at the meeting
(optionally no later than `agreed_within_days` after it); an empty list
means the plan has no review of its own (a CP plan is reviewed at the CP
review conference).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from openics.core.roles import Part, Role

TYPES_DIR = Path(__file__).resolve().parent / "types"

AGREED = "agreed"
# Every section a plan can have, in the order plans show them.
SECTIONS: dict[str, str] = {
    "aim": "Overall aim",
    "needs": "Needs identified",
    "outcomes": "Outcomes and targets",
    "actions": "Actions and services",
    "monitoring": "Monitoring",
    "coordinator": "Lead professional or case coordinator",
    "contingency": "Contingency plan",
    "views": "Views of the child and family",
    "agreement": "Agreement",
}
_KEYS = {
    "id",
    "title",
    "part",
    "description",
    "source",
    "sections",
    "completed_by",
    "endorsed_by",
    "review",
    "agreed_within_days",
    "stage",
}


class PlanTypeError(Exception):
    """A plan-type file that cannot be used, with the reason."""


@dataclass(frozen=True)
class PlanType:
    id: str
    title: str
    part: str
    sections: tuple[str, ...]
    completed_by: frozenset[str]
    endorsed_by: frozenset[str]
    review: tuple[str, ...] = ()
    agreed_within_days: int | None = None
    stage: int | None = None
    description: str = ""
    source: str = ""

    @property
    def needs_endorsement(self) -> bool:
        return bool(self.endorsed_by)

    @property
    def has_review(self) -> bool:
        return bool(self.review)

    def has(self, section: str) -> bool:
        return section in self.sections

    def may_complete(self, roles: frozenset[str]) -> bool:
        return bool(self.completed_by & roles)

    def may_endorse(self, roles: frozenset[str]) -> bool:
        return bool(self.endorsed_by & roles)

    def role_names(self, roles: frozenset[str]) -> str:
        names = [str(Role(r).label).lower() for r in Role.values if r in roles]
        if not names:
            return ""
        return ", ".join(names[:-1]) + (" or " if len(names) > 1 else "") + names[-1]

    def review_rule(self, has_rule: Any) -> str | None:
        """The rule id the next review follows, AGREED, or None (no review).

        `has_rule(rule_id)` says whether the authority's profile has a rule.
        """
        for entry in self.review:
            if entry == AGREED:
                return AGREED
            if has_rule(entry):
                return entry
        return None


def _fail(source: str, message: str) -> PlanTypeError:
    return PlanTypeError(f"{source}: {message}")


def _roles(raw: Any, key: str, source: str) -> frozenset[str]:
    if raw is None:
        return frozenset()
    if not isinstance(raw, list) or not all(isinstance(r, str) for r in raw):
        raise _fail(source, f"'{key}' must be a list of role codes")
    unknown = [r for r in raw if r not in Role.values]
    if unknown:
        raise _fail(source, f"'{key}' names unknown role(s) {', '.join(unknown)}; use {', '.join(Role.values)}")
    return frozenset(raw)


def _known_rules() -> set[str]:
    from openics.timescales.profiles import all_profiles

    known: set[str] = set()
    for profile in all_profiles().values():
        for rule in profile.rules:
            known.add(rule.id)
            known.update(rule.aliases)
    return known


def parse_plan_type(data: Mapping[str, Any], source: str = "plan type") -> PlanType:
    unknown = set(data) - _KEYS
    if unknown:
        raise _fail(source, f"unknown key(s) {', '.join(sorted(unknown))}")
    for key in ("id", "title", "part"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise _fail(source, f"'{key}' is required and must be text")
    if data["part"] not in Part.values:
        raise _fail(source, f"'part' must be one of {', '.join(Part.values)}")
    sections = data.get("sections")
    if not isinstance(sections, list) or not sections:
        raise _fail(source, "'sections' must be a non-empty list")
    bad = [s for s in sections if s not in SECTIONS]
    if bad:
        raise _fail(source, f"unknown section(s) {', '.join(map(str, bad))}; use {', '.join(SECTIONS)}")
    if "outcomes" not in sections:
        raise _fail(source, "every plan has 'outcomes' (reviews are recorded against them)")
    completed_by = _roles(data.get("completed_by"), "completed_by", source)
    if not completed_by:
        raise _fail(source, "'completed_by' must name at least one role")
    endorsed_by = _roles(data.get("endorsed_by", []), "endorsed_by", source)
    review = data.get("review", [])
    if isinstance(review, str):
        review = [review]
    if not isinstance(review, list) or not all(isinstance(r, str) for r in review):
        raise _fail(source, "'review' must be a list of timescale rule ids or \"agreed\"")
    known = _known_rules()
    for entry in review:
        if entry != AGREED and entry not in known:
            raise _fail(source, f"'review' names '{entry}', which no timescale profile has")
    within = data.get("agreed_within_days")
    if within is not None and (not isinstance(within, int) or within < 1):
        raise _fail(source, "'agreed_within_days' must be a whole number of days")
    stage = data.get("stage")
    if stage is not None and stage not in (1, 2, 3):
        raise _fail(source, "'stage' must be 1, 2 or 3")
    # Section order is the engine's, not the file's.
    ordered = tuple(s for s in SECTIONS if s in sections)
    return PlanType(
        id=data["id"],
        title=data["title"],
        part=data["part"],
        sections=ordered,
        completed_by=completed_by,
        endorsed_by=endorsed_by,
        review=tuple(review),
        agreed_within_days=within,
        stage=stage,
        description=str(data.get("description", "")),
        source=str(data.get("source", "")),
    )


def load_plan_type_file(path: Path) -> PlanType:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise _fail(path.name, f"not valid TOML: {error}") from None
    plan_type = parse_plan_type(data, path.name)
    if plan_type.id != path.stem:
        raise _fail(path.name, f"'id' is '{plan_type.id}' but the file is named '{path.stem}.toml'")
    return plan_type


@cache
def all_plan_types() -> Mapping[str, PlanType]:
    """Every plan type by id, loaded and validated once per process."""
    return {t.id: t for t in (load_plan_type_file(p) for p in sorted(TYPES_DIR.glob("*.toml")))}


def get_plan_type(type_id: str) -> PlanType:
    try:
        return all_plan_types()[type_id]
    except KeyError:
        raise PlanTypeError(f"There is no plan type '{type_id}'") from None
