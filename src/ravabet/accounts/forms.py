"""Login forms (the site's page and the admin's: rate limited and audited), the token form and
the password forms (change, reset request, new password) in Persian.

The limit and the audit live in the form's clean(), the one step every login view runs before it
logs a person in, so a new login page gets them by using one of these forms.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from ravabet.accounts import ratelimit
from ravabet.core import audit
from ravabet.core.forms import JalaliDateField
from ravabet.core.jalali import make_aware_local, to_local

BLOCKED_MESSAGE = "تلاش‌های ناموفق زیاد بود. پانزده دقیقهٔ دیگر دوباره امتحان کنید."


class RateLimitedLogin:
    """Mixin for an AuthenticationForm: refuse while blocked, count failures, audit every try."""

    request: HttpRequest | None
    data: Any
    user_cache: Any
    blocked = False

    def clean(self) -> dict[str, Any]:
        ip = audit.client_ip(self.request) or "unknown"
        username = str(self.data.get("username", ""))[:150]
        if ratelimit.is_blocked(ip, username):
            # Refused before the password is even checked: the right one does not help now.
            self.blocked = True
            with transaction.atomic():
                audit.record(
                    actor=None,
                    action="login_blocked",
                    data={"username": username},
                    request=self.request,
                )
            raise ValidationError(BLOCKED_MESSAGE, code="blocked")
        try:
            cleaned: dict[str, Any] = super().clean()  # type: ignore[misc]
        except ValidationError:
            self._failed(ip, username)
            raise
        if self.user_cache is None:  # a field was left empty: no password was checked
            self._failed(ip, username)
            return cleaned
        ratelimit.reset(ip, username)
        # A valid form is a login: both views log the person in right after clean().
        with transaction.atomic():
            audit.record(
                actor=self.user_cache, action="login", obj=self.user_cache, request=self.request
            )
        return cleaned

    def _failed(self, ip: str, username: str) -> None:
        ratelimit.register_failure(ip, username)
        with transaction.atomic():
            audit.record(
                actor=None, action="login_failed", data={"username": username}, request=self.request
            )


class LoginForm(RateLimitedLogin, AuthenticationForm):
    error_messages = {
        "invalid_login": "نام کاربری یا گذرواژه درست نیست. دوباره بنویسید.",
        "inactive": "این حساب غیرفعال است.",
    }


class AdminLoginForm(RateLimitedLogin, AdminAuthenticationForm):
    """The admin's login form (admin.site.login_form): staff accounts only."""

    error_messages = {
        "invalid_login": ("نام کاربری یا گذرواژه درست نیست، یا این حساب به بخش مدیریت راه ندارد."),
        "inactive": "این حساب غیرفعال است.",
    }


class TokenForm(forms.Form):
    """A new API token on the profile page: a name, optionally read-only and a last valid day."""

    name = forms.CharField(label="نام کلید", max_length=100, required=False)
    read_only = forms.BooleanField(label="فقط خواندن", required=False)
    expires_on = JalaliDateField(label="معتبر تا (اختیاری)", required=False)

    def clean_expires_on(self) -> dt.date | None:
        day: dt.date | None = self.cleaned_data.get("expires_on")
        if day is not None and day < to_local(timezone.now()).date():
            raise ValidationError("این تاریخ گذشته است؛ امروز یا روزی پس از آن را بنویسید.")
        return day

    def expires_at(self) -> dt.datetime | None:
        """The moment the key stops working: the end of the chosen day in Tehran."""
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        return make_aware_local(dt.datetime.combine(day, dt.time.max))


# --- passwords: change one's own, reset a forgotten one by e-mail ----------------------------

_NEW_PASSWORD_MESSAGES = {"password_mismatch": "دو گذرواژهٔ تازه یکی نیستند. دوباره بنویسید."}
_STRENGTH_HINT = "دست‌کم ۸ نویسه، نه فقط عدد، نه شبیه نام کاربری و نه از گذرواژه‌های رایج."


def _persian_new_password_fields(form: forms.Form) -> None:
    form.fields["new_password1"].label = "گذرواژهٔ تازه"
    form.fields["new_password1"].help_text = _STRENGTH_HINT
    form.fields["new_password2"].label = "تکرار گذرواژهٔ تازه"
    form.fields["new_password2"].help_text = ""
    for name in ("new_password1", "new_password2"):
        form.fields[name].widget.attrs.update({"dir": "ltr", "autocomplete": "new-password"})


class ChangePasswordForm(PasswordChangeForm):
    """A person changes their own password: the current one first."""

    error_messages = {
        **_NEW_PASSWORD_MESSAGES,
        "password_incorrect": "گذرواژهٔ کنونی درست نیست. دوباره بنویسید.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "گذرواژهٔ کنونی"
        self.fields["old_password"].widget.attrs.update({"dir": "ltr"})
        _persian_new_password_fields(self)

    def clean_old_password(self) -> str:
        if ratelimit.change_blocked(self.user.pk):
            raise ValidationError(BLOCKED_MESSAGE, code="blocked")
        try:
            return str(super().clean_old_password())
        except ValidationError:
            ratelimit.register_change_failure(self.user.pk)
            raise


class ResetRequestForm(PasswordResetForm):
    """The address a forgotten password's link goes to (nothing tells whether it is known)."""

    email = forms.EmailField(
        label="نشانی ایمیل",
        max_length=254,
        error_messages={
            "required": "نشانی ایمیل حساب خود را بنویسید.",
            "invalid": "این نشانی ایمیل درست نیست؛ مانند name@example.ir بنویسید.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "dir": "ltr"}),
    )


class NewPasswordForm(SetPasswordForm):
    """The new password, from the link in the reset e-mail."""

    error_messages = {**SetPasswordForm.error_messages, **_NEW_PASSWORD_MESSAGES}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _persian_new_password_fields(self)
