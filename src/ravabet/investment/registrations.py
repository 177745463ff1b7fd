"""What investment gives the whole, from AppConfig.ready(): file access (media.py), the demo
loader, the API router, search documents, audit labels, dashboard cards."""

from __future__ import annotations

from ravabet.core import registry
from ravabet.core.audit import register_labels
from ravabet.investment.models import Status


def register() -> None:
    from ravabet.investment import api, demo, media, selectors

    media.register()
    registry.register_dashboard_card(
        "investment", "فرصت‌های سرمایه‌گذاری", selectors.todo_lists, order=400
    )
    registry.register_demo_loader(
        "investment",
        "30 opportunities across sectors and counties, 6 support programmes, inquiries",
        demo.load,
        order=600,
    )
    registry.register_router("investment", api.router)
    register_labels(
        actions={
            "opportunity.create": "ساخت فرصت سرمایه‌گذاری",
            "opportunity.edit": "ویرایش فرصت سرمایه‌گذاری",
            "opportunity.submit": "فرستادن فرصت برای تأیید",
            "opportunity.return": "بازگرداندن فرصت به نویسنده",
            "opportunity.approve": "تأیید فرصت",
            "opportunity.publish": "انتشار فرصت در فهرست استان",
            "opportunity.archive": "بایگانی فرصت",
            "opportunity.restore": "بازگرداندن فرصت بایگانی‌شده به پیش‌نویس",
            "opportunity.document_add": "افزودن سند به فرصت",
            "opportunity.document_remove": "حذف سند فرصت",
            "opportunity.image_add": "افزودن تصویر به فرصت",
            "opportunity.image_remove": "حذف تصویر فرصت",
            "programme.create": "ساخت حمایت",
            "programme.edit": "ویرایش حمایت",
            "programme.submit": "فرستادن حمایت برای تأیید",
            "programme.return": "بازگرداندن حمایت به نویسنده",
            "programme.approve": "تأیید حمایت",
            "programme.publish": "انتشار حمایت",
            "programme.archive": "بایگانی حمایت",
            "programme.restore": "بازگرداندن حمایت بایگانی‌شده به پیش‌نویس",
            "inquiry.outcome": "ثبت نتیجهٔ درخواست سرمایه‌گذار",
        },
        states={value: str(label) for value, label in Status.choices},
    )
