"""Benchmark: stories (ravabet.monitoring.stories) on a labelled sample built from the Fars corpus.

Run with `make bench` or `.venv/bin/python bench/stories.py [--pairs N]`. Deterministic (seed
1404). The sample:

- near-copies (label "same story"): an article of the corpus and a copy made by 1 to 3 of the
  edits a republishing outlet makes: another agency in the opening («به گزارش ایرنا» for «به گزارش
  خبرگزاری فارس»), its own lead sentence, a paragraph dropped, two paragraphs swapped, Arabic
  ي/ك against Persian ی/ک, half-spaces written as spaces or glued, a sentence added, the last
  paragraphs cut, a new title without the abstract;
- distinct pairs (label "not the same story"): two different articles of the corpus, drawn at
  random, from the same category and subcategory, and with the same opening words (the agency's
  template «به گزارش خبرگزاری فارس از …»), and two provincial news ending with the same closing
  paragraph of one office (a PR office's boilerplate) — the hard negatives. Pairs of corpus
  articles whose exact shingle similarity is ≥ 0.5 are reported and left out (the same news
  filed twice).

Each article is signed as the pipeline signs it: from its normalized title + abstract +
paragraphs (ravabet.persian.normalize), which stories.words() folds as search_key() does.
Prints: precision and recall of the pair decision "estimated Jaccard ≥ t" for t = 0.3 … 0.9,
with and without the LSH candidate step (32 bands × 4 rows); the candidate rate of other band
layouts of the 128 permutations; recall per edit; and microseconds per signature.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import random
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

CORPUS = ROOT.parent / "shared" / "corpus" / "fars-news.jsonl.gz"
SEED = 1404
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
LAYOUTS = ((8, 16), (16, 8), (32, 4), (64, 2))
ZWNJ = "\u200c"
MIN_WORDS = 50


@dataclass(frozen=True)
class Doc:
    link: str
    cat: str
    title: str
    abstract: str
    paragraphs: tuple[str, ...]

    def text(self) -> str:
        return "\n".join((self.title, self.abstract, *self.paragraphs))


def load_corpus(path: Path = CORPUS) -> list[Doc]:
    docs: dict[str, Doc] = {}
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            paragraphs = tuple(p for p in row["paragraphs"] if p.strip())
            if row["link"] in docs or not paragraphs:
                continue
            docs[row["link"]] = Doc(
                row["link"],
                f"{row['cat']}/{row['subcat']}",
                row["title"],
                row["abstract"],
                paragraphs,
            )
    return list(docs.values())


# --- Edits a republishing outlet makes --------------------------------------------------------

AGENCIES = ("ایرنا", "خبرگزاری ایسنا", "خبرگزاری مهر", "باشگاه خبرنگاران جوان", "تسنیم")
FARS = ("خبرگزاری فارس", "خبرگزاري فارس", "فارس")


def _sentences(paragraph: str) -> list[str]:
    parts = [p.strip() for p in paragraph.replace("؟", "؟.").split(".")]
    return [p.rstrip("؟") + ("؟" if p.endswith("؟") else "") for p in parts if p]


def agency(rng: random.Random, d: Doc, pool: list[Doc]) -> Doc:
    other = rng.choice(AGENCIES)
    first = d.paragraphs[0]
    for name in FARS:
        if f"به گزارش {name}" in first:
            first = first.replace(f"به گزارش {name}", f"به گزارش {other}", 1)
            break
    else:
        first = f"به گزارش {other}، {first}"
    return replace(d, paragraphs=(first, *d.paragraphs[1:]))


def _size(text: str) -> int:
    return len(text.split())


def lead(rng: random.Random, d: Doc, pool: list[Doc]) -> Doc:
    """The outlet's own lead sentence in place of the first one (before it, when the first
    sentence is a third of the article or more: a light edit)."""
    sentences = _sentences(d.paragraphs[0])
    office = rng.choice(("روابط عمومی استانداری", "پایگاه اطلاع‌رسانی", "خبرنگار ما"))
    own = f"به گزارش {office}، {d.title}"
    if sentences and _size(sentences[0]) * 3 >= _size(d.text()):
        first = f"{own}. {d.paragraphs[0]}"
    else:
        first = ". ".join([own, *sentences[1:]]) + "."
    return replace(d, paragraphs=(first, *d.paragraphs[1:]))


def drop_paragraph(rng: random.Random, d: Doc, pool: list[Doc]) -> Doc:
    """One paragraph dropped, not the first, nor one holding a quarter of the article."""
    total = _size(d.text())
    small = [i for i in range(1, len(d.paragraphs)) if _size(d.paragraphs[i]) * 4 < total]
    if not small:
        return lead(rng, d, pool)
    i = rng.choice(small)
    return replace(d, paragraphs=d.paragraphs[:i] + d.paragraphs[i + 1 :])


def reorder(rng: random.Random, d: Doc, pool: list[Doc]) -> Doc:
    if len(d.paragraphs) < 3:
        return halfspace(rng, d, pool)
    i = rng.randrange(1, len(d.paragraphs) - 1)
    p = list(d.paragraphs)
    p[i], p[i + 1] = p[i + 1], p[i]
    return replace(d, paragraphs=tuple(p))


def _map(d: Doc, f: Callable[[str], str]) -> Doc:
    return replace(
        d, title=f(d.title), abstract=f(d.abstract), paragraphs=tuple(map(f, d.paragraphs))
    )


def letters(rng: random.Random, d: Doc, pool: list[Doc]) -> Doc:
    if "ي" in d.text() or "ك" in d.text():
        return _map(d, lambda t: t.replace("ي", "ی").replace("ك", "ک"))
    return _map(d, lambda t: t.replace("ی", "ي").replace("ک", "ك"))


def halfspace(rng: random.Random, d: Doc, pool: list[Doc]) -> Doc:
    how = rng.choice(("space", "glued", "added"))
    if how == "space":
        return _map(d, lambda t: t.replace(ZWNJ, " "))
    if how == "glued":
        return _map(d, lambda t: t.replace(ZWNJ, ""))
    return _map(d, lambda t: t.replace("می ", "می" + ZWNJ).replace(" ها ", ZWNJ + "ها "))


def add_sentence(rng: random.Random, d: Doc, pool: list[Doc]) -> Doc:
    other = rng.choice(pool)
    sentence = rng.choice(_sentences(rng.choice(other.paragraphs)) or [other.title]) + "."
    p = list(d.paragraphs)
    p.insert(rng.randrange(1, len(p) + 1), sentence)
    return replace(d, paragraphs=tuple(p))


def cut_tail(rng: random.Random, d: Doc, pool: list[Doc]) -> Doc:
    if len(d.paragraphs) < 4:
        return add_sentence(rng, d, pool)
    keep = max(2, round(len(d.paragraphs) * rng.uniform(0.6, 0.85)))
    return replace(d, paragraphs=d.paragraphs[:keep])


def retitle(rng: random.Random, d: Doc, pool: list[Doc]) -> Doc:
    words = d.title.split()
    title = (
        " ".join(words[: max(3, len(words) * 2 // 3)]) + " " + rng.choice(("+ عکس", "/ فیلم", ""))
    )
    return replace(d, title=title.strip(), abstract="")


EDITS: dict[str, Callable[[random.Random, Doc, list[Doc]], Doc]] = {
    "agency": agency,
    "lead": lead,
    "drop_paragraph": drop_paragraph,
    "reorder": reorder,
    "letters": letters,
    "halfspace": halfspace,
    "add_sentence": add_sentence,
    "cut_tail": cut_tail,
    "retitle": retitle,
}


@dataclass
class Pair:
    a: Doc
    b: Doc
    same: bool
    kind: str  # the edits (near-copies) or how the distinct pair was drawn


def build_sample(docs: list[Doc], n: int, seed: int = SEED) -> list[Pair]:
    """n near-copy pairs and n distinct pairs of each kind (random, same category, same
    opening, two provincial releases ending with the same office boilerplate)."""
    rng = random.Random(seed)
    pairs: list[Pair] = []
    by_cat: dict[str, list[Doc]] = defaultdict(list)
    by_opening: dict[str, list[Doc]] = defaultdict(list)
    for d in docs:
        by_cat[d.cat].append(d)
        by_opening[" ".join(d.paragraphs[0].replace("ي", "ی").split()[:5])].append(d)
    # Near-copies of articles of MIN_WORDS words or more: a photo caption or a two-line item
    # edited by an outlet is hardly the same text any more (docs/monitoring-stories.md).
    longer = [d for d in docs if _size(d.text()) >= MIN_WORDS]
    for d in rng.sample(longer, n):
        names = rng.sample(sorted(EDITS), rng.choice((1, 2, 2, 3)))
        copy = d
        for name in names:
            copy = EDITS[name](rng, copy, docs)
        pairs.append(Pair(d, copy, True, "+".join(sorted(names))))
    for _ in range(n):
        a, b = rng.sample(docs, 2)
        pairs.append(Pair(a, b, False, "random"))
    # Two releases of one office: different news, the same closing paragraph about the office.
    boilerplate = (
        "روابط عمومی اداره کل {0} استان در راستای اطلاع‌رسانی شفاف و به موقع به مردم شریف استان"
        " آمادگی دارد پیشنهادها و انتقادهای شهروندان را از طریق سامانه ۱۱۱ و پایگاه اطلاع‌رسانی"
        " این اداره کل دریافت کند و پاسخگوی پرسش‌های رسانه‌ها و خبرنگاران محترم باشد."
    )
    offices = ("راه و شهرسازی", "منابع طبیعی", "فرهنگ و ارشاد اسلامی", "بهزیستی", "ورزش و جوانان")
    province = by_cat.get("province/", docs)
    for _ in range(n):
        a, b = rng.sample(province, 2)
        tail = boilerplate.format(rng.choice(offices))
        a = replace(a, paragraphs=(*a.paragraphs, tail))
        b = replace(b, paragraphs=(*b.paragraphs, tail))
        pairs.append(Pair(a, b, False, "same office boilerplate"))
    for kind, groups in (("same category", by_cat), ("same opening", by_opening)):
        pool = [g for _, g in sorted(groups.items()) if len(g) > 1]
        weights = [len(g) for g in pool]
        for _ in range(n):
            group = rng.choices(pool, weights)[0]
            a, b = rng.sample(group, 2)
            pairs.append(Pair(a, b, False, kind))
    return pairs


# --- Measuring -------------------------------------------------------------------------------


def layout_bands(sig: bytes, b: int, r: int) -> list[bytes]:
    width = r * 4
    return [
        hashlib.blake2b(sig[i * width : (i + 1) * width], digest_size=8).digest() for i in range(b)
    ]


def exact_jaccard(a: list[str], b: list[str], k: int) -> float:
    sa = {tuple(a[i : i + k]) for i in range(max(1, len(a) - k + 1))}
    sb = {tuple(b[i : i + k]) for i in range(max(1, len(b) - k + 1))}
    return len(sa & sb) / len(sa | sb) if sa | sb else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=400, help="pairs of each kind")
    args = parser.parse_args()

    from ravabet.monitoring import stories
    from ravabet.persian import normalize, search_key

    docs = load_corpus()
    pairs = build_sample(docs, args.pairs)
    texts = {id(d): d.text() for p in pairs for d in (p.a, p.b)}
    keys = {k: normalize(t) for k, t in texts.items()}
    sigs = {k: stories.signature(v) for k, v in keys.items()}
    words = {k: stories.words(v) for k, v in keys.items()}
    bands = {k: set(enumerate(stories.bands(s))) for k, s in sigs.items()}

    rows = []
    noisy = []
    for p in pairs:
        ka, kb = id(p.a), id(p.b)
        exact = exact_jaccard(words[ka], words[kb], stories.SHINGLE)
        if not p.same and exact >= 0.5:
            noisy.append((p.a.link, p.b.link, exact))
            continue
        estimate = stories.similarity(sigs[ka], sigs[kb])
        candidate = bool(bands[ka] & bands[kb])
        rows.append((p, estimate, candidate, exact))

    positives = [r for r in rows if r[0].same]
    negatives = [r for r in rows if not r[0].same]
    print(
        f"sample: {len(positives)} near-copy pairs, {len(negatives)} distinct pairs "
        f"({len(docs)} corpus articles; seed {SEED}); "
        f"{len(noisy)} distinct pairs left out as the same news filed twice (exact ≥ 0.5)"
    )
    for link_a, link_b, j in noisy:
        print(f"  left out: {link_a} {link_b} exact {j:.2f}")
    print(
        "exact Jaccard of 3-word shingles: near-copies median "
        f"{statistics.median(r[3] for r in positives):.2f}, min {min(r[3] for r in positives):.2f};"
        f" distinct median {statistics.median(r[3] for r in negatives):.3f},"
        f" max {max(r[3] for r in negatives):.2f}"
    )
    error = [abs(r[1] - r[3]) for r in rows]
    print(f"estimate − exact: mean |error| {statistics.mean(error):.3f}, max {max(error):.3f}")

    print()
    print(f"decision: same story when estimated Jaccard ≥ t ({stories.NUM_PERM} permutations)")
    print(f"LSH: and a band in common ({stories.BANDS} bands × {stories.ROWS} rows)")
    print()
    print(
        "| t | precision | recall | precision with LSH | recall with LSH"
        " | false pos. | false neg. |"
    )
    print("|---|---|---|---|---|---|---|")
    for t in THRESHOLDS:
        cells = []
        for use_lsh in (False, True):
            tp = sum(1 for r in positives if r[1] >= t and (r[2] or not use_lsh))
            fp = sum(1 for r in negatives if r[1] >= t and (r[2] or not use_lsh))
            fn = len(positives) - tp
            precision = tp / (tp + fp) if tp + fp else 1.0
            cells.append((precision, tp / len(positives), fp, fn))
        print(
            f"| {t:.1f} | {cells[0][0]:.3f} | {cells[0][1]:.3f} | {cells[1][0]:.3f} "
            f"| {cells[1][1]:.3f} | {cells[1][2]} | {cells[1][3]} |"
        )

    print()
    print("band layouts of the 128 permutations: share of pairs that become candidates")
    print()
    print(
        "| bands × rows | S-curve midpoint (1/b)^(1/r) | P(candidate) at J=0.5"
        " | near-copies | distinct pairs | rows per article |"
    )
    print("|---|---|---|---|---|---|")
    for b, r in LAYOUTS:
        lb = {k: set(enumerate(layout_bands(s, b, r))) for k, s in sigs.items()}
        pos = sum(1 for row in positives if lb[id(row[0].a)] & lb[id(row[0].b)]) / len(positives)
        neg = sum(1 for row in negatives if lb[id(row[0].a)] & lb[id(row[0].b)]) / len(negatives)
        print(
            f"| {b} × {r} | {(1 / b) ** (1 / r):.2f} | {1 - (1 - 0.5**r) ** b:.3f} "
            f"| {pos:.3f} | {neg:.4f} | {b} |"
        )

    t = stories.THRESHOLD
    print()
    print(f"recall per edit at t = {t} (with LSH); a pair has 1 to 3 edits")
    print()
    print("| edit | pairs | recall | median estimate |")
    print("|---|---|---|---|")
    for name in sorted(EDITS):
        group = [r for r in positives if name in r[0].kind.split("+")]
        found = sum(1 for r in group if r[1] >= t and r[2])
        median = statistics.median(r[1] for r in group)
        print(f"| {name} | {len(group)} | {found / len(group):.3f} | {median:.2f} |")
    print()
    print("distinct pairs by kind: highest estimate, and pairs at or above t")
    for kind in ("random", "same category", "same opening", "same office boilerplate"):
        group = [r for r in negatives if r[0].kind == kind]
        over = sum(1 for r in group if r[1] >= t)
        print(f"  {kind}: {len(group)} pairs, max {max(r[1] for r in group):.2f}, ≥ t: {over}")

    # Speed: µs per signature on the corpus's articles.
    all_texts = [d.text() for d in docs]
    all_normalized = [normalize(x) for x in all_texts]
    all_keys = [search_key(x) for x in all_normalized]
    agree = statistics.mean(
        stories.similarity(stories.signature(n), stories.signature(k))
        for n, k in zip(all_normalized, all_keys, strict=True)
    )
    print()
    print(f"signature of the normalized text against that of its search key: {agree:.3f}")
    for label, items in (
        ("normalized text (as pipeline.py)", all_normalized),
        ("search key", all_keys),
        ("raw text", all_texts),
    ):
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            for x in items:
                stories.signature(x)
            best = min(best, time.perf_counter() - start)
        print(f"signature from the {label}: {best / len(items) * 1e6:.0f} µs per article")
    sample = [stories.signature(x) for x in all_keys]
    start = time.perf_counter()
    for s in sample:
        stories.bands(s)
    print(f"bands: {(time.perf_counter() - start) / len(sample) * 1e6:.0f} µs per article")


if __name__ == "__main__":
    main()
