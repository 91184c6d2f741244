"""Sessions end after 15 minutes idle and 12 hours in all; pages carry the
headers that keep them out of caches and frames, and HTTPS is enforced."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from openics.core.testing import TEST_PASSWORD

IDLE = dt.timedelta(minutes=15)
ABSOLUTE = dt.timedelta(hours=12)


def _session_row(client: Client) -> Session:
    return Session.objects.get(session_key=client.cookies[django_settings.SESSION_COOKIE_NAME].value)


def _signed_in(world) -> Client:
    client = Client()
    client.force_login(world.sam_sw)
    assert client.get("/my-work/", secure=True).status_code == 200
    return client


def test_the_limits_are_fifteen_minutes_idle_and_twelve_hours_in_all():
    assert IDLE.total_seconds() == django_settings.SESSION_COOKIE_AGE
    # Renewed at most once a minute, so the idle limit holds to the minute.
    assert django_settings.OPENICS_SESSION_RENEW_SECONDS <= 60
    assert ABSOLUTE.total_seconds() == django_settings.OPENICS_SESSION_ABSOLUTE_SECONDS


def test_each_request_renews_the_idle_limit(world):
    client = _signed_in(world)
    row = _session_row(client)
    # Ten minutes idle: still inside the limit ...
    _seen_ago(client, 10 * 60)
    Session.objects.filter(pk=row.pk).update(expire_date=timezone.now() + dt.timedelta(minutes=5))
    assert client.get("/my-work/", secure=True).status_code == 200
    # ... and that request pushed the end back to 15 minutes from now.
    renewed = _session_row(client).expire_date
    assert abs((renewed - timezone.now()) - IDLE) < dt.timedelta(seconds=30)


def test_fifteen_minutes_idle_ends_the_session(world):
    client = _signed_in(world)
    row = _session_row(client)
    # The last request was 15 minutes and a second ago.
    Session.objects.filter(pk=row.pk).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get(f"/children/{world.amy.pk}/", secure=True)
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


def _seen_ago(client: Client, seconds: float) -> None:
    session = client.session
    session["openics_seen_at"] = time.time() - seconds
    session.save()


def test_idle_limit_is_enforced_by_the_server_not_only_the_cookie(world):
    client = _signed_in(world)
    _seen_ago(client, IDLE.total_seconds() - 60)
    assert client.get("/my-work/", secure=True).status_code == 200
    _seen_ago(client, IDLE.total_seconds() + 1)
    response = client.get(f"/children/{world.amy.pk}/", secure=True)
    assert response.status_code == 302 and response["Location"].startswith("/sign-in")


def test_a_busy_session_is_not_rewritten_on_every_request(world):
    client = _signed_in(world)
    before = _session_row(client).expire_date
    client.get("/my-work/", secure=True)
    # Seen less than a minute ago: no session write, so the expiry is unchanged.
    assert _session_row(client).expire_date == before


def test_the_twelve_hours_start_at_sign_in(world):
    client = Client()
    assert client.post("/sign-in/", {"username": "sam_sw", "password": TEST_PASSWORD}, secure=True).status_code == 302
    started = client.session["openics_signed_in_at"]
    assert abs(started - time.time()) < 30


def _signed_in_ago(client: Client, seconds: float) -> None:
    session = client.session
    session["openics_signed_in_at"] = time.time() - seconds
    session.save()


def test_twelve_hours_ends_the_session_however_busy(world):
    client = _signed_in(world)
    _signed_in_ago(client, ABSOLUTE.total_seconds() - 60)
    assert client.get("/my-work/", secure=True).status_code == 200

    _signed_in_ago(client, ABSOLUTE.total_seconds() + 1)
    response = client.get("/my-work/", secure=True)
    assert response.status_code == 302 and response["Location"].startswith("/sign-in")
    # The session itself is gone, not just this one answer.
    response = client.get(f"/children/{world.amy.pk}/", secure=True)
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")
    assert "_auth_user_id" not in client.session


def test_signed_in_pages_are_not_stored_and_cannot_be_framed(world, client_for):
    client = client_for(world.sam_sw)
    for url in ("/my-work/", f"/children/{world.amy.pk}/", f"/children/{world.amy.pk}/chronology.csv"):
        response = client.get(url, secure=True)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
        assert response["X-Frame-Options"] == "DENY", url
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"], url
        assert response["X-Content-Type-Options"] == "nosniff", url
    csp = client.get("/my-work/", secure=True)["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "object-src 'none'" in csp


def test_the_sign_in_page_cannot_be_framed_either():
    response = Client().get("/sign-in/", secure=True)
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_session_cookies_are_secure_httponly_and_samesite(world):
    client = Client()
    response = client.post("/sign-in/", {"username": "sam_sw", "password": TEST_PASSWORD}, secure=True)
    assert response.status_code == 302
    cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"


@pytest.mark.parametrize(("hsts_seconds", "expected"), [(31536000, True), (0, False)])
def test_hsts_follows_the_secure_settings(settings, hsts_seconds, expected):
    settings.SECURE_HSTS_SECONDS = hsts_seconds
    response = Client().get("/sign-in/", secure=True)
    assert ("Strict-Transport-Security" in response) is expected
    if expected:
        assert "max-age=31536000" in response["Strict-Transport-Security"]
        assert "includeSubDomains" in response["Strict-Transport-Security"]


def test_plain_http_is_sent_to_https(settings):
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get("/sign-in/")
    assert response.status_code == 301 and response["Location"].startswith("https://")


def _settings_under(env: dict[str, str]) -> dict[str, str]:
    """Read the settings a deployment would get from these variables."""
    code = (
        "import django, json; from django.conf import settings; "
        "print(json.dumps({k: str(getattr(settings, k)) for k in "
        "['SECURE_HSTS_SECONDS', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_SSL_REDIRECT', "
        "'OPENICS_REQUIRE_MFA', 'DEMO_MODE']}))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("OPENICS_", "DATABASE_URL"))}
    clean.update({"DJANGO_SETTINGS_MODULE": "openics.settings", **env})
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], env=clean, capture_output=True, text=True, check=True, timeout=60
    )
    import json

    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_production_defaults_turn_https_and_mfa_on():
    values = _settings_under({"OPENICS_SECRET_KEY": "x" * 60})
    assert values["SECURE_HSTS_SECONDS"] == "31536000"
    assert values["SESSION_COOKIE_SECURE"] == "True" and values["CSRF_COOKIE_SECURE"] == "True"
    assert values["SECURE_SSL_REDIRECT"] == "True"
    assert values["OPENICS_REQUIRE_MFA"] == "True" and values["DEMO_MODE"] == "False"


def test_demo_mode_is_what_turns_them_off():
    values = _settings_under({"OPENICS_DEMO": "1"})
    assert values["SECURE_HSTS_SECONDS"] == "0" and values["SESSION_COOKIE_SECURE"] == "False"
    assert values["OPENICS_REQUIRE_MFA"] == "False" and values["DEMO_MODE"] == "True"
