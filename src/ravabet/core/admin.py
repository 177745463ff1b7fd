"""The platform administrator's view of the kernel's own concerns, in Persian: the background
tasks (django_tasks_db's admin, read only as the package has it, with Persian columns and
filters and Jalali times)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import apps
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from ravabet.core import jalali


def _when(value: dt.datetime | None) -> str:
    return jalali.format_short_datetime(value) if value else "—"


# --- Background tasks. django_tasks_db's own admin, columns and filters in Persian; its model's
# names stay the package's (changing them would be a migration of a package we do not own), so
# core/templates/admin/ names the model in Persian where the admin lists it.
TASK_STATUS = {
    "READY": "آمادهٔ اجرا",
    "RUNNING": "در حال اجرا",
    "FAILED": "ناموفق",
    "SUCCESSFUL": "انجام‌شده",
}


def _register_tasks_admin() -> None:
    if not apps.is_installed("django_tasks_db"):
        return
    from django_tasks_db.admin import DBTaskResultAdmin
    from django_tasks_db.models import DBTaskResult

    DBTaskResult._meta.app_config.verbose_name = "کارهای پس‌زمینه"

    class TaskStatusFilter(admin.SimpleListFilter):
        title = "وضعیت"
        parameter_name = "status"

        def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
            return list(TASK_STATUS.items())

        def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
            return queryset.filter(status=self.value()) if self.value() else queryset

    class TaskQueueFilter(admin.SimpleListFilter):
        title = "صف"
        parameter_name = "queue"

        def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
            names = DBTaskResult.objects.values_list("queue_name", flat=True).distinct()
            return [(name, name) for name in sorted(names)[:50]]

        def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
            return queryset.filter(queue_name=self.value()) if self.value() else queryset

    class PersianTaskResultAdmin(DBTaskResultAdmin):
        # The package's annotations fix the tuples' lengths and item types; ours differ.
        list_display = (  # type: ignore[assignment]
            "short_id",
            "task",
            "state",
            "enqueued",
            "started",
            "finished",
            "queue",
        )
        list_display_links = ("short_id", "task")
        list_filter = (TaskStatusFilter, TaskQueueFilter)  # type: ignore[assignment]
        search_fields = ("task_path",)
        show_full_result_count = True

        def changelist_view(
            self, request: HttpRequest, extra_context: dict[str, Any] | None = None
        ) -> Any:
            return super().changelist_view(request, {"title": "کارهای پس‌زمینه"})

        def change_view(
            self,
            request: HttpRequest,
            object_id: str,
            form_url: str = "",
            extra_context: dict[str, Any] | None = None,
        ) -> Any:
            return super().change_view(request, object_id, form_url, {"title": "کار پس‌زمینه"})

        def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
            return [
                "short_id",
                "task",
                "state",
                "enqueued",
                "started",
                "finished",
                "queue",
                "attempt_after",
                "arguments",
                "result",
                "error",
                "formatted_traceback",
            ]

        @admin.display(description="شناسه")
        def short_id(self, obj: Any) -> str:
            return str(obj.id)[:8]

        @admin.display(description="کار", ordering="task_path")
        def task(self, obj: Any) -> str:
            return str(obj.task_path).rsplit(".", 1)[-1]

        @admin.display(description="وضعیت", ordering="status")
        def state(self, obj: Any) -> str:
            return TASK_STATUS.get(obj.status, obj.status)

        @admin.display(description="در صف از", ordering="enqueued_at")
        def enqueued(self, obj: Any) -> str:
            return _when(obj.enqueued_at)

        @admin.display(description="آغاز", ordering="started_at")
        def started(self, obj: Any) -> str:
            return _when(obj.started_at)

        @admin.display(description="پایان", ordering="finished_at")
        def finished(self, obj: Any) -> str:
            return _when(obj.finished_at)

        @admin.display(description="صف", ordering="queue_name")
        def queue(self, obj: Any) -> str:
            return str(obj.queue_name)

        @admin.display(description="اجرا نه پیش از")
        def attempt_after(self, obj: Any) -> str:
            value = self.display_run_after(obj)
            return _when(value) if isinstance(value, dt.datetime) else "—"

        @admin.display(description="ورودی‌ها")
        def arguments(self, obj: Any) -> str:
            return str(obj.args_kwargs)

        @admin.display(description="نتیجه")
        def result(self, obj: Any) -> str:
            return "—" if obj.return_value is None else str(obj.return_value)

        @admin.display(description="خطا")
        def error(self, obj: Any) -> str:
            return str(obj.exception_class_path) or "—"

        @admin.display(description="ردِ خطا")
        def formatted_traceback(self, obj: Any) -> str:
            return super().formatted_traceback(obj)

    if admin.site.is_registered(DBTaskResult):
        admin.site.unregister(DBTaskResult)
    admin.site.register(DBTaskResult, PersianTaskResultAdmin)


_register_tasks_admin()
