"""The back-office overview tells each person what waits for them in the desk."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from ravabet.desk.models import Message
from tests.desk.test_services import make_message

pytestmark = pytest.mark.django_db


def _overview(user: Any) -> str:
    client = Client()
    client.force_login(user)
    response = client.get("/backoffice/")
    assert response.status_code == 200
    return response.content.decode()


def test_an_officer_sees_their_agency_s_open_and_overdue_messages(world: Any) -> None:
    make_message(world.roads)
    late = make_message(world.roads)
    Message.objects.filter(pk=late.pk).update(due_at=timezone.now() - dt.timedelta(days=1))
    make_message(world.health)  # another agency's: not counted
    page = _overview(world.officer_roads)
    assert "آنچه منتظر شماست" in page
    assert "پیام‌های باز: <strong>۲</strong>" in page
    assert "از مهلت گذشته: <strong>۱</strong>" in page
    assert "?overdue=1" in page
    assert "در انتظار ارجاع" not in page  # routing is the directorate's


def test_the_directorate_sees_the_triage(world: Any) -> None:
    make_message(None)
    page = _overview(world.directorate_staff)
    assert "در انتظار ارجاع: <strong>۱</strong>" in page and "?triage=1" in page
