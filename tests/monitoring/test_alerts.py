"""Alerts: a burst over a quiet history opens one episode and e-mails the right people once;
a re-run does nothing more; the end of the burst closes it; a later burst is a new episode;
1→2 over a zero baseline never fires; saved searches alert their owner only; the pages (another
agency's alert is a 404), acknowledging (the permission matrix, the audit) and the card."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from ravabet.core.models import AuditEntry
from ravabet.monitoring import alerts, pipeline, watches
from ravabet.monitoring.models import Alert, Mention, Watch
from ravabet.monitoring.pipeline import RawArticle
from ravabet.monitoring.watches import WatchInput

NOW = dt.datetime(2025, 5, 20, 8, 0, tzinfo=dt.UTC)
_serial = itertools.count()


def watch(actor: Any, agency: Any, terms: str, kind: str = Watch.Kind.NAME) -> Watch:
    return watches.watch_save(
        actor=actor, data=WatchInput(agency=agency, name=terms, terms=terms, kind=kind)
    )


def news(
    term: str,
    *ages: dt.timedelta,
    tone: str | None = Mention.Tone.NEGATIVE,
    at: dt.datetime = NOW,
) -> list[int]:
    """One article naming `term` published at `at` - age for each age, matched, with `tone`."""
    raws = []
    for age in ages:
        n = next(_serial)
        raws.append(
            RawArticle(
                url=f"https://news{n % 4}.ir/a/{n}",
                title=f"گزارش شماره {n} دربارهٔ {term}",
                body=f"در خبر {n} از عملکرد {term} انتقاد شد و مردم گلایه کردند. کد {n}",
                published_at=at - age,
            )
        )
    ids = pipeline.ingest(raws, now=at).created_ids
    watches.match(ids)
    if tone is not None:
        Mention.objects.filter(article_id__in=ids).update(tone=tone)
    return ids


def hours(*values: float) -> list[dt.timedelta]:
    return [dt.timedelta(hours=h) for h in values]


def quiet_history(term: str) -> None:
    """One negative article every third day of the last four weeks (before the window)."""
    news(term, *[dt.timedelta(days=d, hours=3) for d in range(3, 29, 3)])


def run(capture: Any, now: dt.datetime = NOW) -> alerts.CheckResult:
    with capture(execute=True):
        return alerts.check(now=now)


@pytest.fixture
def roads_watch(world: Any) -> Watch:
    return watch(world.officer_roads, world.roads, "راه و شهرسازی")


def test_a_burst_opens_one_episode_mailed_once_to_the_right_people(
    world: Any, roads_watch: Watch, django_capture_on_commit_callbacks: Any
) -> None:
    watch(world.officer_health, world.health, "علوم پزشکی")
    quiet_history("راه و شهرسازی")
    quiet_history("علوم پزشکی")
    news("علوم پزشکی", *hours(2))  # one: the usual for health
    result = run(django_capture_on_commit_callbacks)
    assert result.opened == [] and not Alert.objects.exists() and not mail.outbox

    news("راه و شهرسازی", *hours(1, 2, 3, 5, 8))
    result = run(django_capture_on_commit_callbacks)
    alert = Alert.objects.get()
    assert result.opened == [alert.pk]
    assert (alert.kind, alert.agency, alert.watch) == (Alert.Kind.NEGATIVE, world.roads, None)
    assert alert.count == 5 and alert.ended_at is None and alert.notified_at is not None
    assert alert.threshold == 3 and 0 < alert.baseline < 1
    assert "راه و شهرسازی" in alert.title
    to = sorted(address for m in mail.outbox for address in m.to)
    assert to == sorted(
        u.email for u in (world.head_roads, world.officer_roads, world.directorate_staff)
    )
    assert world.officer_health.email not in to
    message = mail.outbox[0]
    assert "هشدار رسانه‌ای" in message.subject and "\n" not in message.subject
    assert reverse("monitoring:alert", args=[alert.pk]) in message.body
    assert "۵ خبر" in message.body and "راه و شهرسازی" in message.body
    alternatives = getattr(message, "alternatives", [])
    assert alternatives and 'dir="rtl"' in alternatives[0][0]

    # running again (the next quarter hour, one more article): nothing new, no mail
    news("راه و شهرسازی", *hours(0.1))
    result = run(django_capture_on_commit_callbacks, NOW + dt.timedelta(minutes=15))
    assert result.opened == [] and result.updated == 1
    assert len(mail.outbox) == 3
    alert.refresh_from_db()
    assert (alert.count, alert.peak, Alert.objects.count()) == (6, 6, 1)
    assert alerts.notify(alert.pk) == 0  # a second worker notifying: claimed already
    assert len(mail.outbox) == 3

    # the burst over: two days later the window is empty, the episode closes
    result = run(django_capture_on_commit_callbacks, NOW + dt.timedelta(days=2))
    alert.refresh_from_db()
    assert result.closed == 1 and alert.ended_at == NOW + dt.timedelta(days=2)
    assert alert.peak == 6 and alert.count == 0

    # a new burst later: a new episode, mailed again once
    later = NOW + dt.timedelta(days=5)
    news("راه و شهرسازی", *hours(1, 2, 3, 4, 6, 7), at=later)
    result = run(django_capture_on_commit_callbacks, later)
    assert len(result.opened) == 1 and Alert.objects.count() == 2
    assert Alert.objects.filter(ended_at__isnull=True).get().pk == result.opened[0]
    assert len(mail.outbox) == 6


def test_hysteresis_keeps_an_episode_open_near_the_threshold(
    world: Any, roads_watch: Watch, django_capture_on_commit_callbacks: Any
) -> None:
    news("راه و شهرسازی", *hours(1, 2, 3, 4))
    run(django_capture_on_commit_callbacks)
    alert = Alert.objects.get()
    # 22 hours later two of the four are still in the window: below the threshold (3), not
    # back to usual (below 2): still open
    result = run(django_capture_on_commit_callbacks, NOW + dt.timedelta(hours=21, minutes=30))
    alert.refresh_from_db()
    assert alert.count == 2 and alert.ended_at is None and result.updated == 1
    result = run(django_capture_on_commit_callbacks, NOW + dt.timedelta(hours=22, minutes=30))
    alert.refresh_from_db()
    assert alert.count == 1 and alert.ended_at is not None and result.closed == 1


@pytest.mark.parametrize(("burst", "fires"), [(1, False), (2, False), (3, True)])
def test_a_zero_baseline_needs_three(
    world: Any,
    roads_watch: Watch,
    django_capture_on_commit_callbacks: Any,
    burst: int,
    fires: bool,
) -> None:
    news("راه و شهرسازی", *hours(*range(1, burst + 1)))
    news("راه و شهرسازی", *hours(4, 5, 6), tone=Mention.Tone.NEUTRAL)  # not negative
    run(django_capture_on_commit_callbacks)
    assert Alert.objects.exists() is fires
    assert bool(mail.outbox) is fires


def test_a_busy_agency_needs_more_than_its_usual(
    world: Any, roads_watch: Watch, django_capture_on_commit_callbacks: Any
) -> None:
    # five negative articles a day for four weeks: the usual is 5, the threshold 2 × 5 or more
    news("راه و شهرسازی", *[dt.timedelta(days=d, hours=h) for d in range(2, 30) for h in range(5)])
    news("راه و شهرسازی", *hours(*range(1, 9)))  # 8 in a day: a busy day, not an alert
    run(django_capture_on_commit_callbacks)
    assert not Alert.objects.exists()
    level = alerts.levels(alerts.NEGATIVE, [world.roads.pk], alerts.Periods.at(NOW))[world.roads.pk]
    assert level.count == 8 and level.baseline == pytest.approx(5, abs=0.5)
    assert level.threshold >= 10
    news("راه و شهرسازی", *hours(*[9 + i / 2 for i in range(10)]))  # 18 in a day
    run(django_capture_on_commit_callbacks)
    assert Alert.objects.get().count == 18


def test_a_saved_search_alerts_its_owner_only(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    mine = watch(world.officer_health, None, "واکسن آنفلوآنزا", kind=Watch.Kind.SEARCH)
    news("واکسن آنفلوآنزا", *hours(1, 2, 3, 4), tone=None)  # any match counts, not only negative
    run(django_capture_on_commit_callbacks)
    alert = Alert.objects.get()
    assert (alert.kind, alert.watch, alert.agency) == (Alert.Kind.SEARCH, mine, None)
    assert [m.to for m in mail.outbox] == [[world.officer_health.email]]
    # only its owner sees it, not even the directorate
    assert alerts.open_alert_count(world.officer_health) == 1
    assert alerts.open_alert_count(world.directorate_staff) == 0
    assert alerts.by_pk(world.admin, alert.pk) is None


def test_two_workers_never_open_two_episodes(world: Any, roads_watch: Watch) -> None:
    news("راه و شهرسازی", *hours(1, 2, 3))
    periods = alerts.Periods.at(NOW)
    level = alerts.levels(alerts.NEGATIVE, [world.roads.pk], periods)[world.roads.pk]
    first, second = alerts.CheckResult(), alerts.CheckResult()
    alerts._evaluate(alerts.NEGATIVE, world.roads.pk, level, NOW, first)

    class Blind(alerts.Subject):  # a worker that read "none open" before the first committed
        def alerts(self) -> Any:
            return Alert.objects.none()

    blind = Blind(alerts.NEGATIVE.kind, alerts.NEGATIVE.key)
    alerts._evaluate(blind, world.roads.pk, level, NOW, second)
    assert len(first.opened) == 1 and second.opened == []
    assert Alert.objects.count() == 1


# --- pages, acknowledging, the card -----------------------------------------------------------


@pytest.fixture
def two_alerts(world: Any, roads_watch: Watch, django_capture_on_commit_callbacks: Any) -> Any:
    watch(world.officer_health, world.health, "علوم پزشکی")
    news("راه و شهرسازی", *hours(1, 2, 3))
    news("علوم پزشکی", *hours(1, 2, 3, 4))
    run(django_capture_on_commit_callbacks)
    return Alert.objects.get(agency=world.roads), Alert.objects.get(agency=world.health)


def test_pages_show_only_what_a_person_may_see(client: Any, world: Any, two_alerts: Any) -> None:
    roads, health = two_alerts
    client.force_login(world.officer_roads)
    page = client.get(reverse("monitoring:alerts"))
    assert page.status_code == 200
    assert roads.title in page.content.decode() and health.title not in page.content.decode()
    detail = client.get(reverse("monitoring:alert", args=[roads.pk]))
    assert detail.status_code == 200
    html = detail.content.decode()
    assert "<svg" in html and "آستانهٔ هشدار" in html and "گزارش شماره" in html
    assert "شمار ۲۴ ساعت ۳ خبر" in html  # the chart's level is the alert's last check
    assert client.get(reverse("monitoring:alert", args=[health.pk])).status_code == 404
    assert client.post(reverse("monitoring:alert_ack", args=[health.pk])).status_code == 404
    client.force_login(world.directorate_staff)
    both = client.get(reverse("monitoring:alerts") + "?state=open").content.decode()
    assert roads.title in both and health.title in both
    client.force_login(world.outsider)
    assert client.get(reverse("monitoring:alerts")).status_code == 403
    client.logout()
    assert client.get(reverse("monitoring:alerts")).status_code == 302


def test_hostile_query_strings(client: Any, world: Any, two_alerts: Any) -> None:
    client.force_login(world.directorate_staff)
    url = reverse("monitoring:alerts")
    for query in ("state=<script>", "page=۹۹۹۹۹۹۹۹۹۹۹۹", "page=%00", "state=%ED%A0%80", "page=-3"):
        assert client.get(f"{url}?{query}").status_code in (200, 400)
    assert client.get("/backoffice/monitoring/alerts/99999999999999999999/").status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("officer_roads", 302),
        ("head_roads", 302),
        ("directorate_staff", 302),
        ("admin", 302),
        ("officer_health", 404),
        ("outsider", 403),
    ],
)
def test_acknowledge_matrix(
    client: Any, world: Any, two_alerts: Any, who: str, status: int
) -> None:
    roads, _ = two_alerts
    user = getattr(world, who)
    client.force_login(user)
    url = reverse("monitoring:alert_ack", args=[roads.pk])
    assert client.get(url).status_code in (403, 404, 405)
    response = client.post(url)
    assert response.status_code == status
    roads.refresh_from_db()
    entries = AuditEntry.objects.filter(action="alert.acknowledge", object_id=str(roads.pk))
    if status == 302:
        assert roads.acknowledged_by == user and roads.acknowledged_at is not None
        assert entries.count() == 1 and entries.get().agency == world.roads
        again = client.post(url, follow=True)
        assert "پیش‌تر دیده" in again.content.decode()
        assert entries.count() == 1
    else:
        assert roads.acknowledged_at is None and not entries.exists()


def test_the_card_counts_open_unacknowledged_alerts(world: Any, two_alerts: Any) -> None:
    roads, _ = two_alerts

    def card(user: Any) -> list[dict[str, Any]]:
        return alerts.dashboard_figures(user)

    assert [f["count"] for f in card(world.officer_roads)] == [1]
    assert card(world.officer_roads)[0]["urgent"] is True
    assert card(world.directorate_staff)[0]["count"] == 2
    assert card(world.outsider) == []
    alerts.acknowledge(actor=world.officer_roads, alert=roads)
    assert alerts.open_alert_count(world.officer_roads) == 0
    assert alerts.open_alert_count(world.directorate_staff) == 1
    assert card(world.officer_roads)[0]["urgent"] is False


def test_the_back_office_overview_shows_the_card(client: Any, world: Any, two_alerts: Any) -> None:
    client.force_login(world.officer_roads)
    html = client.get(reverse("core:backoffice")).content.decode()
    assert "هشدارهای رسانه‌ای باز: <strong>۱</strong>" in html
    assert reverse("monitoring:alerts") + "?state=open" in html


def test_open_alerts_come_first(client: Any, world: Any, two_alerts: Any) -> None:
    roads, health = two_alerts
    Alert.objects.filter(pk=roads.pk).update(ended_at=NOW + dt.timedelta(days=1))
    client.force_login(world.directorate_staff)
    html = client.get(reverse("monitoring:alerts")).content.decode()
    assert html.index(health.title) < html.index(roads.title)
    assert "پایان‌یافته" in html
    only_open = client.get(reverse("monitoring:alerts") + "?state=open").content.decode()
    assert health.title in only_open and roads.title not in only_open
