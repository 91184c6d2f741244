"""Exporting the chronology as CSV and PDF: filters, escaping, audit."""

from __future__ import annotations

import datetime as dt
import functools

import pytest
from django.urls import reverse

from openics.core import actions
from openics.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_for(client_for):  # type: ignore[no-untyped-def]
    """Every request over HTTPS, as in production."""

    def sign_in(user):  # type: ignore[no-untyped-def]
        client = client_for(user)
        client.get = functools.partial(client.get, secure=True)
        client.post = functools.partial(client.post, secure=True)
        return client

    return sign_in


@pytest.fixture
def entries(world):
    for day, summary in ((1, '=HYPERLINK("http://evil")'), (2, "School exclusion meeting"), (3, "+cmd|calc")):
        actions.do_add_chronology_entry(
            world.amy, actor=world.sam_sw, data={"occurred_on": dt.date(2024, 1, day), "summary": summary}
        )


def test_csv_escapes_formulas(world, client_for, entries):
    response = client_for(world.sam_sw).get(reverse("child-chronology-csv", args=[world.amy.pk]))
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/csv")
    assert "'=HYPERLINK" in body and "'+cmd|calc" in body
    assert ",=HYPERLINK" not in body


def test_pdf_is_a_marked_pdf_with_the_filters_and_audited(world, client_for, entries):
    client = client_for(world.sam_sw)
    url = reverse("child-chronology-pdf", args=[world.amy.pk])
    response = client.get(
        url,
        {
            "date_from_day": "2",
            "date_from_month": "1",
            "date_from_year": "2024",
            "date_to_day": "2",
            "date_to_month": "1",
            "date_to_year": "2024",
        },
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    event = AuditEvent.objects.filter(action="export", child_id=world.amy.pk).latest("id")
    assert event.detail == {"format": "pdf", "rows": 1}


def test_print_template_has_name_date_and_marking(world, client_for, entries):
    from django.template.loader import render_to_string
    from django.utils import timezone

    html = render_to_string(
        "core/chronology_print.html",
        {"child": world.amy, "entries": [], "printed_at": timezone.now(), "printed_by": world.sam_sw},
    )
    assert "OFFICIAL-SENSITIVE" in html and "Amy Example" in html and "Printed" in html


def test_export_is_refused_to_those_without_access(world, client_for, entries):
    url = reverse("child-chronology-pdf", args=[world.amy.pk])
    assert client_for(world.olu_other).get(url).status_code == 404
    assert AuditEvent.objects.filter(action="access", outcome="denied", user_id=world.olu_other.pk).exists()
