"""`openics check --deploy` refuses demo mode, sign-in without MFA, SQLite
and an audit trail without its own salt."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.checks import Error, registry

from openics.core.checks import check_production_settings


@pytest.fixture
def production(settings, monkeypatch):
    """Settings as production has them (the checks read only these)."""
    settings.DEMO_MODE = False
    settings.OPENICS_REQUIRE_MFA = True
    # Changed in place (and put back) rather than overridden: Django warns
    # against swapping DATABASES under a running test.
    monkeypatch.setitem(settings.DATABASES["default"], "ENGINE", "django.db.backends.postgresql")
    settings.OPENICS_AUDIT_SALT = "a-salt-of-its-own-for-the-audit-trail"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    return settings


def test_production_settings_pass(production):
    assert check_production_settings() == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"DEMO_MODE": True}, "openics.E001"),
        ({"OPENICS_REQUIRE_MFA": False}, "openics.E002"),
        ({"sqlite": True}, "openics.E003"),
        ({"OPENICS_AUDIT_SALT": ""}, "openics.E004"),
        ({"salt_from_secret": True}, "openics.E004"),
        ({"PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"]}, "openics.E005"),
    ],
)
def test_each_unsafe_setting_is_an_error(production, monkeypatch, change, expected):
    change = dict(change)
    if change.pop("sqlite", False):
        monkeypatch.setitem(production.DATABASES["default"], "ENGINE", "django.db.backends.sqlite3")
    if change.pop("salt_from_secret", False):
        production.OPENICS_AUDIT_SALT = production.SECRET_KEY[:16]
    for key, value in change.items():
        setattr(production, key, value)
    messages = check_production_settings()
    assert [m.id for m in messages] == [expected]
    assert all(isinstance(m, Error) and m.hint for m in messages)


def test_the_checks_run_only_with_deploy():
    deploy_ids = {m.id for m in registry.run_checks(include_deployment_checks=True, tags=["security"])}
    plain_ids = {m.id for m in registry.run_checks(include_deployment_checks=False, tags=["security"])}
    # Tests run on SQLite without a salt of their own: the deploy run says so, the ordinary one does not.
    assert "openics.E003" in deploy_ids or "openics.E004" in deploy_ids or "openics.E002" in deploy_ids
    assert not {i for i in plain_ids if i and i.startswith("openics.")}


def _check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("OPENICS_", "DATABASE_URL"))}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--tag", "security", "--fail-level", "WARNING"],
        env={**clean, "DJANGO_SETTINGS_MODULE": "openics.settings"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


PRODUCTION_ENV = {
    "OPENICS_SECRET_KEY": "check-deploy-a-long-random-looking-value-for-the-check-0123456789",
    "OPENICS_ALLOWED_HOSTS": "openics.example.org",
    "OPENICS_AUDIT_SALT": "check-deploy-salt",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
}


def test_the_production_environment_passes_check_deploy():
    """The variables `make check-deploy` sets give a clean security check."""
    result = _check_deploy(PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_demo_on_sqlite_fails_check_deploy():
    env = {**PRODUCTION_ENV, "OPENICS_DEMO": "1"}
    env.pop("DATABASE_URL")
    env.pop("OPENICS_AUDIT_SALT")
    result = _check_deploy(env)
    assert result.returncode != 0
    for check_id in ("openics.E001", "openics.E002", "openics.E003", "openics.E004"):
        assert check_id in result.stderr, result.stderr


def test_production_hasher_is_argon2id(production):
    from django.contrib.auth.hashers import make_password

    assert make_password("a long enough passphrase").startswith("argon2$argon2id$")
