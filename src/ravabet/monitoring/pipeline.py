"""The way in for every article, whatever brought it (a feed, a file): prepare, store, group.

    raw = RawArticle(url=…, title=…, lead=…, body=…, published_at=…)   # feeds.py, importers.py
    result = ingest([raw, …], source=source)                           # batches of a few hundred

1. `prepare` (CPU only, outside any transaction): canonical URL and outlet, normalized title,
   lead and body (ravabet.persian.normalize; the originals kept), the content hash, the search
   key, the MinHash signature and its LSH bands (stories.py). An article with no link or no
   title is skipped (counted as an error).
2. `store` (one short transaction a batch): the links already stored are read in one query;
   the new ones are bulk-created with their bands. The same canonical link is one article,
   however often fetched; the same text from the same outlet under another link is a duplicate
   (unless `same_text=False`: a file import keeps every link of an archive, see below).
3. After the commit (`_assign`): `stories.assign` (each new article joins the story of its
   nearest near-copy or starts one), `watches.match` (its mentions), `tone.decide_articles`
   (their tone), then `Article.settled_at`. Articles a failed step or a killed worker left
   unsettled get the steps again from the sweep, `settle_pending` (every 10 minutes, tasks.py).

`ingest` is `finish(begin(raws))`. A large import (`ravabet ingest`, bench/monitoring.py) begins
the next batches (`ahead`) while it stores one, and a `Preparer` with workers prepares them in
other processes (forked where possible; they never touch the database).

Idempotent: running the same input again creates nothing, so a worker killed in the middle of a
batch loses nothing and duplicates nothing when the batch runs again.

Why `same_text` can be turned off: the Fars corpus publishes one text under two links, in two
sections (8501260044 in «world», 8501260121 in «economy»); as an archive, each link is its own
publication, so `ravabet ingest` keeps both (1,500 lines, 1,491 links, 1,491 articles) and the
story step groups them. A feed polled again and again, whose links change (tracking, a new slug),
wants the text rule, and gets it by default.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import datetime as dt
import hashlib
import logging
import multiprocessing
import os
import re
import urllib.parse
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from ravabet.core import jalali
from ravabet.core.validation import INVALID_CHARS
from ravabet.monitoring import stories
from ravabet.monitoring.packing import pack_json, unpack_json
from ravabet.persian import normalize, search_key

_T = TypeVar("_T")

if TYPE_CHECKING:
    from ravabet.monitoring.models import Source

logger = logging.getLogger(__name__)


@dataclass
class RawArticle:
    url: str
    title: str
    lead: str = ""
    body: str = ""
    published_at: dt.datetime | None = None  # aware; None: unknown (the fetch time is used)
    author: str = ""
    guid: str = ""


@dataclass
class IngestResult:
    seen: int = 0
    created: int = 0
    duplicates: int = 0
    errors: int = 0
    created_ids: list[int] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)

    def add(self, other: IngestResult) -> None:
        self.seen += other.seen
        self.created += other.created
        self.duplicates += other.duplicates
        self.errors += other.errors
        self.created_ids.extend(other.created_ids)
        self.messages.extend(other.messages[:20])


# --- Canonical links -------------------------------------------------------------------------

MAX_URL = 1000  # Article.url's max_length
# Parameters that say who sent the reader, never which article it is.
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid",
        "igshid", "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok", "ocid",
        "cmpid", "ref_src", "ref_url", "spm", "at_medium", "at_campaign",
        "pk_campaign", "pk_kwd", "pk_source", "pk_medium", "pk_content",
    }
)  # fmt: skip
TRACKING_PREFIXES = ("utm_", "mtm_")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_ASCII_HOST = re.compile(r"^[a-z0-9_-]+(?:\.[a-z0-9_-]+)*$")
# Characters a link never carries bare (RFC 3986 and the WHATWG URL standard's encode sets).
_UNSAFE = frozenset(' "<>\\^`{|}%')
# Public suffixes of more than one label, for the outlet (the registrable domain) of a host.
_TWO_LABEL_SUFFIXES = frozenset(
    {
        "ac.ir", "co.ir", "gov.ir", "id.ir", "net.ir", "org.ir", "sch.ir",
        "co.uk", "org.uk", "ac.uk", "gov.uk", "com.au", "net.au", "org.au", "co.jp",
        "com.tr", "gov.tr", "org.tr", "com.br", "co.in", "com.cn", "com.af", "gov.af",
        "org.af", "com.iq", "gov.iq", "com.pk", "com.sa", "com.eg", "co.za", "com.lb",
    }
)  # fmt: skip


def _quote(text: str, reserved: str) -> str:
    """Percent-encode what must be encoded in one decoded part of a link; keep the rest,
    Persian letters and ZWNJ included, as they are (so a link pasted encoded and one pasted
    readable are the same link). Bytes that were not UTF-8 come back as they came."""
    out = []
    for char in text:
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:  # a byte kept by surrogateescape
            out.append(f"%{code - 0xDC00:02X}")
        elif char in _UNSAFE or char in reserved or code < 0x21 or code == 0x7F or char.isspace():
            out.append("".join(f"%{b:02X}" for b in char.encode("utf-8", "surrogatepass")))
        else:
            out.append(char)
    return "".join(out)


def _host(hostname: str) -> str | None:
    host = hostname.strip().rstrip(".").lower()
    if not host:
        return None
    if ":" in host:  # an IPv6 literal
        return f"[{host}]" if re.fullmatch(r"[0-9a-f:.]+", host) else None
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii").lower()
        except UnicodeError:
            return None
    if not _ASCII_HOST.match(host) or any(len(label) > 63 for label in host.split(".")):
        return None
    if host.startswith("www.") and "." in host[4:]:
        host = host[4:]
    return host


def canonical_url(url: str) -> str | None:
    """The one spelling of a link: http(s) only (anything else is None), scheme and host in
    lower case, the host in ASCII (IDNA) without `www.` or a trailing dot, no default port, no
    credentials, no fragment, no tracking parameters (utm_*, fbclid, gclid…), the other
    parameters sorted, percent-encoding made uniform, no trailing slash (the root is «/»)."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    if not url or len(url) > 4 * MAX_URL:
        return None
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    host = _host(parts.hostname)
    if host is None:
        return None
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    segments = [
        _quote(urllib.parse.unquote(segment, errors="surrogateescape"), "/?#")
        for segment in parts.path.split("/")
    ]
    path = "/".join(segments).rstrip("/") or "/"
    if not path.startswith("/"):
        path = "/" + path
    pairs = urllib.parse.parse_qsl(parts.query, keep_blank_values=True, errors="surrogateescape")
    kept = sorted(
        (key, value)
        for key, value in pairs
        if key.lower() not in TRACKING_PARAMS and not key.lower().startswith(TRACKING_PREFIXES)
    )
    query = "&".join(f"{_quote(k, '&=+#')}={_quote(v, '&=+#')}" for k, v in kept)
    result = urllib.parse.urlunsplit((scheme, netloc, path, query, ""))
    return result if len(result) <= MAX_URL else None


