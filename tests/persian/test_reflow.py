"""reflow(): paragraphs of PDF-pasted text come back whole."""

import pytest

from ravabet.persian import normalize, reflow, sentences

from .paths import SEED


def test_seed_comes_back_as_kicker_title_and_paragraphs() -> None:
    blocks = reflow(SEED.read_text("utf-8")).split("\n\n")
    assert blocks[0] == "همزمان با هفته ارتباطات و روابط عمومی"
    assert blocks[1] == "نخستین نشست روابط عمومیهای استان تهران در سال ۱۴۰۴ برگزار میشود"
    body = blocks[2:]
    # Seven news paragraphs: each starts where the release starts one and ends a sentence.
    assert [p.split()[0] for p in body] == ["مشاور", "به", "مومنی", "وی", "مدیرکل", "مومنی", "وی"]
    assert all(p.endswith(".") for p in body)
    assert all("\n" not in p for p in body)


def test_seed_wraps_are_joined_in_the_middle_of_a_word_group() -> None:
    text = normalize(reflow(SEED.read_text("utf-8")))
    assert "نشست روابط عمومی‌های دستگاه‌های اجرایی" in text
    assert "نقش کلیدی در امیدآفرینی" in text


def test_headings_and_list_items_stay() -> None:
    text = (
        "برنامه‌های هفته\n\n"
        "- نشست روابط عمومی‌ها\n"
        "- بازدید از رسانه‌ها\n\n"
        "این برنامه‌ها در سال ۱۴۰۴ با حضور مدیران کل دستگاه‌های اجرایی استان و نمایندگان\n"
        "رسانه‌ها برگزار می‌شود و گزارش آن منتشر خواهد شد."
    )
    assert reflow(text) == (
        "برنامه‌های هفته\n\n"
        "- نشست روابط عمومی‌ها\n"
        "- بازدید از رسانه‌ها\n\n"
        "این برنامه‌ها در سال ۱۴۰۴ با حضور مدیران کل دستگاه‌های اجرایی استان و نمایندگان "
        "رسانه‌ها برگزار می‌شود و گزارش آن منتشر خواهد شد."
    )


def test_reflow_is_stable() -> None:
    once = reflow(SEED.read_text("utf-8"))
    assert reflow(once) == once


@pytest.mark.parametrize("text", ["", "\n\n\n", "   "])
def test_empty_input(text: str) -> None:
    assert reflow(text) == ""


def test_reflowed_paragraphs_split_into_sentences() -> None:
    body = reflow(SEED.read_text("utf-8")).split("\n\n")[2]
    assert sentences(body) == [body]
