"""Benchmark: ravabet.persian.normalize against hazm's Normalizer on the Fars corpus.

Run with `make bench` or `.venv/bin/python bench/normalize.py`. Prints, for both tools
measured in the same run: throughput (MB/s of UTF-8 input, documents/s), half-space
recall on held-out reference sentences (glued and space-split), reference sentences
altered, and damage to URLs, e-mails and numbers. Without hazm it prints our numbers only.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ravabet.persian import normalize  # noqa: E402
from ravabet.persian.corpus import read_corpus  # noqa: E402
from ravabet.persian.quality import (  # noqa: E402
    DAMAGED,
    FIXED,
    MANDATORY,
    NONSTANDARD,
    OPTIONAL,
    RESPELLED,
    Attestation,
    RepairScore,
    reference_sentences,
    score_damage,
    score_repair,
)

CORPUS = ROOT.parent / "shared" / "corpus" / "fars-news.jsonl.gz"


def throughput(
    tools: dict[str, Callable[[str], str]], texts: list[str], repeat: int
) -> dict[str, tuple[float, float]]:
    """Median MB/s and docs/s of each tool over `repeat` passes over all texts.

    The passes of the tools alternate (ours, hazm, ours, hazm …), so that load from other
    processes on a shared machine falls on both alike and the ratio stays comparable.
    """
    size_mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    times: dict[str, list[float]] = {name: [] for name in tools}
    for tool in tools.values():
        tool(texts[0])  # warm-up: the word lists load on first use
    for _ in range(repeat):
        for name, tool in tools.items():
            start = time.perf_counter()
            for text in texts:
                tool(text)
            times[name].append(time.perf_counter() - start)
    return {
        name: (size_mb / statistics.median(t), len(texts) / statistics.median(t))
        for name, t in times.items()
    }


def _kinds(score: RepairScore) -> str:
    parts = []
    for label, kinds in (
        ("mandatory", (MANDATORY,)),
        ("optional", (OPTIONAL,)),
        ("standard (mandatory+optional)", (MANDATORY, OPTIONAL)),
        ("non-standard in the corpus", (NONSTANDARD,)),
    ):
        total = sum(score.by_kind[k] for k in kinds)
        parts.append(
            f"{label} {total}: {score.recall('glued', *kinds):.2%} / "
            f"{score.recall('spaced', *kinds):.2%}"
        )
    return "; ".join(parts)


def _changes(score: RepairScore) -> str:
    return (
        f"altered {score.altered}/{score.sentences}: damaged {score.changes[DAMAGED]}, "
        f"optional respelling {score.changes[RESPELLED]}, "
        f"corpus errors fixed {score.changes[FIXED]}"
    )


def _diff(original: str, output: str) -> str:
    """The words that differ, with half-spaces shown as «+»."""
    import difflib

    before, after = original.split(), output.split()
    matcher = difflib.SequenceMatcher(a=before, b=after)
    return " | ".join(
        f"{' '.join(before[a:b])} → {' '.join(after[c:d])}".replace("\u200c", "+")
        for tag, a, b, c, d in matcher.get_opcodes()
        if tag != "equal"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--repeat", type=int, default=5, help="timed passes per tool")
    parser.add_argument(
        "--examples", action="store_true", help="print every held-out sentence ravabet changed"
    )
    args = parser.parse_args()

    articles = list(read_corpus(args.corpus))
    texts = [a.text for a in articles]
    heldout = [a.text for a in articles if a.heldout]
    tune = [a.text for a in articles if not a.heldout]
    size_mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    print(f"corpus: {len(texts)} documents, {size_mb:.2f} MB; held-out: {len(heldout)} documents")

    tools: dict[str, Callable[[str], str]] = {"ravabet": normalize}
    try:
        import hazm

        hazm_normalizer = hazm.Normalizer()
        tools[f"hazm {getattr(hazm, '__version__', '')}".strip()] = hazm_normalizer.normalize
    except ImportError:
        print("hazm is not installed (pip install -e '.[bench]'): printing ravabet only")

    attested = Attestation.of(texts)
    ref_heldout = reference_sentences(heldout, attested_from=texts)
    ref_tune = reference_sentences(tune, attested_from=texts)
    print(
        f"reference sentences (already correct, with half-spaces): "
        f"held-out {len(ref_heldout)}, tune {len(ref_tune)}\n"
    )

    rows = []
    speeds = throughput(tools, texts, args.repeat)
    for name, tool in tools.items():
        mbps, docs = speeds[name]
        held = score_repair(tool, ref_heldout, attested)
        tuned = score_repair(tool, ref_tune, attested)
        damage = score_damage(tool)
        rows.append((name, mbps, docs, held, tuned, damage))

    header = (
        f"{'tool':<12} {'MB/s':>7} {'docs/s':>8} {'recall glued':>13} {'recall spaced':>14} "
        f"{'altered':>9} {'URL/e-mail/number damage':>25}"
    )
    print("held-out part (never used to build the word lists):")
    print(header)
    for name, mbps, docs, held, _tuned, damage in rows:
        print(
            f"{name:<12} {mbps:>7.2f} {docs:>8.0f} {held.recall_glued:>13.2%} "
            f"{held.recall_spaced:>14.2%} {held.altered:>4}/{held.sentences:<4} "
            f"{damage.damaged:>13}/{damage.items}"
        )
    print(
        "\nheld-out, half-spaces whose removal leaves a misspelling (mandatory, and optional"
        "\nones the corpus does not write without twice), recall glued / spaced:"
    )
    for name, _mbps, _docs, held, _tuned, _damage in rows:
        print(
            f"{name:<12} {held.repairable['glued']} / {held.repairable['spaced']}: "
            f"{held.recall_repairable('glued'):.2%} / {held.recall_repairable('spaced'):.2%}"
        )
    print("\nheld-out, by kind of half-space (recall glued / spaced):")
    for name, _mbps, _docs, held, _tuned, _damage in rows:
        print(f"{name:<12} {_kinds(held)}")
    print("\nheld-out reference sentences the tool changed (quality.judge_change):")
    for name, _mbps, _docs, held, _tuned, _damage in rows:
        print(f"{name:<12} {_changes(held)}")
    print("\ntuning part (the word lists were learned here):")
    for name, _mbps, _docs, _held, tuned, _damage in rows:
        print(
            f"{name:<12} recall glued {tuned.recall_glued:.2%}, spaced {tuned.recall_spaced:.2%}, "
            f"altered {tuned.altered}/{tuned.sentences}\n{'':<12} {_kinds(tuned)}\n"
            f"{'':<12} leaving a misspelling: {tuned.recall_repairable('glued'):.2%} / "
            f"{tuned.recall_repairable('spaced'):.2%}\n"
            f"{'':<12} {_changes(tuned)}"
        )
    if args.examples:
        for name, _mbps, _docs, held, _tuned, _damage in rows[:1]:
            for verdict, pairs in held.examples.items():
                for original, output in pairs:
                    print(f"  {name} {verdict}: {_diff(original, output)}")
    if len(rows) == 2:
        ours, theirs = rows[0], rows[1]
        print(
            f"\nthroughput ratio ravabet/hazm: {ours[1] / theirs[1]:.1f}x (MB/s), "
            f"{ours[2] / theirs[2]:.1f}x (docs/s)"
        )
    for name, *_rest, damage in rows:
        for example in damage.examples[:6]:
            print(f"  {name} damaged: {example}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
