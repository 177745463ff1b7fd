"""Events: meetings of the PR network from invitation to the last resolution done."""

from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "ravabet.events"
    label = "events"
    verbose_name = "رویدادها و جلسات"

    def ready(self) -> None:
        from ravabet.events import personal

        personal.register()  # citizens' personal data: export, retention (core/personal_data.py)
        from ravabet.core import registry
        from ravabet.core.audit import register_labels
        from ravabet.events import demo, indicators, media
        from ravabet.events.api import router
        from ravabet.events.models import Event, Resolution

        registry.register_demo_loader(
            "events",
            "the seed's network meeting, events, resolutions, occasions (kernel calendar)",
            demo.load,
            order=200,
        )
        registry.register_router("events", router)
        registry.register_periodic_task("ravabet.events.tasks.send_event_reminders", every=900)
        registry.register_periodic_task(
            "ravabet.events.tasks.notify_overdue_resolutions", at="08:00"
        )
        media.register()
        indicators.register()
        register_labels(
            actions={
                "event.create": "ساخت رویداد",
                "event.update": "ویرایش رویداد",
                "event.cancel": "لغو رویداد",
                "event.minutes": "ثبت صورت‌جلسه",
                "event.agenda": "افزودن بند دستور جلسه",
                "event.agenda_remove": "حذف بند دستور جلسه",
                "event.document": "افزودن سند رویداد",
                "event.document_remove": "حذف سند رویداد",
                "registration.create": "ثبت‌نام در رویداد",
                "registration.cancel": "لغو ثبت‌نام",
                "registration.attend": "ثبت حضور",
                "registration.absent": "برداشتن حضور",
                "resolution.create": "ثبت مصوبه",
                "resolution.edit": "ویرایش مصوبه",
                "resolution.report": "گزارش پیشرفت مصوبه",
                "resolution.overdue": "یادآوری مصوبهٔ معوق",
            },
            states={
                **{f"{v}": str(label) for v, label in Event.Status.choices},
                **{f"{v}": str(label) for v, label in Resolution.Status.choices},
            },
        )
