"""Shared Django pieces: base templates, Jalali dates, audit log, permissions."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ravabet.core"
    label = "core"
    verbose_name = "هسته"

    def ready(self) -> None:
        from ravabet.core.uploads import checks  # noqa: F401 (registers the system checks)