def outlet_of(url: str) -> str:
    """The outlet a link names: its registrable domain («https://www.farsnews.ir/news/1» →
    «farsnews.ir», «https://en.irna.ir/x» → «irna.ir», «https://x.gov.ir» → «x.gov.ir»);
    "" for a link that is not one."""
    canonical = canonical_url(url)
    return "" if canonical is None else _outlet(canonical)


def _outlet(canonical: str) -> str:
    """outlet_of a link that is canonical_url's output already."""
    host = urllib.parse.urlsplit(canonical).hostname or ""
    if host.startswith("[") or re.fullmatch(r"[0-9.]+", host):
        return host
    labels = host.split(".")
    keep = 3 if ".".join(labels[-2:]) in _TWO_LABEL_SUFFIXES else 2
    return ".".join(labels[-keep:])


# --- Prepare (CPU only) ----------------------------------------------------------------------

# What is kept of an article: a title is a line, a lead a paragraph or a few, a body a long
# article (the corpus's longest is under 40,000 characters). Anything longer is cut, not refused.
MAX_CHARS = {"title": 1000, "lead": 20_000, "body": 200_000, "author": 300, "guid": 1000}
# A time more than this far ahead is a wrong clock or a wrong zone, not a publication.
FUTURE_SLACK = dt.timedelta(days=1)


