"""Two-factor sign-in and the session warning's "stay signed in"."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import twofactor
from accounts.forms import TwoFactorCodeForm, TwoFactorSetupForm
from accounts.http import AuthenticatedHttpRequest
from accounts.middleware import LAST_SEEN, session_deadlines, two_factor_exempt
from core.http import bound_data
from trail.models import Event
from trail.services import record


def _next_url(request: AuthenticatedHttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def _to(name: str, request: AuthenticatedHttpRequest) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse(name)}?{urlencode({'next': _next_url(request)})}")


@two_factor_exempt
@require_http_methods(["GET", "POST"])
def two_factor(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Second step of signing in: a code from the authenticator app, or a recovery code."""
    if request.user.is_verified():
        return HttpResponseRedirect(_next_url(request))
    if not twofactor.has_confirmed_device(request.user):
        return _to("accounts:two-factor-setup", request)
    form = TwoFactorCodeForm(bound_data(request), user=request.user)
    if request.method == "POST":
        if form.is_valid():
            otp_login(request, form.device)
            if isinstance(form.device, StaticDevice):
                record(action=Event.Action.RECOVERY_CODE_USED, request=request)
            return HttpResponseRedirect(_next_url(request))
        record(action=Event.Action.TWO_FACTOR_FAILED, request=request)
    return render(request, "accounts/two_factor.html", {"form": form, "next": _next_url(request)})


@two_factor_exempt
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Set up an authenticator app. The secret travels in a signed form field: nothing is stored on GET."""
    if request.user.is_verified():
        return HttpResponseRedirect(_next_url(request))
    if twofactor.has_confirmed_device(request.user):
        return _to("accounts:two-factor", request)
    if request.method == "POST":
        form = TwoFactorSetupForm(bound_data(request))
        if form.is_valid():
            key = form.cleaned_data["key"]
            codes = twofactor.confirm_device(request.user, key)
            device = TOTPDevice.objects.get(user=request.user, confirmed=True)
            otp_login(request, device)
            record(action=Event.Action.TWO_FACTOR_SET_UP, request=request)
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "next": _next_url(request)},
            )
        key = twofactor.key_from_setup_token(request.POST.get("setup_token", ""))
        if key is None:
            key, token = twofactor.new_setup_token()
            form = TwoFactorSetupForm({"setup_token": token, "code": request.POST.get("code", "")})
            form.is_valid()
            form.errors.pop("setup_token", None)
    else:
        key, token = twofactor.new_setup_token()
        form = TwoFactorSetupForm(initial={"setup_token": token})
    uri = twofactor.provisioning_uri(request.user, key)
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": twofactor.qr_svg(uri),
            "secret": twofactor.secret_for_people(key),
            "next": _next_url(request),
        },
    )


@require_POST
def session_extend(request: AuthenticatedHttpRequest) -> HttpResponse:
    """'Stay signed in' from the timeout warning: counts as activity."""
    request.session[LAST_SEEN] = int(time.time())
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"idle_seconds_left": session_deadlines(request)["idle"]})
    return HttpResponseRedirect(_next_url(request))


@require_http_methods(["GET"])
def session_status(request: AuthenticatedHttpRequest) -> JsonResponse:
    """Seconds left, so a page left open in a tab can warn at the right time. Reading it is not activity."""
    return JsonResponse({**session_deadlines(request), "warning": settings.SESSION_TIMEOUT_WARNING})
