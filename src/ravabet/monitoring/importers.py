"""Articles from files: JSON lines (plain or gzip), CSV, a saved RSS/Atom feed.

    for entry in read(path, start=0):      # Entry(position, article | None, error)
        ...                                # position: records done once this one is
    for raw in articles(path): ...         # just the RawArticles, errors skipped

The format is told by the bytes, never the name: gzip is unpacked first (magic 1f 8b), then a
«{» opens JSON lines, a «<» a feed, anything else is CSV with a header.

- JSON lines in the schema of the Fars corpus (`../shared/corpus/fars-news.jsonl.gz`):
  `link` → url, `title`, `abstract` → lead, `paragraphs` joined by blank lines → body; the
  publication date is the Jalali date that begins the number in the link (…/news/8707060255 is
  1387/07/06; …/news/13951017000743 is 1395/10/17), at noon Tehran time. Lines may also carry
  `url`, `lead`, `body`, `published`, `author`, `guid` themselves.
- CSV, UTF-8 with or without BOM, header `url,title,lead,body,published[,author][,guid]`.
- A saved RSS/Atom feed, parsed with feedparser (HTML in summaries and content made text).

A malformed line (not JSON, not an object, no link or title, bytes that are not UTF-8, longer
than MAX_LINE) is one error entry with its line number: the import goes on. Memory is bounded
by MAX_LINE whatever the file holds (a feed by MAX_FEED).
"""

from __future__ import annotations

import csv
import datetime as dt
import email.utils
import gzip
import io
import json
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO, cast

from ravabet.core import jalali
from ravabet.core.richtext import body_text
from ravabet.monitoring.pipeline import RawArticle
from ravabet.persian import dates as pdates
from ravabet.persian import to_latin_digits

MAX_LINE = 5 * 1024 * 1024  # bytes in one line of JSON or CSV
MAX_FEED = 50 * 1024 * 1024  # bytes of a saved feed (parsed whole)
FORMATS = ("jsonl", "csv", "feed")
GZIP_MAGIC = b"\x1f\x8b"


class ImportFormatError(ValueError):
    """The file as a whole cannot be read (a CSV without url/title columns, no such format)."""


@dataclass
class Entry:
    """One record of a file: `position` is the number of records (lines, CSV rows, feed
    entries) done once it is done — where an interrupted import resumes."""

    position: int
    article: RawArticle | None
    error: str = ""


# --- Dates -----------------------------------------------------------------------------------

# The Fars number: 10 digits from 1381 to 1390 (YYMMDD + a serial), 14 later (YYYYMMDD + …).
_NEWS_NUMBER = re.compile(r"/news/(\d{10}|\d{14})(?=[/?#]|$)")
# Dates in a path: /1397/05/06/ (Jalali, Tasnim and others) or /2024/05/06/.
_PATH_DATE = re.compile(r"/((?:13|14|19|20)\d\d)/(\d{1,2})/(\d{1,2})(?=[/?#]|$)")
_JALALI_TEXT = re.compile(
    r"^(1[34]\d\d)[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$"
)
NOON = dt.time(12)


def _day(year: int, month: int, day: int) -> dt.date | None:
    try:
        if year < 1700:
            return pdates.to_gregorian(year, month, day)
        return dt.date(year, month, day)
    except ValueError:
        return None


def _local(day: dt.date, time: dt.time = NOON) -> dt.datetime:
    return dt.datetime.combine(day, time).replace(tzinfo=jalali.local_tz())


def date_from_link(url: str) -> dt.datetime | None:
    """The publication date a link carries, at noon in Tehran: the Fars number
    (…/news/8707060255 → 1387/07/06) or a /YYYY/MM/DD/ path (Jalali or Gregorian)."""
    match = _NEWS_NUMBER.search(url)
    if match:
        number = match.group(1)
        if len(number) == 10:
            year, month, day = 1300 + int(number[:2]), int(number[2:4]), int(number[4:6])
        else:
            year, month, day = int(number[:4]), int(number[4:6]), int(number[6:8])
        found = _day(year, month, day) if 1300 <= year < 1500 else None
        if found:
            return _local(found)
    match = _PATH_DATE.search(url)
    if match:
        found = _day(*(int(part) for part in match.groups()))
        if found:
            return _local(found)
    return None


