"""Re-authentication before exports and other high-risk actions.

A sign-in, or a confirmation on the "Confirm it's you" page, counts as
recent for `OPENICS_REAUTH_SECONDS` (5 minutes by default).  Views that
export a child's data or open what is normally hidden are wrapped in
`recent_authentication_required`; after that time they send the user to
confirm their password (and their security code when they have an
authenticator) and then back to where they were.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from .middleware import SIGNED_IN_AT

CONFIRMED_AT = "openics_confirmed_at"


def recently_authenticated(request: HttpRequest) -> bool:
    session = request.session
    last = max(session.get(SIGNED_IN_AT) or 0, session.get(CONFIRMED_AT) or 0)
    return time.time() - last <= settings.OPENICS_REAUTH_SECONDS


def mark_confirmed(request: HttpRequest) -> None:
    request.session[CONFIRMED_AT] = time.time()


def recent_authentication_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Send a user whose last authentication is too old to confirm it first.

    Put it under `login_required`: an anonymous user signs in, which counts.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not recently_authenticated(request):
            target = request.get_full_path() if request.method == "GET" else request.path
            return redirect(f"{reverse('confirm-identity')}?{urlencode({'next': target})}")
        return view(request, *args, **kwargs)

    return wrapper
