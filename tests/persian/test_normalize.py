"""normalize(): letters, digits, punctuation spacing, half-spaces, protected spans."""

import pytest

from ravabet.persian import normalize, normalize_characters, to_latin_digits, to_persian_digits
from ravabet.persian.halfspace import MAX_WORD_LETTERS

from .paths import SEED

Z = "\u200c"

# Every defect of the seed press release, as (what the PDF gave, what must come out).
SEED_DEFECTS = [
    ("روابط عمومیهای استان", f"روابط عمومی{Z}های استان"),  # glued plural after ی
    ("برگزار میشود", f"برگزار می{Z}شود"),  # glued verb prefix
    ("امور بینالملل", f"امور بین{Z}الملل"),  # glued compound
    ("امور بین الملل", f"امور بین{Z}الملل"),  # compound split by a space
    ("عمومیهای دستگاههای اجرایی", f"عمومی{Z}های دستگاه{Z}های اجرایی"),  # ه + ها
    ("روابط عمومی های دستگاه", f"روابط عمومی{Z}های دستگاه"),  # plural split by a space
    ("روز سه شنبه ۳۰", f"روز سه{Z}شنبه ۳۰"),  # weekday split by a space
    ("تبیین سیاست های اطلاع رسانی", f"تبیین سیاست{Z}های اطلاع{Z}رسانی"),
    ("انسجام رسانه ای و", f"انسجام رسانه{Z}ای و"),  # clitic after silent ه
    ("اولویت های ارتباطی", f"اولویت{Z}های ارتباطی"),
    ("روابط عمومی ها نقش", f"روابط عمومی{Z}ها نقش"),
    ("برای هم افزایی، هماهنگی و هم اندیشی", f"برای هم{Z}افزایی، هماهنگی و هم{Z}اندیشی"),
    ("نظیر آگاهی بخشی،", f"نظیر آگاهی{Z}بخشی،"),
    ("مأموریت های راهبردی", f"مأموریت{Z}های راهبردی"),
    ("«سرمایه گذاری برای تولید»", f"«سرمایه{Z}گذاری برای تولید»"),
    ("فرصت های اقتصادی", f"فرصت{Z}های اقتصادی"),
    ("پروژه های سرمایه پذیر", f"پروژه{Z}های سرمایه{Z}پذیر"),
    ("حمایت های دولت از سرمایه گذاران", f"حمایت{Z}های دولت از سرمایه{Z}گذاران"),
    ("ظرفیت رسانه ها و", f"ظرفیت رسانه{Z}ها و"),
    ("جنگ روایت ها تأکید", f"جنگ روایت{Z}ها تأکید"),
    ("برنامه های سال", f"برنامه{Z}های سال"),
    ("از تلاش های فعالان", f"از تلاش{Z}های فعالان"),
    ("دولت، پاسخ گویی به", f"دولت، پاسخ{Z}گویی به"),
    (" همزمان با هفته", "همزمان با هفته"),  # stray leading space
]


@pytest.mark.parametrize(("defect", "repaired"), SEED_DEFECTS)
def test_seed_defect_is_repaired(defect: str, repaired: str) -> None:
    assert normalize(defect) == repaired


def test_seed_defects_all_occur_in_the_seed() -> None:
    # The table above is taken from the seed, not invented: each defect is really there
    # (after the hard wraps are joined).
    seed = " ".join(SEED.read_text("utf-8").split())
    missing = [d for d, _ in SEED_DEFECTS if d.strip() not in seed]
    assert missing == []


# Words that look like prefix/suffix + word but must not get a half-space.
UNTOUCHED = [
    "میز",
    "میلیون",
    "میدان",
    "میزان",
    "میراث",
    "همه",
    "هماهنگی",
    "همچنین",
    "همزمان",
    "بیشتر",
    "کمتر",
    "بهترین",
    "تنها",
    "آنها",
    "دفتر",
    "دختر",
    "بیمار",
    "بیست",
    "الهام",
    "سهام",
    "راهی",
    "دانشگاهی",
    "روزهای",
    "شهرهای",
    "کارهای",
    "کشورها",
    "تدوین شده است",  # a passive verb keeps its space
    "برگزار خواهد شد",
    "به عنوان نمونه",
    "روابط عمومی استان",
    "این نشست برگزار شد.",
    "او هم آمد.",
    "دکترین",  # not «دک» + «ترین»
    "آبراهام",
    "که ای",  # a function word takes no clitic
    f"می{Z}نمایاند",  # a verb after its prefix is left as written
    "غربگرایی",  # a glued compound is standard spelling too
    "کاشی کاری",  # never written joined in the tuning part
]


