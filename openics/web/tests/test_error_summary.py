"""Every link in a form's error summary leads to the field in error."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _summary_targets(html: str) -> list[str]:
    summary = html.split('class="govuk-error-summary"', 1)[1].split("</div>", 3)
    return re.findall(r'href="#([^"]+)"', "".join(summary))


@pytest.mark.parametrize(
    ("day", "summary"),
    [("", "Enter a summary"), ("31", "")],
)
def test_error_summary_links_reach_their_fields(world, client_for, day, summary):
    client = client_for(world.sam_sw)
    url = reverse("child-chronology-add", kwargs={"child_id": world.amy.pk})
    data = {
        "occurred_on_day": day,
        "occurred_on_month": "2",
        "occurred_on_year": "2025",
        "summary": summary,
        "significance": "routine",
    }
    response = client.post(url, data)
    # The form comes back with its errors (400: nothing was saved).
    assert response.status_code == 400
    html = response.content.decode()
    targets = _summary_targets(html)
    assert targets, "the page shows an error summary with links"
    for target in targets:
        assert f'id="{target}"' in html, f"error summary links to #{target}, which is not on the page"
