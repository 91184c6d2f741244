"""A case record printed as PDF (WeasyPrint), marked OFFICIAL-SENSITIVE.

The same reading of the values as the record's page (`views.display_values`):
choice codes by their labels, agencies by organisation name, dates UK style.
"""

from __future__ import annotations

from openics.core.models import User
from openics.web.pdf import render_pdf

from .models import CaseRecord


def render_record_pdf(record: CaseRecord, *, printed_by: User) -> bytes:
    """The record as PDF bytes; assumes the caller checked access."""
    from .views import display_values

    definition = record.definition
    context = {
        "record": record,
        "definition": definition,
        "child": record.child,
        "sections": display_values(definition, record.data),
        "submitted_by": record.submitted_by,
        "endorsed_by": record.endorsed_by,
        "printed_by": printed_by,
    }
    return render_pdf("records/pdf/record.html", context)


def pdf_filename(record: CaseRecord) -> str:
    return f"{record.kind}-{record.pk}-v{record.edition}.pdf"
