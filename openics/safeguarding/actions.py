"""Every write to school safeguarding records.

`do_*` functions assume the caller checked access (see `access.py`) and do
the write, the chronology entry, the alerts (in-app and outbox email, in the
same transaction) and the audit event together.  Bad input is a Django
`ValidationError` keyed by field, shown as it is by pages and the API.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from openics.core import audit
from openics.core.actions import notify
from openics.core.chronology import record_event
from openics.core.models import Notification, Organisation, Person, RoleAssignment, Significance, User
from openics.core.roles import Part, Role

from .codes import BodyView, ConcernCategory, LevelOfNeed, TriageOutcome
from .models import Concern, ConcernAddition, FgmNotification, TriageDecision, recent_window_start

MAX_MARKS = 60
MAX_NOTE = 300
DEFAULT_ESCALATION_MINUTES = 60


class ConcernRefused(Exception):
    """A step this person may not take; `message` says why (403)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# ---------------------------------------------------------------- body map


def clean_body_map(value: Any) -> list[dict[str, Any]]:
    """Marks as stored: a list of {view, x, y, note} with x and y in 0..1."""
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        raise ValidationError({"body_map": "The body map must be a list of marks"})
    if len(value) > MAX_MARKS:
        raise ValidationError({"body_map": f"A body map holds at most {MAX_MARKS} marks"})
    marks = []
    for number, mark in enumerate(value, start=1):
        if not isinstance(mark, dict):
            raise ValidationError({"body_map": f"Mark {number} must have a view, x, y and a note"})
        view = mark.get("view")
        if view not in BodyView.values:
            raise ValidationError({"body_map": f"Mark {number}: the view must be front or back"})
        coords = []
        for axis in ("x", "y"):
            raw = mark.get(axis)
            if (
                isinstance(raw, bool)
                or not isinstance(raw, (int, float))
                or not math.isfinite(raw)
                or not 0 <= raw <= 1
            ):
                raise ValidationError({"body_map": f"Mark {number}: {axis} must be a number from 0 to 1"})
            coords.append(round(float(raw), 4))
        note = mark.get("note", "")
        if not isinstance(note, str):
            raise ValidationError({"body_map": f"Mark {number}: the note must be text"})
        note = note.strip()
        if len(note) > MAX_NOTE:
            raise ValidationError({"body_map": f"Mark {number}: the note must be {MAX_NOTE} characters or fewer"})
        marks.append({"view": view, "x": coords[0], "y": coords[1], "note": note})
    return marks


def parse_marks(text: str) -> list[dict[str, Any]]:
    """The body map typed as text, one mark a line: `front 0.42 0.30 Bruise`.

    This is the form's field with or without JavaScript: the script only
    writes these lines when a mark is clicked on the outline.
    """
    marks: list[dict[str, Any]] = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        parts = line.split(None, 3)
        if len(parts) < 3:
            raise ValidationError(
                f"Line {line_no} of the body map must start with front or back, then how far across and how far "
                "down (each from 0 to 1), then a note"
            )
        view = parts[0].lower().rstrip(":,")
        if view not in BodyView.values:
            raise ValidationError(f"Line {line_no} of the body map must start with front or back")
        try:
            x, y = float(parts[1].rstrip(",")), float(parts[2].rstrip(","))
        except ValueError:
            raise ValidationError(
                f"Line {line_no} of the body map: how far across and how far down must be numbers from 0 to 1"
            ) from None
        if not (math.isfinite(x) and math.isfinite(y) and 0 <= x <= 1 and 0 <= y <= 1):
            raise ValidationError(
                f"Line {line_no} of the body map: how far across and how far down must be numbers from 0 to 1"
            )
        note = parts[3].strip() if len(parts) > 3 else ""
        marks.append({"view": view, "x": x, "y": y, "note": note})
    try:
        return clean_body_map(marks)
    except ValidationError as error:
        raise ValidationError(error.message_dict["body_map"]) from None


def marks_as_text(marks: Iterable[dict[str, Any]]) -> str:
    return "\n".join(f"{m['view']} {m['x']:.3f} {m['y']:.3f} {m.get('note', '')}".rstrip() for m in marks)


# ---------------------------------------------------------------- who is told


