"""Benchmark: the whole monitoring pipeline (issue 12) on the Fars corpus grown to N articles,
beside hazm's Normalizer alone over the same texts.

Run with `make bench` or `.venv/bin/python bench/monitoring.py [--sizes 10000,100000]
[--quick] [--workers N] [--single] [--no-profile] [--hazm-python PY]`. Deterministic (seed 1404).

The articles: the corpus's 1,500 lines as they are, then, up to N,
- near-copies (a third): an article already made, republished by another outlet within the
  day with 1 or 2 of the light edits of bench/stories.py (another agency in the opening, its
  own lead sentence, a paragraph dropped, Arabic ي/ك for Persian ی/ک or back), a new link;
- distinct articles (two thirds): a mixture — a corpus title spliced with another's, the
  paragraphs rebuilt from sentences of several corpus articles, the numbers changed — with a
  link of one of 60 outlets. Two mixtures share almost no 3-word shingle (no false story).
Each size is written to a temporary gzip JSON lines file first (not timed), then timed: read
and parse (ravabet.monitoring.importers.articles), then the path of `ravabet ingest --workers N`
in batches of 500 (one file Source, every link its own article): `pipeline.begin` two batches
ahead (links looked up; normalize, search key, MinHash in N forked worker processes, or here
with N = 1) and `pipeline.finish` (store, then after each commit stories, watches, tone and
settled_at), into a fresh, migrated SQLite database file. `--workers N` (default min(2,
cores)); `--single` also runs the first size in one process. The rate of the first and of the
last tenth of the batches is printed too: a database that slows as it grows shows there, while
load from other processes falls on both alike.

hazm's Normalizer runs in its own process (var/hazm-venv, through bench/_hazm_worker.py and
bench/normalize.py's HazmProcess) over the first size's texts (title, lead and body joined),
one timed pass right before the pipeline runs and one right after; the pipeline's articles/s
is set beside their mean (goal: ratio ≥ 1.0), and the growth of the pipeline's time from the
first size to the last (10× the articles: ≈10 is linear). Then a profile (cProfile) of the
first size in one process on a fresh database, top functions by cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gzip
import io
import itertools
import json
import os
import pstats
import random
import re
import sys
import tempfile
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from normalize import HazmProcess, hazm_python  # noqa: E402
from stories import Doc, agency, drop_paragraph, lead, letters, load_corpus  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "fars-news.jsonl.gz"
SEED = 1404
BATCH = 500
NEAR_COPY_SHARE = 1 / 3
EDITS = (agency, lead, drop_paragraph, letters)
_NATIONAL = (
    "irna.ir", "isna.ir", "mehrnews.com", "tasnimnews.com", "yjc.ir", "khabaronline.ir",
    "hamshahrionline.ir", "entekhab.ir", "asriran.com", "tabnak.ir", "mashreghnews.ir",
    "ilna.ir", "iribnews.ir", "donya-e-eqtesad.com", "ecoiran.com", "jamejamonline.ir",
    "etemadonline.com", "shahrekhabar.com", "khabarfoori.com", "eghtesadnews.com",
)  # fmt: skip
OUTLETS = (*_NATIONAL, *(f"ostan{i}.ir" for i in range(40)))
_DIGITS = re.compile(r"[۰-۹0-9]+")
_PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"


def _sentences(paragraph: str) -> list[str]:
    return [s.strip() for s in paragraph.split(".") if s.strip()]


def _record(d: Doc, link: str, published: dt.datetime) -> dict[str, object]:
    return {
        "link": link,
        "title": d.title,
        "abstract": d.abstract,
        "paragraphs": list(d.paragraphs),
        "published": published.isoformat(),
    }


def synthesise(count: int, seed: int = SEED) -> Iterator[dict[str, object]]:
    """`count` JSON records in the corpus's schema: the corpus's own lines first (all of them
    when count ≥ 1,500), then near-copies and distinct mixtures (see the module's text)."""
    rng = random.Random(seed)
    with gzip.open(CORPUS, "rt", encoding="utf-8") as lines:
        raw = [json.loads(line) for line in lines]
    yield from raw[:count]
    docs = load_corpus(CORPUS)
    sentences = [s for d in docs for p in d.paragraphs for s in _sentences(p)]
    recent: deque[tuple[Doc, dt.datetime]] = deque(maxlen=2000)  # republished within the day
    for d in docs:
        recent.append((d, dt.datetime(2024, 1, 1, 12, tzinfo=dt.UTC)))
    clock = dt.datetime(2024, 1, 1, 12, tzinfo=dt.UTC)
    serial = 0

    def number(match: re.Match[str]) -> str:
        digits = str(rng.randint(2, 9999))
        return digits.translate(str.maketrans("0123456789", _PERSIAN_DIGITS))

    for _ in range(max(0, count - len(raw))):
        serial += 1
        clock += dt.timedelta(seconds=rng.randint(5, 60))
        outlet = rng.choice(OUTLETS)
        link = f"https://www.{outlet}/news/{serial:07d}/{rng.randrange(10**6)}"
        if rng.random() < NEAR_COPY_SHARE:
            base, when = rng.choice(recent)
            copy = base
            for edit in rng.sample(EDITS, rng.randint(1, 2)):
                copy = edit(rng, copy, docs)
            published = when + dt.timedelta(minutes=rng.randint(1, 600))
            yield _record(copy, link, published)
            continue
        base, other = rng.choice(docs), rng.choice(docs)
        words, others = base.title.split(), other.title.split()
        title = " ".join(words[: max(2, len(words) // 2)] + others[len(others) // 2 :])
        paragraphs = []
        for _p in range(rng.randint(3, 8)):
            picked = [rng.choice(sentences) for _s in range(rng.randint(1, 4))]
            paragraphs.append(_DIGITS.sub(number, ". ".join(picked)) + ".")
        abstract = _DIGITS.sub(number, rng.choice(sentences)) + "."
        mixture = replace(base, title=title, abstract=abstract, paragraphs=tuple(paragraphs))
        recent.append((mixture, clock))
        yield _record(mixture, link, clock)


def write_file(path: Path, count: int) -> tuple[list[str], float]:
    """The synthesised articles as gzip JSON lines; their texts (for hazm) and size in MB."""
    texts: list[str] = []
    size = 0
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as out:
        for record in synthesise(count):
            line = json.dumps(record, ensure_ascii=False)
            size += len(line.encode("utf-8")) + 1
            out.write(line + "\n")
            paragraphs = record["paragraphs"]
            assert isinstance(paragraphs, list)
            texts.append("\n".join([str(record["title"]), str(record["abstract"]), *paragraphs]))
    return texts, size / 1e6


def fresh_database(directory: Path) -> None:
    """Point Django at a new SQLite file in `directory` and migrate it."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    connections.close_all()
    settings.DATABASES["default"]["NAME"] = str(directory / "db.sqlite3")
    for alias in connections:
        connections[alias].settings_dict["NAME"] = settings.DATABASES[alias]["NAME"]
    call_command("migrate", verbosity=0, interactive=False)


def run_pipeline(path: Path, workers: int) -> tuple[float, dict[str, int]]:
    """Seconds to read, parse and ingest the file (stories included), as `ravabet ingest
    --workers N` does it: the next batches prepared by N spawned processes (1: in this one)
    while this process stores the current batch; counts."""
    from ravabet.monitoring import importers
    from ravabet.monitoring.models import Article, Source, Story
    from ravabet.monitoring.pipeline import (
        IngestResult,
        Preparer,
        ahead,
        begin,
        finish,
        import_cache,
    )

    source = Source.objects.create(name="bench", kind=Source.Kind.FILE, poll_minutes=0)
    total = IngestResult()
    batch_seconds: list[float] = []
    start = time.perf_counter()
    raws = importers.articles(path)
    batches = iter(lambda: list(itertools.islice(raws, BATCH)), [])
    with Preparer(workers) as preparer, import_cache():
        begun = time.perf_counter()
        for _batch, pending in ahead(batches, lambda b: begin(b, preparer=preparer)):
            total.add(finish(pending, source=source, same_text=False))
            batch_seconds.append(time.perf_counter() - begun)
            begun = time.perf_counter()
    seconds = time.perf_counter() - start
    tenth = max(1, len(batch_seconds) // 10)
    counts = {
        "seen": total.seen,
        "created": total.created,
        "duplicates": total.duplicates,
        "errors": total.errors,
        "articles": Article.objects.count(),
        "stories": Story.objects.count(),
        "in stories": Article.objects.filter(story__isnull=False).count(),
        "stories of 2+": Story.objects.filter(article_count__gte=2).count(),
        "unsettled": Article.objects.filter(settled_at__isnull=True).count(),
        # Database growth against load: the first and last tenth of the batches.
        "articles/s first tenth": round(tenth * BATCH / sum(batch_seconds[:tenth])),
        "last tenth": round(tenth * BATCH / sum(batch_seconds[-tenth:])),
    }
    return seconds, counts


def _hazm_pass(hazm: HazmProcess | None, count: int) -> float | None:
    """One timed pass of hazm's Normalizer over the loaded texts: articles/s."""
    if hazm is None:
        return None
    seconds = hazm.timed_pass()
    print(
        f"hazm {hazm.version} Normalizer alone over the N={count:,} texts: {seconds:.1f} s, "
        f"{count / seconds:,.0f} articles/s (load average {os.getloadavg()[0]:.1f})",
        flush=True,
    )
    return count / seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="10000,100000", help="articles, comma-separated")
    parser.add_argument("--quick", action="store_true", help="sizes 2,000 and 10,000")
    parser.add_argument(
        "--workers",
        type=int,
        default=max(1, min(2, os.cpu_count() or 1)),
        help="processes preparing batches, as `ravabet ingest --workers` (default min(2, cores))",
    )
    parser.add_argument(
        "--single", action="store_true", help="also run the first size in one process"
    )
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--profile-lines", type=int, default=25)
    parser.add_argument(
        "--hazm-python",
        help="Python interpreter with hazm installed (default: var/hazm-venv, else this one)",
    )
    args = parser.parse_args()
    sizes = [2000, 10_000] if args.quick else [int(s) for s in args.sizes.split(",")]

    with tempfile.TemporaryDirectory(prefix="ravabet-bench-monitoring-") as tmp_name:
        tmp = Path(tmp_name)
        os.environ.pop("DATABASE_URL", None)
        os.environ.update(
            DJANGO_SETTINGS_MODULE="ravabet.config.settings",
            RAVABET_VAR_DIR=str(tmp / "var"),
            RAVABET_SECRET_KEY="bench",  # noqa: S106 (a throwaway database)
            RAVABET_TASK_BACKEND="immediate",
        )
        import django

        django.setup()

        first = sizes[0]
        first_texts: list[str] = []
        for n in sizes:
            start = time.perf_counter()
            texts, mb = write_file(tmp / f"articles-{n}.jsonl.gz", n)
            if not first_texts:
                first_texts = texts
            del texts
            print(f"N={n:,}: {mb:.0f} MB of JSON, made in {time.perf_counter() - start:.0f} s")

        # hazm right before and right after the pipeline runs, over the first size's texts:
        # the ratio is taken against their mean (the load of a shared machine moves both).
        python = hazm_python(args.hazm_python)
        hazm = HazmProcess(python) if python is not None else None
        if hazm is None:
            print("hazm is not installed (make bench builds var/hazm-venv): pipeline numbers only")
        else:
            hazm.load(first_texts)  # the texts go over the pipe in one line (a few tens of MB)
        hazm_rates = [_hazm_pass(hazm, len(first_texts))]

        runs = [(n, args.workers) for n in sizes]
        if args.single and args.workers != 1:
            runs.insert(1, (first, 1))
        results: dict[tuple[int, int], float] = {}
        for n, workers in runs:
            database = tmp / f"db-{n}-{workers}"
            database.mkdir()
            fresh_database(database)
            seconds, counts = run_pipeline(tmp / f"articles-{n}.jsonl.gz", workers)
            results[n, workers] = seconds
            size = (database / "db.sqlite3").stat().st_size / 1e6
            print(
                f"N={n:,}, {workers} worker(s): pipeline {seconds:.1f} s, "
                f"{n / seconds:,.0f} articles/s; database {size:.0f} MB "
                f"(load average {os.getloadavg()[0]:.1f})"
            )
            print("  " + ", ".join(f"{k} {v:,}" for k, v in counts.items()), flush=True)

        hazm_rates.append(_hazm_pass(hazm, len(first_texts)))
        if hazm is not None:
            hazm.close()
            known = [rate for rate in hazm_rates if rate is not None]
            hazm_rate = sum(known) / len(known)
            print(f"hazm, mean of the two passes: {hazm_rate:,.0f} articles/s")
            for (n, workers), seconds in results.items():
                ratio = n / seconds / hazm_rate
                print(
                    f"ratio pipeline/hazm at N={n:,}, {workers} worker(s): {ratio:.2f} (goal ≥ 1.0)"
                )
        if len(sizes) > 1:
            last = sizes[-1]
            growth = results[last, args.workers] / results[first, args.workers]
            print(
                f"growth of the pipeline's time from N={first:,} to N={last:,} "
                f"({last / first:.0f}x the articles): {growth:.1f}x "
                f"({last / first:.0f} would be linear)"
            )

        if not args.no_profile:
            database = tmp / "db-profile"
            database.mkdir()
            fresh_database(database)
            profiler = cProfile.Profile()
            profiler.enable()
            run_pipeline(tmp / f"articles-{first}.jsonl.gz", 1)
            profiler.disable()
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            stats.sort_stats("cumulative").print_stats(args.profile_lines)
            print(f"\nprofile of the pipeline at N={first:,}, one process (cProfile, cumulative):")
            print("\n".join(out.getvalue().splitlines()[6:]))
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(15)
            print(f"profile at N={first:,}, top functions by own time:")
            print("\n".join(out.getvalue().splitlines()[6:]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