class Refused(ValueError):
    """An article that cannot be stored (no usable link, no title): counted as an error."""


@dataclass
class PreparedArticle:
    url: str
    outlet: str
    guid: str
    title: str
    lead: str
    body: str
    # The texts as received, {"title", "lead", "body"}, packed here (in the worker) as
    # Article.original keeps them.
    original_packed: bytes
    author: str
    published_at: dt.datetime
    published_guessed: bool
    content_hash: str
    search_text: str
    signature: bytes = b""
    bands: list[int] = field(default_factory=list)

    @property
    def original(self) -> dict[str, str]:
        return unpack_json(self.original_packed)


def _clean(value: Any, limit: int) -> str:
    """A received text made storable: a str, without NUL or lone surrogates, cut to `limit`."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    text = text[: limit + 16]
    if INVALID_CHARS.search(text):
        text = INVALID_CHARS.sub("", text)
    return text[:limit]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _published(value: dt.datetime | None, now: dt.datetime) -> tuple[dt.datetime, bool]:
    """The time to store and whether it was guessed: a missing time, one more than a day in
    the future, or one outside the calendar we keep (Jalali 1300–1499) becomes `now`."""
    if not isinstance(value, dt.datetime):
        return now, True
    if timezone.is_naive(value):
        value = value.replace(tzinfo=jalali.local_tz())  # a feed's wall clock: Tehran
    try:
        if value > now + FUTURE_SLACK or not jalali.in_supported_range(value):
            return now, True
    except OverflowError:
        return now, True
    return value, False


def _minhash(text: str) -> tuple[bytes, list[int]]:
    """stories.py's signature and its bands (none for an empty signature)."""
    sig = stories.signature(text)
    return sig, (list(stories.bands(sig)) if sig else [])


def content_hash(title: str, lead: str, body: str) -> str:
    return hashlib.sha256(f"{title}\n{lead}\n{body}".encode()).hexdigest()


def prepare(
    raw: RawArticle, now: dt.datetime | None = None, *, url: str | None = None
) -> PreparedArticle:
    """Everything an article needs before it is written, computed without the database.
    `url`: the link's canonical_url when the caller has it already."""
    now = now or timezone.now()
    url = url or canonical_url(raw.url)
    if url is None:
        raise Refused(f"نشانی نامعتبر / invalid link: {str(raw.url)[:200]!r}")
    original = {
        "title": _clean(raw.title, MAX_CHARS["title"]),
        "lead": _clean(raw.lead, MAX_CHARS["lead"]),
        "body": _clean(raw.body, MAX_CHARS["body"]),
    }
    title = _one_line(normalize(original["title"]))[: MAX_CHARS["title"]]
    if not title:
        raise Refused(f"خبر بی‌عنوان / no title: {url[:200]}")
    lead = normalize(original["lead"])[: MAX_CHARS["lead"]]
    body = normalize(original["body"])[: MAX_CHARS["body"]]
    published_at, guessed = _published(raw.published_at, now)
    search_text = search_key(f"{title}\n{lead}\n{body}", normalized=True)
    # stories.py reads a search key fastest (it is only split): the same signature.
    signature, bands = _minhash(search_text)
    return PreparedArticle(
        url=url,
        outlet=_outlet(url),
        guid=_one_line(_clean(raw.guid, MAX_CHARS["guid"])),
        title=title,
        lead=lead,
        body=body,
        original_packed=pack_json(original),
        author=_one_line(normalize(_clean(raw.author, MAX_CHARS["author"])))[: MAX_CHARS["author"]],
        published_at=published_at,
        published_guessed=guessed,
        content_hash=content_hash(title, lead, body),
        search_text=search_text,
        signature=signature,
        bands=bands,
    )


# --- Store (one short transaction a batch) ---------------------------------------------------

