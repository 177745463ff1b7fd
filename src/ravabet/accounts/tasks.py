"""The accounts' background work: the password-reset e-mail."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

SUBJECT_TEMPLATE = "accounts/password_reset_subject.txt"
BODY_TEMPLATE = "accounts/password_reset_email.txt"


@task()
def send_password_reset(user_id: int) -> bool:
    """The reset e-mail of one account, its one-time link made here in the worker (no token
    waits in the queue), absolute on RAVABET_BASE_URL. False when the account can no longer
    reset (inactive, no usable password, no address)."""
    from ravabet.accounts.forms import ResetRequestForm

    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    email = getattr(user, "email", "") if user is not None else ""
    if user is None or not email or not user.has_usable_password():
        return False
    context = {
        "email": email,
        "user": user,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
        "base_url": settings.RAVABET_BASE_URL,
        "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }
    ResetRequestForm().send_mail(SUBJECT_TEMPLATE, BODY_TEMPLATE, context, None, email)
    return True
