"""Record definitions: versioned TOML files in `definitions/`.

A definition says what a typed record holds (sections of fields), which part
of the child's record it belongs to, which roles complete it and which
endorse it.  Adding a record type is adding a file, not an `if` statement.
The loader refuses anything it does not understand, naming the file and the
field, because a silently ignored typo would lose what practitioners type.

File names: `<kind>.toml` for the current version; an older version that
records still use stays as `<kind>.v<version>.toml`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError

from openics.core.roles import MANAGER_ROLES, Part, Role

from .codes import CODE_LISTS

DEFINITIONS_DIR = Path(__file__).resolve().parent / "definitions"

FIELD_TYPES = ("text", "longtext", "date", "choice", "multichoice", "yesno", "number", "agency")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_KIND = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_DEFINITION_KEYS = {
    "kind",
    "version",
    "title",
    "part",
    "description",
    "source",
    "completed_by",
    "endorsed_by",
    "endorsement",
    "sections",
    "deadlines",
    "meets",
    "profiles",
    "proposes",
}
_SECTION_KEYS = {"title", "hint", "fields"}
_FIELD_KEYS = {"name", "label", "hint", "type", "options", "codes", "required_on_submit", "required_when", "error"}
_DEADLINE_KEYS = {"rules", "from_field", "on", "when"}
_MEETS_KEYS = {"rules"}
_PROPOSES_KEYS = {"kinds", "when"}
_CONDITION_KEYS = {"field", "equals"}
# Field types a condition can test: those holding one code.
CONDITION_TYPES = ("choice", "yesno")
# The workflow steps a deadline can start from.
DEADLINE_EVENTS = ("submit", "endorse")
TEXT_MAX = 500
LONGTEXT_MAX = 50_000
NUMBER_MAX = 1_000_000


class DefinitionError(Exception):
    """A definition file that cannot be used, with the reason."""


@dataclass(frozen=True)
class Condition:
    """`{ field = "decision", equals = "plan" }`: true when the record's
    `field` holds `equals` (or any of them, when `equals` is a list)."""

    field: str
    values: tuple[str, ...]

    def holds(self, data: Mapping[str, Any]) -> bool:
        value = data.get(self.field)
        return isinstance(value, str) and value in self.values


@dataclass(frozen=True)
class FieldDef:
    name: str
    label: str
    type: str
    hint: str = ""
    options: tuple[tuple[str, Any], ...] = ()
    required_on_submit: bool = False
    error: str = ""
    # Required at submission only while this condition holds.
    required_when: Condition | None = None

    def is_required(self, data: Mapping[str, Any]) -> bool:
        """Whether submission needs this field, given the record's values."""
        if self.required_on_submit:
            return True
        return self.required_when is not None and self.required_when.holds(data)

    @property
    def missing_message(self) -> str:
        """The message when a required field is empty at submission."""
        if self.error:
            return self.error
        verb = "Select" if self.type in {"choice", "multichoice", "yesno", "agency"} else "Enter"
        return f"{verb} {self.label[:1].lower()}{self.label[1:]}"

    def option_label(self, code: str) -> str:
        return str(dict(self.options).get(code, code))


@dataclass(frozen=True)
class SectionDef:
    title: str
    fields: tuple[FieldDef, ...]
    hint: str = ""


@dataclass(frozen=True)
class DeadlineTrigger:
    """A deadline the record starts: the first of `rules` the authority's
    profile has, counted from the date in `from_field` (or the day of the
    `on` step when the field is empty or not named)."""

    rules: tuple[str, ...]
    on: str = "submit"
    from_field: str = ""
    # The deadline starts only when this holds for the record's values.
    when: Condition | None = None


@dataclass(frozen=True)
class DeadlineMeet:
    """Open deadlines of `rules` for the child that submitting the record meets."""

    rules: tuple[str, ...]


@dataclass(frozen=True)
class Proposal:
    """Next steps the record proposes (never forces) once submitted: the
    `kinds` to start for the child, when `when` holds (always, if absent)."""

    kinds: tuple[str, ...]
    when: Condition | None = None

    def applies(self, data: Mapping[str, Any]) -> bool:
        return self.when is None or self.when.holds(data)


