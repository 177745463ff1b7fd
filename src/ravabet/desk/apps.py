"""The citizen desk: people ask, agencies answer in time, and the figures are public."""

from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "ravabet.desk"
    label = "desk"
    verbose_name = "پیشخوان مردمی"

    def ready(self) -> None:
        from ravabet.desk import personal

        personal.register()  # citizens' personal data: export, retention (core/personal_data.py)
        from ravabet.core import registry
        from ravabet.core.audit import register_labels
        from ravabet.desk import api, demo, indicators, media, selectors
        from ravabet.desk.models import Status

        registry.register_demo_loader(
            "desk",
            "~300 citizens' messages with answers, ratings and reopenings",
            demo.load,
            order=300,
        )
        registry.register_dashboard_card(
            "desk", "پیام‌های مردمی", selectors.dashboard_figures, order=200
        )
        registry.register_periodic_task("ravabet.desk.tasks.check_clocks", every=900)
        registry.register_needs_source("desk", "پیشخوان مردمی", selectors.needs_evidence, order=20)
        registry.register_router("desk", api.router)
        media.register()
        indicators.register()
        register_labels(
            actions={
                "message.receive": "دریافت پیام مردمی",
                "message.assign": "سپردن پیام به کارشناس",
                "message.note": "یادداشت داخلی پیام",
                "message.answer": "پاسخ به پیام مردمی",
                "message.rate": "ارزیابی پاسخ از سوی شهروند",
                "message.reopen": "بازگشایی پیام از سوی شهروند",
                "message.transfer_request": "درخواست ارجاع پیام",
                "message.transfer_refuse": "رد درخواست ارجاع",
                "message.route": "ارجاع پیام به دستگاه",
                "message.merge": "ادغام پیام تکراری",
                "message.spam": "هرزنامه شمردن پیام",
                "message.contact_view": "دیدن اطلاعات تماس شهروند",
                "message.attachment_view": "دیدن پیوست پیام شهروند",
                "desk.sla": "تعیین مهلت پاسخ",
                "desk.template": "ذخیرهٔ پاسخ آماده",
                "desk.template_delete": "حذف پاسخ آماده",
                "desk.escalate": "گزارش پیام‌های معوق به استانداری",
            },
            states={f"{v}": str(label) for v, label in Status.choices},
        )
