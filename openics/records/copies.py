"""Copies of a case record for the child's carers (issue #3).

A Background Information Record is copied to the carers when a child becomes
looked after.  Copies given (email with the PDF attached through the outbox,
post, by hand) or withheld with a reason are generic
`openics.meetings.models.Distribution` rows, written through
`do_record_distribution`.  `carers_need_copy` is the prompt: the child has an
active looked-after care plan and nobody has been given a copy of the
current record since that plan started.
"""

from __future__ import annotations

import base64
import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from openics.core.models import OutboxMessage, Person, Relationship, RelationshipKind, User
from openics.meetings.actions import distribution_for, do_record_distribution
from openics.meetings.models import DeliveryMethod, Distribution

from .actions import RecordRefused
from .models import CaseRecord, RecordStatus

BACKGROUND = "background-information"
LAC_PLAN = "lac-care-plan"
# The relationships that make someone the child's carer (core has no
# separate foster-carer kind: a foster carer is recorded as a carer).
CARER_KINDS = (RelationshipKind.CARER,)
PROMPT = "The carers need a copy of this record"


def current_carers(child: Person) -> list[Relationship]:
    """The child's carers today, the one the child lives with first."""
    today = timezone.localdate()
    return list(
        Relationship.objects.filter(child=child, kind__in=CARER_KINDS)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
        .select_related("person")
        .order_by("-lives_with_child", "pk")
    )


def _locked() -> Q:
    return Q(status=RecordStatus.ENDORSED) | Q(status=RecordStatus.SUBMITTED, needs_endorsement=False)


def current_background_record(child: Person) -> CaseRecord | None:
    """The newest completed Background Information Record of the child (a
    correction still in draft leaves the version it corrects current)."""
    return (
        CaseRecord.objects.filter(child=child, kind=BACKGROUND)
        .filter(_locked())
        .order_by("-submitted_at", "-pk")
        .first()
    )


def looked_after_since(child: Person) -> dt.date | None:
    """When the child's active looked-after care plan started, or None."""
    from openics.plans.models import Plan, PlanStatus

    plan = (
        Plan.objects.filter(child=child, plan_type=LAC_PLAN, status=PlanStatus.ACTIVE, started_on__isnull=False)
        .order_by("-started_on")
        .first()
    )
    return plan.started_on if plan else None


def carers_need_copy(record: CaseRecord) -> bool:
    """Whether to prompt for a copy of `record` for the carers: it is the
    child's current Background Information Record, the child has an active
    looked-after care plan, and no copy was given (withheld does not count)
    on or after the day that plan started."""
    if record.kind != BACKGROUND:
        return False
    since = looked_after_since(record.child)
    if since is None:
        return False
    current = current_background_record(record.child)
    if current is None or current.pk != record.pk:
        return False
    start = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
    return not copies_of(record).filter(withheld=False, at__gte=start).exists()


def copies_of(record: CaseRecord) -> QuerySet[Distribution]:
    return distribution_for(record)


def check_copyable(record: CaseRecord) -> None:
    if not record.is_locked:
        raise RecordRefused("This record is not complete: finish it before giving copies.", status=409)
    if CaseRecord.objects.filter(series=record.series, edition__gt=record.edition).filter(_locked()).exists():
        raise RecordRefused("A newer version of this record exists: give a copy of that one.", status=409)


def _known_address(carer: Person | None, method: str) -> str:
    """The carer's email, or current non-confidential address, when the
    user left the address empty."""
    if carer is None:
        return ""
    if method == DeliveryMethod.EMAIL:
        return carer.email
    if method == DeliveryMethod.POST:
        today = timezone.localdate()
        address = (
            carer.addresses.filter(confidential=False)
            .filter(Q(moved_out__isnull=True) | Q(moved_out__gt=today))
            .first()
        )
        return str(address) if address else ""
    return ""


def do_give_record_copy(
    record: CaseRecord,
    *,
    actor: User,
    recipient: str,
    carer: Person | None = None,
    method: str = "",
    address: str = "",
    withheld: bool = False,
    withheld_reason: str = "",
) -> Distribution:
    """Record a copy of a completed record given by hand, posted, emailed
    (an outbox row with the PDF attached) or withheld with its reason.
    Assumes the caller checked write access to the record's part."""
    from .pdf import pdf_filename, render_record_pdf

    check_copyable(record)
    address = address.strip() or ("" if withheld else _known_address(carer, method))
    errors: dict[str, str] = {}
    if not recipient.strip():
        errors["recipient"] = "Choose who the copy is for, or enter their name"
    if withheld:
        if not withheld_reason.strip():
            errors["withheld_reason"] = "Enter why the copy is withheld, for example a risk to the child"
    elif method not in DeliveryMethod.values:
        errors["method"] = "Choose how the copy was given, or that it is withheld"
    elif method == DeliveryMethod.EMAIL:
        try:
            validate_email(address)
        except ValidationError:
            errors["address"] = "Enter an email address in the correct format, like name@example.com"
    elif method == DeliveryMethod.POST and not address:
        errors["address"] = "Enter the postal address the copy was sent to"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        message = None
        if not withheld and method == DeliveryMethod.EMAIL:
            pdf = render_record_pdf(record, printed_by=actor)
            # The subject names no child: email subjects travel in the clear.
            message = OutboxMessage.objects.create(
                to=address,
                subject=f"Your copy of the {record.definition.title}"[:200],
                body=(
                    f"Your copy of the {record.definition.title} is attached. It is OFFICIAL-SENSITIVE: "
                    "please keep it safe and do not share it. If you have questions, contact the person who sent it.\n"
                ),
                attachments=[
                    {
                        "filename": pdf_filename(record),
                        "content_type": "application/pdf",
                        "encoding": "base64",
                        "content": base64.b64encode(pdf).decode("ascii"),
                    }
                ],
            )
        return do_record_distribution(
            record,
            child=record.child,
            actor=actor,
            recipient=recipient,
            method="" if withheld else method,
            address="" if withheld else address,
            withheld=withheld,
            withheld_reason=withheld_reason,
            outbox=message,
        )
