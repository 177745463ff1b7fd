"""Reading feeds (monitoring/feeds.py) from a local HTTP server: the good feeds and every way a
news site's server goes wrong (not XML, 50 MB, redirect loops, hangs, broken encodings), and
what a poll records on the source (health, back-off, ETag/Last-Modified)."""

from __future__ import annotations

import datetime as dt
import time
import zlib
from collections.abc import Iterator
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ravabet.core import richtext
from ravabet.monitoring import feeds, pipeline
from ravabet.monitoring.models import Article, IngestRun, Source
from tests.monitoring.feedserver import FeedServer, atom, corpus_items, rss

MB = 1024 * 1024


@pytest.fixture
def server(settings: Any) -> Iterator[FeedServer]:
    """The local feed server, on 127.0.0.1: private addresses allowed while it runs."""
    settings.RAVABET_MONITORING_ALLOW_PRIVATE_FEEDS = True
    with FeedServer() as running:
        yield running


def _source(url: str, **fields: Any) -> Source:
    return Source(name="خبرگزاری فارس", url=url, **fields)


class FakeIngest:
    """pipeline.ingest as a recorder: every batch kept, each new link counted as created."""

    def __init__(self) -> None:
        self.batches: list[list[pipeline.RawArticle]] = []
        self.links: set[str] = set()

    def __call__(self, raws: list[pipeline.RawArticle], *, source: Any = None) -> Any:
        self.batches.append(list(raws))
        new = {raw.url for raw in raws} - self.links
        self.links |= new
        return pipeline.IngestResult(
            seen=len(raws), created=len(new), duplicates=len(raws) - len(new)
        )

    @property
    def raws(self) -> list[pipeline.RawArticle]:
        return [raw for batch in self.batches for raw in batch]


@pytest.fixture
def ingested(monkeypatch: pytest.MonkeyPatch) -> FakeIngest:
    fake = FakeIngest()
    monkeypatch.setattr(pipeline, "ingest", fake)
    return fake


# --- fetch: good feeds


def test_rss_entries_become_raw_articles(server: FeedServer) -> None:
    items = corpus_items(5)
    server.serve("/rss", rss(items))
    fetched = feeds.fetch(_source(server.url("/rss")))
    assert fetched.status == 200 and not fetched.not_modified
    assert [a.url for a in fetched.articles] == [i["link"] for i in items]
    first, item = fetched.articles[0], items[0]
    assert first.title == " ".join(item["title"].split())
    assert first.lead == item["lead"]  # the HTML of the description, as text
    assert item["paragraphs"][0] in first.body and item["paragraphs"][-1] in first.body
    assert "<p>" not in first.body
    assert first.published_at == item["published"]
    assert first.published_at.tzinfo is not None
    assert first.author == "خبرگزاری فارس"
    assert first.guid == item["link"]
    headers = server.headers_of("/rss")[0]
    assert headers["User-Agent"].startswith("Ravabet")
    assert "gzip" in headers["Accept-Encoding"]


def test_atom_feed(server: FeedServer) -> None:
    items = corpus_items(3, start=10)
    server.serve("/atom", atom(items), content_type="application/atom+xml")
    fetched = feeds.fetch(_source(server.url("/atom")))
    assert [a.title for a in fetched.articles] == [" ".join(i["title"].split()) for i in items]
    assert fetched.articles[0].published_at == items[0]["published"]  # from <updated>
    assert items[0]["paragraphs"][0] in fetched.articles[0].body
    assert fetched.articles[0].lead == items[0]["lead"]


def test_gzipped_feed(server: FeedServer) -> None:
    server.serve("/rss.gz", rss(corpus_items(4)), gzipped=True)
    fetched = feeds.fetch(_source(server.url("/rss.gz")))
    assert len(fetched.articles) == 4


def test_one_redirect_is_followed(server: FeedServer) -> None:
    server.serve("/new", rss(corpus_items(2)))
    server.serve("/old", b"", status=301, headers={"Location": "/new"})
    fetched = feeds.fetch(_source(server.url("/old")))
    assert fetched.url == server.url("/new")
    assert len(fetched.articles) == 2


def test_entry_without_date_or_with_future_date(server: FeedServer) -> None:
    items = corpus_items(3, start=20)
    del items[0]["published"]
    items[1]["published"] = dt.datetime(2031, 1, 1, tzinfo=dt.UTC)
    server.serve("/rss", rss(items))
    articles = feeds.fetch(_source(server.url("/rss"))).articles
    assert articles[0].published_at is None  # the pipeline uses the fetch time, guessed
    assert articles[1].published_at == dt.datetime(2031, 1, 1, tzinfo=dt.UTC)  # pipeline clamps
    assert articles[2].published_at == items[2]["published"]


