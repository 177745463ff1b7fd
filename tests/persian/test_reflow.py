"""reflow(): paragraphs of PDF-pasted text come back whole."""

import pytest

from ravabet.persian import normalize, reflow, sentences

from .paths import SEED


def test_seed_comes_back_as_kicker_title_and_paragraphs() -> None:
    blocks = reflow(SEED.read_text("utf-8")).split("\n\n")
    assert blocks[0] == "همزمان با هفته ارتباطات و روابط عمومی"
    assert blocks[1] == "نخستین نشست روابط عمومیهای استان تهران در سال ۱۴۰۴ برگزار میشود"
    body = blocks[2:]
    # The lead and five paragraphs, each a whole run of sentences. «... برگزار خواهد شد.»
    # ends a sentence at the full width of the page, so its paragraph goes on («مومنی هدف»).
    assert [p.split()[0] for p in body] == ["مشاور", "به", "وی", "مدیرکل", "مومنی", "وی"]
    assert "برگزار خواهد شد. مومنی هدف از برگزاری این نشست" in body[1]
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


WRAPPED = (
    "استاندار تهران در نشست شورای اداری استان از آغاز طرح ملی پاسخ‌گویی به مردم خبر داد.\n"
    "وی گفت: این طرح از اول خرداد ماه در همه دستگاه‌های اجرایی استان به اجرا در می‌آید و\n"
    "مردم می‌توانند پرسش‌های خود را در سامانه ثبت کنند.\n"
    "مدیرکل روابط عمومی استانداری نیز در این نشست از برگزاری دوره‌های آموزشی برای\n"
    "کارشناسان روابط عمومی دستگاه‌ها خبر داد."
)


def test_sentence_ending_at_full_width_continues_its_paragraph() -> None:
    paragraphs = reflow(WRAPPED).split("\n\n")
    # The first line ends a sentence at the full width: a wrap. The third stops short.
    assert [p.split()[0] for p in paragraphs] == ["استاندار", "مدیرکل"]
    assert "خبر داد. وی گفت:" in paragraphs[0]
    assert paragraphs[0].endswith("ثبت کنند.")


def test_one_line_per_paragraph_is_kept() -> None:
    # No line stops mid-sentence: the text is not hard-wrapped, however long its lines.
    text = "\n".join(
        [
            "استاندار تهران از آغاز طرح ملی پاسخ‌گویی در همه دستگاه‌های اجرایی استان خبر داد.",
            "این طرح از اول خرداد ماه در همه شهرستان‌های استان تهران به اجرا در می‌آید.",
            "مدیرکل روابط عمومی نیز از برگزاری دوره‌های آموزشی برای کارشناسان خبر داد.",
        ]
    )
    assert reflow(text).split("\n\n") == text.split("\n")


def test_reflow_is_stable() -> None:
    once = reflow(SEED.read_text("utf-8"))
    assert reflow(once) == once


@pytest.mark.parametrize("text", ["", "\n\n\n", "   "])
def test_empty_input(text: str) -> None:
    assert reflow(text) == ""


def test_reflowed_paragraphs_split_into_sentences() -> None:
    body = reflow(SEED.read_text("utf-8")).split("\n\n")[2]
    assert sentences(body) == [body]
