"""Measures half-space repair on real sentences and damage to URLs, e-mails and numbers.

The method (docs/persian.md, "How quality is measured"):

1. Sentences of the corpus are brought to Persian letters (normalize_characters). A
   sentence is a reference ("already correct") when it has at least one half-space and
   writes every word the way the corpus writes it with a half-space somewhere: no glued
   or space-split form of a half-space word attested anywhere in the corpus, and no
   affix that orthography never writes as a word of its own standing alone after a space
   (می, ها, های, ترین, سازی, کنندگان ...: the plural, comparative, verb, second, name and
   prefix kinds of data/affixes.txt).
2. Precision: each reference sentence is given to the tool as is; it is *altered* when the
   word boundaries (space, half-space, nothing) between its letters change.
3. Recall: every half-space of a reference is removed, once by gluing the parts and once
   by putting a space; a half-space counts as restored when the output has it back at the
   same place between the same letters (after a non-joining letter, where a half-space is
   invisible, gluing counts too).
"""

from __future__ import annotations

import functools
import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ravabet.persian._chars import NON_JOINING, PERSIAN_LETTERS, ZWNJ, canonical_half_spaces
from ravabet.persian._data import lexicon, read_affixes, read_list
from ravabet.persian.normalizer import normalize_characters
from ravabet.persian.tokens import sentences

_WORD = re.compile(f"[{PERSIAN_LETTERS}{ZWNJ}]+")
_NOT_KEPT = re.compile(f"[^{PERSIAN_LETTERS}{ZWNJ} ]+")
_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "ؤ": "و", "ئ": "ی", "ۀ": "ه", "ة": "ه", "ء": ""})


def _split_affixes() -> frozenset[str]:
    """Affixes that orthography never writes as words of their own (data/affixes.txt)."""
    affixes = read_affixes()
    kinds = ("plural", "comparative", "verb", "second", "name", "prefix")
    # The possessive clitics «شان/مان/تان» never stand alone either («جوانان مان»).
    clitics = ("شان", "مان", "تان")
    return frozenset((*(a for kind in kinds for a in affixes[kind] if a != "تر"), *clitics))


_SPLIT_AFFIXES = _split_affixes()


def project(text: str) -> str:
    """Only the letters and the boundaries between them: what the half-space rules change."""
    text = _NOT_KEPT.sub(" ", normalize_characters(text).translate(_FOLD))
    text = " ".join(text.split())
    return canonical_half_spaces(text).replace(" " + ZWNJ, " ").replace(ZWNJ + " ", " ")


def _boundaries(projected: str) -> tuple[str, list[str]]:
    letters: list[str] = []
    bounds: list[str] = []
    for char in projected:
        if char in (" ", ZWNJ):
            if bounds:
                bounds[-1] = char
        else:
            letters.append(char)
            bounds.append("")
    return "".join(letters), bounds


def reference_sentences(texts: Iterable[str], attested_from: Iterable[str]) -> list[str]:
    """The "already correct" sentences of `texts` (see the module docstring)."""
    attested: set[str] = set()
    for text in attested_from:
        for word in _WORD.findall(normalize_characters(text)):
            word = canonical_half_spaces(word.strip(ZWNJ))
            if ZWNJ in word:
                attested.add(word)
    glued = {w.replace(ZWNJ, "") for w in attested}
    spaced = {tuple(w.split(ZWNJ)) for w in attested}
    pairs = {p[i : i + 2] for p in spaced for i in range(len(p) - 1)}

    found = []
    for text in texts:
        for sentence in sentences(normalize_characters(text)):
            if ZWNJ not in project(sentence):
                continue
            words = project(sentence).split()
            if any(w in _SPLIT_AFFIXES or w in glued for w in words):
                continue
            tails = [w.rpartition(ZWNJ)[2] for w in words]
            heads = [w.partition(ZWNJ)[0] for w in words]
            if any((tails[i], heads[i + 1]) in pairs for i in range(len(words) - 1)):
                continue
            found.append(sentence)
    return found


