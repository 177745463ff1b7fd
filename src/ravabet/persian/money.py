"""Amounts of money as people write them in Persian, and back: «۲۵۰ میلیارد ریال» ↔ 250_000_000_000.

`parse_amount` reads what a person typed («۱٫۵ میلیارد تومان», «2,500,000,000», «دویست و
پنجاه میلیارد ریال») into an integer number of RIALS, or raises `MoneyError` with a Persian
message. `to_words` spells an integer in Persian words, `short_words` gives a rounded
readable form with Persian digits («۱۲٫۳ میلیون»), and `Money` holds an amount in rials
with its display strings in rials and tomans. docs/persian.md («مبالغ») gives the rules.

Parsing is one regular-expression scan and one pass over the tokens, on at most
`MAX_INPUT_LENGTH` characters: its time is linear in the input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Final

from ravabet.persian.normalizer import to_latin_digits, to_persian_digits

MAX_INPUT_LENGTH: Final = 200
MAX_RIALS: Final = 10**18
"""The largest amount accepted (a billion billion rials, far above any national budget)."""

_PERSIAN_THOUSANDS: Final = "٬"  # U+066C ARABIC THOUSANDS SEPARATOR
_PERSIAN_DECIMAL: Final = "٫"  # U+066B ARABIC DECIMAL SEPARATOR


class MoneyError(ValueError):
    """An amount that cannot be read; `.message` is Persian and can be shown as it is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# ---------------------------------------------------------------------------------------
# Words

_UNITS: Final = ("", "یک", "دو", "سه", "چهار", "پنج", "شش", "هفت", "هشت", "نه")
_TEENS: Final = (
    "ده",
    "یازده",
    "دوازده",
    "سیزده",
    "چهارده",
    "پانزده",
    "شانزده",
    "هفده",
    "هجده",
    "نوزده",
)
_TENS: Final = ("", "", "بیست", "سی", "چهل", "پنجاه", "شصت", "هفتاد", "هشتاد", "نود")
_HUNDREDS: Final = (
    "",
    "صد",
    "دویست",
    "سیصد",
    "چهارصد",
    "پانصد",
    "ششصد",
    "هفتصد",
    "هشتصد",
    "نهصد",
)

# A word below a thousand: its value and the places it fills (hundreds 3, tens 2, units 1).
# Words of one group must come in falling order of places: «دویست و پنجاه و سه».
_SMALL: Final[dict[str, tuple[int, int, int]]] = {}
for _i, _w in enumerate(_UNITS[1:], start=1):
    _SMALL[_w] = (_i, 1, 1)
for _i, _w in enumerate(_TEENS, start=10):
    _SMALL[_w] = (_i, 2, 1)
for _i, _w in enumerate(_TENS[2:], start=2):
    _SMALL[_w] = (_i * 10, 2, 2)
for _i, _w in enumerate(_HUNDREDS[1:], start=1):
    _SMALL[_w] = (_i * 100, 3, 3)
_SMALL.update(
    {
        "یکصد": (100, 3, 3),
        "هیجده": (18, 2, 1),
        "شیش": (6, 1, 1),
        "پونزده": (15, 2, 1),
        "شونزده": (16, 2, 1),
    }
)

_SCALES: Final[dict[str, int]] = {
    "هزار": 10**3,
    "میلیون": 10**6,
    "ملیون": 10**6,
    "میلیارد": 10**9,
    "ملیارد": 10**9,
    "تریلیون": 10**12,
}

# Units and how many rials one of them is. «همت» (هزار میلیارد تومان) is a scale and a
# unit at once: 10^12 tomans = 10^13 rials.
_UNIT_RIALS: Final[dict[str, int]] = {
    "ریال": 1,
    "rial": 1,
    "rials": 1,
    "irr": 1,
    "تومان": 10,
    "تومن": 10,
    "toman": 10,
    "tomans": 10,
    "irt": 10,
    "همت": 10**13,
}
_DEFAULT_UNITS: Final[dict[str, int]] = {"rial": 1, "ریال": 1, "toman": 10, "تومان": 10}

