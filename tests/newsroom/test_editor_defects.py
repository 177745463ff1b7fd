"""Issue 14, the editor defects a new user found, each through the pages a user opens."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
import textwrap
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jdatetime
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from ravabet.core import jalali
from ravabet.newsroom import services
from ravabet.newsroom.models import Release
from tests.factories import make_release

S = Release.Status
pytestmark = pytest.mark.django_db
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "fars-news.jsonl.gz"


class _FormValues(HTMLParser):
    """What a browser sends back from a page's form untouched: inputs, textareas, selects."""

    def __init__(self, form_index: int) -> None:
        super().__init__(convert_charrefs=True)
        self.form_index = form_index
        self.forms = -1
        self.inside = False
        self.values: dict[str, Any] = {}
        self.textareas: list[str] = []
        self._textarea: str | None = None
        self._select: str | None = None
        self._option: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms += 1
            self.inside = self.forms == self.form_index
        if not self.inside:
            return
        name = a.get("name", "")
        if tag == "input" and name and a.get("type") not in {"submit", "button"}:
            if a.get("type") == "checkbox":
                if "checked" in a:
                    self.values[name] = a.get("value", "on")
            else:
                self.values[name] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = name
            self.textareas.append(name)
            self.values[name] = ""
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.values.setdefault(self._select, []).append(a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea] += data


def form_values(html: str, index: int = 0) -> dict[str, Any]:
    parser = _FormValues(index)
    parser.feed(html)
    values = parser.values
    for name in parser.textareas:
        value = values[name]
        if value.startswith("\n"):
            value = value[1:]  # a browser drops a textarea's first newline …
        values[name] = value.replace("\n", "\r\n")  # … and sends its lines with CRLF
    return values


def editor_form(client: Client, url: str) -> dict[str, Any]:
    html = client.get(url).content.decode()
    # The editor's form is the one with the headline field (the page has the log-out form too).
    for index in range(html.count("<form")):
        values = form_values(html, index)
        if "headline" in values:
            return values
    raise AssertionError("no editor form on " + url)


def officer(world: Any) -> Client:
    client = Client()
    client.force_login(world.officer_roads)
    return client


# --- 1. a save is a fixed point ----------------------------------------------------------


def test_saving_a_draft_unchanged_twice_keeps_its_line_breaks_and_paragraphs(world: Any) -> None:
    body = "نشانی: تهران، خیابان آزادی\nتلفن: ۸۸۷۷۶۶۵۵\n\nپاراگراف دوم خبر با نرخ ۱۲٫۶ درصد."
    release = make_release(actor=world.officer_roads, agency=world.roads, body=body)
    stored = release.body
    assert "<br>" in stored
    client = officer(world)
    url = f"/backoffice/newsroom/{release.pk}/edit/"
    for _ in range(2):
        response = client.post(url, editor_form(client, url))
        assert response.status_code == 302, response.content.decode()[:2000]
        release.refresh_from_db()
        assert release.body == stored


def test_a_body_with_a_list_and_bold_survives_an_unchanged_save(world: Any) -> None:
    body = "<p>مقدمه <strong>مهم</strong></p><ul><li>یک</li><li>دو</li></ul>"
    release = make_release(actor=world.officer_roads, agency=world.roads, body=body)
    stored = release.body
    client = officer(world)
    url = f"/backoffice/newsroom/{release.pk}/edit/"
    client.post(url, editor_form(client, url))
    release.refresh_from_db()
    assert release.body == stored


# --- 2. not editable now: said before any form; two editors at once ------------------------


