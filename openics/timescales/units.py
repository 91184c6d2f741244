"""Units, tiers and nations used by the rule profiles."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Unit(models.TextChoices):
    WORKING_DAYS = "working_days", _("working days")
    DAYS = "days", _("days")
    WEEKS = "weeks", _("weeks")
    MONTHS = "months", _("months")
    SCHOOL_DAYS = "school_days", _("school days")


class Tier(models.TextChoices):
    STATUTE = "statute", _("Statute or regulation")
    GUIDANCE = "guidance", _("Statutory guidance")
    LOCAL = "local", _("Local procedure")


# The four UK nations, as the `holidays` package names its subdivisions.
NATIONS = ("ENG", "WLS", "SCT", "NIR")