@pytest.mark.parametrize("text", UNTOUCHED)
def test_correct_text_is_not_touched(text: str) -> None:
    assert normalize(text) == text


REPAIRS = [
    ("مي شود", f"می{Z}شود"),
    ("نمیتوان", f"نمی{Z}توان"),
    ("برمیدارد", f"برمی{Z}دارد"),
    ("کرده اند", f"کرده{Z}اند"),
    ("کردهاند", f"کرده{Z}اند"),
    ("مهم ترین", f"مهم{Z}ترین"),
    ("مهمترین", f"مهم{Z}ترین"),
    ("بزرگ تر", f"بزرگ{Z}تر"),
    ("کتاب ها", f"کتاب{Z}ها"),
    ("کشور ها", "کشورها"),  # after a non-joining letter the parts are glued
    ("گفت و گو", f"گفت{Z}وگو"),
    ("زندگی اش", f"زندگی{Z}اش"),
    ("غنی سازی", f"غنی{Z}سازی"),
    ("تصمیمگیری", f"تصمیم{Z}گیری"),
    ("بی توجهی", f"بی{Z}توجهی"),
    ("بیتوجهی", f"بی{Z}توجهی"),  # a compound the corpus writes with a half-space
    ("شرکتها", f"شرکت{Z}ها"),  # a mandatory plural, though the corpus often glues it
    ("دربرمیگیرد", f"دربرمی{Z}گیرد"),
    ("فوتسالیستهای", f"فوتسالیست{Z}های"),  # a plural after a long unknown stem
    ("خانهای", f"خانه{Z}ای"),  # «ه» + «ای» before «های»
    ("حرفهای", f"حرفه{Z}ای"),
]


@pytest.mark.parametrize(("given", "expected"), REPAIRS)
def test_half_space_is_repaired(given: str, expected: str) -> None:
    assert normalize(given) == expected


# Productive parts (data/affixes.txt: second, bound, bound-glued, arabic), the first parts
# به/پیش/هم and the clitics شان/مان/تان, on words no list holds.
PRODUCTIVE_REPAIRS = [
    ("برقرسانی", f"برق{Z}رسانی"),  # a glued word the lexicon does not know
    ("انبوهسازی", f"انبوه{Z}سازی"),
    ("جریانساز", f"جریان{Z}ساز"),  # «ساز» is split off a glued word only
    ("بیمهشدگان", f"بیمه{Z}شدگان"),
    ("غیاثالدین", f"غیاث{Z}الدین"),
    ("موسیپور", f"موسی{Z}پور"),
    ("راه سازی", f"راه{Z}سازی"),  # «راه» is a stop word but no function word
    ("اصلاح گری", f"اصلاح{Z}گری"),
    ("قدرت طلبی", f"قدرت{Z}طلبی"),  # listed with a half-space in hazm's lexicon
    ("ظلم ستیزی", f"ظلم{Z}ستیزی"),
    ("نقش آفرینان", f"نقش{Z}آفرینان"),
    ("بهاندازه", f"به{Z}اندازه"),
    ("پیشفروش", f"پیش{Z}فروش"),
    ("بی عدالتی", f"بی{Z}عدالتی"),  # «بی» before a noun made with «ی»
    ("بی حوصلگی", f"بی{Z}حوصلگی"),
    ("شادی شان", f"شادی{Z}شان"),  # a clitic never stands alone
    ("خدمات شان", f"خدمات{Z}شان"),
    ("برای شان", f"برای{Z}شان"),
    ("شادیشان", f"شادی{Z}شان"),
    ("استخوانیاش", f"استخوانی{Z}اش"),
    ("هتلآپارتمان", f"هتل{Z}آپارتمان"),  # «آ» after a joining letter starts a part
    ("بیآبرو", f"بی{Z}آبرو"),
    ("قهوهخانه", f"قهوه{Z}خانه"),  # a silent «ه» is never glued to the next part
    ("تیشهگران", f"تیشه{Z}گران"),
    ("چشماندازها", f"چشم{Z}اندازها"),  # a compound stem before a glued plural
    ("سیوپنجمین", f"سی{Z}وپنجمین"),  # an ordinal glued to «و»
    ("بیست ویکم", f"بیست{Z}ویکم"),
]


