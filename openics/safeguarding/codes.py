"""Code lists for school safeguarding, from the school's child protection
policy (Keeping Children Safe in Education's four types of abuse and the
specific safeguarding issues it names)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ConcernCategory(models.TextChoices):
    PHYSICAL = "physical", _("Physical abuse")
    EMOTIONAL = "emotional", _("Emotional abuse")
    SEXUAL = "sexual", _("Sexual abuse")
    NEGLECT = "neglect", _("Neglect")
    PEER_ON_PEER = "peer_on_peer", _("Peer on peer abuse (bullying, cyber bullying, hazing)")
    SEXTING = "sexting", _("Sexting or up-skirting")
    SEXUAL_VIOLENCE = "sexual_violence", _("Sexual violence or harassment between children")
    SERIOUS_VIOLENCE = "serious_violence", _("Serious violence")
    MISSING_EDUCATION = "missing_education", _("Child missing education")
    CSE = "cse", _("Child sexual exploitation")
    CCE = "cce", _("Child criminal exploitation or county lines")
    DOMESTIC_ABUSE = "domestic_abuse", _("Domestic abuse")
    FGM = "fgm", _("Female genital mutilation (FGM)")
    FORCED_MARRIAGE = "forced_marriage", _("Forced marriage or so-called honour-based violence")
    RADICALISATION = "radicalisation", _("Radicalisation (Prevent)")
    ONLINE_SAFETY = "online_safety", _("Online safety")
    SUBSTANCES = "substances", _("Drugs or alcohol")
    MENTAL_HEALTH = "mental_health", _("Mental health or self-harm")
    SEND = "send", _("Vulnerability from special educational needs or disability")
    OTHER = "other", _("Other welfare concern")


class BodyView(models.TextChoices):
    FRONT = "front", _("Front")
    BACK = "back", _("Back")


class TriageOutcome(models.TextChoices):
    MONITOR = "monitor", _("Monitor in school")
    EARLY_HELP = "early_help", _("Early help")
    REFERRAL = "referral", _("Referral to the Children and Families Hub")
    ADVICE = "advice", _("Advice sought")
    NO_FURTHER_ACTION = "nfa", _("No further action")


class LevelOfNeed(models.TextChoices):
    """The Essex windscreen of need (the policy's Appendix B)."""

    UNIVERSAL = "1", _("Level 1: universal")
    ADDITIONAL = "2", _("Level 2: additional needs")
    INTENSIVE = "3", _("Level 3: intensive needs")
    SPECIALIST = "4", _("Level 4: specialist (statutory)")
