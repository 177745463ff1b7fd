"""The PR offices' ranking: the directorate's weights, computing a ranking of a period (frozen
with its weights and data, one scorecard per office) and releasing it to the offices.

The indicators are the capabilities' own (core.registry.indicators(): each computes its
values for all agencies at once from what it records); coordination never imports them.

The score, in three steps (also explained on the ranking page):
1. For each indicator with a weight above zero, an office's value *counts* when it has one
   (not «بدون داده») and its volume (the records behind it) reaches the minimum volume (the
   directorate's, else the indicator's own default).
2. Each counted value is normalized across the offices whose value counts: min-max to 0–100,
   100 for the best (the highest, or the lowest where lower is better); when all are equal,
   100 for all.
3. The score is the weighted mean of an office's normalized values over the indicators that
   count for it. The office is ranked only when those indicators carry at least half of the
   total weight (the minimum-volume rule); otherwise it is listed apart, «رتبه‌بندی نشد: دادهٔ
   کافی نیست», with the reason. Equal scores (to two decimals) share a rank (1, 1, 3).

The directorate's own PR office (the agency of kind DIRECTORATE) runs the ranking and is not
ranked by it; inactive agencies are left out.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from ravabet.coordination.models import Ranking, Scorecard, Weight
from ravabet.core import audit, jalali, permissions, registry
from ravabet.core.organisation.models import Agency
from ravabet.core.validation import check_texts
from ravabet.persian import normalize

__all__ = [
    "MAX_AGENCIES",
    "RANKED_SHARE",
    "RankingError",
    "ScoredValue",
    "default_title",
    "normalize_values",
    "ranking_agencies",
    "ranking_compute",
    "ranking_export_record",
    "ranking_release",
    "weights_save",
]

log = logging.getLogger(__name__)

# At most this many offices in one ranking (the province has a few hundred agencies at most).
MAX_AGENCIES = 500
MAX_WEIGHT = 100
MAX_MIN_VOLUME = 1_000_000
TITLE_CHARS = 200
# An office is ranked when the indicators that count for it carry at least this share of the
# total weight.
RANKED_SHARE = 0.5


class RankingError(Exception):
    """A ranking cannot move to the asked state (already released); the message is Persian."""


def _fa(value: float | int) -> str:
    return jalali.format_number(value)


# --- weights ------------------------------------------------------------------------------


def _int_or_error(value: Any, field: str, label: str, errors: dict[str, list[str]]) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = int(str(value).strip()) if not isinstance(value, int) else value
    except ValueError:
        errors.setdefault(field, []).append(f"{label} باید عدد صحیح باشد.")
        return None
    return number


@permissions.guarded(
    permissions.can_set_weights,
    message="وزن شاخص‌ها را فقط اداره‌کل روابط عمومی استانداری تعیین می‌کند.",
)
def weights_save(
    *, actor: Any, data: dict[str, dict[str, Any]], request: HttpRequest | None = None
) -> list[Weight]:
    """Set the weight (0–100) and the optional minimum volume of registered indicators:
    `data` is {indicator key: {"weight": int, "min_volume": int | None}}. The directorate
    only; an unknown key or a number out of range is refused (keyed `weight_<key>` /
    `min_volume_<key>`) and nothing is stored. Audited with the changes."""
    permissions.require(
        permissions.can_set_weights(actor),
        "وزن شاخص‌ها را فقط اداره‌کل روابط عمومی استانداری تعیین می‌کند.",
    )
    known = {indicator.key: indicator for indicator in registry.indicators()}
    errors: dict[str, list[str]] = {}
    clean: dict[str, tuple[int, int | None]] = {}
    for key, row in data.items():
        if key not in known:
            errors.setdefault("__all__", []).append("شاخص ناشناخته است.")
            continue
        label = known[key].label
        weight = _int_or_error(row.get("weight", 0), f"weight_{key}", f"وزن «{label}»", errors)
        volume = _int_or_error(
            row.get("min_volume"), f"min_volume_{key}", f"حداقل حجم «{label}»", errors
        )
        if weight is None:
            weight = 0
        if not 0 <= weight <= MAX_WEIGHT:
            errors.setdefault(f"weight_{key}", []).append(
                f"وزن «{label}» باید میان ۰ و {_fa(MAX_WEIGHT)} باشد."
            )
        if volume is not None and not 0 <= volume <= MAX_MIN_VOLUME:
            errors.setdefault(f"min_volume_{key}", []).append(
                f"حداقل حجم «{label}» باید میان ۰ و {_fa(MAX_MIN_VOLUME)} باشد."
            )
        clean[key] = (weight, volume)
    if errors:
        raise ValidationError(errors)
    saved: list[Weight] = []
    with transaction.atomic():
        existing = {
            w.indicator: w
            for w in Weight.objects.select_for_update().filter(indicator__in=list(clean))
        }
        changes: dict[str, list[Any]] = {}
        for key, (weight, volume) in clean.items():
            found = existing.get(key)
            before = (found.weight, found.min_volume) if found else (0, None)
            record = found or Weight(indicator=key)
            if before != (weight, volume) or record.pk is None:
                record.weight, record.min_volume, record.updated_by = weight, volume, actor
                record.save()
                if before != (weight, volume):
                    changes[key] = [list(before), [weight, volume]]
            saved.append(record)
        if changes:
            audit.record(actor=actor, action="weights.save", data=changes, request=request)
    return saved


# --- computing ----------------------------------------------------------------------------


def ranking_agencies() -> list[Agency]:
    """The offices a ranking judges: the active agencies but the directorate's own office,
    by name, at most MAX_AGENCIES."""
    return list(
        Agency.objects.filter(is_active=True)
        .exclude(kind=Agency.Kind.DIRECTORATE)
        .order_by("name", "pk")[:MAX_AGENCIES]
    )


@dataclass(frozen=True)
class ScoredValue:
    """One office's value of one indicator, as it enters the score."""

    value: float | None
    volume: int
    counted: bool
    why: str  # «بدون داده», «حجم کم …»: why it does not count (empty when it counts)


