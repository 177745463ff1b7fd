"""Reading articles from files: JSON lines (plain, gzip), CSV, saved feeds; bad lines counted."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from ravabet.monitoring import importers
from ravabet.monitoring.importers import date_from_link, parse_published
from ravabet.monitoring.pipeline import canonical_url
from tests.persian.paths import CORPUS

TEHRAN = ZoneInfo("Asia/Tehran")


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        # 1387/07/06 is 27 September 2008.
        ("https://www.farsnews.ir/news/8707060255", dt.datetime(2008, 9, 27, 12, tzinfo=TEHRAN)),
        ("https://www.farsnews.ir/news/8410220112", dt.datetime(2006, 1, 12, 12, tzinfo=TEHRAN)),
        (
            "https://www.farsnews.ir/news/13951017000743/ادامه-تمرینات",
            dt.datetime(2017, 1, 6, 12, tzinfo=TEHRAN),
        ),
        (
            "https://www.tasnimnews.com/fa/news/1397/05/06/1784/x",
            dt.datetime(2018, 7, 28, 12, tzinfo=TEHRAN),
        ),
        ("https://example.com/2024/02/29/post", dt.datetime(2024, 2, 29, 12, tzinfo=TEHRAN)),
        ("https://www.farsnews.ir/news/8713400255", None),  # month 13
        ("https://www.farsnews.ir/news/8707310255", None),  # Mehr has 30 days
        ("https://www.farsnews.ir/news/12345", None),
        ("https://irna.ir/news/85123456", None),
    ],
)
def test_date_from_link(link: str, expected: dt.datetime | None) -> None:
    assert date_from_link(link) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-05-20T08:00:00Z", dt.datetime(2025, 5, 20, 8, tzinfo=dt.UTC)),
        ("2025-05-20 11:30", dt.datetime(2025, 5, 20, 11, 30, tzinfo=TEHRAN)),
        ("2025-05-20", dt.datetime(2025, 5, 20, 12, tzinfo=TEHRAN)),
        ("Tue, 20 May 2025 08:00:00 GMT", dt.datetime(2025, 5, 20, 8, tzinfo=dt.UTC)),
        ("1404-02-30", dt.datetime(2025, 5, 20, 12, tzinfo=TEHRAN)),
        ("۱۴۰۴/۰۲/۳۰ ۱۰:۱۵", dt.datetime(2025, 5, 20, 10, 15, tzinfo=TEHRAN)),
        (1747728000, dt.datetime(2025, 5, 20, 8, tzinfo=dt.UTC)),
        ("1404-12-30", None),  # Esfand 1404 has 29 days
        ("yesterday", None),
        ("", None),
        (None, None),
        (True, None),
        (["2025"], None),
        (10**20, None),
    ],
)
def test_parse_published(value: object, expected: dt.datetime | None) -> None:
    assert parse_published(value) == expected


def test_the_fars_corpus_reads_whole() -> None:
    entries = list(importers.read(CORPUS))
    assert len(entries) == 1500 and [e.position for e in entries] == list(range(1, 1501))
    assert not [e.error for e in entries if e.error]
    articles = [e.article for e in entries if e.article]
    assert len({canonical_url(a.url) for a in articles}) == 1491
    assert all(a.published_at is not None for a in articles)
    first = articles[0]
    assert first.url == "https://www.farsnews.ir/news/8707060255"
    assert first.title.startswith("ارائه خدمات بر خط بانكي")
    assert first.lead and "\n\n" in first.body
    assert first.published_at == dt.datetime(2008, 9, 27, 12, tzinfo=TEHRAN)


def write_lines(path: Path, lines: list[bytes], *, gzipped: bool = False) -> Path:
    data = b"\n".join(lines) + b"\n"
    path.write_bytes(gzip.compress(data) if gzipped else data)
    return path


def fars(n: int, **extra: object) -> bytes:
    record = {
        "link": f"https://www.farsnews.ir/news/87070602{n:02d}",
        "title": f"خبر {n}",
        "abstract": "لید",
        "paragraphs": ["بند یک", "  ", "بند دو"],
        "cat": "province",
        "subcat": "",
        "tags": ["برچسب"],
    }
    record.update(extra)
    return json.dumps(record, ensure_ascii=False).encode()


@pytest.mark.parametrize("gzipped", [True, False])
def test_json_lines_told_by_bytes_not_name(tmp_path: Path, gzipped: bool) -> None:
    # A gzip file named .txt and a plain one named .gz.
    path = write_lines(
        tmp_path / ("a.txt" if gzipped else "a.jsonl.gz"), [fars(1)], gzipped=gzipped
    )
    assert importers.detect_format(path) == "jsonl"
    [article] = importers.articles(path)
    assert article.title == "خبر 1" and article.lead == "لید" and article.body == "بند یک\n\nبند دو"


def test_explicit_keys(tmp_path: Path) -> None:
    line = {
        "url": "https://www.irna.ir/news/85123456/x",
        "title": "عنوان",
        "lead": "لید",
        "body": "متن",
        "published": "2025-05-20T08:00:00+00:00",
        "author": "نویسنده",
        "guid": "irna-85123456",
    }
    path = write_lines(tmp_path / "x.jsonl", [json.dumps(line, ensure_ascii=False).encode()])
    [article] = importers.articles(path)
    assert (article.url, article.lead, article.body, article.author, article.guid) == (
        line["url"],
        "لید",
        "متن",
        "نویسنده",
        "irna-85123456",
    )
    assert article.published_at == dt.datetime(2025, 5, 20, 8, tzinfo=dt.UTC)


def test_malformed_lines_are_counted_with_their_number(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importers, "MAX_LINE", 2000)
    lines = [
        fars(1),
        b"{not json",
        b"[1, 2]",
        fars(2, title=""),
        b"",
        fars(3, title=["a list"]),
        fars(4, paragraphs="one paragraph"),
        '{"link": "https://x.ir/1", "title": "\xff"}'.encode("latin-1"),
        b'{"link": "https://x.ir/2", "title": "' + b"a" * 5000 + b'"}',
        fars(5),
        b"[" * 100_000,  # deep nesting (refused by the line length here too)
        b"{}" + b" " * 10,
    ]
    path = write_lines(tmp_path / "bad.jsonl", lines)
    entries = list(importers.read(path))
    good = [e.article.title for e in entries if e.article]
    assert good == ["خبر 1", "خبر 4", "خبر 5"]
    errors = [e.error for e in entries if e.error]
    assert [e.split(":")[0] for e in errors] == [
        "line 2",
        "line 3",
        "line 4",
        "line 6",
        "line 8",
        "line 9",
        "line 11",
        "line 12",
    ]
    assert "longer than 2,000 bytes" in errors[5]
    assert entries[-1].position == 12


def test_resume_skips_lines_done(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "a.jsonl", [fars(n) for n in range(1, 8)], gzipped=True)
    entries = list(importers.read(path, start=5))
    assert [(e.position, e.article.title) for e in entries if e.article] == [
        (6, "خبر 6"),
        (7, "خبر 7"),
    ]


def test_a_truncated_gzip_ends_with_one_error(tmp_path: Path) -> None:
    data = gzip.compress(b"\n".join(fars(n) for n in range(1, 60)) * 20)
    path = tmp_path / "cut.gz"
    path.write_bytes(data[: len(data) // 2])
    entries = list(importers.read(path, "jsonl"))
    assert entries[-1].article is None and "broken" in entries[-1].error
    assert sum(1 for e in entries if e.article) > 10


CSV_TEXT = (
    "url,title,lead,body,published,author\r\n"
    'https://www.farsnews.ir/news/8707060255,عنوان يك,لید,"بند یک\r\n\r\nبند دو",,\r\n'
    "https://x.ir/2,عنوان دو,,متن,1404-02-30 10:00,نویسنده\r\n"
    "https://x.ir/3,,,متن بی‌عنوان,,\r\n"
    ",,,,,\r\n"
    "https://x.ir/4,عنوان چهار,,,2025-05-20T08:00:00Z,\r\n"
)


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_csv_with_or_without_bom(tmp_path: Path, bom: bytes) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(bom + CSV_TEXT.encode())
    assert importers.detect_format(path) == "csv"
    entries = list(importers.read(path))
    assert [e.position for e in entries] == [1, 2, 3, 4]
    first, second, third, fourth = entries
    assert first.article and first.article.body == "بند یک\r\n\r\nبند دو"  # as written
    assert first.article.published_at == dt.datetime(2008, 9, 27, 12, tzinfo=TEHRAN)
    assert second.article and second.article.author == "نویسنده"
    assert second.article.published_at == dt.datetime(2025, 5, 20, 10, tzinfo=TEHRAN)
    assert third.article is None and third.error.startswith(
        "line 6:"
    )  # the first row has three lines
    assert fourth.article and fourth.article.published_at == dt.datetime(
        2025, 5, 20, 8, tzinfo=dt.UTC
    )
    assert [e.position for e in importers.read(path, start=3)] == [4]


def test_csv_bad_bytes_and_header(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"title,url\nok,https://x.ir/1\n\xff\xfe,https://x.ir/2\nok3,https://x.ir/3\n")
    entries = list(importers.read(path))
    assert [e.article.title if e.article else e.error for e in entries] == [
        "ok",
        "line 3: bytes that are not UTF-8",
        "ok3",
    ]
    headless = tmp_path / "b.csv"
    headless.write_text("name,text\na,b\n", encoding="utf-8")
    with pytest.raises(importers.ImportFormatError):
        list(importers.read(headless))
    empty = tmp_path / "c.csv"
    empty.write_bytes(b"")
    assert list(importers.read(empty)) == []


RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>خبرگزاری</title><link>https://www.isna.ir/</link>
<item><title>خبر &lt;b&gt;یک&lt;/b&gt;</title><link>https://www.isna.ir/news/1/?utm_source=rss</link>
<guid>isna-1</guid><pubDate>Tue, 20 May 2025 08:00:00 GMT</pubDate>
<description>&lt;p&gt;لید &lt;b&gt;خبر&lt;/b&gt;&lt;/p&gt;</description>
<author>خبرنگار</author></item>
<item><title>بی‌نشانی</title><description>x</description></item>
<item><title>بی‌تاریخ</title><link>https://www.isna.ir/news/2/</link></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>urn:x</id><updated>2025-05-20T08:00:00Z</updated>
<entry><title>ورودی اتم</title><link href="https://x.ir/a"/><id>urn:a</id>
<updated>2025-05-19T08:00:00Z</updated><summary>خلاصه</summary>
<content type="html">&lt;p&gt;بند یک&lt;/p&gt;&lt;p&gt;بند دو&lt;/p&gt;</content></entry>
</feed>"""


