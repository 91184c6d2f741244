"""Deployment checks: `openics check --deploy` refuses settings that would
put real children's records at risk.

Django's own deploy checks cover HTTPS, cookies and the secret key; these
cover what is particular to OpenICS.  They are errors, not warnings: a
production server must not start the wrong way by accident.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register


@register(Tags.security, deploy=True)
def check_production_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Demo mode off, MFA on, PostgreSQL, and a salt of its own for the audit trail."""
    errors: list[CheckMessage] = []
    if settings.DEMO_MODE:
        errors.append(
            Error(
                "Demo mode is on (OPENICS_DEMO): it prints passwords and lets people sign in without a second factor.",
                hint="Unset OPENICS_DEMO in production.",
                id="openics.E001",
            )
        )
    if not settings.OPENICS_REQUIRE_MFA:
        errors.append(
            Error(
                "Two-factor sign-in is not required (OPENICS_REQUIRE_MFA is off).",
                hint="Unset OPENICS_REQUIRE_MFA or set it to 1: every user needs a second factor.",
                id="openics.E002",
            )
        )
    engine = settings.DATABASES.get("default", {}).get("ENGINE", "")
    if "sqlite" in engine:
        errors.append(
            Error(
                "The database is SQLite: the audit trail is not protected by triggers and writers queue.",
                hint="Set DATABASE_URL to a PostgreSQL database (postgres://user:password@host:5432/name).",
                id="openics.E003",
            )
        )
    salt = getattr(settings, "OPENICS_AUDIT_SALT", "")
    # Without its own value the salt falls back to part of the secret key,
    # which then cannot be rotated without breaking "same place" in the trail.
    if not salt or salt == settings.SECRET_KEY[:16]:
        errors.append(
            Error(
                "The audit salt is not set (OPENICS_AUDIT_SALT).",
                hint="Set OPENICS_AUDIT_SALT to a long random value, kept like the secret key and never changed.",
                id="openics.E004",
            )
        )
    # Tests swap in a fast hasher; production must hash with Argon2id.
    if not settings.PASSWORD_HASHERS or not settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher"):
        errors.append(
            Error(
                "Passwords are not hashed with Argon2.",
                hint="Put django.contrib.auth.hashers.Argon2PasswordHasher first in PASSWORD_HASHERS.",
                id="openics.E005",
            )
        )
    return errors
