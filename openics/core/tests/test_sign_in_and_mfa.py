"""Signing in takes a password and a TOTP code; repeated failures lock the
account; the session id changes at sign-in; signing out is a POST."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from openics.core.models import AuditEvent
from openics.core.testing import TEST_PASSWORD


@pytest.fixture(autouse=True)
def _mfa_on(settings):
    settings.OPENICS_REQUIRE_MFA = True


def _code(device: TOTPDevice, *, offset: int = 0) -> str:
    """The code an authenticator app shows now for this device."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + offset):0{device.digits}d}"


def _sign_in(client: Client, username: str, password: str = TEST_PASSWORD, next_url: str = ""):
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post("/sign-in/", data, secure=True)


def _child_url(world) -> str:
    return f"/children/{world.amy.pk}/"


def test_a_password_alone_reaches_no_child_until_a_new_app_is_set_up(world):
    client = Client()
    response = _sign_in(client, "sam_sw", next_url=_child_url(world))
    assert response.status_code == 302 and response["Location"].startswith("/mfa/verify/")
    assert AuditEvent.objects.filter(action="sign_in", user_id=world.sam_sw.pk).exists()

    # Half signed in: every page about children sends her to the second step.
    for url in (_child_url(world), "/my-work/", "/children/?q=Example", "/manage/"):
        response = client.get(url, secure=True)
        assert response.status_code == 302 and response["Location"].startswith("/mfa/verify/"), url

    # With no authenticator app yet, the second step is to set one up.
    response = client.get("/mfa/verify/", secure=True)
    assert response.status_code == 302 and response["Location"] == "/mfa/setup/"
    response = client.get("/mfa/setup/", secure=True)
    assert response.status_code == 200 and "data:image/svg+xml;base64," in response.content.decode()
    device = TOTPDevice.objects.get(user=world.sam_sw, confirmed=False)

    wrong = f"{(int(_code(device)) + 1) % 1_000_000:06d}"
    response = client.post("/mfa/setup/", {"token": wrong}, secure=True)
    assert response.status_code == 400
    assert "The code is not right" in response.content.decode()
    assert client.get(_child_url(world), secure=True).status_code == 302

    # django-otp makes a retry wait a second after a failure; skip the wait.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    response = client.post("/mfa/setup/", {"token": _code(device)}, secure=True)
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(_child_url(world), secure=True).status_code == 200


def test_a_known_app_is_asked_for_and_a_wrong_code_is_refused(world):
    device = TOTPDevice.objects.create(user=world.sam_sw, name="Phone", confirmed=True)
    client = Client()
    response = _sign_in(client, "sam_sw")
    assert response["Location"].startswith("/mfa/verify/")
    response = client.get("/mfa/setup/", secure=True)
    assert response.status_code == 302 and response["Location"] == "/mfa/verify/"

    response = client.post("/mfa/verify/", {"token": "000000" if _code(device) != "000000" else "111111"}, secure=True)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and "The code is not right" in page
    assert AuditEvent.objects.filter(action="mfa_verify", outcome="denied", user_id=world.sam_sw.pk).exists()
    assert client.get(_child_url(world), secure=True).status_code == 302

    # django-otp throttles after a failure; a fresh device state lets the
    # right code through at once, as a person retrying a moment later would.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    response = client.post("/mfa/verify/", {"token": _code(device), "next": _child_url(world)}, secure=True)
    assert response.status_code == 302 and response["Location"] == _child_url(world)
    assert client.get(_child_url(world), secure=True).status_code == 200
    # The same code cannot be used twice (replay).
    other = Client()
    _sign_in(other, "sam_sw")
    assert other.post("/mfa/verify/", {"token": _code(device)}, secure=True).status_code == 400


def test_an_empty_or_silly_code_gets_a_message_not_an_error(world):
    TOTPDevice.objects.create(user=world.sam_sw, name="Phone", confirmed=True)
    client = Client()
    _sign_in(client, "sam_sw")
    response = client.post("/mfa/verify/", {"token": ""}, secure=True)
    assert response.status_code == 400 and "Enter the 6-digit code" in response.content.decode()
    response = client.post("/mfa/verify/", {"token": "x" * 500}, secure=True)
    assert response.status_code == 400


def test_the_username_is_locked_after_repeated_failures(world, settings):
    limit = django_settings.AXES_FAILURE_LIMIT
    client = Client()
    for _ in range(limit - 1):
        response = _sign_in(client, "sam_sw", "not the password at all")
        assert response.status_code == 400
        assert "Enter a correct username and password" in response.content.decode()
    # The last permitted failure locks the account ...
    response = _sign_in(client, "sam_sw", "not the password at all")
    assert response.status_code in (400, 403, 429)
    # ... and now even the right password is refused, with a clear message.
    response = _sign_in(client, "sam_sw")
    assert response.status_code == 429
    page = response.content.decode()
    assert "There is a problem" in page and "This account is locked after too many failed sign-ins" in page
    assert "_auth_user_id" not in client.session
    # Another browser, another address: still locked, because it is the account that is locked.
    other = Client(REMOTE_ADDR="10.9.8.7")
    response = _sign_in(other, "sam_sw")
    assert response.status_code in (403, 429) and "_auth_user_id" not in other.session
    # Someone else's account is unaffected.
    assert _sign_in(Client(), "olu_other").status_code == 302

    # The system administrator sees the lock and lifts it; Sam signs in.
    # (Ada's own second factor is not what this test is about.)
    settings.OPENICS_REQUIRE_MFA = False
    admin = Client()
    admin.force_login(world.ada_admin)
    page = admin.get(f"/manage/staff/{world.sam_sw.pk}/", secure=True).content.decode()
    assert "Unlock sign-in" in page
    assert admin.post(f"/manage/staff/{world.sam_sw.pk}/unlock/", secure=True).status_code == 302
    settings.OPENICS_REQUIRE_MFA = True
    assert AuditEvent.objects.filter(action="admin_unlock", object_id=str(world.sam_sw.pk)).exists()
    response = _sign_in(Client(), "sam_sw")
    assert response.status_code == 302 and response["Location"].startswith("/mfa/verify/")


def test_the_session_id_changes_at_sign_in(world):
    client = Client()
    session = client.session
    session["before"] = "yes"
    session.save()
    before = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    assert _sign_in(client, "sam_sw").status_code == 302
    after = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    assert after and after != before
    assert client.session["_auth_user_id"] == str(world.sam_sw.pk)


def test_signing_out_is_post_only(world):
    device = TOTPDevice.objects.create(user=world.sam_sw, name="Phone", confirmed=True)
    client = Client()
    _sign_in(client, "sam_sw")
    client.post("/mfa/verify/", {"token": _code(device)}, secure=True)
    assert client.get("/my-work/", secure=True).status_code == 200

    # A link or an image cannot sign someone out (or be used to force it).
    assert client.get("/sign-out/", secure=True).status_code == 405
    assert client.get("/my-work/", secure=True).status_code == 200

    response = client.post("/sign-out/", secure=True)
    assert response.status_code == 302 and response["Location"] == "/sign-in/"
    response = client.get("/my-work/", secure=True)
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")
    assert AuditEvent.objects.filter(action="sign_out", user_id=world.sam_sw.pk).exists()
