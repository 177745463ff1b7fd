"""People: log in and out (rate limited), profile, API tokens."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ravabet.accounts"
    label = "accounts"
    verbose_name = "حساب‌ها"
