"""Media monitoring against the narrative war: feeds in, duplicates collapsed, tone per agency."""

from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "ravabet.monitoring"
    label = "monitoring"
    verbose_name = "پایش رسانه‌ها"

    def ready(self) -> None:
        from ravabet.core import registry
        from ravabet.core.audit import register_labels
        from ravabet.monitoring import alerts, demo, indicators, selectors
        from ravabet.monitoring.api import router

        registry.register_demo_loader(
            "monitoring", "news sources and the Fars corpus's 1,500 articles", demo.load, order=400
        )
        for task, timing in (
            ("ravabet.monitoring.tasks.poll_due_sources", {"every": 60}),
            # Articles whose after-commit steps a failure or a killed worker left undone.
            ("ravabet.monitoring.tasks.settle_pending", {"every": 600}),
            ("ravabet.monitoring.alerts.check_alerts", {"every": 900}),
            ("ravabet.monitoring.tone.retrain_classifier", {"at": "03:30"}),
            ("ravabet.monitoring.narratives.rebuild_narratives", {"at": "04:00"}),
            # Drafts at 07:00 for editors to pick, drop and summarise; what is unsent goes at 09:00.
            ("ravabet.monitoring.bulletins.build_daily_bulletins", {"at": "07:00"}),
            ("ravabet.monitoring.bulletins.send_daily_bulletins", {"at": "09:00"}),
        ):
            registry.register_periodic_task(task, **timing)
        registry.register_router("monitoring", router)
        indicators.register()
        registry.register_needs_source("monitoring", "رسانه‌ها", selectors.needs_evidence, order=30)
        registry.register_dashboard_card(
            "monitoring", "پایش رسانه‌ها", alerts.dashboard_figures, order=400
        )
        register_labels(
            actions={
                "watch.create": "ساخت پایش رسانه‌ای",
                "watch.update": "ویرایش پایش رسانه‌ای",
                "source.create": "افزودن منبع خبری",
                "source.update": "ویرایش منبع خبری",
                "mention.label": "برچسب لحن بازتاب",
                "tone_term.create": "افزودن واژهٔ لحن",
                "tone_term.update": "ویرایش واژهٔ لحن",
                "tone_term.delete": "حذف واژهٔ لحن",
                "tone.retrain": "آموزش دوبارهٔ دسته‌بند لحن",
                "narratives.rebuild": "ساخت دوبارهٔ روایت‌ها",
                "alert.acknowledge": "دیدن هشدار رسانه‌ای",
                "bulletin.build": "ساخت بولتن خبری",
                "bulletin.update": "ویرایش بولتن خبری",
                "bulletin.send": "ارسال بولتن خبری",
            },
            states={},
        )
