"""Benchmark: the write path of a release, against the code it replaced, in the same run.

Run with `make bench` or `.venv/bin/python bench/write_path.py [--sizes 10000,20000,...]
[--body-bytes 480000]`. Prints two things:

1. The change report (richtext.normalization_changes, what normalizing changed, shown to the
   editor) against `baseline_normalization_changes`, the old difflib over the whole text,
   on texts of growing size from the Fars corpus: seconds of each and their ratio.
2. How long SQLite's write lock is held while a release with a long body (480 KB of UTF-8
   by default) is created and then published, against `baseline_release_create`, the old
   service that did all its work inside the transaction: from BEGIN IMMEDIATE to COMMIT.

The database is a throwaway SQLite file in a temporary directory; RAVABET_MAX_BODY_CHARS is
raised for the run so the long body is accepted.
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
CORPUS = ROOT.parent / "shared" / "corpus" / "fars-news.jsonl.gz"


def baseline_normalization_changes(
    before: str, after: str, limit: int = 50
) -> list[tuple[str, str]]:
    """The old change report, as it was: one difflib over every word of both texts."""
    old, new = before.split(), after.split()
    pairs: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            continue
        pairs.append((" ".join(old[a1:a2]), " ".join(new[b1:b2])))
        if len(pairs) >= limit:
            break
    return pairs


def corpus_text(chars: int) -> str:
    """Raw corpus paragraphs (Arabic ي and ك, missing half-spaces), blank-line separated."""
    from ravabet.persian.corpus import read_corpus

    parts: list[str] = []
    total = 0
    for article in read_corpus(CORPUS):
        for paragraph in article.paragraphs:
            parts.append(paragraph)
            total += len(paragraph) + 2
            if total >= chars:
                return "\n\n".join(parts)[:chars]
    raise SystemExit(f"the corpus has fewer than {chars} characters")


def corpus_bytes(size: int) -> str:
    text = corpus_text(size)  # Persian takes about 1.8 bytes a character in UTF-8
    while (length := len(text.encode())) > size:
        text = text[: len(text) * size // length]
    return text


def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def bench_change_report(sizes: list[int]) -> None:
    from ravabet.core.richtext import normalization_changes
    from ravabet.persian import normalize

    print("change report: words normalizing changed (up to 50 pairs)")
    print(f"{'characters':>11} {'words':>8} {'baseline s':>11} {'new s':>9} {'ratio':>8} same")
    for size in sizes:
        before = corpus_text(size)
        after = normalize(before)
        base_s, base = timed(lambda b=before, a=after: baseline_normalization_changes(b, a))
        new_s, new = timed(lambda b=before, a=after: normalization_changes(b, a))
        print(
            f"{size:>11,} {len(before.split()):>8,} {base_s:>11.3f} {new_s:>9.4f}"
            f" {base_s / new_s:>7.0f}x {'yes' if base == new else 'NO'}"
        )


class LockClock:
    """Seconds between each BEGIN IMMEDIATE and its COMMIT on the default connection."""

    def __init__(self) -> None:
        self.held: list[float] = []
        self._began: float | None = None

    @contextmanager
    def watching(self) -> Iterator[LockClock]:
        from django.db import connection

        def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            if sql.startswith("BEGIN"):
                self._began = time.perf_counter()
            return execute(sql, params, many, context)

        commit = connection.commit

        def timed_commit() -> None:
            commit()
            if self._began is not None:
                self.held.append(time.perf_counter() - self._began)
                self._began = None

        connection.commit = timed_commit  # type: ignore[method-assign]
        try:
            with connection.execute_wrapper(wrapper):
                yield self
        finally:
            del connection.commit

    @property
    def longest(self) -> float:
        return max(self.held, default=0.0)


def baseline_release_create(*, actor: Any, agency: Any, data: Any) -> Any:
    """The old release_create, as it was: check, normalize, sanitize, the whole-text change
    report, then write, all inside one transaction (so under SQLite's write lock)."""
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from ravabet.core import audit, permissions
    from ravabet.core.richtext import body_text, normalize_html, sanitize
    from ravabet.newsroom import services
    from ravabet.newsroom.models import Release
    from ravabet.persian import normalize, reflow

    with transaction.atomic():
        permissions.require(permissions.can_write_for(actor, agency), "")
        release = Release(agency=agency, created_by=actor, status=Release.Status.DRAFT)
        raw_body = reflow(data.body) if data.from_pdf else data.body
        fields = {
            "kicker": normalize(data.kicker).strip(),
            "headline": normalize(data.headline).strip(),
            "lead": normalize(reflow(data.lead) if data.from_pdf else data.lead).strip(),
        }
        changes: list[tuple[str, str]] = []
        for name, value in fields.items():
            changes += baseline_normalization_changes(getattr(data, name), value)
            setattr(release, name, value)
        safe_body = sanitize(raw_body)
        release.body = normalize_html(safe_body)
        changes += baseline_normalization_changes(body_text(safe_body), body_text(release.body))
        release.kind = data.kind
        if not release.headline:
            raise ValidationError({"headline": "تیتر را بنویسید."})
        release.save()
        release.tags.set(services.tags_named(data.tags))
        audit.record(actor=actor, action="release.create", obj=release, agency=agency)
    return release


def bench_write_lock(body_bytes: int) -> None:
    import django
    from django.core.management import call_command
    from django.db import transaction

    django.setup()
    from ravabet.core.organisation.models import Agency, Membership
    from ravabet.newsroom import services

    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model

    agency = Agency.objects.create(slug="roads", name="اداره‌کل راه و شهرسازی", short_name="راه")
    head = get_user_model().objects.create_user("head.roads", password="x")  # noqa: S106
    Membership.objects.create(user=head, agency=agency, role=Membership.Role.HEAD)

    body = corpus_bytes(body_bytes)
    data = services.ReleaseInput(
        headline="گزارش عملکرد سالانهٔ راه و شهرسازی", body=body, tags=["گزارش سالانه"]
    )
    size = f"{len(body.encode()) / 1000:.0f} KB ({len(body):,} characters)"
    print(f"\nSQLite write lock held while saving a release body of {size}")
    print(f"{'step':<34} {'call s':>8} {'lock s':>8}")
    rows: list[tuple[str, float, float]] = []

    def row(name: str, call: Callable[[], Any]) -> Any:
        with LockClock().watching() as clock:
            seconds, result = timed(call)
        rows.append((name, seconds, clock.longest))
        print(f"{name:<34} {seconds:>8.3f} {clock.longest:>8.4f}", flush=True)
        return result

    # One release published first, untimed: the index knows its words, as a running site's does.
    warm = services.release_create(actor=head, agency=agency, data=data).release
    services.release_approve(actor=head, release=services.release_submit(actor=head, release=warm))

    old = row(
        "create: baseline (old service)",
        lambda: baseline_release_create(actor=head, agency=agency, data=data),
    )
    new = row(
        "create: release_create",
        lambda: services.release_create(actor=head, agency=agency, data=data),
    ).release
    old = services.release_submit(actor=head, release=old)
    new = services.release_submit(actor=head, release=new)

    def old_approve() -> Any:
        # The old release_approve keyed the search entry inside its transaction.
        with transaction.atomic():
            return services.release_approve(actor=head, release=old)

    row("publish: baseline (keys inside)", old_approve)
    row("publish: release_approve", lambda: services.release_approve(actor=head, release=new))
    (_, _, old_create), (_, _, new_create), (_, _, old_pub), (_, _, new_pub) = rows
    print(
        f"write lock, create: {old_create / new_create:.0f}x shorter;"
        f" publish: {old_pub / new_pub:.0f}x shorter"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,20000,40000,80000,160000")
    parser.add_argument("--body-bytes", type=int, default=480_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ravabet-bench-") as var_dir:
        os.environ.pop("DATABASE_URL", None)
        os.environ.update(
            DJANGO_SETTINGS_MODULE="ravabet.config.settings",
            RAVABET_VAR_DIR=var_dir,
            RAVABET_SECRET_KEY="bench",  # noqa: S106 (a throwaway database)
            RAVABET_MAX_BODY_CHARS=str(10 * args.body_bytes),
            RAVABET_TASK_BACKEND="immediate",
        )
        bench_change_report([int(s) for s in args.sizes.split(",")])
        bench_write_lock(args.body_bytes)


if __name__ == "__main__":
    main()
