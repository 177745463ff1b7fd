"""Media monitoring against the narrative war: feeds in, duplicates collapsed, tone per agency."""

from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "ravabet.monitoring"
    label = "monitoring"
    verbose_name = "پایش رسانه‌ها"

    def ready(self) -> None:
        from ravabet.core import registry
        from ravabet.core.audit import register_labels
        from ravabet.monitoring import demo

        registry.register_demo_loader(
            "monitoring", "news sources and the Fars corpus's 1,500 articles", demo.load, order=400
        )
        registry.register_periodic_task("ravabet.monitoring.tasks.poll_due_sources", every=60)
        register_labels(
            actions={"watch.create": "ساخت پایش رسانه‌ای", "watch.update": "ویرایش پایش رسانه‌ای"},
            states={},
        )