_HALF: Final = "نیم"
_ZERO: Final = "صفر"
_AND: Final = "و"
_NEGATIVE: Final = frozenset({"منفی"})

# ---------------------------------------------------------------------------------------
# Reading

# Half-spaces, no-break and thin spaces become spaces; marks that change nothing go.
_SPACES: Final = re.compile("[\u200c\u00a0\u2007\u202f\u2009\u200a\u3000\t\n\r]")
_INVISIBLE: Final = re.compile("[\u200b\u200d\u200e\u200f\u2066-\u2069\u202a-\u202e\ufeff\u0640]")
_MARKS: Final = re.compile("[\u064b-\u065f\u0670]")
_TOKEN: Final = re.compile(
    r"(?P<num>\d+(?:[,٬، ]\d+)*(?:[.٫]\d+)*)"  # digits, separators, decimals
    r"|(?P<word>[^\W\d_]+)"  # a word of letters (Persian or Latin)
    r"|(?P<space>\s+)"
    r"|(?P<other>.)",
    re.DOTALL,
)
_GROUP_SEPARATORS: Final = re.compile("[,٬، ]")
_DECIMAL_POINTS: Final = re.compile("[.٫]")


def _shown(text: str) -> str:
    return to_persian_digits(text)


def _clean(text: str) -> str:
    text = _SPACES.sub(" ", text)
    text = _INVISIBLE.sub("", text)
    text = _MARKS.sub("", text)
    text = text.replace("ي", "ی").replace("ى", "ی").replace("ك", "ک")
    return " ".join(to_latin_digits(text).split())


def _number(piece: str) -> Fraction:
    """The value of a run of digits with group separators and a decimal part."""
    whole, *decimals = _DECIMAL_POINTS.split(piece)
    if len(decimals) > 1:
        raise MoneyError(
            f"در «{_shown(piece)}» بیش از یک ممیز هست؛ "
            "جداکنندهٔ هزارگان را «٬» یا «,» و ممیز را «٫» بنویسید."
        )
    groups = _GROUP_SEPARATORS.split(whole)
    if len(groups) > 1 and (
        not 1 <= len(groups[0]) <= 3 or any(len(group) != 3 for group in groups[1:])
    ):
        raise MoneyError(
            f"جداکننده‌های «{_shown(piece)}» روشن نیست؛ "
            "رقم‌ها را از راست سه‌تا‌سه‌تا جدا کنید، مانند «۲٬۵۰۰٬۰۰۰»."
        )
    value = Fraction(int("".join(groups)))
    if decimals:
        value += Fraction(int(decimals[0]), 10 ** len(decimals[0]))
    return value


def _tokens(text: str) -> list[str]:
    """Numbers and words, in order; a glued «و» after a scale word is split off."""
    tokens: list[str] = []
    for match in _TOKEN.finditer(text):
        kind, piece = match.lastgroup, match.group()
        if kind == "space":
            continue
        if kind == "other":
            if piece in "-−–" and not tokens:
                raise MoneyError("مبلغ نمی‌تواند منفی باشد.")
            if piece == "+" and not tokens:
                continue
            raise MoneyError(f"نویسهٔ «{piece}» در مبلغ «{_shown(text)}» جایی ندارد.")
        if kind == "word":
            piece = piece.lower()
            if piece.endswith(_AND) and piece[:-1] in _SCALES:  # «میلیاردو پانصد»
                tokens += [piece[:-1], _AND]
                continue
        tokens.append(piece)
    return tokens