def test_saved_rss(tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    path.write_text(RSS, encoding="utf-8")
    assert importers.detect_format(path) == "feed"
    entries = list(importers.read(path))
    first, second, third = entries
    assert first.article is not None
    assert first.article.title == "خبر یک"
    assert first.article.lead == "لید خبر"
    assert first.article.guid == "isna-1" and first.article.author == "خبرنگار"
    assert first.article.published_at == dt.datetime(2025, 5, 20, 8, tzinfo=dt.UTC)
    assert second.article is None and second.error == "entry 2: no link"
    assert third.article and third.article.published_at is None
    assert [e.position for e in importers.read(path, start=2)] == [3]


def test_saved_atom_gzipped(tmp_path: Path) -> None:
    path = tmp_path / "atom.bin"
    path.write_bytes(gzip.compress(ATOM.encode()))
    [article] = importers.articles(path)
    assert article.url == "https://x.ir/a" and article.guid == "urn:a"
    assert article.lead == "خلاصه" and article.body == "بند یک\n\nبند دو"
    assert article.published_at == dt.datetime(2025, 5, 19, 8, tzinfo=dt.UTC)


def test_not_a_feed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "x.xml"
    path.write_text("<rss><channel><item><title>x</title>", encoding="utf-8")
    assert list(importers.read(path, "feed")) in (
        [],
        [importers.Entry(1, None, "entry 1: no link")],
    )
    monkeypatch.setattr(importers, "MAX_FEED", 100)
    path.write_text(RSS, encoding="utf-8")
    with pytest.raises(importers.ImportFormatError):
        list(importers.read(path))
    with pytest.raises(importers.ImportFormatError):
        list(importers.read(path, "xml"))