@dataclass(frozen=True)
class RecordDefinition:
    kind: str
    version: int
    title: str
    part: str
    completed_by: frozenset[str]
    endorsed_by: frozenset[str]
    sections: tuple[SectionDef, ...]
    description: str = ""
    source: str = ""
    deadlines: tuple[DeadlineTrigger, ...] = ()
    meets: tuple[DeadlineMeet, ...] = ()
    # The timescale profiles that offer this record type; empty: all of them.
    profiles: frozenset[str] = frozenset()
    proposes: tuple[Proposal, ...] = ()

    def offered_in(self, profile: str | None) -> bool:
        """Whether an authority running `profile` uses this record type
        (None: no profile is known, so nothing is withheld)."""
        return not self.profiles or profile is None or profile in self.profiles

    def proposed_kinds(self, data: Mapping[str, Any]) -> tuple[str, ...]:
        """The kinds this record's values propose as next steps, in order, once each."""
        kinds: list[str] = []
        for proposal in self.proposes:
            if proposal.applies(data):
                kinds.extend(k for k in proposal.kinds if k not in kinds)
        return tuple(kinds)

    @property
    def needs_endorsement(self) -> bool:
        return bool(self.endorsed_by)

    @property
    def fields(self) -> tuple[FieldDef, ...]:
        return tuple(f for s in self.sections for f in s.fields)

    def field(self, name: str) -> FieldDef | None:
        return next((f for f in self.fields if f.name == name), None)

    def may_complete(self, roles: frozenset[str]) -> bool:
        return bool(self.completed_by & roles)

    def may_endorse(self, roles: frozenset[str]) -> bool:
        return bool(self.endorsed_by & roles)

    def role_names(self, roles: frozenset[str]) -> str:
        names = [str(Role(r).label).lower() for r in Role.values if r in roles]
        return ", ".join(names[:-1]) + (" or " if len(names) > 1 else "") + names[-1] if names else ""

    def clean_data(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        """Type-check values for a draft (never completeness): JSON-ready
        values, or `ValidationError` keyed by field name."""
        errors: dict[str, str] = {}
        cleaned: dict[str, Any] = {}
        for name, value in raw.items():
            field = self.field(str(name))
            if field is None:
                errors[str(name)] = f"There is no field '{name}' in the {self.title}"
                continue
            try:
                cleaned[field.name] = _clean_value(field, value)
            except ValueError as exc:
                errors[field.name] = str(exc)
        if errors:
            raise ValidationError(errors)
        return cleaned

    def missing(self, data: Mapping[str, Any]) -> dict[str, str]:
        """Required fields still empty: name -> message.  A field with
        `required_when` counts only while its condition holds."""
        return {
            f.name: f.missing_message for f in self.fields if f.is_required(data) and data.get(f.name) in (None, "", [])
        }


def _clean_value(field: FieldDef, value: Any) -> Any:
    """One value, checked against its type; ValueError says what is wrong."""
    label = field.label
    if field.type in {"text", "longtext"}:
        if value is None:
            return ""
        if not isinstance(value, str):
            raise ValueError(f"{label} must be text")
        limit = TEXT_MAX if field.type == "text" else LONGTEXT_MAX
        if len(value) > limit:
            raise ValueError(f"{label} must be {limit:,} characters or fewer")
        return value
    if field.type == "date":
        if value in (None, ""):
            return None
        if isinstance(value, dt.date):
            return value.isoformat()
        try:
            return dt.date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise ValueError(f"{label} must be a real date (YYYY-MM-DD)") from None
    if field.type in {"choice", "yesno"}:
        if value in (None, ""):
            return ""
        if field.type == "yesno" and isinstance(value, bool):
            return "yes" if value else "no"
        codes = [code for code, _ in field.options]
        if not isinstance(value, str) or value not in codes:
            raise ValueError(f"{label}: choose one of the options")
        return value
    if field.type == "multichoice":
        if value in (None, ""):
            return []
        codes = [code for code, _ in field.options]
        if not isinstance(value, list) or not all(isinstance(v, str) and v in codes for v in value):
            raise ValueError(f"{label}: choose from the options")
        return [code for code in codes if code in value]
    if field.type == "number":
        if value in (None, ""):
            return None
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValueError(f"{label} must be a whole number")
        try:
            number = int(value) if len(str(value)) <= 18 else -1
        except ValueError:
            raise ValueError(f"{label} must be a whole number") from None
        if not 0 <= number <= NUMBER_MAX:
            raise ValueError(f"{label} must be between 0 and {NUMBER_MAX:,}")
        return number
    # agency: an organisation's id.
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit() or len(str(value)) > 18:
        raise ValueError(f"{label}: choose an agency from the list")
    from openics.core.models import Organisation

    if not Organisation.objects.filter(pk=int(value)).exists():
        raise ValueError(f"{label}: choose an agency from the list")
    return int(value)


def _fail(source: str, message: str) -> DefinitionError:
    return DefinitionError(f"{source}: {message}")


def _text(raw: Mapping[str, Any], key: str, source: str, where: str, *, required: bool = True) -> str:
    value = raw.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise _fail(source, f"{where}: '{key}' must be non-empty text")
    return value.strip()


def _roles(raw: Any, key: str, source: str) -> frozenset[str]:
    if not isinstance(raw, list) or not raw or not all(isinstance(r, str) for r in raw):
        raise _fail(source, f"'{key}' must be a list of role codes")
    unknown = sorted(set(raw) - set(Role.values))
    if unknown:
        raise _fail(source, f"'{key}' has unknown role(s): {', '.join(unknown)}; use: {', '.join(Role.values)}")
    return frozenset(raw)


def _parse_field(raw: Any, source: str, section: str) -> FieldDef:
    if not isinstance(raw, dict):
        raise _fail(source, f"section '{section}': each field must be a table ([[sections.fields]])")
    where = f"field '{raw['name']}'" if isinstance(raw.get("name"), str) else f"a field in section '{section}'"
    unknown = set(raw) - _FIELD_KEYS
    if unknown:
        raise _fail(source, f"{where} has unknown key(s): {', '.join(sorted(unknown))}")
    name = _text(raw, "name", source, where)
    if not _NAME.match(name):
        raise _fail(source, f"{where}: the name must be lower-case letters, digits and underscores")
    label = _text(raw, "label", source, where)
    kind = raw.get("type")
    if kind not in FIELD_TYPES:
        raise _fail(source, f"{where} has unknown type '{kind}'; use one of: {', '.join(FIELD_TYPES)}")
    options: tuple[tuple[str, Any], ...] = ()
    if kind in {"choice", "multichoice"}:
        if ("options" in raw) == ("codes" in raw):
            raise _fail(source, f"{where}: a {kind} field needs either 'options' or 'codes', not both")
        if "codes" in raw:
            if raw["codes"] not in CODE_LISTS:
                raise _fail(source, f"{where}: unknown code list '{raw['codes']}'; use: {', '.join(CODE_LISTS)}")
            # Labels stay lazy: they are translated when shown, not at start-up.
            options = tuple((str(c), label) for c, label in CODE_LISTS[raw["codes"]].choices)
        else:
            options = _options(raw["options"], source, where)
    elif "options" in raw or "codes" in raw:
        raise _fail(source, f"{where}: only choice and multichoice fields take options")
    if kind == "yesno":
        options = (("yes", "Yes"), ("no", "No"))
    required = raw.get("required_on_submit", False)
    if not isinstance(required, bool):
        raise _fail(source, f"{where}: required_on_submit must be true or false")
    if required and "required_when" in raw:
        raise _fail(source, f"{where}: use either required_on_submit = true or required_when, not both")
    return FieldDef(
        name=name,
        label=label,
        type=kind,
        hint=_text(raw, "hint", source, where, required=False),
        options=options,
        required_on_submit=required,
        error=_text(raw, "error", source, where, required=False),
    )


def _options(raw: Any, source: str, where: str) -> tuple[tuple[str, str], ...]:
    """Options as [["code", "Label"], ...] or ["Label", ...] (code = label)."""
    if not isinstance(raw, list) or not raw:
        raise _fail(source, f"{where}: 'options' must be a non-empty list")
    options: list[tuple[str, str]] = []
    for item in raw:
        if isinstance(item, str) and item.strip():
            options.append((item.strip(), item.strip()))
        elif isinstance(item, list) and len(item) == 2 and all(isinstance(v, str) and v.strip() for v in item):
            options.append((item[0].strip(), item[1].strip()))
        else:
            raise _fail(source, f"{where}: each option is text or a [code, label] pair")
    codes = [code for code, _ in options]
    if len(set(codes)) != len(codes):
        raise _fail(source, f"{where}: duplicate option")
    return tuple(options)


def _condition(raw: Any, source: str, where: str, key: str, fields: Mapping[str, FieldDef]) -> Condition:
    """`{ field = "...", equals = "code" }` (or `equals = ["code", ...]`),
    naming a choice or yes/no field of this record and codes it offers."""
    if not isinstance(raw, dict):
        raise _fail(source, f'{where}: {key} must be a table: {{ field = "...", equals = "..." }}')
    unknown = set(raw) - _CONDITION_KEYS
    if unknown:
        raise _fail(source, f"{where}: {key} has unknown key(s): {', '.join(sorted(unknown))}")
    name = raw.get("field")
    field = fields.get(name) if isinstance(name, str) else None
    if field is None:
        raise _fail(source, f"{where}: {key} names no field of this record: '{name}'")
    if field.type not in CONDITION_TYPES:
        raise _fail(source, f"{where}: {key} can test a {' or '.join(CONDITION_TYPES)} field; '{name}' is {field.type}")
    equals = raw.get("equals")
    values = [equals] if isinstance(equals, str) else equals
    if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
        raise _fail(source, f"{where}: {key} needs 'equals': one of the field's codes, or a list of them")
    codes = [code for code, _ in field.options]
    wrong = [v for v in values if v not in codes]
    if wrong:
        raise _fail(
            source,
            f"{where}: {key}: '{wrong[0]}' is not an option of field '{name}'; use one of: {', '.join(codes)}",
        )
    return Condition(field=field.name, values=tuple(values))


def _rule_list(raw: Mapping[str, Any], source: str, where: str) -> tuple[str, ...]:
    rules = raw.get("rules")
    if not isinstance(rules, list) or not rules or not all(isinstance(r, str) and r for r in rules):
        raise _fail(source, f"{where}: 'rules' must be a non-empty list of timescale rule ids")
    from openics.timescales.profiles import all_profiles

    for rule in rules:
        # A rule no profile has would never start or meet anything: a typo.
        if not any(profile.has_rule(rule) for profile in all_profiles().values()):
            raise _fail(source, f"{where}: no timescale profile has a rule '{rule}'")
    return tuple(rules)


def _parse_deadlines(
    data: Mapping[str, Any], source: str, fields: Mapping[str, FieldDef]
) -> tuple[tuple[DeadlineTrigger, ...], tuple[DeadlineMeet, ...]]:
    """The `[[deadlines]]` a record starts and the `[[meets]]` it meets."""
    triggers: list[DeadlineTrigger] = []
    raw_triggers = data.get("deadlines", [])
    if not isinstance(raw_triggers, list):
        raise _fail(source, "'deadlines' must be [[deadlines]] tables")
    for position, raw in enumerate(raw_triggers, start=1):
        where = f"deadline {position}"
        if not isinstance(raw, dict):
            raise _fail(source, f"{where} is not a table ([[deadlines]])")
        unknown = set(raw) - _DEADLINE_KEYS
        if unknown:
            raise _fail(source, f"{where} has unknown key(s): {', '.join(sorted(unknown))}")
        rules = _rule_list(raw, source, where)
        on = raw.get("on", "submit")
        if on not in DEADLINE_EVENTS:
            raise _fail(source, f"{where}: 'on' must be one of: {', '.join(DEADLINE_EVENTS)}")
        from_field = raw.get("from_field", "")
        if from_field:
            field = fields.get(from_field) if isinstance(from_field, str) else None
            if field is None or field.type != "date":
                raise _fail(source, f"{where}: from_field '{from_field}' is not a date field of this record")
        when = _condition(raw["when"], source, where, "when", fields) if "when" in raw else None
        triggers.append(DeadlineTrigger(rules=rules, on=on, from_field=from_field, when=when))
    meets: list[DeadlineMeet] = []
    raw_meets = data.get("meets", [])
    if not isinstance(raw_meets, list):
        raise _fail(source, "'meets' must be [[meets]] tables")
    for position, raw in enumerate(raw_meets, start=1):
        where = f"meets {position}"
        if not isinstance(raw, dict):
            raise _fail(source, f"{where} is not a table ([[meets]])")
        unknown = set(raw) - _MEETS_KEYS
        if unknown:
            raise _fail(source, f"{where} has unknown key(s): {', '.join(sorted(unknown))}")
        meets.append(DeadlineMeet(rules=_rule_list(raw, source, where)))
    return tuple(triggers), tuple(meets)


def _parse_proposes(data: Mapping[str, Any], source: str, fields: Mapping[str, FieldDef]) -> tuple[Proposal, ...]:
    """The `[[proposes]]` tables: next steps offered, never forced.  Whether
    each kind exists is checked once every file is loaded."""
    raw_proposes = data.get("proposes", [])
    if not isinstance(raw_proposes, list):
        raise _fail(source, "'proposes' must be [[proposes]] tables")
    proposals: list[Proposal] = []
    for position, raw in enumerate(raw_proposes, start=1):
        where = f"proposes {position}"
        if not isinstance(raw, dict):
            raise _fail(source, f"{where} is not a table ([[proposes]])")
        unknown = set(raw) - _PROPOSES_KEYS
        if unknown:
            raise _fail(source, f"{where} has unknown key(s): {', '.join(sorted(unknown))}")
        kinds = raw.get("kinds")
        if not isinstance(kinds, list) or not kinds or not all(isinstance(k, str) and _KIND.match(k) for k in kinds):
            raise _fail(source, f"{where}: 'kinds' must be a non-empty list of record kinds")
        when = _condition(raw["when"], source, where, "when", fields) if "when" in raw else None
        proposals.append(Proposal(kinds=tuple(kinds), when=when))
    return tuple(proposals)


def _parse_profiles(data: Mapping[str, Any], source: str) -> frozenset[str]:
    if "profiles" not in data:
        return frozenset()
    raw = data["profiles"]
    if not isinstance(raw, list) or not raw or not all(isinstance(p, str) for p in raw):
        raise _fail(source, "'profiles' must be a non-empty list of timescale profile names (leave it out for all)")
    from openics.timescales.profiles import all_profiles

    known = all_profiles()
    unknown = sorted(set(raw) - set(known))
    if unknown:
        raise _fail(source, f"'profiles' has unknown profile(s): {', '.join(unknown)}; use: {', '.join(sorted(known))}")
    return frozenset(raw)


def parse_definition(data: Mapping[str, Any], source: str = "definition") -> RecordDefinition:
    """Validate parsed TOML and build a `RecordDefinition`."""
    unknown = set(data) - _DEFINITION_KEYS
    if unknown:
        raise _fail(source, f"unknown key(s): {', '.join(sorted(unknown))}")
    kind = _text(data, "kind", source, "the definition")
    if not _KIND.match(kind):
        raise _fail(source, "the kind must be lower-case words joined by hyphens")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _fail(source, "'version' must be a whole number from 1")
    title = _text(data, "title", source, "the definition")
    part = data.get("part")
    if part not in Part.values:
        raise _fail(source, f"unknown part '{part}'; use one of: {', '.join(Part.values)}")
    completed_by = _roles(data.get("completed_by"), "completed_by", source)
    endorsement = data.get("endorsement", "")
    if endorsement == "none":
        if "endorsed_by" in data:
            raise _fail(source, 'endorsement = "none" cannot name endorsers')
        endorsed_by: frozenset[str] = frozenset()
    elif endorsement == "always":
        endorsed_by = _roles(data["endorsed_by"], "endorsed_by", source) if "endorsed_by" in data else MANAGER_ROLES
    elif endorsement == "":
        endorsed_by = _roles(data.get("endorsed_by"), "endorsed_by", source)
    else:
        raise _fail(source, '\'endorsement\' must be "none" or "always" (or leave it out and name endorsed_by)')
    raw_sections = data.get("sections")
    if not isinstance(raw_sections, list) or not raw_sections:
        raise _fail(source, "a definition needs at least one [[sections]] table")
    sections: list[SectionDef] = []
    seen: set[str] = set()
    for position, raw in enumerate(raw_sections, start=1):
        if not isinstance(raw, dict):
            raise _fail(source, f"section {position} is not a table")
        unknown = set(raw) - _SECTION_KEYS
        where = f"section {position}"
        if unknown:
            raise _fail(source, f"{where} has unknown key(s): {', '.join(sorted(unknown))}")
        section_title = _text(raw, "title", source, where)
        raw_fields = raw.get("fields")
        if not isinstance(raw_fields, list) or not raw_fields:
            raise _fail(source, f"section '{section_title}' needs at least one field")
        fields = tuple(_parse_field(f, source, section_title) for f in raw_fields)
        for field in fields:
            if field.name in seen:
                raise _fail(source, f"duplicate field '{field.name}'")
            seen.add(field.name)
        sections.append(SectionDef(section_title, fields, _text(raw, "hint", source, where, required=False)))
    by_name = {f.name: f for section in sections for f in section.fields}
    sections = _resolve_required_when(raw_sections, sections, by_name, source)
    by_name = {f.name: f for section in sections for f in section.fields}
    deadlines, meets = _parse_deadlines(data, source, by_name)
    return RecordDefinition(
        kind=kind,
        version=version,
        title=title,
        part=part,
        completed_by=completed_by,
        endorsed_by=frozenset(endorsed_by),
        sections=tuple(sections),
        description=_text(data, "description", source, "the definition", required=False),
        source=_text(data, "source", source, "the definition", required=False),
        deadlines=deadlines,
        meets=meets,
        profiles=_parse_profiles(data, source),
        proposes=_parse_proposes(data, source, by_name),
    )


def _resolve_required_when(
    raw_sections: list[Any], sections: list[SectionDef], fields: Mapping[str, FieldDef], source: str
) -> list[SectionDef]:
    """Attach each field's `required_when`, once every field is known (the
    condition may name a field further down the form)."""
    resolved: list[SectionDef] = []
    for raw, section in zip(raw_sections, sections, strict=True):
        new_fields = []
        for raw_field, field in zip(raw["fields"], section.fields, strict=True):
            if "required_when" in raw_field:
                where = f"field '{field.name}'"
                condition = _condition(raw_field["required_when"], source, where, "required_when", fields)
                if condition.field == field.name:
                    raise _fail(source, f"{where}: required_when cannot name the field itself")
                field = dataclasses.replace(field, required_when=condition)
            new_fields.append(field)
        resolved.append(dataclasses.replace(section, fields=tuple(new_fields)))
    return resolved


def parse_definition_text(text: str, source: str = "definition") -> RecordDefinition:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _fail(source, f"not valid TOML: {exc}") from None
    return parse_definition(data, source)


def load_definition_file(path: Path) -> RecordDefinition:
    definition = parse_definition_text(path.read_text(encoding="utf-8"), path.name)
    stem_kind, _, stem_version = path.stem.partition(".v")
    if stem_kind != definition.kind:
        raise _fail(path.name, f"the file name must start with the record's kind ('{definition.kind}')")
    if stem_version and stem_version != str(definition.version):
        raise _fail(path.name, f"the file name says version {stem_version}, the file says {definition.version}")
    return definition


@cache
def all_definitions() -> Mapping[tuple[str, int], RecordDefinition]:
    """Every shipped definition by (kind, version), loaded once per process."""
    found: dict[tuple[str, int], RecordDefinition] = {}
    sources: dict[tuple[str, int], str] = {}
    for path in sorted(DEFINITIONS_DIR.glob("*.toml")):
        definition = load_definition_file(path)
        key = (definition.kind, definition.version)
        if key in found:
            raise _fail(path.name, f"a second file for {definition.kind} version {definition.version}")
        found[key] = definition
        sources[key] = path.name
    # A proposed next step must be a record type that exists.
    kinds = {kind for kind, _ in found}
    for key, definition in found.items():
        for proposal in definition.proposes:
            for kind in proposal.kinds:
                if kind not in kinds:
                    raise _fail(sources[key], f"proposes an unknown record type '{kind}'")
    return found


def current_definitions() -> dict[str, RecordDefinition]:
    """The newest version of each kind, in title order."""
    newest: dict[str, RecordDefinition] = {}
    for (kind, version), definition in all_definitions().items():
        if kind not in newest or newest[kind].version < version:
            newest[kind] = definition
    return dict(sorted(newest.items(), key=lambda item: item[1].title))


def get_definition(kind: str, version: int | None = None) -> RecordDefinition:
    """A kind's definition (newest, or the version a record was made with)."""
    if version is not None and (kind, version) in all_definitions():
        return all_definitions()[(kind, version)]
    try:
        return current_definitions()[kind]
    except KeyError:
        raise DefinitionError(f"There is no record type '{kind}'.") from None
