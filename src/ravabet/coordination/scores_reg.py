"""What the ranking part gives the whole, from AppConfig.ready() (through registrations.py):
the «امروز» card on the back-office home (the directorate's and agency heads') and the audit
labels of weights and rankings. The indicators themselves are each capability's own."""

from __future__ import annotations

from ravabet.core import registry
from ravabet.core.audit import register_labels


def register() -> None:
    from ravabet.coordination.selectors import dashboard

    registry.register_dashboard_card(
        "coordination.today", "امروز", dashboard.dashboard_card, order=10
    )
    register_labels(
        actions={
            "weights.save": "تعیین وزن شاخص‌های رتبه‌بندی",
            "ranking.compute": "محاسبهٔ رتبه‌بندی روابط عمومی‌ها",
            "ranking.release": "انتشار رتبه‌بندی برای دستگاه‌ها",
            "ranking.export": "خروجی رتبه‌بندی",
        },
        states={"computed": "محاسبه‌شده", "released": "منتشرشده"},
    )
