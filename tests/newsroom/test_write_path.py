"""The write path of releases: bounded work, done before the transaction; one check of input.

The change report is linear (difflib only on bounded windows) and gives difflib's answer on
real text; normalizing, sanitizing, the change report and search keys run before a
transaction opens; limits and forbidden characters are checked once, in the service, and
the form, the API and the importer show the service's message.
"""

from __future__ import annotations

import datetime as dt
import difflib
import random
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from ravabet.core import jalali, richtext
from ravabet.core.search import services as search_services
from ravabet.newsroom import services
from ravabet.newsroom.forms import ApproveForm
from ravabet.newsroom.models import Release
from ravabet.persian import normalize
from ravabet.persian.corpus import read_corpus
from tests.factories import make_release
from tests.persian.paths import CORPUS

pytestmark = pytest.mark.django_db


def baseline_changes(before: str, after: str, limit: int = 50) -> list[tuple[str, str]]:
    """The old change report: difflib over every word of both texts (quadratic)."""
    old, new = before.split(), after.split()
    pairs: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op != "equal":
            pairs.append((" ".join(old[a1:a2]), " ".join(new[b1:b2])))
            if len(pairs) >= limit:
                break
    return pairs


@pytest.fixture(scope="module")
def articles() -> list[str]:
    """Raw corpus articles: Arabic ي and ك, missing half-spaces, as real input is."""
    texts = []
    for article in read_corpus(CORPUS):
        texts.append("\n\n".join(article.paragraphs))
        if len(texts) == 150:
            break
    return texts


# --- the change report ------------------------------------------------------------------


def test_change_report_gives_difflibs_answer_on_real_articles(articles: list[str]) -> None:
    longer_than_a_window = 0
    for text in articles:
        normalized = normalize(text)
        assert richtext.normalization_changes(text, normalized) == baseline_changes(
            text, normalized
        )
        longer_than_a_window += len(text.split()) > richtext.CHANGE_WINDOW
    assert longer_than_a_window > 50


@pytest.mark.parametrize("seed", range(40))
def test_change_report_gives_difflibs_answer_when_words_merge_split_or_change(
    articles: list[str], seed: int
) -> None:
    rng = random.Random(seed)
    words = " ".join(articles[:40]).split()
    start = rng.randrange(len(words) - 2000)
    old = words[start : start + rng.randrange(100, 2000)]
    new: list[str] = []
    density = rng.choice([0.01, 0.05, 0.1, 0.2])
    i = 0
    while i < len(old):
        roll = rng.random()
        if roll < density / 3:  # a letter respelled
            new.append(old[i] + "ی")
        elif roll < 2 * density / 3 and i + 1 < len(old):  # a half-space joins two words
            new.append(old[i] + "\u200c" + old[i + 1])
            i += 1
        elif roll < density:  # a word split in two
            new += [old[i][:2], old[i][2:] or "و"]
        else:
            new.append(old[i])
        i += 1
    before, after = " ".join(old), " ".join(new)
    assert richtext.normalization_changes(before, after) == baseline_changes(before, after)


def test_change_report_of_a_megabyte_compares_only_bounded_windows(
    articles: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The old report ran difflib once on all ~200,000 words of such a text (minutes of CPU)."""
    compared: list[tuple[int, int]] = []

    class Recording(difflib.SequenceMatcher):  # type: ignore[type-arg]
        def __init__(self, *args: Any, a: Any = "", b: Any = "", **kwargs: Any) -> None:
            compared.append((len(a), len(b)))
            super().__init__(*args, a=a, b=b, **kwargs)

    monkeypatch.setattr(richtext.difflib, "SequenceMatcher", Recording)
    text = ""
    while len(text) < 1_000_000:
        text += "\n\n".join(articles)
    normalized = normalize(text)
    changes = richtext.normalization_changes(text, normalized)
    assert len(changes) == 50
    assert 0 < len(compared) <= 50
    assert max(max(sizes) for sizes in compared) <= richtext.CHANGE_WINDOW
    # Changes only at the end: the equal words are skipped without difflib.
    compared.clear()
    tail = richtext.normalization_changes(normalized + " عمومي", normalized + " عمومی")
    assert tail == [("عمومي", "عمومی")] and compared == [(1, 1)]


# --- heavy work before the transaction --------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_heavy_work_runs_before_any_transaction_opens(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Normalizing, sanitizing, the change report and search keys never hold the write lock."""
    calls: list[tuple[str, bool]] = []

    def spy(module: Any, name: str) -> None:
        real = getattr(module, name)

        def recorded(*args: Any, **kwargs: Any) -> Any:
            calls.append((name, connection.in_atomic_block))
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, recorded)

    for name in ("sanitize", "normalize_html", "normalization_changes", "clean_body", "reflow"):
        spy(services, name)
    spy(search_services, "search_key")

    body = "گزارش عملكرد  سالانه\n\n" * 50
    head, roads = world.head_roads, world.roads
    data = services.ReleaseInput(headline="گزارش سالانه", body=body, from_pdf=True)
    release = services.release_create(actor=head, agency=roads, data=data).release
    services.release_update(actor=head, release=release, data=data)
    release = services.release_submit(actor=head, release=release)
    services.release_approve(actor=head, release=release)
    services.release_correct(actor=head, release=release, note="اصلاح رقم", body=body + "تمام")
    scheduled = make_release(actor=head, agency=roads, status="submitted", body=body)
    services.release_approve(
        actor=head, release=scheduled, publish_at=timezone.now() + dt.timedelta(hours=1)
    )
    Release.objects.filter(pk=scheduled.pk).update(
        scheduled_for=timezone.now() - dt.timedelta(minutes=1)
    )
    assert services.release_publish_due() == [scheduled.pk]
    names = {name for name, _ in calls}
    assert names == {"sanitize", "normalize_html", "normalization_changes", "clean_body"} | {
        "reflow",
        "search_key",
    }
    assert [name for name, inside in calls if inside] == []


