"""normalize() gives, byte for byte, the output recorded before the speed work of issue 12.

`normalize_golden.json` holds SHA-256 digests (first 16 hex digits) of what the code before
that work (commit 822125e) made of a sample of the corpus: every 10th article whole, the
title, abstract and paragraphs of every 50th, and for every 50th four damaged variants
(half-spaces dropped, half-spaces as spaces, spaces doubled and put before commas, Arabic
ي/ك). A change of output fails here; when a rule is changed on purpose, the file is
rewritten with `python -m tests.persian.test_equivalence` and the change is said in the
commit.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from ravabet.persian import halfspace, normalize, normalize_characters
from ravabet.persian._data import lexicon
from ravabet.persian.corpus import read_corpus
from ravabet.persian.halfspace import HalfSpaceRepairer

from .paths import CORPUS

GOLDEN = Path(__file__).with_name("normalize_golden.json")


def sample() -> list[str]:
    articles = list(read_corpus(CORPUS))
    texts = [a.text for a in articles[::10]]
    for article in articles[::50]:
        texts += [article.title, article.abstract, *article.paragraphs]
        text = article.text
        texts += [
            text.replace("\u200c", ""),
            text.replace("\u200c", " "),
            text.replace(" ", "  ").replace("،", " ، "),
            text.replace("ی", "ي").replace("ک", "ك"),
        ]
    return texts


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def digests(texts: list[str]) -> list[list[str]]:
    return [[digest(normalize(t)), digest(normalize_characters(t))] for t in texts]


def test_output_unchanged_on_the_corpus_sample() -> None:
    texts = sample()
    golden = json.loads(GOLDEN.read_text("utf-8"))
    assert len(golden) == len(texts)
    changed = [
        (i, texts[i][:80])
        for i, (got, want) in enumerate(zip(digests(texts), golden, strict=True))
        if got != want
    ]
    assert not changed, f"{len(changed)} of {len(texts)} outputs changed, first: {changed[:3]}"


if __name__ == "__main__":
    GOLDEN.write_text(json.dumps(digests(sample())) + "\n", "utf-8")


def test_small_cache_gives_the_same_output(monkeypatch: pytest.MonkeyPatch) -> None:
    # The caches are cleared when full, also between and inside texts: nothing may change.
    texts = [normalize_characters(t) for t in sample()[:40]]
    expected = [HalfSpaceRepairer(lexicon()).text(t) for t in texts]
    monkeypatch.setattr(halfspace, "_CACHE_LIMIT", 150)
    small = HalfSpaceRepairer(lexicon())
    assert [small.text(t) for t in texts] == expected
    assert len(small.cache) < 150 + max(len(set(t.split(" "))) for t in texts)
