"""Exports and other high-risk actions need a recent authentication."""

from __future__ import annotations

import time
from urllib.parse import quote

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from openics.core.middleware import SIGNED_IN_AT
from openics.core.models import AuditEvent
from openics.core.testing import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def _age_sign_in(client, seconds: int = 301) -> None:  # type: ignore[no-untyped-def]
    session = client.session
    session[SIGNED_IN_AT] = time.time() - seconds
    session.save()


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


def test_a_fresh_sign_in_exports_at_once(world, client_for):
    client = client_for(world.sam_sw)
    response = client.get(reverse("child-chronology-csv", args=[world.amy.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")


@pytest.mark.parametrize("route", ["child-chronology-csv", "child-chronology-pdf", "child-break-glass"])
def test_an_old_sign_in_is_asked_to_confirm_then_sent_back(world, client_for, route):
    client = client_for(world.sam_sw)
    _age_sign_in(client)
    url = reverse(route, args=[world.amy.pk])
    response = client.get(url)
    confirm = reverse("confirm-identity")
    assert response.status_code == 302 and response["Location"] == f"{confirm}?next={quote(url, safe='')}"
    wrong = client.post(confirm, {"password": "not-my-password", "next": url})
    assert wrong.status_code == 400 and "Your password or security code is not right" in wrong.content.decode()
    assert AuditEvent.objects.filter(action="confirm_identity", outcome="denied", user_id=world.sam_sw.pk).exists()
    assert client.get(url).status_code == 302
    right = client.post(confirm, {"password": TEST_PASSWORD, "next": url})
    assert right.status_code == 302 and right["Location"] == url
    assert client.get(url).status_code == 200


def test_the_security_code_is_needed_when_the_user_has_an_authenticator(world, client_for):
    device = TOTPDevice.objects.create(user=world.sam_sw, name="Phone", confirmed=True)
    client = client_for(world.sam_sw)
    _age_sign_in(client)
    url = reverse("child-chronology-csv", args=[world.amy.pk])
    confirm = reverse("confirm-identity")
    page = client.get(confirm).content.decode()
    assert 'name="token"' in page
    missing = client.post(confirm, {"password": TEST_PASSWORD, "next": url})
    assert missing.status_code == 400 and "Enter the 6-digit code" in missing.content.decode()
    assert client.post(confirm, {"password": TEST_PASSWORD, "token": _code(device), "next": url})["Location"] == url
    assert client.get(url).status_code == 200


def test_confirming_never_redirects_off_site(world, client_for):
    client = client_for(world.sam_sw)
    response = client.post(reverse("confirm-identity"), {"password": TEST_PASSWORD, "next": "https://evil.example/"})
    assert response.status_code == 302 and not response["Location"].startswith("https://evil")
