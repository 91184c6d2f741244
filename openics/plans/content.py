"""The content of one plan version: structured, checked, compared and costed.

Content is JSON with one key per section the plan type has.  Outcomes,
their targets, actions and agreement rows each carry a stable `key` (a
UUID) that a new version copies, so a review can say how each outcome went
and a comparison can tell a changed outcome from a removed and added one.

    aim          text
    needs        {developmental, parenting, family}  (Assessment Framework domains)
    outcomes     [{key, term: short|long, text, targets: [{key, text, measure, by}]}]
    actions      [{key, what, who, agency, where, when, how_often, resources, cost_pence, outcome}]
    monitoring   {how, when, by_whom}
    coordinator  {name, role, agency, none_needed, none_reason}
    contingency  text
    views        {child, child_took_part, child_not_why, parents, parents_took_part, parents_not_why}
    agreement    [{key, party, role, agreed_on}]

`clean_content` checks types only (a draft may be incomplete) and answers
errors keyed by a flat path ("outcomes-0-targets-1-by") that the edit page
uses as its field names; `missing` says what agreeing still needs.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .types import SECTIONS, PlanType

TEXT_MAX = 500
LONGTEXT_MAX = 20_000
MAX_ITEMS = 50
COST_MAX_PENCE = 100_000_000_00  # £100 million: anything more is a typing error

NEEDS_DOMAINS = {
    "developmental": "Child's developmental needs",
    "parenting": "Parenting capacity",
    "family": "Family and environmental factors",
}
TERMS = {"short": "Short term", "long": "Long term"}
YES_NO = {"yes": "Yes", "no": "No"}

OUTCOME_FIELDS = {"term": "Term", "text": "Outcome"}
TARGET_FIELDS = {"text": "Target", "measure": "How it will be measured", "by": "By when"}
ACTION_FIELDS = {
    "what": "What will be done",
    "who": "Who will do it",
    "agency": "Agency",
    "where": "Where",
    "when": "When",
    "how_often": "How often",
    "resources": "Resources allocated",
    "cost_pence": "Estimated cost",
    "outcome": "For outcome",
}
MONITORING_FIELDS = {"how": "How progress is monitored", "when": "When", "by_whom": "By whom"}
COORDINATOR_FIELDS = {
    "name": "Name",
    "role": "Role",
    "agency": "Agency",
    "none_needed": "No lead professional is needed",
    "none_reason": "Why none is needed",
}
VIEWS_FIELDS = {
    "child": "The child's views",
    "child_took_part": "Did the child take part?",
    "child_not_why": "Why the child did not take part",
    "parents": "The views of the parents or carers",
    "parents_took_part": "Did the parents or carers take part?",
    "parents_not_why": "Why the parents or carers did not take part",
}
AGREEMENT_FIELDS = {"party": "Name", "role": "Role or relationship", "agreed_on": "Agreed on"}


class ContentError(ValueError):
    """Bad content: `errors` maps a flat path to a message for people."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def empty_content(plan_type: PlanType) -> dict[str, Any]:
    blank: dict[str, Any] = {
        "aim": "",
        "needs": dict.fromkeys(NEEDS_DOMAINS, ""),
        "outcomes": [],
        "actions": [],
        "monitoring": dict.fromkeys(MONITORING_FIELDS, ""),
        "coordinator": {"name": "", "role": "", "agency": "", "none_needed": False, "none_reason": ""},
        "contingency": "",
        "views": dict.fromkeys(VIEWS_FIELDS, ""),
        "agreement": [],
    }
    return {k: v for k, v in blank.items() if plan_type.has(k)}


