"""Half-space (ZWNJ) repair: puts U+200C where Persian orthography needs it."""

from __future__ import annotations

import re
from itertools import compress, count

from ravabet.persian._chars import NON_JOINING, PERSIAN_LETTERS, ZWNJ
from ravabet.persian._data import Lexicon, lexicon

_WORD_CHARS = f"{PERSIAN_LETTERS}\u0654{ZWNJ}"
_SPLIT = re.compile(f"([^{_WORD_CHARS}]+)")
_WORD = re.compile(f"[{_WORD_CHARS}]+")
_LEADING_WORD = re.compile(f"[{_WORD_CHARS}]+")
_TRAILING_WORD = re.compile(f"[{_WORD_CHARS}]+$")

_Edges = tuple[str | None, str | None, str | None, str | None]
_NO_EDGES: _Edges = (None, None, None, None)

# A cache of token → repaired token. Persian vocabulary is Zipfian, so after a few
# documents almost every token is a hit; the bound keeps a hostile input from growing it
# without limit.
_CACHE_LIMIT = 200_000

# The second part of place names (نجف‌آباد, علی‌آبادی): «آ» never stands inside a word after
# a joining letter, so a glued «نجفآباد» always lacks its half-space. A split «خرم آباد» is
# left alone: «شهرهای آباد», «کشور آباد» use the adjective.
PLACE_PARTS = ("آباد",)

# Second parts whose glued spelling is standard too («اصولگرایی», «روانشناسی»): never split
# off a glued word, only joined when split by a space.
GLUED_STANDARD_PARTS = ("گرا", "شناس", "شناخت")

# Possessive clitics that are never a word of their own, and the prepositions that take
# them («برای‌شان»).
PLURAL_CLITICS = frozenset(("شان", "مان", "تان"))
CLITIC_PREPOSITIONS = frozenset(("برای", "روی", "میان", "پیش", "پشت", "کنار", "همراه"))
# First parts split off a glued word the lexicon does not know when the rest is a known
# word: «بهاندازه» → «به‌اندازه», «پیشفروش» → «پیش‌فروش». Not «بی»: family names
# («بیراوند») and verb forms («بیایی») start with it too; not «هم»: «همسفر», «همکارانه»
# are standard glued.
GLUED_FIRST_PARTS = ("به", "پیش")

# The longest run of letters the half-space rules look into: Persian words, even long
# compounds («سرمایه‌گذاری‌هایشان»), stay well under it; a longer run (hostile or broken
# input) is left as it is, which keeps the repair linear in the length of the text.
MAX_WORD_LETTERS = 40

# After these letters a final «ه» is pronounced («کلاه», «شاه», «کوه»), and words glue on
# it without a half-space («کلاهبردار», «شاهراه», «کوهدشت»).
_VOWEL_BEFORE_H = frozenset("او")

# A word part after a silent «ه» never starts like these: they are suffixes («آمارهایی»).
_AFFIX_STARTS = ("ای", "ها", "ام", "اش", "ان", "ات", "مین")

# Family-name parts split off a glued name («موسیپور» → «موسی‌پور»); «زاده» is left out:
# «شاهزاده», «نوابزاده» are written glued.
GLUED_NAME_PARTS = ("پور", "نیا", "نژاد")

# Endings that make a word of the lexicon into one it may not list: a glued «کتابداران» is
# «کتابدار» + ان, standard spelling, not «کتاب» + «داران»; «همراهش» is «همراه» + ش.
_INFLECTIONS = (
    "ان",
    "انی",
    "ی",
    "یی",
    "ها",
    "های",
    "ات",
    "گان",
    "گی",
    "ش",
    "م",
    "ت",
    "شان",
    "مان",
    "تان",
)


