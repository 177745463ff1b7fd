"""Shared Django pieces: base templates, Jalali dates, audit log, permissions, the calendar."""

from importlib import import_module

from django.apps import AppConfig

# Models of the kernel's parts that live beside `core/models.py` rather than in it. Imported here
# and not from `core/models.py`: the calendar records audit entries, and the audit imports
# `core.models`, so `core.models` importing the calendar back would be a cycle (import-linter).
PART_MODELS = ("ravabet.core.calendar.models",)


class CoreConfig(AppConfig):
    name = "ravabet.core"
    label = "core"
    verbose_name = "هسته"

    def import_models(self) -> None:
        super().import_models()
        for module in PART_MODELS:
            import_module(module)

    def ready(self) -> None:
        from ravabet.core import registry
        from ravabet.core.audit import register_labels
        from ravabet.core.uploads import checks  # noqa: F401 (registers the system checks)

        register_labels(
            actions={
                "occasion.create": "افزودن مناسبت",
                "occasion.edit": "ویرایش مناسبت",
                "occasion.delete": "حذف مناسبت",
                "calendar.working_week": "تعیین هفتهٔ کاری",
                "personal_data.export": "برون‌بری اطلاعات شخصی شهروند",
                "personal_data.anonymize": "ناشناس‌سازی اطلاعات شخصی پس از مدت نگه‌داری",
            },
            states={},
        )
        # Citizens' personal data past its retention period, anonymized once a day.
        registry.register_periodic_task(
            "ravabet.core.personal_data.anonymize_expired_task", at="03:30"
        )
        # Jobs a killed worker abandoned, enqueued again once (core/recovery.py).
        registry.register_periodic_task("ravabet.core.recovery.recover_abandoned_tasks", every=60)
