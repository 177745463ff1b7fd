"""`ravabet ingest FILE [--source NAME] [--format auto|jsonl|csv|feed] [--batch 500] [--workers N]`.

Articles from a file (JSON lines plain or gzip, CSV, a saved feed; importers.py) through the
pipeline in batches, with a progress bar. The next batches are prepared (normalized, keyed,
signed) by `--workers` spawned processes (default min(2, cores); 1: all in this process) while
this process writes the current one; the workers never touch the database.

An `IngestRun` records how far it got: its position (records done) is committed in the same
transaction as each batch's articles, so a worker killed in the middle resumes, when run again
on the same file (same path, size and time of change), from the first batch not written:
nothing lost, nothing twice.
"""

from __future__ import annotations

import hashlib
import itertools
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db.models import F
from django.utils import timezone
from tqdm import tqdm

from ravabet.monitoring import importers, pipeline
from ravabet.monitoring.models import IngestRun, Source
from ravabet.persian import to_persian_digits

MAX_ERROR_CHARS = 20_000  # of the run's error log


def run_label(path: Path) -> str:
    """The file as an import knows it: absolute path, size and time of change (a file edited
    since is another import). Cut to the field's length with a hash of the whole."""
    stat = path.stat()
    label = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    if len(label) > 500:
        digest = hashlib.sha256(label.encode("utf-8", "surrogateescape")).hexdigest()[:16]
        label = f"…{label[-(500 - 18) :]}#{digest}"
    return label


def batches(entries: Iterator[importers.Entry], size: int) -> Iterator[list[importers.Entry]]:
    while batch := list(itertools.islice(entries, size)):
        yield batch


