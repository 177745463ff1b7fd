"""Loads the word lists in data/ once and derives the lookup tables the rules need."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

from ravabet.persian._chars import NON_JOINING, ZWNJ, canonical_half_spaces

# Personal endings of the present tense and of the past tense (the 3rd singular past has
# none). They turn a stem into the forms that take the prefix می/نمی.
PRESENT_ENDINGS = ("م", "ی", "د", "یم", "ید", "ند")
PAST_ENDINGS = ("", "م", "ی", "یم", "ید", "ند")
AFFIX_KINDS = (
    "plural",
    "heh",
    "yeh",
    "comparative",
    "verb",
    "second",
    "name",
    "prefix",
    "bound",
    "bound-glued",
    "listed-second",
    "arabic",
)


def read_list(name: str) -> list[str]:
    """Entries of data/<name>: one a line, blank lines and '#' comments skipped."""
    text = resources.files("ravabet.persian").joinpath("data", name).read_text("utf-8")
    entries = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            entries.append(line)
    return entries


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Everything the half-space repair looks up, built once from the data files."""

    affixes: dict[str, tuple[str, ...]]  # kind → affixes, longest first (data/affixes.txt)
    words: frozenset[str]  # real words written without a half-space: never split
    adjectives: frozenset[str]  # stems that take تر/ترین
    verb_rests: frozenset[str]  # what may follow می/نمی: stem + personal ending
    verb_infinitive: dict[str, str]  # verb form without می → infinitive, for the lemmatizer
    participles: frozenset[str]  # past participles (کرده, شده): take اند/ام/ای
    glued: dict[str, str]  # compound written without its half-space → correct form
    compound_parts: dict[str, tuple[str, ...]]  # every compound, glued → its parts (keys)
    pairs: dict[tuple[str, ...], str]  # compound split by spaces → correct form
    listed: dict[str, str]  # glued → form, for words written without any half-space
    never_join: frozenset[tuple[str, str]]  # word pairs that stay apart
    function_words: frozenset[str]  # stop words: never the part of a compound
    grammar_words: frozenset[str]  # grammatical words only (data/function_words.txt)


def _verb_tables(
    stems: list[str],
) -> tuple[frozenset[str], dict[str, str], frozenset[str]]:
    rests: set[str] = set()
    infinitive: dict[str, str] = {}
    participles: set[str] = set()
    for line in stems:
        past, _, present = line.partition("#")
        inf = past + "ن"
        for ending in PAST_ENDINGS:
            infinitive.setdefault(past + ending, inf)
            rests.add(past + ending)
        # Past participles (کرده, نکرده) take اند/ام/ای and, rarely, می (می‌کرده).
        participles.add(past + "ه")
        participles.add("ن" + past + "ه")
        rests.add(past + "ه")
        infinitive.setdefault(past + "ه", inf)
        if present:
            for ending in PRESENT_ENDINGS:
                # A stem ending in a vowel takes a glide: آ + ید → آید, گو + ید → گوید.
                form = present + ending
                rests.add(form)
                infinitive.setdefault(form, inf)
                if present[-1] in "اآ" and ending[0] != "ی":
                    glide = present + "ی" + ending
                    rests.add(glide)
                    infinitive.setdefault(glide, inf)
    # Impersonal forms with no ending: «می‌توان», «نمی‌توان», «می‌باید».
    rests.update(("توان", "باید", "بایست"))
    return frozenset(rests), infinitive, frozenset(participles)


def read_affixes() -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {kind: [] for kind in AFFIX_KINDS}
    for line in read_list("affixes.txt"):
        kind, _, affix = line.partition("\t")
        if kind in found and affix:
            found[kind].append(affix.strip())
    return {kind: tuple(sorted(a, key=len, reverse=True)) for kind, a in found.items()}


# A curated compound may start with one of these function words and still be joined when
# split by a space («پیش بینی» → «پیش‌بینی», «هم اندیشی» → «هم‌اندیشی»).
CURATED_PREFIXES = frozenset(("پیش", "پس", "هم", "کم", "بین"))
# A curated compound split by a space is never joined before one of these: the pair is a
# verb phrase («آسیب دیده است», «ارائه شده»), not the compound.
_AUXILIARIES = frozenset(
    "است بود بوده باشد باشند شد شده شود شوند شدند خواهد خواهند نمود نموده نماید گردد "
    "گردید گردیده را".split()
)


def _add_curated(
    words: set[str],
    rests: frozenset[str],
    function_words: frozenset[str],
    glued: dict[str, str],
    compound_parts: dict[str, tuple[str, ...]],
    pairs: dict[tuple[str, ...], str],
) -> None:
    """Adds data/curated_compounds.txt; the learned lists, read before, win a conflict.

    An entry is `form` or `form<TAB>glued|spaced` (the header of the file says what the
    tags mean). A glued form that is a word of the lexicon is left alone, as for the
    learned lists; a space-split form is joined only when its last part is not a function
    word, auxiliary or verb form and its first part is not a function word (except the
    prefixes of CURATED_PREFIXES).
    """
    for line in read_list("curated_compounds.txt"):
        entry, _, tag = line.partition("\t")
        entry, tag = entry.strip(), tag.strip()
        form = canonical_half_spaces(entry)
        parts = tuple(form.split(ZWNJ))
        if len(parts) < 2 or not all(parts):
            continue
        plain = "".join(parts)
        compound_parts.setdefault(plain, parts)
        if tag != "spaced" and plain not in words:
            glued.setdefault(plain, form)
        if tag == "glued":
            continue
        raw_parts = tuple(entry.split(ZWNJ))
        first, last = raw_parts[0], raw_parts[-1]
        if (
            (first not in function_words or first in CURATED_PREFIXES)
            and last not in function_words
            and last not in _AUXILIARIES
            and last not in rests
            and all(raw_parts)
        ):
            pairs.setdefault(parts, form)
            if raw_parts != parts:
                pairs.setdefault(raw_parts, form)


