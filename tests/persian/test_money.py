"""Amounts of money as a PR officer types them for the investment catalogue, and back."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ravabet.persian import (
    Money,
    MoneyError,
    group_digits,
    parse_amount,
    short_words,
    to_words,
)

BILLION = 10**9
MILLION = 10**6


@pytest.mark.parametrize(
    ("typed", "rials"),
    [
        # digits with a scale word and a unit
        ("۲۵۰ میلیارد ریال", 250 * BILLION),
        ("٢٥٠ مليارد ريال", 250 * BILLION),  # Arabic-Indic digits and Arabic yeh
        ("250 میلیارد ریال", 250 * BILLION),
        ("۲۵۰میلیارد ریال", 250 * BILLION),  # no space after the digits
        ("۲۵۰\u200cمیلیارد\u200cریال", 250 * BILLION),  # half-spaces
        ("  ۲۵۰    میلیارد\u00a0ریال  ", 250 * BILLION),  # extra and no-break spaces
        ("۲۵۰ میلیارد ریال.", 250 * BILLION),  # the end of a sentence
        ("۲۵ میلیارد تومان", 250 * BILLION),
        ("۲۵ میلیارد تومن", 250 * BILLION),
        ("۵۰۰ هزار تومان", 5 * MILLION),
        ("هزار تومان", 10_000),
        ("۱۲ میلیون ریال", 12 * MILLION),
        # grouped digits
        ("2,500,000,000", 2_500_000_000),
        ("۲٬۵۰۰٬۰۰۰٬۰۰۰ ریال", 2_500_000_000),
        ("۲،۵۰۰،۰۰۰ تومان", 25_000_000),
        ("۲ ۵۰۰ ۰۰۰ تومان", 25_000_000),
        ("2500000000 ریال", 2_500_000_000),
        ("+۱۰۰۰ ریال", 1000),
        # decimals
        ("۱٫۵ میلیارد تومان", 15 * BILLION),
        ("1.5 میلیارد تومان", 15 * BILLION),
        ("۲٫۷۵ میلیون ریال", 2_750_000),
        ("۱٫۵ تومان", 15),
        ("۱٫۲۳۴۵۶۷۸۹۱ میلیارد تومان", 12_345_678_910),
        # several parts
        ("۳ میلیارد و ۵۰۰ میلیون تومان", 35 * BILLION),
        ("۳ میلیارد ۵۰۰ میلیون تومان", 35 * BILLION),
        ("سه میلیاردو پانصد میلیون تومان", 35 * BILLION),
        ("۱ میلیارد و ۲۰۰ میلیون و ۵۰ هزار ریال", 1_200_050_000),
        # words
        ("دویست و پنجاه میلیارد ریال", 250 * BILLION),
        ("یک میلیون و پانصد هزار ریال", 1_500_000),
        ("یک و نیم میلیارد تومان", 15 * BILLION),
        ("نیم میلیارد تومان", 5 * BILLION),
        ("۲ و نیم میلیون تومان", 25 * MILLION),
        ("یکصد و بیست میلیون ریال", 120 * MILLION),
        ("یک صد میلیون ریال", 100 * MILLION),
        ("سیصد و یازده هزار ریال", 311_000),
        ("نهصد و نود و نه ریال", 999),
        ("بیست هزار و پانصد میلیارد ریال", 20_500 * BILLION),
        ("دویست و پنجاه هزار میلیارد ریال", 250_000 * BILLION),
        ("هزار میلیارد تومان", 10**13),
        ("یک تریلیون ریال", 10**12),
        # همت: هزار میلیارد تومان
        ("۲ همت", 2 * 10**13),
        ("۱٫۵ همت", 15 * 10**12),
        ("صفر", 0),
        ("۰ ریال", 0),
    ],
)
def test_amounts_people_type(typed: str, rials: int) -> None:
    assert parse_amount(typed) == rials


def test_default_unit_toman_applies_without_a_unit_word() -> None:
    assert parse_amount("۲۵ میلیارد", default_unit="toman") == 250 * BILLION
    assert parse_amount("۲۵ میلیارد ریال", default_unit="toman") == 25 * BILLION
    assert parse_amount("۲۵ میلیارد") == 25 * BILLION


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "مبلغ را بنویسید."),
        ("   \u200c ", "مبلغ را بنویسید."),
        ("-۵۰۰ میلیون ریال", "مبلغ نمی‌تواند منفی باشد."),
        ("منفی ۵۰۰ میلیون", "مبلغ نمی‌تواند منفی باشد."),
        (
            "خیلی زیاد",
            "«خیلی زیاد» مبلغ نیست؛ مبلغ را با رقم یا به حروف بنویسید، مانند «۲۵۰ میلیارد ریال».",
        ),
        ("تومان", "«تومان» مبلغ نیست؛ عدد مبلغ را هم بنویسید، مانند «۲۵۰ میلیارد ریال»."),
        (
            "2,50,000",
            "جداکننده‌های «۲,۵۰,۰۰۰» روشن نیست؛ "
            "رقم‌ها را از راست سه‌تا‌سه‌تا جدا کنید، مانند «۲٬۵۰۰٬۰۰۰».",
        ),
        (
            "۲,۵ میلیارد",  # a decimal comma, or 2,500 with a digit missing?
            "جداکننده‌های «۲,۵» روشن نیست؛ رقم‌ها را از راست سه‌تا‌سه‌تا جدا کنید، مانند «۲٬۵۰۰٬۰۰۰».",
        ),
        (
            "2.500.000 تومان",
            "در «۲.۵۰۰.۰۰۰» بیش از یک ممیز هست؛ "
            "جداکنندهٔ هزارگان را «٬» یا «,» و ممیز را «٫» بنویسید.",
        ),
        (
            "۱٫۵ ریال",
            "این مبلغ به کسری از ریال می‌رسد؛ "
            "رقم‌های بعد از ممیز را کمتر کنید یا واحد را درست بنویسید.",
        ),
        (
            "۱٫۲۳ تومان",
            "این مبلغ به کسری از ریال می‌رسد؛ "
            "رقم‌های بعد از ممیز را کمتر کنید یا واحد را درست بنویسید.",
        ),
        (
            "۲ میلیارد میلیارد ریال",
            "مبلغ بیش از اندازه بزرگ است؛ بیشترین مبلغ پذیرفتنی یک میلیارد میلیارد ریال است.",
        ),
        (
            "۱۰۰٬۰۰۱ همت",
            "مبلغ بیش از اندازه بزرگ است؛ بیشترین مبلغ پذیرفتنی یک میلیارد میلیارد ریال است.",
        ),
        ("۱۰۰ دلار", "واحد «دلار» شناخته نیست؛ مبلغ را به ریال یا تومان بنویسید."),
        ("۵ میلیون یورو", "واحد «یورو» شناخته نیست؛ مبلغ را به ریال یا تومان بنویسید."),
        ("تومان ۵۰۰", "واحد پول («ریال» یا «تومان») باید در پایان مبلغ بیاید."),
        ("۵۰۰ حدودا میلیون", "«حدودا» در مبلغ «۵۰۰ حدودا میلیون» شناخته نیست."),
        ("۵۰۰ میلیون؟", "نویسهٔ «؟» در مبلغ «۵۰۰ میلیون؟» جایی ندارد."),
        ("۱" * 201, "متن مبلغ بلندتر از ۲۰۰ نویسه است."),
    ],
)
def test_refused_with_a_persian_message(typed: str, message: str) -> None:
    with pytest.raises(MoneyError) as refused:
        parse_amount(typed)
    assert refused.value.message == message
    assert str(refused.value) == message
    assert isinstance(refused.value, ValueError)


@pytest.mark.parametrize(
    "typed",
    [
        "۲ و ۵۰۰",  # two numbers joined without a scale
        "پنج بیست",  # places out of order
        "بیست و یازده",
        "یازده و پنج",
        "صد صد",
        "دویست و",  # «و» at the end
        "و دویست",  # «و» at the start
        "دویست و میلیارد",
        "میلیارد هزار",  # a smaller scale straight after a larger one
        "میلیون میلیون",
        "۳ میلیارد و ۲ میلیارد",  # the same scale twice
        "۱٫۵ و نیم میلیارد",
        "صفر میلیارد",
    ],
)
def test_malformed_numbers_are_refused(typed: str) -> None:
    with pytest.raises(MoneyError, match="عدد درستی نیست"):
        parse_amount(typed)


def test_the_largest_amount_is_accepted_and_one_rial_more_is_not() -> None:
    assert parse_amount("1,000,000,000,000,000,000") == 10**18
    with pytest.raises(MoneyError):
        parse_amount("1,000,000,000,000,000,001")


def test_not_a_string_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="expects str"):
        parse_amount(250)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="default_unit"):
        parse_amount("۲۵", default_unit="dollar")


def test_hostile_input_is_bounded() -> None:
    """Input past the bound is refused before it is read (a megabyte costs nothing); every
    hostile form within it ends in an amount or a Persian refusal, never another error.
    (No clock here: the parser reads each character once, bench/ measures speed.)"""
    with pytest.raises(MoneyError, match="بلندتر از"):
        parse_amount("۱" * 1_000_000)
    hostile = [
        "۱" * 200,
        "میلیارد " * 24,
        "و " * 100,
        "1," * 66 + "1",
        "دویست و پنجاه " * 14,
        "۱٫" * 100,
    ]
    for text in hostile:
        try:
            assert isinstance(parse_amount(text), int)
        except MoneyError as exc:
            assert exc.message


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "صفر"),
        (7, "هفت"),
        (15, "پانزده"),
        (100, "صد"),
        (105, "صد و پنج"),
        (999, "نهصد و نود و نه"),
        (1000, "هزار"),
        (1500, "هزار و پانصد"),
        (21_000, "بیست و یک هزار"),
        (1_500_000, "یک میلیون و پانصد هزار"),
        (1_001_000, "یک میلیون و هزار"),
        (250_000_000_000, "دویست و پنجاه میلیارد"),
        (3_500_000_000, "سه میلیارد و پانصد میلیون"),
        (10**12, "هزار میلیارد"),
        (250_000 * BILLION, "دویست و پنجاه هزار میلیارد"),
        (
            123_456_789,
            "صد و بیست و سه میلیون و چهارصد و پنجاه و شش هزار و هفتصد و هشتاد و نه",
        ),
        (-5, "منفی پنج"),
    ],
)
def test_to_words(n: int, words: str) -> None:
    assert to_words(n) == words


@pytest.mark.parametrize(
    ("n", "short"),
    [
        (0, "۰"),
        (999, "۹۹۹"),
        (1000, "۱ هزار"),
        (1_500, "۱٫۵ هزار"),
        (999_960, "۱ میلیون"),  # rounds up to the next scale, never «۱۰۰۰ هزار»
        (12_345_678, "۱۲٫۳ میلیون"),
        (12_350_000, "۱۲٫۴ میلیون"),  # half up
        (1_500_000_000, "۱٫۵ میلیارد"),
        (1_040_000_000, "۱ میلیارد"),  # one decimal at most, dropped when zero
        (250_000_000_000, "۲۵۰ میلیارد"),
        (2_500_000_000_000, "۲٫۵ هزار میلیارد"),
        (3 * 10**15, "۳ میلیون میلیارد"),
        (10**18, "۱ میلیارد میلیارد"),
    ],
)
def test_short_words(n: int, short: str) -> None:
    assert short_words(n) == short


def test_money_shows_rials_and_tomans() -> None:
    money = Money(250_000_000_000)
    assert money.tomans == 25_000_000_000
    assert money.rials_text == "۲۵۰٬۰۰۰٬۰۰۰٬۰۰۰ ریال"
    assert money.tomans_text == "۲۵٬۰۰۰٬۰۰۰٬۰۰۰ تومان"
    assert money.tomans_short == "۲۵ میلیارد تومان"
    assert money.tomans_words == "بیست و پنج میلیارد تومان"
    assert Money.parse("۲۵ میلیارد تومان") == money
    assert group_digits(2_500_000) == "۲٬۵۰۰٬۰۰۰"


def test_money_refuses_what_parse_would_refuse() -> None:
    with pytest.raises(ValueError, match="rials"):
        Money(-1)
    with pytest.raises(ValueError, match="rials"):
        Money(10**18 + 1)
    with pytest.raises(MoneyError):
        Money.parse("خیلی زیاد")


# Amounts spread over every size, with the round ones people actually use.
AMOUNTS = st.one_of(
    st.integers(min_value=0, max_value=10**18 - 1),
    st.integers(min_value=0, max_value=10**6),
    st.builds(
        lambda digits, power: digits * 10**power,
        st.integers(min_value=1, max_value=999),
        st.integers(min_value=0, max_value=15),
    ),
)


@given(AMOUNTS)
@example(10**18)
@example(1_001_000)
def test_words_read_back_to_the_same_amount(n: int) -> None:
    assert parse_amount(to_words(n) + " ریال") == n


@given(AMOUNTS)
@example(10**18)
def test_grouped_digits_read_back_to_the_same_amount(n: int) -> None:
    assert parse_amount(group_digits(n) + " ریال") == n
    assert parse_amount(f"{n:,}") == n


@given(st.integers(min_value=1000, max_value=10**18))
def test_short_words_are_within_five_percent(n: int) -> None:
    # The rounded form read back is close to the amount (one decimal of at most 999.9).
    assert abs(parse_amount(short_words(n)) - n) <= n * 0.05
