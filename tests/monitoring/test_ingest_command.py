"""`ravabet ingest FILE`: the Fars corpus twice, other formats, bad lines, a worker killed."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
from io import StringIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from ravabet.monitoring import pipeline
from ravabet.monitoring.management.commands import ingest as command
from ravabet.monitoring.models import Article, ArticleBand, IngestRun, Source
from tests.persian.paths import CORPUS

TEHRAN = ZoneInfo("Asia/Tehran")


def run(*args: str) -> str:
    out = StringIO()
    call_command("ingest", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_the_corpus_twice_leaves_1491_articles() -> None:
    first = run(str(CORPUS), "--source", "فارس")
    assert "1500 read, 1491 new, 9 duplicates, 0 errors" in first
    assert "۱۴۹۱ تازه" in first
    second = run(str(CORPUS), "--source", "فارس")
    assert "1500 read, 0 new, 1500 duplicates, 0 errors" in second
    assert Article.objects.count() == 1491
    assert Source.objects.get().kind == Source.Kind.FILE
    runs = list(IngestRun.objects.order_by("pk").values_list("status", "position", "created"))
    assert runs == [("done", 1500, 1491), ("done", 1500, 0)]

    article = Article.objects.get(url="https://farsnews.ir/news/8707060255")
    # 1387/07/06 at noon in Tehran, from the number in the link.
    assert article.published_at == dt.datetime(2008, 9, 27, 12, tzinfo=TEHRAN)
    assert not article.published_guessed and article.outlet == "farsnews.ir"
    assert "ي" in article.original["title"] and "ك" in article.original["title"]
    assert article.title == "ارائه خدمات بر خط بانکی در دفاتر ICT روستایی امکان‌پذیر می‌شود"
    assert "ي" not in article.body and "ك" not in article.body and "ی" in article.body
    later = Article.objects.get(url__startswith="https://farsnews.ir/news/13951017000743/")
    assert later.published_at.astimezone(TEHRAN).date() == dt.date(2017, 1, 6)  # 1395/10/17
    assert not Article.objects.filter(published_guessed=True).exists()
    assert Article.objects.filter(search_text="").count() == 0
    bands = len(pipeline.prepare(pipeline.RawArticle(url="https://x.ir", title="x")).bands)
    assert ArticleBand.objects.count() == 1491 * bands


class Killed(BaseException):
    """What a worker sees when it is killed: nothing after it runs."""


@pytest.mark.django_db
def test_a_worker_killed_in_the_middle_loses_and_duplicates_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Killed in the fourth batch after its articles were written but before the commit: the
    batch is undone with the run's position; run again, the import resumes there."""
    real = pipeline._insert_bands
    calls: list[int] = []

    def dies_in_the_fourth(rows: Any) -> None:
        calls.append(1)
        real(rows)
        if len(calls) == 4:
            raise Killed

    monkeypatch.setattr(pipeline, "_insert_bands", dies_in_the_fourth)
    with pytest.raises(Killed):
        run(str(CORPUS), "--batch", "200")
    killed = IngestRun.objects.get()
    assert (killed.status, killed.position, killed.seen) == ("failed", 600, 600)
    with gzip.open(CORPUS, "rt", encoding="utf-8") as stream:
        first_600 = {json.loads(line)["link"] for _, line in zip(range(600), stream, strict=False)}
    assert Article.objects.count() == killed.created == len(first_600)

    monkeypatch.setattr(pipeline, "_insert_bands", real)
    out = run(str(CORPUS), "--batch", "200")
    assert "resumed at 600" in out
    resumed = IngestRun.objects.get()  # the same run, carried on
    assert resumed.pk == killed.pk and resumed.status == "done"
    assert (resumed.position, resumed.seen, resumed.created) == (1500, 1500, 1491)
    assert resumed.duplicates == 9 and resumed.errors == 0
    assert Article.objects.count() == 1491
    assert "Killed" in resumed.error


@pytest.mark.django_db
def test_killed_between_batches_resumes_after_the_last_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "news.jsonl"
    path.write_text(
        "".join(
            json.dumps({"link": f"https://x.ir/news/{n}", "title": f"خبر {n}"}) + "\n"
            for n in range(10)
        ),
        encoding="utf-8",
    )
    real = command.Command.ingest_batch
    done: list[int] = []

    def batch_then_die(self: Any, batch: Any, *args: Any, **kwargs: Any) -> Any:
        if len(done) == 2:
            raise KeyboardInterrupt
        done.append(1)
        return real(self, batch, *args, **kwargs)

    monkeypatch.setattr(command.Command, "ingest_batch", batch_then_die)
    with pytest.raises(KeyboardInterrupt):
        run(str(path), "--batch", "3")
    assert IngestRun.objects.get().position == 6 and Article.objects.count() == 6
    monkeypatch.setattr(command.Command, "ingest_batch", real)
    assert "resumed at 6" in run(str(path), "--batch", "3")
    run_ = IngestRun.objects.get()
    assert (run_.status, run_.position, run_.seen, run_.created) == ("done", 10, 10, 10)
    # --restart starts over (and finds only duplicates); an edited file is another import.
    assert "10 read, 0 new, 10 duplicates" in run(str(path), "--restart")
    with path.open("a", encoding="utf-8") as stream:
        stream.write(json.dumps({"link": "https://x.ir/news/10", "title": "یازده"}) + "\n")
    os.utime(path, ns=(1, 1))
    assert "11 read, 1 new, 10 duplicates" in run(str(path))
    assert Article.objects.count() == 11


