"""Form fields taking Jalali dates (Persian or Latin digits), giving dates or aware datetimes."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from ravabet.core import jalali
from ravabet.persian import dates as pdates
from ravabet.persian import normalize, to_latin_digits

_TIME = re.compile(r"^(?P<date>.+?)(?:[\s،,T]+(?:ساعت\s*)?(?P<h>\d{1,2})[:٫.](?P<m>\d{2}))?$")


class JalaliDateInput(forms.TextInput):
    """Shows a stored date as «۱۴۰۴/۰۲/۳۰»."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base = {"placeholder": "۱۴۰۴/۰۲/۳۰", "dir": "ltr", "autocomplete": "off"}
        super().__init__({**base, **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, dt.date):
            return jalali.format_short(value)
        return super().format_value(value)


class JalaliDateTimeInput(JalaliDateInput):
    """Shows a stored moment as «۱۴۰۴/۰۲/۳۰ ۱۰:۰۰» in Tehran time."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"placeholder": "۱۴۰۴/۰۲/۳۰ ۱۰:۰۰", **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, dt.datetime):
            return jalali.format_short_datetime(value)
        return super().format_value(value)


class JalaliDateField(forms.Field):
    widget = JalaliDateInput
    default_error_messages = {
        "invalid": "تاریخ را به شکل ۱۴۰۴/۰۲/۳۰ یا «۳۰ اردیبهشت ۱۴۰۴» بنویسید.",
        "out_of_range": jalali.OUT_OF_RANGE_MESSAGE,
    }

    def to_python(self, value: Any) -> dt.date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, dt.date):
            day = value
        else:
            try:
                day = pdates.parse_jalali_date(normalize(str(value)))
            except pdates.NonexistentDate as exc:
                message = f"{exc} {self.error_messages['invalid']}"
                raise ValidationError(message, code="nonexistent_day") from exc
            except ValueError as exc:
                raise ValidationError(self.error_messages["invalid"], code="invalid") from exc
        if not jalali.in_supported_range(day):
            raise ValidationError(self.error_messages["out_of_range"], code="out_of_range")
        return day


class JalaliDateTimeField(forms.Field):
    """Date and wall-clock time in Tehran; the result is aware (stored as UTC)."""

    widget = JalaliDateTimeInput
    default_error_messages = {
        "invalid": "تاریخ و ساعت را به شکل ۱۴۰۴/۰۲/۳۰ ۱۰:۰۰ بنویسید.",
        "invalid_time": "ساعت باید بین ۰۰:۰۰ و ۲۳:۵۹ باشد.",
        "nonexistent": jalali.NONEXISTENT_MESSAGE,
        "out_of_range": jalali.OUT_OF_RANGE_MESSAGE,
    }

    def to_python(self, value: Any) -> dt.datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            if not jalali.in_supported_range(value):
                raise ValidationError(self.error_messages["out_of_range"], code="out_of_range")
            return value
        text = to_latin_digits(" ".join(str(value).split()))
        match = _TIME.match(text)
        if not match:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            day = pdates.parse_jalali_date(match["date"])
        except pdates.NonexistentDate as exc:
            message = f"{exc} {self.error_messages['invalid']}"
            raise ValidationError(message, code="nonexistent_day") from exc
        except ValueError as exc:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from exc
        if not jalali.in_supported_range(day):
            raise ValidationError(self.error_messages["out_of_range"], code="out_of_range")
        hour, minute = int(match["h"] or 0), int(match["m"] or 0)
        if hour > 23 or minute > 59:
            raise ValidationError(self.error_messages["invalid_time"], code="invalid_time")
        try:
            return jalali.make_aware_local(dt.datetime.combine(day, dt.time(hour, minute)))
        except jalali.NonexistentLocalTime as exc:
            raise ValidationError(self.error_messages["nonexistent"], code="nonexistent") from exc