QUERY_CHUNK = 500  # values in one IN (…): far below SQLite's and PostgreSQL's limits


def _chunks(values: Sequence[_T]) -> Iterable[Sequence[_T]]:
    for start in range(0, len(values), QUERY_CHUNK):
        yield values[start : start + QUERY_CHUNK]


def _unique_in_batch(
    prepared: Sequence[PreparedArticle], same_text: bool
) -> tuple[list[PreparedArticle], int]:
    """The batch without its own repeats: the first of each link, of each GUID of an outlet
    (a feed that reuses a GUID for other content), and of each text of an outlet."""
    kept: list[PreparedArticle] = []
    urls: set[str] = set()
    guids: set[tuple[str, str]] = set()
    texts: set[tuple[str, str]] = set()
    repeats = 0
    for item in prepared:
        guid = (item.outlet, item.guid)
        text = (item.outlet, item.content_hash)
        if item.url in urls or (item.guid and guid in guids) or (same_text and text in texts):
            repeats += 1
            continue
        urls.add(item.url)
        texts.add(text)
        if item.guid:
            guids.add(guid)
        kept.append(item)
    return kept, repeats


def _write(
    unique: list[PreparedArticle], source: Source | None, same_text: bool
) -> tuple[list[int], int]:
    from ravabet.monitoring.models import Article

    stored = _stored_urls([item.url for item in unique])
    stored_texts: set[tuple[str, str]] = set()
    if same_text:
        hashes = sorted({item.content_hash for item in unique if item.url not in stored})
        for chunk in _chunks(hashes):
            stored_texts.update(
                Article.objects.filter(content_hash__in=chunk).values_list("outlet", "content_hash")
            )
    new = [
        item
        for item in unique
        if item.url not in stored and (item.outlet, item.content_hash) not in stored_texts
    ]
    ids = _insert_articles(new, source)
    _insert_bands(
        (pk, band, value)
        for pk, item in zip(ids, new, strict=True)
        for band, value in enumerate(item.bands)
    )
    return ids, len(unique) - len(new)


def _insert_articles(new: Sequence[PreparedArticle], source: Source | None) -> list[int]:
    """Article rows by executemany, each value prepared by its field as Django does, then
    their ids read back by link (one query a QUERY_CHUNK): bulk_create built a model and an
    SQL expression a row, a sixth of a batch's writing time."""
    from ravabet.monitoring.models import Article

    if not new:
        return []
    meta = Article._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    given = {"source_id": source.pk if source else None, "fetched_at": timezone.now()}
    packed = {"original": "original_packed"}  # packed by the worker, stored as it is
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
    rows = []
    for item in new:
        row = []
        for f in fields:
            if f.attname in given:
                value = given[f.attname]
            elif f.attname in packed:
                value = getattr(item, packed[f.attname])
            elif hasattr(item, f.attname):
                value = getattr(item, f.attname)
            else:  # the story, settled_at: what the model gives a new row
                value = f.get_default()
            row.append(f.get_db_prep_save(value, connection))
        rows.append(row)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), QUERY_CHUNK):
            cursor.executemany(sql, rows[start : start + QUERY_CHUNK])
    by_url: dict[str, int] = {}
    for chunk in _chunks([item.url for item in new]):
        by_url.update(Article.objects.filter(url__in=chunk).values_list("url", "pk"))
    return [by_url[item.url] for item in new]


def _insert_bands(rows: Iterable[tuple[int, int, int]]) -> None:
    """ArticleBand rows (32 an article) by executemany: a tenth of bulk_create's time, which
    builds a model instance a row."""
    from ravabet.monitoring.models import ArticleBand

    meta = ArticleBand._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in ("article_id", "band", "value"))
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES (%s, %s, %s)"  # noqa: S608
    rows = list(rows)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])


# How often a batch is written again when another worker stored one of its links in between.
WRITE_ATTEMPTS = 3


