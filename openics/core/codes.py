"""Statutory and domain code lists, with their official labels.

One enumeration per code list (DfE CIN census / SSDA903 2025/26).  Other apps
import these; never write a code as a bare string elsewhere.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")
    UNKNOWN = "U", _("Not known / not recorded")


class Ethnicity(models.TextChoices):
    WBRI = "WBRI", _("White British")
    WIRI = "WIRI", _("White Irish")
    WOTH = "WOTH", _("Any other White background")
    WIRT = "WIRT", _("Traveller of Irish heritage")
    WROM = "WROM", _("Gypsy / Roma")
    MWBC = "MWBC", _("White and Black Caribbean")
    MWBA = "MWBA", _("White and Black African")
    MWAS = "MWAS", _("White and Asian")
    MOTH = "MOTH", _("Any other mixed background")
    AIND = "AIND", _("Indian")
    APKN = "APKN", _("Pakistani")
    ABAN = "ABAN", _("Bangladeshi")
    AOTH = "AOTH", _("Any other Asian background")
    BCRB = "BCRB", _("Caribbean")
    BAFR = "BAFR", _("African")
    BOTH = "BOTH", _("Any other Black background")
    CHNE = "CHNE", _("Chinese")
    OOTH = "OOTH", _("Any other ethnic group")
    REFU = "REFU", _("Refused")
    NOBT = "NOBT", _("Information not yet obtained")


class Disability(models.TextChoices):
    NONE = "NONE", _("No disability")
    MOB = "MOB", _("Mobility")
    HAND = "HAND", _("Hand function")
    PC = "PC", _("Personal care")
    INC = "INC", _("Incontinence")
    COMM = "COMM", _("Communication")
    LD = "LD", _("Learning")
    HEAR = "HEAR", _("Hearing")
    VIS = "VIS", _("Vision")
    BEH = "BEH", _("Behaviour")
    CON = "CON", _("Consciousness")
    AUT = "AUT", _("Autism / Asperger syndrome")
    DDA = "DDA", _("Other DDA")


class UPNUnknownReason(models.TextChoices):
    UN1 = "UN1", _("Child is now adopted")
    UN2 = "UN2", _("Child has never attended school or educational setting")
    UN3 = "UN3", _("Child is educated outside England")
    UN4 = "UN4", _("Child recently arrived; UPN not yet assigned")
    UN5 = "UN5", _("Sources collating UPNs reflect a discrepancy")
    UN6 = "UN6", _("Child aged under 6 years old and not yet assigned a UPN")
    UN7 = "UN7", _("Child aged over 6 years old or referral before UPN allocated")


class Nation(models.TextChoices):
    ENGLAND = "ENG", _("England")
    WALES = "WLS", _("Wales")
    SCOTLAND = "SCT", _("Scotland")
    NORTHERN_IRELAND = "NIR", _("Northern Ireland")


class Religion(models.TextChoices):
    NONE = "none", _("No religion")
    BUDDHIST = "buddhist", _("Buddhist")
    CHRISTIAN = "christian", _("Christian")
    HINDU = "hindu", _("Hindu")
    JEWISH = "jewish", _("Jewish")
    MUSLIM = "muslim", _("Muslim")
    SIKH = "sikh", _("Sikh")
    OTHER = "other", _("Other religion")
    REFUSED = "refused", _("Prefers not to say")
    UNKNOWN = "unknown", _("Not known")
