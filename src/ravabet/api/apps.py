"""The JSON API at /api/v1/ (django-ninja); each app contributes its router."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "ravabet.api"
    label = "api"
    verbose_name = "API"
