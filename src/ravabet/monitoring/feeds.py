"""Reading a news site's RSS/Atom feed, defensively: the feed side of the monitoring desk.

    fetched = fetch(source)      # FetchResult: the entries as pipeline.RawArticle, or not_modified
    result = poll(source.pk)     # fetch + pipeline.ingest + the source's health, never raises

A feed is someone else's server: it may hang, redirect in a loop, send 50 MB, send an HTML
page, or declare one encoding and use another. `fetch` bounds all of it and raises `FeedError`
with a short Persian message; `poll` records that message on the source (health «خطا», back-off)
and goes on, so one bad feed never stops the others.

- HTTP with urllib: a timeout on connecting and on every read (`TIMEOUT`) and on the whole
  download (`TOTAL_TIMEOUT`), at most `MAX_BYTES` read (a larger `Content-Length` is refused
  before reading; a body without one is counted while read, decompressed size included), at
  most `MAX_REDIRECTS` redirects followed by hand (a loop is an error), only http and https (a
  redirect to another scheme is refused), gzip/deflate decompressed incrementally.
- Conditional GET: the source's ETag and Last-Modified go out as If-None-Match and
  If-Modified-Since; a 304 is "nothing new". The new validators are kept only once the
  entries are stored (`poll`), so a failed ingest is fetched again in full next time.
- Encoding: the bytes are decoded here (declared charset, UTF-8, then Windows-1256, the
  encoding of older Iranian sites) before feedparser sees them, so a feed that says UTF-8 and
  sends Windows-1256 still gives Persian, not mojibake. feedparser's "bozo" (malformed) feeds
  are accepted when they yield entries; no entries and no feed element is "not a feed".
- Full text: when the source allows it (`fetch_full_text`) and trafilatura is installed, an
  entry with only a summary gets the main text of its article page, within the same bounds,
  for links not stored yet, at most FULL_TEXT_PAGES pages a poll; a page that fails keeps
  the summary.
- Times: published (else updated) as aware UTC; none, or an unreadable one, is `None` and the
  pipeline uses the fetch time (and marks it guessed); a future date is the pipeline's to clamp.
"""

from __future__ import annotations

import calendar
import codecs
import datetime as dt
import importlib
import logging
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import Message
from http.client import HTTPException, HTTPResponse
from typing import Any

import feedparser
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ravabet.core import netguard, richtext
from ravabet.monitoring import pipeline
from ravabet.monitoring.models import Article, IngestRun, Source

logger = logging.getLogger(__name__)

