"""The back-office home is the person's to-do list: my drafts, returned to me (with the
reason), awaiting my approval, scheduled — for each role, never another agency's releases."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from ravabet.core import todo
from ravabet.newsroom import selectors, services
from tests.factories import make_release

pytestmark = pytest.mark.django_db


def _home(user: Any) -> str:
    client = Client()
    client.force_login(user)
    response = client.get("/backoffice/")
    assert response.status_code == 200
    return response.content.decode()


def _section(page: str, title: str) -> str:
    """The card of one to-do list, from its heading to the next card."""
    start = page.index(f"<h3>{title}")
    end = page.find('<li class="card">', start)
    return page[start : end if end != -1 else len(page)]


@pytest.fixture
def desk(world: Any) -> dict[str, Any]:
    """A day's releases in two agencies."""
    w = world
    releases = {
        "my_draft": make_release(actor=w.officer_roads, agency=w.roads, headline="بازگشایی پل"),
        "head_draft": make_release(actor=w.head_roads, agency=w.roads, headline="طرح مدیر"),
        "health_draft": make_release(
            actor=w.officer_health, agency=w.health, headline="واکسیناسیون پاییزه"
        ),
        "roads_submitted": make_release(
            actor=w.officer_roads, agency=w.roads, headline="آزادراه شمال", status="submitted"
        ),
        "health_submitted": make_release(
            actor=w.officer_health, agency=w.health, headline="بیمارستان تازه", status="submitted"
        ),
    }
    returned = make_release(
        actor=w.officer_roads, agency=w.roads, headline="ایمنی جاده‌ها", status="submitted"
    )
    services.release_return(
        actor=w.head_roads, release=returned, reason="آمار تصادف‌ها را منبع بدهید"
    )
    releases["returned"] = returned
    scheduled = make_release(
        actor=w.officer_roads, agency=w.roads, headline="افتتاح تقاطع", status="submitted"
    )
    services.release_approve(
        actor=w.head_roads,
        release=scheduled,
        publish_at=timezone.now() + dt.timedelta(days=2),
    )
    scheduled.refresh_from_db()
    releases["scheduled"] = scheduled
    return releases


def test_the_officer_sees_their_drafts_and_what_was_returned_with_the_reason(
    world: Any, desk: dict[str, Any]
) -> None:
    page = _home(world.officer_roads)
    drafts = _section(page, "پیش‌نویس‌های من")
    assert "بازگشایی پل" in drafts and desk["my_draft"].get_backoffice_url() in drafts
    assert '<span class="badge">۱</span>' in drafts
    assert "طرح مدیر" not in page  # the head's draft is not the officer's
    returned = _section(page, "بازگشته به من برای اصلاح")
    assert "ایمنی جاده‌ها" in returned
    assert "دلیل: آمار تصادف‌ها را منبع بدهید" in returned
    assert desk["returned"].get_backoffice_url() in returned
    # An officer approves nothing; what they wrote that is scheduled is theirs to watch.
    assert "در انتظار تأیید من" not in page
    assert "افتتاح تقاطع" in _section(page, "زمان‌بندی‌شده")
    for other in ("واکسیناسیون پاییزه", "بیمارستان تازه"):
        assert other not in page


def test_the_head_sees_what_awaits_their_approval_in_their_agency_only(
    world: Any, desk: dict[str, Any]
) -> None:
    page = _home(world.head_roads)
    waiting = _section(page, "در انتظار تأیید من")
    assert "آزادراه شمال" in waiting and desk["roads_submitted"].get_backoffice_url() in waiting
    assert "بیمارستان تازه" not in page and "واکسیناسیون پاییزه" not in page
    assert "طرح مدیر" in _section(page, "پیش‌نویس‌های من")
    assert "بازگشایی پل" not in page  # the officer's draft is not the head's to-do
    scheduled = _section(page, "زمان‌بندی‌شده")
    assert "افتتاح تقاطع" in scheduled
    # The publication time in Jalali with Persian digits (Tehran time).
    from ravabet.core.jalali import format_datetime

    assert f"انتشار: {format_datetime(desk['scheduled'].scheduled_for)}" in scheduled
    assert "۱۴" in scheduled and not any(
        d in scheduled.split("انتشار:")[1][:40] for d in "0123456789"
    )


def test_the_directorate_approves_for_every_agency(world: Any, desk: dict[str, Any]) -> None:
    page = _home(world.directorate_staff)
    waiting = _section(page, "در انتظار تأیید من")
    assert "آزادراه شمال" in waiting and "بیمارستان تازه" in waiting
    assert '<span class="badge">۲</span>' in waiting
    # Nobody's drafts but their own: the directorate wrote none.
    assert "پیش‌نویسی ندارید." in _section(page, "پیش‌نویس‌های من")
    assert "بازگشایی پل" not in page and "واکسیناسیون پاییزه" not in page


def test_another_agency_s_officer_sees_none_of_roads(world: Any, desk: dict[str, Any]) -> None:
    page = _home(world.officer_health)
    assert "واکسیناسیون پاییزه" in _section(page, "پیش‌نویس‌های من")
    for roads in ("بازگشایی پل", "آزادراه شمال", "ایمنی جاده‌ها", "افتتاح تقاطع", "طرح مدیر"):
        assert roads not in page


def test_an_outsider_is_refused_the_home(world: Any, desk: dict[str, Any]) -> None:
    client = Client()
    client.force_login(world.outsider)
    response = client.get("/backoffice/")
    assert response.status_code == 403
    assert "آزادراه شمال" not in response.content.decode()
    assert selectors.todo_lists(world.outsider) == []


def test_empty_lists_say_so_and_the_to_do_comes_before_the_audit_feed(world: Any) -> None:
    page = _home(world.head_roads)
    for title, empty in (
        ("پیش‌نویس‌های من", "پیش‌نویسی ندارید."),
        ("بازگشته به من برای اصلاح", "خبری به شما بازنگشته است."),
        ("در انتظار تأیید من", "خبری در انتظار تأیید شما نیست."),
        ("زمان‌بندی‌شده", "خبر زمان‌بندی‌شده‌ای نیست."),
    ):
        section = _section(page, title)
        assert empty in section and '<span class="badge">۰</span>' in section
    assert page.index("پیش‌نویس‌های من") < page.index("آخرین رویدادها")


def test_a_long_list_shows_its_first_items_and_counts_them_all(world: Any) -> None:
    for n in range(todo.TODO_LIMIT + 2):
        make_release(actor=world.officer_roads, agency=world.roads, headline=f"خبر شمارهٔ {n}")
    drafts = _section(_home(world.officer_roads), "پیش‌نویس‌های من")
    assert '<span class="badge">۱۲</span>' in drafts
    assert drafts.count("<li>") == todo.TODO_LIMIT
    assert "فهرست کامل (۱۲)" in drafts and "?status=draft" in drafts


def test_the_administrator_approves_for_every_agency_too(world: Any, desk: dict[str, Any]) -> None:
    waiting = _section(_home(world.admin), "در انتظار تأیید من")
    assert "آزادراه شمال" in waiting and "بیمارستان تازه" in waiting


def test_a_long_return_reason_is_cut_on_the_home(world: Any) -> None:
    release = make_release(
        actor=world.officer_roads, agency=world.roads, headline="گزارش بلند", status="submitted"
    )
    services.release_return(actor=world.head_roads, release=release, reason="الف " * 400)
    returned = _section(_home(world.officer_roads), "بازگشته به من برای اصلاح")
    assert "گزارش بلند" in returned and "…" in returned
    assert returned.count("الف") < 200
