"""Surveys' shared fixtures: a survey with one question of every kind, built straight through
the models (the builder's services are tested on their own in test_builder*.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from ravabet.surveys.models import Option, Question, Section, Survey

# One question of each kind, in the order they appear: (kind, text, options or None).
KINDS: list[tuple[str, str, list[str] | None]] = [
    ("single", "خبرهای دولتی را بیشتر از کجا می‌گیرید؟", ["تلویزیون", "پیام‌رسان‌ها", "سایت‌ها"]),
    ("multiple", "از کدام شبکه‌ها استفاده می‌کنید؟", ["ایتا", "بله", "روبیکا", "تلگرام"]),
    ("likert", "اطلاع‌رسانی دستگاه‌ها به‌موقع است.", None),
    ("rating5", "به پاسخ‌گویی روابط عمومی چه امتیازی می‌دهید؟", None),
    ("rating10", "احتمال این‌که سامانه را به دیگران پیشنهاد کنید؟", None),
    ("number", "چند سال دارید؟", None),
    ("short_text", "شهر محل زندگی", None),
    ("long_text", "مهم‌ترین پرسش شما از دستگاه‌ها چیست؟", None),
    ("date", "آخرین بار کی به یک دستگاه مراجعه کردید؟", None),
    ("ranking", "این موضوعات را به ترتیب اهمیت مرتب کنید.", ["آب", "راه", "سلامت"]),
    ("matrix", "چقدر موافقید؟", None),
]
MATRIX_ROWS = ["پاسخ‌ها روشن است", "پاسخ‌ها به‌موقع است"]
MATRIX_COLUMNS = ["کم", "متوسط", "زیاد"]


def make_survey(
    agency: Any,
    *,
    actor: Any = None,
    title: str = "نظرسنجی شیوهٔ دریافت اخبار دولتی",
    audience: str = Survey.Audience.PUBLIC,
    state: str = Survey.State.OPEN,
    kinds: list[str] | None = None,
    sections: int = 1,
    **extra: Any,
) -> Survey:
    """A survey of `agency` with the questions of `kinds` (default: every kind, in KINDS's
    order) spread over `sections` sections in turn; open now unless `state` says otherwise.
    Numbers range 0–120; the matrix has MATRIX_ROWS × MATRIX_COLUMNS."""
    now = timezone.now()
    fields: dict[str, Any] = {
        "agency": agency,
        "title": title,
        "audience": audience,
        "state": state,
        "anonymous": audience == Survey.Audience.PUBLIC,
        "created_by": actor,
        "opens_at": now - dt.timedelta(days=1),
        "closes_at": now + dt.timedelta(days=30),
        "published_at": now - dt.timedelta(days=1) if state != Survey.State.DRAFT else None,
    }
    fields.update(extra)
    survey = Survey.objects.create(**fields)
    parts = [
        Section.objects.create(survey=survey, position=i, title=f"بخش {i + 1}")
        for i in range(sections)
    ]
    wanted = [k for k in KINDS if kinds is None or k[0] in kinds]
    for n, (kind, text, options) in enumerate(wanted):
        question = Question.objects.create(
            survey=survey,
            section=parts[n % sections],
            position=n,
            kind=kind,
            text=text,
            required=kind not in ("long_text", "date"),
            allow_other=kind == "single",
            min_value=0 if kind == "number" else None,
            max_value=120 if kind == "number" else None,
        )
        for i, label in enumerate(options or []):
            Option.objects.create(question=question, position=i, label=label)
        if kind == "matrix":
            for i, label in enumerate(MATRIX_ROWS):
                Option.objects.create(
                    question=question, role=Option.Role.ROW, position=i, label=label
                )
            for i, label in enumerate(MATRIX_COLUMNS):
                Option.objects.create(
                    question=question, role=Option.Role.COLUMN, position=i, label=label
                )
    return survey


@pytest.fixture
def survey(world: Any) -> Survey:
    """The directorate's open public survey with one question of every kind, one section."""
    return make_survey(world.directorate, actor=world.directorate_staff)