def parse_published(value: Any) -> dt.datetime | None:
    """A publication time as files write it: ISO 8601, RFC 2822 (feeds), a Jalali date
    «1404-02-30» or «۱۴۰۴/۰۲/۳۰ ۱۰:۳۰», or Unix seconds. A time without a zone is Tehran's;
    a date without a time is noon. None when it cannot be read."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            return dt.datetime.fromtimestamp(value, tz=dt.UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str):
        return None
    text = to_latin_digits(value.strip())[:100]
    if not text:
        return None
    match = _JALALI_TEXT.match(text)
    if match:
        year, month, day = (int(part) for part in match.groups()[:3])
        found = _day(year, month, day)
        if found is None:
            return None
        if match.group(4) is None:
            return _local(found)
        try:
            time = dt.time(int(match.group(4)), int(match.group(5)), int(match.group(6) or 0))
        except ValueError:
            return None
        return _local(found, time)
    parsed: dt.datetime | None = None
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        try:
            parsed = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if parsed is None:
        return None
    if len(text) <= 10 and parsed.time() == dt.time():  # a date alone
        return _local(parsed.date())
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=jalali.local_tz())
    return parsed


# --- Records ---------------------------------------------------------------------------------


class _Bad(ValueError):
    pass


def _text(value: Any, name: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise _Bad(f"«{name}» is not text")


def from_record(record: dict[str, Any]) -> RawArticle:
    """A RawArticle from one JSON object (the Fars schema, or explicit keys); _Bad if it has no
    link or no title."""
    url = _text(record.get("url") or record.get("link"), "url").strip()
    title = _text(record.get("title"), "title").strip()
    if not url:
        raise _Bad("no url/link")
    if not title:
        raise _Bad("no title")
    lead_value = record["lead"] if "lead" in record else record.get("abstract")
    if lead_value is None:
        lead_value = record.get("summary")
    lead = _text(lead_value, "lead")
    if record.get("body") is not None:
        body = _text(record["body"], "body")
    else:
        paragraphs = record.get("paragraphs") or []
        if isinstance(paragraphs, str):
            paragraphs = [paragraphs]
        if not isinstance(paragraphs, list):
            raise _Bad("«paragraphs» is not a list")
        body = "\n\n".join(p.strip() for p in paragraphs if isinstance(p, str) and p.strip())
    explicit = next(
        (record[key] for key in ("published", "published_at", "date") if record.get(key)), None
    )
    published = parse_published(explicit) or date_from_link(url)
    return RawArticle(
        url=url,
        title=title,
        lead=lead,
        body=body,
        published_at=published,
        author=_text(record.get("author"), "author"),
        guid=_text(record.get("guid") or record.get("id"), "guid"),
    )


# --- Files -----------------------------------------------------------------------------------


def open_file(path: Path | str) -> BinaryIO:
    """The file's bytes, unpacked when they are gzip (told by the magic bytes)."""
    with open(path, "rb") as probe:
        magic = probe.read(2)
    if magic == GZIP_MAGIC:
        return cast(BinaryIO, gzip.open(path, "rb"))
    return open(path, "rb")


def detect_format(path: Path | str) -> str:
    """«jsonl», «feed» or «csv», from the first bytes that are not blank (or a BOM)."""
    with open_file(path) as stream:
        try:
            head = stream.read(4096)
        except (OSError, EOFError, zlib.error):
            head = b""
    head = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"{"):
        return "jsonl"
    if head.startswith(b"<"):
        return "feed"
    return "csv"


_BROKEN_GZIP = (OSError, EOFError, zlib.error)


def _lines(stream: IO[bytes]) -> Iterator[tuple[int, bytes | None, str]]:
    """(line number, bytes or None when refused, why); a line longer than MAX_LINE is read past,
    never kept. A file cut short or a broken gzip stream ends with one error."""
    limit = MAX_LINE
    number = 0
    while True:
        try:
            line = stream.readline(limit + 1)
        except _BROKEN_GZIP as exc:
            yield number + 1, None, f"file broken after line {number}: {exc}"
            return
        if not line:
            return
        number += 1
        if len(line) > limit and not line.endswith(b"\n"):
            try:
                while True:
                    rest = stream.readline(1024 * 1024)
                    if not rest or rest.endswith(b"\n"):
                        break
            except _BROKEN_GZIP as exc:
                yield number, None, f"file broken in line {number}: {exc}"
                return
            yield number, None, f"line longer than {limit:,} bytes"
            continue
        yield number, line, ""


def read_jsonl(path: Path | str, *, start: int = 0) -> Iterator[Entry]:
    """One entry a non-blank line after the first `start` lines."""
    with open_file(path) as stream:
        for number, line, why in _lines(stream):
            if number <= start:
                continue
            if line is None:
                yield Entry(number, None, f"line {number}: {why}")
                continue
            if not line.strip():
                continue
            try:
                record = json.loads(line.removeprefix(b"\xef\xbb\xbf"))
                if not isinstance(record, dict):
                    raise _Bad("not a JSON object")
                yield Entry(number, from_record(record))
            except (ValueError, RecursionError) as exc:  # JSONDecodeError, UnicodeError, _Bad
                yield Entry(number, None, f"line {number}: {str(exc)[:200]}")


CSV_COLUMNS = {
    "url": "url",
    "link": "url",
    "title": "title",
    "lead": "lead",
    "abstract": "lead",
    "summary": "lead",
    "body": "body",
    "text": "body",
    "published": "published",
    "published_at": "published",
    "date": "published",
    "author": "author",
    "guid": "guid",
}


