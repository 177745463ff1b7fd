"""Benchmark: ravabet.core.search against a plain LIKE '%word%' scan, on SQLite and PostgreSQL.

Run with `make bench` or `.venv/bin/python bench/search.py [--docs N]`. Builds an index of
N documents (100,000 by default) synthesised deterministically from the Fars news corpus,
then times the same queries through `search()` and through a LIKE scan (every word must
occur, total and first page by date, as a paginated `icontains` would do) over the same
rows' text in an unindexed column. Prints p50 and p95 for both and the ratio of the p95s;
then search() for the broad queries (more than 1,000 matches: the count stops at 1,001) apart
from the others, the ratio of their p95s, and the same queries answered from the search cache
(asked a third time).

Each database runs in a child process with its own throwaway database: a temporary SQLite
file, and a fresh `ravabet_bench` database on PostgreSQL at 127.0.0.1:5432 when one answers
(RAVABET_BENCH_POSTGRES overrides the server URL), dropped afterwards.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

CORPUS = ROOT.parent / "shared" / "corpus" / "fars-news.jsonl.gz"
SCOPE = "bench"
SEED = 1404
POSTGRES_SERVER = os.environ.get(
    "RAVABET_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres"
)
BENCH_DB = "ravabet_bench"
KINDS = ("news", "interview", "report", "announcement", "photo")
# Body sizes in UTF-8 bytes: a press release is a few paragraphs.
BODY_BYTES = (1000, 3000)
PAGE = 20


@dataclass(frozen=True)
class Source:
    title: str
    abstract: str
    paragraphs: tuple[str, ...]


def load_corpus(path: Path) -> list[Source]:
    from ravabet.persian import normalize
    from ravabet.persian.corpus import read_corpus

    # The corpus is raw web text; the platform stores normalized text, so the documents
    # are built from normalized pieces (normalizing the 1,500 articles once, not 100k docs).
    sources = []
    for article in read_corpus(path):
        paragraphs = tuple(p for p in (normalize(p) for p in article.paragraphs) if p)
        if paragraphs and article.title.strip():
            sources.append(
                Source(normalize(article.title), normalize(article.abstract), paragraphs)
            )
    return sources


@dataclass(frozen=True)
class Synth:
    object_id: int
    title: str
    extra: str
    body: str
    published_at: datetime
    agency_id: int
    county_id: int
    kind: str


def _fit(paragraph: str, room: int) -> str:
    """The paragraph cut at a word boundary to at most `room` UTF-8 bytes."""
    if len(paragraph.encode("utf-8")) <= room:
        return paragraph
    cut = paragraph.encode("utf-8")[:room].decode("utf-8", "ignore")
    return cut.rsplit(" ", 1)[0] if " " in cut else cut


def synthesise(sources: list[Source], count: int, seed: int = SEED) -> Iterator[Synth]:
    """`count` distinct documents: a base article's title (sometimes spliced with another's),
    its lead as the extra text, and paragraphs of the base and other articles up to 1-3 KB."""
    rng = random.Random(seed)
    seen: set[bytes] = set()
    start = datetime(2022, 3, 21, tzinfo=UTC)
    object_id = 0
    while object_id < count:
        base = rng.choice(sources)
        title = base.title
        if rng.random() < 0.6:
            other = rng.choice(sources).title.split()
            words = title.split()
            title = " ".join(words[: max(2, len(words) // 2)] + other[len(other) // 2 :])
        target = rng.randint(*BODY_BYTES)
        parts: list[str] = []
        size = 0
        pool = list(base.paragraphs)
        rng.shuffle(pool)
        while size < target:
            paragraph = pool.pop() if pool else rng.choice(rng.choice(sources).paragraphs)
            if rng.random() < 0.3:
                paragraph = rng.choice(rng.choice(sources).paragraphs)
            piece = _fit(paragraph, target - size)
            if not piece:
                break
            parts.append(piece)
            size += len(piece.encode("utf-8")) + 1
        body = "\n".join(parts)
        fingerprint = hashlib.blake2b(f"{title}\n{body}".encode(), digest_size=16).digest()
        if fingerprint in seen:
            continue
        seen.add(fingerprint)
        object_id += 1
        yield Synth(
            object_id=object_id,
            title=title,
            extra=base.abstract,
            body=body,
            published_at=start + timedelta(minutes=rng.randint(0, 3 * 365 * 24 * 60)),
            agency_id=rng.randint(1, 40),
            county_id=rng.randint(1, 25),
            kind=rng.choice(KINDS),
        )


_ARABIC = str.maketrans({"ی": "ي", "ک": "ك"})
_LATIN_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")


def _variant(word: str, rng: random.Random) -> str:
    """How else a person might type the word: Arabic letters, Latin digits, no half-space."""
    choice = rng.random()
    if choice < 0.4:
        return word.translate(_ARABIC)
    if choice < 0.7 and "\u200c" in word:
        return word.replace("\u200c", rng.choice((" ", "")))
    return word.translate(_LATIN_DIGITS)


def make_queries(sources: list[Source], count: int, seed: int = SEED) -> list[str]:
    """1-3 consecutive content words of a title or paragraph; a third typed another way."""
    from ravabet.persian.tokens import has_persian_letter, is_stopword, tokenize

    rng = random.Random(seed + 1)
    queries: list[str] = []
    while len(queries) < count:
        source = rng.choice(sources)
        text = source.title if rng.random() < 0.5 else rng.choice(source.paragraphs)
        words = [
            w
            for w in tokenize(text)
            if len(w) >= 3 and has_persian_letter(w) and not is_stopword(w)
        ]
        size = rng.choices((1, 2, 3), weights=(4, 4, 2))[0]
        if len(words) < size:
            continue
        first = rng.randrange(len(words) - size + 1)
        chosen = words[first : first + size]
        if rng.random() < 0.33:
            chosen = [_variant(w, rng) for w in chosen]
        queries.append(" ".join(chosen))
    return queries


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


# --- child: one database ----------------------------------------------------------------


def _plain_table(connection: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_plain")
        # No index on the text: this is what searching with LIKE / icontains costs.
        cursor.execute(
            "CREATE TABLE bench_plain (id bigint PRIMARY KEY, published_at timestamp with time"
            " zone, text text NOT NULL)"
            if connection.vendor == "postgresql"
            else "CREATE TABLE bench_plain (id integer PRIMARY KEY, published_at text,"
            " text text NOT NULL)"
        )


def run_child(args: argparse.Namespace) -> dict[str, Any]:
    os.environ["DJANGO_SETTINGS_MODULE"] = "ravabet.config.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from ravabet.core.search import Document, rebuild, search
    from ravabet.persian import normalize

    call_command("migrate", verbosity=0, interactive=False)
    sources = load_corpus(args.corpus)
    _plain_table(connection)
    plain_rows: list[tuple[int, Any, str]] = []
    text_bytes = 0

    def flush() -> None:
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO bench_plain (id, published_at, text) VALUES (%s, %s, %s)",
                plain_rows,
            )
        plain_rows.clear()

    def documents() -> Iterator[Document]:
        nonlocal text_bytes
        for synth in synthesise(sources, args.docs):
            text = f"{synth.title}\n{synth.extra}\n{synth.body}"
            text_bytes += len(text.encode("utf-8"))
            plain_rows.append(
                (
                    synth.object_id,
                    connection.ops.adapt_datetimefield_value(synth.published_at),
                    text,
                )
            )
            if len(plain_rows) >= 1000:
                flush()
            yield Document(
                scope=SCOPE,
                object_id=synth.object_id,
                title=synth.title,
                extra=synth.extra,
                body=synth.body,
                published_at=synth.published_at,
                agency_id=synth.agency_id,
                county_id=synth.county_id,
                kind=synth.kind,
            )

    started = time.perf_counter()
    indexed = rebuild(SCOPE, documents(), total=args.docs, progress=True)
    flush()
    index_seconds = time.perf_counter() - started
    if connection.vendor == "postgresql":
        # What autovacuum does within a minute of a bulk load (it is triggered by inserts
        # since PostgreSQL 13): sets hint bits and the visibility map once, instead of the
        # first searches doing it page by page.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE core_searchentry")
            cursor.execute("VACUUM ANALYZE bench_plain")
    index_mb = _index_mb(connection)

    queries = make_queries(sources, args.queries)
    # search() itself, not its cache (core/search/cache.py), until the cache is timed below.
    settings.RAVABET_SEARCH_CACHE_SECONDS = 0
    # Untimed: other queries first (another seed), as a server that has been answering
    # searches for a while has the upper levels of its indexes in memory; none of the
    # timed queries is run before it is timed.
    for query in make_queries(sources, args.queries, seed=SEED + 7):
        search(SCOPE, query)
    ours: list[float] = []
    broad: list[float] = []
    narrow: list[float] = []
    found = 0
    for query in queries:
        started = time.perf_counter()
        results = search(SCOPE, query, per_page=PAGE)
        ours.append(time.perf_counter() - started)
        (broad if results.total_is_lower_bound else narrow).append(ours[-1])
        found += results.total > 0

    # The cache: each query asked twice (the second ask stores it), the third ask timed.
    settings.RAVABET_SEARCH_CACHE_SECONDS = 120
    cached: list[float] = []
    for query in queries:
        search(SCOPE, query, per_page=PAGE)
        search(SCOPE, query, per_page=PAGE)
        started = time.perf_counter()
        search(SCOPE, query, per_page=PAGE)
        cached.append(time.perf_counter() - started)

    # A scan costs about the same for every query (it reads all the text), so an evenly
    # spaced part of the queries measures it as well as all of them, in far less time.
    step = max(1, len(queries) // max(1, args.scan_queries))
    scanned = queries[::step][: args.scan_queries]
    scan: list[float] = []
    scan_found = 0
    scan_plan = ""
    for query in scanned:
        # The scan gets the words normalized, as a view would pass them to icontains; it
        # cannot unify spelling variants, so it may miss what search() finds.
        words = normalize(query).split()
        like = " AND ".join(["text LIKE %s"] * len(words))
        sql = (
            f"SELECT id, count(*) OVER () FROM bench_plain WHERE {like}"  # noqa: S608
            f" ORDER BY published_at DESC, id DESC LIMIT {PAGE}"
        )
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, [f"%{w}%" for w in words])
            rows = cursor.fetchall()
        scan.append(time.perf_counter() - started)
        if not scan_plan:
            scan_plan = _scan_plan(connection, sql, [f"%{w}%" for w in words])
        scan_found += bool(rows)
    return {
        "vendor": connection.vendor,
        "docs": indexed,
        "text_mb": text_bytes / 1e6,
        "index_seconds": index_seconds,
        "index_mb": index_mb,
        "queries": len(queries),
        "found": found,
        "scanned": len(scanned),
        "scan_found": scan_found,
        "scan_plan": scan_plan,
        "ours_p50": statistics.median(ours),
        "ours_p95": percentile(ours, 0.95),
        "broad": len(broad),
        "broad_p50": statistics.median(broad) if broad else 0.0,
        "broad_p95": percentile(broad, 0.95) if broad else 0.0,
        "narrow_p50": statistics.median(narrow) if narrow else 0.0,
        "narrow_p95": percentile(narrow, 0.95) if narrow else 0.0,
        "cached_p50": statistics.median(cached),
        "cached_p95": percentile(cached, 0.95),
        "scan_p50": statistics.median(scan),
        "scan_p95": percentile(scan, 0.95),
        "examples": queries[:5],
    }


def _scan_plan(connection: Any, sql: str, params: list[str]) -> str:
    """How the database runs the scan (PostgreSQL may or may not use parallel workers)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            return "; ".join(str(row[-1]) for row in cursor.fetchall())
        cursor.execute("EXPLAIN " + sql, params)
        lines = [str(row[0]).strip() for row in cursor.fetchall()]
        scans = [line.split("  (")[0].lstrip("-> ") for line in lines if "Scan" in line]
        workers = [line for line in lines if line.startswith("Workers Planned")]
        return "; ".join(scans + workers)


