"""The ranking's arithmetic and rules, through the services: min-max normalization oriented by
the indicator, the weighted mean, ties, the minimum-volume rule, no data never a zero, the
weights' validation, who may compute, release and set weights."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from ravabet.coordination.models import Ranking, Scorecard, Weight
from ravabet.coordination.services import scores as services
from ravabet.core.audit import AuditEntry
from ravabet.core.permissions import AgencyPermissionDenied
from tests.coordination.fixtures_scores import (
    END,
    START,
    Values,
    compute,
    set_weights,
    three_offices,
    values,
    water,
)

__all__ = ["values", "water"]  # fixtures

pytestmark = pytest.mark.django_db


def _cards(ranking: Ranking) -> dict[str, Scorecard]:
    return {c.agency.slug: c for c in ranking.scorecards.select_related("agency")}


def test_normalization_and_weighting_against_hand_counted_numbers(
    world: Any, values: Values, water: Any
) -> None:
    three_offices(values, world, water)
    set_weights(world.directorate_staff)
    ranking = compute(world.directorate_staff)
    cards = _cards(ranking)
    # The directorate's own office is not judged by its ranking.
    assert set(cards) == {"roads", "tums", "water"}
    roads, health, water_card = cards["roads"], cards["tums"], cards["water"]
    # share (higher better, 60..90): roads 100, health 0, water 33.33
    assert roads.values["test.share"]["normalized"] == 100
    assert health.values["test.share"]["normalized"] == 0
    assert water_card.values["test.share"]["normalized"] == pytest.approx(33.33, abs=0.01)
    # days (lower better, 2..5): roads 0, health 100, water 50
    assert roads.values["test.days"]["normalized"] == 0
    assert health.values["test.days"]["normalized"] == 100
    assert water_card.values["test.days"]["normalized"] == 50
    # scores: roads (100×60 + 0×40)/100 = 60; health (0×60 + 100×40)/100 = 40;
    # water (33.33×60 + 50×40)/100 = 40: a tie with health.
    assert roads.score == 60
    assert health.score == pytest.approx(40)
    assert water_card.score == pytest.approx(40)
    assert (roads.rank, health.rank, water_card.rank) == (1, 2, 2)
    assert all(c.ranked for c in cards.values())
    cell = roads.values["test.share"]
    assert cell["value"] == 90 and cell["volume"] == 10 and cell["weight"] == 60
    assert cell["counted"] is True and cell["why"] == ""
    assert cell["link"].startswith("/backoffice/test/test.share/")
    # The weights are frozen with the ranking; each indicator computed once for all offices.
    assert ranking.weights["test.share"]["weight"] == 60
    assert ranking.weights["test.days"]["higher_is_better"] is False
    assert values.calls == {"test.share": 1, "test.days": 1}
    assert AuditEntry.objects.filter(action="ranking.compute").count() == 1


def test_ties_share_a_rank_and_the_next_rank_skips(world: Any, values: Values, water: Any) -> None:
    for agency in (world.roads, world.health):
        values.set("test.share", agency, 80)
    values.set("test.share", water, 50)
    set_weights(world.directorate_staff, share=100, days=0)
    cards = _cards(compute(world.directorate_staff))
    assert (cards["roads"].rank, cards["tums"].rank, cards["water"].rank) == (1, 1, 3)
    assert cards["roads"].score == cards["tums"].score == 100
    assert cards["water"].score == 0
    # A weight of zero: the indicator is not even computed.
    assert "test.days" not in values.calls


def test_all_equal_values_score_100_for_all(world: Any, values: Values, water: Any) -> None:
    for agency in (world.roads, world.health, water):
        values.set("test.share", agency, 75)
    set_weights(world.directorate_staff, share=100, days=0)
    cards = _cards(compute(world.directorate_staff))
    assert {c.score for c in cards.values()} == {100}
    assert {c.rank for c in cards.values()} == {1}


def test_minimum_volume_rule_lists_an_office_unranked_with_the_reason(
    world: Any, values: Values, water: Any
) -> None:
    three_offices(values, world, water)
    values.set("test.share", water, 70, volume=3)  # below the minimum of 5
    set_weights(world.directorate_staff)
    cards = _cards(compute(world.directorate_staff))
    water_card = cards["water"]
    assert water_card.ranked is False and water_card.rank is None and water_card.score is None
    share = water_card.values["test.share"]
    assert share["counted"] is False and share["normalized"] is None
    assert share["why"] == "حجم کم: ۳ از حداقل ۵"
    assert share["value"] == 70  # shown, not scored
    # share is normalized over roads and health only; days over all three.
    assert cards["roads"].values["test.share"]["normalized"] == 100
    assert cards["tums"].values["test.share"]["normalized"] == 0
    assert water_card.values["test.days"]["normalized"] == 50
    assert (cards["roads"].rank, cards["tums"].rank) == (1, 2)


def test_the_directorates_minimum_volume_overrides_the_indicators(
    world: Any, values: Values, water: Any
) -> None:
    three_offices(values, world, water)
    set_weights(world.directorate_staff, share=60, days=40, share_volume=None)
    services.weights_save(
        actor=world.directorate_staff,
        data={"test.share": {"weight": 60, "min_volume": 20}},
    )
    cards = _cards(compute(world.directorate_staff))
    # Nobody reaches 20 records on share: only days (40 of 100) counts: nobody is ranked.
    assert not any(c.ranked for c in cards.values())
    assert cards["roads"].values["test.share"]["why"] == "حجم کم: ۱۰ از حداقل ۲۰"


def test_exactly_half_of_the_weight_is_enough_to_be_ranked(
    world: Any, values: Values, water: Any
) -> None:
    three_offices(values, world, water)
    del values.data["test.share"][water.pk]
    set_weights(world.directorate_staff, share=50, days=50)
    cards = _cards(compute(world.directorate_staff))
    assert cards["water"].ranked is True
    assert cards["water"].score == 50  # days only: (5-3.5)/(5-2) × 100
    assert cards["water"].values["test.share"]["why"] == "بدون داده"


def test_no_data_is_none_never_zero(world: Any, values: Values, water: Any) -> None:
    three_offices(values, world, water)
    del values.data["test.share"][water.pk]
    set_weights(world.directorate_staff)
    cards = _cards(compute(world.directorate_staff))
    share = cards["water"].values["test.share"]
    assert share["value"] is None and share["normalized"] is None and share["counted"] is False
    assert share["why"] == "بدون داده"
    assert cards["water"].ranked is False  # 40 of 100: less than half


def test_a_failing_indicator_counts_as_an_error_not_as_zeros(
    world: Any, values: Values, water: Any
) -> None:
    three_offices(values, world, water)
    from ravabet.core import registry

    broken = registry._indicators["test.days"]

    def fail(*args: Any) -> Any:
        raise RuntimeError("boom")

    registry.register_indicator(
        registry.Indicator(
            key=broken.key,
            label=broken.label,
            unit=broken.unit,
            higher_is_better=False,
            compute=fail,
        )
    )
    set_weights(world.directorate_staff)
    ranking = compute(world.directorate_staff)
    assert ranking.weights["test.days"]["failed"] is True
    cards = _cards(ranking)
    assert cards["roads"].values["test.days"]["why"] == "خطا در محاسبه"
    assert cards["roads"].score == 100  # share only (60 of 100 weight)


def test_weights_are_validated_in_persian_and_nothing_is_stored(world: Any, values: Values) -> None:
    with pytest.raises(ValidationError) as exc:
        services.weights_save(
            actor=world.directorate_staff,
            data={
                "test.share": {"weight": 101, "min_volume": None},
                "test.days": {"weight": "ده", "min_volume": -1},
            },
        )
    errors = exc.value.message_dict
    assert "میان ۰ و ۱۰۰" in errors["weight_test.share"][0]
    assert "عدد صحیح" in errors["weight_test.days"][0]
    assert "حداقل حجم" in errors["min_volume_test.days"][0]
    with pytest.raises(ValidationError):
        services.weights_save(
            actor=world.directorate_staff, data={"newsroom.nothing": {"weight": 5}}
        )
    assert not Weight.objects.exists()
    set_weights(world.directorate_staff)
    assert AuditEntry.objects.filter(action="weights.save").count() == 1
    set_weights(world.directorate_staff)  # unchanged: no second entry
    assert AuditEntry.objects.filter(action="weights.save").count() == 1


def test_the_period_is_checked(world: Any, values: Values) -> None:
    with pytest.raises(ValidationError) as exc:
        services.ranking_compute(actor=world.directorate_staff, start=END, end=START)
    assert "پس از آغاز" in exc.value.message_dict["end"][0]
    with pytest.raises(ValidationError):
        compute(world.directorate_staff, title="x" * 201)
    with pytest.raises(ValidationError):
        compute(world.directorate_staff, title="bad\x00")
    assert not Ranking.objects.exists()


def test_release_once(world: Any, values: Values, water: Any) -> None:
    three_offices(values, world, water)
    set_weights(world.directorate_staff)
    ranking = compute(world.directorate_staff)
    released = services.ranking_release(actor=world.directorate_staff, ranking=ranking)
    assert released.released_at is not None and released.released_by == world.directorate_staff
    with pytest.raises(services.RankingError):
        services.ranking_release(actor=world.directorate_staff, ranking=ranking)
    assert AuditEntry.objects.filter(action="ranking.release").count() == 1


ROLES = [
    "outsider",
    "officer_roads",
    "head_roads",
    "officer_health",
    "directorate_staff",
    "admin",
]
ALLOWED = {"directorate_staff", "admin"}


@pytest.mark.parametrize("role", ROLES)
def test_only_the_directorate_sets_weights_computes_and_releases(
    world: Any, values: Values, water: Any, role: str
) -> None:
    three_offices(values, world, water)
    set_weights(world.directorate_staff)
    actor = getattr(world, role)
    if role in ALLOWED:
        set_weights(actor, share=70, days=30)
        ranking = compute(actor)
        services.ranking_release(actor=actor, ranking=ranking)
        assert Ranking.objects.get().released_at is not None
        return
    with pytest.raises(AgencyPermissionDenied):
        set_weights(actor, share=70, days=30)
    with pytest.raises(AgencyPermissionDenied):
        compute(actor)
    assert Weight.objects.get(indicator="test.share").weight == 60
    assert not Ranking.objects.exists()
    ranking = compute(world.directorate_staff)
    with pytest.raises(AgencyPermissionDenied):
        services.ranking_release(actor=actor, ranking=ranking)
    ranking.refresh_from_db()
    assert ranking.released_at is None


def test_demo_sets_weights_and_releases_a_quarter_and_the_year_to_it_once(
    world: Any, values: Values, water: Any
) -> None:
    from ravabet.coordination import demo_scores

    three_offices(values, world, water)
    assert demo_scores.load() == 2
    assert Weight.objects.filter(weight__gt=0).count() == 2
    rankings = list(Ranking.objects.all())
    assert len(rankings) == 2 and all(r.released_at for r in rankings)
    quarter, year = sorted(rankings, key=lambda r: (r.end - r.start).days)
    assert 89 <= (quarter.end - quarter.start).days <= 93
    # The year so far, up to the end of that quarter (the whole year after its last quarter).
    assert year.end == quarter.end and (year.end - year.start).days in (
        *range(89, 94),
        186,
        276,
        365,
        366,
    )
    assert demo_scores.load() == 0