@pytest.mark.parametrize(("given", "expected"), PRODUCTIVE_REPAIRS)
def test_productive_part_is_repaired(given: str, expected: str) -> None:
    assert normalize(given) == expected
    assert normalize(expected) == expected


# Standard spellings the productive rules must leave alone.
PRODUCTIVE_UNTOUCHED = [
    "کتابداران",  # «کتابدار» + ان, not «کتاب» + «داران»
    "قدرتمندی",
    "ستمگری",
    "دامداری",
    "غربگرایی",  # «گرا», «شناس» compounds are standard glued too
    "روانشناسی",
    "ساماندهی",  # a word of the lexicon
    "شاهزاده",
    "نوابزاده",  # «زاده» is written glued
    "جایشان",  # a glide «ی»
    "کتابشان",  # a clitic glued after a consonant is standard
    "بیراوند",  # a family name, not «بی» + word
    "بیایی",  # a verb form
    f"خانکشی{Z}پور",  # the writer's half-spaces: no part is split further
    "اگر اجازه دهی",  # «دهی» is a verb here
    "قراردادش بندی وجود دارد",  # «بندی» is «a clause»
    "توسعه بخش کشاورزی",  # «بخش» is a word of its own
    "ایجاد ساز و کار",
    "این سازی",
    "مآخذ",  # the few words with «آ» inside
    "منشآت",
    "آمارهایی",  # «آماره» + «ایی» is no split: a plural
    "شهروندان",  # a consonant «ه» inside a word
    "سی و پنجمین",  # the ordinal written apart is standard
    "کلاهبردار",  # «ه» after «ا» is pronounced: glued is standard
    "شاهراهی",
    "تبهکاران",  # «تبهکار» + ان
    "همراهش",  # «همراه» + ش, not «هم» + «راهش»
    "هیجدهمین",  # an ordinal, not «هیجده» + «مین»
    "الآخر",  # «آ» after the Arabic article
    "بنگری",  # a verb: «گری» needs a first part of three letters
    "دون شان",  # «شأن» written without its hamza, after a preposition
    "همسفر",  # «هم» compounds are standard glued
    "همکارانه",
]


@pytest.mark.parametrize("text", PRODUCTIVE_UNTOUCHED)
def test_productive_rules_leave_standard_spellings(text: str) -> None:
    assert normalize(text) == text


# data/listed_compounds.txt (from shekar's lists, filtered by learn._listed_compounds).
LISTED = [
    ("کیپتاون", f"کیپ{Z}تاون"),
    ("کیپ تاون", f"کیپ{Z}تاون"),  # «کیپ» and «تاون» are no words of their own
    ("تربتحیدریه", f"تربت{Z}حیدریه"),
    ("اسباببازی", f"اسباب{Z}بازی"),
]
LISTED_UNTOUCHED = [
    "تربت حیدریه",  # both parts are words: a split is joined only from the corpus's lists
    "اسباب بازی",
    f"آبمیوه{Z}های",  # the writer's half-spaces: «آبمیوه» stays whole
    "سنگ تاش",
]


@pytest.mark.parametrize(("given", "expected"), LISTED)
def test_listed_compound_is_repaired(given: str, expected: str) -> None:
    assert normalize(given) == expected


@pytest.mark.parametrize("text", LISTED_UNTOUCHED)
def test_listed_compounds_leave_other_spellings(text: str) -> None:
    assert normalize(text) == text


LETTERS_AND_DIGITS = [
    ("كتاب علي", "کتاب علی"),
    ("مصطفى", "مصطفی"),
    ("اخيراً", "اخیراً"),  # tanwin on alef is spelling, kept
    ("سَلامٌ", "سلام"),  # other diacritics go
    ("ســـلام", "سلام"),  # kashida
    ("خانۀ ما", "خانهٔ ما"),
    ("در 300 دفتر", "در ۳۰۰ دفتر"),  # Latin digits in Persian prose
    ("سال ١٤٠٤", "سال ۱۴۰۴"),  # Arabic-Indic digits
    ("جذب714 میلیارد", "جذب ۷۱۴ میلیارد"),
    ("ICT 2024 در تهران", "ICT 2024 در تهران"),  # Latin digits inside a Latin run
    ("ﻻ", "لا"),  # presentation form
]


