"""Statutory code lists that record definitions refer to by name.

Labels follow the DfE Children in Need census guidance.  A definition's
`codes = "referral_source"` names one of `CODE_LISTS`.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReferralSource(models.TextChoices):
    FAMILY = "1A", _("Individual: family member, relative or carer")
    ACQUAINTANCE = "1B", _("Individual: acquaintance (including neighbours and child minders)")
    SELF = "1C", _("Individual: self")
    INDIVIDUAL_OTHER = "1D", _("Individual: other")
    SCHOOLS = "2A", _("Schools")
    EDUCATION = "2B", _("Education services")
    GP = "3A", _("Health services: GP")
    HEALTH_VISITOR = "3B", _("Health services: health visitor")
    SCHOOL_NURSE = "3C", _("Health services: school nurse")
    PRIMARY_HEALTH = "3D", _("Health services: other primary health services")
    EMERGENCY = "3E", _("Health services: A&E (emergency department)")
    HEALTH_OTHER = "3F", _("Health services: other")
    HOUSING = "4", _("Housing (local authority housing or housing association)")
    LA_SOCIAL_CARE = "5A", _("Local authority services: social care (e.g. adult social care)")
    LA_INTERNAL = "5B", _("Local authority services: other internal")
    LA_EXTERNAL = "5C", _("Local authority services: external (e.g. another authority's children's social care)")
    EARLY_HELP = "5D", _("Local authority services: early help")
    POLICE = "6", _("Police")
    LEGAL = "7", _("Other legal agency")
    OTHER = "8", _("Other")
    ANONYMOUS = "9", _("Anonymous")
    UNKNOWN = "10", _("Unknown")


class ReasonForClosure(models.TextChoices):
    ADOPTED = "RC1", _("Adopted")
    DIED = "RC2", _("Died")
    CHILD_ARRANGEMENTS = "RC3", _("Child arrangements order")
    SGO = "RC4", _("Special guardianship order")
    TRANSFERRED_LA = "RC5", _("Transferred to services of another local authority")
    TRANSFERRED_ADULT = "RC6", _("Transferred to adult social care")
    CEASED = "RC7", _("Services ceased for any other reason")
    NFA = "RC8", _("Case closed after assessment, no further action")
    EARLY_HELP = "RC9", _("Case closed after assessment, referred to early help")


class CategoryOfAbuse(models.TextChoices):
    NEGLECT = "NEG", _("Neglect")
    PHYSICAL = "PHY", _("Physical abuse")
    SEXUAL = "SAB", _("Sexual abuse")
    EMOTIONAL = "EMO", _("Emotional abuse")
    MULTIPLE = "MUL", _("Multiple")


CODE_LISTS: dict[str, type[models.TextChoices]] = {
    "referral_source": ReferralSource,
    "reason_for_closure": ReasonForClosure,
    "category_of_abuse": CategoryOfAbuse,
}