def _index_mb(connection: Any) -> float:
    """Size of the search tables with their indexes (the FTS5 tables on SQLite)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE '%%search%%'")
        else:
            cursor.execute(
                "SELECT pg_total_relation_size('core_searchentry')"
                " + pg_total_relation_size('core_searchterm')"
            )
        return float(cursor.fetchone()[0]) / 1e6


# --- parent: one child per database, then the table ---------------------------------------


def _postgres_admin() -> Any | None:
    try:
        import psycopg

        return psycopg.connect(POSTGRES_SERVER, autocommit=True, connect_timeout=3)
    except Exception as error:  # any failure means: no PostgreSQL to compare on
        print(f"PostgreSQL not reachable at {POSTGRES_SERVER} ({error}); SQLite only.")
        return None


def _child(database_url: str, args: argparse.Namespace, label: str) -> dict[str, Any] | None:
    with (
        tempfile.NamedTemporaryFile("r", suffix=".json") as out,
        tempfile.TemporaryDirectory(prefix="ravabet-bench-var-") as var,
    ):
        command = [
            sys.executable,
            __file__,
            "--child",
            out.name,
            "--docs",
            str(args.docs),
            "--queries",
            str(args.queries),
            "--scan-queries",
            str(args.scan_queries),
            "--corpus",
            str(args.corpus),
        ]
        # Its own var/ (secret key, the file cache holding the search versions), not ours.
        env = {**os.environ, "DATABASE_URL": database_url, "RAVABET_VAR_DIR": var}
        print(f"== {label}: indexing {args.docs:,} documents", flush=True)
        done = subprocess.run(command, env=env, check=False)  # noqa: S603 (our own script)
        if done.returncode != 0:
            print(f"{label}: benchmark failed (exit {done.returncode})")
            return None
        result: dict[str, Any] = json.load(out)
        return result


def _print_table(results: list[dict[str, Any]]) -> None:
    if not results:
        print("no database could be measured")
        return
    first = results[0]
    print()
    print(
        f"search benchmark: {first['docs']:,} documents ({first['text_mb']:.0f} MB of text),"
        f" {first['queries']} queries through search(), {first['scanned']} of them also as a"
        " LIKE scan"
    )
    header = (
        f"{'database':<12}{'index s':>8}{'index MB':>10}{'found':>10}{'scan found':>12}"
        f"{'ours p50':>10}{'ours p95':>10}{'scan p50':>10}{'scan p95':>10}{'p95 ratio':>11}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        ratio = r["scan_p95"] / r["ours_p95"] if r["ours_p95"] else float("inf")
        found = f"{r['found']}/{r['queries']}"
        scan_found = f"{r['scan_found']}/{r['scanned']}"
        print(
            f"{r['vendor']:<12}{r['index_seconds']:>8.0f}{r['index_mb']:>10.0f}{found:>10}"
            f"{scan_found:>12}{r['ours_p50'] * 1000:>8.1f}ms{r['ours_p95'] * 1000:>8.1f}ms"
            f"{r['scan_p50'] * 1000:>8.0f}ms{r['scan_p95'] * 1000:>8.0f}ms{ratio:>10.0f}x"
        )
    print()
    header = (
        f"{'database':<12}{'broad':>7}{'p50':>9}{'p95':>9}{'others':>8}{'p50':>9}{'p95':>9}"
        f"{'p95 ratio':>11}{'cached p50':>12}{'p95':>9}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        both = r["broad"] and r["narrow_p95"]
        ratio = f"{r['broad_p95'] / r['narrow_p95']:.1f}x" if both else "-"
        print(
            f"{r['vendor']:<12}{r['broad']:>7}{r['broad_p50'] * 1000:>7.1f}ms"
            f"{r['broad_p95'] * 1000:>7.1f}ms{r['queries'] - r['broad']:>8}"
            f"{r['narrow_p50'] * 1000:>7.1f}ms{r['narrow_p95'] * 1000:>7.1f}ms{ratio:>11}"
            f"{r['cached_p50'] * 1000:>10.2f}ms{r['cached_p95'] * 1000:>7.2f}ms"
        )
    print()
    print("index s / MB: rebuild() time with its progress bar; size of the search tables.")
    print("found: queries with at least one hit. search(): every word, any spelling; the")
    print("       scan: every word as a substring of the normalized text, as typed.")
    print("ratio: LIKE-scan p95 / search() p95 (goal: at least 50x).")
    print("broad: the queries with more than 1,000 matches (counted to 1,001, «more than 1,000»);")
    print("       others: the rest; p95 ratio: broad p95 / others p95 (goal: about 1x).")
    print("cached: the same queries asked a third time (the second ask stores them).")
    for r in results:
        print(f"scan plan on {r['vendor']}: {r['scan_plan']}")
    print("sample queries:", " | ".join(first["examples"]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--docs", type=int, default=100_000, help="documents to index")
    parser.add_argument("--queries", type=int, default=200, help="queries to time")
    parser.add_argument(
        "--scan-queries",
        type=int,
        default=50,
        help="of those, how many (evenly spaced) to time as a LIKE scan too (a few minutes"
        " at 100,000 documents; pass the --queries value to scan them all)",
    )
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        result = run_child(args)
        Path(args.child).write_text(json.dumps(result), encoding="utf-8")
        return 0

    results = []
    workdir = Path(tempfile.mkdtemp(prefix="ravabet-bench-"))
    try:
        sqlite = _child(f"sqlite:///{workdir / 'bench.sqlite3'}", args, "SQLite")
        if sqlite:
            results.append(sqlite)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    admin = None if args.no_postgres else _postgres_admin()
    if admin is not None:
        url = POSTGRES_SERVER.rsplit("/", 1)[0] + f"/{BENCH_DB}"
        try:
            admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
            admin.execute(f"CREATE DATABASE {BENCH_DB}")
            postgres = _child(url, args, "PostgreSQL")
            if postgres:
                results.append(postgres)
        finally:
            admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
            admin.close()

    _print_table(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
