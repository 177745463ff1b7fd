"""The daily bulletin: the Tehran day's clippings grouped by story, the directorate's view of
every agency, editors' choices kept over a rebuild, sending once with the PDF to the agency's
members only, the PDF itself (Persian header, page numbers, Vazirmatn embedded, nothing
fetched), and the pages' permissions."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
from types import SimpleNamespace
from typing import Any, cast
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from ravabet.core.models import AuditEntry
from ravabet.core.permissions import AgencyPermissionDenied
from ravabet.monitoring import bulletins, pdf, pipeline, stories, watches
from ravabet.monitoring.bulletins import BulletinError
from ravabet.monitoring.models import Article, Bulletin, BulletinItem, Mention
from ravabet.monitoring.pipeline import RawArticle
from ravabet.monitoring.watches import WatchInput
from ravabet.persian import to_persian_digits

TEHRAN = ZoneInfo("Asia/Tehran")
DAY = dt.date(2025, 5, 20)  # ۳۰ اردیبهشت ۱۴۰۴
LATER = dt.datetime(2025, 5, 23, 9, 0, tzinfo=dt.UTC)
ROADS = "راه و شهرسازی"
HEALTH = "علوم پزشکی"
SERIAL = itertools.count(1)
FILLER = (
    "به گزارش خبرنگار ما در نشست امروز مدیران استان دربارهٔ برنامه‌های تازه برای بهبود "
    "خدمات شهری و پروژه‌های عمرانی سخن گفتند و گزارشی از پیشرفت کارها در شهرستان‌ها "
    "ارائه شد که در آن به کمبود اعتبار و کندی کار پیمانکاران در چند طرح اشاره شد "
)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TEHRAN)


def publish(*items: tuple[str, str, dt.datetime], outlet: str = "") -> list[int]:
    """Articles (title, body, published) stored, matched and grouped into stories, as the
    pipeline's after-commit steps do."""
    raws = [
        RawArticle(
            url=f"https://{outlet or f'site{i % 4}.ir'}/news/{next(SERIAL)}",
            title=t,
            lead=f"لید خبر {t}",
            body=b,
            published_at=p,
        )
        for i, (t, b, p) in enumerate(items)
    ]
    ids = pipeline.ingest(raws, now=LATER).created_ids
    stories.assign(ids)
    watches.match(ids)
    return ids


def watch(actor: Any, agency: Any, terms: str) -> None:
    watches.watch_save(actor=actor, data=WatchInput(agency=agency, name=terms, terms=terms))


@pytest.fixture
def day(world: Any) -> dict[str, Any]:
    """A day of news about roads and health, with a story of three near-copies."""
    watch(world.officer_roads, world.roads, ROADS)
    watch(world.officer_health, world.health, HEALTH)
    story_body = f"{FILLER} اداره کل {ROADS} استان از آغاز ساخت آزادراه تازه خبر داد. {FILLER}"
    ids = {
        "story": publish(
            ("آغاز ساخت آزادراه", story_body, at(DAY, 9)),
            ("آغاز ساخت آزادراه تازه", story_body + " پایان.", at(DAY, 11)),
            ("ساخت آزادراه آغاز شد", "خبر فوری: " + story_body, at(DAY, 13)),
        ),
        "early": publish(
            (f"دیدار مدیر {ROADS}", f"مدیر {ROADS} با مردم دیدار کرد.", at(DAY, 0, 1))
        ),
        "late": publish(
            (f"گزارش شبانه {ROADS}", f"بازدید شبانه {ROADS} از پروژه.", at(DAY, 23, 59))
        ),
        "before": publish(
            (f"خبر دیروز {ROADS}", f"خبر دیروز {ROADS} است.", at(DAY, 0) - dt.timedelta(minutes=1))
        ),
        "after": publish(
            (f"خبر فردا {ROADS}", f"خبر فردا {ROADS} است.", at(DAY + dt.timedelta(days=1), 0, 1))
        ),
        "health": publish((f"واکسن {HEALTH}", f"دانشگاه {HEALTH} واکسن زد.", at(DAY, 10))),
        "none": publish(("هوای تهران", "هوا آلوده است.", at(DAY, 12))),
    }
    # A clipping mentioned negatively: its story comes first.
    Mention.objects.filter(article_id=ids["late"][0]).update(tone=Mention.Tone.NEGATIVE)
    Mention.objects.filter(article_id__in=ids["story"]).update(tone=Mention.Tone.POSITIVE)
    return ids