class _Cleaner:
    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def text(self, raw: Any, path: str, label: str, limit: int = TEXT_MAX) -> str:
        if raw is None:
            return ""
        if not isinstance(raw, str):
            self.errors[path] = f"{label} must be text"
            return ""
        if len(raw) > limit:
            self.errors[path] = f"{label} must be {limit:,} characters or fewer"
            return raw[:limit]
        return raw.strip() if limit == TEXT_MAX else raw

    def choice(self, raw: Any, path: str, label: str, options: Mapping[str, str]) -> str:
        if raw in (None, ""):
            return ""
        if raw not in options:
            self.errors[path] = f"{label}: choose one of {', '.join(options.values())}"
            return ""
        return str(raw)

    def date(self, raw: Any, path: str, label: str) -> str | None:
        if raw in (None, ""):
            return None
        if isinstance(raw, dt.date):
            return raw.isoformat()
        try:
            return dt.date.fromisoformat(str(raw)).isoformat()
        except ValueError:
            self.errors[path] = f"{label} must be a real date"
            return None

    def pence(self, raw: Any, path: str, label: str) -> int | None:
        if raw in (None, ""):
            return None
        if isinstance(raw, bool) or not isinstance(raw, int):
            self.errors[path] = f"{label} must be a whole number of pence"
            return None
        if not 0 <= raw <= COST_MAX_PENCE:
            self.errors[path] = f"{label} must be between £0 and £100,000,000"
            return None
        return raw

    def key(self, raw: Any, path: str) -> str:
        if raw in (None, ""):
            return str(uuid.uuid4())
        try:
            return str(uuid.UUID(str(raw)))
        except ValueError:
            self.errors[f"{path}-key"] = "The item's key is not valid: reload the page"
            return str(uuid.uuid4())

    def mapping(self, raw: Any, path: str, label: str) -> Mapping[str, Any]:
        if raw is None:
            return {}
        if not isinstance(raw, Mapping):
            self.errors[path] = f"{label} must be an object"
            return {}
        return raw

    def items(self, raw: Any, path: str, label: str) -> list[Mapping[str, Any]]:
        if raw is None:
            return []
        if not isinstance(raw, list) or not all(isinstance(i, Mapping) for i in raw):
            self.errors[path] = f"{label} must be a list of objects"
            return []
        if len(raw) > MAX_ITEMS:
            self.errors[path] = f"{label}: no more than {MAX_ITEMS}"
            return list(raw[:MAX_ITEMS])
        return list(raw)

    def unknown(self, raw: Mapping[str, Any], allowed: set[str], path: str) -> None:
        extra = sorted(set(raw) - allowed)
        if extra:
            self.errors[path] = f"Unknown field(s): {', '.join(map(str, extra))}"


