"""Printing: a template rendered to PDF bytes with WeasyPrint, the one way
every plan, record and meeting record is printed."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation


def render_pdf(template: str, context: dict[str, Any], *, language: str | None = None) -> bytes:
    """`template` as a PDF.  Labels are in `language` (a code such as "cy")
    when given, else the active language; the context gains `printed_at`
    and `lang` (for `<html lang>`)."""
    from weasyprint import HTML

    with translation.override(language or translation.get_language()):
        active = translation.get_language() or "en"
        html = render_to_string(template, {"printed_at": timezone.localtime(), "lang": active.split("-")[0], **context})
    return HTML(string=html).write_pdf()  # type: ignore[no-any-return]
