"""The platform admin: the newsroom's models and the background tasks, in Persian, with counts in
Persian digits; releases, tags and tasks read only (the workflow writes them, not the admin)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from ravabet.newsroom.models import Category, Release, Subscription, Tag
from ravabet.newsroom.tasks import publish_due_releases
from tests.factories import make_release

pytestmark = pytest.mark.django_db

LATIN_DIGIT = re.compile(r"[0-9]")


@pytest.fixture
def admin_client(world: Any) -> Client:
    client = Client()
    client.force_login(world.admin)
    return client


@pytest.fixture
def newsroom(world: Any) -> dict[str, Any]:
    releases = [
        make_release(
            actor=world.head_roads,
            agency=world.roads,
            headline=f"خبر شمارهٔ {i}",
            status="published" if i % 2 else "draft",
            tags=["ایمنی راه"],
        )
        for i in range(12)
    ]
    category = Category.objects.create(slug="urban", name="شهری")
    Release.objects.filter(pk__in=[r.pk for r in releases[:3]]).update(category=category)
    subscription = Subscription.objects.create(email="reader@example.com", agency=world.roads)
    publish_due_releases.enqueue()
    return {"releases": releases, "category": category, "subscription": subscription}


def _text(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _paginator(html: str) -> str:
    found = re.search(r'<p class="paginator">(.*?)</p>', html, re.S)
    assert found, "the change list has its count"
    # Without the links' addresses, which keep Latin digits (?p=2).
    return re.sub(r"<[^>]+>", " ", found.group(1))


@pytest.mark.parametrize(
    ("url", "persian", "count"),
    [
        ("admin:newsroom_release_changelist", "اخبار و اطلاعیه‌ها", "۱۲"),
        ("admin:newsroom_tag_changelist", "برچسب‌ها", "۱"),
        ("admin:newsroom_category_changelist", "دسته‌ها", "۱"),
        ("admin:newsroom_subscription_changelist", "اشتراک‌ها", "۱"),
        ("admin:django_tasks_database_dbtaskresult_changelist", "کارهای پس‌زمینه", "۱"),
    ],
)
def test_each_list_is_persian_with_its_count_in_persian_digits(
    admin_client: Client, newsroom: dict[str, Any], url: str, persian: str, count: str
) -> None:
    html = _text(admin_client.get(reverse(url)))
    assert persian in html
    counted = _paginator(html)
    assert count in counted and not LATIN_DIGIT.search(counted), counted


def test_release_list_columns_filters_and_search_in_persian(
    admin_client: Client, newsroom: dict[str, Any]
) -> None:
    url = reverse("admin:newsroom_release_changelist")
    html = _text(admin_client.get(url))
    for header in ("تیتر", "دستگاه", "وضعیت", "زمان انتشار"):
        assert header in html
    assert "منتشرشده" in html and "پیش‌نویس" in html  # statuses as their Persian labels
    # A search: the result count in Persian digits.
    found = _text(admin_client.get(url, {"q": "شمارهٔ ۱۱"}))
    count = re.search(r'<span class="small quiet">(.*?)\(', found, re.S)
    assert count and count.group(1).strip() == "۱ نتیجه"
    # A filter by status: six published.
    published = _text(admin_client.get(url, {"status__exact": "published"}))
    assert "۶" in _paginator(published)
    # Facet counts, when shown, in Persian digits too.
    facets = _text(admin_client.get(url, {"_facets": "1"}))
    assert "(۶)" in facets and "(6)" not in facets


def test_long_lists_page_in_persian_digits_with_working_links(
    admin_client: Client, newsroom: dict[str, Any], monkeypatch: Any
) -> None:
    from ravabet.newsroom import admin as newsroom_admin

    monkeypatch.setattr(newsroom_admin.ReleaseAdmin, "list_per_page", 5)
    url = reverse("admin:newsroom_release_changelist")
    html = _text(admin_client.get(url, {"status__exact": "published", "q": "خبر"}))
    paginator = re.search(r'<p class="paginator">(.*?)</p>', html, re.S)
    assert paginator
    assert ">۲</a>" in paginator.group(1)
    link = re.search(r'href="([^"]*)"[^>]*>۲</a>', paginator.group(1))
    assert link is not None
    # The link keeps the filter and the search, and asks page 2 in Latin digits.
    second = _text(admin_client.get(url + link.group(1).replace("&amp;", "&")))
    assert '<span class="this-page">۲</span>' in second
    assert "۶" in _paginator(second)


def test_a_release_is_read_only_in_the_admin(
    admin_client: Client, newsroom: dict[str, Any], world: Any
) -> None:
    release = newsroom["releases"][1]
    headline = release.headline
    page = _text(admin_client.get(reverse("admin:newsroom_release_change", args=[release.pk])))
    assert release.headline in page
    assert 'name="headline"' not in page  # shown, not editable
    response = admin_client.post(
        reverse("admin:newsroom_release_change", args=[release.pk]), {"headline": "دست‌کاری"}
    )
    assert response.status_code == 403
    release.refresh_from_db()
    assert release.headline == headline
    assert admin_client.get(reverse("admin:newsroom_release_add")).status_code == 403
    delete = reverse("admin:newsroom_release_delete", args=[release.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert Release.objects.filter(pk=release.pk).exists()


def test_categories_are_managed_here_tags_are_not(
    admin_client: Client, newsroom: dict[str, Any]
) -> None:
    response = admin_client.post(
        reverse("admin:newsroom_category_add"), {"name": "سلامت", "slug": "health"}
    )
    assert response.status_code == 302
    assert Category.objects.filter(slug="health").exists()
    tag = Tag.objects.get()
    assert admin_client.get(reverse("admin:newsroom_tag_add")).status_code == 403
    tag_page = _text(admin_client.get(reverse("admin:newsroom_tag_change", args=[tag.pk])))
    assert 'name="name"' not in tag_page


def test_a_subscription_is_seen_and_removed_not_edited(
    admin_client: Client, newsroom: dict[str, Any]
) -> None:
    subscription = newsroom["subscription"]
    url = reverse("admin:newsroom_subscription_change", args=[subscription.pk])
    page = _text(admin_client.get(url))
    assert "reader@example.com" in page and "در انتظار تأیید" in page
    assert 'name="email"' not in page
    delete = reverse("admin:newsroom_subscription_delete", args=[subscription.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 302
    assert not Subscription.objects.exists()


def test_the_task_pages_are_persian(admin_client: Client, newsroom: dict[str, Any]) -> None:
    from django_tasks_db.models import DBTaskResult

    index = _text(admin_client.get(reverse("admin:index")))
    assert "کارهای پس‌زمینه" in index and "Task Results" not in index
    url = reverse("admin:django_tasks_database_dbtaskresult_changelist")
    html = _text(admin_client.get(url))
    for text in ("کار", "وضعیت", "در صف از", "آمادهٔ اجرا", "publish_due_releases"):
        assert text in html
    assert "Task Result" not in html and "Enqueued at" not in html.replace("enqueued_at", "")
    ready = _text(admin_client.get(url, {"status": "READY"}))
    assert "publish_due_releases" in ready
    none = _text(admin_client.get(url, {"status": "FAILED"}))
    assert "publish_due_releases" not in none
    job = DBTaskResult.objects.get()
    detail = _text(
        admin_client.get(reverse("admin:django_tasks_database_dbtaskresult_change", args=[job.pk]))
    )
    assert "کار پس‌زمینه" in detail and "ورودی‌ها" in detail and "Task Result" not in detail


def test_an_officer_cannot_open_the_admin(world: Any, newsroom: dict[str, Any]) -> None:
    client = Client()
    client.force_login(world.head_roads)
    response = client.get(reverse("admin:newsroom_release_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.parametrize(
    "url",
    ["admin:agencies_agency_changelist", "admin:agencies_county_changelist", "admin:index"],
)
def test_the_other_admin_pages_still_open_with_persian_counts(
    admin_client: Client, url: str
) -> None:
    html = _text(admin_client.get(reverse(url)))
    if url != "admin:index":
        assert not LATIN_DIGIT.search(_paginator(html))
