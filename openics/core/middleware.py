"""Request-wide security: session limits, MFA, no-store, audit context."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from . import audit

Handler = Callable[[HttpRequest], HttpResponse]

# Pages a signed-in user without a verified second factor may still reach.
MFA_EXEMPT_PREFIXES = ("/sign-in", "/sign-out", "/mfa/", "/static/", "/healthz", "/api/")


SIGNED_IN_AT = "openics_signed_in_at"
SEEN_AT = "openics_seen_at"


def mark_signed_in(sender: object, request: HttpRequest, user: object, **kwargs: object) -> None:
    """Starts the 12-hour clock at sign-in itself (the `user_logged_in` signal)."""
    now = time.time()
    request.session[SIGNED_IN_AT] = now
    request.session[SEEN_AT] = now


class SessionLimitsMiddleware:
    """Ends a session after 15 minutes without a request, 12 hours after
    sign-in whatever the activity, and at once when the user is disabled.

    The session is re-saved (pushing its expiry back) at most once a minute
    rather than on every request: saving it each time cost three queries on
    every page.  The idle limit is enforced here from the last time seen, so
    it holds to the minute whatever the cookie says.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            session = request.session
            started = session.get(SIGNED_IN_AT)
            seen = session.get(SEEN_AT)
            if started is not None and now - started > settings.OPENICS_SESSION_ABSOLUTE_SECONDS:
                logout(request)
                return redirect(settings.LOGIN_URL)
            if seen is not None and now - seen > settings.SESSION_COOKIE_AGE:
                logout(request)
                return redirect(settings.LOGIN_URL)
            if started is None:
                session[SIGNED_IN_AT] = now
            if seen is None or now - seen >= settings.OPENICS_SESSION_RENEW_SECONDS:
                session[SEEN_AT] = now
        return self.get_response(request)


class RequireMFAMiddleware:
    """Outside demo mode, a signed-in user must have passed a TOTP check
    before reaching any page about children."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            settings.OPENICS_REQUIRE_MFA
            and user is not None
            and user.is_authenticated
            and not user.is_verified()  # type: ignore[union-attr]
            and not request.path.startswith(MFA_EXEMPT_PREFIXES)
        ):
            return redirect("mfa-verify")
        return self.get_response(request)


class NoStoreMiddleware:
    """Nothing a signed-in user sees is kept by the browser or a proxy."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
        return response


class AuditContextMiddleware:
    """Puts 'from where' (a salted hash of address and session) where the
    audit trail can read it."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        address = request.META.get("REMOTE_ADDR", "")
        session_key = request.session.session_key or "" if hasattr(request, "session") else ""
        token = audit.current_context.set(audit.AuditContext(source_hash=audit.hash_source(address, session_key)))
        try:
            return self.get_response(request)
        finally:
            audit.current_context.reset(token)
