"""A case record printed as PDF (WeasyPrint), marked OFFICIAL-SENSITIVE.

The same reading of the values as the record's page (`views.display_values`):
choice codes by their labels, agencies by organisation name, dates UK style.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from openics.core.models import User

from .models import CaseRecord


def render_record_pdf(record: CaseRecord, *, printed_by: User) -> bytes:
    """The record as PDF bytes; assumes the caller checked access."""
    from weasyprint import HTML

    from .views import display_values

    definition = record.definition
    html = render_to_string(
        "records/pdf/record.html",
        {
            "record": record,
            "definition": definition,
            "child": record.child,
            "sections": display_values(definition, record.data),
            "submitted_by": record.submitted_by,
            "endorsed_by": record.endorsed_by,
            "printed_at": timezone.localtime(),
            "printed_by": printed_by,
        },
    )
    return HTML(string=html).write_pdf()  # type: ignore[no-any-return]


def pdf_filename(record: CaseRecord) -> str:
    return f"{record.kind}-{record.pk}-v{record.edition}.pdf"
