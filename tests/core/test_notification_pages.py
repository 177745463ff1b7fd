"""The bell and the person's notifications: counted in the back office's menu, listed a page at
a time, opened (read from then on), all marked read at once; only one's own."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ravabet.core.models import Notification
from ravabet.core.notifications import notify

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_bell_counts_my_unread_notifications_in_persian(world: Any) -> None:
    notify(
        [world.officer_roads], kind="release.returned", text="خبر «پل» بازگشت", link="/backoffice/"
    )
    notify([world.officer_roads], kind="release.published", text="خبر «تقاطع» منتشر شد")
    notify([world.head_roads], kind="release.submitted", text="خبری برای تأیید")  # not mine
    page = _client(world.officer_roads).get("/backoffice/").content.decode()
    assert 'href="/backoffice/notifications/"' in page
    assert '<span class="badge">۲<span class="visually-hidden"> اعلان خوانده‌نشده</span>' in page


def test_the_bell_costs_one_query_and_public_pages_do_not_pay_it(world: Any) -> None:
    client = _client(world.officer_roads)
    client.get("/backoffice/")  # warm the session, the caches
    with CaptureQueriesContext(connection) as queries:
        client.get("/backoffice/")
    bell = [q for q in queries.captured_queries if "core_notification" in q["sql"]]
    assert len(bell) == 1
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/agencies/").status_code == 200
    assert not [q for q in queries.captured_queries if "core_notification" in q["sql"]]


def test_no_badge_when_everything_is_read(world: Any) -> None:
    page = _client(world.officer_roads).get("/backoffice/").content.decode()
    assert "اعلان خوانده‌نشده" not in page


def test_the_list_shows_only_mine_newest_first_and_pages(world: Any) -> None:
    for n in range(35):
        notify([world.officer_roads], kind="release.published", text=f"اعلان شمارهٔ {n}")
    notify([world.officer_health], kind="release.published", text="اعلان سلامت")
    client = _client(world.officer_roads)
    first = client.get("/backoffice/notifications/").content.decode()
    assert "اعلان شمارهٔ 34" in first and "اعلان سلامت" not in first
    assert first.index("اعلان شمارهٔ 34") < first.index("اعلان شمارهٔ 33")
    assert "صفحهٔ ۱ از ۲" in first and "اعلان شمارهٔ 0<" not in first
    second = client.get("/backoffice/notifications/", {"page": "۲"}).content.decode()
    assert "اعلان شمارهٔ 0<" in second and "اعلان شمارهٔ 34" not in second


def test_opening_one_marks_it_read_and_goes_to_its_link(world: Any) -> None:
    (pk,) = notify(
        [world.officer_roads], kind="release.returned", text="بازگشت", link="/backoffice/news/"
    )
    client = _client(world.officer_roads)
    page = client.get("/backoffice/notifications/").content.decode()
    assert f'href="/backoffice/notifications/{pk}/"' in page and "<strong>بازگشت</strong>" in page
    response = client.get(f"/backoffice/notifications/{pk}/")
    assert response.status_code == 302 and response["Location"] == "/backoffice/news/"
    assert Notification.objects.get(pk=pk).read_at is not None
    page = client.get("/backoffice/notifications/").content.decode()
    assert "<strong>بازگشت</strong>" not in page and "همه را خوانده‌شده کن" not in page


def test_one_without_a_link_leads_back_to_the_list(world: Any) -> None:
    (pk,) = notify([world.officer_roads], kind="x.y", text="بی‌پیوند", link="https://evil.example/")
    response = _client(world.officer_roads).get(f"/backoffice/notifications/{pk}/")
    assert response["Location"] == "/backoffice/notifications/"


def test_another_person_s_notification_is_404_and_stays_unread(world: Any) -> None:
    (pk,) = notify([world.head_roads], kind="release.submitted", text="برای تأیید", link="/")
    response = _client(world.officer_roads).get(f"/backoffice/notifications/{pk}/")
    assert response.status_code == 404
    assert Notification.objects.get(pk=pk).read_at is None


def test_mark_all_read_marks_only_mine(world: Any) -> None:
    notify([world.officer_roads], kind="a.b", text="یک")
    notify([world.officer_roads], kind="a.b", text="دو")
    (other,) = notify([world.head_roads], kind="a.b", text="سه")
    client = _client(world.officer_roads)
    assert "همه را خوانده‌شده کن" in client.get("/backoffice/notifications/").content.decode()
    assert client.get("/backoffice/notifications/read-all/").status_code == 405
    response = client.post("/backoffice/notifications/read-all/", follow=True)
    assert "۲ اعلان خوانده‌شده شد." in response.content.decode()
    assert not Notification.objects.filter(user=world.officer_roads, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=other).read_at is None


def test_the_page_needs_a_login(world: Any) -> None:
    response = Client().get("/backoffice/notifications/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