def article_ids(bulletin: Bulletin, *, included: bool | None = None) -> list[int]:
    items = bulletin.items.order_by("position")
    if included is not None:
        items = items.filter(included=included)
    return list(items.values_list("article_id", flat=True))


# --- build ---------------------------------------------------------------------------------------


def test_an_agency_bulletin_holds_its_tehran_day_grouped_by_story(world: Any, day: Any) -> None:
    story = day["story"]
    assert len(set(Article.objects.filter(pk__in=story).values_list("story", flat=True))) == 1
    bulletin = bulletins.build(agency=world.roads, day=DAY)
    # 00:01 and 23:59 Tehran are in; a minute before the day and 00:01 the next day are out;
    # health's article and the unmatched one are not roads'.
    assert set(article_ids(bulletin)) == {*story, *day["early"], *day["late"]}
    # the negative clipping's story first, then the larger story (three near-copies, by time),
    # then the rest by time
    assert article_ids(bulletin) == [*day["late"], *story, *day["early"]]
    assert bulletin.status == Bulletin.Status.DRAFT
    figures = bulletin.figures
    assert figures["articles"] == 5 and figures["stories"] == 3
    assert figures["tones"] == {"negative": 1, "neutral": 0, "positive": 3, "unknown": 1}
    assert figures["previous"] == {"articles": 1, "negative": 0}  # the minute before the day
    assert sum(n for _, n in figures["outlets"]) == 5
    item = bulletin.items.get(article_id=day["late"][0])
    assert item.tone == "negative" and item.mention is not None
    assert item.mention.agency == world.roads
    groups = bulletins.groups_of(bulletins.items_of(bulletin, included_only=False))
    assert [len(g.items) for g in groups] == [1, 3, 1]


def test_the_directorate_bulletin_covers_every_agency(world: Any, day: Any) -> None:
    # roads also worries about the health story: two mentions, the worst tone shown
    watch(world.officer_roads, world.roads, "واکسن")
    watches.match(day["health"])  # what the watch's rematch task does after the commit
    Mention.objects.filter(article_id=day["health"][0], agency=world.health).update(
        tone=Mention.Tone.NEGATIVE
    )
    Mention.objects.filter(article_id=day["health"][0], agency=world.roads).update(
        tone=Mention.Tone.POSITIVE
    )
    assert Mention.objects.filter(article_id=day["health"][0]).count() == 2
    bulletin = bulletins.build(agency=world.directorate, day=DAY)
    expected = {*day["story"], *day["early"], *day["late"], *day["health"]}
    assert set(article_ids(bulletin)) == expected
    assert bulletin.items.get(article_id=day["health"][0]).tone == "negative"
    health = bulletins.build(agency=world.health, day=DAY)
    assert article_ids(health) == day["health"]


def test_rebuilding_a_draft_keeps_the_editors_choices(world: Any, day: Any) -> None:
    bulletin = bulletins.build(agency=world.roads, day=DAY)
    item = bulletin.items.get(article_id=day["early"][0])
    bulletins.bulletin_set_item(actor=world.officer_roads, item=item, included=False)
    bulletins.bulletin_set_summary(
        actor=world.officer_roads, bulletin=bulletin, summary="  روز پرخبری بود  "
    )
    assert Bulletin.objects.get().figures["articles"] == 4  # the figures follow the choice
    newer = publish((f"خبر تازهٔ {ROADS}", f"خبر تازهٔ {ROADS} رسید.", at(DAY, 20)))
    again = bulletins.build(agency=world.roads, day=DAY, actor=world.officer_roads)
    assert again.pk == bulletin.pk and again.summary == "روز پرخبری بود"
    assert article_ids(again, included=False) == day["early"]
    assert newer[0] in article_ids(again, included=True)
    assert again.figures["articles"] == 5
    assert bulletins.build(agency=world.roads, day=DAY).items.count() == 6  # idempotent
    assert AuditEntry.objects.filter(action="bulletin.build").count() == 2
    assert AuditEntry.objects.filter(action="bulletin.update").count() == 2