def _holders(school_id: int, roles: Iterable[str]) -> list[User]:
    today = timezone.localdate()
    ids = (
        RoleAssignment.objects.filter(organisation_id=school_id, role__in=list(roles), started_on__lte=today)
        .exclude(ended_on__lte=today)
        .values_list("user_id", flat=True)
    )
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def safeguarding_leads(school_id: int) -> list[User]:
    return _holders(school_id, (Role.DSL, Role.DEPUTY_DSL))


def concern_link(concern: Concern) -> str:
    return reverse("concern-detail", args=[concern.pk])


# ---------------------------------------------------------------- concerns


def _validate_concern(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    account = (data.get("account") or "").strip()
    if not account:
        errors["account"] = "Enter what was said or seen"
    categories = list(dict.fromkeys(data.get("categories") or []))
    if not categories:
        errors["categories"] = "Select at least one category"
    elif any(c not in ConcernCategory.values for c in categories):
        errors["categories"] = "Select categories from the list"
    location = (data.get("location") or "").strip()
    if not location:
        errors["location"] = "Enter where it happened or where you saw it"
    action_taken = (data.get("action_taken") or "").strip()
    if not action_taken:
        errors["action_taken"] = "Enter the action you took"
    occurred_at = data.get("occurred_at")
    if not isinstance(occurred_at, dt.datetime):
        errors["occurred_at"] = "Enter the date and time"
    elif occurred_at > timezone.now() + dt.timedelta(minutes=5):
        errors["occurred_at"] = "The date and time must be now or in the past"
    if not isinstance(data.get("dsl_informed_verbally"), bool):
        errors["dsl_informed_verbally"] = "Select yes if you have told the DSL or a deputy in person or by phone"
    if errors:
        raise ValidationError(errors)
    return {
        "account": account,
        "childs_words": (data.get("childs_words") or "").strip(),
        "categories": categories,
        "location": location,
        "action_taken": action_taken,
        "occurred_at": occurred_at,
        "dsl_informed_verbally": data["dsl_informed_verbally"],
        "fgm_known": bool(data.get("fgm_known")) and ConcernCategory.FGM in categories,
        "body_map": clean_body_map(data.get("body_map") or []),
    }


def do_record_concern(
    child: Person,
    *,
    actor: User,
    school: Organisation,
    data: dict[str, Any],
    other_pupils: Iterable[Person] = (),
) -> Concern:
    """Record a concern; alert the school's DSL and deputies at once."""
    values = _validate_concern(data)
    others = [p for p in other_pupils if p.pk != child.pk]
    with transaction.atomic():
        now = timezone.now()
        recent = Concern.objects.filter(child=child, recorded_at__gte=recent_window_start(now)).exists()
        concern = Concern.objects.create(
            school=school, child=child, recorded_by=actor, recorded_at=now, recent_flag=recent, **values
        )
        if others:
            concern.other_pupils.set(others)
        labels = ", ".join(concern.category_labels)
        record_event(
            child,
            occurred_on=timezone.localdate(values["occurred_at"]),
            kind="safeguarding_concern",
            summary=f"Safeguarding concern recorded: {labels}",
            part=Part.SCHOOL_SAFEGUARDING,
            source=str(actor),
            source_organisation=school,
            significance=Significance.SIGNIFICANT,
            origin=concern,
            entered_by=actor,
        )
        flags = []
        if recent:
            flags.append("another concern in the last 7 days")
        if concern.fgm_known:
            flags.append("known FGM: police notification due")
        suffix = f" ({'; '.join(flags)})" if flags else ""
        for lead in safeguarding_leads(school.pk):
            if lead.pk == actor.pk:
                continue
            notify(
                lead,
                f"New safeguarding concern about {child.display_name}{suffix}",
                link=concern_link(concern),
                email_subject="New safeguarding concern" + (" (flagged)" if flags else ""),
            )
        audit.record(
            "create",
            user=actor,
            obj=concern,
            child_id=child.pk,
            detail={"recent_flag": recent, "marks": len(values["body_map"]), "linked": len(others)},
        )
    return concern


def do_add_to_concern(concern: Concern, *, actor: User, text: str) -> ConcernAddition:
    """Append information; the concern itself is never changed."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Enter what you want to add"})
    with transaction.atomic():
        addition = ConcernAddition.objects.create(concern=concern, text=text, added_by=actor)
        for lead in safeguarding_leads(concern.school_id):
            if lead.pk != actor.pk:
                notify(
                    lead,
                    f"Information added to a safeguarding concern about {concern.child.display_name}",
                    link=concern_link(concern),
                )
        audit.record("add", user=actor, obj=concern, child_id=concern.child_id, detail={"addition": addition.pk})
    return addition


def do_mark_read(concern: Concern, *, actor: User) -> Concern:
    """The DSL (or a deputy) has opened the concern: it stops escalating,
    and their alerts about it are read."""
    now = timezone.now()
    with transaction.atomic():
        if concern.first_read_at is None:
            updated = Concern.objects.filter(pk=concern.pk, first_read_at__isnull=True).update(
                first_read_at=now, first_read_by=actor
            )
            if updated:
                concern.first_read_at, concern.first_read_by = now, actor
        Notification.objects.filter(user=actor, link=concern_link(concern), read_at__isnull=True).update(read_at=now)
    return concern


def _clean_decision(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    outcome = data.get("outcome")
    if outcome not in TriageOutcome.values:
        errors["outcome"] = "Select the decision"
    level = data.get("level_of_need") or ""
    if level and level not in LevelOfNeed.values:
        errors["level_of_need"] = "Select the level of need from the list"
    if outcome == TriageOutcome.EARLY_HELP and not level:
        errors["level_of_need"] = "Select the level of need for early help"
    immediate = bool(data.get("immediate_risk"))
    hub_phoned_at = data.get("hub_phoned_at")
    police_informed_at = data.get("police_informed_at")
    now = timezone.now() + dt.timedelta(minutes=5)
    if immediate and outcome != TriageOutcome.REFERRAL:
        errors["immediate_risk"] = "A child at risk of immediate harm is referred to the Children and Families Hub"
    if immediate and hub_phoned_at is None:
        errors["hub_phoned_at"] = "Enter when you telephoned the Children and Families Hub"
    for name, value in (("hub_phoned_at", hub_phoned_at), ("police_informed_at", police_informed_at)):
        if value is not None and (not isinstance(value, dt.datetime) or value > now):
            errors.setdefault(name, "The time must be now or in the past")
    advice_from = (data.get("advice_from") or "").strip()
    if outcome == TriageOutcome.ADVICE and not advice_from:
        errors["advice_from"] = "Enter who you sought advice from"
    parents_informed = data.get("parents_informed")
    if not isinstance(parents_informed, bool):
        errors["parents_informed"] = "Select whether the parents or carers were told"
    reason = (data.get("parents_not_informed_reason") or "").strip()
    if parents_informed is False and not reason:
        errors["parents_not_informed_reason"] = "Enter why the parents or carers were not told"
    rationale = (data.get("rationale") or "").strip()
    if not rationale:
        errors["rationale"] = "Enter the reasons for your decision"
    follow_up_on = data.get("follow_up_on")
    if follow_up_on is not None and not isinstance(follow_up_on, dt.date):
        errors["follow_up_on"] = "Enter a real follow-up date"
    if errors:
        raise ValidationError(errors)
    return {
        "outcome": outcome,
        "level_of_need": level,
        "immediate_risk": immediate,
        "hub_phoned_at": hub_phoned_at,
        "police_informed_at": police_informed_at,
        "advice_from": advice_from,
        "parents_informed": parents_informed,
        "parents_not_informed_reason": "" if parents_informed else reason,
        "follow_up_on": follow_up_on,
        "rationale": rationale,
    }


def do_decide(concern: Concern, *, actor: User, data: dict[str, Any]) -> TriageDecision:
    """Record the DSL's decision and action on a concern."""
    from .access import may_decide

    if not may_decide(actor, concern):
        raise ConcernRefused("Only the designated safeguarding lead or a deputy at the school records decisions.")
    values = _clean_decision(data)
    with transaction.atomic():
        decision = TriageDecision.objects.create(concern=concern, decided_by=actor, **values)
        Concern.objects.filter(pk=concern.pk).update(decided_at=decision.decided_at)
        # Deciding is reading: a concern decided through the API unopened stops escalating.
        Concern.objects.filter(pk=concern.pk, first_read_at__isnull=True).update(
            first_read_at=decision.decided_at, first_read_by=actor
        )
        summary = f"DSL decision: {decision.get_outcome_display()}"
        if decision.outcome == TriageOutcome.EARLY_HELP:
            summary += f" ({decision.get_level_of_need_display()})"
        if decision.immediate_risk:
            summary += ": immediate risk, Hub telephoned"
        record_event(
            concern.child,
            occurred_on=timezone.localdate(decision.decided_at),
            kind="safeguarding_decision",
            summary=summary,
            part=Part.SCHOOL_SAFEGUARDING,
            source=str(actor),
            source_organisation=concern.school,
            significance=Significance.CRITICAL
            if decision.outcome == TriageOutcome.REFERRAL
            else Significance.SIGNIFICANT,
            origin=decision,
            entered_by=actor,
        )
        audit.record("decide", user=actor, obj=concern, child_id=concern.child_id, detail={"outcome": decision.outcome})
    concern.refresh_from_db(fields=["decided_at", "first_read_at", "first_read_by"])
    return decision


def do_record_fgm_notification(
    concern: Concern, *, actor: User, notified_at: dt.datetime | None, police_reference: str
) -> FgmNotification:
    """Record that the teacher notified the police of known FGM."""
    errors: dict[str, str] = {}
    reference = (police_reference or "").strip()
    if not concern.is_fgm:
        raise ConcernRefused("This concern is not about FGM.")
    if actor.pk != concern.recorded_by_id:
        raise ConcernRefused("The duty to notify the police is the duty of the member of staff who found out.")
    if not reference:
        errors["police_reference"] = "Enter the police reference number"
    if not isinstance(notified_at, dt.datetime):
        errors["notified_at"] = "Enter when you notified the police"
    elif notified_at > timezone.now() + dt.timedelta(minutes=5):
        errors["notified_at"] = "The time must be now or in the past"
    if errors:
        raise ValidationError(errors)
    assert notified_at is not None
    with transaction.atomic():
        if FgmNotification.objects.filter(concern=concern).exists():
            raise ConcernRefused("The notification to the police is already recorded.")
        notification = FgmNotification.objects.create(
            concern=concern, notified_by=actor, notified_at=notified_at, police_reference=reference
        )
        record_event(
            concern.child,
            occurred_on=timezone.localdate(notified_at),
            kind="fgm_notification",
            summary="Known FGM notified to the police (mandatory reporting duty)",
            part=Part.SCHOOL_SAFEGUARDING,
            source=str(actor),
            source_organisation=concern.school,
            significance=Significance.CRITICAL,
            origin=notification,
            entered_by=actor,
        )
        for lead in safeguarding_leads(concern.school_id):
            if lead.pk != actor.pk:
                notify(
                    lead,
                    f"FGM notification to the police recorded for {concern.child.display_name}",
                    link=concern_link(concern),
                )
        audit.record("fgm_notified", user=actor, obj=concern, child_id=concern.child_id)
    return notification


# ---------------------------------------------------------------- escalation


def escalation_minutes() -> int:
    return int(getattr(settings, "OPENICS_CONCERN_ESCALATION_MINUTES", DEFAULT_ESCALATION_MINUTES))


def do_escalate_unread(*, minutes: int | None = None, now: dt.datetime | None = None) -> list[Concern]:
    """Concerns still unread `minutes` after they were recorded: tell the
    headteacher and the deputies (and the DSL again), once."""
    minutes = escalation_minutes() if minutes is None else minutes
    now = now or timezone.now()
    cutoff = now - dt.timedelta(minutes=minutes)
    escalated = []
    with transaction.atomic():
        due = (
            Concern.objects.select_for_update()
            .filter(first_read_at__isnull=True, escalated_at__isnull=True, recorded_at__lte=cutoff)
            .select_related("child")
            .order_by("recorded_at", "pk")
        )
        for concern in due:
            concern.escalated_at = now
            concern.save(update_fields=["escalated_at"])
            told = _holders(concern.school_id, (Role.HEADTEACHER, Role.DSL, Role.DEPUTY_DSL))
            leads = {u.pk for u in safeguarding_leads(concern.school_id)}
            for user in told:
                # The head is told it is waiting; only the leads can open it.
                notify(
                    user,
                    f"A safeguarding concern recorded {minutes} or more minutes ago has not been read by the DSL",
                    link=concern_link(concern) if user.pk in leads else "",
                    email_subject="Unread safeguarding concern",
                )
            audit.record(
                "escalate", obj=concern, child_id=concern.child_id, detail={"minutes": minutes, "told": len(told)}
            )
            escalated.append(concern)
    return escalated