def test_entry_without_link_is_dropped_and_guid_link_is_used(server: FeedServer) -> None:
    items = corpus_items(3, start=30)
    items[0]["link"] = ""
    items[0]["guid"] = "tag:farsnews.ir,2026:1"  # no link anywhere: dropped
    items[1]["link"] = ""  # its guid is a link: used
    server.serve("/rss", rss(items))
    articles = feeds.fetch(_source(server.url("/rss"))).articles
    assert [a.url for a in articles] == [items[1]["guid"], items[2]["link"]]


def test_relative_links_are_resolved_and_other_schemes_dropped(server: FeedServer) -> None:
    items = corpus_items(3, start=100)
    items[0]["link"] = "/news/14040230000123"
    items[1]["link"] = "javascript:alert(1)"
    items[1]["guid"] = ""
    server.serve("/rss/all", rss(items))
    articles = feeds.fetch(_source(server.url("/rss/all"))).articles
    assert [a.url for a in articles] == [server.url("/news/14040230000123"), items[2]["link"]]


def test_malformed_feed_with_entries_is_accepted(server: FeedServer) -> None:
    body = rss(corpus_items(2)).replace("</channel>", "<item><title>R&D بی‌پایان</title></channel>")
    server.serve("/rss", body)
    fetched = feeds.fetch(_source(server.url("/rss")))
    assert fetched.bozo
    assert len(fetched.articles) >= 2


# --- fetch: encodings


_NOT_IN_1256 = str.maketrans("یک۰۱۲۳۴۵۶۷۸۹", "يك0123456789")


def _1256_text(text: str) -> str:
    """As older Iranian sites wrote it: Arabic yeh and kaf, Latin digits (Windows-1256 has no
    Persian ones)."""
    return text.translate(_NOT_IN_1256)


def _as_1256(text: str) -> bytes:
    return _1256_text(text).encode("cp1256")


def test_declared_utf8_but_windows_1256_bytes(server: FeedServer) -> None:
    items = corpus_items(3, start=40)
    server.serve("/rss", _as_1256(rss(items)), content_type="application/rss+xml; charset=utf-8")
    fetched = feeds.fetch(_source(server.url("/rss")))
    assert fetched.encoding == "cp1256"
    expected = " ".join(_1256_text(items[0]["title"]).split())
    assert fetched.articles[0].title == expected  # Persian, not mojibake


def test_windows_1256_declared(server: FeedServer) -> None:
    items = corpus_items(2, start=40)
    body = _as_1256(rss(items, encoding="windows-1256"))
    server.serve("/rss", body, content_type="text/xml")
    fetched = feeds.fetch(_source(server.url("/rss")))
    assert fetched.articles[0].lead == _1256_text(items[0]["lead"])


def test_utf8_with_a_few_stray_bytes_stays_utf8() -> None:
    text = rss(corpus_items(3, start=60))
    body = text.encode("utf-8").replace(b"</channel>", b"\xff\xfe</channel>")
    articles, encoding, _ = feeds.parse(body)
    assert encoding == "utf-8"
    assert articles[0].title == " ".join(corpus_items(1, start=60)[0]["title"].split())


# --- fetch: conditional GET


def _conditional(server: FeedServer, path: str, body: str, *, etag: str = "", modified: str = ""):
    def handler(request: BaseHTTPRequestHandler) -> None:
        if (etag and request.headers.get("If-None-Match") == etag) or (
            modified and request.headers.get("If-Modified-Since") == modified
        ):
            request.send_response(304)
            request.end_headers()
            return
        data = body.encode()
        request.send_response(200)
        request.send_header("Content-Type", "application/rss+xml")
        request.send_header("Content-Length", str(len(data)))
        if etag:
            request.send_header("ETag", etag)
        if modified:
            request.send_header("Last-Modified", modified)
        request.end_headers()
        request.wfile.write(data)

    server.route(path, handler)


def test_etag_gives_304(server: FeedServer) -> None:
    _conditional(server, "/rss", rss(corpus_items(2)), etag='"v1-فارس"'.encode().hex())
    source = _source(server.url("/rss"))
    first = feeds.fetch(source)
    assert len(first.articles) == 2 and first.etag
    source.etag = first.etag
    second = feeds.fetch(source)
    assert second.not_modified and second.status == 304 and second.articles == []
    assert server.headers_of("/rss")[-1]["If-None-Match"] == first.etag