class _DecodedLines:
    """A CSV's physical lines as text for csv.reader, remembering which were refused."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.lines = _lines(stream)
        self.bad: dict[int, str] = {}
        self.number = 0

    def __iter__(self) -> _DecodedLines:
        return self

    def __next__(self) -> str:
        number, line, why = next(self.lines)
        self.number = number
        if line is None:
            self.bad[number] = why
            return "\n"
        if number == 1:
            line = line.removeprefix(b"\xef\xbb\xbf")
        try:
            return line.decode("utf-8")
        except UnicodeDecodeError:
            self.bad[number] = "bytes that are not UTF-8"
            return line.decode("utf-8", "replace")


def read_csv(path: Path | str, *, start: int = 0) -> Iterator[Entry]:
    """One entry a data row (a row may span lines in quotes) after the first `start` rows."""
    csv.field_size_limit(max(csv.field_size_limit(), MAX_LINE))
    with open_file(path) as stream:
        lines = _DecodedLines(stream)
        reader = csv.reader(lines)
        try:
            header = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ImportFormatError(f"CSV header unreadable: {exc}") from exc
        columns = [CSV_COLUMNS.get(name.strip().lower(), "") for name in header]
        if "url" not in columns or "title" not in columns:
            raise ImportFormatError(
                "CSV header must name url and title (and may name lead, body, published, "
                f"author, guid); found {header[:10]!r}"
            )
        row_number = 0
        while True:
            first_line = lines.number + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                row_number += 1
                if row_number > start:
                    yield Entry(row_number, None, f"line {first_line}: {exc}")
                if lines.number < first_line:  # no progress: the reader cannot go on
                    return
                continue
            if not any(cell.strip() for cell in row):
                continue
            row_number += 1
            if row_number <= start:
                continue
            bad = [n for n in range(first_line, lines.number + 1) if n in lines.bad]
            if bad:
                yield Entry(row_number, None, f"line {bad[0]}: {lines.bad[bad[0]]}")
                continue
            record: dict[str, Any] = {}
            for name, cell in zip(columns, row, strict=False):
                if name and name not in record:
                    record[name] = cell
            try:
                yield Entry(row_number, from_record(record))
            except _Bad as exc:
                yield Entry(row_number, None, f"line {first_line}: {exc}")


def _html_text(value: str) -> str:
    return body_text(value) if "<" in value or "&" in value else value.strip()


def _feed_time(entry: Any) -> dt.datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            try:
                year, month, day, hour, minute, second = parsed[:6]
                return dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.UTC)
            except (TypeError, ValueError):
                continue
    for key in ("published", "updated"):
        if entry.get(key):
            return parse_published(entry[key])
    return None


def feed_articles(data: bytes) -> Iterator[tuple[RawArticle | None, str]]:
    """(article, "") or (None, why) for each entry of an RSS/Atom document."""
    import feedparser  # a runtime dependency of the monitoring (see pyproject)

    parsed = feedparser.parse(io.BytesIO(data), sanitize_html=True, resolve_relative_uris=True)
    if parsed.get("bozo") and not parsed.entries:
        raise ImportFormatError(f"not a feed: {parsed.get('bozo_exception')}")
    for item in parsed.entries:
        link = item.get("link") or ""
        if not link:
            link = next((ln.get("href", "") for ln in item.get("links", []) if ln.get("href")), "")
        title = _html_text(item.get("title") or "")
        if not link or not title:
            yield None, "no link" if not link else "no title"
            continue
        summary = _html_text(item.get("summary") or "")
        contents = [c.get("value", "") for c in item.get("content", []) if c.get("value")]
        body = _html_text(max(contents, key=len)) if contents else ""
        if body and body == summary:
            summary = ""
        yield (
            RawArticle(
                url=link,
                title=title,
                lead=summary,
                body=body,
                published_at=_feed_time(item) or date_from_link(link),
                author=item.get("author") or "",
                guid=item.get("id") or "",
            ),
            "",
        )


def read_feed(path: Path | str, *, start: int = 0) -> Iterator[Entry]:
    """One entry a feed entry after the first `start`."""
    with open_file(path) as stream:
        try:
            data = stream.read(MAX_FEED + 1)
        except _BROKEN_GZIP as exc:
            raise ImportFormatError(f"file broken: {exc}") from exc
    if len(data) > MAX_FEED:
        raise ImportFormatError(f"feed larger than {MAX_FEED:,} bytes")
    for number, (article, why) in enumerate(feed_articles(data), start=1):
        if number <= start:
            continue
        yield Entry(number, article, f"entry {number}: {why}" if why else "")


READERS = {"jsonl": read_jsonl, "csv": read_csv, "feed": read_feed}


def read(path: Path | str, fmt: str = "auto", *, start: int = 0) -> Iterator[Entry]:
    """The entries of a file in any of the formats, after the first `start` records."""
    if fmt == "auto":
        fmt = detect_format(path)
    if fmt not in READERS:
        raise ImportFormatError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    return READERS[fmt](path, start=start)


def articles(path: Path | str, fmt: str = "auto") -> Iterator[RawArticle]:
    """Just the articles of a file; malformed records are skipped (use `read` to count them)."""
    for entry in read(path, fmt):
        if entry.article is not None:
            yield entry.article
