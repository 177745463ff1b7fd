"""The pipeline of investors' inquiries: figures per opportunity for the directorate, an
agency's own for its staff, the outcome form."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ravabet.core import jalali
from ravabet.investment import selectors, services
from ravabet.investment.models import Inquiry

pytestmark = pytest.mark.django_db
URL = "/backoffice/investment/pipeline/"


@pytest.fixture(autouse=True)
def generous_limits(settings: Any) -> None:
    settings.RAVABET_SMS_BACKEND = "ravabet.core.sms.LocmemBackend"


def _ask(about: Any, *, mobile: str = "09121234567", **extra: Any) -> Inquiry:
    return services.inquiry_submit(
        data=services.InquiryInput(
            name="سرمایه‌گذار آزمایشی",
            message="شرایط مشارکت را بفرمایید.",
            mobile=mobile,
            opportunity=about,
            **extra,
        )
    )


@pytest.fixture
def asked(
    world: Any, published_opportunity: Any, make_opportunity: Callable[..., Any]
) -> dict[str, Any]:
    health = make_opportunity(
        world, status="published", agency=world.health, title="بیمارستان خصوصی پردیس"
    )
    roads = [_ask(published_opportunity, mobile=f"0912123456{i}") for i in range(3)]
    services.inquiry_set_outcome(actor=world.officer_roads, inquiry=roads[0], outcome="meeting")
    services.inquiry_set_outcome(
        actor=world.officer_roads,
        inquiry=roads[1],
        outcome="declined",
        reason="طرح با توان مالی شرکت نمی‌خواند.",
    )
    return {"roads": roads, "health": [_ask(health)], "health_opportunity": health}


def _today() -> dt.date:
    return jalali.to_local(timezone.now()).date()


def test_directorate_sees_every_agency_figures(world: Any, asked: dict[str, Any]) -> None:
    report = selectors.pipeline(world.directorate_staff, _today(), _today())
    assert report.all_agencies
    assert report.total.received == 4
    first = report.rows[0]
    assert first.agency == world.roads and first.received == 3
    assert (first.meetings, first.declined, first.open) == (1, 1, 1)
    assert first.declined_reasons == ["طرح با توان مالی شرکت نمی‌خواند."]
    assert first.answered == 0 and first.in_time_share is None  # nothing due yet


def test_an_agency_sees_only_its_own(world: Any, asked: dict[str, Any]) -> None:
    report = selectors.pipeline(world.officer_health, _today(), _today())
    assert not report.all_agencies
    assert [row.title for row in report.rows] == ["بیمارستان خصوصی پردیس"]


def test_answer_times_come_from_the_desk(world: Any, asked: dict[str, Any]) -> None:
    from ravabet.desk import selectors as desk_selectors
    from ravabet.desk import services as desk_services

    message = desk_selectors.message_get_for(world.officer_roads, asked["roads"][0].message_id)
    desk_services.message_answer(
        actor=world.officer_roads, message=message, text="جلسه را هماهنگ می‌کنیم."
    )
    row = selectors.pipeline(world.directorate_staff, _today(), _today()).rows[0]
    assert row.answered == 1 and row.median_days == 0 and row.in_time_share == 1.0


def test_pipeline_page_for_directorate_and_agency_and_refusal(
    client: Client, world: Any, asked: dict[str, Any], password: str
) -> None:
    client.login(username="directorate", password=password)
    body = client.get(URL).content.decode()
    assert "مسیر درخواست‌های سرمایه‌گذاران" in body
    assert 'role="img"' in body and "بیمارستان خصوصی پردیس" in body
    assert "طرح با توان مالی شرکت نمی‌خواند." in body
    assert 'data-label="در مهلت"' in body
    client.login(username="officer.health", password=password)
    body = client.get(URL).content.decode()
    assert "بیمارستان خصوصی پردیس" in body and "چیتگر" not in body
    client.login(username="citizen", password=password)
    assert client.get(URL).status_code == 403
    client.logout()
    assert client.get(URL).status_code == 302
    # A bad date never fails the page.
    client.login(username="directorate", password=password)
    assert client.get(URL, {"start": "۱۴۰۴/۱۳/۴۰", "end": "x"}).status_code == 200


def test_outcome_form(client: Client, world: Any, asked: dict[str, Any], password: str) -> None:
    inquiry = asked["roads"][2]
    url = reverse("investment:inquiry_outcome", args=[inquiry.pk])
    client.login(username="officer.roads", password=password)
    response = client.post(url, {"outcome": "declined", "reason": ""}, follow=True)
    assert "بنویسید چرا درخواست منتفی شد." in response.content.decode()
    inquiry.refresh_from_db()
    assert inquiry.outcome == "open"
    response = client.post(url, {"outcome": "mou", "next": URL}, follow=True)
    assert response.status_code == 200
    inquiry.refresh_from_db()
    assert inquiry.outcome == "mou"
    # Another agency's officer gets a 404, and nothing changes.
    client.login(username="officer.health", password=password)
    assert client.post(url, {"outcome": "meeting"}).status_code == 404
    inquiry.refresh_from_db()
    assert inquiry.outcome == "mou"