def _finite(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def normalize_values(values: dict[int, float], *, higher_is_better: bool) -> dict[int, float]:
    """Min-max to 0–100 over the given (counted) values, 100 for the best; all equal → 100."""
    if not values:
        return {}
    low, high = min(values.values()), max(values.values())
    if high == low:
        return dict.fromkeys(values, 100.0)
    span = high - low
    if higher_is_better:
        return {k: (v - low) / span * 100 for k, v in values.items()}
    return {k: (high - v) / span * 100 for k, v in values.items()}


def _check_period(start: Any, end: Any, title: str) -> str:
    errors: dict[str, list[str]] = {}
    if not isinstance(start, dt.date) or isinstance(start, dt.datetime):
        errors["start"] = ["آغاز دوره را بنویسید."]
    elif not jalali.in_supported_range(start):
        errors["start"] = [jalali.OUT_OF_RANGE_MESSAGE]
    if not isinstance(end, dt.date) or isinstance(end, dt.datetime):
        errors["end"] = ["پایان دوره را بنویسید."]
    elif not jalali.in_supported_range(end):
        errors["end"] = [jalali.OUT_OF_RANGE_MESSAGE]
    if not errors and end <= start:
        errors["end"] = ["پایان دوره باید پس از آغاز آن باشد."]
    try:
        check_texts([("title", title or "", "عنوان", TITLE_CHARS)])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return " ".join(normalize(title or "").split())


def default_title(start: dt.date, end: dt.date) -> str:
    """«رتبه‌بندی روابط عمومی‌ها: ۱۴۰۴/۰۱/۰۱ تا ۱۴۰۴/۰۳/۳۱»."""
    last = end - dt.timedelta(days=1)
    return f"رتبه‌بندی روابط عمومی‌ها: {jalali.format_short(start)} تا {jalali.format_short(last)}"


def _compute_one(
    indicator: registry.Indicator, agencies: list[Agency], start: dt.date, end: dt.date
) -> tuple[dict[int, registry.IndicatorValue], bool]:
    """The indicator's values, or ({}, True) when its computation failed (logged; the ranking
    shows it as an error, not as zeros)."""
    try:
        answer = indicator.compute(agencies, start, end)
    except Exception:
        log.exception("indicator %s failed", indicator.key)
        return {}, True
    return (answer if isinstance(answer, dict) else {}), False


def _why_not(value: float | None, volume: int, min_volume: int) -> str:
    if value is None:
        return "بدون داده"
    if volume < min_volume:
        return f"حجم کم: {_fa(volume)} از حداقل {_fa(min_volume)}"
    return ""


@permissions.guarded(permissions.can_see_ranking)
def ranking_compute(
    *,
    actor: Any,
    start: dt.date,
    end: dt.date,
    title: str = "",
    request: HttpRequest | None = None,
) -> Ranking:
    """Compute and store a ranking of [start, end) (dates, end exclusive) with the weights of
    now, frozen: one scorecard per office. The directorate only; audited. Each weighted
    indicator is computed once for all offices, before the transaction."""
    permissions.require(
        permissions.can_see_ranking(actor),
        "رتبه‌بندی را فقط اداره‌کل روابط عمومی استانداری محاسبه می‌کند.",
    )
    title = _check_period(start, end, title) or default_title(start, end)
    agencies = ranking_agencies()
    weights = {w.indicator: w for w in Weight.objects.all()}
    frozen: dict[str, dict[str, Any]] = {}
    per_indicator: dict[str, dict[int, ScoredValue]] = {}
    raw: dict[str, dict[int, registry.IndicatorValue]] = {}
    normalized: dict[str, dict[int, float]] = {}
    for indicator in registry.indicators():
        row = weights.get(indicator.key)
        weight = row.weight if row else 0
        min_volume = row.min_volume if row and row.min_volume is not None else indicator.min_volume
        frozen[indicator.key] = {
            "label": indicator.label,
            "unit": indicator.unit,
            "weight": weight,
            "min_volume": min_volume,
            "higher_is_better": indicator.higher_is_better,
            "description": indicator.description,
            "order": indicator.order,
        }
        if weight <= 0:
            continue
        answer, failed = _compute_one(indicator, agencies, start, end)
        frozen[indicator.key]["failed"] = failed
        raw[indicator.key] = answer
        scored: dict[int, ScoredValue] = {}
        for agency in agencies:
            item = answer.get(agency.pk)
            value = _finite(item.value) if item is not None else None
            volume = max(int(item.volume or 0), 0) if item is not None else 0
            why = "خطا در محاسبه" if failed else _why_not(value, volume, min_volume)
            scored[agency.pk] = ScoredValue(value, volume, not why, why)
        per_indicator[indicator.key] = scored
        counted = {pk: s.value for pk, s in scored.items() if s.counted and s.value is not None}
        normalized[indicator.key] = normalize_values(
            counted, higher_is_better=indicator.higher_is_better
        )
        if counted:
            frozen[indicator.key]["min"] = min(counted.values())
            frozen[indicator.key]["max"] = max(counted.values())
        frozen[indicator.key]["counted_offices"] = len(counted)
    total_weight = sum(frozen[key]["weight"] for key in per_indicator)

    cards: list[Scorecard] = []
    for agency in agencies:
        values: dict[str, dict[str, Any]] = {}
        weighted, counted_weight = 0.0, 0
        for key, scored in per_indicator.items():
            s = scored[agency.pk]
            item = raw[key].get(agency.pk)
            norm = normalized[key].get(agency.pk)
            weight = frozen[key]["weight"]
            values[key] = {
                "value": s.value,
                "volume": s.volume,
                "detail": (item.detail if item is not None else "")[:500],
                "link": (item.link if item is not None else "")[:500],
                "normalized": round(norm, 2) if norm is not None else None,
                "weight": weight,
                "counted": s.counted,
                "why": s.why,
            }
            if s.counted and norm is not None:
                weighted += norm * weight
                counted_weight += weight
        ranked = total_weight > 0 and counted_weight >= total_weight * RANKED_SHARE
        score = round(weighted / counted_weight, 2) if ranked and counted_weight else None
        cards.append(Scorecard(agency=agency, values=values, score=score, ranked=ranked))
    _assign_ranks(cards)

    with transaction.atomic():
        ranking = Ranking.objects.create(
            start=start, end=end, title=title, weights=frozen, computed_by=actor
        )
        for card in cards:
            card.ranking = ranking
        Scorecard.objects.bulk_create(cards)
        audit.record(
            actor=actor,
            action="ranking.compute",
            obj=ranking,
            data={
                "start": start.isoformat(),
                "end": end.isoformat(),
                "offices": len(cards),
                "ranked": sum(1 for c in cards if c.ranked),
            },
            request=request,
        )
    return ranking


def _assign_ranks(cards: list[Scorecard]) -> None:
    """Competition ranking over the ranked cards: equal scores share a rank (1, 1, 3)."""
    ranked = sorted(
        (c for c in cards if c.ranked and c.score is not None), key=lambda c: -(c.score or 0)
    )
    previous: float | None = None
    rank = 0
    for position, card in enumerate(ranked, start=1):
        if card.score != previous:
            rank = position
            previous = card.score
        card.rank = rank
    for card in cards:
        if not card.ranked:
            card.rank = None


@permissions.guarded(permissions.can_see_ranking)
def ranking_release(*, actor: Any, ranking: Ranking, request: HttpRequest | None = None) -> Ranking:
    """Release a ranking: from now on each office sees its own scorecard and rank in it. The
    directorate only; once; audited."""
    permissions.require(
        permissions.can_see_ranking(actor),
        "رتبه‌بندی را فقط اداره‌کل روابط عمومی استانداری منتشر می‌کند.",
    )
    with transaction.atomic():
        locked = Ranking.objects.select_for_update().get(pk=ranking.pk)
        if locked.released_at is not None:
            raise RankingError("این رتبه‌بندی پیش‌تر برای دستگاه‌ها منتشر شده است.")
        locked.released_at = timezone.now()
        locked.released_by = actor
        locked.save(update_fields=["released_at", "released_by"])
        audit.record(
            actor=actor,
            action="ranking.release",
            obj=locked,
            from_state="computed",
            to_state="released",
            request=request,
        )
    return locked


@permissions.guarded(permissions.can_see_ranking)
def ranking_export_record(
    *, actor: Any, ranking: Ranking, fmt: str, request: HttpRequest | None = None
) -> None:
    """Record that the directorate took a ranking away as a file (xlsx, pdf)."""
    permissions.require(
        permissions.can_see_ranking(actor),
        "خروجی رتبه‌بندی ویژهٔ اداره‌کل روابط عمومی استانداری است.",
    )
    with transaction.atomic():
        audit.record(
            actor=actor, action="ranking.export", obj=ranking, data={"format": fmt}, request=request
        )
