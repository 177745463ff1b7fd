"""Agencies, counties and who works for which agency in which role."""

from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "ravabet.agencies"
    label = "agencies"
    verbose_name = "دستگاه‌ها"