@pytest.mark.parametrize(("given", "expected"), LETTERS_AND_DIGITS)
def test_letters_and_digits(given: str, expected: str) -> None:
    assert normalize(given) == expected


PUNCTUATION = [
    ("صادر ، معاوضه", "صادر، معاوضه"),
    ("گفت :روابط", "گفت: روابط"),
    ("« سرمایه »", "«سرمایه»"),
    ("نشست(اول)برگزار", "نشست (اول) برگزار"),
    ("شد.سپس", "شد. سپس"),
    ("چرا ؟", "چرا؟"),
    ("سلام   دنیا", "سلام دنیا"),
    ("ج.ا.ا", "ج.ا.ا"),
    ("بند اول\n\n\n\nبند دوم", "بند اول\n\nبند دوم"),
]


@pytest.mark.parametrize(("given", "expected"), PUNCTUATION)
def test_punctuation_spacing(given: str, expected: str) -> None:
    assert normalize(given) == expected


PROTECTED = [
    "https://www.tehran.ir/news/1404/02/30?id=12.5",
    "www.ostan-th.ir",
    "info@ostan-th.ir",
    "pr.office@gmail.com",
    "۱۲٫۵",
    "1.2.3",
    "021-88776655",
    "1404/02/30",
    "۱۴۰۴/۰۲/۳۰",
    "10:30",
    "1,250,000",
    "Windows 11",
    "COVID-19",
    "He said: this is fine , really",
]


@pytest.mark.parametrize("span", PROTECTED)
def test_urls_emails_numbers_and_latin_pass_untouched(span: str) -> None:
    text = f"در متن مي شود {span} ، و سپس."
    assert span in normalize(text)


def test_url_keeps_trailing_sentence_punctuation_outside() -> None:
    assert normalize("ببینید https://a.ir/x.") == "ببینید https://a.ir/x."
    assert normalize("(https://a.ir/x) را") == "(https://a.ir/x) را"


def test_correct_paragraph_is_unchanged() -> None:
    text = (
        f"به گزارش روابط عمومی استانداری تهران، نخستین نشست روابط عمومی{Z}های دستگاه{Z}های "
        f"اجرایی استان روز سه{Z}شنبه ۳۰ اردیبهشت ۱۴۰۴ برگزار می{Z}شود. این نشست فرصتی برای "
        f"هم{Z}اندیشی است؛ «سرمایه{Z}گذاری برای تولید» شعار سال است."
    )
    assert normalize(text) == text


def test_seed_is_idempotent() -> None:
    once = normalize(SEED.read_text("utf-8"))
    assert normalize(once) == once


@pytest.mark.parametrize("value", [None, 12, b"bytes", ["list"]])
def test_non_str_raises_type_error(value: object) -> None:
    with pytest.raises(TypeError, match="expects str"):
        normalize(value)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["", " ", "\n\n", "\x00\x01\x7f", "\u200c\u200c", "\ue000"])
def test_degenerate_input(text: str) -> None:
    assert isinstance(normalize(text), str)
    assert len(normalize(text)) <= len(text)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("دما به 12.6 درجه رسید", "دما به ۱۲٫۶ درجه رسید"),
        ("رشد 18.3 درصدی.", "رشد ۱۸٫۳ درصدی."),
        ("نرخ ۱۲.۵ و ١٢٫٥", "نرخ ۱۲٫۵ و ۱۲٫۵"),
        # Not decimals: a version, a date, a time, thousands, a URL, Latin text.
        ("نسخهٔ 1.2.3 آمد", "نسخهٔ 1.2.3 آمد"),
        ("روز 1404/02/30 ساعت 10:30", "روز 1404/02/30 ساعت 10:30"),
        ("مبلغ 1,250,000 ریال", "مبلغ 1,250,000 ریال"),
        ("در https://a.ir/x?id=12.5 آمد", "در https://a.ir/x?id=12.5 آمد"),
        ("سامانهٔ Windows 11.2 نصب شد", "سامانهٔ Windows 11.2 نصب شد"),
    ],
)
def test_a_decimal_in_persian_prose_gets_persian_digits_and_separator(
    given: str, expected: str
) -> None:
    assert normalize(given) == expected
    assert normalize(expected) == expected