# -- what kind of half-space a boundary is ------------------------------------------------

MANDATORY = "mandatory"
OPTIONAL = "optional"
NONSTANDARD = "nonstandard"
KINDS = (MANDATORY, OPTIONAL, NONSTANDARD)

# A half-space before one of these is not standard spelling: auxiliaries, infinitives and
# the light verbs of compound verbs are written as words of their own («کرده است»,
# «پیشی گرفت», «فراهم بودن»), and so is «را» («آن را»).
_AUXILIARIES = frozenset(
    "است بود بوده باشد باشند شد شده شود شوند شدند خواهد خواهند نمود نموده نماید گردد "
    "گردید گردیده را".split()
)
_LIGHT_PAST = ("کرد", "گرفت", "نمود", "گشت", "یافت", "ساخت", "داشت")
_PAST_ENDINGS = ("", "م", "ی", "یم", "ید", "ند")
# «آن‌ها»/«آنها», «این‌ها»/«اینها»: both spellings are standard.
_OPTIONAL_PLURAL_HOSTS = frozenset(("آن", "این"))
_HEH_HOSTS_EXCLUDED = frozenset(("که", "چه"))


@dataclass(frozen=True, slots=True)
class _Rules:
    plurals: frozenset[str]
    heh: frozenset[str]
    yeh: frozenset[str]
    comparatives: frozenset[str]
    verb_prefixes: frozenset[str]
    adjectives: frozenset[str]
    verb_forms: frozenset[str]  # what may follow می/نمی
    standalone_verbs: frozenset[str]  # infinitives and past forms: never after a half-space


@functools.cache
def _rules() -> _Rules:
    lex = lexicon()
    affixes = lex.affixes
    infinitives = set(lex.verb_infinitive.values())
    light = {stem + ending for stem in _LIGHT_PAST for ending in _PAST_ENDINGS}
    return _Rules(
        plurals=frozenset(affixes["plural"]),
        heh=frozenset(affixes["heh"]),
        yeh=frozenset(affixes["yeh"]),
        comparatives=frozenset(affixes["comparative"]),
        verb_prefixes=frozenset(affixes["verb"]),
        adjectives=frozenset(w.translate(_FOLD) for w in lex.adjectives),
        verb_forms=frozenset(w.translate(_FOLD) for w in lex.verb_rests),
        standalone_verbs=frozenset(w.translate(_FOLD) for w in (*light, *infinitives))
        | _AUXILIARIES,
    )


def boundary_kind(left: str, right: str) -> str:
    """Whether the half-space between two word parts is mandatory, optional or non-standard.

    Mandatory (the Academy's «دستور خط فارسی»): the verb prefix (می‌/نمی‌/برمی‌…), the plural
    ها/های/هایی/هایش… after a word, تر/ترین/تری after an adjective, the clitics
    ای/ام/اش/اند/ایم/اید/شان… after silent ه and ام/اش/اند/ایم/اید after ی (not ات, which is
    also the Arabic plural: «عملیات»). Non-standard: before an auxiliary, an infinitive, a
    light verb in the past or «را» (written apart). Optional: everything else (compounds,
    names, آن‌ها/آنها, هم‌زمان/همزمان), where another spelling is standard too.
    """
    r = _rules()
    if left in r.verb_prefixes or (len(left) > 2 and left.endswith("می") and right in r.verb_forms):
        return MANDATORY
    if right in r.plurals and len(left) >= 2 and left not in _OPTIONAL_PLURAL_HOSTS:
        return MANDATORY
    if right in r.comparatives and left in r.adjectives:
        return MANDATORY
    if right == "ات":
        return OPTIONAL  # also the Arabic plural: «اشتباهات», «عملیات»
    if right in r.heh and left.endswith("ه") and len(left) >= 2 and left not in _HEH_HOSTS_EXCLUDED:
        return MANDATORY
    if right in r.yeh and left.endswith("ی") and len(left) >= 3:
        return MANDATORY
    if right in r.standalone_verbs:
        return NONSTANDARD
    return OPTIONAL


