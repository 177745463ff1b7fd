"""Writes to the calendar: an occasion or holiday saved or deleted, the working week set. The
directorate's alone (`permissions.can_edit_occasions`), audited, and the pages that show the
calendar are told (`PUBLIC_TOPIC`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from ravabet.core import audit, jalali, pagecache, permissions, validation
from ravabet.core.calendar.models import Occasion, WorkingWeek
from ravabet.persian import dates as pdates
from ravabet.persian import normalize

# The page-cache topic of every page that shows occasions or holidays.
PUBLIC_TOPIC = "calendar"
ONLY_DIRECTORATE = "تقویم مناسبت‌ها و تعطیلات با روابط عمومی استانداری است."
MAX_TITLE, MAX_DESCRIPTION = 200, 2_000


@dataclass
class OccasionInput:
    title: str
    month: int
    day: int
    length_days: int = 1
    description: str = ""
    is_active: bool = True
    is_holiday: bool = False
    year: int | None = None  # None: every year

    def check(self) -> None:
        errors: dict[str, list[str]] = {}
        try:
            validation.check_texts(
                [
                    ("title", self.title, "عنوان", MAX_TITLE),
                    ("description", self.description, "توضیح", MAX_DESCRIPTION),
                ]
            )
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if "title" not in errors and not normalize(self.title).strip():
            errors["title"] = ["عنوان مناسبت را بنویسید."]
        if self.year is not None and not jalali.FIRST_YEAR <= self.year <= jalali.LAST_YEAR:
            errors["year"] = [jalali.OUT_OF_RANGE_MESSAGE]
        if not 1 <= self.month <= 12:
            errors["month"] = ["ماه باید میان ۱ (فروردین) و ۱۲ (اسفند) باشد."]
        else:
            longest = 31 if self.month <= 6 else 30
            if self.year is not None and "year" not in errors:
                longest = pdates.month_length(self.year, self.month)
            if not 1 <= self.day <= longest:
                errors["day"] = [
                    f"{pdates.MONTHS[self.month - 1]} {jalali.format_number(longest)} روز دارد."
                ]
        if not 1 <= self.length_days <= 31:
            errors["length_days"] = ["مناسبت میان ۱ تا ۳۱ روز است."]
        if errors:
            raise ValidationError(errors)


def _changed() -> None:
    transaction.on_commit(lambda: pagecache.bump(PUBLIC_TOPIC))


@permissions.guarded(permissions.can_edit_occasions, message=ONLY_DIRECTORATE)
def occasion_save(
    *,
    actor: Any,
    data: OccasionInput,
    occasion: Occasion | None = None,
    request: HttpRequest | None = None,
) -> Occasion:
    data.check()
    permissions.require(permissions.can_edit_occasions(actor), ONLY_DIRECTORATE)
    with transaction.atomic():
        if occasion is None:
            occasion = Occasion()
            action = "occasion.create"
        else:
            occasion = Occasion.objects.select_for_update().get(pk=occasion.pk)
            action = "occasion.edit"
        occasion.title = normalize(data.title).strip()
        occasion.year = data.year
        occasion.month, occasion.day = data.month, data.day
        occasion.length_days = data.length_days
        occasion.description = normalize(data.description).strip()
        occasion.is_active = data.is_active
        occasion.is_holiday = data.is_holiday
        occasion.save()
        audit.record(actor=actor, action=action, obj=occasion, request=request)
        _changed()
    return occasion


@permissions.guarded(permissions.can_edit_occasions, message=ONLY_DIRECTORATE)
def occasion_delete(*, actor: Any, occasion: Occasion, request: HttpRequest | None = None) -> None:
    permissions.require(permissions.can_edit_occasions(actor), ONLY_DIRECTORATE)
    with transaction.atomic():
        audit.record(actor=actor, action="occasion.delete", obj=occasion, request=request)
        Occasion.objects.filter(pk=occasion.pk).delete()
        _changed()


@permissions.guarded(permissions.can_edit_occasions, message=ONLY_DIRECTORATE)
def working_week_save(
    *, actor: Any, weekdays: list[int], request: HttpRequest | None = None
) -> WorkingWeek:
    """Set the days the offices work (Python weekday numbers, Monday 0)."""
    days = sorted({int(d) for d in weekdays if 0 <= int(d) <= 6})
    if not days:
        raise ValidationError({"weekdays": "دست‌کم یک روز کاری در هفته برگزینید."})
    permissions.require(permissions.can_edit_occasions(actor), ONLY_DIRECTORATE)
    with transaction.atomic():
        week = WorkingWeek.objects.select_for_update().order_by("pk").first() or WorkingWeek()
        before = list(week.weekdays or [])
        week.weekdays = days
        week.save()
        audit.record(
            actor=actor,
            action="calendar.working_week",
            obj=week,
            data={"from": before, "to": days},
            request=request,
        )
        _changed()
    return week
