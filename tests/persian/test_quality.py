"""Half-space repair measured on held-out news the word lists never saw."""

import pytest

from ravabet.persian import normalize
from ravabet.persian.corpus import read_corpus
from ravabet.persian.quality import reference_sentences, score_damage, score_repair

from .paths import CORPUS

# The first 120 held-out articles (a deterministic sample; corpus.is_heldout hashes links).
SAMPLE = 120


@pytest.fixture(scope="module")
def heldout_references() -> list[str]:
    articles = list(read_corpus(CORPUS))
    sample = [a.text for a in articles if a.heldout][:SAMPLE]
    return reference_sentences(sample, attested_from=[a.text for a in articles])


def test_heldout_sample_is_big_enough(heldout_references: list[str]) -> None:
    assert len(heldout_references) > 250


def test_heldout_half_space_recall(heldout_references: list[str]) -> None:
    score = score_repair(normalize, heldout_references)
    # Measured 0.88 (glued) and 0.87 (split by a space) on the whole held-out part; the
    # issue's goal is 0.95, see docs/persian.md for what the misses are.
    assert score.recall_glued >= 0.85
    assert score.recall_spaced >= 0.84


def test_heldout_correct_sentences_rarely_altered(heldout_references: list[str]) -> None:
    score = score_repair(normalize, heldout_references)
    # Measured 4% of the sample: mostly glued plurals the corpus never wrote with a
    # half-space («خوابهایی»), which the rules repair; the goal is none.
    assert score.altered <= 0.05 * score.sentences


def test_no_damage_to_urls_emails_numbers() -> None:
    assert score_damage(normalize).damaged == 0
