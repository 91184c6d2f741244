"""GOV.UK forms for plans.

The plan editor is one form built from the version's content: repeating
outcomes, targets, actions and agreement rows are fields named by their
path ("outcomes-0-targets-1-text"), each row carrying its stable key in a
hidden field.  "Add another" and "Remove" are submit buttons, so the page
works without JavaScript; with it, htmx autosaves the same form.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.http import QueryDict

from openics.web.forms import GovukDateField, GovukForm
from openics.web.labels import translate_label

from . import content as c
from .models import Level, Progress, ReviewDecision, Stage
from .types import SECTIONS, PlanType, all_plan_types

TEXTAREA = {"rows": 3}


def _text(label: str, *, long: bool = False, hint: str = "") -> forms.CharField:
    if long:
        return forms.CharField(
            label=label,
            required=False,
            help_text=hint,
            max_length=c.LONGTEXT_MAX,
            strip=False,
            widget=forms.Textarea(attrs=TEXTAREA),
        )
    return forms.CharField(label=label, required=False, help_text=hint, max_length=c.TEXT_MAX)


def _radios(label: str, choices: dict[str, str]) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, required=False, choices=list(choices.items()), widget=forms.RadioSelect)


class CostField(forms.CharField):
    """Pounds and pence as typed ("120.50"), cleaned to pence."""

    def clean(self, value: Any) -> int | None:  # type: ignore[override]
        text = super().clean(value)
        if not text:
            return None
        try:
            return c.parse_pounds(text)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


@dataclass
class Group:
    """A repeating item on the page: an outcome, a target, an action, an agreement row."""

    legend: str
    anchor: str
    fields: list[Any]
    remove: str = ""
    children: list[Group] = field(default_factory=list)
    add: tuple[str, str] | None = None


@dataclass
class Section:
    id: str
    title: str
    fields: list[Any] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    add: tuple[str, str] | None = None


_ROW = re.compile(r"^(outcomes|actions|agreement)-(\d+)-key$")
_TARGET = re.compile(r"^outcomes-(\d+)-targets-(\d+)-key$")


def _rows_in(data: QueryDict) -> dict[str, Any]:
    """Which rows the posted form holds, from its hidden key fields."""
    rows: dict[str, Any] = {"outcomes": [], "actions": [], "agreement": [], "targets": {}}
    for name in data:
        if m := _ROW.match(name):
            rows[m[1]].append(int(m[2]))
        elif m := _TARGET.match(name):
            rows["targets"].setdefault(int(m[1]), []).append(int(m[2]))
    for key in ("outcomes", "actions", "agreement"):
        rows[key] = sorted(set(rows[key]))[: c.MAX_ITEMS]
    rows["targets"] = {k: sorted(set(v))[: c.MAX_ITEMS] for k, v in rows["targets"].items()}
    return rows


def _rows_of(content: dict[str, Any]) -> dict[str, Any]:
    return {
        "outcomes": list(range(len(content.get("outcomes") or []))),
        "actions": list(range(len(content.get("actions") or []))),
        "agreement": list(range(len(content.get("agreement") or []))),
        "targets": {i: list(range(len(o.get("targets") or []))) for i, o in enumerate(content.get("outcomes") or [])},
    }


def _initial(content: dict[str, Any]) -> dict[str, Any]:
    """Content as initial values named by path."""
    initial: dict[str, Any] = {}
    for name in ("aim", "contingency"):
        initial[name] = content.get(name, "")
    for section in ("needs", "monitoring", "coordinator", "views"):
        for key, value in (content.get(section) or {}).items():
            initial[f"{section}-{key}"] = value
    for i, o in enumerate(content.get("outcomes") or []):
        for key in ("key", "term", "text"):
            initial[f"outcomes-{i}-{key}"] = o.get(key)
        for j, t in enumerate(o.get("targets") or []):
            for key in ("key", "text", "measure"):
                initial[f"outcomes-{i}-targets-{j}-{key}"] = t.get(key)
            initial[f"outcomes-{i}-targets-{j}-by"] = _date(t.get("by"))
    for i, a in enumerate(content.get("actions") or []):
        for key in c.ACTION_FIELDS:
            initial[f"actions-{i}-{key}"] = a.get(key)
        initial[f"actions-{i}-key"] = a.get("key")
        initial[f"actions-{i}-cost_pence"] = c.pounds(a.get("cost_pence")).lstrip("£").replace(",", "")
    for i, r in enumerate(content.get("agreement") or []):
        for key in ("key", "party", "role"):
            initial[f"agreement-{i}-{key}"] = r.get(key)
        initial[f"agreement-{i}-agreed_on"] = _date(r.get("agreed_on"))
    return initial


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


class PlanContentForm(GovukForm):
    """Every section of the plan type, all optional while it is a draft."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(
        self, data: QueryDict | None = None, *, plan_type: PlanType, content: dict[str, Any], version: int = 1
    ) -> None:
        self.plan_type = plan_type
        self.rows = _rows_in(data) if data is not None else _rows_of(content)
        initial = {**_initial(content), "version": version} if data is None else None
        super().__init__(data, initial=initial)
        t = plan_type
        f = self.fields
        if t.has("aim"):
            f["aim"] = _text(
                translate_label(SECTIONS["aim"]), long=True, hint="What everyone wants to be different for the child."
            )
        if t.has("needs"):
            for key, label in c.NEEDS_DOMAINS.items():
                f[f"needs-{key}"] = _text(label, long=True)
        outcome_choices = [("", "Not linked to one outcome")]
        for i in self.rows["outcomes"]:
            p = f"outcomes-{i}"
            f[f"{p}-key"] = forms.CharField(widget=forms.HiddenInput, required=False)
            f[f"{p}-term"] = _radios("Short or long term?", c.TERMS)
            f[f"{p}-text"] = _text("What the child needs to achieve", long=True)
            for j in self.rows["targets"].get(i, []):
                q = f"{p}-targets-{j}"
                f[f"{q}-key"] = forms.CharField(widget=forms.HiddenInput, required=False)
                f[f"{q}-text"] = _text("Target (specific and achievable)")
                f[f"{q}-measure"] = _text("How it will be measured")
                f[f"{q}-by"] = GovukDateField(label="By when", required=False, help_text="For example, 27 3 2026")
            key = (data.get(f"{p}-key") if data is not None else self.initial.get(f"{p}-key")) or ""
            if key:
                outcome_choices.append((key, f"Outcome {len(outcome_choices)}"))
        for i in self.rows["actions"]:
            p = f"actions-{i}"
            f[f"{p}-key"] = forms.CharField(widget=forms.HiddenInput, required=False)
            f[f"{p}-what"] = _text("What will be done", long=True)
            f[f"{p}-who"] = _text("Who will do it (name)")
            f[f"{p}-agency"] = _text("Agency")
            f[f"{p}-where"] = _text("Where")
            f[f"{p}-when"] = _text("When")
            f[f"{p}-how_often"] = _text("How often")
            f[f"{p}-resources"] = _text("Resources allocated", long=True)
            f[f"{p}-cost_pence"] = CostField(
                label="Estimated cost in pounds", required=False, max_length=20, help_text="For example, 120.50"
            )
            f[f"{p}-outcome"] = forms.ChoiceField(label="For outcome", required=False, choices=outcome_choices)
        if t.has("monitoring"):
            for key, label in c.MONITORING_FIELDS.items():
                f[f"monitoring-{key}"] = _text(label, long=key == "how")
        if t.has("coordinator"):
            f["coordinator-name"] = _text("Lead professional or case coordinator: name")
            f["coordinator-role"] = _text("Role")
            f["coordinator-agency"] = _text("Agency")
            f["coordinator-none_needed"] = forms.BooleanField(label="No lead professional is needed", required=False)
            f["coordinator-none_reason"] = _text("If none is needed, why", long=True)
        if t.has("contingency"):
            f["contingency"] = _text(
                translate_label(SECTIONS["contingency"]), long=True, hint="What will happen if the plan is not working."
            )
        if t.has("views"):
            for who in ("child", "parents"):
                f[f"views-{who}"] = _text(c.VIEWS_FIELDS[who], long=True)
                f[f"views-{who}_took_part"] = _radios(c.VIEWS_FIELDS[f"{who}_took_part"], c.YES_NO)
                f[f"views-{who}_not_why"] = _text(
                    c.VIEWS_FIELDS[f"{who}_not_why"], long=True, hint="For example, a child protection risk."
                )
        for i in self.rows["agreement"]:
            p = f"agreement-{i}"
            f[f"{p}-key"] = forms.CharField(widget=forms.HiddenInput, required=False)
            f[f"{p}-party"] = _text("Name")
            f[f"{p}-role"] = _text("Role or relationship to the child")
            f[f"{p}-agreed_on"] = GovukDateField(label="Date agreed", required=False)
        self._apply_govuk_classes()

    # -- reading the form

    def content(self) -> dict[str, Any]:
        """The content the valid fields give (fields with errors are left blank)."""
        d = getattr(self, "cleaned_data", {})

        def get(name: str) -> Any:
            value = d.get(name)
            return value.isoformat() if isinstance(value, dt.date) else value

        out: dict[str, Any] = {}
        t = self.plan_type
        if t.has("aim"):
            out["aim"] = get("aim") or ""
        if t.has("needs"):
            out["needs"] = {k: get(f"needs-{k}") or "" for k in c.NEEDS_DOMAINS}
        out["outcomes"] = [
            {
                "key": get(f"outcomes-{i}-key") or "",
                "term": get(f"outcomes-{i}-term") or "",
                "text": get(f"outcomes-{i}-text") or "",
                "targets": [
                    {
                        "key": get(f"outcomes-{i}-targets-{j}-key") or "",
                        "text": get(f"outcomes-{i}-targets-{j}-text") or "",
                        "measure": get(f"outcomes-{i}-targets-{j}-measure") or "",
                        "by": get(f"outcomes-{i}-targets-{j}-by"),
                    }
                    for j in self.rows["targets"].get(i, [])
                ],
            }
            for i in self.rows["outcomes"]
        ]
        if t.has("actions"):
            out["actions"] = [
                {"key": get(f"actions-{i}-key") or "", **{k: get(f"actions-{i}-{k}") for k in c.ACTION_FIELDS}}
                for i in self.rows["actions"]
            ]
            for row in out["actions"]:
                for k in c.ACTION_FIELDS:
                    if k != "cost_pence" and row[k] is None:
                        row[k] = ""
        if t.has("monitoring"):
            out["monitoring"] = {k: get(f"monitoring-{k}") or "" for k in c.MONITORING_FIELDS}
        if t.has("coordinator"):
            out["coordinator"] = {
                k: (bool(get(f"coordinator-{k}")) if k == "none_needed" else get(f"coordinator-{k}") or "")
                for k in c.COORDINATOR_FIELDS
            }
        if t.has("contingency"):
            out["contingency"] = get("contingency") or ""
        if t.has("views"):
            out["views"] = {k: get(f"views-{k}") or "" for k in c.VIEWS_FIELDS}
        if t.has("agreement"):
            out["agreement"] = [
                {
                    "key": get(f"agreement-{i}-key") or "",
                    "party": get(f"agreement-{i}-party") or "",
                    "role": get(f"agreement-{i}-role") or "",
                    "agreed_on": get(f"agreement-{i}-agreed_on"),
                }
                for i in self.rows["agreement"]
            ]
        return out

    def add_content_errors(self, errors: dict[str, str]) -> None:
        for path, message in errors.items():
            self.add_error(path if path in self.fields else None, message)

    # -- laying the page out

    def sections(self) -> list[Section]:
        t = self.plan_type
        out: list[Section] = []

        def bf(*names: str) -> list[Any]:
            return [self[n] for n in names if n in self.fields]

        for sid in t.sections:
            s = Section(id=sid, title=SECTIONS[sid])
            if sid in ("aim", "contingency"):
                s.fields = bf(sid)
            elif sid == "needs":
                s.fields = bf(*(f"needs-{k}" for k in c.NEEDS_DOMAINS))
            elif sid == "monitoring":
                s.fields = bf(*(f"monitoring-{k}" for k in c.MONITORING_FIELDS))
            elif sid == "coordinator":
                s.fields = bf(*(f"coordinator-{k}" for k in c.COORDINATOR_FIELDS))
            elif sid == "views":
                s.fields = bf(*(f"views-{k}" for k in c.VIEWS_FIELDS))
            elif sid == "outcomes":
                for n, i in enumerate(self.rows["outcomes"], 1):
                    p = f"outcomes-{i}"
                    group = Group(
                        legend=f"Outcome {n}",
                        anchor=p,
                        fields=bf(f"{p}-key", f"{p}-term", f"{p}-text"),
                        remove=f"remove:{p}",
                        add=(f"add:{p}-targets", f"Add a target to outcome {n}"),
                    )
                    for m, j in enumerate(self.rows["targets"].get(i, []), 1):
                        q = f"{p}-targets-{j}"
                        group.children.append(
                            Group(
                                legend=f"Outcome {n}, target {m}",
                                anchor=q,
                                fields=bf(f"{q}-key", f"{q}-text", f"{q}-measure", f"{q}-by"),
                                remove=f"remove:{q}",
                            )
                        )
                    s.groups.append(group)
                s.add = ("add:outcomes", "Add an outcome")
            elif sid == "actions":
                for n, i in enumerate(self.rows["actions"], 1):
                    p = f"actions-{i}"
                    s.groups.append(
                        Group(
                            legend=f"Action {n}",
                            anchor=p,
                            fields=bf(*(f"{p}-{k}" for k in ("key", *c.ACTION_FIELDS))),
                            remove=f"remove:{p}",
                        )
                    )
                s.add = ("add:actions", "Add an action")
            elif sid == "agreement":
                for n, i in enumerate(self.rows["agreement"], 1):
                    p = f"agreement-{i}"
                    s.groups.append(
                        Group(
                            legend=f"Agreed by (row {n})",
                            anchor=p,
                            fields=bf(f"{p}-key", f"{p}-party", f"{p}-role", f"{p}-agreed_on"),
                            remove=f"remove:{p}",
                        )
                    )
                s.add = ("add:agreement", "Add a person who agreed")
            out.append(s)
        return out


