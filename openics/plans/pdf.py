"""Copies of a plan for the family: a plain-language PDF, and who got one.

The PDF prints every section of an agreed version in the language the
family reads: labels are translated (`translation.override`), free text is
printed as it was written.  Copies given, sent or withheld are recorded as
`openics.meetings.models.Distribution` rows (generic), through
`do_record_distribution`; an emailed copy goes to the outbox with the PDF
attached (base64, `"encoding": "base64"`), in the same transaction.
"""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from openics.core.models import OutboxMessage, Person, Relationship, RelationshipKind, User
from openics.meetings.actions import distribution_for, do_record_distribution
from openics.meetings.models import DeliveryMethod, Distribution
from openics.web.pdf import render_pdf

from .actions import PlanRefused
from .models import PlanVersion, VersionStatus

# The languages a family copy can be printed in: code -> name in that language.
LANGUAGES: dict[str, str] = {"en-gb": "English", "cy": "Cymraeg (Welsh)", "pl": "Polski (Polish)"}
# How the language is named on the Distribution row (kept in English for staff).
LANGUAGE_NAMES: dict[str, str] = {"en-gb": "English", "cy": "Welsh", "pl": "Polish"}
# Person.first_language is free text: the spellings that mean a language we print in.
_SPELLINGS: dict[str, str] = {
    "welsh": "cy",
    "cymraeg": "cy",
    "cy": "cy",
    "polish": "pl",
    "polski": "pl",
    "pl": "pl",
}
# The relationships that make someone a carer the copy is likely to go to.
_CARER_KINDS = (RelationshipKind.MOTHER, RelationshipKind.FATHER, RelationshipKind.STEP_PARENT, RelationshipKind.CARER)

NEEDS_LABELS = {
    "developmental": _("How the child is growing and developing"),
    "parenting": _("Looking after the child"),
    "family": _("Family, home and community"),
}
TERM_LABELS = {"short": _("Soon"), "long": _("In the longer term")}


def language_code(spoken: str | None) -> str | None:
    """The print language for a free-text language name, or None."""
    return _SPELLINGS.get((spoken or "").strip().casefold())


def main_carer(child: Person) -> Person | None:
    """The carer the child lives with, with parental responsibility first."""
    today = timezone.localdate()
    rows = (
        Relationship.objects.filter(child=child, kind__in=_CARER_KINDS)
        .exclude(ended_on__lte=today)
        .select_related("person")
        .order_by("-lives_with_child", "-parental_responsibility", "pk")
    )
    row = rows.first()
    return row.person if row else None


def preferred_language(child: Person) -> str:
    """The main carer's language, else the child's, when we print in it; else English."""
    carer = main_carer(child)
    for person in (carer, child):
        code = language_code(person.first_language if person else None)
        if code:
            return code
    return "en-gb"


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def printable(version: PlanVersion) -> dict[str, Any]:
    """The version's content shaped for the family copy (labels stay lazy)."""
    plan = version.plan
    content = version.content or {}
    outcomes = content.get("outcomes") or []
    numbers = {o.get("key"): n for n, o in enumerate(outcomes, 1)}
    return {
        "sections": plan.type.sections,
        "aim": content.get("aim", ""),
        "needs": [(label, (content.get("needs") or {}).get(key, "")) for key, label in NEEDS_LABELS.items()],
        "outcomes": [
            {
                **o,
                "number": n,
                "term_label": TERM_LABELS.get(o.get("term") or "", ""),
                "targets": [{**t, "by_date": _date(t.get("by"))} for t in o.get("targets") or []],
            }
            for n, o in enumerate(outcomes, 1)
        ],
        "actions": [{**a, "outcome_number": numbers.get(a.get("outcome") or "")} for a in content.get("actions") or []],
        "monitoring": content.get("monitoring") or {},
        "coordinator": content.get("coordinator") or {},
        "contingency": content.get("contingency", ""),
        "views": content.get("views") or {},
        "agreement": [{**r, "agreed_date": _date(r.get("agreed_on"))} for r in content.get("agreement") or []],
    }