def store(
    prepared: Sequence[PreparedArticle],
    source: Source | None = None,
    *,
    same_text: bool = True,
    on_stored: Callable[[IngestResult], None] | None = None,
) -> IngestResult:
    """Write a prepared batch in one short transaction: what is new is created (with its LSH
    bands), the rest counted as duplicates. `on_stored(result)` runs inside the same
    transaction (an import's progress is committed with the articles, or not at all)."""
    unique, repeats = _unique_in_batch(prepared, same_text)
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        try:
            with transaction.atomic():
                ids, already = _write(unique, source, same_text)
                result = IngestResult(
                    seen=len(prepared),
                    created=len(ids),
                    duplicates=repeats + already,
                    created_ids=ids,
                )
                if on_stored is not None:
                    on_stored(result)
            return result
        except IntegrityError:
            # Another worker stored one of these links between our read and our write.
            if attempt == WRITE_ATTEMPTS:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _stored_urls(urls: Sequence[str]) -> set[str]:
    from ravabet.monitoring.models import Article

    stored: set[str] = set()
    for chunk in _chunks(urls):
        stored.update(Article.objects.filter(url__in=chunk).values_list("url", flat=True))
    return stored


# The steps run after a batch's commit, in order; each is idempotent (running it again on the
# same articles adds nothing), so the sweep may run them again on articles they already did.
def _steps() -> tuple[tuple[str, Callable[[list[int]], object]], ...]:
    from ravabet.monitoring import tone, watches  # read the models: imported once Django is ready

    return (
        ("stories.assign", stories.assign),
        ("watches.match", watches.match),
        ("tone.decide_articles", tone.decide_articles),
    )


def _run_steps(ids: list[int], *, log: bool = True) -> bool:
    """Run every step on `ids`, each even when one before failed; True when all succeeded."""
    ok = True
    for name, step in _steps():
        try:
            step(ids)
        except Exception:
            # The articles are stored; a failed step must not make the import look failed (it
            # would be run again and find only duplicates). Logged; the sweep runs it again.
            if log:
                logger.exception("%s failed for %d articles", name, len(ids))
            ok = False
    return ok


def _mark_settled(ids: Sequence[int]) -> None:
    from ravabet.monitoring.models import Article

    now = timezone.now()
    for chunk in _chunks(ids):
        Article.objects.filter(pk__in=chunk, settled_at__isnull=True).update(settled_at=now)


def _assign(ids: list[int]) -> None:
    """The after-commit steps of newly stored articles: their story, their mentions, the
    mentions' tone; then `settled_at`, so the sweep (`settle_pending`) can tell the articles
    whose steps a failure or a killed worker left undone."""
    if _run_steps(ids):
        _mark_settled(ids)


# The sweep: articles fetched longer ago than SETTLE_AFTER and still unsettled (their batch's
# after-commit steps failed, or the worker died between the commit and the end of the steps).
# The wait keeps it off batches whose steps are still running. SETTLE_BATCH oldest a run, in
# groups of SETTLE_GROUP; a group that fails is tried an article at a time, so one article a
# step cannot take holds back only itself (it stays unsettled, logged, and is tried again).
SETTLE_AFTER = dt.timedelta(minutes=10)
SETTLE_BATCH = 2000
SETTLE_GROUP = 200
# A step failing for this many articles in a row is failing for all: the run stops there.
SETTLE_FAILURES = 20


def settle_pending(*, now: dt.datetime | None = None, limit: int = SETTLE_BATCH) -> tuple[int, int]:
    """Run the steps again on the oldest unsettled articles and settle those they succeed
    for: (settled, still unsettled) among the articles taken."""
    from ravabet.monitoring.models import Article

    cutoff = (now or timezone.now()) - SETTLE_AFTER
    ids = list(
        Article.objects.filter(settled_at__isnull=True, fetched_at__lte=cutoff)
        .order_by("fetched_at", "pk")
        .values_list("pk", flat=True)[: max(0, limit)]
    )
    settled = failed = 0
    for start in range(0, len(ids), SETTLE_GROUP):
        group = ids[start : start + SETTLE_GROUP]
        if _run_steps(group, log=False):
            _mark_settled(group)
            settled += len(group)
            continue
        in_a_row = 0
        for pk in group:
            if _run_steps([pk], log=in_a_row == 0):
                _mark_settled([pk])
                settled += 1
                in_a_row = 0
                continue
            failed += 1
            in_a_row += 1
            if in_a_row >= SETTLE_FAILURES:
                logger.error(
                    "settling stopped: the steps failed for %d articles in a row", in_a_row
                )
                return settled, len(ids) - settled
    return settled, failed


