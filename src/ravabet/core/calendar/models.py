"""Occasions and holidays on their Jalali dates, and the days of the week the offices work."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Python's weekday numbers (Monday 0 … Sunday 6): offices work Saturday to Wednesday.
DEFAULT_WORKING_WEEKDAYS = [5, 6, 0, 1, 2]


class Occasion(models.Model):
    """A day (or days) of the Jalali calendar: every year on its month and day, or in one year
    only (a lunar holiday moves through the solar year). A holiday closes the offices."""

    title = models.CharField(_("عنوان"), max_length=200)
    year = models.PositiveSmallIntegerField(
        _("سال (خورشیدی)"), null=True, blank=True, help_text=_("خالی: هر سال")
    )
    month = models.PositiveSmallIntegerField(_("ماه (خورشیدی)"))
    day = models.PositiveSmallIntegerField(_("روز"))
    length_days = models.PositiveSmallIntegerField(
        _("چند روز"), default=1, help_text=_("۷ برای یک هفته")
    )
    is_holiday = models.BooleanField(_("تعطیل رسمی"), default=False)
    description = models.TextField(_("توضیح"), blank=True)
    is_active = models.BooleanField(_("فعال"), default=True)

    class Meta:
        db_table = "core_occasion"
        ordering = ["month", "day"]
        verbose_name = _("مناسبت")
        verbose_name_plural = _("مناسبت‌ها")
        indexes = [models.Index(fields=["is_active", "year"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(month__gte=1) & Q(month__lte=12) & Q(day__gte=1) & Q(day__lte=31),
                name="calendar_occasion_jalali_day",
            ),
            models.CheckConstraint(
                condition=Q(length_days__gte=1) & Q(length_days__lte=31),
                name="calendar_occasion_length",
            ),
            models.CheckConstraint(
                condition=Q(year__isnull=True) | (Q(year__gte=1300) & Q(year__lte=1499)),
                name="calendar_occasion_year",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class WorkingWeek(models.Model):
    """The days the offices work (one row): the directorate sets it, answer clocks count it."""

    weekdays = models.JSONField(_("روزهای کاری"), default=list)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "core_workingweek"
        verbose_name = _("هفتهٔ کاری")
        verbose_name_plural = _("هفتهٔ کاری")

    def __str__(self) -> str:
        return "هفتهٔ کاری"
