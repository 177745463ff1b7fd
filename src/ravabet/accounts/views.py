"""Log in (rate limited and audited), log out, and the person's own page with API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from ravabet.accounts import ratelimit
from ravabet.core import audit
from ravabet.core.organisation import selectors as agency_selectors
from ravabet.core.tokens import services as api_services


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "نام کاربری یا گذرواژه درست نیست. دوباره بنویسید.",
        "inactive": "این حساب غیرفعال است.",
    }


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url("core:backoffice")


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_next_url(request))
    form = LoginForm(request, data=request.POST or None)
    status = 200
    blocked = False
    if request.method == "POST":
        ip = audit.client_ip(request) or "unknown"
        username = request.POST.get("username", "")[:150]
        if ratelimit.is_blocked(ip, username):
            with transaction.atomic():
                audit.record(
                    actor=None, action="login_blocked", data={"username": username}, request=request
                )
            form = LoginForm(request)
            blocked = True
            status = 429
        elif form.is_valid():
            user = form.get_user()
            with transaction.atomic():
                login(request, user)
                audit.record(actor=user, action="login", obj=user, request=request)
            ratelimit.reset(ip, username)
            return redirect(_next_url(request))
        else:
            ratelimit.register_failure(ip, username)
            with transaction.atomic():
                audit.record(
                    actor=None, action="login_failed", data={"username": username}, request=request
                )
    return render(
        request,
        "accounts/login.html",
        {
            "form": form,
            "blocked": blocked,
            "next": request.POST.get("next") or request.GET.get("next", ""),
        },
        status=status,
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        with transaction.atomic():
            audit.record(actor=request.user, action="logout", obj=request.user, request=request)
    logout(request)
    messages.info(request, "از سامانه خارج شدید.")
    return redirect("newsroom:home")


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    new_key = ""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create_token":
            _, new_key = api_services.token_create(
                actor=request.user, name=request.POST.get("name", ""), request=request
            )
            messages.success(
                request, "کلید تازه ساخته شد. آن را اکنون نگه دارید؛ دوباره نشان داده نمی‌شود."
            )
        elif action == "revoke_token":
            api_services.token_revoke(
                actor=request.user, token_id=request.POST.get("token_id", ""), request=request
            )
            messages.info(request, "کلید باطل شد.")
            return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {
            "memberships": agency_selectors.membership_list_for(request.user),
            "tokens": api_services.token_list(user=request.user),
            "new_key": new_key,
        },
    )
