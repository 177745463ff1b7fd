"""Reads of the ranking: the weights page's rows, a ranking's table (ranked offices, then the
ones with too little data apart), an office's scorecard and its trend over the released
rankings, and which of the issue's indicators are not available here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet

from ravabet.coordination.models import Ranking, Scorecard, Weight
from ravabet.core import jalali, permissions, registry
from ravabet.core.organisation.models import Agency
from ravabet.persian import dates as pdates
from ravabet.persian import to_persian_digits

__all__ = [
    "EXPECTED_INDICATORS",
    "RankingTable",
    "ScoreRow",
    "format_value",
    "jalali_period",
    "last_day",
    "ranking_for_page",
    "ranking_indicators",
    "ranking_list",
    "ranking_table",
    "released_rankings",
    "scorecard_cells",
    "scorecard_get",
    "scorecard_trend",
    "scores_trend",
    "unavailable_indicators",
    "unranked_reason",
    "weight_rows",
]

# The indicators, by the capability that records their data (an indicator's key starts
# with its app's label: «desk.in_sla»). A capability with no registered indicator is named on
# the pages as not available here — never shown as zero.
EXPECTED_INDICATORS: list[tuple[str, str]] = [
    ("newsroom", "خبرهای منتشرشده و بازدید آن‌ها"),
    ("desk", "پاسخ به پیام‌های مردمی در مهلت، میانهٔ زمان پاسخ، رضایت شهروندان"),
    ("surveys", "فعالیت نظرسنجی"),
    ("events", "حضور در جلسه‌ها و انجام مصوبه‌ها در مهلت"),
    ("coordination", "بخشنامه‌های تأییدشده در مهلت"),
    ("monitoring", "روند لحن رسانه‌ها"),
]

# The most rankings listed or drawn in a trend.
MAX_RANKINGS = 40


def unavailable_indicators() -> list[str]:
    """The issue's indicators whose capability registers none here (not installed, or not
    measuring yet)."""
    prefixes = {indicator.key.split(".", 1)[0] for indicator in registry.indicators()}
    return [label for app, label in EXPECTED_INDICATORS if app not in prefixes]


def weight_rows() -> list[dict[str, Any]]:
    """Every registered indicator with the directorate's weight and minimum volume (none set:
    weight 0, the indicator's own minimum)."""
    saved = {w.indicator: w for w in Weight.objects.all()}
    rows = []
    for indicator in registry.indicators():
        row = saved.get(indicator.key)
        rows.append(
            {
                "key": indicator.key,
                "label": indicator.label,
                "unit": indicator.unit,
                "higher_is_better": indicator.higher_is_better,
                "description": indicator.description,
                "weight": row.weight if row else 0,
                "min_volume": row.min_volume if row else None,
                "default_min_volume": indicator.min_volume,
            }
        )
    return rows


def format_value(value: float | None, unit: str = "") -> str:
    """«۸۵٫۳ ٪», «۱۲ خبر»; None is «بدون داده» (never a zero)."""
    if value is None:
        return "بدون داده"
    rounded = round(value, 1)
    if rounded == int(rounded):
        text = jalali.format_number(int(rounded))
    else:
        text = to_persian_digits(f"{rounded:.1f}".replace(".", "٫"))
    if unit in ("٪", "%"):
        return f"{text}٪"
    return f"{text} {unit}".strip()


def jalali_period(year: int, quarter: int | None) -> tuple[dt.date, dt.date]:
    """[start, end) of a Jalali year, or of one of its quarters (1–4)."""
    if quarter:
        first_month = (quarter - 1) * 3 + 1
        start = pdates.to_gregorian(year, first_month, 1)
        end = (
            pdates.to_gregorian(year + 1, 1, 1)
            if quarter == 4
            else pdates.to_gregorian(year, first_month + 3, 1)
        )
        return start, end
    return pdates.to_gregorian(year, 1, 1), pdates.to_gregorian(year + 1, 1, 1)


def last_day(ranking: Ranking) -> dt.date:
    """The period's last day (a ranking's `end` is exclusive)."""
    return ranking.end - dt.timedelta(days=1)


def ranking_list(limit: int = MAX_RANKINGS) -> list[Ranking]:
    """The latest rankings, newest period first (for the directorate's chooser)."""
    return list(Ranking.objects.annotate(offices=Count("scorecards"))[:limit])


