"""The API tokens' app (label ``api``, kept from before it moved into the kernel)."""

from django.apps import AppConfig


class TokensConfig(AppConfig):
    name = "ravabet.core.tokens"
    label = "api"
    verbose_name = "کلیدهای API"