def test_refusals_in_persian(world: Any, day: Any) -> None:
    bulletin = bulletins.build(agency=world.roads, day=DAY)
    item = bulletin.items.first()
    assert item is not None
    with pytest.raises(AgencyPermissionDenied):
        bulletins.bulletin_set_item(actor=world.officer_health, item=item, included=False)
    with pytest.raises(AgencyPermissionDenied):
        bulletins.build(agency=world.roads, day=DAY, actor=world.officer_health)
    with pytest.raises(AgencyPermissionDenied):
        bulletins.build(agency=world.directorate, day=DAY, actor=world.officer_roads)
    with pytest.raises(ValidationError) as too_long:
        bulletins.bulletin_set_summary(
            actor=world.officer_roads, bulletin=bulletin, summary="الف" * 2000
        )
    assert "خلاصه" in str(too_long.value) and "نویسه" in str(too_long.value)
    assert Bulletin.objects.get().summary == ""
    bulletins.bulletin_send(actor=world.officer_roads, bulletin=bulletin)
    with pytest.raises(BulletinError, match="فرستاده شده"):
        bulletins.bulletin_set_item(actor=world.officer_roads, item=item, included=False)
    with pytest.raises(BulletinError, match="فرستاده شده"):
        bulletins.bulletin_set_summary(actor=world.head_roads, bulletin=bulletin, summary="x")
    with pytest.raises(BulletinError, match="فرستاده شده"):
        bulletins.bulletin_send(actor=world.head_roads, bulletin=bulletin)
    # a sent bulletin is never rebuilt: a new article of the day does not join it
    publish((f"خبر دیرهنگام {ROADS}", f"خبر دیرهنگام {ROADS}.", at(DAY, 22)))
    assert bulletins.build(agency=world.roads, day=DAY).items.count() == 5
    assert BulletinItem.objects.get(pk=item.pk).included is True