def ranking_for_page(pk: Any = None) -> Ranking | None:
    """The chosen ranking (an id, in any digits), or the latest one."""
    if pk not in (None, ""):
        try:
            number = int(str(pk).translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")))
        except ValueError:
            return None
        if not 0 < number < 2**31:
            return None
        return Ranking.objects.filter(pk=number).first()
    return Ranking.objects.first()


def released_rankings() -> QuerySet[Ranking]:
    return Ranking.objects.filter(released_at__isnull=False)


@dataclass
class ScoreRow:
    card: Scorecard
    agency: Agency
    cells: list[dict[str, Any]]
    reason: str = ""  # why the office is not ranked


@dataclass
class RankingTable:
    ranking: Ranking
    indicators: list[dict[str, Any]]  # the weighted ones, in order, with their key
    unweighted: list[dict[str, Any]]
    ranked: list[ScoreRow] = field(default_factory=list)
    unranked: list[ScoreRow] = field(default_factory=list)
    total_weight: int = 0

    @property
    def count(self) -> int:
        return len(self.ranked)

    @property
    def last_day(self) -> dt.date:
        return last_day(self.ranking)


def ranking_indicators(ranking: Ranking) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    rows = [{"key": key, **meta} for key, meta in (ranking.weights or {}).items()]
    rows.sort(key=lambda r: (r.get("order", 100), r["key"]))
    weighted = [r for r in rows if r.get("weight", 0) > 0]
    return weighted, [r for r in rows if r.get("weight", 0) <= 0]


def _safe_link(link: Any) -> str:
    """Only a path of this site is linked (an indicator's link is its capability's page)."""
    text = str(link or "")
    return text if text.startswith("/") and not text.startswith("//") else ""


def scorecard_cells(card: Scorecard, indicators: list[dict[str, Any]]) -> list[dict[str, Any]]:
    cells = []
    for meta in indicators:
        item = (card.values or {}).get(meta["key"]) or {}
        value = item.get("value")
        cells.append(
            {
                "key": meta["key"],
                "label": meta.get("label", meta["key"]),
                "unit": meta.get("unit", ""),
                "value": value,
                "shown": format_value(value, meta.get("unit", "")),
                "volume": item.get("volume", 0),
                "detail": item.get("detail", ""),
                "link": _safe_link(item.get("link", "")),
                "normalized": item.get("normalized"),
                "weight": item.get("weight", meta.get("weight", 0)),
                "counted": bool(item.get("counted")),
                "why": item.get("why", "بدون داده"),
            }
        )
    return cells


def unranked_reason(cells: list[dict[str, Any]], ranking: Ranking | None) -> str:
    """Why an office is not ranked in this ranking (the minimum-volume rule)."""
    if ranking is None:
        return ""
    weighted, _ = ranking_indicators(ranking)
    return _reason(cells, sum(int(m.get("weight", 0)) for m in weighted))


def _reason(cells: list[dict[str, Any]], total: int) -> str:
    counted = sum(c["weight"] for c in cells if c["counted"])
    if total <= 0:
        return "هیچ شاخصی وزن ندارد."
    return (
        f"دادهٔ کافی فقط برای شاخص‌هایی با {jalali.format_number(counted)} از "
        f"{jalali.format_number(total)} وزن هست (کمتر از نیمی از وزن کل)."
    )


def ranking_table(ranking: Ranking) -> RankingTable:
    """A ranking's rows: the ranked offices by rank, then those not ranked, by name."""
    weighted, unweighted = ranking_indicators(ranking)
    total = sum(int(m.get("weight", 0)) for m in weighted)
    table = RankingTable(ranking, weighted, unweighted, total_weight=total)
    cards = ranking.scorecards.select_related("agency").order_by("rank", "agency__name")
    for card in cards:
        cells = scorecard_cells(card, weighted)
        if card.ranked:
            table.ranked.append(ScoreRow(card, card.agency, cells))
        else:
            table.unranked.append(ScoreRow(card, card.agency, cells, _reason(cells, total)))
    table.unranked.sort(key=lambda r: r.agency.name)
    return table


def scorecard_get(
    user: Any, agency: Agency, ranking_pk: Any = None
) -> tuple[Ranking | None, Scorecard | None, int]:
    """(ranking, the office's scorecard in it, how many offices were ranked) for this person:
    the directorate any ranking (the chosen or the latest), the office's own staff only a
    released one (the chosen if released, else the latest released). (None, None, 0) when
    there is nothing this person may see."""
    directorate = permissions.sees_all_agencies(user)
    rankings = Ranking.objects.all() if directorate else released_rankings()
    rankings = rankings.filter(scorecards__agency=agency)
    ranking = None
    if ranking_pk not in (None, ""):
        chosen = ranking_for_page(ranking_pk)
        if chosen is not None and rankings.filter(pk=chosen.pk).exists():
            ranking = chosen
    if ranking is None:
        ranking = rankings.first()
    if ranking is None:
        return None, None, 0
    released = ranking.released_at is not None
    if not permissions.can_see_scorecard(user, agency, released=released):
        return None, None, 0
    card = ranking.scorecards.filter(agency=agency).first()
    count = ranking.scorecards.filter(ranked=True).count()
    return ranking, card, count


def scorecard_trend(agency: Agency, limit: int = MAX_RANKINGS) -> list[dict[str, Any]]:
    """The office's score and rank in each released ranking, oldest first."""
    cards = (
        Scorecard.objects.filter(agency=agency, ranking__released_at__isnull=False)
        .select_related("ranking")
        .annotate(offices=Count("ranking__scorecards", filter=Q(ranking__scorecards__ranked=True)))
        .order_by("-ranking__end", "-ranking__computed_at")[:limit]
    )
    return [
        {
            "ranking": card.ranking,
            "score": card.score,
            "rank": card.rank,
            "ranked": card.ranked,
            "offices": card.offices,
        }
        for card in reversed(list(cards))
    ]


def scores_trend(limit: int = MAX_RANKINGS) -> list[dict[str, Any]]:
    """Each released ranking, oldest first: the mean score of its ranked offices and its top
    and bottom office."""
    rankings = list(
        released_rankings()
        .annotate(
            mean=Avg("scorecards__score", filter=Q(scorecards__ranked=True)),
            offices=Count("scorecards", filter=Q(scorecards__ranked=True)),
        )
        .order_by("-end", "-computed_at")[:limit]
    )
    rows = []
    for ranking in reversed(rankings):
        ranked = ranking.scorecards.filter(ranked=True).select_related("agency")
        top = ranked.order_by("rank", "agency__name").first()
        bottom = ranked.order_by("-rank", "agency__name").first()
        rows.append(
            {
                "ranking": ranking,
                "mean": ranking.mean,
                "offices": ranking.offices,
                "top": top,
                "bottom": bottom,
            }
        )
    return rows