@pytest.mark.django_db(transaction=True)
def test_a_release_edited_after_keying_is_keyed_again_inside(world: Any) -> None:
    """Keys made before the transaction are used only if the row still says what was keyed."""
    from ravabet.core import search
    from ravabet.newsroom import search as release_search

    head = world.head_roads
    release = make_release(actor=head, agency=world.roads, status="submitted", body="جاده")
    stale = release_search.prepare_entry(release)
    data = services.ReleaseInput(headline="خبر آزمایشی", body="پل فردیس")
    services.release_update(actor=head, release=release, data=data)
    release.refresh_from_db()
    assert not stale.fits(release)
    assert release_search.prepare_entry(release).fits(release)
    services.release_approve(actor=head, release=release)
    assert search.search("release", "فردیس").object_ids == [release.pk]


# --- one check of what people send ------------------------------------------------------

HEADLINE_TOO_LONG = "ب" * 301


def test_service_refuses_long_or_invalid_text_with_persian_messages_keyed_by_field(
    world: Any, settings: Any
) -> None:
    settings.RAVABET_MAX_BODY_CHARS = 1000
    data = services.ReleaseInput(
        headline=HEADLINE_TOO_LONG,
        kicker="روتیتر\x00",
        lead="لید \ud800",
        body="م" * 1001,
        tags=["برچسب"] * 31,
    )
    with pytest.raises(ValidationError) as refused:
        services.release_create(actor=world.officer_roads, agency=world.roads, data=data)
    errors = refused.value.message_dict
    assert set(errors) == {"headline", "kicker", "lead", "body", "tags"}
    assert errors["headline"] == [services.text_error("headline", HEADLINE_TOO_LONG)]
    assert "۳۰۰" in errors["headline"][0] and "۳۰۱" in errors["headline"][0]
    assert "۱٬۰۰۰" in errors["body"][0]
    assert "نامعتبر" in errors["kicker"][0] and "نامعتبر" in errors["lead"][0]
    assert "۳۰" in errors["tags"][0]
    assert not Release.objects.exists()


def test_a_refused_tag_is_named_in_a_message_that_can_itself_be_printed() -> None:
    data = services.ReleaseInput(headline="تیتر", tags=["جاده", "پل\ud800", "ب" * 81])
    with pytest.raises(ValidationError) as refused:
        data.check()
    (message,) = refused.value.message_dict["tags"]
    assert "«پل»" in message and "نامعتبر" in message
    message.encode("utf-8")


def test_corrections_and_reasons_are_checked_too(world: Any) -> None:
    release = make_release(actor=world.head_roads, agency=world.roads, status="published")
    with pytest.raises(ValidationError) as refused:
        services.release_correct(
            actor=world.head_roads, release=release, note="اصلاح", headline=HEADLINE_TOO_LONG
        )
    assert set(refused.value.message_dict) == {"headline"}
    with pytest.raises(ValidationError) as refused:
        services.release_withdraw(actor=world.head_roads, release=release, reason="دلیل\x00")
    assert set(refused.value.message_dict) == {"reason"}
    release.refresh_from_db()
    assert release.status == Release.Status.PUBLISHED


def _post_new(client: Client, world: Any, **fields: str) -> Any:
    return client.post(
        "/backoffice/newsroom/new/",
        {"kind": "news", "headline": "تیتر", "agency": world.roads.slug, **fields},
    )


