"""Properties of normalize() and search_key() on generated text (hypothesis)."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ravabet.persian import normalize, search_key

# Text that looks like Persian news: Persian and Arabic letters, digits of three scripts,
# half-spaces, punctuation, spaces and newlines, plus a little Latin.
PERSIANISH = st.text(
    alphabet=st.sampled_from(
        list("ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیيكىةۀأؤئءآ")
        + list("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩0123456789")
        + list("،؛:.!؟?«»()[] \n\u200c\u0640\u064b\u064e\u0650\u0654-/@")
        + list("abcXYZ")
    ),
    max_size=200,
)
WORDS = st.lists(
    st.sampled_from(
        [
            "می",
            "شود",
            "ها",
            "های",
            "روابط",
            "عمومی",
            "دستگاه",
            "بین",
            "الملل",
            "اطلاع",
            "رسانی",
            "سرمایه",
            "گذاری",
            "همه",
            "میز",
            "بیشتر",
            "رسانه",
            "ای",
            "تر",
            "ترین",
            "مهم",
            "کرده",
            "اند",
            "12.5",
            "۱۲٫۵",
            "،",
            ".",
            "«",
            "»",
            "1404/02/30",
        ]
    ),
    max_size=30,
).map(" ".join)
URLS = st.sampled_from(
    [
        "https://www.tehran.ir/news/1404/02/30?id=12.5",
        "http://example.com/a_b-c/d.html#top",
        "www.ostan-th.ir/page",
        "info@ostan-th.ir",
        "first.last+tag@mail.example.org",
    ]
)
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.text(max_size=300))
def test_any_unicode_gives_a_str(text: str) -> None:
    out = normalize(text)
    assert isinstance(out, str)
    assert len(out) <= 2 * len(text)
    assert isinstance(search_key(text), str)


@FAST
@given(st.one_of(PERSIANISH, WORDS, st.text(max_size=200)))
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@FAST
@given(st.one_of(PERSIANISH, WORDS))
def test_output_never_longer_than_twice_the_input(text: str) -> None:
    assert len(normalize(text)) <= 2 * len(text)


@FAST
@given(WORDS, URLS, WORDS)
def test_urls_and_emails_are_preserved(before: str, url: str, after: str) -> None:
    assert url in normalize(f"{before} {url} {after}")


@FAST
@given(WORDS)
def test_search_key_ignores_half_space_spelling(text: str) -> None:
    # Writing the text with half-spaces, glued or with Arabic letters gives the same key.
    joined = normalize(text)
    assert search_key(joined) == search_key(text)
    assert search_key(text.replace("ی", "ي").replace("ک", "ك")) == search_key(text)
