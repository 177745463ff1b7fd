"""The ranking's demo: weights for every registered indicator (the capabilities' own, computed
from the other demos' data — so this loads after them), then a ranking of the last full Jalali
quarter and one of the year up to its end, both computed and released through the
services. Idempotent: weights once set are left as the directorate made them; a period already
ranked is not ranked again."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from ravabet.coordination.models import Ranking, Weight
from ravabet.coordination.selectors.scores import jalali_period
from ravabet.coordination.services import scores as services
from ravabet.core import jalali, registry
from ravabet.persian import dates as pdates
from ravabet.persian import to_persian_digits

# The directorate's emphasis per capability (an indicator's key starts with its app); an
# indicator of another app weighs DEFAULT_WEIGHT.
WEIGHTS = {"desk": 20, "newsroom": 15, "coordination": 15, "events": 10, "surveys": 10}
DEFAULT_WEIGHT = 10
QUARTERS = {1: "بهار", 2: "تابستان", 3: "پاییز", 4: "زمستان"}


def _periods() -> list[tuple[Any, Any, str]]:
    """(start, end, title) of the last full Jalali quarter, and of the year so far up to the
    end of that quarter (the whole last year when the year's first quarter is still running):
    periods the demos' data fall in, and stable until the next quarter ends."""
    today = jalali.to_local(timezone.now()).date()
    j = pdates.to_jalali(today)
    quarter = (j.month - 1) // 3 + 1
    year, last = (j.year, quarter - 1) if quarter > 1 else (j.year - 1, 4)
    q_start, q_end = jalali_period(year, last)
    y_start, _ = jalali_period(year, None)
    fa = to_persian_digits
    span = "سال" if last == 4 else f"از آغاز سال تا پایان {QUARTERS[last]}"
    return [
        (q_start, q_end, f"رتبه‌بندی روابط عمومی‌ها، {QUARTERS[last]} {fa(str(year))}"),
        (y_start, q_end, f"رتبه‌بندی روابط عمومی‌ها، {span} {fa(str(year))}"),
    ]


def load() -> int:
    """How many rankings were added (0 when they are there already)."""
    actor = get_user_model().objects.filter(username="directorate").first()
    if actor is None:
        return 0  # the organisation's demo (people) loads first
    indicators = registry.indicators()
    if indicators and not Weight.objects.exists():
        services.weights_save(
            actor=actor,
            data={
                i.key: {
                    "weight": WEIGHTS.get(i.key.split(".", 1)[0], DEFAULT_WEIGHT),
                    "min_volume": None,
                }
                for i in indicators
            },
        )
    added = 0
    for start, end, title in _periods():
        if Ranking.objects.filter(start=start, end=end).exists():
            continue
        ranking = services.ranking_compute(actor=actor, start=start, end=end, title=title)
        services.ranking_release(actor=actor, ranking=ranking)
        added += 1
    return added
