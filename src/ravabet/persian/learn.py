"""Rebuilds the learned word lists in data/ from the tuning part of the Fars corpus.

Run from the repository root (hazm, the `bench` extra, supplies the base lexicon)::

    PYTHONPATH=src .venv/bin/python -m ravabet.persian.learn

Only articles that `corpus.is_heldout` rejects are read, so the held-out score stays honest.
The hand-curated lists (never_split.txt, never_join.txt, extra_compounds.txt,
stopwords.txt) are inputs here, never outputs; curated_compounds.txt is not read here but
added at load time (_data.py), after the learned lists.
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import re
import zipfile
from collections import Counter
from pathlib import Path

from ravabet.persian._chars import PERSIAN_LETTERS, ZWNJ, canonical_half_spaces
from ravabet.persian._data import Lexicon, _verb_tables, read_affixes, read_list
from ravabet.persian.corpus import read_corpus
from ravabet.persian.halfspace import HalfSpaceRepairer
from ravabet.persian.normalizer import normalize_characters

DATA = Path(__file__).with_name("data")
DEFAULT_CORPUS = Path(__file__).resolve().parents[4] / "shared" / "corpus" / "fars-news.jsonl.gz"

_WORD = re.compile(f"[{PERSIAN_LETTERS}{ZWNJ}]+")
_PAIR = re.compile(f"(?=([{PERSIAN_LETTERS}]+) ([{PERSIAN_LETTERS}]+))")
_ONLY_LETTERS = re.compile(f"[{PERSIAN_LETTERS}]+")

# A compound never starts with one of these (so «به عنوان» is never joined) and never ends
# with an auxiliary (so «تدوین شده» and «برگزار شد» keep their space).
FUNCTION_WORDS = frozenset(
    "به در از با که این آن را و تا بر برای یک هر چه یا اگر چون نه هم پس هیچ همین همان "
    "خود او ما شما آنان ایشان وی دو سه چند اما ولی نیز".split()
)
AUXILIARIES = frozenset(
    "شده شد شود شوند شدند است اند بود بوده باشد باشند کرد کرده کند کنند کردند کردن شدن "
    "گردد گردید گردیده دارد دارند داشت خواهد خواهند نمود نموده نماید که و را".split()
)

# hazm's frequencies come from its own corpus; below this a compound is too rare to trust.
PRODUCTIVE_MIN_FREQUENCY = 10

HAZM_LICENSE = (
    "# hazm (https://github.com/roshan-research/hazm), MIT License,\n"
    "# Copyright (c) 2013 Sobhe (Roshan). Permission is hereby granted, free of charge, to any\n"
    "# person obtaining a copy of this software ... to deal in the Software without restriction,\n"
    "# subject to including the copyright notice and permission notice in copies.\n"
)


def _hazm_data() -> Path:
    spec = importlib.util.find_spec("hazm")
    if spec is None or spec.origin is None:
        raise SystemExit(
            "hazm is not installed: pip install -e '.[bench]' (it supplies the lexicon)"
        )
    return Path(spec.origin).with_name("data")


def _clean(word: str) -> str:
    return normalize_characters(word)


def _write(name: str, header: str, entries: list[str]) -> None:
    body = "\n".join(entries)
    (DATA / name).write_text(f"{header}{body}\n", encoding="utf-8")
    print(f"data/{name}: {len(entries)} entries")


def _mandatory(split: str) -> bool:
    """Whether a rule split puts a half-space that orthography requires (quality.py)."""
    from ravabet.persian.quality import MANDATORY, boundary_kind

    parts = split.split(ZWNJ)
    return any(boundary_kind(a, b) == MANDATORY for a, b in itertools.pairwise(parts))


SHEKAR_LICENSE = (
    "# shekar 1.7.0 (https://github.com/amirivojdan/shekar), MIT License. Permission is hereby\n"
    "# granted, free of charge, to any person obtaining a copy of this software ... to deal in\n"
    "# the Software without restriction, subject to including the copyright notice and\n"
    "# permission notice in copies.\n"
)

# Endings after which a glued word is the inflection of another («آبمیوه‌ها» of «آبمیوه»,
# «سالخوردگان» of «سالخورده»): (ending, what replaces it in the base word).
_BASE_ENDINGS = (
    ("های", ""),
    ("ها", ""),
    ("ان", ""),
    ("گان", "ه"),
    ("گی", "ه"),
    ("ی", ""),
    ("یی", ""),
    ("ای", ""),
    ("ات", ""),
)


def _rules(
    words: set[str], adjectives: set[str], rests: frozenset[str], participles: frozenset[str]
) -> HalfSpaceRepairer:
    """The affix rules alone, over `words`: what they make of a word no list holds."""
    return HalfSpaceRepairer(
        Lexicon(
            affixes=read_affixes(),
            function_words=frozenset(read_list("stopwords.txt")),
            grammar_words=frozenset(read_list("function_words.txt")),
            words=frozenset(words),
            adjectives=frozenset(adjectives),
            verb_rests=rests,
            verb_infinitive={},
            participles=participles,
            glued={},
            compound_parts={},
            pairs={},
            listed={},
            never_join=frozenset(),
        )
    )


def _productive_parts(*kinds: str) -> set[str]:
    """The second parts of these kinds of data/affixes.txt, three letters or more."""
    affixes = read_affixes()
    return {p for kind in kinds for p in affixes[kind] if len(p) >= 3}


def _listed_compounds(
    wheel: Path,
    words: set[str],
    counts: Counter[str],
    zwnj_counts: Counter[str],
    pairs: Counter[tuple[str, str]],
) -> list[str]:
    """Half-space compounds of shekar's lists (compound_words.csv, vocab.csv) that are safe
    to restore: `form` (glued or split spellings repaired) or `form<TAB>glued`.

    Glued: only a glued form that is no word of the lexicon, that shekar's vocabulary does not
    count more often than the half-space form, that is not an inflection of a word written
    glued («آبمیوه‌های»), and that the tuning part never writes. Split by a space: besides,
    two parts of two letters or more, the first no function word, the second no Arabic
    article part («شمس العماره» is written apart), and either one part no word of its own
    («کیپ تاون»: a split «سنگ تاش» could be two words) and not written apart by the tuning
    part unless it also writes it joined, or a word and a productive second part
    (affixes.txt) that the tuning part joins at least as often as it writes apart.
    """
    productive_parts = _productive_parts("second", "bound", "bound-glued", "listed-second")
    with zipfile.ZipFile(wheel) as archive:
        listed = archive.read("shekar/data/files/compound_words.csv").decode("utf-8")
        vocab_text = archive.read("shekar/data/files/vocab.csv").decode("utf-8")
    vocab: Counter[str] = Counter()
    for line in vocab_text.splitlines():
        word, _, freq = line.rpartition(",")
        if freq.strip().isdigit():
            vocab[canonical_half_spaces(_clean(word.strip()))] += int(freq)
    candidates = {
        canonical_half_spaces(_clean(line.strip().lstrip("\ufeff"))) for line in listed.splitlines()
    }
    candidates |= {w for w in vocab if ZWNJ in w}
    entries = []
    for form in sorted(candidates):
        parts = form.split(ZWNJ)
        if len(parts) < 2 or not all(_ONLY_LETTERS.fullmatch(p) for p in parts):
            continue
        plain = "".join(parts)
        if plain in words or counts[plain] > 0 or vocab[plain] > vocab[form]:
            continue
        if any(
            plain.endswith(end)
            and (plain[: -len(end)] + base in words or vocab[plain[: -len(end)] + base] > 0)
            for end, base in _BASE_ENDINGS
        ):
            continue
        apart = pairs[(parts[0], parts[1])] if len(parts) == 2 else 0
        spaced = (
            len(parts) == 2
            and all(len(p) >= 2 for p in parts)
            and parts[0] not in FUNCTION_WORDS
            and not parts[1].startswith("ال")
            and (
                # a part that is no word of its own: the split spelling is a split word
                (
                    (parts[0] not in words or parts[1] not in words)
                    and not (apart and not zwnj_counts[form])
                )
                # a word + a productive second part: the tuning part joins it at least as
                # often as it writes it apart («نوبت دهی», «گمانه زنی»)
                or (
                    parts[0] in words
                    and parts[1] in productive_parts
                    and apart <= zwnj_counts[form]
                )
            )
        )
        entries.append(form if spaced else f"{form}\tglued")
    return entries


def build(corpus: Path, shekar: Path | None = None) -> None:
    hazm = _hazm_data()
    never_split = set(read_list("never_split.txt"))

    # -- verbs ----------------------------------------------------------------------
    verbs = []
    for line in (hazm / "verbs.dat").read_text("utf-8").splitlines():
        past, _, present = line.strip().partition("#")
        past, present = _clean(past), _clean(present)
        if past:
            verbs.append(f"{past}#{present}")
    verbs = sorted(set(verbs))
    rests, _infinitives, participles = _verb_tables(verbs)

    # -- hazm lexicon -----------------------------------------------------------------
    plain: dict[str, int] = {}
    adjectives: set[str] = set()
    hazm_compounds: set[str] = set()
    hazm_frequency: dict[str, int] = {}
    for line in (hazm / "words.dat").read_text("utf-8").splitlines():
        fields = line.split("\t")
        if len(fields) < 3 or not fields[1].isdigit() or int(fields[1]) == 0:
            continue
        word = _clean(fields[0])
        if ZWNJ in word:
            if all(_ONLY_LETTERS.fullmatch(p) for p in word.split(ZWNJ)):
                hazm_compounds.add(word)
                hazm_frequency[word] = int(fields[1])
            continue
        if len(word) < 2 or not _ONLY_LETTERS.fullmatch(word):
            continue
        plain[word] = int(fields[1])
        if "AJ" in fields[2].split(","):
            adjectives.add(word)

    # -- tuning corpus ----------------------------------------------------------------
    counts: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    for article in read_corpus(corpus):
        if article.heldout:
            continue
        text = _clean(article.text)
        counts.update(_WORD.findall(text))
        pairs.update((m.group(1), m.group(2)) for m in _PAIR.finditer(text))

    zwnj_counts: Counter[str] = Counter()
    for word, n in counts.items():
        if ZWNJ in word:
            zwnj_counts[canonical_half_spaces(word.strip(ZWNJ))] += n
    curated = {canonical_half_spaces(c) for c in read_list("extra_compounds.txt")}
    attested = {w for w in zwnj_counts if ZWNJ in w} | hazm_compounds | curated
    attested = {canonical_half_spaces(w) for w in attested}

    # Stems the rules may recognise: hazm's words and every word of the tuning corpus seen
    # twice (half-space words contribute their parts).
    stems = set(plain)
    for word, n in counts.items():
        for part in word.split(ZWNJ):
            if len(part) >= 2 and (n >= 2 or ZWNJ in word):
                stems.add(part)
    rules = _rules(stems, adjectives, rests, participles)

    def zwnj_count(form: str) -> int:
        return zwnj_counts[form] if ZWNJ in form else 0

    # A word the rules would split stays whole when the corpus writes it whole more often
    # than split («منهای», «فیلمنامه»); otherwise it leaves the lexicon so the rules apply.
    words: set[str] = set()
    kept_whole = []
    dropped_mandatory: list[str] = []
    for word in sorted(stems):
        if ZWNJ in word:
            continue
        split = rules.rule_split(word)
        if split == word or word in never_split:
            words.add(word)
        elif _mandatory(split):
            # Orthography wants the half-space (می‌, ها, تر, ‌ای after ه …): the glued form
            # stays whole only when it is a word of its own, frequent in hazm's lexicon and
            # in the corpus and much more common than the split reading («تنها»).
            # A glued form whose split the corpus never writes is a word of its own
            # («آبراهام» is no «آبراه‌ام»).
            zc = zwnj_count(split)
            if (zc == 0 and counts[word] >= 2) or (
                plain.get(word, 0) >= 1000 and counts[word] >= 10 and counts[word] > 4 * zc
            ):
                words.add(word)
                kept_whole.append(word)
            else:
                dropped_mandatory.append(word)
        elif counts[word] > zwnj_count(split) and (counts[word] >= 2 or word in plain):
            words.add(word)
            kept_whole.append(word)
    print(f"lexicon: {len(words)} words, {len(kept_whole)} kept whole against the rules")
    against = [w for w in kept_whole if _mandatory(rules.rule_split(w))]
    print(f"  kept whole against a mandatory rule: {against}")
    print(f"  {len(dropped_mandatory)} glued forms left to a mandatory rule: {dropped_mandatory}")

    # -- compounds ----------------------------------------------------------------------
    rules = _rules(words, adjectives, rests, participles)
    compounds: set[str] = set()
    glued_only: set[str] = set()
    for form in attested:
        parts = form.split(ZWNJ)
        if len(parts) > 3 or not all(len(p) >= 1 for p in parts) or parts[0] in ("می", "نمی"):
            continue
        glued = "".join(parts)
        if form in curated:
            words.discard(glued)
            continue
        if rules.word(glued) == form and rules.text(" ".join(parts)) == form:
            continue  # the affix rules already produce it
        zc, gc = zwnj_counts[form], counts[glued]
        if zc < 2 and _mandatory(form):
            continue  # one sighting does not overrule the affix rules («خان‌های»)
        sc = pairs[(parts[0], parts[1])] if len(parts) == 2 else 0
        # Glued: repaired unless the corpus (or hazm, or the curated list) writes it whole.
        if gc > zc or glued in never_split:
            continue
        if zc == 0:
            continue  # hazm lists it, but the corpus never writes it so: «آبغوره»
        words.discard(glued)
        # Split by a space: joined only when the corpus joins it at least a quarter as often
        # as it splits it (the corpus often splits real compounds: «رئیس جمهور»), and never
        # after a function word or before an auxiliary, so that «به عنوان» and
        # «تدوین شده است» keep their spaces.
        if (
            parts[0] not in FUNCTION_WORDS
            and parts[-1] not in AUXILIARIES
            and parts[-1] not in FUNCTION_WORDS
            and zc >= 1
            and 2 * (zc + gc) >= sc
        ):
            compounds.add(form)
        else:
            glued_only.add(form)

    # A glued form with two readings («خانهای»: «خانه‌ای» or «خان‌های») gets the one the
    # tuning corpus writes more often (seen twice at least), when the rules pick the other.
    readings: dict[str, list[str]] = {}
    for form, n in zwnj_counts.items():
        if n >= 1 and all(form.split(ZWNJ)):
            readings.setdefault(form.replace(ZWNJ, ""), []).append(form)
    for plain_form, forms in readings.items():
        if plain_form in never_split or (len(forms) < 2 and zwnj_counts[forms[0]] < 2):
            continue
        best = max(forms, key=lambda f: (zwnj_counts[f], f))
        if rules.word(plain_form) != plain_form and zwnj_counts[best] > counts[plain_form]:
            glued_only.add(best)  # glued_compounds.txt wins over compounds.txt (_data.py)
            words.discard(plain_form)

    # Compounds of a known word and a productive second part (data/affixes.txt) that hazm's
    # lexicon lists with a half-space, for the space-split spelling: the rules join a split
    # «نوبت دهی» only through this list, because «دهی», «بندی», «ساز» are words or verb
    # forms of their own too («اگر اجازه دهی»). Left out: rare ones (hazm frequency under
    # PRODUCTIVE_MIN_FREQUENCY) and those the tuning part writes apart but never joined.
    productive_parts = _productive_parts("second", "bound", "bound-glued")
    productive: list[str] = []
    for form in sorted(hazm_compounds):
        parts = form.split(ZWNJ)
        if (
            len(parts) != 2
            or parts[1] not in productive_parts
            or len(parts[0]) < 2
            or parts[0] not in plain
            or parts[0] in FUNCTION_WORDS
            or hazm_frequency[form] < PRODUCTIVE_MIN_FREQUENCY
            or (pairs[(parts[0], parts[1])] > 0 and zwnj_counts[form] == 0)
        ):
            continue
        productive.append(form)

    # Curated entries are written as given: a half-space after a non-joining letter there
    # marks a boundary a space may take («گفت‌و‌گو»).
    compounds.update(read_list("extra_compounds.txt"))

    _write(
        "verbs.txt",
        "# Verb stems, past#present, one verb a line: hazm 0.10.0 data/verbs.dat with Persian\n"
        "# letters normalized. Used for the prefix می/نمی and by the lemmatizer.\n" + HAZM_LICENSE,
        verbs,
    )
    _write(
        "words.txt",
        "# Persian words written without a half-space (never split by the affix rules): the\n"
        "# entries of hazm 0.10.0 data/words.dat with a non-zero corpus frequency and the words\n"
        "# seen twice in the tuning part of the Fars corpus, letters normalized, minus glued\n"
        "# forms that the corpus writes with a half-space more often than without.\n"
        "# Rebuilt by `python -m ravabet.persian.learn`.\n" + HAZM_LICENSE,
        sorted(words),
    )
    _write(
        "adjectives.txt",
        "# Adjectives (take تر/ترین after a half-space): words tagged AJ in hazm 0.10.0\n"
        "# data/words.dat with a non-zero frequency.\n"
        "# Rebuilt by `python -m ravabet.persian.learn`.\n" + HAZM_LICENSE,
        sorted(adjectives),
    )
    _write(
        "compounds.txt",
        "# Compound words written with a half-space, which the affix rules do not produce:\n"
        "# half-space words of the tuning part of the Fars corpus (4 articles in 5,\n"
        "# corpus.is_heldout) written so at least once and at least as often as glued, and\n"
        "# joined at least half as often as split; none starting with a function word or\n"
        "# ending with an auxiliary; plus extra_compounds.txt.\n"
        "# Rebuilt by `python -m ravabet.persian.learn`.\n" + HAZM_LICENSE,
        sorted(compounds),
    )
    _write(
        "productive_compounds.txt",
        "# Compounds of a known word and a productive second part (data/affixes.txt: second,\n"
        "# bound, bound-glued) written with a half-space in hazm 0.10.0 data/words.dat with a\n"
        f"# frequency of at least {PRODUCTIVE_MIN_FREQUENCY}, minus those the tuning part of the\n"
        "# Fars corpus writes apart but never joined. Joined when split by a space\n"
        "# («سامان دهی» → «سامان‌دهی»). Rebuilt by `python -m ravabet.persian.learn`.\n"
        + HAZM_LICENSE,
        productive,
    )
    if shekar is not None:
        _write(
            "listed_compounds.txt",
            "# Half-space compounds from shekar 1.7.0's data/files/compound_words.csv and the\n"
            "# half-space words of its vocab.csv, kept when restoring them cannot alter a\n"
            "# standard spelling (learn._listed_compounds says how): «کیپتاون», «کیپ تاون» →\n"
            "# «کیپ‌تاون». `form<TAB>glued`: only the glued spelling is repaired. Used for words\n"
            "# written without any half-space. Rebuilt by `python -m ravabet.persian.learn\n"
            "# --shekar WHEEL` (make learn).\n" + SHEKAR_LICENSE,
            _listed_compounds(shekar, words, counts, zwnj_counts, pairs),
        )
    _write(
        "glued_compounds.txt",
        "# Compound words repaired only when written glued («بهعنوان» → «به‌عنوان»): their\n"
        "# space-split form is also correct spelling, or the corpus mostly writes it apart.\n"
        "# Same sources as compounds.txt. Rebuilt by `python -m ravabet.persian.learn`.\n"
        + HAZM_LICENSE,
        sorted(glued_only),
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument(
        "--shekar",
        type=Path,
        default=None,
        help="shekar 1.7.0 wheel (pip download --no-deps shekar==1.7.0): rebuild "
        "listed_compounds.txt from its lists; without it that file is left as it is",
    )
    args = parser.parse_args(argv)
    build(args.corpus, args.shekar)


if __name__ == "__main__":
    main()