def check_copyable(version: PlanVersion) -> None:
    if version.status == VersionStatus.DRAFT:
        raise PlanRefused("This version is a draft: only an agreed plan is copied to the family.", status=409)


def render_plan_pdf(version: PlanVersion, *, language: str, printed_by: User) -> bytes:
    """The family copy of an agreed version as PDF bytes, in `language`."""
    check_copyable(version)
    if language not in LANGUAGES:
        raise ValidationError({"language": "Choose English, Welsh or Polish"})
    plan = version.plan
    context = {
        "plan": plan,
        "child": plan.child,
        "version": version,
        "content": printable(version),
        "printed_by": printed_by,
    }
    return render_pdf("plans/pdf/plan.html", context, language=language)


def pdf_filename(version: PlanVersion, language: str) -> str:
    return f"plan-{version.plan_id}-v{version.number}-{language.split('-')[0]}.pdf"


def copies_of(version: PlanVersion) -> QuerySet[Distribution]:
    return distribution_for(version)


def check_copy(
    *, recipient: str, method: str, address: str, language: str, withheld: bool, withheld_reason: str
) -> None:
    """What a copy for the family needs: who it is for, and how it was given
    (an email or postal address to match) or why it is withheld."""
    errors: dict[str, str] = {}
    if language not in LANGUAGES:
        errors["language"] = "Choose English, Welsh or Polish"
    if not recipient.strip():
        errors["recipient"] = "Enter who the copy is for"
    if withheld:
        if not withheld_reason.strip():
            errors["withheld_reason"] = "Enter why the copy is withheld, for example a risk to the child"
    elif method not in DeliveryMethod.values:
        errors["method"] = "Choose how the copy was given, or that it is withheld"
    elif method == DeliveryMethod.EMAIL:
        try:
            validate_email(address.strip())
        except ValidationError:
            errors["address"] = "Enter an email address in the correct format, like name@example.com"
    elif method == DeliveryMethod.POST and not address.strip():
        errors["address"] = "Enter the postal address the copy was sent to"
    if errors:
        raise ValidationError(errors)


def email_copy(*, address: str, pdf: bytes, filename: str, language: str) -> OutboxMessage:
    """The outbox email carrying a family copy, the PDF attached (base64),
    its words in the family's language.  Inside the caller's transaction."""
    with translation.override(language):
        subject = str(_("Your copy of the plan"))
        body = str(
            _(
                "Your copy of the plan is attached. Please keep it safe and do not share it. "
                "If you have questions, contact the person who sent it."
            )
        )
    return OutboxMessage.objects.create(
        to=address.strip(),
        subject=subject[:200],
        body=body + "\n",
        attachments=[
            {
                "filename": filename,
                "content_type": "application/pdf",
                "encoding": "base64",
                "content": base64.b64encode(pdf).decode("ascii"),
            }
        ],
    )


def do_give_copy(
    version: PlanVersion,
    *,
    actor: User,
    recipient: str,
    method: str = "",
    address: str = "",
    language: str = "en-gb",
    withheld: bool = False,
    withheld_reason: str = "",
) -> Distribution:
    """Record a copy of an agreed version given by hand, posted, emailed
    (an outbox row with the PDF attached) or withheld with its reason.
    Assumes the caller checked write access to the child."""
    check_copyable(version)
    check_copy(
        recipient=recipient,
        method=method,
        address=address,
        language=language,
        withheld=withheld,
        withheld_reason=withheld_reason,
    )
    with transaction.atomic():
        message = None
        if not withheld and method == DeliveryMethod.EMAIL:
            pdf = render_plan_pdf(version, language=language, printed_by=actor)
            message = email_copy(address=address, pdf=pdf, filename=pdf_filename(version, language), language=language)
        return do_record_distribution(
            version,
            child=version.plan.child,
            actor=actor,
            recipient=recipient,
            method="" if withheld else method,
            address="" if withheld else address,
            language=LANGUAGE_NAMES[language],
            withheld=withheld,
            withheld_reason=withheld_reason,
            outbox=message,
        )