def apply_row_button(content: dict[str, Any], then: str) -> tuple[dict[str, Any], str]:
    """Carry out an "add" or "remove" button on the content; answer the
    content and the anchor to return to."""
    verb, _, path = then.partition(":")
    parts = path.split("-")
    try:
        if verb == "add":
            if path == "outcomes":
                content.setdefault("outcomes", []).append({"term": "", "text": "", "targets": []})
                return content, f"outcomes-{len(content['outcomes']) - 1}"
            if path in ("actions", "agreement"):
                content.setdefault(path, []).append({})
                return content, f"{path}-{len(content[path]) - 1}"
            if len(parts) == 3 and parts[0] == "outcomes" and parts[2] == "targets":
                targets = content["outcomes"][int(parts[1])].setdefault("targets", [])
                targets.append({})
                return content, f"outcomes-{parts[1]}-targets-{len(targets) - 1}"
        if verb == "remove":
            if len(parts) == 2 and parts[0] in ("outcomes", "actions", "agreement"):
                content[parts[0]].pop(int(parts[1]))
                return content, f"section-{parts[0]}"
            if len(parts) == 4 and parts[0] == "outcomes" and parts[2] == "targets":
                content["outcomes"][int(parts[1])]["targets"].pop(int(parts[3]))
                return content, f"outcomes-{parts[1]}"
    except (IndexError, KeyError, ValueError):
        pass
    return content, ""


