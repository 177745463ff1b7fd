"""Log in (rate limited and audited), log out, the person's own page with API tokens, and
passwords: change one's own, reset a forgotten one by e-mail (rate limited, audited)."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import admin, messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from ravabet.accounts import ratelimit, tasks
from ravabet.accounts.forms import (
    ChangePasswordForm,
    LoginForm,
    NewPasswordForm,
    ResetRequestForm,
    TokenForm,
)
from ravabet.core import audit
from ravabet.core.organisation import selectors as agency_selectors
from ravabet.core.tokens import services as api_services


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
    # The form counts failures, refuses while blocked and writes the audit entries.
    if request.method == "POST" and form.is_valid():
        login(request, form.get_user())
        return redirect(_next_url(request))
    blocked = form.blocked
    return render(
        request,
        "accounts/login.html",
        {
            "form": LoginForm(request) if blocked else form,
            "blocked": blocked,
            "next": request.POST.get("next") or request.GET.get("next", ""),
        },
        status=429 if blocked else 200,
    )


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin's own login page with the admin's form (AdminLoginForm): 429 while blocked."""
    response = admin.site.login(request)
    form = (getattr(response, "context_data", None) or {}).get("form")
    if getattr(form, "blocked", False):
        response.status_code = 429
    return response


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        with transaction.atomic():
            audit.record(actor=request.user, action="logout", obj=request.user, request=request)
    logout(request)
    messages.info(request, "از سامانه خارج شدید.")
    return redirect("newsroom:home")


@login_required
@never_cache  # the answer that shows a new key must stay in no cache (Cache-Control: no-store)
def profile(request: HttpRequest) -> HttpResponse:
    # The new key only ever lives in this one response: not in the session, not in a message.
    new_key = ""
    token_form = TokenForm()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create_token":
            token_form = TokenForm(request.POST)
            if token_form.is_valid():
                _, new_key = api_services.token_create(
                    actor=request.user,
                    name=token_form.cleaned_data["name"],
                    read_only=token_form.cleaned_data["read_only"],
                    expires_at=token_form.expires_at(),
                    request=request,
                )
                token_form = TokenForm()
                messages.success(
                    request,
                    "کلید تازه ساخته شد. آن را اکنون نگه دارید؛ دوباره نشان داده نمی‌شود.",
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
            "token_form": token_form,
        },
    )


# --- passwords ------------------------------------------------------------------------------


class PasswordChange(auth_views.PasswordChangeView):
    """A person changes their own password (the current one first); audited, and the
    session stays logged in."""

    form_class = ChangePasswordForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        with transaction.atomic():
            audit.record(
                actor=form.user, action="password.change", obj=form.user, request=self.request
            )
        messages.success(self.request, "گذرواژهٔ شما تغییر کرد.")
        return response


class PasswordReset(auth_views.PasswordResetView):
    """A forgotten password: a link by e-mail to the address, if it is an active account's.
    The answer is the same whether or not it is, and as quick: the e-mail is written and sent
    by a task after the commit. Requests are limited per address and per IP."""

    form_class = ResetRequestForm
    template_name = "accounts/password_reset.html"
    success_url = reverse_lazy("accounts:password_reset_sent")

    def form_valid(self, form: Any) -> HttpResponse:
        email = form.cleaned_data["email"]
        ip = audit.client_ip(self.request) or "unknown"
        if not ratelimit.reset_request_allowed(ip, email):
            return self.render_to_response(
                self.get_context_data(form=form, blocked=True), status=429
            )
        with transaction.atomic():
            for user in form.get_users(email):
                audit.record(
                    actor=None, action="password.reset_request", obj=user, request=self.request
                )
                transaction.on_commit(partial(tasks.send_password_reset.enqueue, user.pk))
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetSent(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    """The link from the e-mail: a new password, once (the link stops working after)."""

    form_class = NewPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        with transaction.atomic():
            audit.record(
                actor=form.user, action="password.reset", obj=form.user, request=self.request
            )
        return response


class PasswordResetComplete(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


password_change = PasswordChange.as_view()
password_reset = PasswordReset.as_view()
password_reset_sent = PasswordResetSent.as_view()
password_reset_confirm = PasswordResetConfirm.as_view()
password_reset_complete = PasswordResetComplete.as_view()