def _segments(letters: str, bounds: list[str], i: int) -> tuple[str, str]:
    """The word parts either side of boundary i (parts end at spaces and half-spaces)."""
    start = i
    while start > 0 and bounds[start - 1] == "":
        start -= 1
    end = i + 1
    while end < len(bounds) - 1 and bounds[end] == "":
        end += 1
    return letters[start : i + 1], letters[i + 1 : end + 1]


def _word_at(projected: str, i: int) -> str:
    """The space-separated word of a projected sentence that holds letter boundary i."""
    seen = -1
    for word in projected.split(" "):
        seen += sum(1 for c in word if c != ZWNJ)
        if seen >= i:
            return word
    return ""


@dataclass(slots=True)
class Attestation:
    """How often the corpus writes each word with and without its half-spaces."""

    plain: Counter[str] = field(default_factory=Counter)
    words: Counter[str] = field(default_factory=Counter)  # words with a half-space
    pairs: Counter[tuple[str, str]] = field(default_factory=Counter)
    # Word parts written apart: the last part of a word and the first part of the next.
    apart: Counter[tuple[str, str]] = field(default_factory=Counter)

    @classmethod
    def of(cls, texts: Iterable[str]) -> Attestation:
        found = cls()
        for text in texts:
            projected = project(text).split()
            found.apart.update(
                (a.rpartition(ZWNJ)[2], b.partition(ZWNJ)[0])
                for a, b in itertools.pairwise(projected)
            )
            for word in projected:
                if ZWNJ in word:
                    found.words[word] += 1
                    parts = word.split(ZWNJ)
                    found.pairs.update(itertools.pairwise(parts))
                else:
                    found.plain[word] += 1
        return found

    def written_without(self, word: str, left: str, right: str, variant: str) -> bool:
        """Whether the corpus writes `word` at least twice with the half-space between
        `left` and `right` taken out (`variant` "" glues the parts, " " splits them):
        then that spelling is standard too («آنها», «به عنوان»), and a tool that keeps it
        leaves correct text alone."""
        if variant == "":
            glued = word.replace(left + ZWNJ + right, left + right, 1)
            seen = self.words[glued] if ZWNJ in glued else self.plain[glued]
            return seen >= STANDARD_MIN
        return self.apart[(left, right)] >= STANDARD_MIN


# A spelling the corpus uses this often is taken for a standard one.
STANDARD_MIN = 2

# Changes the tool made to a reference sentence, worst first.
DAMAGED = "damaged"  # a standard spelling made non-standard
RESPELLED = "respelled"  # an optional half-space added that the corpus itself writes
FIXED = "fixed"  # only mandatory half-spaces added: the reference was a corpus error


def judge_change(original: str, output: str, attested: Attestation) -> str | None:
    """None when the boundaries are the same, else the worst kind of change (see above).

    A change is a corpus error fixed when the tool adds a half-space (or joins after a
    non-joining letter) at a mandatory boundary (`boundary_kind`) inside a word that the
    corpus does not use as a word of its own (`_is_whole_word`: a word of never_split.txt,
    or glued at least 10 times and over 4 times as often as with the half-space: «تنها» is
    not «تن‌ها»); a respelling when it adds one at an
    optional boundary that the corpus writes with a half-space at least twice (that pair of
    parts, or the whole word); anything
    else — a half-space removed, a space put in, letters changed, a join the corpus never
    writes — damages the sentence.
    """
    if original == output:
        return None
    letters, bounds = _boundaries(original)
    out_letters, out_bounds = _boundaries(output)
    if out_letters != letters:
        return DAMAGED
    worst = FIXED
    for i, (was, now) in enumerate(zip(bounds, out_bounds, strict=True)):
        if was == now:
            continue
        if now == " " or was == ZWNJ:
            return DAMAGED
        left, right = _segments(out_letters, out_bounds, i)
        kind = boundary_kind(left, right)
        if kind == MANDATORY:
            glued = left + right if was == "" else ""
            if glued and _is_whole_word(glued, left, right, attested):
                return DAMAGED
            continue
        if kind == OPTIONAL and (
            attested.pairs[(left, right)] >= 2 or attested.words[_word_at(output, i)] >= 2
        ):
            worst = RESPELLED
            continue
        return DAMAGED
    return worst


