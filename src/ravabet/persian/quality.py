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

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ravabet.persian._chars import NON_JOINING, PERSIAN_LETTERS, ZWNJ, canonical_half_spaces
from ravabet.persian._data import read_affixes
from ravabet.persian.normalizer import normalize_characters
from ravabet.persian.tokens import sentences

_WORD = re.compile(f"[{PERSIAN_LETTERS}{ZWNJ}]+")
_NOT_KEPT = re.compile(f"[^{PERSIAN_LETTERS}{ZWNJ} ]+")
_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "ؤ": "و", "ئ": "ی", "ۀ": "ه", "ة": "ه", "ء": ""})


def _split_affixes() -> frozenset[str]:
    """Affixes that orthography never writes as words of their own (data/affixes.txt)."""
    affixes = read_affixes()
    kinds = ("plural", "comparative", "verb", "second", "name", "prefix")
    return frozenset(a for kind in kinds for a in affixes[kind] if a != "تر")


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


@dataclass(slots=True)
class RepairScore:
    sentences: int = 0
    half_spaces: int = 0
    restored_glued: int = 0
    restored_spaced: int = 0
    altered: int = 0  # reference sentences whose boundaries the tool changed
    other_changes: int = 0  # boundaries changed elsewhere while restoring

    @property
    def recall_glued(self) -> float:
        return self.restored_glued / self.half_spaces if self.half_spaces else 0.0

    @property
    def recall_spaced(self) -> float:
        return self.restored_spaced / self.half_spaces if self.half_spaces else 0.0


def score_repair(tool: Callable[[str], str], references: Iterable[str]) -> RepairScore:
    score = RepairScore()
    for sentence in references:
        original = project(sentence)
        letters, bounds = _boundaries(original)
        wanted = [i for i, b in enumerate(bounds) if b == ZWNJ]
        score.sentences += 1
        score.half_spaces += len(wanted)
        if project(tool(sentence)) != original:
            score.altered += 1
        for variant, attr in (("", "restored_glued"), (" ", "restored_spaced")):
            out_letters, out_bounds = _boundaries(project(tool(sentence.replace(ZWNJ, variant))))
            if out_letters != letters:
                continue  # the tool changed letters; none of this sentence counts as restored
            restored = 0
            for i in wanted:
                got = out_bounds[i]
                if got == ZWNJ or (got == "" and letters[i] in NON_JOINING):
                    restored += 1
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
    ("نرخ تورم 12.5 درصد و رشد ۱۲٫۵ درصد اعلام شد.", ("12.5", "۱۲٫۵")),
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
