"""How API clients sign in: a token (for systems) or the browser session.

The token scheme comes first so that an unauthenticated request gets 401
with `WWW-Authenticate: Token` rather than a bare 403.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.authentication import SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from openics.core.admin_actions import hash_api_key
from openics.core.models import ApiToken


class TokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Token <key>`, issued with `openics api_token <username>`.

    Only the key's SHA-256 is stored, so the lookup is by hash.  An expired
    or revoked key, or one whose holder was disabled, is refused at once.
    """

    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Give the token after the word Token, with no spaces in it."))
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("That token is not valid.")) from None
        token = ApiToken.objects.live().select_related("user").filter(key_hash=hash_api_key(key)).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("That token is not valid, has expired or was revoked."))
        now = timezone.now()
        # Written at most once a minute: a busy client should not turn every
        # read into a write.
        if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class VerifiedSessionAuthentication(authentication.SessionAuthentication):
    """The browser session, but only once the second factor has been passed.

    The MFA middleware lets `/api/` through (a token client has no second
    factor to show), so the session check here stops a half-signed-in
    browser from reading records through the API instead of the pages.
    """

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        result = super().authenticate(request)
        if result is None:
            return None
        user = result[0]
        if settings.OPENICS_REQUIRE_MFA and not getattr(user, "is_verified", lambda: False)():
            return None
        return result


class VerifiedSessionScheme(SessionScheme):
    """Describes the session scheme in the OpenAPI schema."""

    target_class = "openics.api.authentication.VerifiedSessionAuthentication"


class TokenScheme(OpenApiAuthenticationExtension):
    """Describes the token scheme in the OpenAPI schema."""

    target_class = "openics.api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "apiKey", "in": "header", "name": "Authorization", "description": "Token <key>"}