# ---------------------------------------------------------------- small forms


class StartPlanForm(GovukForm):
    plan_type = forms.ChoiceField(
        label="Which plan?", widget=forms.RadioSelect, error_messages={"required": "Select the plan to start"}
    )

    def __init__(self, *args: Any, parts: frozenset[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice = self.fields["plan_type"]
        assert isinstance(choice, forms.ChoiceField)
        choice.choices = [(t.id, translate_label(t.title)) for t in all_plan_types().values() if t.part in parts]


class AgreeForm(GovukForm):
    agreed_on = GovukDateField(
        label="Date the plan was agreed",
        max_today=True,
        error_messages={"required": "Enter the date the plan was agreed"},
    )
    next_review_on = GovukDateField(
        label="Date of the first review, as agreed",
        required=False,
        help_text="Needed when the review date is agreed at the meeting.",
    )

    def __init__(self, *args: Any, agreed_review: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not agreed_review:
            del self.fields["next_review_on"]


class NewVersionForm(GovukForm):
    reason = forms.CharField(
        label="Why is the plan changing?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": "Enter why the plan is changing"},
    )


class EndorseForm(GovukForm):
    comments = forms.CharField(
        label="Reasons for endorsing",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10_000,
        error_messages={"required": "Enter the reasons for your decision"},
    )


class LevelOfNeedForm(GovukForm):
    level = forms.ChoiceField(
        label="Level of need",
        choices=Level.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the level of need"},
    )
    stage = forms.TypedChoiceField(
        label="Stage",
        choices=[("", "No stage"), *Stage.choices],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    decided_on = GovukDateField(
        label="Date of the decision", max_today=True, error_messages={"required": "Enter the date of the decision"}
    )
    reason = forms.CharField(
        label="Reason for the decision",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10_000,
        error_messages={"required": "Enter the reason for the decision"},
    )


class ReviewForm(GovukForm):
    """The review of the version in force: a group of questions per outcome."""

    review_date = GovukDateField(
        label="Date of the review", max_today=True, error_messages={"required": "Enter the date of the review"}
    )
    held_at = forms.CharField(label="Where it was held", required=False, max_length=200)
    attended = forms.CharField(
        label="Who attended",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10_000,
        help_text="One a line: name, role and agency.",
    )
    decision = forms.ChoiceField(
        label="Decision on the plan",
        choices=ReviewDecision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the decision on the plan"},
    )
    decision_reason = forms.CharField(
        label="Reasons for the decision",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10_000,
        error_messages={"required": "Enter the reasons for the decision"},
    )
    next_review_on = GovukDateField(label="Date of the next review, as agreed", required=False)
    late_reason = forms.CharField(
        label="If the review is late, why?", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def __init__(self, *args: Any, outcomes: list[dict[str, Any]], agreed_review: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.outcomes = outcomes
        if not agreed_review:
            del self.fields["next_review_on"]
        for i, outcome in enumerate(outcomes):
            p = f"review-{i}"
            self.fields[f"{p}-happened"] = forms.CharField(
                label="What actually happened", widget=forms.Textarea(attrs=TEXTAREA), required=False, max_length=20_000
            )
            self.fields[f"{p}-progress"] = forms.ChoiceField(
                label="Progress on the outcome", choices=Progress.choices, widget=forms.RadioSelect, required=False
            )
            for j, target in enumerate(outcome.get("targets") or []):
                self.fields[f"{p}-targets-{j}"] = forms.ChoiceField(
                    label=f"Progress on target: {target.get('text') or j + 1}",
                    choices=Progress.choices,
                    widget=forms.RadioSelect,
                    required=False,
                )
            self.fields[f"{p}-impact"] = forms.CharField(
                label="Impact of the services", widget=forms.Textarea(attrs=TEXTAREA), required=False, max_length=20_000
            )
            self.fields[f"{p}-not_delivered"] = forms.CharField(
                label="Services planned but not delivered",
                widget=forms.Textarea(attrs=TEXTAREA),
                required=False,
                max_length=20_000,
            )
        self._apply_govuk_classes()

    def outcome_groups(self) -> list[tuple[dict[str, Any], list[Any]]]:
        groups = []
        for i, outcome in enumerate(self.outcomes):
            names = [f"review-{i}-happened", f"review-{i}-progress"]
            names += [f"review-{i}-targets-{j}" for j in range(len(outcome.get("targets") or []))]
            names += [f"review-{i}-impact", f"review-{i}-not_delivered"]
            groups.append((outcome, [self[n] for n in names]))
        return groups

    def entries(self) -> list[dict[str, Any]]:
        d = self.cleaned_data
        return [
            {
                "outcome": outcome["key"],
                "happened": d.get(f"review-{i}-happened", ""),
                "progress": d.get(f"review-{i}-progress", ""),
                "impact": d.get(f"review-{i}-impact", ""),
                "not_delivered": d.get(f"review-{i}-not_delivered", ""),
                "targets": {
                    t["key"]: d.get(f"review-{i}-targets-{j}", "") for j, t in enumerate(outcome.get("targets") or [])
                },
            }
            for i, outcome in enumerate(self.outcomes)
        ]
