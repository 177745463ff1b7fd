"""Coordination's demo: twenty directives with receipts in every state, the annual plans
(1404, closed, and the current year's, under way), then weights and released rankings of the
last full quarter and the last year, computed from what the other demos recorded (so it loads
last). Each part is idempotent."""

from __future__ import annotations


def load() -> None:
    from ravabet.coordination import demo_directives, demo_plan, demo_scores

    demo_directives.load()
    demo_plan.load()
    demo_scores.load()
