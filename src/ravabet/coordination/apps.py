"""Coordination, plans and performance: directives with read receipts, the annual
communications plan, indicators and the ranking of PR offices, the dashboards."""

from django.apps import AppConfig


class CoordinationConfig(AppConfig):
    name = "ravabet.coordination"
    label = "coordination"
    verbose_name = "هماهنگی، برنامه و ارزیابی"

    def ready(self) -> None:
        from ravabet.coordination import registrations

        registrations.register()