class HalfSpaceRepairer:
    """Repairs glued and space-split words against one lexicon."""

    def __init__(self, lex: Lexicon) -> None:
        self.lex = lex
        affixes = lex.affixes
        self.plurals = affixes["plural"]
        self.heh = affixes["heh"]
        self.yeh = frozenset(affixes["yeh"])
        self.comparatives = affixes["comparative"]
        self.verb_prefixes = affixes["verb"]
        self.seconds = affixes["second"]
        self.names = frozenset(affixes["name"])
        self.prefixes = affixes["prefix"]
        self.bound = frozenset(affixes["bound"])
        # Second parts split off a glued word the lexicon does not know, longest first:
        # (part, shortest first part, whether that first part must be a known word).
        self.glued_seconds: tuple[tuple[str, int, bool], ...] = tuple(
            sorted(
                (
                    *(
                        (p, 3, True)
                        for p in (*self.seconds, *affixes["bound"])
                        if not p.startswith(GLUED_STANDARD_PARTS)
                    ),
                    *(
                        (p, 3, True)
                        for p in affixes["bound-glued"]
                        if not p.startswith(GLUED_STANDARD_PARTS)
                    ),
                    *((p, 3, True) for p in GLUED_NAME_PARTS),
                    *((p, 2, False) for p in affixes["arabic"]),
                ),
                key=lambda entry: len(entry[0]),
                reverse=True,
            )
        )
        self.glued_second_ends = frozenset(p[-2:] for p, _n, _k in self.glued_seconds)
        # The same entries by their last letter, in the same order: a word is tried only
        # against the parts it can end with.
        by_last: dict[str, list[tuple[str, int, bool]]] = {}
        for entry in self.glued_seconds:
            by_last.setdefault(entry[0][-1], []).append(entry)
        self.glued_seconds_by_last = {last: tuple(entries) for last, entries in by_last.items()}
        self.spaced_prefixes = frozenset(self.verb_prefixes)
        self.cache: dict[str, str] = {"": ""}
        self.word_cache: dict[str, str] = {}
        # The cached tokens whose repair changes them (a small part of the cache).
        self.changed: dict[str, str] = {}
        # Raw tokens whose repaired form may join the token before or after it.
        self.triggers: set[str] = set()
        # Triggers that may only join the token before them as the second part of a pair
        # of the lexicon («با», «سال»: most stand after a word they never join), and the
        # tokens whose last part may be the first part of such a pair: a trigger of the
        # first kind is skipped at once unless one of the second kind stands before it.
        self.pair_only: set[str] = set()
        self.pair_tails: set[str] = set()
        # Raw token → (leading word, trailing word, its first part, its last part).
        self.edges: dict[str, _Edges] = {"": _NO_EDGES}
        pair_seconds = {parts[1] for parts in lex.pairs if len(parts) == 2}
        self.third_parts = frozenset(parts[2] for parts in lex.pairs if len(parts) == 3)
        self.rule_heads = (
            frozenset((*self.plurals, *self.heh, *self.comparatives, *self.seconds, *self.names))
            | self.bound
            | self.third_parts
        )
        self.right_triggers = frozenset(pair_seconds) | self.rule_heads
        self.pair_firsts = frozenset(parts[0] for parts in lex.pairs if len(parts) == 2)
        self.left_triggers = self.spaced_prefixes | frozenset(self.prefixes)

    # -- single words --------------------------------------------------------------

    def word(self, token: str) -> str:
        """Repair one word: letters and half-spaces only."""
        # The same word stands in many tokens («کتاب», «کتاب،», «(کتاب»): its repair is cached
        # apart from theirs.
        fixed = self.word_cache.get(token)
        if fixed is None:
            if len(self.word_cache) >= _CACHE_LIMIT:
                self.word_cache.clear()
            fixed = self.word_cache[token] = self._word(token)
        return fixed

    def _word(self, token: str) -> str:
        if ZWNJ in token:
            parts = token.split(ZWNJ)
            if parts[0] in self.spaced_prefixes and len(parts) == 2:
                return token  # «می‌نمایاند»: a verb after its prefix is left as written
            # The writer put half-spaces here: the parts get the affix rules and the lists,
            # but no productive part is split off them («خانکشی‌پور» stays).
            return ZWNJ.join(self._glued(part, productive=False) for part in parts)
        return self._glued(token)

    def _glued(self, token: str, *, trust_lexicon: bool = True, productive: bool = True) -> str:
        lex = self.lex
        if len(token) < 3 or len(token) > MAX_WORD_LETTERS:
            # A run of letters longer than any word is no word: left as it is (the rules
            # below recurse into the word and look inside it).
            return token
        found = lex.glued.get(token)
        if found is not None:
            # Its parts get the rules too, as they will when the result is normalized
            # again: «سیاستگذاریهای» → «سیاست‌گذاری‌های», not «سیاستگذاری‌های».
            return ZWNJ.join(self._glued(part) for part in found.split(ZWNJ))
        if trust_lexicon and token in lex.words:
            return token
        listed = lex.listed.get(token) if productive else None
        if listed is not None:
            # Only for a word written without any half-space: «آبمیوه‌های» keeps its part.
            return ZWNJ.join(self._glued(part) for part in listed.split(ZWNJ))
        # Each loop over affixes below is skipped when no affix of its list fits: one
        # startswith/endswith with the whole tuple is cheaper than the loop.
        for prefix in self.verb_prefixes if token.startswith(self.verb_prefixes) else ():
            if token.startswith(prefix) and token[len(prefix) :] in lex.verb_rests:
                return prefix + ZWNJ + token[len(prefix) :]
        if token.endswith("های") and len(token) >= 5 and self._heh_word(token[:-2], productive):
            # «خانهای» is «خانه‌ای» more often than «خان‌های»; learn.py lists the glued
            # forms the corpus reads the other way («گلهای» → «گل‌های»).
            return self._glued(token[:-2]) + ZWNJ + "ای"
        for suffix in self.plurals if token.endswith(self.plurals) else ():
            if token.endswith(suffix):
                stem = token[: -len(suffix)]
                # A stem the lexicon does not know is taken when it is long and the whole
                # is no word either (trust_lexicon: running text, not learn.py's question).
                unknown = trust_lexicon and len(stem) >= 4 and suffix.startswith("های")
                if len(stem) >= 2 and (unknown or self._is_stem(stem)):
                    if stem[-1] in NON_JOINING:
                        # «کشورها» looks right already; a compound stem still gets its
                        # half-space («چشماندازها» → «چشم‌اندازها»).
                        return self._glued(stem) + suffix
                    return self._glued(stem) + ZWNJ + suffix
        for suffix in self.comparatives if token.endswith(self.comparatives) else ():
            stem = token[: -len(suffix)]
            if token.endswith(suffix) and stem in lex.adjectives and stem[-1] not in NON_JOINING:
                return self._glued(stem) + ZWNJ + suffix
        for suffix in self.heh if token.endswith(self.heh) else ():
            if token.endswith(suffix):
                stem = token[: -len(suffix)]
                if (
                    stem.endswith("ه")
                    and (stem in lex.words or stem in lex.participles)
                    and stem not in lex.function_words
                ):
                    return self._glued(stem) + ZWNJ + suffix
                if (
                    (suffix in self.yeh or (trust_lexicon and self._clitic_after_yeh(stem, suffix)))
                    and stem.endswith("ی")
                    and len(stem) >= 3
                    and (stem in lex.words or (trust_lexicon and self._derived_noun(stem)))
                ):
                    return self._glued(stem) + ZWNJ + suffix
        for suffix in self.seconds if not trust_lexicon else ():
            # Only when the caller asks for what the rules make of a word (learn.py): a glued
            # «غربگرایی» is standard spelling too, so running text keeps it.
            stem = token[: -len(suffix)]
            if (
                token.endswith(suffix)
                and len(stem) >= 3
                and stem[-1] not in NON_JOINING
                and self._is_stem(stem)
            ):
                return self._glued(stem) + ZWNJ + suffix
        if productive and trust_lexicon:
            split = (
                self._glued_first(token)
                or self._madda_split(token)
                or self._heh_split(token)
                or (self._glued_second(token) if token[-2:] in self.glued_second_ends else None)
            )
            if split is not None:
                return split
        # In running text _madda_split has split a glued «…آباد» already; this also serves
        # learn.py and the parts of words written with half-spaces.
        for part in PLACE_PARTS:
            at = token.find(part, 2)
            rest = token[at + len(part) :] if at > 0 else ""
            if at > 0 and token[at - 1] not in NON_JOINING and rest in ("", "ی"):
                return self._glued(token[:at]) + ZWNJ + token[at:]
        if (
            token.endswith("اند")
            and token[:-3] in lex.adjectives
            and token[-4] not in NON_JOINING
            and token not in lex.verb_rests
        ):
            return self._glued(token[:-3]) + ZWNJ + "اند"
        return token

    def _glued_second(self, token: str) -> str | None:
        """A glued word the lexicon does not know, read as a known word + a productive part.

        «برقرسانی» → «برق‌رسانی», «جریانساز» → «جریان‌ساز», «غیاثالدین» → «غیاث‌الدین». A
        glued form the corpus uses as a word of its own is in the lexicon and never gets
        here; after a letter that does not join, glued already looks right.
        """
        lex = self.lex
        if self._inflected_word(token):
            return None
        for part, shortest, known in self.glued_seconds_by_last.get(token[-1], ()):
            if not token.endswith(part):
                continue
            stem = token[: -len(part)]
            if (
                len(stem) >= shortest
                and stem[-1] not in NON_JOINING
                and stem not in lex.grammar_words
                and (not known or self._is_stem(stem))
            ):
                return self._glued(stem) + ZWNJ + part
        return None

    def _madda_split(self, token: str) -> str | None:
        """«هتلآپارتمان» → «هتل‌آپارتمان»: «آ» starts a word part; inside a word after a
        joining letter it stands only in a few words the lexicon lists («مآخذ», «منشآت»)."""
        at = token.find("آ", 2)
        if at < 0 or token[at - 1] in NON_JOINING or len(token) - at < 2:
            return None
        if token[:at].endswith("ال"):
            return None  # the Arabic article: «الآن», «بالآیه»
        return self._glued(token[:at]) + ZWNJ + self._glued(token[at:])

    def _heh_word(self, word: str, productive: bool) -> bool:
        """A word ending in «ه», or a compound the lists or rules make of one
        («قهوهخانه»)."""
        lex = self.lex
        if word in lex.words:
            return True
        if not productive or not word.endswith("ه"):
            return False
        return word in lex.glued or word in lex.listed or self._heh_split(word) is not None

    def _heh_split(self, token: str) -> str | None:
        """«قهوهخانه» → «قهوه‌خانه»: a word ending in silent «ه» glued to another word.

        A glued «ه» inside a word reads as the consonant («مهم», «شهر»), so a word that ends
        in a silent «ه» takes a half-space before the next part. Taken only when exactly one
        split makes two words of the lexicon, the second no affix («آمارهایی» is a plural),
        and not after «اه»/«وه», where the «ه» is pronounced («کلاهبردار»).
        """
        lex = self.lex
        if self._inflected_word(token):
            return None  # «تبهکاران» is «تبهکار» + ان
        found = None
        for at in range(3, len(token) - 2):
            if token[at - 1] != "ه" or token[at - 2] in _VOWEL_BEFORE_H:
                continue
            head, rest = token[:at], token[at:]
            if (
                head in lex.words
                and head not in lex.grammar_words
                and (rest in lex.words or rest in lex.listed)
                and rest not in lex.grammar_words
                and rest not in lex.verb_rests
                and not rest.startswith(_AFFIX_STARTS)
            ):
                if found is not None:
                    return None
                found = head + ZWNJ + self._glued(rest)
        return found

    def _glued_first(self, token: str) -> str | None:
        """«بهاندازه» → «به‌اندازه»: a first part glued to a word of the lexicon."""
        lex = self.lex
        for first in GLUED_FIRST_PARTS:
            rest = token[len(first) :]
            if (
                token.startswith(first)
                and len(rest) >= 3
                and rest in lex.words
                and rest not in lex.grammar_words
                and rest not in lex.verb_rests
                and not self._inflected_word(token)
            ):
                return first + ZWNJ + self._glued(rest)
        return None

    def _inflected_word(self, token: str) -> bool:
        """A word of the lexicon with a plural or ی ending («کتابداران», «قدرتمندی»)."""
        words = self.lex.words
        if not token.endswith(_INFLECTIONS):
            return False
        for ending in _INFLECTIONS:
            if token.endswith(ending) and token[: -len(ending)] in words:
                return True
        return False

    def rule_split(self, token: str) -> str:
        """What the affix rules make of `token` if the lexicon did not list it."""
        return self._glued(token, trust_lexicon=False)

    @staticmethod
    def _clitic_after_yeh(stem: str, suffix: str) -> bool:
        """«شادیشان» → «شادی‌شان»; not after a glide «ی» («جایشان», «رویمان»)."""
        return suffix in PLURAL_CLITICS and len(stem) >= 4 and stem[-2] not in "اوآ"

    def _derived_noun(self, word: str) -> bool:
        """A noun made from a word of the lexicon with ی: «عدالتی», «حوصلگی» (حوصله)."""
        words = self.lex.words
        if word.endswith("گی") and word[:-2] + "ه" in words:
            return True
        return word.endswith("ی") and len(word) >= 4 and word[:-1] in words

    def _is_stem(self, stem: str) -> bool:
        lex = self.lex
        return (
            stem in lex.words or stem in lex.glued or stem in lex.participles or stem in lex.listed
        )

    # -- running text --------------------------------------------------------------

    def _token(self, token: str) -> str:
        """Repair one space-free token (a word with punctuation or digits attached).

        The caller (text) bounds the caches before the tokens of a text are added, never
        while, so every token of the text keeps its entries until the text is done.
        """
        # The word parts a space may join: the first half-space part of the token's leading
        # word and the last part of its trailing word (None when punctuation stands there).
        first_word: str | None
        last_word: str | None
        if _WORD.fullmatch(token):
            # A bare word (most tokens) is its own leading and trailing word.
            fixed = first_word = last_word = self.word(token)
        else:
            parts = _SPLIT.split(token)
            parts[0::2] = [self.word(p) if p else p for p in parts[0::2]]
            fixed = "".join(parts)
            # The split's first and last parts are the leading and trailing words (empty
            # when punctuation stands there). A word before one final newline is the
            # trailing word too, as «$» reads it (_TRAILING_WORD).
            first_word = parts[0] or None
            last_word = parts[-1] or None
            if last_word is None and len(parts) >= 3 and parts[-2] == "\n":
                last_word = parts[-3] or None
        head = first_word.partition(ZWNJ)[0] if first_word else None
        tail = last_word.rpartition(ZWNJ)[2] if last_word else None
        self.edges[token] = (first_word, last_word, head, tail)
        if head is not None and head in self.right_triggers:
            self.triggers.add(token)
            if head not in self.rule_heads and last_word not in self.left_triggers:
                self.pair_only.add(token)
        if last_word in self.left_triggers:
            self.triggers.add(token)
        if tail is not None and tail in self.pair_firsts:
            self.pair_tails.add(token)
        self.cache[token] = fixed
        if fixed != token:
            self.changed[token] = fixed
        return fixed

    def _clear(self) -> None:
        self.cache.clear()
        self.cache[""] = ""
        self.changed.clear()
        self.edges.clear()
        self.edges[""] = _NO_EDGES
        self.triggers.clear()
        self.pair_only.clear()
        self.pair_tails.clear()

    def text(self, text: str) -> str:
        """Repair every word of `text` and join the parts that single spaces split apart."""
        raw = text.split(" ")
        cache = self.cache
        # The per-token work runs in C (set difference, map, compress): after a few
        # documents almost every token is cached, and a Python loop over them costs more
        # than the repair itself.
        unique = set(raw)
        missing = unique.difference(cache)
        if missing:
            if len(cache) + len(missing) >= _CACHE_LIMIT:
                self._clear()
                missing = unique.difference(cache)  # the text's cached tokens went too
            for token in missing:
                self._token(token)
        changed = self.changed
        triggers = self.triggers
        if triggers.isdisjoint(unique):
            if changed.keys().isdisjoint(unique):
                return text  # nothing to repair: the common case for a short text
            return " ".join(map(changed.get, raw, raw))
        fixed = list(map(changed.get, raw, raw))
        candidates = compress(count(), map(triggers.__contains__, raw))
        seps = [" "] * (len(fixed) - 1)
        edges = self.edges
        pairs = self.lex.pairs
        quick = self.rule_heads
        last_index = len(fixed) - 1
        left_triggers = self.left_triggers
        pair_only = self.pair_only
        pair_tails = self.pair_tails
        for i in candidates:
            token = raw[i]
            if token in pair_only and (i == 0 or raw[i - 1] not in pair_tails):
                continue  # no pair of the lexicon can join it to the token before
            first_word, last_word, head, _tail = edges[token]
            if i < last_index and last_word in left_triggers:
                following = edges[raw[i + 1]][2]
                if following is not None:
                    self._join_prefix(seps, i, last_word, following)
            if i == 0 or first_word is None or head is None:
                continue
            tail = edges[raw[i - 1]][3]
            if tail is None:
                continue
            if head in quick or (tail, head) in pairs:
                before = edges[raw[i - 2]][3] if i >= 2 else None
                self._join(seps, i, first_word, tail, head, before)
        out = [""] * (len(fixed) + len(seps))
        out[0::2] = fixed
        out[1::2] = seps
        return "".join(out)

    def _join_prefix(self, seps: list[str], i: int, prefix: str, head: str) -> None:
        lex = self.lex
        if prefix in self.spaced_prefixes:
            if head in lex.verb_rests:
                seps[i] = ZWNJ
        elif (
            len(head) >= 3
            and (head in lex.words or self._derived_noun(head))
            and head not in lex.verb_rests
            and head not in lex.function_words
            and (prefix, head) not in lex.never_join
        ):
            seps[i] = ZWNJ

    def _join(
        self,
        seps: list[str],
        i: int,
        right: str,
        tail: str,
        head: str,
        before: str | None,
    ) -> None:
        lex = self.lex
        if seps[i - 1] != " " or (tail, head) in lex.never_join:
            return
        whole = right == head
        joined = False
        if len(tail) < 2:
            pass  # a one-letter word («و») joins only inside a listed three-part compound
        elif whole and head in self.plurals:
            joined = True
        elif whole and head in self.comparatives:
            joined = head == "ترین" or tail in lex.adjectives
        elif whole and head in self.heh:
            # «کرده اند» joins, «که ای» does not: a function word takes no clitic.
            joined = (
                (tail.endswith("ه") and (tail not in lex.function_words or tail in lex.participles))
                or (tail.endswith("ی") and head in self.yeh)
                # «پیروزی ای»: the indefinite «ای» after «ی» never stands alone after a noun
                or (
                    head == "ای"
                    and tail.endswith("ی")
                    and len(tail) >= 4
                    and tail not in lex.grammar_words
                    and (tail in lex.words or self._derived_noun(tail))
                )
                # «شان/مان/تان» never stand alone: «شادی شان», «خدمات شان», «برای شان».
                or (
                    head in PLURAL_CLITICS
                    and (tail not in lex.grammar_words or tail in CLITIC_PREPOSITIONS)
                )
            )
        elif head in self.seconds or head in self.names or head in self.bound:
            joined = tail not in lex.grammar_words and (
                head in self.names or tail in lex.words or tail in lex.glued
            )
        if not joined and len(tail) >= 2 and (tail, head) in lex.pairs:
            joined = True
        if not joined and before is not None and seps[i - 2] == " ":
            # Three-part compounds split twice: «گفت و گو» → «گفت‌وگو».
            first_part = before
            if (first_part, tail, head) in lex.pairs:
                seps[i - 2] = "" if first_part[-1] in NON_JOINING else ZWNJ
                joined = True
        if joined:
            # After a letter that does not join, a half-space is invisible: glue instead,
            # as «کشورها» and «گفت‌وگو» are written, unless the glued word reads otherwise
            # («اید های» is not «ایدهای», which is «ایده‌ای»).
            if tail[-1] not in NON_JOINING:
                seps[i - 1] = ZWNJ
            else:
                # The whole glued word, with a part glued on just before («بد تر های»).
                left = tail
                if i >= 2 and seps[i - 2] == "" and before is not None:
                    left = before + tail
                if self.word(left + head) == left + head:
                    seps[i - 1] = ""


_repairer: HalfSpaceRepairer | None = None


def repairer() -> HalfSpaceRepairer:
    """The shared repairer (built on first use)."""
    global _repairer
    if _repairer is None:
        _repairer = HalfSpaceRepairer(lexicon())
    return _repairer


def repair_half_spaces(text: str) -> str:
    """Repair half-spaces in text that is already letter-normalized."""
    return repairer().text(text)