class _Reader:
    """One pass over the tokens, keeping the parts already read (see `parse_amount`)."""

    def __init__(self, text: str) -> None:
        self.text = text
        # Finished parts as (value, scale), scales strictly falling: «۳ میلیارد و ۵۰۰ میلیون».
        self.parts: list[tuple[Fraction, int]] = []
        self.group = Fraction(0)  # the number being read since the last scale word
        self.group_kind = ""  # "", "digits", "words", "half"
        self.free_place = 4  # a next word of this group must fill a lower place
        self.last = ""  # "", "and", "number", "scale"
        self.last_scale = 0
        self.seen_number = False

    def bad_order(self) -> MoneyError:
        return MoneyError(
            f"«{_shown(self.text)}» عدد درستی نیست؛ "
            "مانند «۳ میلیارد و ۵۰۰ میلیون تومان» یا «دویست و پنجاه میلیارد ریال» بنویسید."
        )

    def digits(self, piece: str) -> None:
        if self.group_kind:
            raise self.bad_order()
        self.group = _number(piece)
        self.group_kind = "digits"
        self.free_place = 0
        self.last = "number"
        self.seen_number = True

    def word(self, piece: str) -> None:
        value, high, low = _SMALL[piece]
        if self.group_kind in ("digits", "half"):
            raise self.bad_order()
        if (
            piece == "صد"
            and self.group_kind == "words"
            and self.group < 10
            and self.free_place == 1
        ):
            # «یک صد», «دو صد»: a unit word then «صد» is a number of hundreds.
            self.group *= 100
            self.free_place = 3
            return
        if high >= self.free_place:
            raise self.bad_order()
        # «بیست پنج» without «و» is how people type in a hurry; it is accepted.
        self.group += value
        self.group_kind = "words"
        self.free_place = low
        self.last = "number"
        self.seen_number = True

    def half(self) -> None:
        if self.group_kind == "half" or self.group.denominator != 1:
            raise self.bad_order()
        if self.group_kind and self.last != "and":
            raise self.bad_order()
        self.group += Fraction(1, 2)
        self.group_kind = "half"
        self.free_place = 0
        self.last = "number"
        self.seen_number = True

    def scale(self, scale: int) -> None:
        if self.last == "and" and self.group_kind:
            raise self.bad_order()  # «دویست و میلیارد»
        follows_scale = not self.group_kind and self.last == "scale"
        # «میلیارد میلیارد» (10^18) is said; no other scale nests in itself.
        nested = follows_scale and self.last_scale == scale == 10**9
        if follows_scale and self.last_scale >= scale and not nested:
            raise self.bad_order()  # «میلیارد هزار», «میلیون میلیون»
        multiplier = self.group
        # «هزار میلیارد», «بیست هزار و ۵۰۰ میلیارد»: the smaller parts before are counted.
        while self.parts and (self.parts[-1][1] < scale or (nested and self.parts[-1][1] == scale)):
            multiplier += self.parts.pop()[0]
        if self.parts and self.parts[-1][1] == scale:
            raise self.bad_order()  # «۳ میلیارد و ۲ میلیارد»
        scale_reached = scale * scale if nested else scale
        if multiplier == 0:
            if self.group_kind:
                raise self.bad_order()  # «۰ میلیارد»
            multiplier = Fraction(1)  # «هزار تومان», «میلیون»
        self.parts.append((multiplier * scale, scale_reached))
        self.group = Fraction(0)
        self.group_kind = ""
        self.free_place = 4
        self.last = "scale"
        self.last_scale = scale_reached
        self.seen_number = True

    def conjunction(self) -> None:
        if self.last not in ("number", "scale"):
            raise self.bad_order()
        # «دویست و پنجاه» and «۳ و نیم» go on with the group; what may follow is checked
        # by the next piece («۲ و ۵۰۰» is refused by `digits`).
        self.last = "and"

    def total(self) -> Fraction:
        if self.last == "and":
            raise self.bad_order()
        return sum((value for value, _ in self.parts), Fraction(0)) + self.group


