"""The platform administrator's view of the newsroom, in Persian (the background tasks' admin
is the kernel's, core/admin.py).

What the admin may write, and why:
- Categories: added, renamed and removed here (no service owns them; a removed category leaves
  its releases without one).
- Releases: read only, every field. Writing them here would skip the workflow of
  services.py (permission checks, the audit log, the search index, the page cache, the
  scheduled publication, notifications); the back office does it.
- Tags: read only; a tag is created normalized by the services when a release names it, and
  renaming or removing one would break its page's address and its subscribers.
- Subscriptions: read, and removed on a person's request; never edited (a confirmed address
  is one its owner confirmed).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from ravabet.core import jalali
from ravabet.newsroom.models import (
    Category,
    Correction,
    Release,
    ReleaseAttachment,
    ReleaseImage,
    Subscription,
    Tag,
)


def _when(value: dt.datetime | None) -> str:
    return jalali.format_short_datetime(value) if value else "—"


class ReadOnlyAdmin(admin.ModelAdmin):
    """Seen, never added or changed here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.fields or ()

    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "release_count")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Category]:
        return super().get_queryset(request).annotate(releases=Count("release"))

    @admin.display(description="خبرها", ordering="releases")
    def release_count(self, obj: Any) -> str:
        return jalali.format_number(obj.releases)


@admin.register(Tag)
class TagAdmin(ReadOnlyAdmin):
    list_display = ("name", "release_count")
    search_fields = ("name",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Tag]:
        return super().get_queryset(request).annotate(release_total=Count("releases"))

    @admin.display(description="خبرها", ordering="release_total")
    def release_count(self, obj: Any) -> str:
        return jalali.format_number(obj.release_total)


class ImageInline(ReadOnlyInline):
    model = ReleaseImage
    fields = ("alt_text", "caption", "content_type", "size")
    verbose_name_plural = "تصویرها"


class AttachmentInline(ReadOnlyInline):
    model = ReleaseAttachment
    fields = ("title", "original_name", "content_type", "size")
    verbose_name_plural = "پیوست‌ها"


class CorrectionInline(ReadOnlyInline):
    model = Correction
    fields = ("note", "created_by", "created_at")
    verbose_name_plural = "اصلاحیه‌ها"


@admin.register(Release)
class ReleaseAdmin(ReadOnlyAdmin):
    list_display = ("headline", "agency", "kind", "status", "published", "created")
    list_filter = ("status", "kind", "category", "agency", "county")
    search_fields = ("headline", "kicker", "lead")
    list_select_related = ("agency",)
    show_full_result_count = True
    inlines = [ImageInline, AttachmentInline, CorrectionInline]
    fields = (
        "agency",
        "supporting_agencies",
        "kind",
        "status",
        "kicker",
        "headline",
        "lead",
        "body",
        "tags",
        "category",
        "county",
        "responds_to",
        "responds_to_url",
        "responds_to_title",
        "scheduled",
        "published",
        "withdrawn",
        "withdrawal_reason",
        "return_reason",
        "created_by",
        "created",
    )
    readonly_fields = fields

    @admin.display(description="زمان انتشار", ordering="published_at")
    def published(self, obj: Release) -> str:
        return _when(obj.published_at)

    @admin.display(description="زمان‌بندی انتشار", ordering="scheduled_for")
    def scheduled(self, obj: Release) -> str:
        return _when(obj.scheduled_for)

    @admin.display(description="زمان پس‌گرفتن", ordering="withdrawn_at")
    def withdrawn(self, obj: Release) -> str:
        return _when(obj.withdrawn_at)

    @admin.display(description="نوشته‌شده", ordering="created_at")
    def created(self, obj: Release) -> str:
        return _when(obj.created_at)


class ConfirmedFilter(admin.SimpleListFilter):
    title = "تأیید نشانی"
    parameter_name = "confirmed"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "تأییدشده"), ("no", "در انتظار تأیید")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.filter(confirmed_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(confirmed_at__isnull=True)
        return queryset


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ("email", "topic_name", "frequency", "confirmed", "created")
    list_filter = (ConfirmedFilter, "frequency", "agency")
    search_fields = ("email", "tag__name", "agency__name")
    list_select_related = ("agency", "tag")
    fields = ("email", "agency", "tag", "frequency", "confirmed", "last_digest", "created")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="موضوع")
    def topic_name(self, obj: Subscription) -> str:
        return obj.topic

    @admin.display(description="تأیید نشانی", ordering="confirmed_at")
    def confirmed(self, obj: Subscription) -> str:
        return _when(obj.confirmed_at) if obj.confirmed_at else "در انتظار تأیید"

    @admin.display(description="آخرین خلاصه", ordering="last_digest_at")
    def last_digest(self, obj: Subscription) -> str:
        return _when(obj.last_digest_at)

    @admin.display(description="ثبت", ordering="created_at")
    def created(self, obj: Subscription) -> str:
        return _when(obj.created_at)