_TENS = ("بیست", "سی", "چهل", "پنجاه", "شصت", "هفتاد", "هشتاد", "نود")
_UNIT_ORDINALS = ("یکم", "دوم", "سوم", "چهارم", "پنجم", "ششم", "هفتم", "هشتم", "نهم")


def _ordinal_compounds() -> list[str]:
    """«بیست‌ویکم», «سی‌وپنجمین» …: a ten, «و» and a unit ordinal written as one word."""
    return [
        f"{ten}{ZWNJ}و{unit}{ending}"
        for ten in _TENS
        for unit in _UNIT_ORDINALS
        for ending in ("", "ین")
    ]


@functools.cache
def lexicon() -> Lexicon:
    """The lexicon, loaded on first use (about 0.1 s) and shared afterwards."""
    words = set(read_list("words.txt"))
    never_split = read_list("never_split.txt")
    words.update(never_split)
    adjectives = frozenset(read_list("adjectives.txt"))
    rests, infinitive, participles = _verb_tables(read_list("verbs.txt"))

    glued: dict[str, str] = {}
    compound_parts: dict[str, tuple[str, ...]] = {}
    pairs: dict[tuple[str, ...], str] = {}
    for entry in read_list("compounds.txt"):
        form = canonical_half_spaces(entry)
        parts = tuple(form.split(ZWNJ))
        if len(parts) < 2 or not all(parts):
            continue
        plain = "".join(parts)
        if plain not in words:
            glued.setdefault(plain, form)
        compound_parts.setdefault(plain, parts)
        pairs.setdefault(parts, form)
        # An entry may mark a boundary after a non-joining letter too («گفت‌و‌گو»): then
        # the form written with a space there («گفت و گو») is recognised as well.
        raw_parts = tuple(entry.split(ZWNJ))
        if raw_parts != parts and all(raw_parts):
            pairs.setdefault(raw_parts, form)

    for entry in read_list("glued_compounds.txt"):
        form = canonical_half_spaces(entry)
        plain = form.replace(ZWNJ, "")
        if ZWNJ in form and plain not in words:
            # It overrides compounds.txt: learn.py puts here the reading the corpus prefers
            # for a glued form with two («خانهای»).
            glued[plain] = form
        if ZWNJ in form:
            compound_parts.setdefault(plain, tuple(form.split(ZWNJ)))

    function_words = frozenset(read_list("stopwords.txt"))
    _add_curated(words, rests, function_words, glued, compound_parts, pairs)

    # Productive compounds (learn.py): only their space-split spelling is joined; a glued
    # one the lexicon does not know is split by the rules.
    for entry in read_list("productive_compounds.txt"):
        form = canonical_half_spaces(entry)
        parts = tuple(form.split(ZWNJ))
        if len(parts) == 2 and all(parts):
            pairs.setdefault(parts, form)
            compound_parts.setdefault("".join(parts), parts)

    # Ordinals glued to «و» («سیوپنجمین», «سی وپنجمین» → «سی‌وپنجمین»); «سی و پنجمین» with
    # two spaces is standard and stays.
    for form in _ordinal_compounds():
        parts = tuple(form.split(ZWNJ))
        glued.setdefault("".join(parts), form)
        pairs.setdefault(parts, form)

    # Listed compounds (learn.py, from shekar's lists): last, so every other list wins.
    listed: dict[str, str] = {}
    for line in read_list("listed_compounds.txt"):
        entry, _, tag = line.partition("\t")
        form = canonical_half_spaces(entry.strip())
        parts = tuple(form.split(ZWNJ))
        plain = "".join(parts)
        if len(parts) < 2 or not all(parts) or plain in words or plain in glued:
            continue
        listed[plain] = form
        compound_parts.setdefault(plain, parts)
        if tag.strip() != "glued":
            pairs.setdefault(parts, form)

    never_join: set[tuple[str, str]] = set()
    for line in read_list("never_join.txt"):
        first, _, second = line.partition(" ")
        if second:
            never_join.add((first, second))
    for pair in never_join:
        pairs.pop(pair, None)
    affixes = read_affixes()
    # «کلان شهرهای» is joined only if «کلان شهر» is: the plural may come as a word of its own
    # («کلان شهر های»), and is glued to «شهر» first, so both spellings must agree.
    for key in [k for k in pairs if len(k) == 2]:
        second = key[1]
        for plural in affixes["plural"]:
            stem = second[: -len(plural)]
            if second.endswith(plural) and stem and stem[-1] in NON_JOINING:
                if (key[0], stem) not in pairs:
                    del pairs[key]
                break
    return Lexicon(
        affixes=affixes,
        words=frozenset(words),
        adjectives=adjectives,
        verb_rests=rests,
        verb_infinitive=infinitive,
        participles=participles,
        glued=glued,
        compound_parts=compound_parts,
        pairs=pairs,
        listed=listed,
        never_join=frozenset(never_join),
        function_words=function_words,
        grammar_words=frozenset(read_list("function_words.txt")),
    )