class Command(BaseCommand):
    help = "Import news articles from a JSON lines (plain or gzip), CSV or saved feed file."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--source", help="the source's name (default: the file's name)")
        parser.add_argument(
            "--format", default="auto", choices=["auto", *importers.FORMATS], dest="fmt"
        )
        parser.add_argument("--batch", type=int, default=500, help="articles a transaction")
        parser.add_argument(
            "--same-text",
            action="store_true",
            help="also skip an article whose text its outlet already has under another link "
            "(by default every link of a file is its own article)",
        )
        parser.add_argument("--restart", action="store_true", help="start over instead of resuming")
        parser.add_argument(
            "--workers",
            type=int,
            default=pipeline.default_workers(),
            help="processes preparing the next batches while this one writes "
            "(default min(2, cores); 1: everything in this process)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path} is not a file")
        size = options["batch"]
        if not 1 <= size <= 10_000:
            raise CommandError("--batch must be between 1 and 10000")
        workers = options["workers"]
        if not 1 <= workers <= 32:
            raise CommandError("--workers must be between 1 and 32")
        fmt = options["fmt"] if options["fmt"] != "auto" else importers.detect_format(path)
        name = (options["source"] or path.name)[:200]
        source = Source.objects.filter(name=name, kind=Source.Kind.FILE).order_by(
            "pk"
        ).first() or Source.objects.create(name=name, kind=Source.Kind.FILE, poll_minutes=0)
        label = run_label(path)
        run = self._run(source, label, restart=options["restart"])
        resumed_at = run.position
        try:
            self._import(
                path, fmt, source, run, size=size, same_text=options["same_text"], workers=workers
            )
        except BaseException as exc:  # a kill (KeyboardInterrupt) too: resumable next time
            log = IngestRun.objects.get(pk=run.pk).error
            IngestRun.objects.filter(pk=run.pk).update(
                status=IngestRun.Status.FAILED, error=_append(log, f"stopped: {exc!r}"[:1000])
            )
            if isinstance(exc, importers.ImportFormatError):
                raise CommandError(str(exc)) from exc
            raise
        run.refresh_from_db()
        run.status = IngestRun.Status.DONE
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "finished_at"])
        resumed = f" (resumed at {resumed_at})" if resumed_at else ""
        english = (
            f"{path.name}: {run.seen} read, {run.created} new, {run.duplicates} duplicates, "
            f"{run.errors} errors{resumed}"
        )
        persian = to_persian_digits(
            f"{run.seen} خوانده، {run.created} تازه، {run.duplicates} تکراری، {run.errors} خطا"
        )
        self.stdout.write(self.style.SUCCESS(f"{english} — {persian}"))

    def _run(self, source: Source, label: str, *, restart: bool) -> IngestRun:
        """The unfinished run of this very file, to resume, or a new one."""
        path_prefix = label.rsplit("|", 2)[0] + "|"
        unfinished = IngestRun.objects.filter(
            source=source, status__in=[IngestRun.Status.RUNNING, IngestRun.Status.FAILED]
        )
        # Runs of an earlier version of the file can never resume.
        unfinished.filter(label__startswith=path_prefix).exclude(label=label).update(
            status=IngestRun.Status.FAILED, finished_at=timezone.now()
        )
        run = None if restart else unfinished.filter(label=label).order_by("-pk").first()
        if run is None:
            unfinished.filter(label=label).update(
                status=IngestRun.Status.FAILED, finished_at=timezone.now()
            )
            return IngestRun.objects.create(source=source, label=label)
        run.status = IngestRun.Status.RUNNING
        run.save(update_fields=["status"])
        return run

    def _import(
        self,
        path: Path,
        fmt: str,
        source: Source,
        run: IngestRun,
        *,
        size: int,
        same_text: bool,
        workers: int,
    ) -> None:
        entries = importers.read(path, fmt, start=run.position)
        bar = tqdm(
            desc=path.name,
            unit=" records",
            initial=run.position,
            disable=None,  # quiet when stderr is not a terminal
            file=sys.stderr,
        )
        try:
            with pipeline.Preparer(workers) as preparer, pipeline.import_cache():

                def begin(batch: list[importers.Entry]) -> pipeline.Pending:
                    return pipeline.begin(_articles(batch), preparer=preparer)

                for batch, pending in pipeline.ahead(batches(entries, size), begin):
                    self.ingest_batch(batch, source, run, same_text=same_text, pending=pending)
                    bar.update(batch[-1].position - bar.n)
        finally:
            bar.close()

    def ingest_batch(
        self,
        batch: list[importers.Entry],
        source: Source,
        run: IngestRun,
        *,
        same_text: bool,
        pending: pipeline.Pending | None = None,
    ) -> pipeline.IngestResult:
        """One batch through the pipeline (`pending`: its `pipeline.begin`, when begun ahead);
        the run's position and counts are committed in the same transaction as the batch's
        articles."""
        failures = [entry.error for entry in batch if entry.article is None]
        position = batch[-1].position

        def stored(result: pipeline.IngestResult) -> None:
            errors = failures + result.messages
            IngestRun.objects.filter(pk=run.pk).update(
                position=position,
                seen=F("seen") + result.seen + len(failures),
                created=F("created") + result.created,
                duplicates=F("duplicates") + result.duplicates,
                errors=F("errors") + result.errors + len(failures),
            )
            if errors:
                run.refresh_from_db(fields=["error"])
                run.error = _append(run.error, "\n".join(errors))
                run.save(update_fields=["error"])

        return pipeline.finish(
            pending or pipeline.begin(_articles(batch)),
            source=source,
            same_text=same_text,
            on_stored=stored,
        )


def _articles(batch: list[importers.Entry]) -> list[pipeline.RawArticle]:
    return [entry.article for entry in batch if entry.article is not None]


def _append(log: str, text: str) -> str:
    """The run's error log with `text` added, kept to MAX_ERROR_CHARS (the first errors)."""
    if len(log) >= MAX_ERROR_CHARS:
        return log
    joined = f"{log}\n{text}" if log else text
    return joined[:MAX_ERROR_CHARS]
