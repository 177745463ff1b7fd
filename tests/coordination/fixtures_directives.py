"""Helpers of the directives' tests: a directive drafted and issued through the services."""

from __future__ import annotations

from typing import Any

from ravabet.coordination.models import Directive
from ravabet.coordination.services import directives as services

SUBJECT = "پوشش خبری هفتهٔ دولت در روابط عمومی دستگاه‌های اجرایی"
TEXT = (
    "به پیوست برنامهٔ هفتهٔ دولت ابلاغ می‌شود. روابط عمومی‌ها گزارش افتتاح طرح‌ها را با عکس"
    " و فیلم در پایگاه خبری دستگاه منتشر کنند."
)


def draft(actor: Any, **extra: Any) -> Directive:
    data = services.DirectiveInput(
        subject=extra.pop("subject", SUBJECT), text=extra.pop("text", TEXT), **extra
    )
    return services.directive_create(actor=actor, data=data)


def issued(actor: Any, **extra: Any) -> Directive:
    return services.directive_issue(actor=actor, directive=draft(actor, **extra))