def test_last_modified_gives_304(server: FeedServer) -> None:
    stamp = format_datetime(dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC), usegmt=True)
    _conditional(server, "/rss", rss(corpus_items(2)), modified=stamp)
    source = _source(server.url("/rss"))
    first = feeds.fetch(source)
    assert first.last_modified == stamp and not first.etag
    source.last_modified = first.last_modified
    assert feeds.fetch(source).not_modified
    assert "If-None-Match" not in server.headers_of("/rss")[-1]


# --- fetch: faults, each a FeedError with a message


def test_html_page_is_not_a_feed(server: FeedServer) -> None:
    page = (
        "<!doctype html><html lang='fa' dir='rtl'><head><title>خبرگزاری فارس</title></head>"
        "<body><h1>صفحهٔ اصلی</h1><a href='/news/1'>خبر</a></body></html>"
    )
    server.serve("/", page, content_type="text/html; charset=utf-8")
    with pytest.raises(feeds.FeedError, match="not a feed"):
        feeds.fetch(_source(server.url("/")))


@pytest.mark.parametrize("body", [b"", b'{"items": []}', b"\x00\x01\x02" * 100])
def test_nothing_like_a_feed(server: FeedServer, body: bytes) -> None:
    server.serve("/x", body, content_type="application/json")
    with pytest.raises(feeds.FeedError, match="not a feed"):
        feeds.fetch(_source(server.url("/x")))


def _stream_zeros(total: int, *, declare: bool) -> Any:
    """A lazily written body of `total` bytes (64 KiB at a time); the bytes sent are counted."""
    sent = {"bytes": 0}

    def handler(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "application/rss+xml")
        if declare:
            request.send_header("Content-Length", str(total))
        request.end_headers()
        chunk = b"<!-- " + b"0" * (64 * 1024 - 9) + b" -->"
        while sent["bytes"] < total:
            request.wfile.write(chunk)
            sent["bytes"] += len(chunk)

    return handler, sent


def test_50_mb_declared_is_refused_without_reading_it(server: FeedServer) -> None:
    handler, sent = _stream_zeros(50 * MB, declare=True)
    server.route("/big", handler)
    started = time.monotonic()
    with pytest.raises(feeds.FeedError, match="too large"):
        feeds.fetch(_source(server.url("/big")))
    assert time.monotonic() - started < 5
    time.sleep(0.2)
    assert sent["bytes"] < 30 * MB


def test_50_mb_undeclared_is_refused_past_the_cap(server: FeedServer) -> None:
    handler, sent = _stream_zeros(50 * MB, declare=False)  # ends when the connection closes
    server.route("/big", handler)
    with pytest.raises(feeds.FeedError, match="too large"):
        feeds.fetch(_source(server.url("/big")))
    time.sleep(0.2)
    assert sent["bytes"] < 30 * MB  # the reader hung up soon after 10 MB


def test_gzip_bomb_is_refused(server: FeedServer) -> None:
    squeeze = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = b"\0" * MB
    bomb = b"".join(squeeze.compress(zeros) for _ in range(50)) + squeeze.flush()
    assert len(bomb) < MB  # 50 MB once inflated

    def handler(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "application/rss+xml")
        request.send_header("Content-Encoding", "gzip")
        request.send_header("Content-Length", str(len(bomb)))
        request.end_headers()
        request.wfile.write(bomb)

    server.route("/bomb", handler)
    with pytest.raises(feeds.FeedError, match="too large"):
        feeds.fetch(_source(server.url("/bomb")))


def test_corrupt_gzip(server: FeedServer) -> None:
    server.serve("/rss", b"\x1f\x8b\x08\x00garbage" * 10, headers={"Content-Encoding": "gzip"})
    with pytest.raises(feeds.FeedError, match="gzip"):
        feeds.fetch(_source(server.url("/rss")))


def test_redirect_loop(server: FeedServer) -> None:
    server.serve("/a", b"", status=302, headers={"Location": "/b"})
    server.serve("/b", b"", status=302, headers={"Location": "/a"})
    with pytest.raises(feeds.FeedError, match="redirect loop"):
        feeds.fetch(_source(server.url("/a")))
    assert len(server.requests) == 2