@pytest.mark.parametrize("status", ["submitted", "scheduled", "published"])
def test_the_writer_is_told_why_a_release_cannot_be_edited_now_without_a_form(
    world: Any, status: str
) -> None:
    release = make_release(actor=world.officer_roads, agency=world.roads, status="submitted")
    if status != "submitted":
        services.release_approve(
            actor=world.head_roads,
            release=release,
            publish_at=timezone.now() + dt.timedelta(days=1) if status == "scheduled" else None,
        )
    client = officer(world)
    response = client.get(f"/backoffice/newsroom/{release.pk}/edit/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="headline"' not in html
    assert "ویرایش نمی‌شود" in html
    expected = {
        "submitted": "بازخوانی",
        "scheduled": "برگشت به نویسنده",
        "published": "اصلاحیه",
    }[status]
    assert expected in html
    if status == "submitted":  # the way out is on the page
        assert f"/backoffice/newsroom/{release.pk}/recall/" in html
    # A post (an old tab) changes nothing and says the same.
    response = client.post(f"/backoffice/newsroom/{release.pk}/edit/", {"headline": "دیگر"})
    assert response.status_code == 409
    release.refresh_from_db()
    assert release.headline == "خبر آزمایشی"


def test_the_head_still_edits_a_submitted_release_before_approving(world: Any) -> None:
    release = make_release(actor=world.officer_roads, agency=world.roads, status="submitted")
    client = Client()
    client.force_login(world.head_roads)
    assert (
        'name="headline"' in client.get(f"/backoffice/newsroom/{release.pk}/edit/").content.decode()
    )


def test_two_editors_at_once_the_second_save_is_refused_and_both_texts_are_shown(
    world: Any,
) -> None:
    release = make_release(actor=world.officer_roads, agency=world.roads, body="متن نخست.")
    url = f"/backoffice/newsroom/{release.pk}/edit/"
    first, second = officer(world), Client()
    second.force_login(world.head_roads)
    mine = editor_form(first, url)
    theirs = editor_form(second, url)

    theirs["body"] = "متن سردبیر که زودتر ذخیره شد."
    assert second.post(url, theirs).status_code == 302
    mine["body"] = "متن نویسنده که دیرتر ذخیره شد."
    response = first.post(url, mine)
    html = response.content.decode()
    assert response.status_code == 409
    assert "جای دیگری ذخیره شده است" in html
    # Both shown side by side: theirs as saved, mine as typed (and still in the form).
    assert "متن سردبیر که زودتر ذخیره شد." in html
    assert html.count("متن نویسنده که دیرتر ذخیره شد.") >= 2
    release.refresh_from_db()
    assert "سردبیر" in release.body
    # Saving again from that page is a decision: it goes through.
    again = form_values(html, next(i for i in range(9) if "headline" in form_values(html, i)))
    assert first.post(url, again).status_code == 302
    release.refresh_from_db()
    assert "نویسنده" in release.body


# --- 5. approving with a time in the past ------------------------------------------------


def _jalali(moment: dt.datetime) -> str:
    """A moment as the head types it: Tehran wall-clock time, «۱۴۰۴/۰۲/۳۰ ۱۰:۰۰»."""
    local = jalali.to_local(moment)
    return jdatetime.datetime.fromgregorian(datetime=local).strftime("%Y/%m/%d %H:%M")


def test_approving_with_a_past_time_warns_and_asks_before_publishing(world: Any) -> None:
    release = make_release(actor=world.officer_roads, agency=world.roads, status="submitted")
    client = Client()
    client.force_login(world.head_roads)
    action = f"/backoffice/newsroom/{release.pk}/approve/"
    past = _jalali(timezone.now() - dt.timedelta(hours=3))

    response = client.post(action, {"publish_at": past})
    html = response.content.decode()
    assert response.status_code == 200
    assert "گذشته است" in html
    assert "همین حالا منتشر می‌شود" in html
    assert 'name="now"' in html and "انتشار فوری" in html
    release.refresh_from_db()
    assert release.status == S.SUBMITTED

    client.post(action, {"publish_at": past, "now": "on"})
    release.refresh_from_db()
    assert release.status == S.PUBLISHED


def test_approving_with_a_future_time_schedules_without_asking(world: Any) -> None:
    release = make_release(actor=world.officer_roads, agency=world.roads, status="submitted")
    client = Client()
    client.force_login(world.head_roads)
    future = _jalali(timezone.now() + dt.timedelta(days=2))
    client.post(f"/backoffice/newsroom/{release.pk}/approve/", {"publish_at": future})
    release.refresh_from_db()
    assert release.status == S.SCHEDULED


# --- 6. hard wraps -----------------------------------------------------------------------


def _corpus_paragraphs(count: int = 200) -> list[list[str]]:
    rows = []
    with gzip.open(CORPUS, "rt", encoding="utf-8") as lines:
        for line, _ in zip(lines, range(count), strict=False):
            rows.append(json.loads(line)["paragraphs"])
    return rows


@pytest.mark.skipif(not CORPUS.exists(), reason="the shared corpus is not here")
def test_hard_wrap_detection_on_the_corpus() -> None:
    articles = [p for p in _corpus_paragraphs() if len("\n\n".join(p)) > 400]
    assert len(articles) > 100
    for paragraphs in articles:
        # As written: one line per paragraph (blank or single breaks) — never hard-wrapped.
        assert not services.looks_hard_wrapped("\n\n".join(paragraphs))
        assert not services.looks_hard_wrapped("\n".join(paragraphs))
    wrapped = [
        "\n\n".join(textwrap.fill(p, width) for p in paragraphs)
        for paragraphs in articles
        for width in (60, 65, 70)
    ]
    found = sum(services.looks_hard_wrapped(text) for text in wrapped)
    assert found >= 0.97 * len(wrapped)


def test_a_poem_and_an_address_are_not_hard_wraps() -> None:
    poem = "می‌رود قصه ما سوی سرانجام آرام\nدفتر قصه ورق می‌خورد آرام آرام\n" * 3
    assert not services.looks_hard_wrapped(poem)
    assert not services.looks_hard_wrapped("نشانی: تهران\nتلفن: ۸۸۷۷۶۶۵۵\nدورنگار: ۸۸۷۷۶۶۵۶")


WRAPPED = textwrap.fill(
    "به گزارش روابط عمومی اداره‌کل راه و شهرسازی استان تهران، عملیات بهسازی و روکش آسفالت"
    " محور دماوند به فیروزکوه از ابتدای هفتهٔ آینده آغاز می‌شود و تا پایان مهرماه ادامه دارد."
    " در این مدت رانندگان از مسیرهای جایگزین استفاده کنند و به علائم هشدار دهنده توجه کنند."
    " مدیرکل راه و شهرسازی استان گفت این طرح با اعتبار ملی و استانی اجرا می‌شود.",
    64,
)


def test_the_editor_offers_the_reflow_with_a_preview_and_saves_the_choice(world: Any) -> None:
    client = officer(world)
    form = {"kind": "news", "headline": "آغاز بهسازی محور دماوند", "body": WRAPPED}
    response = client.post("/backoffice/newsroom/new/", form)
    html = response.content.decode()
    assert response.status_code == 200
    assert "سطرهای متن شکسته به نظر می‌رسند" in html
    assert "پیوستن سطرها و ذخیره" in html
    assert not Release.objects.exists()
    preview = html.split('id="reflow-preview">', 1)[1].split("</div>", 1)[0]
    assert preview.count("<p>") == 1 and "آسفالت محور" in preview

    # Accepting: one paragraph, no line breaks inside.
    response = client.post("/backoffice/newsroom/new/", {**form, "from_pdf": "on"})
    assert response.status_code == 302
    release = Release.objects.get()
    assert "<br>" not in release.body and release.body.count("<p>") == 1

    # Keeping the lines: saved as typed, and not asked again on a later unchanged save.
    response = client.post("/backoffice/newsroom/new/", {**form, "keep_wraps": "on"})
    kept = Release.objects.exclude(pk=release.pk).get()
    assert "<br>" in kept.body
    url = f"/backoffice/newsroom/{kept.pk}/edit/"
    assert client.post(url, editor_form(client, url)).status_code == 302


# --- 7. decimals -------------------------------------------------------------------------


def test_decimals_in_a_release_get_persian_digits_and_separator(world: Any) -> None:
    release = make_release(
        actor=world.officer_roads,
        agency=world.roads,
        headline="رشد 12.6 درصدی",
        body="دما به 18.3 درجه رسید؛ نسخهٔ 1.2.3 و https://roads.example.ir/a?v=1.5 بمانند.",
    )
    assert release.headline == "رشد ۱۲٫۶ درصدی"
    assert "۱۸٫۳" in release.body
    assert "1.2.3" in release.body
    assert "https://roads.example.ir/a?v=1.5" in release.body


# --- 8. search dates, and the htmx trigger -----------------------------------------------


def test_a_reversed_date_range_is_said_and_searched_the_right_way_round(world: Any) -> None:
    for client in (Client(), Client(headers={"HX-Request": "true"})):
        html = client.get(
            "/search/", {"q": "خبر", "since": "۱۴۰۴/۰۵/۰۱", "until": "۱۴۰۴/۰۱/۰۱"}
        ).content.decode()
        assert "«از تاریخ» پس از «تا تاریخ» بود" in html


def test_an_invalid_from_date_is_not_silently_ignored(world: Any) -> None:
    for client in (Client(), Client(headers={"HX-Request": "true"})):
        html = client.get("/search/", {"q": "خبر", "since": "۱۴۰۴/۱۳/۴۰"}).content.decode()
        assert "«از تاریخ» خوانده نشد" in html


def _trigger_tokens_ok(trigger: str) -> bool:
    """htmx 2 reads `from:` up to the next space unless the selector is in ( ) or { }."""
    for part in trigger.split(","):
        match = re.search(r"from:(\S+)(.*)", part)
        if not match:
            continue
        selector, rest = match.groups()
        if selector.startswith(("(", "{")):
            if not re.match(r"[({][^)}]*[)}]$", (selector + rest).strip()):
                return False
        elif rest.strip() and selector not in {"closest", "find", "next", "previous"}:
            return False
    return True


def test_the_search_form_has_no_htmx_trigger_syntax_error(world: Any) -> None:
    html = Client().get("/search/").content.decode()
    triggers = re.findall(r'hx-trigger="([^"]*)"', html)
    assert triggers
    assert all(_trigger_tokens_ok(t) for t in triggers), triggers
    assert _trigger_tokens_ok("submit, change from:(.filters select)")
    assert not _trigger_tokens_ok("submit, change from:.filters select")


# --- 9. switching agency keeps the text ---------------------------------------------------


def test_choosing_another_agency_is_part_of_the_form_and_keeps_what_was_typed(
    world: Any,
) -> None:
    client = Client()
    client.force_login(world.directorate_staff)
    html = client.get("/backoffice/newsroom/new/").content.decode()
    # No link that reloads the page (and loses the text): a field of the form.
    assert "?agency=" not in html
    assert 'name="agency"' in html
    response = client.post(
        "/backoffice/newsroom/new/",
        {"agency": world.health.pk, "kind": "news", "headline": "واکسیناسیون", "body": "متن."},
    )
    assert response.status_code == 302
    assert Release.objects.get().agency == world.health
    # An agency that cannot be chosen keeps the text in the form, with a word.
    response = client.post(
        "/backoffice/newsroom/new/",
        {"agency": 999_999, "kind": "news", "headline": "تیتر نوشته‌شده", "body": "متن."},
    )
    assert response.status_code == 200
    assert "تیتر نوشته‌شده" in response.content.decode()
    assert "برای این دستگاه خبر نمی‌نویسید" in response.content.decode()
    assert Release.objects.count() == 1
    # Someone who writes for one agency only is not asked.
    client.force_login(world.officer_roads)
    assert 'name="agency"' not in client.get("/backoffice/newsroom/new/").content.decode()


# --- 10. importing a picture -------------------------------------------------------------

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("photo.png", PNG, "تصویر PNG"),
        ("release.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "یک PDF"),
        ("noise.bin", bytes(range(256)) * 4, "غیرمتنی"),
    ],
)
def test_importing_a_file_that_is_not_text_says_so(
    world: Any, name: str, content: bytes, said: str
) -> None:
    client = officer(world)
    response = client.post(
        "/backoffice/newsroom/import/",
        {"file": SimpleUploadedFile(name, content), "agency": world.roads.pk},
    )
    html = response.content.decode()
    assert said in html
    assert "نه متن خبر" in html
    assert "تیتر را بنویسید" not in html
    assert not Release.objects.exists()
