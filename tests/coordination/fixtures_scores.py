"""Helpers of the ranking's tests: test indicators registered in the kernel's registry (the
real capabilities' are set aside for the test and restored after), their values per agency
set by the test, weights, and a third office."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from ravabet.coordination.models import Ranking
from ravabet.coordination.services import scores as services
from ravabet.core import registry
from ravabet.core.jalali import format_number
from ravabet.core.registry import Indicator, IndicatorValue
from tests.factories import AgencyFactory

START, END = dt.date(2025, 3, 21), dt.date(2025, 6, 22)  # 1404 spring


class Values:
    """What each test indicator answers: {key: {agency id: IndicatorValue}}; counts calls."""

    def __init__(self) -> None:
        self.data: dict[str, dict[int, IndicatorValue]] = {}
        self.calls: dict[str, int] = {}

    def set(self, key: str, agency: Any, value: float | None, volume: int = 10) -> None:
        self.data.setdefault(key, {})[agency.pk] = IndicatorValue(
            value,
            volume,
            detail=f"{format_number(volume)} مورد",
            link=f"/backoffice/test/{key}/?agency={agency.pk}",
        )

    def compute(self, key: str) -> Any:
        def run(agencies: list[Any], start: dt.date, end: dt.date) -> dict[int, IndicatorValue]:
            self.calls[key] = self.calls.get(key, 0) + 1
            ids = {a.pk for a in agencies}
            return {pk: v for pk, v in self.data.get(key, {}).items() if pk in ids}

        return run


@pytest.fixture
def values() -> Iterator[Values]:
    """Two test indicators, and only them: «test.share» (٪, higher is better) and «test.days»
    (days, lower is better), default minimum volume 5."""
    saved = dict(registry._indicators)
    registry._indicators.clear()
    found = Values()
    registry.register_indicator(
        Indicator(
            key="test.share",
            label="پاسخ در مهلت",
            unit="٪",
            higher_is_better=True,
            compute=found.compute("test.share"),
            order=1,
            min_volume=5,
            description="سهم پیام‌های پاسخ‌داده در مهلت",
        )
    )
    registry.register_indicator(
        Indicator(
            key="test.days",
            label="میانهٔ زمان پاسخ",
            unit="روز کاری",
            higher_is_better=False,
            compute=found.compute("test.days"),
            order=2,
            min_volume=5,
        )
    )
    try:
        yield found
    finally:
        registry._indicators.clear()
        registry._indicators.update(saved)


@pytest.fixture
def water(world: Any) -> Any:
    return AgencyFactory(slug="water", name="شرکت آب و فاضلاب استان تهران", short_name="آبفا")


def set_weights(actor: Any, share: int = 60, days: int = 40, **volumes: int | None) -> None:
    services.weights_save(
        actor=actor,
        data={
            "test.share": {"weight": share, "min_volume": volumes.get("share")},
            "test.days": {"weight": days, "min_volume": volumes.get("days")},
        },
    )


def three_offices(values: Values, world: Any, water: Any) -> None:
    """roads 90٪ / 5 days, health 60٪ / 2 days, water 70٪ / 3.5 days (10 records each)."""
    for agency, share, days in ((world.roads, 90, 5), (world.health, 60, 2), (water, 70, 3.5)):
        values.set("test.share", agency, share)
        values.set("test.days", agency, days)


def compute(actor: Any, **kwargs: Any) -> Ranking:
    return services.ranking_compute(actor=actor, start=START, end=END, **kwargs)