@pytest.mark.django_db
def test_a_run_of_an_earlier_version_of_the_file_never_resumes(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"link": "https://x.ir/1", "title": "یک"}) + "\n", "utf-8")
    source = Source.objects.create(name="a.jsonl", kind=Source.Kind.FILE)
    stale = IngestRun.objects.create(
        source=source, label=f"{path.resolve()}|999|1", position=50, status="running"
    )
    assert "1 read, 1 new" in run(str(path))
    stale.refresh_from_db()
    assert stale.status == "failed" and stale.finished_at is not None


@pytest.mark.django_db
def test_malformed_lines_are_counted_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl.gz"
    lines = [
        json.dumps({"link": "https://x.ir/1", "title": "یک"}),
        "{broken",
        json.dumps({"link": "ftp://x.ir/2", "title": "دو"}),
        json.dumps({"link": "https://x.ir/3"}),
        json.dumps({"link": "https://x.ir/4", "title": "چهار", "published": "2999-01-01"}),
    ]
    path.write_bytes(gzip.compress("\n".join(lines).encode()))
    out = run(str(path), "--batch", "2")
    assert "5 read, 2 new, 0 duplicates, 3 errors" in out
    errors = IngestRun.objects.get().error
    assert "line 2:" in errors and "line 4: no title" in errors and "ftp://x.ir/2" in errors
    future = Article.objects.get(url="https://x.ir/4")
    assert future.published_guessed  # a date in the future is the import's time


@pytest.mark.django_db
def test_csv_and_saved_feed(tmp_path: Path) -> None:
    csv_path = tmp_path / "export"
    csv_path.write_bytes(
        "\ufeffurl,title,lead,body,published,author\n"
        "https://www.isna.ir/news/1,عنوان يك,لید,متن,1404-02-30,نویسنده\n".encode()
    )
    assert "1 read, 1 new" in run(str(csv_path))
    article = Article.objects.get(url="https://isna.ir/news/1")
    assert article.title == "عنوان یک" and article.original["title"] == "عنوان يك"
    assert article.author == "نویسنده"
    assert article.published_at == dt.datetime(2025, 5, 20, 12, tzinfo=TEHRAN)

    feed_path = tmp_path / "saved"
    feed_path.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        "<item><title>از خوراک</title><link>https://www.isna.ir/news/2?utm_source=rss</link>"
        "<pubDate>Tue, 20 May 2025 08:00:00 GMT</pubDate><description>لید</description></item>"
        "<item><title>همان</title><link>https://isna.ir/news/1/</link></item>"
        "</channel></rss>",
        encoding="utf-8",
    )
    assert "2 read, 1 new, 1 duplicates" in run(str(feed_path), "--format", "feed")
    assert Article.objects.get(url="https://isna.ir/news/2").lead == "لید"


@pytest.mark.django_db
def test_refusals(tmp_path: Path) -> None:
    with pytest.raises(CommandError):
        run(str(tmp_path / "missing.jsonl"))
    path = tmp_path / "a.csv"
    path.write_text("name,text\nx,y\n", encoding="utf-8")
    with pytest.raises(CommandError, match="url and title"):
        run(str(path))
    assert IngestRun.objects.get().status == "failed"
    with pytest.raises(CommandError):
        run(str(path), "--batch", "0")


@pytest.mark.django_db
def test_an_import_settles_what_it_stored(
    tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    """Each batch's story, mentions and tone run after its commit: nothing is left unsettled
    for the sweep."""
    path = tmp_path / "news.jsonl"
    path.write_text(
        "".join(
            json.dumps({"link": f"https://x.ir/news/{n}", "title": f"خبر {n}", "body": "متن خبر"})
            + "\n"
            for n in range(7)
        ),
        encoding="utf-8",
    )
    with django_capture_on_commit_callbacks(execute=True) as hooks:
        run(str(path), "--batch", "3")
    assert len(hooks) == 3  # one a batch
    assert Article.objects.count() == 7
    assert not Article.objects.filter(settled_at__isnull=True).exists()
    assert not Article.objects.filter(story__isnull=True).exists()


@pytest.mark.django_db
def test_worker_processes_prepare_what_one_process_would(tmp_path: Path) -> None:
    """`--workers 2` (the pool, batches begun ahead) and `--workers 1` store the same
    articles, field for field."""
    with gzip.open(CORPUS, "rt", encoding="utf-8") as stream:
        lines = [line for _, line in zip(range(240), stream, strict=False)]
    stored: dict[str, list[tuple[Any, ...]]] = {}
    fields = ("url", "outlet", "title", "lead", "body", "original", "published_at")
    more = ("content_hash", "search_text", "signature", "guid", "author", "published_guessed")
    for workers in ("2", "1"):
        path = tmp_path / f"news-{workers}.jsonl"
        path.write_text("".join(lines), encoding="utf-8")
        out = run(str(path), "--source", f"فارس {workers}", "--batch", "40", "--workers", workers)
        assert "240 read, 240 new" in out or "240 read, 239 new" in out
        rows = Article.objects.order_by("url").values_list(*fields, *more)
        stored[workers] = [(*row[:-4], bytes(row[-4]), *row[-3:]) for row in rows]
        bands = ArticleBand.objects.order_by("article__url", "band").values_list("band", "value")
        stored[workers].append(tuple(bands))
        Article.objects.all().delete()
    assert stored["2"] == stored["1"] and len(stored["1"]) > 200


def test_workers_must_be_a_sensible_number(tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl"
    path.write_text(json.dumps({"link": "https://x.ir/1", "title": "خبر"}) + "\n")
    with pytest.raises(CommandError, match="--workers"):
        run(str(path), "--workers", "0")
