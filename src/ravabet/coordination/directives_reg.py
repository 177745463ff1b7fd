"""What the directives give the whole, from AppConfig.ready() (through registrations.py):
file access to attachments, the search source, the daily reminders, the home's to-do card,
the indicator «بخشنامه‌های تأییدشده در مهلت» and the audit labels."""

from __future__ import annotations

from collections.abc import Iterator

from ravabet.core import registry, search
from ravabet.core.audit import register_labels


def _documents() -> Iterator[search.Document]:
    from ravabet.coordination.models import Directive
    from ravabet.coordination.services.directives import directive_document

    for directive in Directive.objects.order_by("pk").iterator(chunk_size=500):
        yield directive_document(directive)


def _count() -> int:
    from ravabet.coordination.models import Directive

    return Directive.objects.count()


def register() -> None:
    from ravabet.coordination import media
    from ravabet.coordination.models import Directive
    from ravabet.coordination.selectors import directives as selectors
    from ravabet.coordination.services.directives import DIRECTIVE_SCOPE

    media.register()
    registry.register_search_source(
        DIRECTIVE_SCOPE, "directives (بخشنامه‌ها)", documents=_documents, count=_count
    )
    registry.register_periodic_task("ravabet.coordination.tasks.remind_directives", at="08:00")
    registry.register_dashboard_card(
        "coordination.directives", "بخشنامه‌ها", selectors.directives_todo_lists, order=150
    )
    registry.register_indicator(
        registry.Indicator(
            key="coordination.directives_on_time",
            label="بخشنامه‌های تأییدشده در مهلت",
            unit="٪",
            higher_is_better=True,
            compute=selectors.directives_on_time,
            order=800,
            min_volume=3,
            description=(
                "از بخشنامه‌هایی که در این دوره به دستگاه ابلاغ شده (بی‌لغوشده‌ها)، سهم آن‌هایی"
                " که مدیر روابط عمومی دستگاه دریافتشان را تا پایان مهلت تأیید (چند روز کاری پس"
                " از ابلاغ، بی‌تعطیلی‌ها) تأیید کرده است."
            ),
        )
    )
    register_labels(
        actions={
            "directive.create": "نوشتن پیش‌نویس بخشنامه",
            "directive.update": "ویرایش پیش‌نویس بخشنامه",
            "directive.issue": "ابلاغ بخشنامه",
            "directive.revoke": "لغو بخشنامه",
            "directive.attachment_add": "افزودن پیوست بخشنامه",
            "directive.attachment_remove": "حذف پیوست بخشنامه",
            "directive.open": "باز کردن بخشنامه (رسید خواندن)",
            "directive.acknowledge": "تأیید دریافت بخشنامه",
            "directive.report": "گزارش اقدام بخشنامه",
            "directive.report_update": "اصلاح گزارش اقدام بخشنامه",
            "directive.remind": "یادآوری بخشنامه",
        },
        states={value: str(label) for value, label in Directive.Status.choices},
    )