def test_too_many_redirects(server: FeedServer) -> None:
    for i in range(10):
        server.serve(f"/r{i}", b"", status=302, headers={"Location": f"/r{i + 1}"})
    with pytest.raises(feeds.FeedError, match="too many redirects"):
        feeds.fetch(_source(server.url("/r0")))
    assert len(server.requests) == feeds.MAX_REDIRECTS + 1


def test_redirect_to_another_scheme_is_refused(server: FeedServer) -> None:
    server.serve("/rss", b"", status=302, headers={"Location": "file:///etc/passwd"})
    with pytest.raises(feeds.FeedError, match="http یا https"):
        feeds.fetch(_source(server.url("/rss")))


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/rss", ""])
def test_only_http_and_https(url: str) -> None:
    with pytest.raises(feeds.FeedError):
        feeds.fetch(_source(url))


def _hangs(request: BaseHTTPRequestHandler) -> None:
    time.sleep(3)


def _stops_in_the_middle(request: BaseHTTPRequestHandler) -> None:
    request.send_response(200)
    request.send_header("Content-Length", "100000")
    request.end_headers()
    request.wfile.write(b"<?xml version='1.0'?><rss><channel>")
    request.wfile.flush()
    time.sleep(3)


def _drips(request: BaseHTTPRequestHandler) -> None:
    request.send_response(200)
    request.end_headers()
    for _ in range(100):  # a byte every 0.1 s: each read is quick, the whole is not
        request.wfile.write(b" ")
        request.wfile.flush()
        time.sleep(0.1)


@pytest.mark.parametrize(
    ("handler", "limits"),
    [
        (_hangs, {"timeout": 0.3}),
        (_stops_in_the_middle, {"timeout": 0.3}),
        (_drips, {"timeout": 1, "total_timeout": 0.5}),
    ],
    ids=["hangs", "stops-in-the-middle", "drips"],
)
def test_slow_servers_time_out_quickly(
    server: FeedServer, handler: Any, limits: dict[str, float]
) -> None:
    server.route("/slow", handler)
    started = time.monotonic()
    with pytest.raises(feeds.FeedError, match="timeout"):
        feeds.fetch(_source(server.url("/slow")), **limits)
    assert time.monotonic() - started < 2.5


@pytest.mark.parametrize("status", [404, 500, 503])
def test_http_errors(server: FeedServer, status: int) -> None:
    server.serve("/rss", b"<html>error</html>", status=status, content_type="text/html")
    with pytest.raises(feeds.FeedError, match=f"HTTP {status}"):
        feeds.fetch(_source(server.url("/rss")))


def test_connection_refused(settings: Any) -> None:
    settings.RAVABET_MONITORING_ALLOW_PRIVATE_FEEDS = True
    with FeedServer() as gone:
        url = gone.url("/rss")
    with pytest.raises(feeds.FeedError, match="اتصال"):
        feeds.fetch(_source(url), timeout=1)


# --- poll: what is recorded on the source


def _delay(source: Source) -> dt.timedelta:
    assert source.next_poll_at is not None and source.last_polled_at is not None
    return source.next_poll_at - source.last_polled_at


def _saved_source(url: str, **fields: Any) -> Source:
    return Source.objects.create(name="خبرگزاری فارس", url=url, **fields)


@pytest.mark.django_db
def test_poll_ingests_and_records_health(server: FeedServer, ingested: FakeIngest) -> None:
    items = corpus_items(5)
    _conditional(server, "/rss", rss(items), etag='"abc"')
    source = _saved_source(server.url("/rss"), poll_minutes=30)
    before = timezone.now()
    result = feeds.poll(source.pk)
    assert result.created == 5 and result.seen == 5
    assert [raw.url for raw in ingested.raws] == [i["link"] for i in items]
    source.refresh_from_db()
    assert source.health == Source.Health.OK
    assert source.etag == '"abc"'
    assert source.last_new_articles == 5
    assert source.consecutive_errors == 0 and source.last_error == ""
    assert source.last_polled_at is not None and source.last_polled_at >= before
    assert _delay(source) == dt.timedelta(minutes=30)
    run = IngestRun.objects.get(source=source)
    assert run.status == IngestRun.Status.DONE and run.created == 5

    # Polled again: the ETag goes out, the server answers 304, nothing new and no error.
    again = feeds.poll(source.pk)
    assert again.created == 0 and again.messages == []
    assert len(ingested.batches) == 1
    source.refresh_from_db()
    assert source.health == Source.Health.OK
    assert source.etag == '"abc"' and source.last_new_articles == 0
    assert server.headers_of("/rss")[-1]["If-None-Match"] == '"abc"'


