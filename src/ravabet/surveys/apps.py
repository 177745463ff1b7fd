"""Needs assessment: surveys of the public and of the network, their results, and the needs
report that joins them with what people ask the citizen desk and what the media say."""

from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "ravabet.surveys"
    label = "surveys"
    verbose_name = "نیازسنجی و نظرسنجی"

    def ready(self) -> None:
        from ravabet.surveys import personal

        personal.register()  # citizens' personal data: export, retention (core/personal_data.py)
        from ravabet.core import registry
        from ravabet.core.audit import register_labels
        from ravabet.surveys import api, demo, indicators, needs
        from ravabet.surveys.models import Survey

        registry.register_demo_loader(
            "surveys",
            "a published public survey with ~500 responses, an open one, a network survey",
            demo.load,
            order=500,
        )
        registry.register_router("surveys", api.router)
        registry.register_needs_source("surveys", "نظرسنجی‌ها", needs.survey_evidence, order=10)
        registry.register_periodic_task("ravabet.surveys.tasks.drop_stale_drafts", every=3600)
        indicators.register()
        register_labels(
            actions={
                "survey.create": "ساخت نظرسنجی",
                "survey.edit": "ویرایش نظرسنجی",
                "survey.open": "انتشار نظرسنجی",
                "survey.close": "بستن نظرسنجی",
                "survey.reopen": "بازگشایی نظرسنجی",
                "survey.delete": "حذف پیش‌نویس نظرسنجی",
                "survey.question_archive": "بایگانی پرسش پاسخ‌داده",
                "survey.results_publish": "انتشار نتایج نظرسنجی",
                "survey.results_unpublish": "برداشتن نتایج از پورتال",
                "survey.export": "برون‌بری پاسخ‌های نظرسنجی",
            },
            states={f"{v}": str(label) for v, label in Survey.State.choices},
        )