def test_private_use_character_survives() -> None:
    assert normalize("الف \ue000 ب") == "الف \ue000 ب"


def test_ten_megabytes_complete() -> None:
    chunk = "روابط عمومیهای دستگاههای اجرایي مي شود 12.5 https://a.ir info@a.ir ، «سلام» "
    text = chunk * (10_000_000 // len(chunk))
    out = normalize(text)
    assert out.count(f"می{Z}شود") == text.count("مي شود")


def test_a_run_of_letters_longer_than_any_word_is_left_alone() -> None:
    # The guesses that look inside a word stop at MAX_WORD_LETTERS: a 2 MB run of letters
    # with no space (hostile or broken input) comes back as it was, in linear time.
    assert normalize("قهوهخانه") == f"قهوه{Z}خانه"
    run = "قهوهخانه" * 6
    assert len(run) > MAX_WORD_LETTERS
    assert normalize(run) == run
    huge = "هتلآپارتمانقهوهخانه" * 100_000
    assert normalize(huge) == huge
    # Suffixes repeated: each would peel off another («های» × 20,000 once raised
    # RecursionError).
    for unit in ("های", "ترین", "ها", "ای", "اش", "آباد", "میمی"):
        assert normalize(unit * 20_000) == unit * 20_000


def test_normalize_characters_does_not_repair_half_spaces() -> None:
    assert normalize_characters("مي شود") == "می شود"


def test_digit_helpers() -> None:
    assert to_persian_digits("1404/02/30 ١٢") == "۱۴۰۴/۰۲/۳۰ ۱۲"
    assert to_latin_digits("۱۴۰۴/۰۲/۳۰ ١٢") == "1404/02/30 12"
    with pytest.raises(TypeError):
        to_latin_digits(1404)  # type: ignore[arg-type]


# data/curated_compounds.txt: hand-checked compounds, each repaired only in the spellings
# its tag allows, with the function-word and verb-phrase checks of _data._add_curated.
CURATED = [
    ("سرمایه گذاری خارجی", f"سرمایه{Z}گذاری خارجی"),  # both spellings wrong
    ("برنامهریزی", f"برنامه{Z}ریزی"),  # a silent ه never joins inside a word
    ("پیش بینی شده", f"پیش{Z}بینی شده"),  # a curated prefix before a noun
    ("بیتوجهی", f"بی{Z}توجهی"),
    ("خشونتآمیز", f"خشونت{Z}آمیز"),
    ("رئیسجمهور", f"رئیس{Z}جمهور"),  # tagged glued: only the glued spelling is wrong
    ("نجفآباد", f"نجف{Z}آباد"),  # place names: «آ» never stands inside a word
    ("جست و جو", f"جست{Z}وجو"),  # a three-part compound split twice
]
CURATED_UNTOUCHED = [
    "رئیس جمهور",  # the split spelling is standard too
    "اصولگرایان",  # tagged spaced: the glued spelling is standard too
    "ساماندهی",  # both spellings standard: not listed
    "آسیب دیده است",  # a verb phrase, not the compound «آسیب‌دیده»
    "شهرهای آباد",  # the adjective, not a place name
    "به عنوان",
]


@pytest.mark.parametrize(("given", "expected"), CURATED)
def test_curated_compound_is_repaired(given: str, expected: str) -> None:
    assert normalize(given) == expected


@pytest.mark.parametrize("text", CURATED_UNTOUCHED)
def test_curated_list_leaves_standard_spellings(text: str) -> None:
    assert normalize(text) == text


def test_curated_list_is_well_formed() -> None:
    from ravabet.persian._data import read_list

    never_split = set(read_list("never_split.txt"))
    entries = read_list("curated_compounds.txt")
    assert len(entries) > 3000
    for line in entries:
        form, _, tag = line.partition("\t")
        assert Z in form and tag in ("", "glued", "spaced"), line
        assert form.replace(Z, "") not in never_split, line