def clean_content(plan_type: PlanType, raw: Any) -> dict[str, Any]:
    """Typed, JSON-ready content for a draft, or `ContentError`."""
    c = _Cleaner()
    raw = c.mapping(raw, "content", "The plan")
    c.unknown(raw, set(plan_type.sections), "content")
    out: dict[str, Any] = {}
    if plan_type.has("aim"):
        out["aim"] = c.text(raw.get("aim"), "aim", SECTIONS["aim"], LONGTEXT_MAX)
    if plan_type.has("needs"):
        needs = c.mapping(raw.get("needs"), "needs", SECTIONS["needs"])
        c.unknown(needs, set(NEEDS_DOMAINS), "needs")
        out["needs"] = {
            k: c.text(needs.get(k), f"needs-{k}", label, LONGTEXT_MAX) for k, label in NEEDS_DOMAINS.items()
        }
    outcome_keys: list[str] = []
    if plan_type.has("outcomes"):
        outcomes = []
        for i, item in enumerate(c.items(raw.get("outcomes"), "outcomes", "Outcomes")):
            p = f"outcomes-{i}"
            c.unknown(item, {"key", "targets", *OUTCOME_FIELDS}, p)
            targets = []
            for j, target in enumerate(c.items(item.get("targets"), f"{p}-targets", "Targets")):
                q = f"{p}-targets-{j}"
                c.unknown(target, {"key", *TARGET_FIELDS}, q)
                targets.append(
                    {
                        "key": c.key(target.get("key"), q),
                        "text": c.text(target.get("text"), f"{q}-text", "Target"),
                        "measure": c.text(target.get("measure"), f"{q}-measure", "The measure"),
                        "by": c.date(target.get("by"), f"{q}-by", "The target date"),
                    }
                )
            key = c.key(item.get("key"), p)
            outcome_keys.append(key)
            outcomes.append(
                {
                    "key": key,
                    "term": c.choice(item.get("term"), f"{p}-term", "Term", TERMS),
                    "text": c.text(item.get("text"), f"{p}-text", "Outcome", LONGTEXT_MAX),
                    "targets": targets,
                }
            )
        out["outcomes"] = outcomes
    if plan_type.has("actions"):
        actions = []
        for i, item in enumerate(c.items(raw.get("actions"), "actions", "Actions")):
            p = f"actions-{i}"
            c.unknown(item, {"key", *ACTION_FIELDS}, p)
            row: dict[str, Any] = {"key": c.key(item.get("key"), p)}
            for name, label in ACTION_FIELDS.items():
                if name == "cost_pence":
                    row[name] = c.pence(item.get(name), f"{p}-{name}", label)
                elif name == "outcome":
                    ref = item.get("outcome") or ""
                    if ref and ref not in outcome_keys:
                        c.errors[f"{p}-outcome"] = "Choose an outcome of this plan"
                        ref = ""
                    row[name] = ref
                else:
                    limit = LONGTEXT_MAX if name in {"what", "resources"} else TEXT_MAX
                    row[name] = c.text(item.get(name), f"{p}-{name}", label, limit)
            actions.append(row)
        out["actions"] = actions
    if plan_type.has("monitoring"):
        mon = c.mapping(raw.get("monitoring"), "monitoring", SECTIONS["monitoring"])
        c.unknown(mon, set(MONITORING_FIELDS), "monitoring")
        out["monitoring"] = {
            k: c.text(mon.get(k), f"monitoring-{k}", label, LONGTEXT_MAX if k == "how" else TEXT_MAX)
            for k, label in MONITORING_FIELDS.items()
        }
    if plan_type.has("coordinator"):
        co = c.mapping(raw.get("coordinator"), "coordinator", SECTIONS["coordinator"])
        c.unknown(co, set(COORDINATOR_FIELDS), "coordinator")
        none_needed = co.get("none_needed", False)
        if not isinstance(none_needed, bool):
            c.errors["coordinator-none_needed"] = "Say whether a lead professional is needed (true or false)"
            none_needed = False
        out["coordinator"] = {
            "name": c.text(co.get("name"), "coordinator-name", "Name"),
            "role": c.text(co.get("role"), "coordinator-role", "Role"),
            "agency": c.text(co.get("agency"), "coordinator-agency", "Agency"),
            "none_needed": none_needed,
            "none_reason": c.text(co.get("none_reason"), "coordinator-none_reason", "The reason", LONGTEXT_MAX),
        }
    if plan_type.has("contingency"):
        out["contingency"] = c.text(raw.get("contingency"), "contingency", SECTIONS["contingency"], LONGTEXT_MAX)
    if plan_type.has("views"):
        views = c.mapping(raw.get("views"), "views", SECTIONS["views"])
        c.unknown(views, set(VIEWS_FIELDS), "views")
        cleaned_views: dict[str, Any] = {}
        for k, label in VIEWS_FIELDS.items():
            if k.endswith("took_part"):
                cleaned_views[k] = c.choice(views.get(k), f"views-{k}", label, YES_NO)
            else:
                cleaned_views[k] = c.text(views.get(k), f"views-{k}", label, LONGTEXT_MAX)
        out["views"] = cleaned_views
    if plan_type.has("agreement"):
        rows = []
        for i, item in enumerate(c.items(raw.get("agreement"), "agreement", "Agreement")):
            p = f"agreement-{i}"
            c.unknown(item, {"key", *AGREEMENT_FIELDS}, p)
            rows.append(
                {
                    "key": c.key(item.get("key"), p),
                    "party": c.text(item.get("party"), f"{p}-party", "Name"),
                    "role": c.text(item.get("role"), f"{p}-role", "Role"),
                    "agreed_on": c.date(item.get("agreed_on"), f"{p}-agreed_on", "The date agreed"),
                }
            )
        out["agreement"] = rows
    if c.errors:
        raise ContentError(c.errors)
    return out


