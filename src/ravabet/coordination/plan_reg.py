"""What the annual plan gives the whole, from AppConfig.ready() (through registrations.py):
the agencies' «گزارش فصل» to-do card on the back-office home and the audit labels."""

from __future__ import annotations

from ravabet.core import registry
from ravabet.core.audit import register_labels


def register() -> None:
    from ravabet.coordination.models import Plan, Progress
    from ravabet.coordination.selectors import plan as plan_selectors

    registry.register_dashboard_card(
        "coordination.plan", "برنامهٔ سالانه", plan_selectors.plan_todo_lists, order=710
    )
    register_labels(
        actions={
            "plan.create": "ساخت برنامهٔ سالانه",
            "plan.update": "ویرایش برنامهٔ سالانه",
            "plan.adopt": "تصویب برنامهٔ سالانه",
            "plan.close": "پایان برنامهٔ سالانه",
            "plan.goal_add": "افزودن هدف به برنامهٔ سالانه",
            "plan.goal_edit": "ویرایش هدف برنامهٔ سالانه",
            "plan.goal_reorder": "جابه‌جایی هدف‌های برنامهٔ سالانه",
            "plan.goal_delete": "برداشتن هدف برنامهٔ سالانه",
            "plan.item_create": "افزودن برنامه یا پویش",
            "plan.item_update": "ویرایش برنامه یا پویش",
            "plan.item_delete": "برداشتن برنامه یا پویش",
            "plan.progress": "گزارش فصلی پیشرفت",
        },
        states={
            **{value: str(label) for value, label in Plan.Status.choices},
            **{value: str(label) for value, label in Progress.Status.choices},
        },
    )