@functools.cache
def _never_split() -> frozenset[str]:
    return frozenset(w.translate(_FOLD) for w in read_list("never_split.txt"))


def _is_whole_word(glued: str, left: str, right: str, attested: Attestation) -> bool:
    """A glued word that only looks like stem + affix («تنها», «دکترین», «آنها»)."""
    if glued in _never_split():
        return True
    plain = attested.plain[glued]
    return plain >= 10 and plain > 4 * attested.pairs[(left, right)]


@dataclass(slots=True)
class RepairScore:
    sentences: int = 0
    half_spaces: int = 0
    restored_glued: int = 0
    restored_spaced: int = 0
    altered: int = 0  # reference sentences whose boundaries the tool changed
    other_changes: int = 0  # boundaries changed elsewhere while restoring
    # Per kind of half-space (boundary_kind): how many, and how many came back.
    by_kind: Counter[str] = field(default_factory=Counter)
    glued_by_kind: Counter[str] = field(default_factory=Counter)
    spaced_by_kind: Counter[str] = field(default_factory=Counter)
    # Altered reference sentences by judge_change, with examples (original → output).
    changes: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    misses: Counter[tuple[str, str]] = field(default_factory=Counter)  # (kind, left‌right)
    # Mandatory and optional half-spaces whose removal makes a misspelling (the corpus does
    # not write the word that way twice): variant → how many, how many came back.
    repairable: Counter[str] = field(default_factory=Counter)
    repaired: Counter[str] = field(default_factory=Counter)

    @property
    def recall_glued(self) -> float:
        return self.restored_glued / self.half_spaces if self.half_spaces else 0.0

    @property
    def recall_spaced(self) -> float:
        return self.restored_spaced / self.half_spaces if self.half_spaces else 0.0

    def recall(self, variant: str, *kinds: str) -> float:
        """Recall of the glued or spaced variant over the given kinds of half-space."""
        found = self.glued_by_kind if variant == "glued" else self.spaced_by_kind
        total = sum(self.by_kind[k] for k in kinds)
        return sum(found[k] for k in kinds) / total if total else 0.0

    def recall_repairable(self, variant: str) -> float:
        """Recall over the half-spaces whose removal leaves a misspelling, not another
        standard spelling: mandatory ones, and optional ones the corpus never (or once)
        writes without («کیپ‌تاون», not «آن‌ها»)."""
        total = self.repairable[variant]
        return self.repaired[variant] / total if total else 0.0

    @property
    def damaged(self) -> int:
        return self.changes[DAMAGED]