@pytest.mark.django_db
def test_poll_in_batches(
    server: FeedServer, ingested: FakeIngest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(feeds, "BATCH", 2)
    server.serve("/rss", rss(corpus_items(5)))
    source = _saved_source(server.url("/rss"))
    assert feeds.poll(source.pk).created == 5
    assert [len(batch) for batch in ingested.batches] == [2, 2, 1]


def test_duplicate_guids_with_different_content(server: FeedServer) -> None:
    items = corpus_items(4, start=70)
    items[1]["guid"] = items[0]["guid"]  # another article under the same GUID
    items[2]["guid"] = items[0]["guid"]
    items[2]["link"] = items[0]["link"]  # the same link and GUID, another text
    server.serve("/rss", rss(items))
    articles = feeds.fetch(_source(server.url("/rss"))).articles
    assert [a.guid for a in articles] == ["", "", "", items[3]["guid"]]  # it names no one entry
    assert [a.url for a in articles] == [i["link"] for i in items]


@pytest.mark.django_db
def test_a_constant_guid_loses_no_article(server: FeedServer) -> None:
    items = corpus_items(4, start=90)
    for item in items:
        item["guid"] = "https://www.farsnews.ir/"
    items[3]["link"] = items[2]["link"]  # and one link twice, with other text
    server.serve("/rss", rss(items))
    source = _saved_source(server.url("/rss"))
    result = feeds.poll(source.pk)
    assert (result.seen, result.created, result.duplicates) == (4, 3, 1)
    stored = Article.objects.get(url=pipeline.canonical_url(items[2]["link"]))
    assert stored.original["title"] == items[2]["title"]  # the first one kept
    source.refresh_from_db()
    assert source.health == Source.Health.OK


@pytest.mark.django_db
def test_a_failing_feed_is_recorded_and_backs_off(server: FeedServer, ingested: FakeIngest) -> None:
    server.serve("/", "<html><body>نگهداری سایت</body></html>", content_type="text/html")
    source = _saved_source(server.url("/"), poll_minutes=30, etag='"old"')
    result = feeds.poll(source.pk)  # never raises
    assert result.created == 0 and "not a feed" in result.messages[0]
    source.refresh_from_db()
    assert source.health == Source.Health.FAILING
    assert "not a feed" in source.last_error
    assert source.consecutive_errors == 1
    assert source.etag == '"old"'  # kept
    assert _delay(source) == dt.timedelta(minutes=60)
    assert IngestRun.objects.get(source=source).status == IngestRun.Status.FAILED

    feeds.poll(source.pk)
    source.refresh_from_db()
    assert source.consecutive_errors == 2
    assert _delay(source) == dt.timedelta(minutes=120)

    server.serve("/", rss(corpus_items(2)))  # the site is back
    feeds.poll(source.pk)
    source.refresh_from_db()
    assert source.health == Source.Health.OK
    assert source.consecutive_errors == 0 and source.last_error == ""
    assert _delay(source) == dt.timedelta(minutes=30)


def test_back_off_is_capped_at_a_day() -> None:
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    assert feeds.next_poll(now, 30, 0) == now + dt.timedelta(minutes=30)
    assert feeds.next_poll(now, 30, 3) == now + dt.timedelta(minutes=240)
    assert feeds.next_poll(now, 30, 6) == now + dt.timedelta(hours=24)
    assert feeds.next_poll(now, 30, 10_000) == now + dt.timedelta(hours=24)
    assert feeds.next_poll(now, 0, 0) == now + dt.timedelta(minutes=1)


@pytest.mark.django_db
def test_poll_records_a_timeout_quickly(
    server: FeedServer, ingested: FakeIngest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(feeds, "TIMEOUT", 0.3)
    server.route("/hang", lambda request: time.sleep(3))
    source = _saved_source(server.url("/hang"))
    started = time.monotonic()
    feeds.poll(source.pk)
    assert time.monotonic() - started < 2
    source.refresh_from_db()
    assert source.health == Source.Health.FAILING and "timeout" in source.last_error


@pytest.mark.django_db
def test_unexpected_error_is_recorded_and_validators_kept(
    server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(raws: list[pipeline.RawArticle], *, source: Any = None) -> Any:
        raise RuntimeError("database went away")

    monkeypatch.setattr(pipeline, "ingest", broken)
    _conditional(server, "/rss", rss(corpus_items(2)), etag='"new"')
    source = _saved_source(server.url("/rss"), etag='"old"')
    feeds.poll(source.pk)
    source.refresh_from_db()
    assert source.health == Source.Health.FAILING
    assert "RuntimeError: database went away" in source.last_error
    # Not the new ETag: the entries were not stored, the next poll must fetch them in full.
    assert source.etag == '"old"'


@pytest.mark.django_db
def test_poll_skips_inactive_file_and_missing_sources(ingested: FakeIngest) -> None:
    inactive = _saved_source("http://127.0.0.1:9/rss", is_active=False)
    file_source = _saved_source("", kind=Source.Kind.FILE)
    for pk in (inactive.pk, file_source.pk, 999_999):
        assert feeds.poll(pk).seen == 0
    inactive.refresh_from_db()
    assert inactive.last_polled_at is None and inactive.health == Source.Health.NEW


@pytest.mark.django_db
def test_poll_with_a_stale_claim_does_nothing(server: FeedServer, ingested: FakeIngest) -> None:
    server.serve("/rss", rss(corpus_items(1)))
    lease = timezone.now() + dt.timedelta(minutes=10)
    source = _saved_source(server.url("/rss"), next_poll_at=lease)
    stale = (lease - dt.timedelta(minutes=1)).isoformat()
    assert feeds.poll(source.pk, claim=stale).seen == 0
    assert server.requests == []
    assert feeds.poll(source.pk, claim=lease.isoformat()).created == 1


# --- poll through the real pipeline: articles stored


@pytest.mark.django_db
def test_poll_stores_articles_once(server: FeedServer) -> None:
    items = corpus_items(6, start=80)
    del items[0]["published"]  # no date: the fetch time, guessed
    items[1]["published"] = timezone.now() + dt.timedelta(days=400)  # the future: clamped
    items[3]["guid"] = items[2]["guid"]  # a duplicate GUID with other content
    _conditional(server, "/rss", rss(items), etag='"v1"')
    source = _saved_source(server.url("/rss"))
    before = timezone.now()
    result = feeds.poll(source.pk)
    assert result.created == 6, result.messages
    articles = {a.url: a for a in Article.objects.filter(source=source)}
    assert len(articles) == 6
    for item in items:
        item["link"] = pipeline.canonical_url(item["link"])
    undated = articles[items[0]["link"]]
    assert undated.published_guessed and undated.published_at >= before
    future = articles[items[1]["link"]]
    assert future.published_at <= timezone.now()
    assert articles[items[4]["link"]].published_at == items[4]["published"]
    assert not articles[items[4]["link"]].published_guessed
    assert articles[items[4]["link"]].original["title"] == items[4]["title"]

    assert feeds.poll(source.pk).created == 0  # 304
    source.refresh_from_db()
    assert source.health == Source.Health.OK and source.last_new_articles == 0

    source.etag = ""  # a server that ignores validators: the same entries again
    source.save(update_fields=["etag"])
    again = feeds.poll(source.pk)
    assert again.created == 0 and again.seen == 6
    assert Article.objects.filter(source=source).count() == 6


@pytest.mark.django_db
def test_windows_1256_feed_is_stored_as_normalized_persian(server: FeedServer) -> None:
    items = corpus_items(2, start=40)
    server.serve("/rss", _as_1256(rss(items)), content_type="application/rss+xml; charset=utf-8")
    source = _saved_source(server.url("/rss"))
    assert feeds.poll(source.pk).created == 2
    article = Article.objects.get(url=pipeline.canonical_url(items[0]["link"]))
    assert "ي" not in article.title and "ك" not in article.title  # Persian yeh and kaf now


@pytest.mark.django_db
def test_a_poll_broken_in_the_middle_loses_and_doubles_nothing(
    server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker dies after the first batch is stored: the source is recorded failing, its
    ETag not kept; the next poll fetches the whole feed and stores exactly the rest."""
    monkeypatch.setattr(feeds, "BATCH", 2)
    real_ingest = pipeline.ingest
    calls = []

    def dies_after_one_batch(raws: list[pipeline.RawArticle], *, source: Any = None) -> Any:
        calls.append(len(raws))
        if len(calls) > 1:
            raise SystemError("worker killed")
        return real_ingest(raws, source=source)

    items = corpus_items(5, start=110)
    _conditional(server, "/rss", rss(items), etag='"v1"')
    source = _saved_source(server.url("/rss"))
    monkeypatch.setattr(pipeline, "ingest", dies_after_one_batch)
    feeds.poll(source.pk)
    source.refresh_from_db()
    assert source.health == Source.Health.FAILING and source.etag == ""
    assert Article.objects.count() == 2

    monkeypatch.setattr(pipeline, "ingest", real_ingest)
    result = feeds.poll(source.pk)
    assert (result.seen, result.created) == (5, 3)
    assert Article.objects.count() == 5
    assert sorted(Article.objects.values_list("url", flat=True)) == sorted(
        str(pipeline.canonical_url(i["link"])) for i in items
    )


# --- full text from the article page (Source.fetch_full_text)


def _article_page(item: dict[str, Any]) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in item["paragraphs"])
    return (
        f"<html lang='fa' dir='rtl'><head><title>{item['title']}</title></head><body>"
        f"<nav>صفحهٔ اصلی | سیاسی | اقتصادی</nav><article><h1>{item['title']}</h1>"
        f"{paragraphs}</article><footer>کلیهٔ حقوق محفوظ است</footer></body></html>"
    )


def _between_article_tags(page: bytes, url: str) -> str | None:
    """A stand-in for trafilatura: the text of <article>."""
    text = page.decode()
    if "<article>" not in text:
        return None
    inner = text.split("<article>", 1)[1].split("</article>", 1)[0]
    return richtext.body_text(inner.split("</h1>", 1)[1])


@pytest.fixture
def summaries_only(server: FeedServer, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """A feed of summaries (no content:encoded) whose links are pages of the local server; the
    extraction a stand-in for trafilatura, three pages a poll at most."""
    monkeypatch.setattr(feeds, "_extractor", lambda: _between_article_tags)
    monkeypatch.setattr(feeds, "FULL_TEXT_PAGES", 3)
    items = corpus_items(4, start=120)
    for i, item in enumerate(items):
        item["link"] = item["guid"] = server.url(f"/news/{i}")
        server.serve(f"/news/{i}", _article_page(item), content_type="text/html; charset=utf-8")
    server.serve("/news/3", "خطا", status=500, content_type="text/html")  # a broken page
    feed = [{**item, "paragraphs": []} for item in items]
    server.serve("/rss", rss(feed))
    return items


@pytest.mark.django_db
def test_full_text_from_the_article_page(
    server: FeedServer, ingested: FakeIngest, summaries_only: list[dict[str, Any]]
) -> None:
    source = _saved_source(server.url("/rss"), fetch_full_text=True)
    Article.objects.create(
        url=str(pipeline.canonical_url(summaries_only[0]["link"])),
        outlet="127.0.0.1",
        title="stored before",
        published_at=timezone.now(),
    )
    assert feeds.poll(source.pk).messages == []
    raws = {raw.url: raw for raw in ingested.raws}
    first, second, third, fourth = (raws[item["link"]] for item in summaries_only)
    assert first.body == ""  # already stored: its page is not read again
    assert second.body == "\n\n".join(summaries_only[1]["paragraphs"])
    assert "کلیهٔ حقوق" not in second.body and second.lead == summaries_only[1]["lead"]
    assert third.body and fourth.body == ""  # a page that fails keeps the summary
    pages = [path for path, _ in server.requests if path.startswith("/news/")]
    assert pages == ["/news/1", "/news/2", "/news/3"]
    source.refresh_from_db()
    assert source.health == Source.Health.OK


@pytest.mark.django_db
def test_no_pages_read_unless_the_source_allows(
    server: FeedServer, ingested: FakeIngest, summaries_only: list[dict[str, Any]]
) -> None:
    feeds.poll(_saved_source(server.url("/rss")).pk)
    assert [path for path, _ in server.requests] == ["/rss"]
    assert all(raw.body == "" for raw in ingested.raws)


def test_trafilatura_extracts_the_article() -> None:
    pytest.importorskip("trafilatura")
    extract = feeds._extractor()
    assert extract is not None
    item = corpus_items(1, start=130)[0]
    text = extract(_article_page(item).encode(), "https://www.farsnews.ir/news/1")
    assert text and item["paragraphs"][0][:40] in text


# --- The guard: no requests into the internal network


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/rss",
        "http://10.1.2.3/rss",
        "http://192.168.1.1/rss",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/rss",
        "http://[::ffff:127.0.0.1]/rss",
        "http://[fe80::1]/rss",
        "http://0.0.0.0/rss",
        "http://224.0.0.1/rss",
        "http://0x7f000001/rss",
        "http://2130706433/rss",
        "http://0177.0.0.1/rss",
        "http://127.1/rss",
        "http://localhost/rss",
        "http://LOCALHOST./rss",
        "http://feeds.localhost/rss",
        "https://93.184.216.34:8080/rss",
        "ftp://93.184.216.34/rss",
    ],
)
def test_the_guard_refuses_internal_addresses_and_other_ports(url: str, settings: Any) -> None:
    settings.RAVABET_MONITORING_ALLOW_PRIVATE_FEEDS = False
    with pytest.raises(ValidationError) as refused:
        feeds.check_feed_url(url)
    assert any("\u0600" <= c <= "\u06ff" for c in refused.value.messages[0])  # Persian
    with pytest.raises(feeds.FeedError):
        feeds.fetch(_source(url))


def _resolving(monkeypatch: pytest.MonkeyPatch, names: dict[str, str]) -> None:
    """getaddrinfo answering `names` (host → IPv4 address) itself, the rest as usual."""
    import socket

    real = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host in names:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (names[host], int(port)))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def test_a_public_address_and_a_name_that_does_not_resolve_pass(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.RAVABET_MONITORING_ALLOW_PRIVATE_FEEDS = False
    _resolving(monkeypatch, {"www.irna.ir": "185.143.233.2"})
    assert feeds.check_feed_url(" https://www.irna.ir/rss ") == "https://www.irna.ir/rss"
    assert feeds.check_feed_url("http://93.184.216.34/rss") == "http://93.184.216.34/rss"
    # No DNS now (this machine has none): checked again when fetched.
    assert feeds.check_feed_url("https://nowhere.invalid/rss") == "https://nowhere.invalid/rss"
    settings.RAVABET_MONITORING_ALLOW_PRIVATE_FEEDS = True
    assert feeds.check_feed_url("http://127.0.0.1:8001/rss") == "http://127.0.0.1:8001/rss"


@pytest.mark.django_db
def test_a_name_resolving_to_loopback_is_never_connected_to(
    server: FeedServer, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A public-looking name whose address is 127.0.0.1 (the local feed server): refused by the
    form's check, and a poll records the error without a request reaching the server."""
    server.serve("/rss", rss(corpus_items(2)))
    settings.RAVABET_MONITORING_ALLOW_PRIVATE_FEEDS = False
    monkeypatch.setattr(feeds, "ALLOWED_PORTS", frozenset({80, 443, server.port}))
    _resolving(monkeypatch, {"news.example.ir": "127.0.0.1"})
    url = f"http://news.example.ir:{server.port}/rss"
    with pytest.raises(ValidationError, match=r"127\.0\.0\.1"):
        feeds.check_feed_url(url)
    source = _saved_source(url)
    result = feeds.poll(source.pk)
    source.refresh_from_db()
    assert source.health == Source.Health.FAILING and "127.0.0.1" in source.last_error
    assert result.created == 0 and server.requests == []
    assert IngestRun.objects.get(source=source).status == IngestRun.Status.FAILED


@pytest.mark.django_db
@pytest.mark.parametrize(
    "location", ["http://169.254.169.254/latest/meta-data/", "http://intranet.example.ir/admin"]
)
def test_a_public_feed_redirecting_to_a_private_address(
    server: FeedServer, settings: Any, monkeypatch: pytest.MonkeyPatch, location: str
) -> None:
    """The local server stands for a public host (its address let through for this test
    only): its redirect to the metadata address, or to a name resolving to 10.0.0.7, is
    refused at that hop and recorded on the source."""
    settings.RAVABET_MONITORING_ALLOW_PRIVATE_FEEDS = False
    real = feeds._refused_address
    monkeypatch.setattr(
        feeds, "_refused_address", lambda ip: None if ip == "127.0.0.1" else real(ip)
    )
    monkeypatch.setattr(feeds, "ALLOWED_PORTS", frozenset({80, 443, server.port}))
    _resolving(monkeypatch, {"news.example.ir": "127.0.0.1", "intranet.example.ir": "10.0.0.7"})
    server.serve("/rss", b"", status=302, headers={"Location": location})
    url = f"http://news.example.ir:{server.port}/rss"
    assert feeds.check_feed_url(url) == url
    source = _saved_source(url)
    feeds.poll(source.pk)  # never raises
    source.refresh_from_db()
    assert source.health == Source.Health.FAILING
    assert "169.254.169.254" in source.last_error or "10.0.0.7" in source.last_error
    assert [path for path, _headers in server.requests] == ["/rss"]  # the first hop only
