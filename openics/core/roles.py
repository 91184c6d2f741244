"""Staff roles and what each may see of a child's record.

The role list follows the seed documents (TA, SW, SWRO, PM, SM, IRO) and the
school policy (DSL, deputy, headteacher, SENCo, staff, governor, LADO).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    TEAM_ADMINISTRATOR = "ta", _("Team administrator")
    SOCIAL_WORKER = "sw", _("Social worker")
    SWRO = "swro", _("Social work resource officer")
    PRACTICE_MANAGER = "pm", _("Practice manager")
    SERVICE_MANAGER = "sm", _("Service manager")
    IRO = "iro", _("Independent reviewing officer")
    DSL = "dsl", _("Designated safeguarding lead")
    DEPUTY_DSL = "ddsl", _("Deputy designated safeguarding lead")
    HEADTEACHER = "head", _("Headteacher")
    SENCO = "senco", _("SENCo")
    SCHOOL_STAFF = "staff", _("School staff")
    GOVERNOR = "governor", _("Governor")
    LADO = "lado", _("Local authority designated officer")
    PARTNER = "partner", _("Partner practitioner")
    # Information governance: reviews records whose retention period has
    # ended, places legal holds, reads the destruction log.
    RECORDS_MANAGER = "records", _("Records manager")
    SYSADMIN = "admin", _("System administrator")


SOCIAL_CARE_ROLES = frozenset(
    {Role.TEAM_ADMINISTRATOR, Role.SOCIAL_WORKER, Role.SWRO, Role.PRACTICE_MANAGER, Role.SERVICE_MANAGER, Role.IRO}
)
MANAGER_ROLES = frozenset({Role.PRACTICE_MANAGER, Role.SERVICE_MANAGER})
SCHOOL_ROLES = frozenset({Role.DSL, Role.DEPUTY_DSL, Role.HEADTEACHER, Role.SENCO, Role.SCHOOL_STAFF, Role.GOVERNOR})
SAFEGUARDING_LEAD_ROLES = frozenset({Role.DSL, Role.DEPUTY_DSL})
# Roles that need a team (social care) rather than an organisation alone.
TEAM_ROLES = SOCIAL_CARE_ROLES


class Part(models.TextChoices):
    """The parts of a child's record that access is granted to.

    Every record type and chronology entry belongs to one part; a grant of
    access names the parts it opens.
    """

    CORE = "core", _("Identity, family and involvement")
    SOCIAL_CARE = "social_care", _("Social care records")
    PLANS = "plans", _("Plans, meetings and reviews")
    SCHOOL_SAFEGUARDING = "school_safeguarding", _("School child protection file")
    SEND = "send", _("Special educational needs")
    HEALTH = "health", _("Health")


ALL_PARTS = frozenset(Part)