def score_repair(
    tool: Callable[[str], str],
    references: Iterable[str],
    attested: Attestation | None = None,
) -> RepairScore:
    """Recall and alterations of `tool` on reference sentences (see the module docstring).

    Without `attested` every alteration is judged as damage.
    """
    attested = attested or Attestation()
    score = RepairScore()
    for sentence in references:
        original = project(sentence)
        letters, bounds = _boundaries(original)
        wanted = [i for i, b in enumerate(bounds) if b == ZWNJ]
        kinds = {i: boundary_kind(*_segments(letters, bounds, i)) for i in wanted}
        score.sentences += 1
        score.half_spaces += len(wanted)
        score.by_kind.update(kinds.values())
        verdict = judge_change(original, project(tool(sentence)), attested)
        if verdict is not None:
            score.altered += 1
            score.changes[verdict] += 1
            score.examples.setdefault(verdict, []).append((original, project(tool(sentence))))
        repairable = {
            variant: [
                i
                for i in wanted
                if kinds[i] == MANDATORY
                or (
                    kinds[i] == OPTIONAL
                    and not attested.written_without(
                        _word_at(original, i), *_segments(letters, bounds, i), variant
                    )
                )
            ]
            for variant in ("", " ")
        }
        for variant, attr, per_kind, name in (
            ("", "restored_glued", score.glued_by_kind, "glued"),
            (" ", "restored_spaced", score.spaced_by_kind, "spaced"),
        ):
            score.repairable[name] += len(repairable[variant])
            out_letters, out_bounds = _boundaries(project(tool(sentence.replace(ZWNJ, variant))))
            if out_letters != letters:
                continue  # the tool changed letters; none of this sentence counts as restored
            restored = 0
            for i in wanted:
                got = out_bounds[i]
                if got == ZWNJ or (got == "" and letters[i] in NON_JOINING):
                    restored += 1
                    per_kind[kinds[i]] += 1
                    score.repaired[name] += i in repairable[variant]
                else:
                    left, right = _segments(letters, bounds, i)
                    score.misses[(kinds[i], f"{left}{ZWNJ}{right}")] += 1
            setattr(score, attr, getattr(score, attr) + restored)
            others = [
                i
                for i, b in enumerate(bounds)
                if b != ZWNJ and i < len(out_bounds) and out_bounds[i] != b
            ]
            score.other_changes += bool(others)
    return score


# Probes for damage: each is (sentence, the spans that must come out verbatim).
PROBES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "برای ثبت‌نام به https://www.tehran.ir/news/1404/02/30?id=12.5 مراجعه کنید.",
        ("https://www.tehran.ir/news/1404/02/30?id=12.5",),
    ),
    ("نشانی سامانه www.ostan-th.ir است.", ("www.ostan-th.ir",)),
    (
        "پیوند: https://fa.wikipedia.org/wiki/Tehran_(city) را ببینید",
        ("https://fa.wikipedia.org/wiki/Tehran_(city)",),
    ),
    (
        "با رایانامه info@ostan-th.ir یا pr.office@gmail.com تماس بگیرید.",
        ("info@ostan-th.ir", "pr.office@gmail.com"),
    ),
    # A decimal in Persian prose is written «۱۲٫۵» (issue 14): not damage; a version is kept.
    ("نرخ تورم 12.5 درصد و رشد ۱۲٫۵ درصد اعلام شد.", ("۱۲٫۵",)),
    ("نسخهٔ 1.2.3 سامانه منتشر شد.", ("1.2.3",)),
    ("شماره تماس 021-88776655 و ۰۲۱-۶۶۷۷۸۸۹۹ است.", ("021-88776655", "۰۲۱-۶۶۷۷۸۸۹۹")),
    ("این نشست در تاریخ 1404/02/30 ساعت 10:30 برگزار می‌شود.", ("1404/02/30", "10:30")),
    ("تاریخ ۱۴۰۴/۰۲/۳۰ و ساعت ۱۰:۳۰ است.", ("۱۴۰۴/۰۲/۳۰", "۱۰:۳۰")),
    ("مبلغ 1,250,000 ریال پرداخت شد.", ("1,250,000",)),
    ("نسخه Windows 11 و پروتکل HTTP/2 پشتیبانی می‌شود.", ("Windows 11", "HTTP/2")),
    ("کد رهگیری ABC-1234-XY را نگه دارید.", ("ABC-1234-XY",)),
    ("He said: this is fine, really. و سپس رفت.", ("He said: this is fine, really",)),
)


@dataclass(slots=True)
class DamageScore:
    items: int = 0
    damaged: int = 0
    examples: list[str] = field(default_factory=list)


def score_damage(tool: Callable[[str], str]) -> DamageScore:
    score = DamageScore()
    for sentence, spans in PROBES:
        out = tool(sentence)
        for span in spans:
            score.items += 1
            if span not in out:
                score.damaged += 1
                score.examples.append(f"{span} → {out}")
    return score
