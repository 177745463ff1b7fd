"""Agencies' pages: the public directory, an agency's page and its back office."""

from django.apps import AppConfig


class AgencyPagesConfig(AppConfig):
    name = "ravabet.agencies"
    label = "agency_pages"
    verbose_name = "صفحه‌های دستگاه‌ها"

    def ready(self) -> None:
        from ravabet.agencies.api import router
        from ravabet.core import registry

        registry.register_router("agencies", router, order=10)