# --- A bulk import's page cache ------------------------------------------------------------

# SQLite's page cache while a bulk import runs (`ravabet ingest`, the benchmark), in MB: the
# indexes an import writes into at random places (the bands' (band, value), the links') pass
# the site's 32 MB cache by a few ten thousand articles, and every insert then reads its
# pages back from the operating system. Settings: RAVABET_MONITORING_IMPORT_CACHE_MB.
IMPORT_CACHE_MB = 256


@contextlib.contextmanager
def import_cache() -> Iterator[None]:
    """A larger page cache for this process's SQLite connection while the block runs, the
    site's own put back after (a no-op on PostgreSQL, whose cache is the server's)."""
    if connection.vendor != "sqlite":
        yield
        return
    megabytes = int(getattr(settings, "RAVABET_MONITORING_IMPORT_CACHE_MB", IMPORT_CACHE_MB))
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size=-{max(2, megabytes) * 1024}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size={before}")


# --- Preparing in worker processes ----------------------------------------------------------

# Batches begun ahead of the one being stored, so the workers prepare while the main process
# writes.
LOOKAHEAD = 2


def default_workers() -> int:
    """Processes that prepare batches by default: min(2, the machine's cores)."""
    return max(1, min(2, os.cpu_count() or 1))


# The parent's database connections as a forked worker inherited them: kept referenced and
# never used, so that neither a close nor the garbage collector ends the parent's session from
# the child (a worker leaves by os._exit, which closes nothing).
_INHERITED: list[object] = []


def _init_worker() -> None:
    """A worker's start. Forked: the parent's connections put out of reach (above); spawned:
    Django's settings read (prepare reads TIME_ZONE). Neither ever opens a connection."""
    import django
    from django.apps import apps
    from django.db import connections

    if apps.ready:
        _INHERITED.extend(connections.all(initialized_only=True))
    else:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ravabet.config.settings")
        django.setup(set_prefix=False)


def _start_method() -> str:
    """fork where there is one (a worker is ready at once, with the lexicon and the modules the
    parent has loaded), else spawn (a fresh interpreter: seconds to import Django and numpy)."""
    return "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"


def _prepare_many(
    raws: Sequence[RawArticle], urls: Sequence[str | None], now: dt.datetime
) -> list[PreparedArticle | str]:
    """`prepare` of each article (CPU only: run in a worker process, or here); a refusal's
    message in place of an article that cannot be one."""
    out: list[PreparedArticle | str] = []
    for raw, url in zip(raws, urls, strict=True):
        try:
            out.append(prepare(raw, now, url=url))
        except Refused as exc:
            out.append(str(exc))
    return out


