"""Page titles say where you are (WCAG 2.4.2), and 'Error:' when a form failed."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _title(html: str) -> str:
    match = re.search(r"<title>(.*?)</title>", html, re.S)
    assert match
    return " ".join(match.group(1).split())


def test_titles_name_the_page_and_the_service(world, client):
    assert _title(client.get(reverse("login")).content.decode()) == "Sign in \u2013 OpenICS"
    client.force_login(world.sam_sw)
    overview = client.get(reverse("child-overview", kwargs={"child_id": world.amy.pk}))
    assert _title(overview.content.decode()) == f"{world.amy.display_name} \u2013 OpenICS"


def test_a_failed_form_says_error_in_the_title(world, client):
    response = client.post(reverse("login"), {"username": "sam_sw", "password": "wrong password!"})
    assert _title(response.content.decode()).startswith("Error: Sign in")
