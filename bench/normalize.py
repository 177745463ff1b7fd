"""Benchmark: ravabet.persian.normalize against hazm's Normalizer on the Fars corpus.

Run with `make bench` or `.venv/bin/python bench/normalize.py`. Prints, for both tools
measured in the same run: throughput (MB/s of UTF-8 input, documents/s), half-space
recall on held-out reference sentences (glued and space-split), reference sentences
altered, and damage to URLs, e-mails and numbers. Without hazm it prints our numbers only.

Each tool runs in its own process: hazm 0.10.0 pins numpy 1.24, which the project's pins
exclude, so it lives in its own virtual environment (`make bench` builds var/hazm-venv;
`--hazm-python` names another interpreter), and bench/_hazm_worker.py serves it over a
pipe.
The timed passes alternate (ours here, then hazm's there, …), each timed inside its own
process, so that load from other processes falls on both alike.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import subprocess
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


HAZM_VENV_PYTHON = ROOT / "var" / "hazm-venv" / "bin" / "python"
WORKER = Path(__file__).resolve().with_name("_hazm_worker.py")


class HazmProcess:
    """hazm's Normalizer in its own process (bench/_hazm_worker.py), called like a function."""

    def __init__(self, python: str) -> None:
        # The interpreter is the bench's own choice or the operator's --hazm-python.
        self.process = subprocess.Popen(  # noqa: S603
            [python, str(WORKER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        self.version = ""

    def _ask(self, request: dict[str, object]) -> dict[str, object]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(request, ensure_ascii=False) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the hazm worker stopped (is hazm installed for it?)")
        reply: dict[str, object] = json.loads(line)
        return reply

    def load(self, texts: list[str]) -> None:
        self.version = str(self._ask({"op": "load", "texts": texts})["version"])

    def timed_pass(self) -> float:
        return float(str(self._ask({"op": "time"})["seconds"]))

    def __call__(self, text: str) -> str:
        return str(self._ask({"op": "normalize", "text": text})["text"])

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=30)


def hazm_python(option: str | None) -> str | None:
    """The interpreter to run hazm with: --hazm-python, var/hazm-venv, or this one."""
    if option:
        return option
    if HAZM_VENV_PYTHON.exists():
        return str(HAZM_VENV_PYTHON)
    if importlib.util.find_spec("hazm") is not None:
        return sys.executable
    return None


def throughput(
    ours: Callable[[str], str], hazm: HazmProcess | None, texts: list[str], repeat: int
) -> tuple[list[float], list[float]]:
    """Seconds of each of `repeat` passes over all texts: ours, and hazm's (if any).

    The passes alternate (ours, hazm, ours, hazm …), each tool timed inside its own
    process, so that load from other processes on a shared machine falls on both alike
    and the ratio stays comparable.
    """
    ours(texts[0])  # warm-up: the word lists load on first use
    if hazm is not None:
        hazm.load(texts)
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        start = time.perf_counter()
        for text in texts:
            ours(text)
        times[0].append(time.perf_counter() - start)
        if hazm is not None:
            times[1].append(hazm.timed_pass())
    return times


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
    parser.add_argument(
        "--hazm-python",
        help="Python interpreter with hazm installed (default: var/hazm-venv, else this one)",
    )
    args = parser.parse_args()

    articles = list(read_corpus(args.corpus))
    texts = [a.text for a in articles]
    heldout = [a.text for a in articles if a.heldout]
    tune = [a.text for a in articles if not a.heldout]
    size_mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    print(f"corpus: {len(texts)} documents, {size_mb:.2f} MB; held-out: {len(heldout)} documents")

    tools: dict[str, Callable[[str], str]] = {"ravabet": normalize}
    python = hazm_python(args.hazm_python)
    hazm = HazmProcess(python) if python else None
    if hazm is None:
        print("hazm is not installed (make bench builds var/hazm-venv): printing ravabet only")

    attested = Attestation.of(texts)
    ref_heldout = reference_sentences(heldout, attested_from=texts)
    ref_tune = reference_sentences(tune, attested_from=texts)
    print(
        f"reference sentences (already correct, with half-spaces): "
        f"held-out {len(ref_heldout)}, tune {len(ref_tune)}\n"
    )

    ours_s, hazm_s = throughput(normalize, hazm, texts, args.repeat)
    speeds = {"ravabet": ours_s}
    if hazm is not None:
        name = f"hazm {hazm.version}".strip()
        tools[name] = hazm
        speeds[name] = hazm_s
    rows = []
    for name, tool in tools.items():
        mbps = size_mb / statistics.median(speeds[name])
        docs = len(texts) / statistics.median(speeds[name])
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
    if hazm is not None:
        # Ratio of each pair of alternating passes: the median, and the range over the run.
        ratios = sorted(h / o for o, h in zip(ours_s, hazm_s, strict=True))
        print(
            f"\nthroughput ratio ravabet/hazm (each in its own process, {len(ratios)} "
            f"alternating passes): median {statistics.median(ratios):.1f}x, "
            f"range {ratios[0]:.1f}x–{ratios[-1]:.1f}x; seconds per pass "
            f"ravabet {statistics.median(ours_s):.3f}, hazm {statistics.median(hazm_s):.3f}"
        )
        # The first pass is ravabet's slowest: its caches (a token's repair) start empty, as
        # in a process that normalizes the corpus once.
        print(
            f"first pass only (ravabet's caches empty): {hazm_s[0] / ours_s[0]:.1f}x; "
            f"seconds ravabet {ours_s[0]:.3f}, hazm {hazm_s[0]:.3f}"
        )
    for name, *_rest, damage in rows:
        for example in damage.examples[:6]:
            print(f"  {name} damaged: {example}")
    if hazm is not None:
        hazm.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
