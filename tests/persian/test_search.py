"""search_key(): spelling variants of a text share one key."""

from pathlib import Path

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


def test_key_version_is_the_documented_one() -> None:
    # docs/persian.md names the version; a bump must update the documentation with it.
    docs = (Path(__file__).resolve().parents[2] / "docs" / "persian.md").read_text("utf-8")
    assert f"format version {SEARCH_KEY_VERSION}" in docs
    assert f"`SEARCH_KEY_VERSION = {SEARCH_KEY_VERSION}`" in docs


def test_glued_compounds_key_like_their_half_space_spelling() -> None:
    # Version 2: compounds the lists or rules of normalize() know are split in the key.
    assert search_key("برقرسانی") == search_key("برق‌رسانی") == "برق رسانی"
    assert search_key("کیپتاون") == search_key("کیپ تاون")


def test_search_key_rejects_non_str() -> None:
    with pytest.raises(TypeError):
        search_key(None)  # type: ignore[arg-type]