def missing(plan_type: PlanType, content: Mapping[str, Any]) -> dict[str, str]:
    """What agreeing the version still needs: flat path -> message."""
    need: dict[str, str] = {}
    if plan_type.has("aim") and not content.get("aim"):
        need["aim"] = "Enter the overall aim of the plan"
    outcomes = content.get("outcomes") or []
    if not outcomes:
        need["outcomes"] = "Add at least one outcome"
    for i, outcome in enumerate(outcomes):
        p = f"outcomes-{i}"
        if not outcome.get("text"):
            need[f"{p}-text"] = f"Enter outcome {i + 1}"
        if not outcome.get("term"):
            need[f"{p}-term"] = f"Select whether outcome {i + 1} is short or long term"
        for j, target in enumerate(outcome.get("targets") or []):
            q = f"{p}-targets-{j}"
            if not target.get("text"):
                need[f"{q}-text"] = f"Enter target {j + 1} of outcome {i + 1}"
            if not target.get("measure"):
                need[f"{q}-measure"] = f"Enter how target {j + 1} of outcome {i + 1} will be measured"
            if not target.get("by"):
                need[f"{q}-by"] = f"Enter the date target {j + 1} of outcome {i + 1} is to be met by"
    for i, action in enumerate(content.get("actions") or []):
        p = f"actions-{i}"
        if not action.get("what"):
            need[f"{p}-what"] = f"Enter what action {i + 1} is"
        if not action.get("who"):
            need[f"{p}-who"] = f"Enter who will carry out action {i + 1}"
    if plan_type.has("coordinator"):
        co = content.get("coordinator") or {}
        if co.get("none_needed"):
            if not co.get("none_reason"):
                need["coordinator-none_reason"] = "Enter why no lead professional is needed"
        elif not co.get("name"):
            need["coordinator-name"] = "Enter the lead professional's name, or say none is needed and why"
    if plan_type.has("views"):
        views = content.get("views") or {}
        for who, label in (("child", "the child"), ("parents", "the parents or carers")):
            took_part = views.get(f"{who}_took_part")
            if not took_part:
                need[f"views-{who}_took_part"] = f"Select whether {label} took part"
            elif took_part == "no" and not views.get(f"{who}_not_why"):
                need[f"views-{who}_not_why"] = f"Enter why {label} did not take part"
    if plan_type.has("agreement"):
        rows = content.get("agreement") or []
        if not rows:
            need["agreement"] = "Add at least one person who agreed the plan"
        for i, row in enumerate(rows):
            p = f"agreement-{i}"
            if not row.get("party"):
                need[f"{p}-party"] = f"Enter the name of the person who agreed (row {i + 1})"
            if not row.get("agreed_on"):
                need[f"{p}-agreed_on"] = f"Enter the date row {i + 1} agreed the plan"
    return need


def total_cost_pence(content: Mapping[str, Any]) -> int:
    return sum(a.get("cost_pence") or 0 for a in content.get("actions") or [])


def pounds(pence: int | None) -> str:
    if pence is None:
        return ""
    if pence < 0:
        # A refund or correction: "-£25.50", never Python's floor division's "£-26.50".
        return f"-{pounds(-pence)}"
    return f"£{pence // 100:,}.{pence % 100:02d}"


