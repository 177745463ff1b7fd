"""Media monitoring against the narrative war: feeds in, duplicates collapsed, tone per agency."""

from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "ravabet.monitoring"
    label = "monitoring"
    verbose_name = "پایش رسانه‌ها"

    def ready(self) -> None:
        from ravabet.core import registry

        registry.register_periodic_task("ravabet.monitoring.tasks.poll_due_sources", every=60)
