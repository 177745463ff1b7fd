"""Forms of the calendar's back office: they parse and show, and build the services' inputs.

Every limit and refusal is the service's (`services.OccasionInput.check()`, the empty week of
`working_week_save`): its ValidationError is keyed by these forms' field names, so the view puts
it beside the field it concerns.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import ProhibitNullCharactersValidator

from ravabet.core.calendar import services
from ravabet.core.calendar.models import Occasion
from ravabet.persian import dates as pdates
from ravabet.persian import normalize, to_latin_digits

# Numbers typed with Persian or Latin digits: a text box, since a browser's number box refuses
# the Persian digits of a Persian keyboard.
NUMBER = forms.TextInput(attrs={"dir": "ltr", "inputmode": "numeric", "autocomplete": "off"})
# The days of the week as an Iranian calendar prints them, Saturday first (Python's numbers).
WEEK_ORDER = (5, 6, 0, 1, 2, 3, 4)
WEEKDAY_CHOICES = [(day, pdates.WEEKDAYS[day]) for day in WEEK_ORDER]


class Number(forms.IntegerField):
    """A whole number in Persian, Arabic or Latin digits («۱۴۰۵», «١٤٠٥», «1405»)."""

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str):
            value = to_latin_digits(normalize(value)).strip()
        result: int | None = super().to_python(value)
        return result


def _text(**kwargs: Any) -> forms.CharField:
    """Text the service checks (length and characters, with its Persian message), not Django."""
    field = forms.CharField(**kwargs)
    field.validators = [
        v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)
    ]
    return field


class OccasionForm(forms.Form):
    title = _text(
        label="عنوان",
        error_messages={"required": "«عنوان» را بنویسید."},
        widget=forms.TextInput(attrs={"maxlength": str(services.MAX_TITLE)}),
    )
    year = Number(
        label="سال (خورشیدی)",
        required=False,
        help_text="خالی: هر سال در همین روز؛ برای مناسبت‌های قمری سال را بنویسید، مانند ۱۴۰۵.",
        error_messages={"invalid": "سال را به عدد بنویسید، مانند ۱۴۰۵؛ یا خالی بگذارید."},
        widget=NUMBER,
    )
    month = forms.TypedChoiceField(
        label="ماه",
        coerce=int,
        choices=[(i + 1, name) for i, name in enumerate(pdates.MONTHS)],
        error_messages={"invalid_choice": "ماه را از فهرست برگزینید."},
    )
    day = Number(
        label="روز",
        min_value=1,
        max_value=31,
        error_messages={
            "required": "روز ماه را بنویسید.",
            "invalid": "روز را به عدد بنویسید.",
            "min_value": "روز ماه میان ۱ و ۳۱ است.",
            "max_value": "روز ماه میان ۱ و ۳۱ است.",
        },
        widget=NUMBER,
    )
    length_days = Number(
        label="چند روز",
        min_value=1,
        max_value=31,
        initial=1,
        help_text="۷ برای یک هفته",
        error_messages={
            "required": "تعداد روزها را بنویسید.",
            "invalid": "تعداد روزها را به عدد بنویسید.",
            "min_value": "مناسبت میان ۱ تا ۳۱ روز است.",
            "max_value": "مناسبت میان ۱ تا ۳۱ روز است.",
        },
        widget=NUMBER,
    )
    is_holiday = forms.BooleanField(
        label="تعطیل رسمی",
        required=False,
        help_text="ادارات بسته‌اند؛ مهلت‌های روز کاری این روز را نمی‌شمارند.",
    )
    description = _text(label="توضیح", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    is_active = forms.BooleanField(label="فعال", required=False, initial=True)

    def to_input(self) -> services.OccasionInput:
        d = self.cleaned_data
        return services.OccasionInput(
            title=d["title"],
            year=d["year"],
            month=d["month"],
            day=d["day"],
            length_days=d["length_days"],
            is_holiday=d["is_holiday"],
            description=d["description"],
            is_active=d["is_active"],
        )

    @staticmethod
    def initial_for(occasion: Occasion) -> dict[str, Any]:
        return {
            "title": occasion.title,
            "year": occasion.year,
            "month": occasion.month,
            "day": occasion.day,
            "length_days": occasion.length_days,
            "is_holiday": occasion.is_holiday,
            "description": occasion.description,
            "is_active": occasion.is_active,
        }


class WorkingWeekForm(forms.Form):
    """The days the offices work: seven boxes, Saturday first. None ticked is the service's
    refusal, shown beside the boxes."""

    weekdays = forms.TypedMultipleChoiceField(
        label="روزهای کاری",
        coerce=int,
        choices=WEEKDAY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "روز هفته را از فهرست برگزینید."},
    )
