"""Sign in, second factor (TOTP), sign out."""

from __future__ import annotations

import base64
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit
from .forms import ConfirmIdentityForm, MFAForm, SignInForm
from .reauth import mark_confirmed


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return str(settings.LOGIN_REDIRECT_URL)


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        user = authenticate(request, username=form.cleaned_data["username"], password=form.cleaned_data["password"])
        if user is not None and user.is_active:
            # login() cycles the session id (no session fixation).
            login(request, user)
            audit.record("sign_in", user=user)
            if settings.OPENICS_REQUIRE_MFA:
                return redirect(f"/mfa/verify/?next={_next_url(request)}")
            return redirect(_next_url(request))
        # Same words whether the user exists, is locked out, or mistyped.
        form.add_error(None, _("Enter a correct username and password. Accounts lock after repeated failures."))
        audit.record_denial("sign_in", object_type="auth.user", detail={"reason": "credentials"})
        status = 400
    elif form.errors:
        status = 400
    return render(request, "core/sign_in.html", {"form": form, "next": _next_url(request)}, status=status)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit.record("sign_out", user=request.user)
    logout(request)
    return redirect("login")


@login_required
@require_http_methods(["GET", "POST"])
def mfa_verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("mfa-setup")
    form = MFAForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["token"].strip())
        if device is not None:
            otp_login(request, device)
            audit.record("mfa_verify", user=user)
            return redirect(_next_url(request))
        form.add_error("token", _("The code is not right: enter the current code from your app"))
        audit.record_denial("mfa_verify", user=user)
    return render(
        request, "core/mfa_verify.html", {"form": form, "next": _next_url(request)}, status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def confirm_identity(request: HttpRequest) -> HttpResponse:
    """Confirm it's you before an export or another high-risk action: the
    password, and the security code when the user has an authenticator.
    Failures count towards the account's lockout like a failed sign-in."""
    user = request.user
    with_code = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    form = ConfirmIdentityForm(request.POST or None, with_code=with_code)
    if request.method == "POST" and form.is_valid():
        password_ok = (
            authenticate(request, username=user.get_username(), password=form.cleaned_data["password"]) is not None
        )
        code_ok = not with_code or match_token(user, form.cleaned_data["token"].strip()) is not None
        if password_ok and code_ok:
            mark_confirmed(request)
            audit.record("confirm_identity", user=user)
            return redirect(_next_url(request))
        form.add_error(None, _("Your password or security code is not right. Accounts lock after repeated failures."))
        audit.record_denial("confirm_identity", user=user)
    return render(
        request,
        "core/confirm_identity.html",
        {"form": form, "next": _next_url(request)},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def mfa_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the code, then prove it works."""
    user = request.user
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists() and not request.user.is_verified():  # type: ignore[union-attr]
        return redirect("mfa-verify")
    device, _created = TOTPDevice.objects.get_or_create(user=user, confirmed=False, defaults={"name": "Authenticator"})
    form = MFAForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            audit.record("mfa_enrol", user=user)
            messages.success(request, _("Your authenticator app is set up"))
            return redirect(_next_url(request))
        form.add_error("token", _("The code is not right: enter the current code from your app"))
    qr = segno.make(device.config_url, micro=False)
    svg = base64.b64encode(qr.svg_inline(scale=4).encode()).decode()
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "core/mfa_setup.html",
        {"form": form, "qr_data_uri": f"data:image/svg+xml;base64,{svg}", "secret": secret},
        status=400 if form.errors else 200,
    )


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """django-axes' answer once an account is locked: the sign-in page with a
    message saying so, rather than a bare line of text."""
    form = SignInForm(request.POST or None)
    form.is_valid()
    minutes = int(settings.AXES_COOLOFF_TIME * 60)
    form.add_error(
        None,
        _(
            "This account is locked after too many failed sign-ins. Try again in %(minutes)d minutes, "
            "or ask your system administrator to unlock it."
        )
        % {"minutes": minutes},
    )
    return render(request, "core/sign_in.html", {"form": form, "next": _next_url(request)}, status=429)
