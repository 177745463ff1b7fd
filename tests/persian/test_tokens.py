"""tokenize(), sentences(), stopwords and the lemmatizer."""

import pytest

from ravabet.persian import lemmatize, sentences, stopwords, tokenize, word_counts

Z = "\u200c"


def test_tokenize_keeps_half_space_words_numbers_urls() -> None:
    text = f"سلام، «روابط{Z}عمومی{Z}ها» 12.5 و ۱۴۰۴/۰۲/۳۰ https://a.ir/x و a@b.com!"
    assert tokenize(text) == [
        "سلام",
        f"روابط{Z}عمومی{Z}ها",
        "12.5",
        "و",
        "۱۴۰۴/۰۲/۳۰",
        "https://a.ir/x",
        "و",
        "a@b.com",
    ]
    assert tokenize(text, punctuation=True)[:4] == ["سلام", "،", "«", f"روابط{Z}عمومی{Z}ها"]


def test_sentences_do_not_split_numbers_or_abbreviations() -> None:
    text = "نرخ 12.5 درصد شد. آیا ج.ا.ا موافق است؟ بله!\nخط بعد"
    assert sentences(text) == ["نرخ 12.5 درصد شد.", "آیا ج.ا.ا موافق است؟", "بله!", "خط بعد"]


def test_stopwords_are_curated_persian() -> None:
    assert {"و", "در", "به", "از", "که", "گفت"} <= stopwords
    assert "روابط" not in stopwords
    assert all("ي" not in w and "ك" not in w for w in stopwords)


@pytest.mark.parametrize(
    ("word", "lemma"),
    [
        (f"سیاست{Z}های", "سیاست"),
        (f"دستگاه{Z}ها", "دستگاه"),
        (f"می{Z}شوند", "شدن"),
        (f"نمی{Z}شود", "شدن"),
        (f"کرده{Z}اند", "کردن"),
        ("گفت", "گفتن"),
        (f"می{Z}گوید", "گفتن"),
        (f"بزرگ{Z}ترین", "بزرگ"),
        (f"رسانه{Z}ای", "رسانه"),
        ("تهران", "تهران"),
    ],
)
def test_lemmatize(word: str, lemma: str) -> None:
    assert lemmatize(word) == lemma


def test_word_counts_put_plural_and_verb_forms_together() -> None:
    counts = word_counts("سیاست های دولت و سیاستهای استان؛ مینویسد و نوشت و نمی نویسند")
    assert counts["سیاست"] == 2
    assert counts["نوشتن"] == 3
    assert "و" not in counts
