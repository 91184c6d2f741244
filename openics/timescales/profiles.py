"""Timescale rule profiles: versioned TOML files in `profiles/`.

A profile is a named, versioned set of rules an authority runs under
(`sussex-ics`, `england`, `scotland`, `wales`).  The loader refuses a file
with anything it does not understand, naming the file and the rule, because
a silently ignored typo in a statutory timescale is worse than a failed
start-up.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from .errors import TimescaleError
from .units import NATIONS, Tier, Unit

PROFILES_DIR = Path(__file__).resolve().parent / "profiles"

_ID_PATTERN = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_PROFILE_KEYS = {"name", "title", "version", "effective", "nation", "source", "rules"}
_REQUIRED_PROFILE_KEYS = {"name", "title", "version", "effective", "nation", "rules"}
_RULE_KEYS = {"id", "title", "trigger", "offset", "unit", "counts_trigger_day", "tier", "source", "aliases", "note"}
_REQUIRED_RULE_KEYS = {"id", "title", "trigger", "offset", "unit", "tier", "source"}
# A sanity bound: no timescale in any profile is longer than a few years.
MAX_OFFSET = 1000


class ProfileError(TimescaleError):
    """A profile file that cannot be used, with the reason."""


@dataclass(frozen=True)
class Rule:
    """One timescale: `offset` `unit`s after the `trigger` event."""

    id: str
    title: str
    trigger: str
    offset: int
    unit: Unit
    tier: Tier
    source: str
    counts_trigger_day: bool = False
    aliases: tuple[str, ...] = ()
    note: str = ""

    def describe(self) -> str:
        """'10 working days after the referral', for people."""
        unit = str(Unit(self.unit).label)
        if self.offset == 1:
            unit = unit.removesuffix("s")
        counting = ", counting the trigger day as day 1" if self.counts_trigger_day else ""
        return f"{self.offset} {unit} after {self.trigger}{counting}"


@dataclass(frozen=True)
class Profile:
    """A versioned set of rules."""

    name: str
    title: str
    version: str
    effective: dt.date
    nation: str
    source: str
    rules: tuple[Rule, ...]
    _index: Mapping[str, Rule] = field(default_factory=dict, repr=False, compare=False)

    def rule(self, rule_id: str) -> Rule:
        """The rule with this id or alias; a clear error if there is none."""
        try:
            return self._index[rule_id]
        except KeyError:
            known = ", ".join(r.id for r in self.rules)
            raise TimescaleError(
                f"There is no rule '{rule_id}' in the {self.name} profile (version {self.version}). "
                f"Its rules are: {known}."
            ) from None

    def has_rule(self, rule_id: str) -> bool:
        return rule_id in self._index


def _fail(source: str, message: str) -> ProfileError:
    return ProfileError(f"{source}: {message}")


def _parse_rule(raw: Any, position: int, source: str) -> Rule:
    where = f"rule {position}"
    if not isinstance(raw, dict):
        raise _fail(source, f"{where} is not a table ([[rules]])")
    if isinstance(raw.get("id"), str):
        where = f"rule '{raw['id']}'"
    unknown = set(raw) - _RULE_KEYS
    if unknown:
        raise _fail(source, f"{where} has unknown key(s): {', '.join(sorted(unknown))}")
    missing = _REQUIRED_RULE_KEYS - set(raw)
    if missing:
        raise _fail(source, f"{where} is missing: {', '.join(sorted(missing))}")
    for key in ("id", "title", "trigger", "unit", "tier", "source"):
        if not isinstance(raw[key], str) or not raw[key].strip():
            raise _fail(source, f"{where}: '{key}' must be non-empty text")
    if not _ID_PATTERN.match(raw["id"]):
        raise _fail(source, f"{where}: the id must be lower-case words joined by hyphens")
    if raw["unit"] not in Unit.values:
        raise _fail(source, f"{where} has unknown unit '{raw['unit']}'; use one of: {', '.join(Unit.values)}")
    if raw["tier"] not in Tier.values:
        raise _fail(source, f"{where} has unknown tier '{raw['tier']}'; use one of: {', '.join(Tier.values)}")
    offset = raw["offset"]
    # bool is an int in Python; `offset = true` is still a mistake.
    if not isinstance(offset, int) or isinstance(offset, bool) or not 1 <= offset <= MAX_OFFSET:
        raise _fail(source, f"{where}: the offset must be a whole number from 1 to {MAX_OFFSET}")
    counts = raw.get("counts_trigger_day", False)
    if not isinstance(counts, bool):
        raise _fail(source, f"{where}: counts_trigger_day must be true or false")
    aliases = raw.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and _ID_PATTERN.match(a) for a in aliases):
        raise _fail(source, f"{where}: aliases must be a list of ids")
    return Rule(
        id=raw["id"],
        title=raw["title"].strip(),
        trigger=raw["trigger"].strip(),
        offset=offset,
        unit=Unit(raw["unit"]),
        tier=Tier(raw["tier"]),
        source=raw["source"].strip(),
        counts_trigger_day=counts,
        aliases=tuple(aliases),
        note=str(raw.get("note", "")).strip(),
    )


def parse_profile(data: Mapping[str, Any], source: str = "profile") -> Profile:
    """Validate parsed TOML and build a `Profile`; `ProfileError` if bad."""
    unknown = set(data) - _PROFILE_KEYS
    if unknown:
        raise _fail(source, f"unknown key(s): {', '.join(sorted(unknown))}")
    missing = _REQUIRED_PROFILE_KEYS - set(data)
    if missing:
        raise _fail(source, f"missing: {', '.join(sorted(missing))}")
    for key in ("name", "title", "version"):
        if not isinstance(data[key], str) or not data[key].strip():
            raise _fail(source, f"'{key}' must be non-empty text")
    if not _ID_PATTERN.match(data["name"]):
        raise _fail(source, "the name must be lower-case words joined by hyphens")
    effective = data["effective"]
    if not isinstance(effective, dt.date) or isinstance(effective, dt.datetime):
        raise _fail(source, "'effective' must be a date (effective = 2023-12-15)")
    if data["nation"] not in NATIONS:
        raise _fail(source, f"unknown nation '{data['nation']}'; use one of: {', '.join(NATIONS)}")
    raw_rules = data["rules"]
    if not isinstance(raw_rules, list) or not raw_rules:
        raise _fail(source, "a profile needs at least one [[rules]] table")
    rules = tuple(_parse_rule(raw, i, source) for i, raw in enumerate(raw_rules, start=1))
    index: dict[str, Rule] = {}
    for rule in rules:
        for key in (rule.id, *rule.aliases):
            if key in index:
                raise _fail(source, f"duplicate rule id '{key}'")
            index[key] = rule
    return Profile(
        name=data["name"],
        title=data["title"].strip(),
        version=data["version"].strip(),
        effective=effective,
        nation=data["nation"],
        source=str(data.get("source", "")).strip(),
        rules=rules,
        _index=index,
    )


def parse_profile_text(text: str, source: str = "profile") -> Profile:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _fail(source, f"not valid TOML: {exc}") from None
    return parse_profile(data, source)


def load_profile_file(path: Path) -> Profile:
    profile = parse_profile_text(path.read_text(encoding="utf-8"), path.name)
    if profile.name != path.stem:
        raise _fail(path.name, f"the file name must match the profile's name ('{profile.name}')")
    return profile


@cache
def all_profiles() -> Mapping[str, Profile]:
    """Every shipped profile by name, loaded and validated once per process."""
    return {p.name: p for p in (load_profile_file(path) for path in sorted(PROFILES_DIR.glob("*.toml")))}


def get_profile(name: str) -> Profile:
    try:
        return all_profiles()[name]
    except KeyError:
        raise TimescaleError(
            f"There is no timescale profile '{name}'. Choose one of: {', '.join(sorted(all_profiles()))}."
        ) from None


def profile_names() -> list[str]:
    return sorted(all_profiles())


# The profile an authority runs under when it has not chosen one.  Northern
# Ireland has no profile yet, so an authority there must choose explicitly.
DEFAULT_PROFILE_FOR_NATION = {"ENG": "england", "WLS": "wales", "SCT": "scotland"}
