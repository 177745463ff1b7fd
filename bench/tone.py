"""Benchmark: the tone of mentions (ravabet.monitoring.tone) on a hand-labelled set.

Run with `make bench` or `.venv/bin/python bench/tone.py`. The set is
tests/monitoring/data/tone_labelled.tsv: 298 sentences of the Fars corpus that name an
organisation, each labelled negative/neutral/positive by reading it (its header says how they
were drawn). Prints accuracy, per-class precision and recall and the confusion matrix of:

- the majority-class baseline (always the most frequent label);
- the lexicon (the seed TSV, src/ravabet/monitoring/data/tone_lexicon.tsv, scored as the app
  scores it), at the app's thresholds ±1 and at ±2;
- the classifier (tf-idf + logistic regression as the app trains it) under stratified 5-fold
  cross-validation (seed 1404) on the set's labels, with word 1–2-grams of the search key (the
  app's choice) and with character 2–5-grams, and its ratio to the baseline; and the app's
  combination (classifier when its probability ≥ the threshold, else the lexicon), cross-validated.

No database: the lexicon is read from the TSV, the labels from the set.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ravabet.config.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402

from ravabet.monitoring import tone  # noqa: E402
from ravabet.persian import search_key  # noqa: E402

LABELLED = ROOT / "tests" / "monitoring" / "data" / "tone_labelled.tsv"
TONES = ("negative", "neutral", "positive")
SEED = 1404
CHARS = {
    "analyzer": "char_wb",
    "ngram_range": [2, 5],
    "lowercase": False,
    "sublinear_tf": True,
    "max_features": 20_000,
}


def read_labelled(path: Path = LABELLED) -> tuple[list[str], list[str]]:
    rows = tone.read_labelled_file(path)
    return [passage for _, _, passage in rows], [label for label, _, _ in rows]


def seed_lexicon(threshold: int = 1) -> Callable[[str], str]:
    lex = tone.Lexicon((search_key(t), w) for t, w, _ in tone.read_lexicon_file())

    def decide(key: str) -> str:
        score, _ = lex.score(key)
        if score >= threshold:
            return "positive"
        if score <= -threshold:
            return "negative"
        return "neutral"

    return decide


def report(name: str, truth: Sequence[str], predicted: Sequence[str], baseline: float) -> float:
    right = sum(t == p for t, p in zip(truth, predicted, strict=True))
    accuracy = right / len(truth)
    print(
        f"\n## {name}: accuracy {accuracy:.3f} ({right}/{len(truth)}), "
        f"×{accuracy / baseline:.2f} the baseline"
    )
    print(f"{'':10} {'precision':>9} {'recall':>7} {'n':>4}")
    for c in TONES:
        said = sum(p == c for p in predicted)
        hit = sum(p == c and t == c for t, p in zip(truth, predicted, strict=True))
        n = sum(t == c for t in truth)
        precision = hit / said if said else 0.0
        print(f"{c:10} {precision:9.3f} {hit / n if n else 0.0:7.3f} {n:4d}")
    print("confusion (rows: truth, columns: predicted):", " ".join(f"{c[:3]:>5}" for c in TONES))
    for t in TONES:
        cells = [
            sum(1 for x, p in zip(truth, predicted, strict=True) if x == t and p == c)
            for c in TONES
        ]
        print(f"  {t:10}" + "".join(f"{v:6d}" for v in cells))
    return accuracy


def cross_validated(
    keys: Sequence[str], labels: Sequence[str], features: dict[str, object], combine: bool = False
) -> list[str]:
    predicted = [""] * len(labels)
    keys_a, labels_a = np.asarray(keys, dtype=object), np.asarray(labels, dtype=object)
    lexicon = seed_lexicon()
    for train, test in StratifiedKFold(5, shuffle=True, random_state=SEED).split(keys_a, labels_a):
        model = tone.fit(list(keys_a[train]), list(labels_a[train]), features)
        predictor = tone.Predictor(tone.to_params(model, features))
        probabilities = predictor.predict_proba(list(keys_a[test]))
        for i, row in zip(test, probabilities, strict=True):
            best = int(np.argmax(row))
            if combine and row[best] < tone.CLASSIFIER_MIN_PROBABILITY:
                predicted[i] = lexicon(keys[i])
            else:
                predicted[i] = predictor.classes[best]
    return predicted


def main() -> None:
    passages, labels = read_labelled()
    keys = [search_key(p) for p in passages]
    counts = {c: labels.count(c) for c in TONES}
    print(f"# Tone on {len(labels)} labelled passages: {counts}")
    majority = max(TONES, key=lambda c: counts[c])
    baseline = counts[majority] / len(labels)
    report(f"majority baseline («{majority}»)", labels, [majority] * len(labels), baseline)
    started = time.perf_counter()
    lexicon = seed_lexicon()
    lexicon_said = [lexicon(k) for k in keys]
    per_passage = (time.perf_counter() - started) / len(keys) * 1e6
    report("lexicon (seed, ±1)", labels, lexicon_said, baseline)
    report("lexicon (seed, ±2)", labels, [seed_lexicon(2)(k) for k in keys], baseline)
    started = time.perf_counter()
    report(
        "classifier, word 1–2-grams (the app's), 5-fold CV",
        labels,
        cross_validated(keys, labels, tone.FEATURES),
        baseline,
    )
    cv_seconds = time.perf_counter() - started
    report(
        "classifier, char 2–5-grams, 5-fold CV",
        labels,
        cross_validated(keys, labels, CHARS),
        baseline,
    )
    report(
        f"classifier (p ≥ {tone.CLASSIFIER_MIN_PROBABILITY}) else lexicon, 5-fold CV",
        labels,
        cross_validated(keys, labels, tone.FEATURES, combine=True),
        baseline,
    )
    print(
        f"\nlexicon: {per_passage:.0f} µs a passage (search key given); "
        f"classifier 5-fold CV: {cv_seconds:.1f} s"
    )


if __name__ == "__main__":
    main()