def parse_amount(text: str, *, default_unit: str = "rial") -> int:
    """The amount written in `text`, in rials.

    Digits may be Persian, Arabic-Indic or Latin, grouped by «,» «٬» «،» or a space in
    groups of three, with one decimal point «.» or «٫». Words: the numbers یک to نهصد,
    «نیم», the scales هزار میلیون میلیارد تریلیون (nested: «هزار میلیارد»), joined by «و».
    The unit at the end is ریال, تومان (×10) or همت (10^12 tomans = 10^13 rials); without
    one, `default_unit` ("rial" or "toman") applies. Raises `MoneyError` with a Persian
    message for anything else, and `TypeError` if `text` is not a `str`.
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_amount() expects str, got {type(text).__name__}")
    if default_unit not in _DEFAULT_UNITS:
        raise ValueError(f"default_unit must be 'rial' or 'toman', not {default_unit!r}")
    if len(text) > MAX_INPUT_LENGTH:
        raise MoneyError(f"متن مبلغ بلندتر از {_shown(str(MAX_INPUT_LENGTH))} نویسه است.")
    cleaned = _clean(text).rstrip(".،؛ ")  # «۲۵۰ میلیارد ریال.» at the end of a sentence
    if not cleaned:
        raise MoneyError("مبلغ را بنویسید.")
    tokens = _tokens(cleaned)
    if tokens and tokens[0] in _NEGATIVE:
        raise MoneyError("مبلغ نمی‌تواند منفی باشد.")

    unit_rials = _DEFAULT_UNITS[default_unit]
    if tokens and tokens[-1] in _UNIT_RIALS:
        unit_rials = _UNIT_RIALS[tokens.pop()]
    reader = _Reader(cleaned)
    for index, piece in enumerate(tokens):
        if piece[0].isdigit():
            reader.digits(piece)
        elif piece in _SMALL:
            reader.word(piece)
        elif piece in _SCALES:
            reader.scale(_SCALES[piece])
        elif piece == _AND:
            reader.conjunction()
        elif piece == _HALF:
            reader.half()
        elif piece == _ZERO:
            if len(tokens) != 1:
                raise reader.bad_order()  # «صفر» stands alone: «صفر ریال»
            reader.seen_number = True
        elif piece in _UNIT_RIALS:
            raise MoneyError("واحد پول («ریال» یا «تومان») باید در پایان مبلغ بیاید.")
        elif index == len(tokens) - 1 and reader.seen_number:
            raise MoneyError(f"واحد «{piece}» شناخته نیست؛ مبلغ را به ریال یا تومان بنویسید.")
        elif reader.seen_number:
            raise MoneyError(f"«{piece}» در مبلغ «{_shown(cleaned)}» شناخته نیست.")
        else:
            raise MoneyError(
                f"«{_shown(cleaned)}» مبلغ نیست؛ مبلغ را با رقم یا به حروف بنویسید، "
                "مانند «۲۵۰ میلیارد ریال»."
            )
    if not reader.seen_number:
        raise MoneyError(
            f"«{_shown(cleaned)}» مبلغ نیست؛ عدد مبلغ را هم بنویسید، مانند «۲۵۰ میلیارد ریال»."
        )
    rials = reader.total() * unit_rials
    if rials > MAX_RIALS:
        raise MoneyError(
            "مبلغ بیش از اندازه بزرگ است؛ بیشترین مبلغ پذیرفتنی یک میلیارد میلیارد ریال است."
        )
    if rials.denominator != 1:
        raise MoneyError(
            "این مبلغ به کسری از ریال می‌رسد؛ "
            "رقم‌های بعد از ممیز را کمتر کنید یا واحد را درست بنویسید."
        )
    return int(rials)


# ---------------------------------------------------------------------------------------
# Writing


def _check_amount(n: object, name: str) -> int:
    if not isinstance(n, int) or isinstance(n, bool):
        raise TypeError(f"{name}() expects int, got {type(n).__name__}")
    return n


def _below_thousand(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    words = [_HUNDREDS[hundreds]] if hundreds else []
    if 10 <= rest < 20:
        words.append(_TEENS[rest - 10])
    else:
        tens, units = divmod(rest, 10)
        words += [w for w in (_TENS[tens], _UNITS[units]) if w]
    return " و ".join(words)


def _words(n: int) -> str:
    if n < 1000:
        return _below_thousand(n)
    parts = []
    for scale, name in ((10**9, "میلیارد"), (10**6, "میلیون"), (10**3, "هزار")):
        if n >= scale:
            count, n = divmod(n, scale)
            # «هزار», «هزار میلیارد»; but «یک میلیون», «یک میلیارد».
            parts.append(name if count == 1 and scale == 1000 else f"{_words(count)} {name}")
    if n:
        parts.append(_below_thousand(n))
    return " و ".join(parts)


def to_words(n: int) -> str:
    """`n` in Persian words: 250_000_000_000 → «دویست و پنجاه میلیارد», 0 → «صفر».

    Above a thousand billion the count of billions is itself spelled out («هزار میلیارد»,
    «دویست و پنجاه هزار میلیارد»), which is how Persian news writes large sums. A negative
    number starts with «منفی».
    """
    n = _check_amount(n, "to_words")
    if n == 0:
        return _ZERO
    if n < 0:
        return "منفی " + _words(-n)
    return _words(n)


_SHORT_SCALES: Final = (
    (10**3, "هزار"),
    (10**6, "میلیون"),
    (10**9, "میلیارد"),
    (10**12, "هزار میلیارد"),
    (10**15, "میلیون میلیارد"),
    (10**18, "میلیارد میلیارد"),
)


def group_digits(n: int) -> str:
    """`n` with Persian digits and «٬» between groups of three: 2500000 → «۲٬۵۰۰٬۰۰۰»."""
    n = _check_amount(n, "group_digits")
    return to_persian_digits(f"{n:,}".replace(",", _PERSIAN_THOUSANDS))


def short_words(n: int) -> str:
    """A rounded, readable form with Persian digits: 1_500_000_000 → «۱٫۵ میلیارد».

    At most one decimal, dropped when it is zero (rounded half up: 12_345_678 →
    «۱۲٫۳ میلیون»); below a thousand, the number itself («۹۹۹»). The form is for reading:
    it is approximate, so show the exact amount (`Money.rials_text`) beside it where it
    matters.
    """
    n = _check_amount(n, "short_words")
    if n < 0:
        return "منفی " + short_words(-n)
    if n < 1000:
        return to_persian_digits(str(n))
    # The smallest scale at which the rounded number stays below a thousand
    # (999_960 is «۱ میلیون», not «۱۰۰۰ هزار»); the largest one otherwise.
    for scale, name in _SHORT_SCALES:  # noqa: B007 (both are used after the loop)
        tenths = (n * 20 + scale) // (scale * 2)  # n / scale in tenths, rounded half up
        if tenths < 10_000:
            break
    whole, tenth = divmod(tenths, 10)
    number = group_digits(whole) + (
        _PERSIAN_DECIMAL + to_persian_digits(str(tenth)) if tenth else ""
    )
    return f"{number} {name}"


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in rials, with the strings the catalogue shows.

    >>> m = Money(250_000_000_000)
    >>> m.rials_text, m.tomans_text, m.tomans_short
    ('۲۵۰٬۰۰۰٬۰۰۰٬۰۰۰ ریال', '۲۵٬۰۰۰٬۰۰۰٬۰۰۰ تومان', '۲۵ میلیارد تومان')

    `tomans` is `rials // 10`: a rial amount not divisible by ten loses its last rial in
    the toman strings (the rial strings stay exact).
    """

    rials: int

    def __post_init__(self) -> None:
        _check_amount(self.rials, "Money")
        if not 0 <= self.rials <= MAX_RIALS:
            raise ValueError(f"Money needs 0 <= rials <= 10**18, got {self.rials}")

    @classmethod
    def parse(cls, text: str, *, default_unit: str = "rial") -> Money:
        """`Money(parse_amount(text, default_unit=...))`; raises `MoneyError`."""
        return cls(parse_amount(text, default_unit=default_unit))

    @property
    def tomans(self) -> int:
        return self.rials // 10

    @property
    def rials_text(self) -> str:
        """«۲۵۰٬۰۰۰٬۰۰۰٬۰۰۰ ریال»"""
        return f"{group_digits(self.rials)} ریال"

    @property
    def tomans_text(self) -> str:
        """«۲۵٬۰۰۰٬۰۰۰٬۰۰۰ تومان»"""
        return f"{group_digits(self.tomans)} تومان"

    @property
    def tomans_short(self) -> str:
        """«۲۵ میلیارد تومان» (rounded, see `short_words`)"""
        return f"{short_words(self.tomans)} تومان"

    @property
    def tomans_words(self) -> str:
        """«بیست و پنج میلیارد تومان» (exact)"""
        return f"{to_words(self.tomans)} تومان"