def test_form_shows_the_services_message_for_long_or_invalid_text(world: Any) -> None:
    client = Client()
    client.force_login(world.officer_roads)
    for field, value in [("headline", HEADLINE_TOO_LONG), ("headline", "تیتر\x00خبر")]:
        response = _post_new(client, world, **{field: value})
        assert response.status_code == 200
        expected = services.text_error(field, value)
        assert expected is not None
        assert escape(expected) in response.content.decode()
        assert response.context["form"].errors[field] == [expected]
    assert not Release.objects.exists()


def test_form_gives_the_browser_the_services_limit(world: Any) -> None:
    client = Client()
    client.force_login(world.officer_roads)
    page = client.get("/backoffice/newsroom/new/").content.decode()
    assert 'maxlength="300"' in page


def test_importer_refuses_with_the_services_message(world: Any, tmp_path: Any) -> None:
    text = f"روتیتر\n{HEADLINE_TOO_LONG}\n\nمتن خبر.\n"
    expected = services.text_error("headline", HEADLINE_TOO_LONG)
    assert expected is not None
    client = Client()
    client.force_login(world.officer_roads)
    response = client.post(
        "/backoffice/newsroom/import/",
        {"file": SimpleUploadedFile("x.txt", text.encode()), "agency": world.roads.pk},
    )
    assert escape(expected) in response.content.decode()
    path = tmp_path / "release.txt"
    path.write_text(text)
    with pytest.raises(CommandError, match="۳۰۰"):
        call_command(
            "import_release", str(path), agency="roads", user="officer.roads", stdout=StringIO()
        )
    assert not Release.objects.exists()


def test_import_with_publish_refused_leaves_no_draft(world: Any, tmp_path: Any) -> None:
    path = tmp_path / "release.txt"
    path.write_text("روتیتر\nتیتر\n\nمتن خبر.\n")
    with pytest.raises(CommandError, match="تأیید و انتشار"):
        call_command(
            "import_release",
            str(path),
            agency="roads",
            user="officer.roads",
            publish=True,
            stdout=StringIO(),
        )
    assert not Release.objects.exists()


# --- dates at the ends of the calendar --------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1250/01/01 10:00", jalali.OUT_OF_RANGE_MESSAGE),
        # Years the parser does not take for years at all (it reads 1200 to 1499).
        ("9999/12/29 23:59", "تاریخ و ساعت را به شکل ۱۴۰۴/۰۲/۳۰ ۱۰:۰۰ بنویسید."),
        ("0001/01/01 00:00", "تاریخ و ساعت را به شکل ۱۴۰۴/۰۲/۳۰ ۱۰:۰۰ بنویسید."),
    ],
)
def test_scheduling_form_refuses_dates_outside_the_calendar_in_persian(
    typed: str, message: str
) -> None:
    form = ApproveForm({"publish_at": typed})
    assert not form.is_valid()
    assert form.errors["publish_at"] == [message]


def test_scheduling_page_answers_a_far_date_with_a_message(world: Any) -> None:
    release = make_release(actor=world.head_roads, agency=world.roads, status="submitted")
    client = Client()
    client.force_login(world.head_roads)
    response = client.post(
        f"/backoffice/newsroom/{release.pk}/approve/",
        {"publish_at": "1250/01/01 10:00"},
        follow=True,
    )
    assert response.status_code == 200
    assert escape(jalali.OUT_OF_RANGE_MESSAGE) in response.content.decode()
    release.refresh_from_db()
    assert release.status == Release.Status.SUBMITTED


@pytest.mark.parametrize(
    "moment",
    [
        dt.datetime(9999, 12, 31, 23, 59),  # noqa: DTZ001 (naive: Tehran wall-clock time)
        dt.datetime(1, 1, 1),  # noqa: DTZ001
        dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.UTC),
    ],
)
def test_service_refuses_a_publish_time_outside_the_calendar(world: Any, moment: Any) -> None:
    release = make_release(actor=world.head_roads, agency=world.roads, status="submitted")
    with pytest.raises(ValidationError) as refused:
        services.release_approve(actor=world.head_roads, release=release, publish_at=moment)
    assert refused.value.message_dict == {"publish_at": [jalali.OUT_OF_RANGE_MESSAGE]}


def test_search_page_answers_a_date_at_the_end_of_the_calendar(world: Any) -> None:
    response = Client().get("/search/", {"q": "جاده", "until": "1250/01/01"})
    assert response.status_code == 200
    assert escape(jalali.OUT_OF_RANGE_MESSAGE) in response.content.decode()
