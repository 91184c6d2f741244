"""A concern prints as a PDF, marked OFFICIAL-SENSITIVE, with its body map."""

from __future__ import annotations

from django.urls import reverse

from openics.core.models import AuditEvent

from .pdf_text import pdf_text


def test_the_pdf_holds_the_concern_its_body_map_and_the_marking(world, client_for, record):
    concern = record(
        body_map=[
            {"view": "front", "x": 0.3, "y": 0.25, "note": "Bruise on left upper arm"},
            {"view": "back", "x": 0.5, "y": 0.6, "note": "Red lines across lower back"},
        ]
    )
    client_for(world.tom_teacher).post(
        reverse("concern-add", args=[concern.pk]), {"text": "Brother agrees."}, secure=True
    )
    response = client_for(world.dee_dsl).get(reverse("concern-pdf", args=[concern.pk]), secure=True)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "OFFICIAL-SENSITIVE" in text
    assert "Safeguarding concern: Amy Example" in text
    assert "Mummy's friend grabbed me" in text
    assert "Mark 1 (front)" in text and "Bruise on left upper arm" in text
    assert "Mark 2 (back)" in text and "Red lines across lower back" in text
    assert "Brother agrees." in text
    # The two outlines, captioned, with the marks numbered on them.
    assert "Front" in text and "Back" in text
    assert AuditEvent.objects.filter(action="export", object_id=str(concern.pk), detail__format="pdf").exists()


def test_the_pdf_reader_reads_what_it_is_given():
    """The helper is not a test that cannot fail: it reads only what is there."""
    from weasyprint import HTML

    text = pdf_text(HTML(string="<p>Alpha <b>beta</b></p><p>Gamma</p>").write_pdf())
    assert text == "Alpha beta Gamma"
    assert "Delta" not in text