def parse_pounds(text: str) -> int:
    """'£1,250.50' -> 125050 pence; ValueError with a message for people."""
    cleaned = text.strip().replace("£", "").replace(",", "")
    if not cleaned:
        raise ValueError("empty")
    if not re.fullmatch(r"\d{1,9}(\.\d{1,2})?|\.\d{1,2}", cleaned):
        raise ValueError("Enter the estimated cost in pounds and pence, like 120.50")
    whole, _, frac = cleaned.partition(".")
    return int(whole or "0") * 100 + int((frac + "00")[:2])


# ---------------------------------------------------------------- compare


@dataclass
class Change:
    """One difference between two versions, for reading."""

    section: str
    kind: str  # added | removed | changed
    label: str
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (field, before, after)


def _fmt(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def _field_diff(
    before: Mapping[str, Any], after: Mapping[str, Any], labels: Mapping[str, str]
) -> list[tuple[str, str, str]]:
    rows = []
    for name, label in labels.items():
        a, b = before.get(name), after.get(name)
        if name == "cost_pence":
            a, b = pounds(a), pounds(b)
        if _fmt(a) != _fmt(b):
            rows.append((label, _fmt(a), _fmt(b)))
    return rows


def _keyed(section: str, before: list[Any], after: list[Any], labels: Mapping[str, str], title: Any) -> list[Change]:
    changes = []
    old = {i["key"]: i for i in before}
    new = {i["key"]: i for i in after}
    for key, item in new.items():
        if key not in old:
            changes.append(Change(section, "added", title(item), _field_diff({}, item, labels)))
        else:
            diff = _field_diff(old[key], item, labels)
            if diff:
                changes.append(Change(section, "changed", title(item), diff))
    for key, item in old.items():
        if key not in new:
            changes.append(Change(section, "removed", title(item), _field_diff(item, {}, labels)))
    return changes


def compare(plan_type: PlanType, before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Change]:
    """Field-by-field differences: sections, and outcomes, targets, actions
    and agreement rows matched by key (added, removed, changed)."""
    changes: list[Change] = []
    for section in plan_type.sections:
        title = SECTIONS[section]
        a, b = before.get(section), after.get(section)
        if section in {"aim", "contingency"}:
            if _fmt(a) != _fmt(b):
                changes.append(Change(section, "changed", title, [(title, _fmt(a), _fmt(b))]))
        elif section in {"needs", "monitoring", "coordinator", "views"}:
            labels = {
                "needs": NEEDS_DOMAINS,
                "monitoring": MONITORING_FIELDS,
                "coordinator": COORDINATOR_FIELDS,
                "views": VIEWS_FIELDS,
            }[section]
            diff = _field_diff(a or {}, b or {}, labels)
            if diff:
                changes.append(Change(section, "changed", title, diff))
        elif section == "outcomes":
            changes += _keyed(
                section, a or [], b or [], OUTCOME_FIELDS, lambda o: f"Outcome: {o.get('text') or '(blank)'}"
            )
            old_targets = {t["key"]: (t, o) for o in a or [] for t in o.get("targets", [])}
            new_targets = {t["key"]: (t, o) for o in b or [] for t in o.get("targets", [])}
            changes += _keyed(
                "targets",
                [t for t, _ in old_targets.values()],
                [t for t, _ in new_targets.values()],
                TARGET_FIELDS,
                lambda t: f"Target: {t.get('text') or '(blank)'}",
            )
        elif section == "actions":
            labels = {k: v for k, v in ACTION_FIELDS.items() if k != "outcome"}
            changes += _keyed(section, a or [], b or [], labels, lambda x: f"Action: {x.get('what') or '(blank)'}")
        elif section == "agreement":
            changes += _keyed(
                section, a or [], b or [], AGREEMENT_FIELDS, lambda x: f"Agreed by: {x.get('party') or '(blank)'}"
            )
    return changes


def outcome_rows(content: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return list(content.get("outcomes") or [])
