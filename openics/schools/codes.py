"""Code lists for school operations.

The DfE attendance codes are data (`attendance_codes.toml`), read once; the
other lists are enumerations with the labels people see.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.db import models
from django.utils.translation import gettext_lazy as _

CODES_FILE = Path(__file__).with_name("attendance_codes.toml")
CATEGORIES = ("present", "educational", "authorised", "unauthorised", "not_counted")


@dataclass(frozen=True)
class AttendanceCode:
    code: str
    meaning: str
    category: str
    unexplained: bool = False

    @property
    def attended(self) -> bool:
        return self.category in ("present", "educational")

    @property
    def absent(self) -> bool:
        return self.category in ("authorised", "unauthorised")

    @property
    def possible(self) -> bool:
        """Whether the session counts towards the attendance rate."""
        return self.category != "not_counted"


@cache
def attendance_codes() -> dict[str, AttendanceCode]:
    """The codes by code; a bad file stops start-up with what is wrong."""
    with CODES_FILE.open("rb") as handle:
        raw = tomllib.load(handle)
    codes: dict[str, AttendanceCode] = {}
    for entry in raw.get("codes", []):
        code = AttendanceCode(
            code=str(entry["code"]),
            meaning=str(entry["meaning"]),
            category=str(entry["category"]),
            unexplained=bool(entry.get("unexplained", False)),
        )
        if code.category not in CATEGORIES:
            raise ValueError(f"{CODES_FILE.name}: code {code.code!r} has unknown category {code.category!r}")
        if code.code in codes:
            raise ValueError(f"{CODES_FILE.name}: code {code.code!r} is listed twice")
        codes[code.code] = code
    return codes


class Session(models.TextChoices):
    AM = "AM", _("Morning")
    PM = "PM", _("Afternoon")


class FollowUpKind(models.TextChoices):
    CALL = "call", _("Phone call")
    HOME_VISIT = "home_visit", _("Home visit")
    LETTER = "letter", _("Letter")
    EMAIL = "email", _("Email or text message")
    MEETING = "meeting", _("Meeting with the family")
    OTHER = "other", _("Other")


class NotificationMethod(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Email")
    PORTAL = "portal", _("Local authority portal or form")
    LETTER = "letter", _("Letter")


class AllegationOutcome(models.TextChoices):
    """The outcome definitions of Keeping Children Safe in Education, part 4."""

    SUBSTANTIATED = "substantiated", _("Substantiated")
    FALSE = "false", _("False")
    MALICIOUS = "malicious", _("Malicious")
    UNSUBSTANTIATED = "unsubstantiated", _("Unsubstantiated")
    UNFOUNDED = "unfounded", _("Unfounded")


class AllegationEntryKind(models.TextChoices):
    ADVICE = "advice", _("Advice received from the LADO")
    ACTION = "action", _("Action taken")
    NOTE = "note", _("Note")


class TrainingLevel(models.TextChoices):
    INDUCTION = "induction", _("Safeguarding induction")
    UPDATE = "update", _("Safeguarding update (annual)")
    LEVEL_2 = "level_2", _("Level 2 child protection")
    LEVEL_3 = "level_3", _("Level 3 designated safeguarding lead")
    OTHER = "other", _("Other safeguarding training")