ROLES = ["admin", "directorate_staff", "head_roads", "officer_roads", "officer_health", "outsider"]
ALLOWED = {"admin", "directorate_staff", "head_roads", "officer_roads"}
ACTIONS = ["build", "item", "summary", "send"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
def test_role_by_action_matrix(world: Any, day: Any, role: str, action: str) -> None:
    bulletin = bulletins.build(agency=world.roads, day=DAY)
    item = bulletin.items.get(article_id=day["early"][0])
    actor = getattr(world, role)
    call = {
        "build": lambda: bulletins.build(agency=world.roads, day=DAY, actor=actor),
        "item": lambda: bulletins.bulletin_set_item(actor=actor, item=item, included=False),
        "summary": lambda: bulletins.bulletin_set_summary(
            actor=actor, bulletin=bulletin, summary="خلاصه"
        ),
        "send": lambda: bulletins.bulletin_send(actor=actor, bulletin=bulletin),
    }[action]
    entries = AuditEntry.objects.count()
    if role in ALLOWED:
        call()
        assert AuditEntry.objects.count() == entries + 1
        return
    with pytest.raises(AgencyPermissionDenied) as refused:
        call()
    assert "بولتن" in str(refused.value)
    after = Bulletin.objects.get()
    assert (after.status, after.summary) == ("draft", "")
    assert BulletinItem.objects.get(pk=item.pk).included is True
    assert AuditEntry.objects.count() == entries


# --- sending -------------------------------------------------------------------------------------


def _with_emails(world: Any) -> None:
    for user, address in (
        (world.officer_roads, "officer.roads@example.ir"),
        (world.head_roads, "head.roads@example.ir"),
        (world.officer_health, "officer.health@example.ir"),
        (world.directorate_staff, "pr@ostan-th.ir"),
    ):
        user.email = address
        user.save(update_fields=["email"])


def test_sending_mails_the_pdf_once_to_the_agency_members_only(
    world: Any, day: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    _with_emails(world)
    bulletin = bulletins.build(agency=world.roads, day=DAY)
    with django_capture_on_commit_callbacks(execute=True):
        sent = bulletins.bulletin_send(actor=world.head_roads, bulletin=bulletin)
    assert sent.status == Bulletin.Status.SENT and sent.sent_by == world.head_roads
    assert sorted(m.to[0] for m in mail.outbox) == [
        "head.roads@example.ir",
        "officer.roads@example.ir",
    ]
    message = mail.outbox[0]
    assert message.subject.startswith("بولتن خبری — ۳۰ اردیبهشت ۱۴۰۴")
    assert world.roads.name in message.subject
    name, content, kind = message.attachments[0]
    assert kind == "application/pdf" and content.startswith(b"%PDF")
    assert name == "bulletin-roads-1404-02-30.pdf"
    html, html_kind = cast(EmailMultiAlternatives, message).alternatives[0]
    assert html_kind == "text/html" and 'dir="rtl"' in str(html)
    entry = AuditEntry.objects.get(action="bulletin.send")
    assert (entry.from_state, entry.to_state) == ("draft", "sent")
    # yesterday's task finds nothing more to send: no second e-mail
    with django_capture_on_commit_callbacks(execute=True):
        assert bulletins.send_drafts(DAY) == 0
    assert len(mail.outbox) == 2


def test_the_morning_tasks_build_then_send_once(
    world: Any, day: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    _with_emails(world)
    agencies = bulletins.agencies_with_mentions(DAY)
    assert {a.pk for a in agencies} == {world.directorate.pk, world.roads.pk, world.health.pk}
    for agency in agencies:
        bulletins.build(agency=agency, day=DAY)
        bulletins.build(agency=agency, day=DAY)  # twice: still one bulletin each
    assert Bulletin.objects.count() == 3
    with django_capture_on_commit_callbacks(execute=True):
        assert bulletins.send_drafts(DAY) == 3
    with django_capture_on_commit_callbacks(execute=True):
        assert bulletins.send_drafts(DAY) == 0  # a second run (or a second worker) sends nothing
    assert sorted(m.to[0] for m in mail.outbox) == [
        "head.roads@example.ir",
        "officer.health@example.ir",
        "officer.roads@example.ir",
        "pr@ostan-th.ir",
    ]
    assert set(Bulletin.objects.values_list("status", flat=True)) == {"sent"}
    # the losing worker's conditional update changes nothing
    assert bulletins._mark_sent(Bulletin.objects.first(), None, None) is False  # type: ignore[arg-type]


def test_the_daily_tasks_run_for_yesterday(world: Any, settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    assert bulletins.build_daily_bulletins.call() == 1  # the directorate's, even on a quiet day
    bulletin = Bulletin.objects.get()
    assert bulletin.agency == world.directorate and bulletin.day == bulletins.yesterday()
    assert bulletins.send_daily_bulletins.call() == 0  # nothing in it: it stays a draft
    assert Bulletin.objects.get().status == Bulletin.Status.DRAFT


# --- the PDF -------------------------------------------------------------------------------------


def pdf_text(document: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(document))
    return reader, "\n".join(page.extract_text() or "" for page in reader.pages)


def fonts_of(reader: PdfReader) -> set[str]:
    names: set[str] = set()
    for page in reader.pages:
        resources: Any = page["/Resources"]
        for font in resources["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def test_the_pdf_is_persian_with_its_header_and_page_numbers(world: Any, day: Any) -> None:
    bulletin = bulletins.build(agency=world.roads, day=DAY)
    bulletins.bulletin_set_summary(
        actor=world.officer_roads, bulletin=bulletin, summary="خلاصهٔ ویراستار"
    )
    bulletins.bulletin_set_item(
        actor=world.officer_roads,
        item=bulletin.items.get(article_id=day["early"][0]),
        included=False,
    )
    document = pdf.render(Bulletin.objects.get())
    assert document.startswith(b"%PDF")
    reader, text = pdf_text(document)
    text = text.replace("\u200c", "")  # half-spaces do not come out of the PDF's text
    pages = len(reader.pages)
    assert pages >= 1
    assert "بولتن خبری" in text and "خلاصهٔ ویراستار" in text
    assert world.roads.name.replace("\u200c", "") in text
    # digits of a right-to-left run may come out reversed: accept either order
    assert "اردیبهشت" in text and ("۱۴۰۴" in text or "۴۰۴۱" in text)
    assert f"صفحهٔ ۱ از {to_persian_digits(str(pages))}" in text
    assert "آغاز ساخت آزادراه" in text
    assert f"دیدار مدیر {ROADS}" not in text  # dropped
    assert any(re.search(r"\+Vazirmatn", name) for name in fonts_of(reader))


def test_the_pdf_fetches_nothing_but_our_fonts() -> None:
    fetcher = pdf.LocalFetcher()
    font = pdf.font_faces()[0]["url"]
    response = fetcher.fetch(font)
    assert response.read(4) == b"wOF2"
    response.close()
    for url in (
        "https://example.com/x.png",
        "http://127.0.0.1:8000/",
        "file:///etc/passwd",
        f"{font}/../../../../../../../etc/passwd",
        "data:text/plain,hello",
    ):
        with pytest.raises(pdf.RefusedFetch):
            fetcher.fetch(url)


def test_a_busy_day_is_cut_at_300_clippings(world: Any) -> None:
    watch(world.officer_roads, world.roads, ROADS)
    base = at(DAY, 8)
    raws = [
        RawArticle(
            url=f"https://site{n % 7}.ir/news/{n}",
            title=f"خبر شمارهٔ {n} دربارهٔ {ROADS}",
            body=f"متن خبر {n} {ROADS} " + " ".join(f"واژه{n}x{k}" for k in range(40)),
            published_at=base + dt.timedelta(seconds=n * 100),
        )
        for n in range(305)
    ]
    ids = pipeline.ingest(raws, now=LATER).created_ids
    watches.match(ids)
    bulletin = bulletins.build(agency=world.roads, day=DAY)
    assert bulletin.items.count() == bulletins.MAX_ITEMS == 300
    assert bulletin.figures["cut"] == 5 and bulletin.figures["day_total"] == 305
    # the day's earliest are kept
    assert set(article_ids(bulletin)) == set(sorted(ids)[:300])
    page = _client(world.officer_roads).get(reverse("monitoring:bulletin", args=[bulletin.pk]))
    assert "۵ خبر نیامده است" in page.content.decode()


def test_the_pdf_says_what_was_cut(world: Any, day: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(bulletins, "MAX_ITEMS", 3)
    bulletin = bulletins.build(agency=world.roads, day=DAY)
    assert bulletin.items.count() == 3 and bulletin.figures["cut"] == 2
    _, text = pdf_text(pdf.render(bulletin))
    assert "۲ خبر نیامده است" in text.replace("\u200c", "")


# --- pages ---------------------------------------------------------------------------------------


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_pages_permission_matrix(world: Any, day: Any) -> None:
    bulletin = bulletins.build(agency=world.roads, day=DAY)
    item = bulletin.items.first()
    assert item is not None
    page = reverse("monitoring:bulletin", args=[bulletin.pk])
    download = reverse("monitoring:bulletin_pdf", args=[bulletin.pk])
    listing = reverse("monitoring:bulletins")
    anonymous = Client().get(page)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    assert Client().get(download).status_code == 302
    for user in (world.officer_roads, world.head_roads, world.directorate_staff, world.admin):
        client = _client(user)
        response = client.get(page)
        assert response.status_code == 200
        assert "آغاز ساخت آزادراه" in response.content.decode()
        assert client.get(listing).status_code == 200
    assert _client(world.officer_health).get(page).status_code == 404
    assert _client(world.officer_health).get(download).status_code == 404
    assert world.roads.name not in _client(world.officer_health).get(listing).content.decode()
    assert _client(world.outsider).get(page).status_code == 403
    # hostile query strings: never a 500
    staff = _client(world.directorate_staff)
    for query in ("?agency=abc", "?agency=-1", "?agency=" + "9" * 5000, "?page=۲", "?page=%00"):
        assert staff.get(listing + query).status_code == 200
    only_roads = staff.get(f"{listing}?agency={world.roads.pk}").content.decode()
    assert page in only_roads
    assert page not in staff.get(f"{listing}?agency={world.health.pk}").content.decode()
    other = _client(world.officer_health)
    toggle = reverse("monitoring:bulletin_item", args=[bulletin.pk, item.pk])
    assert other.post(toggle, {"included": "0"}).status_code == 404
    assert other.post(reverse("monitoring:bulletin_send", args=[bulletin.pk])).status_code == 404
    assert BulletinItem.objects.get(pk=item.pk).included is True


def test_editing_on_the_page_with_and_without_htmx(world: Any, day: Any) -> None:
    bulletin = bulletins.build(agency=world.roads, day=DAY)
    item = bulletin.items.get(article_id=day["early"][0])
    client = _client(world.officer_roads)
    page = reverse("monitoring:bulletin", args=[bulletin.pk])
    toggle = reverse("monitoring:bulletin_item", args=[bulletin.pk, item.pk])
    shown = client.get(page).content.decode()
    assert '<th scope="row">خبرها</th><td>۵</td>' in shown and "bulletin-tones" in shown
    response = client.post(toggle, {"included": "0"})
    assert response.status_code == 302 and response["Location"] == page
    assert '<th scope="row">خبرها</th><td>۴</td>' in client.get(page).content.decode()
    assert BulletinItem.objects.get(pk=item.pk).included is False
    partial = client.post(toggle, {"included": "1"}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and "<html" not in partial.content.decode()
    answer = partial.content.decode()
    assert "ساعت ۰۰:۰۱" in answer and "کنار گذاشتن" in answer
    # the figures come along, out of band
    assert 'id="bulletin-figures" hx-swap-oob="true"' in answer
    assert '<th scope="row">خبرها</th><td>۵</td>' in answer
    assert BulletinItem.objects.get(pk=item.pk).included is True
    summary = reverse("monitoring:bulletin_summary", args=[bulletin.pk])
    long = client.post(summary, {"summary": "ب" * 5000}, follow=True)
    assert "نویسه" in long.content.decode() and Bulletin.objects.get().summary == ""
    client.post(summary, {"summary": "خلاصهٔ امروز"})
    assert Bulletin.objects.get().summary == "خلاصهٔ امروز"
    download = client.get(reverse("monitoring:bulletin_pdf", args=[bulletin.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    disposition = download["Content-Disposition"]
    assert disposition.startswith('attachment; filename="bulletin-roads-1404-02-30.pdf"')
    assert "filename*=UTF-8''" in disposition
    assert download.content.startswith(b"%PDF")
    # rendered once per version: the second download is the cached one, an edit makes another
    current = Bulletin.objects.get(pk=bulletin.pk)
    assert cache.get(pdf.cache_key(current)) == download.content
    again = client.get(reverse("monitoring:bulletin_pdf", args=[bulletin.pk]))
    assert again.content == download.content
    client.post(toggle, {"included": "0"})
    assert pdf.cache_key(Bulletin.objects.get(pk=bulletin.pk)) != pdf.cache_key(current)
    client.post(toggle, {"included": "1"})
    # build now: a Jalali date in Persian digits; a bad one is a Persian error, not a 500
    build = reverse("monitoring:bulletin_build")
    made = client.post(build, {"agency": world.roads.pk, "day": "۱۴۰۴/۰۲/۲۹"})
    assert made.status_code == 302
    assert Bulletin.objects.filter(agency=world.roads, day=DAY - dt.timedelta(days=1)).exists()
    bad = client.post(build, {"agency": world.roads.pk, "day": "۱۴۰۴/۰۲/۳۲"})
    assert bad.status_code == 400 and "تاریخ را به شکل ۱۴۰۴/۰۲/۳۰" in bad.content.decode()
    other = client.post(build, {"agency": world.health.pk, "day": "۱۴۰۴/۰۲/۲۹"})
    assert other.status_code == 400 and "این دستگاه را نمی‌توانید برگزینید" in other.content.decode()
    assert not Bulletin.objects.filter(agency=world.health).exists()
    sent = client.post(reverse("monitoring:bulletin_send", args=[bulletin.pk]), follow=True)
    assert sent.status_code == 200 and Bulletin.objects.get(pk=bulletin.pk).status == "sent"
    refused = client.post(toggle, {"included": "0"}, follow=True)
    assert "فرستاده شده" in refused.content.decode()
    assert BulletinItem.objects.get(pk=item.pk).included is True


def test_a_large_bulletin_is_rendered_by_a_worker_while_the_page_says_so(
    world: Any, day: Any, monkeypatch: Any
) -> None:
    from ravabet.monitoring import pdf, tasks

    bulletin = bulletins.build(agency=world.roads, day=DAY)
    # Fewer clippings than a busy day has: the threshold lowered, not the day made huge.
    monkeypatch.setattr(pdf, "SYNC_MAX_ITEMS", 1)
    asked: list[int] = []
    render = tasks.render_bulletin_pdf
    monkeypatch.setattr(tasks, "render_bulletin_pdf", SimpleNamespace(enqueue=asked.append))
    client = _client(world.officer_roads)
    download = reverse("monitoring:bulletin_pdf", args=[bulletin.pk])
    waiting = client.get(download)
    assert waiting.status_code == 202
    assert "در حال آماده‌سازی" in waiting.content.decode()
    assert 'http-equiv="refresh"' in waiting.content.decode()
    assert client.get(download).status_code == 202
    assert asked == [bulletin.pk]  # asked once, however often the page asks again
    # The worker renders it; the next ask is the file.
    assert render.func(bulletin.pk) > 10_000
    ready = client.get(download)
    assert ready.status_code == 200 and ready.content.startswith(b"%PDF")
