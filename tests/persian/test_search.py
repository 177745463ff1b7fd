"""search_key(): spelling variants of a text share one key."""

import pytest

from ravabet.persian import SEARCH_KEY_VERSION, search_key

Z = "\u200c"


@pytest.mark.parametrize(
    "variants",
    [
        ["روابط عمومی ها", f"روابط{Z}عمومی{Z}ها", "روابط عمومیها", "روابط عمومي ها"],
        ["۱۴۰۴", "1404", "١٤٠٤"],
        ["سیاست‌های دولت", "سیاست های دولت", "سیاستهای دولت", "سِیاسَت هایِ دولت"],
        ["می‌شود", "میشود", "مي شود"],
        ["اطلاع‌رسانی", "اطلاع رسانی", "اطلاعرسانی", "اطلاع‌رساني"],
        ["بین‌المللی", "بین المللی", "بينالمللي"],
        ["رئیس", "رييس", "رییس"],
        ["مؤسسه", "موسسه"],
        ["خانهٔ ما", "خانۀ ما", "خانه ما"],
        ["ICT Office", "ict office"],
        ["مهم‌ترین", "مهمترین", "مهم ترین"],
    ],
)
def test_spelling_variants_share_a_key(variants: list[str]) -> None:
    keys = {search_key(v) for v in variants}
    assert len(keys) == 1, keys


def test_key_is_space_separated_tokens_without_punctuation() -> None:
    key = search_key("«نشست» روابط‌عمومی‌ها، در سال ۱۴۰۴ (تهران)! 12.5")
    assert key == "نشست روابط عمومیها در سال 1404 تهران 12 5"


def test_different_words_keep_different_keys() -> None:
    assert search_key("میز") != search_key("می‌زند")
    assert search_key("سیاست") != search_key("سیاست‌ها")


def test_key_version_is_an_int() -> None:
    assert SEARCH_KEY_VERSION == 1


def test_search_key_rejects_non_str() -> None:
    with pytest.raises(TypeError):
        search_key(None)  # type: ignore[arg-type]