class Preparer:
    """Where batches are prepared: in this process (`workers=1`), or split among `workers`
    processes of a pool, started on the first batch and stopped on leaving the `with` block.

    The workers are forked (spawned where there is no fork) after this process has prepared
    one article, so they start with the normalizer's tables loaded. `prepare` touches no
    database: a worker never uses, closes or opens a connection (the ones a fork inherits are
    kept untouched, see _init_worker); only texts go to it and prepared articles come back."""

    def __init__(self, workers: int = 1) -> None:
        self.workers = max(1, workers)
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None

    def __enter__(self) -> Preparer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def submit(
        self, raws: Sequence[RawArticle], urls: Sequence[str | None], now: dt.datetime
    ) -> Callable[[], list[PreparedArticle | str]]:
        """Start preparing; the function returned waits for the results, in order."""
        if self.workers == 1 or len(raws) < 2 * self.workers:
            done = _prepare_many(raws, urls, now)
            return lambda: done
        if self._pool is None:
            prepare(RawArticle(url="https://example.com/", title="گرم کردن"), now)  # tables loaded
            self._pool = concurrent.futures.ProcessPoolExecutor(
                self.workers,
                mp_context=multiprocessing.get_context(_start_method()),
                initializer=_init_worker,
            )
        size = -(-len(raws) // self.workers)
        futures = [
            self._pool.submit(_prepare_many, raws[i : i + size], urls[i : i + size], now)
            for i in range(0, len(raws), size)
        ]
        return lambda: [item for future in futures for item in future.result()]


@dataclass
class Pending:
    """A batch begun: its links looked up, its new articles being prepared."""

    before: IngestResult
    results: Callable[[], list[PreparedArticle | str]]


def begin(
    raws: Iterable[RawArticle], *, now: dt.datetime | None = None, preparer: Preparer | None = None
) -> Pending:
    """The first half of `ingest`: the links already stored are found by one read (no lock
    held) and not prepared again — polling a feed again, or running an import again, costs a
    query, not a normalization; the rest is handed to the preparer (here, by default)."""
    now = now or timezone.now()
    raws = list(raws)
    urls = [canonical_url(raw.url) for raw in raws]
    known = _stored_urls(sorted({url for url in urls if url}))
    known_guids: set[tuple[str, str]] = set()
    before = IngestResult()
    todo: list[RawArticle] = []
    todo_urls: list[str | None] = []
    for raw, url in zip(raws, urls, strict=True):
        before.seen += 1
        if url is not None:
            guid = (_outlet(url), _one_line(_clean(raw.guid, MAX_CHARS["guid"])))
            if url in known or (guid[1] and guid in known_guids):
                before.duplicates += 1
                if guid[1]:
                    known_guids.add(guid)
                continue
        todo.append(raw)
        todo_urls.append(url)
    results = (preparer or Preparer()).submit(todo, todo_urls, now)
    return Pending(before=before, results=results)


def finish(
    pending: Pending,
    *,
    source: Source | None = None,
    same_text: bool = True,
    on_stored: Callable[[IngestResult], None] | None = None,
) -> IngestResult:
    """The second half of `ingest`: store the prepared batch (one short transaction), then,
    after the commit, its stories, mentions and tone."""
    before = pending.before
    prepared: list[PreparedArticle] = []
    for item in pending.results():
        if isinstance(item, str):
            before.errors += 1
            if len(before.messages) < 50:
                before.messages.append(item)
        else:
            prepared.append(item)

    def stored(result: IngestResult) -> None:
        result.seen = before.seen
        result.duplicates += before.duplicates
        result.errors = before.errors
        result.messages = before.messages + result.messages
        if on_stored is not None:
            on_stored(result)

    result = store(prepared, source, same_text=same_text, on_stored=stored)
    if result.created_ids:
        ids = list(result.created_ids)
        # After the commit: inside a caller's transaction, when that one commits.
        transaction.on_commit(lambda: _assign(ids))
    return result


def ingest(
    raws: Iterable[RawArticle],
    *,
    source: Source | None = None,
    same_text: bool = True,
    on_stored: Callable[[IngestResult], None] | None = None,
    now: dt.datetime | None = None,
) -> IngestResult:
    """Prepare (outside any transaction), store (one short one) and group one batch, in this
    process: `finish(begin(raws))`."""
    return finish(begin(raws, now=now), source=source, same_text=same_text, on_stored=on_stored)


_B = TypeVar("_B")


def ahead(
    batches: Iterable[_B], start: Callable[[_B], Pending], lookahead: int = LOOKAHEAD
) -> Iterator[tuple[_B, Pending]]:
    """Each batch with its `begin` (by `start`), begun `lookahead` batches before it is
    yielded: while the caller stores one batch, the next ones are being prepared.

        with Preparer(workers) as preparer:
            for batch, pending in ahead(batches, lambda b: begin(b, preparer=preparer)):
                finish(pending, source=source)
    """
    started: deque[tuple[_B, Pending]] = deque()
    for batch in batches:
        started.append((batch, start(batch)))
        if len(started) > lookahead:
            yield started.popleft()
    while started:
        yield started.popleft()
