"""The «امروز» dashboard: the home's card and the page, for the directorate (every agency's
overdue items, coming meetings, the released rankings' trend) and for an agency head (their own
agency's, their scorecard once released); nothing for an officer."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from ravabet.coordination.services import scores as services
from ravabet.core import registry
from tests.coordination.fixtures_scores import (
    Values,
    compute,
    set_weights,
    three_offices,
    values,
    water,
)
from tests.factories import make_event

__all__ = ["values", "water"]  # fixtures

pytestmark = pytest.mark.django_db

TODAY = "/backoffice/coordination/today/"


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _overdue_message(agency: Any, code: str) -> None:
    from ravabet.desk.models import Message, Status

    Message.objects.create(
        tracking_code=code,
        kind="request",
        status=Status.RECEIVED,
        agency=agency,
        subject="چاله در خیابان",
        body="متن پیام",
        sla_days=7,
        due_at=timezone.now() - dt.timedelta(days=2),
    )


def _card(user: Any) -> dict[str, Any] | None:
    for card in registry.dashboard_cards(user):
        if card["key"] == "coordination.today":
            return card
    return None


def _figure(card: dict[str, Any], label: str) -> dict[str, Any]:
    return next(f for f in card["figures"] if f["label"].startswith(label))


def test_the_directorate_sees_every_agencys_overdue_items(world: Any) -> None:
    _overdue_message(world.roads, "10000001")
    _overdue_message(world.health, "10000002")
    card = _card(world.directorate_staff)
    assert card is not None and card["title"] == "امروز"
    overdue = _figure(card, "کارهای معوق")
    assert overdue["urgent"] is True
    assert any("پیام‌های مردمی از مهلت گذشته: ۲" == e["label"] for e in overdue["entries"])


def test_a_head_sees_their_own_agency_only_and_an_officer_nothing(world: Any) -> None:
    _overdue_message(world.roads, "10000001")
    _overdue_message(world.health, "10000002")
    _overdue_message(world.health, "10000003")
    card = _card(world.head_roads)
    assert card is not None
    overdue = _figure(card, "کارهای معوق")
    assert any("پیام‌های مردمی از مهلت گذشته: ۱" == e["label"] for e in overdue["entries"])
    assert _card(world.officer_roads) is None
    assert _card(world.outsider) is None
    assert _client(world.officer_roads).get(TODAY).status_code == 403


def test_coming_meetings_are_listed(world: Any) -> None:
    make_event(
        actor=world.directorate_staff,
        organizer=world.directorate,
        title="نشست هماهنگی روابط عمومی‌های استان",
        starts_at=timezone.now() + dt.timedelta(days=3),
        invite_mode="all",
    )
    card = _card(world.directorate_staff)
    assert card is not None
    upcoming = _figure(card, "مناسبت‌ها و جلسه‌های")
    assert any(e["label"] == "نشست هماهنگی روابط عمومی‌های استان" for e in upcoming["entries"])
    body = _client(world.directorate_staff).get(TODAY).content.decode()
    assert "نشست هماهنگی روابط عمومی‌های استان" in body


def test_the_trend_after_release_for_the_directorate_and_the_head(
    world: Any, values: Values, water: Any
) -> None:
    three_offices(values, world, water)
    set_weights(world.directorate_staff)
    ranking = compute(world.directorate_staff, title="رتبه‌بندی بهار ۱۴۰۴")
    # Not released: the head sees no rank, the directorate no trend yet.
    head = _card(world.head_roads)
    assert head is not None
    assert not any(f["label"].startswith("رتبهٔ") for f in head["figures"])
    body = _client(world.head_roads).get(TODAY).content.decode()
    assert "هنوز رتبه‌بندی‌ای برای این دستگاه منتشر نشده است" in body
    services.ranking_release(actor=world.directorate_staff, ranking=ranking)
    head = _card(world.head_roads)
    assert head is not None
    rank = _figure(head, "رتبهٔ")
    assert rank["count"] == 1 and "از ۳" in rank["label"]
    assert rank["url"] == "/backoffice/coordination/scorecards/roads/"
    body = _client(world.head_roads).get(TODAY).content.decode()
    assert "رتبهٔ ۱ از ۳" in body and "<svg" in body
    directorate = _card(world.directorate_staff)
    assert directorate is not None
    mean = _figure(directorate, "میانگین امتیاز")
    assert mean["count"] == round((60 + 40 + 40) / 3)
    body = _client(world.directorate_staff).get(TODAY).content.decode()
    assert "روند رتبه‌بندی روابط عمومی‌ها" in body and "<svg" in body
    assert world.roads.short_name in body  # the best office of the period


def test_the_home_shows_the_card(world: Any) -> None:
    _overdue_message(world.roads, "10000001")
    body = _client(world.directorate_staff).get("/backoffice/").content.decode()
    assert "کارهای من: امروز" in body and "پیام‌های مردمی از مهلت گذشته" in body
