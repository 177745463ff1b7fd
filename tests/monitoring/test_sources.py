"""News sources: entered and changed by the directorate only, the feed link checked (http or
https, length, a host), Persian refusals beside the fields with nothing saved, audited, and
«poll now» claiming the source and enqueueing its poll."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django_tasks import task_backends

from ravabet.core.models import AuditEntry
from ravabet.core.permissions import AgencyPermissionDenied
from ravabet.monitoring import sources
from ravabet.monitoring.models import IngestRun, Source
from ravabet.monitoring.sources import SourceInput

BASE = "/backoffice/monitoring/sources/"
GOOD = {
    "name": "خبرگزاری ایرنا",
    "url": "https://www.irna.ir/rss",
    "site": "irna.ir",
    "poll_minutes": "۱۵",
    "is_active": "on",
}


def client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture(autouse=True)
def _tasks_recorded(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def test_the_directorate_adds_and_edits_a_source(world: Any) -> None:
    c = client(world.directorate_staff)
    response = c.post(BASE + "new/", GOOD)
    assert response.status_code == 302
    source = Source.objects.get()
    assert (source.name, source.url, source.poll_minutes) == (
        "خبرگزاری ایرنا",
        "https://www.irna.ir/rss",
        15,
    )
    assert source.is_active and not source.fetch_full_text and source.kind == Source.Kind.FEED
    assert AuditEntry.objects.filter(action="source.create", actor=world.directorate_staff).exists()
    Source.objects.filter(pk=source.pk).update(
        etag='"abc"', health=Source.Health.FAILING, consecutive_errors=3
    )
    changed = {**GOOD, "url": "https://www.irna.ir/rss/all", "fetch_full_text": "on"}
    assert c.post(BASE + f"{source.pk}/", changed).status_code == 302
    source.refresh_from_db()
    # A new link starts afresh: no ETag, health «new», due at once.
    assert source.url.endswith("/all") and source.fetch_full_text
    assert (source.etag, source.health, source.consecutive_errors) == ("", "new", 0)
    assert source.next_poll_at is None
    assert AuditEntry.objects.filter(action="source.update").count() == 1


def test_the_source_page_shows_its_runs(world: Any) -> None:
    source = Source.objects.create(name="فارس", url="https://www.farsnews.ir/rss")
    for i in range(25):
        IngestRun.objects.create(source=source, label=f"poll {i}", seen=i, created=i)
    IngestRun.objects.filter(label="poll 0").update(error="خطای شبکه: زمان پاسخ گذشت")
    body = client(world.officer_roads).get(BASE + f"{source.pk}/").content.decode()
    assert body.count("<tr><td>") == 20  # the last 20 runs
    assert "ذخیرهٔ منبع" not in body and "همین حالا بخوان" not in body  # read-only
    directorate = client(world.directorate_staff).get(BASE + f"{source.pk}/").content.decode()
    assert "ذخیرهٔ منبع" in directorate and "همین حالا بخوان" in directorate


@pytest.mark.parametrize("role", ["officer_roads", "head_roads", "officer_health"])
def test_only_the_directorate_changes_sources(world: Any, role: str) -> None:
    source = Source.objects.create(name="فارس", url="https://www.farsnews.ir/rss")
    c = client(getattr(world, role))
    assert c.get(BASE + "new/").status_code == 403
    assert c.post(BASE + "new/", GOOD).status_code == 403
    assert c.post(BASE + f"{source.pk}/", {**GOOD, "name": "دیگر"}).status_code == 403
    assert c.post(BASE + f"{source.pk}/poll/").status_code == 403
    assert list(Source.objects.values_list("name", flat=True)) == ["فارس"]
    assert Source.objects.get().next_poll_at is None
    assert not AuditEntry.objects.filter(action__startswith="source.").exists()
    with pytest.raises(AgencyPermissionDenied):
        sources.source_save(
            actor=getattr(world, role), data=SourceInput(**{**GOOD, "poll_minutes": 15})
        )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("url", "ftp://irna.ir/rss", "فقط نشانی‌های http یا https پذیرفته است."),
        ("url", "javascript:alert(1)", "فقط نشانی‌های http یا https پذیرفته است."),
        ("url", "https://irna.ir/" + "a" * 2000, "نویسه"),
        ("url", "https:///rss", "نام میزبان ندارد"),
        ("url", "", "نشانی خوراک را بنویسید."),
        ("poll_minutes", "0", "فاصلهٔ خواندن باید از ۵ تا ۱۴۴۰ دقیقه باشد."),
        ("poll_minutes", "100000", "فاصلهٔ خواندن باید از ۵ تا ۱۴۴۰ دقیقه باشد."),
        ("poll_minutes", "پنج", "فاصلهٔ خواندن باید از ۵ تا ۱۴۴۰ دقیقه باشد."),
        ("name", "   ", "را بنویسید"),
        ("name", "ن" * 201, "نویسه"),
    ],
)
def test_bad_input_is_refused_in_persian_and_nothing_saved(
    world: Any, field: str, value: str, message: str
) -> None:
    response = client(world.directorate_staff).post(BASE + "new/", {**GOOD, field: value})
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body and 'class="field-error"' in body
    assert not Source.objects.exists()
    assert not AuditEntry.objects.filter(action="source.create").exists()


def test_the_service_refuses_what_the_form_would(world: Any) -> None:
    bad = SourceInput(name="ایرنا", url="ftp://irna.ir/rss", poll_minutes=2)
    with pytest.raises(ValidationError) as caught:
        sources.source_save(actor=world.directorate_staff, data=bad)
    assert set(caught.value.message_dict) == {"url", "poll_minutes"}
    assert not Source.objects.exists()


def test_poll_now_claims_the_source_and_enqueues_its_poll(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    source = Source.objects.create(name="فارس", url="https://www.farsnews.ir/rss")
    c = client(world.directorate_staff)
    backend: Any = task_backends["default"]
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(BASE + f"{source.pk}/poll/")
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.next_poll_at is not None  # claimed: the scheduler leaves it alone
    [result] = backend.results
    assert result.task.name == "poll_source"
    assert result.args == [source.pk, source.next_poll_at.isoformat()]
    assert c.get(BASE + f"{source.pk}/poll/").status_code == 405
    Source.objects.filter(pk=source.pk).update(is_active=False)
    response = c.post(BASE + f"{source.pk}/poll/", follow=True)
    assert "اکنون خوانده نمی‌شود" in response.content.decode()


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1/rss", "http://localhost/rss", "http://10.0.0.5/"]
)
def test_internal_addresses_are_refused_by_the_feeds_guard(
    world: Any, settings: Any, url: str
) -> None:
    settings.RAVABET_MONITORING_ALLOW_PRIVATE_FEEDS = False
    response = client(world.directorate_staff).post(BASE + "new/", {**GOOD, "url": url})
    assert response.status_code == 200 and 'class="field-error"' in response.content.decode()
    assert not Source.objects.exists()
    settings.RAVABET_MONITORING_ALLOW_PRIVATE_FEEDS = True  # an operator's own test feed
    assert (
        client(world.directorate_staff).post(BASE + "new/", {**GOOD, "url": url}).status_code == 302
    )
