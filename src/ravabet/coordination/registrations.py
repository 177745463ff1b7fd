"""What coordination gives the whole, from AppConfig.ready(): each part registers its own
(directives: file access, search, periodic reminders, the to-do card, its indicator; plan;
scorecards: the dashboard cards), the demo loader and the audit labels."""

from __future__ import annotations

from ravabet.core import registry


def register() -> None:
    from ravabet.coordination import demo, directives_reg, plan_reg, scores_reg

    registry.register_demo_loader(
        "coordination",
        "the 1404 plan, twenty directives with receipts, a released ranking",
        demo.load,
        order=700,
    )
    directives_reg.register()
    plan_reg.register()
    scores_reg.register()