# Seconds, to connect and for each read; and for the whole download of one feed (settings).
TIMEOUT = float(getattr(settings, "RAVABET_MONITORING_FEED_TIMEOUT", 15.0))
TOTAL_TIMEOUT = float(getattr(settings, "RAVABET_MONITORING_FEED_TOTAL_TIMEOUT", 60.0))
MAX_BYTES = 10 * 1024 * 1024  # of the body, after decompression
MAX_REDIRECTS = 5
MAX_ENTRIES = 1000  # a feed listing more is cut (news feeds list 20 to 100)
CHUNK = 64 * 1024
BATCH = 200  # articles handed to pipeline.ingest at once
USER_AGENT = "Ravabet-Monitoring/1.0 (+feed reader of the public relations network)"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.8, text/xml;q=0.8, */*;q=0.1"
)
MAX_BACKOFF = dt.timedelta(hours=24)
ERROR_CHARS = 500
FULL_TEXT_PAGES = 20  # article pages read a poll at most, for full text
FULL_TEXT_SECONDS = 60.0  # and for so long at most
SHORT_BODY = 600  # characters: a body shorter is taken for a summary
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"

_REDIRECTS = {301, 302, 303, 307, 308}
_COMPRESSED = {"gzip", "x-gzip", "deflate"}
_XML_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._-]+)", re.IGNORECASE)


class FeedError(Exception):
    """A fault of the source (its server, its network, its content), with a short message."""


@dataclass
class FetchResult:
    url: str  # the last URL, after redirects
    status: int  # 200, or 304 when not modified
    not_modified: bool = False
    articles: list[pipeline.RawArticle] = field(default_factory=list)
    etag: str = ""
    last_modified: str = ""
    encoding: str = ""  # what the body was decoded as
    bozo: bool = False  # feedparser found it malformed (and it still had entries)


# --- HTTP


# --- The guard: feeds reach public addresses only (no requests into the internal network).
# The rules are the kernel's (core/netguard.py); these names read the monitoring setting and
# stay here, so the guard is tuned for the feeds alone (tests widen ALLOWED_PORTS).

ALLOWED_PORTS = netguard.ALLOWED_PORTS
Blocked = netguard.Blocked


def _private_allowed() -> bool:
    return bool(getattr(settings, "RAVABET_MONITORING_ALLOW_PRIVATE_FEEDS", False))


def _refused_address(text: str) -> str | None:
    """Why an IP address may not be reached (None: it may): netguard.refused_address."""
    return netguard.refused_address(text)


def _guard() -> netguard.Guard:
    """The guard as the feeds have it now (the setting, ALLOWED_PORTS, _refused_address)."""
    return netguard.Guard(
        allow_private=_private_allowed(),
        ports=ALLOWED_PORTS,
        refused=_refused_address,
    )


def _check_host_and_port(url: str) -> tuple[str, int]:
    """Scheme, host and port of a URL as the guard wants them, before any lookup: http(s), a
    host that is not «localhost» nor an IP address outside the public internet (in whatever
    form it is written), port 80/443. Raises Blocked with a Persian message."""
    return _guard().check_host_and_port(url)


def _resolve(host: str, port: int) -> list[tuple[Any, ...]]:
    """getaddrinfo's TCP answers for the host; every address must be allowed (a name that
    resolves to one private address among public ones is refused)."""
    return _guard().resolve(host, port)


def check_feed_url(url: str) -> str:
    """The feed URL a person typed, checked by the guard feeds are fetched under: http(s), port
    80/443, a host that is neither «localhost» nor an IP address outside the public internet
    (IPv4 or IPv6, IPv4-mapped; decimal, hex or octal forms are refused), and whose every
    resolved address is public. Returns the URL stripped; raises ValidationError with a
    Persian message. A host that does not resolve now is accepted (DNS may be down): it is
    checked again at every fetch, redirect hop and connection.
    RAVABET_MONITORING_ALLOW_PRIVATE_FEEDS lifts the address and port rules."""
    url = (url or "").strip()
    try:
        return _guard().check_url(url)
    except Blocked as exc:
        raise ValidationError(str(exc), code="feed_url") from exc


def _check_url(url: str) -> None:
    """The guard's checks before a hop is requested (the connection checks the addresses)."""
    try:
        _check_host_and_port(url)
    except Blocked as exc:
        raise FeedError(str(exc)[:ERROR_CHARS]) from exc


def _open(url: str, headers: dict[str, str], timeout: float) -> HTTPResponse:
    """The response of one hop, whatever its status (urllib raises for >= 400 and 3xx here)."""
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (_check_url: http(s))
    try:
        # No proxy from the environment, no redirect followed (`_get` follows them by hand),
        # every connection re-checked by the guard at connect time.
        response: HTTPResponse = _guard().opener().open(request, timeout=timeout)
        return response
    except urllib.error.HTTPError as exc:
        return exc  # type: ignore[return-value]  # an HTTPError is a readable response
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, Blocked):
            raise FeedError(str(reason)[:ERROR_CHARS]) from exc
        if isinstance(reason, TimeoutError):
            raise FeedError(f"پاسخی در {timeout:g} ثانیه نیامد (timeout)") from exc
        raise FeedError(f"اتصال برقرار نشد: {reason}"[:ERROR_CHARS]) from exc
    except Blocked as exc:
        raise FeedError(str(exc)[:ERROR_CHARS]) from exc
    except TimeoutError as exc:
        raise FeedError(f"پاسخی در {timeout:g} ثانیه نیامد (timeout)") from exc
    except (OSError, HTTPException, ValueError) as exc:
        raise FeedError(f"اتصال برقرار نشد: {type(exc).__name__}: {exc}"[:ERROR_CHARS]) from exc


def _get(url: str, headers: dict[str, str], timeout: float) -> tuple[HTTPResponse, str]:
    seen = {url}
    for _hop in range(MAX_REDIRECTS + 1):
        _check_url(url)
        response = _open(url, headers, timeout)
        if response.status not in _REDIRECTS:
            return response, url
        location = response.headers.get("Location", "")
        response.close()
        if not location:
            raise FeedError(f"تغییر مسیر ({response.status}) بدون نشانی مقصد")
        url = urllib.parse.urljoin(url, location)
        if url in seen:
            raise FeedError(f"تغییر مسیر چرخه‌ای (redirect loop) به {url[:200]}")
        seen.add(url)
    raise FeedError(f"بیش از {MAX_REDIRECTS} تغییر مسیر (too many redirects)")


def _too_large() -> FeedError:
    return FeedError(f"خوراک بزرگ‌تر از {MAX_BYTES // (1024 * 1024)} مگابایت است (too large)")


def _chunks(response: HTTPResponse, timeout: float, total_timeout: float) -> Iterator[bytes]:
    deadline = time.monotonic() + total_timeout
    while True:
        try:
            chunk = response.read1(CHUNK)  # what has arrived: the deadline is checked often
        except TimeoutError as exc:
            raise FeedError(f"خواندن خوراک در {timeout:g} ثانیه پیش نرفت (timeout)") from exc
        except (OSError, HTTPException) as exc:
            raise FeedError(f"خواندن خوراک نیمه‌کاره ماند: {type(exc).__name__}") from exc
        if not chunk:
            return
        yield chunk
        if time.monotonic() > deadline:
            raise FeedError(f"خواندن خوراک بیش از {total_timeout:g} ثانیه طول کشید (timeout)")


def _read_body(response: HTTPResponse, timeout: float, total_timeout: float) -> bytes:
    length = response.headers.get("Content-Length", "").strip()
    if length.isdigit() and int(length) > MAX_BYTES:
        raise _too_large()  # refused before reading a byte of it
    coding = response.headers.get("Content-Encoding", "").strip().lower()
    # 32 + 15: a gzip or a zlib header, detected; decompressed no further than the cap.
    inflate = zlib.decompressobj(32 + zlib.MAX_WBITS) if coding in _COMPRESSED else None
    body = bytearray()
    for chunk in _chunks(response, timeout, total_timeout):
        if inflate is None:
            body += chunk
        else:
            try:
                body += inflate.decompress(chunk, MAX_BYTES + 1 - len(body))
            except zlib.error as exc:
                raise FeedError(f"بستهٔ فشرده ({coding}) خراب است") from exc
        if len(body) > MAX_BYTES:
            raise _too_large()
    return bytes(body)


# --- Decoding and parsing


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode(body: bytes, content_type: str = "") -> tuple[str, str]:
    """The text of a feed and the encoding used: the declared one if the bytes are in it, else
    UTF-8, else Windows-1256 (older Iranian sites' encoding), else UTF-8 with replacements."""
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return body.decode("utf-16", errors="replace"), "utf-16"
    if body.startswith(codecs.BOM_UTF8):
        body = body[len(codecs.BOM_UTF8) :]
    header = _CHARSET.search(content_type)
    declaration = _XML_DECLARATION.match(body[:500])
    declared = _codec(header.group(1) if header else None) or _codec(
        declaration.group(1).decode("ascii") if declaration else None
    )
    # UTF-8 first: bytes in another encoding are almost never valid UTF-8 by chance.
    candidates = ["utf-8", declared]
    # Mostly UTF-8 with a few stray bytes stays UTF-8; anything else is most likely 1256.
    text = body.decode("utf-8", errors="replace")
    if text.count("\ufffd") <= max(2, len(text) // 1000):
        candidates.append("utf-8-replace")
    candidates.append("cp1256")
    for name in candidates:
        if name is None or name.startswith("utf-16"):
            continue
        if name == "utf-8-replace":
            return text, "utf-8"
        try:
            return body.decode(name), name
        except (UnicodeDecodeError, LookupError):
            continue
    return text, "utf-8"


def parse(
    body: bytes, content_type: str = "", base_url: str = ""
) -> tuple[list[pipeline.RawArticle], str, bool]:
    """The entries of a feed's bytes as RawArticles, the encoding used and feedparser's bozo;
    relative links are resolved against `base_url` (the feed's address). Raises FeedError when
    the bytes are no feed at all (an HTML page, JSON, nothing)."""
    text, encoding = decode(body, content_type)
    # feedparser is given UTF-8 saying so: it re-decodes bytes by the declaration otherwise.
    utf8 = text.encode("utf-8")
    declaration = _XML_DECLARATION.match(utf8[:500])
    if declaration:
        start, end = declaration.span(1)
        utf8 = utf8[:start] + b"utf-8" + utf8[end:]
    parsed = feedparser.parse(
        utf8, response_headers={"content-type": "application/xml; charset=utf-8"}
    )
    entries = parsed.get("entries") or []
    if not entries and (parsed.get("bozo") or not parsed.get("version")):
        problem = parsed.get("bozo_exception")
        detail = f": {type(problem).__name__}" if problem else ""
        raise FeedError(f"پاسخ، خوراک RSS/Atom نیست (not a feed){detail}"[:ERROR_CHARS])
    articles = [article for e in entries[:MAX_ENTRIES] if (article := to_raw(e, base_url))]
    return _unreliable_guids_dropped(articles), encoding, bool(parsed.get("bozo"))


def _unreliable_guids_dropped(articles: list[pipeline.RawArticle]) -> list[pipeline.RawArticle]:
    """A GUID given to entries with different links (a CMS putting the site's address, or one
    constant, in every <guid>) identifies nothing: those entries go without it, so each is
    known by its link and none is taken for a duplicate of another."""
    links: dict[str, set[str]] = {}
    for article in articles:
        if article.guid:
            links.setdefault(article.guid, set()).add(article.url)
    for article in articles:
        if article.guid and len(links[article.guid]) > 1:
            article.guid = ""
    return articles


def _text(detail: Any, value: str) -> str:
    kind = (detail or {}).get("type", "") if isinstance(detail, dict) else ""
    if "html" in kind or richtext.looks_like_html(value):
        return richtext.body_text(value)
    return value.strip()


def _when(entry: Any) -> dt.datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if not parsed:
            continue
        try:  # feedparser's struct_time is in UTC
            return dt.datetime.fromtimestamp(calendar.timegm(parsed), tz=dt.UTC)
        except (OverflowError, ValueError, OSError):
            continue
    return None


def to_raw(entry: Any, base_url: str = "") -> pipeline.RawArticle | None:
    """One feed entry as the pipeline's input; None when it has no web link at all."""
    guid = str(entry.get("id") or "").strip()
    link = str(entry.get("link") or "").strip()
    if not link and guid.lower().startswith(("http://", "https://")):
        link = guid
    if base_url and link:
        link = urllib.parse.urljoin(base_url, link)
    if urllib.parse.urlsplit(link).scheme.lower() not in {"http", "https"}:
        return None
    summary = str(entry.get("summary") or "")
    lead = _text(entry.get("summary_detail"), summary) if summary else ""
    parts = [
        _text(part, str(part.get("value") or ""))
        for part in entry.get("content") or []
        if isinstance(part, dict)
    ]
    body = "\n\n".join(p for p in parts if p)
    if body and body == lead:
        lead = ""
    title = str(entry.get("title") or "")
    title = _text(entry.get("title_detail"), title) if title else ""
    return pipeline.RawArticle(
        url=link[:1000],
        title=" ".join(title.split()),
        lead=lead,
        body=body,
        published_at=_when(entry),
        author=str(entry.get("author") or "").strip()[:300],
        guid=guid[:1000],
    )


# --- Fetch


@dataclass
class Download:
    url: str  # the last URL, after redirects
    status: int
    headers: Message
    body: bytes  # empty for a 304


def download(
    url: str,
    *,
    accept: str = ACCEPT,
    etag: str = "",
    last_modified: str = "",
    timeout: float | None = None,
    total_timeout: float | None = None,
) -> Download:
    """GET within the bounds (timeouts, size, redirects, schemes); a 304 when the validators
    still hold. Raises FeedError for any fault, an HTTP status other than 2xx and 304 included."""
    timeout = TIMEOUT if timeout is None else timeout
    total_timeout = TOTAL_TIMEOUT if total_timeout is None else total_timeout
    headers = {"User-Agent": USER_AGENT, "Accept": accept, "Accept-Encoding": "gzip, deflate"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    response, url = _get(url, headers, timeout)
    try:
        status = response.status
        if status == 304:
            return Download(url, status, response.headers, b"")
        if not 200 <= status < 300:
            reason = str(getattr(response, "reason", "") or "")
            raise FeedError(f"پاسخ HTTP {status} {reason}".strip()[:ERROR_CHARS])
        return Download(url, status, response.headers, _read_body(response, timeout, total_timeout))
    finally:
        response.close()


def fetch(
    source: Source, *, timeout: float | None = None, total_timeout: float | None = None
) -> FetchResult:
    """GET the source's feed, conditionally, and parse it. Raises FeedError for the source's
    faults (network, HTTP status, size, redirects, content that is no feed)."""
    if not source.url:
        raise FeedError("نشانی خوراک خالی است")
    got = download(
        source.url,
        etag=source.etag,
        last_modified=source.last_modified,
        timeout=timeout,
        total_timeout=total_timeout,
    )
    if got.status == 304:
        return FetchResult(url=got.url, status=304, not_modified=True)
    articles, encoding, bozo = parse(got.body, got.headers.get("Content-Type", ""), got.url)
    return FetchResult(
        url=got.url,
        status=200,
        articles=articles,
        etag=got.headers.get("ETag", "")[:500],
        last_modified=got.headers.get("Last-Modified", "")[:100],
        encoding=encoding,
        bozo=bozo,
    )


# --- Full text, from the article's page


def _extractor() -> Callable[[bytes, str], str | None] | None:
    """trafilatura's main-text extraction, when it is installed."""
    try:
        trafilatura = importlib.import_module("trafilatura")
    except ImportError:
        return None

    def extract(page: bytes, url: str) -> str | None:
        text = trafilatura.extract(page, url=url, include_comments=False, favor_precision=True)
        return str(text) if text else None

    return extract


def add_full_text(articles: list[pipeline.RawArticle]) -> int:
    """Fill in the body of the entries that carry only a summary from their article pages (the
    source allows it: Source.fetch_full_text). Only for links not stored yet; at most
    FULL_TEXT_PAGES pages and FULL_TEXT_SECONDS a poll; a page that fails keeps the summary.
    Returns how many bodies were filled."""
    extract = _extractor()
    if extract is None:
        return 0
    wanted = [a for a in articles if len(a.body) < SHORT_BODY]
    canonical = {a.url: pipeline.canonical_url(a.url) for a in wanted}
    stored = set(
        Article.objects.filter(url__in=[u for u in canonical.values() if u]).values_list(
            "url", flat=True
        )
    )
    deadline = time.monotonic() + FULL_TEXT_SECONDS
    filled = pages = 0
    for article in wanted:
        if canonical[article.url] in stored or not canonical[article.url]:
            continue
        if pages >= FULL_TEXT_PAGES or time.monotonic() > deadline:
            break
        pages += 1
        try:
            page = download(article.url, accept=PAGE_ACCEPT)
            text = extract(page.body, page.url) if page.body else None
        except FeedError as exc:
            logger.info("no full text for %s: %s", article.url, exc)
            continue
        except Exception:
            logger.exception("full-text extraction failed for %s", article.url)
            continue
        if text and len(text) > len(article.body):
            article.body = text
            filled += 1
    return filled


# --- Poll


def next_poll(now: dt.datetime, poll_minutes: int, errors: int) -> dt.datetime:
    """Every poll_minutes when healthy; after n errors in a row poll_minutes × 2ⁿ, at most a day."""
    minutes = max(1, poll_minutes)
    delay = dt.timedelta(minutes=minutes) * (2 ** min(errors, 20))
    return now + min(delay, MAX_BACKOFF)


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return (f"{type(exc).__name__}: {text}" if text else type(exc).__name__)[:ERROR_CHARS]


def poll(source_id: int, *, claim: str | None = None) -> pipeline.IngestResult:
    """Fetch one feed, ingest its entries, record the outcome on the source. Never raises for
    the source's fault, nor for an unexpected error: both are recorded (health «خطا», back-off).

    `claim` is the next_poll_at a scheduler set when it claimed the source (tasks.py): when the
    source no longer carries it, another worker has claimed it since, and this run does nothing.
    """
    result = pipeline.IngestResult()
    source = Source.objects.filter(pk=source_id).first()
    if source is None or not source.is_active or source.kind != Source.Kind.FEED:
        return result
    if claim is not None and source.next_poll_at != dt.datetime.fromisoformat(claim):
        return result
    error = ""
    fetched: FetchResult | None = None
    try:
        fetched = fetch(source)
        if source.fetch_full_text and fetched.articles:
            add_full_text(fetched.articles)
        for start in range(0, len(fetched.articles), BATCH):
            result.add(pipeline.ingest(fetched.articles[start : start + BATCH], source=source))
    except FeedError as exc:
        error = str(exc)[:ERROR_CHARS]
    except Exception as exc:
        logger.exception("feed %s (%s) failed unexpectedly", source.pk, source.url)
        error = f"خطای پیش‌بینی‌نشده: {_short(exc)}"[:ERROR_CHARS]
    _record(source.pk, fetched if not error else None, result, error)
    if error:
        result.messages.append(error)
    return result


def _record(
    source_id: int, fetched: FetchResult | None, result: pipeline.IngestResult, error: str
) -> None:
    now = timezone.now()
    with transaction.atomic():
        source = Source.objects.select_for_update().filter(pk=source_id).first()
        if source is None:
            return
        source.last_polled_at = now
        if error:
            source.consecutive_errors += 1
            source.health = Source.Health.FAILING
            source.last_error = error
            source.last_new_articles = 0
        else:
            source.consecutive_errors = 0
            source.health = Source.Health.OK
            source.last_error = ""
            source.last_new_articles = result.created
            if fetched is not None and not fetched.not_modified:
                # Kept only now that the entries are stored: a failed ingest refetches in full.
                source.etag = fetched.etag
                source.last_modified = fetched.last_modified
        source.next_poll_at = next_poll(now, source.poll_minutes, source.consecutive_errors)
        source.save(
            update_fields=[
                "last_polled_at",
                "consecutive_errors",
                "health",
                "last_error",
                "last_new_articles",
                "etag",
                "last_modified",
                "next_poll_at",
            ]
        )
        IngestRun.objects.create(
            source=source,
            label=(source.url or source.name)[:500],
            status=IngestRun.Status.FAILED if error else IngestRun.Status.DONE,
            seen=result.seen,
            created=result.created,
            duplicates=result.duplicates,
            errors=result.errors + (1 if error else 0),
            error=error,
            finished_at=now,
        )
