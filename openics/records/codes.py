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


class PrimaryNeed(models.TextChoices):
    NOT_STATED = "N0", _("Not stated")
    ABUSE_OR_NEGLECT = "N1", _("Abuse or neglect")
    CHILD_DISABILITY = "N2", _("Child's disability or illness")
    PARENTAL_DISABILITY = "N3", _("Parental disability or illness")
    ACUTE_STRESS = "N4", _("Family in acute stress")
    DYSFUNCTION = "N5", _("Family dysfunction")
    SOCIALLY_UNACCEPTABLE = "N6", _("Socially unacceptable behaviour")
    LOW_INCOME = "N7", _("Low income")
    ABSENT_PARENTING = "N8", _("Absent parenting")
    NOT_IN_NEED = "N9", _("Cases other than children in need")


class AssessmentFactor(models.TextChoices):
    """Factors identified at the end of assessment (CIN census
    `AssessmentFactors`).  The codes are the census's, as listed in
    shared/domain/statutory-returns.md; "21" (no factors identified) is never
    returned with another factor.  The labels of 18B, 18C, 19B and 19C
    (introduced when the census split codes 18A and 19A) must be checked
    against the current DfE "Children in need census: guide for local
    authorities" before a census is returned."""

    ALCOHOL_CHILD = "1A", _("Alcohol misuse: concerns about the child")
    ALCOHOL_PARENT = "1B", _("Alcohol misuse: concerns about the parent or carer")
    ALCOHOL_OTHER = "1C", _("Alcohol misuse: concerns about another person living in the household")
    DRUGS_CHILD = "2A", _("Drug misuse: concerns about the child")
    DRUGS_PARENT = "2B", _("Drug misuse: concerns about the parent or carer")
    DRUGS_OTHER = "2C", _("Drug misuse: concerns about another person living in the household")
    DOMESTIC_ABUSE_CHILD = "3A", _("Domestic abuse: concerns about the child")
    DOMESTIC_ABUSE_PARENT = "3B", _("Domestic abuse: concerns about the parent or carer")
    DOMESTIC_ABUSE_OTHER = "3C", _("Domestic abuse: concerns about another person living in the household")
    MENTAL_HEALTH_CHILD = "4A", _("Mental health: concerns about the child")
    MENTAL_HEALTH_PARENT = "4B", _("Mental health: concerns about the parent or carer")
    MENTAL_HEALTH_OTHER = "4C", _("Mental health: concerns about another person living in the household")
    LEARNING_DISABILITY_CHILD = "5A", _("Learning disability: concerns about the child")
    LEARNING_DISABILITY_PARENT = "5B", _("Learning disability: concerns about the parent or carer")
    LEARNING_DISABILITY_OTHER = "5C", _("Learning disability: concerns about another person living in the household")
    PHYSICAL_DISABILITY_CHILD = "6A", _("Physical disability or illness: concerns about the child")
    PHYSICAL_DISABILITY_PARENT = "6B", _("Physical disability or illness: concerns about the parent or carer")
    PHYSICAL_DISABILITY_OTHER = (
        "6C",
        _("Physical disability or illness: concerns about another person living in the household"),
    )
    YOUNG_CARER = "7A", _("Young carer")
    PRIVATELY_FOSTERED_OTHER = "8B", _("Privately fostered: other")
    UASC = "8C", _("Unaccompanied asylum-seeking child")
    PRIVATELY_FOSTERED_OVERSEAS_RETURN = "8D", _("Privately fostered: overseas child who intends to return")
    PRIVATELY_FOSTERED_OVERSEAS_STAY = "8E", _("Privately fostered: overseas child who intends to stay")
    PRIVATELY_FOSTERED_UK_EDUCATION = "8F", _("Privately fostered: UK child in education or training")
    MISSING = "9A", _("Going or being missing")
    CSE = "10A", _("Child sexual exploitation")
    TRAFFICKING = "11A", _("Trafficking")
    GANGS = "12A", _("Gangs")
    SOCIALLY_UNACCEPTABLE = "13A", _("Socially unacceptable behaviour")
    SELF_HARM = "14A", _("Self-harm")
    NEGLECT = "15A", _("Abuse or neglect: neglect")
    EMOTIONAL_ABUSE = "16A", _("Abuse or neglect: emotional abuse")
    PHYSICAL_ABUSE = "17A", _("Abuse or neglect: physical abuse")
    SEXUAL_ABUSE_18B = "18B", _("Abuse or neglect: sexual abuse (census code 18B)")
    SEXUAL_ABUSE_18C = "18C", _("Abuse or neglect: sexual abuse (census code 18C)")
    FACTOR_19B = "19B", _("Abuse or neglect (census code 19B)")
    FACTOR_19C = "19C", _("Abuse or neglect (census code 19C)")
    OTHER = "20", _("Other")
    NONE = "21", _("No factors identified")
    FGM = "22A", _("Female genital mutilation")
    FAITH_OR_BELIEF = "23A", _("Abuse linked to faith or belief")
    CCE = "24A", _("Child criminal exploitation")


CODE_LISTS: dict[str, type[models.TextChoices]] = {
    "referral_source": ReferralSource,
    "reason_for_closure": ReasonForClosure,
    "category_of_abuse": CategoryOfAbuse,
    "primary_need": PrimaryNeed,
    "assessment_factors": AssessmentFactor,
}
