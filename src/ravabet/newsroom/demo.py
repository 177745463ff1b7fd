"""Demo releases: the seed, published by the Governorate PR directorate, and real Fars news
(credited to Fars) under the agencies whose subject they are, by their words, spread over the
past months, plus a few in every workflow state."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from ravabet.core import jalali
from ravabet.core.organisation.models import Agency, County
from ravabet.newsroom import importer, services
from ravabet.newsroom import search as release_search
from ravabet.newsroom.models import Category, Release
from ravabet.persian import search_key

SHARED = Path(os.environ.get("RAVABET_SHARED_DIR", settings.PROJECT_DIR.parent / "shared"))
SEED = SHARED / "seed" / "000_355124c2ea71b728.txt"
CORPUS = SHARED / "corpus" / "fars-news.jsonl.gz"
# The seed release was published before the meeting it announces (Tuesday 30 Ordibehesht 1404).
SEED_PUBLISHED = dt.datetime(2025, 5, 17, 6, 30, tzinfo=dt.UTC)  # 1404/02/27 10:00 Tehran

CATEGORIES = [
    ("services", "خدمات"),
    ("urban", "شهری"),
    ("health", "سلامت"),
    ("culture", "فرهنگی"),
    ("economy", "اقتصادی"),
    ("society", "اجتماعی"),
]
# Which agency a corpus article belongs to, by its words: an article is attributed to the
# agency whose words it uses most (a word in the headline counts three times), and only when
# that is clear (a score of at least 5, twice the next agency's); any other article is left out,
# as are court, market and parliament news that no agency of ours would publish.
AGENCY_WORDS: dict[str, tuple[str, ...]] = {
    "water": ("آب و فاضلاب", "آبفا", "آب شرب", "فاضلاب", "آبرسانی", "انشعاب آب"),
    "regional-water": (
        "آب منطقه‌ای",
        "سد",
        "سدهای",
        "منابع آب",
        "منابع آبی",
        "آبخوان",
        "چاه غیرمجاز",
    ),
    "tums": (
        "علوم پزشکی",
        "بیمارستان",
        "بهداشت",
        "بهداشتی",
        "درمان",
        "درمانی",
        "پزشک",
        "پزشکان",
        "بیماری",
        "بیماران",
        "دارو",
        "واکسن",
        "اورژانس",
    ),
    "education": (
        "آموزش و پرورش",
        "مدرسه",
        "مدارس",
        "دانش‌آموز",
        "دانش‌آموزان",
        "معلم",
        "معلمان",
        "فرهنگیان",
    ),
    "roads": ("راه و شهرسازی", "مسکن مهر", "مسکن ملی", "بزرگراه", "آزادراه", "راه‌آهن"),
    "road-maintenance": ("راهداری", "حمل و نقل جاده‌ای", "جاده", "جاده‌های", "ناوگان حمل و نقل"),
    "municipality": ("شهرداری", "شهردار", "شورای شهر", "مترو", "ترافیک", "بوستان", "پسماند"),
    "welfare": ("بهزیستی", "معلولان", "معلول", "سالمندان", "مددجویان", "کودکان بی‌سرپرست"),
    "heritage": ("میراث فرهنگی", "گردشگری", "گردشگران", "موزه", "صنایع دستی", "بناهای تاریخی"),
    "environment": (
        "محیط زیست",
        "آلودگی هوا",
        "حیات وحش",
        "محیط‌بانان",
        "محیط‌بان",
        "منطقه حفاظت‌شده",
    ),
    "culture": (
        "فرهنگ و ارشاد",
        "ارشاد اسلامی",
        "کتاب",
        "کتابخانه",
        "کتابخوانی",
        "سینما",
        "تئاتر",
        "جشنواره",
    ),
    "sports": ("ورزش", "ورزشی", "ورزشکاران", "فوتبال", "ورزش و جوانان"),
    "agriculture": (
        "جهاد کشاورزی",
        "کشاورزی",
        "کشاورزان",
        "دامداران",
        "گندم",
        "باغداران",
        "دامپزشکی",
    ),
    "industry": (
        "صنعت معدن و تجارت",
        "صمت",
        "واحدهای تولیدی",
        "کارخانه",
        "شهرک صنعتی",
        "شهرک‌های صنعتی",
        "واحدهای صنعتی",
    ),
    "labour": (
        "تعاون کار و رفاه",
        "کارگران",
        "کارگری",
        "اشتغال",
        "بیکاری",
        "تامین اجتماعی",
        "تعاونی",
    ),
    "crisis": ("مدیریت بحران", "زلزله", "سیل", "هلال احمر", "امدادرسانی", "آتش‌نشانی"),
    "electricity": ("برق", "خاموشی", "نیروگاه", "مصرف برق", "برق منطقه‌ای"),
    "gas": ("گاز", "گازرسانی", "گاز طبیعی", "شرکت گاز"),
    "economy": ("امور اقتصادی و دارایی", "مالیات", "مالیاتی", "گمرک"),
    "planning": ("مدیریت و برنامه‌ریزی", "بودجه", "اعتبارات استانی", "طرح‌های عمرانی", "طرح عمرانی"),
}
OFF_TOPIC_WORDS = (
    "انتخابات",
    "ارتش",
    "سپاه",
    "استیضاح",
    "مجلس",
    "لیگ",
    "دادگاه",
    "دادستان",
    "دادسرا",
    "قوه قضاییه",
    "متهم",
    "متهمان",
    "زندان",
    "بورس",
    "سهام",
)
MIN_SCORE = 5


def _words_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """Whole words of a search key (spelling variants folded), plural and -ی endings allowed."""
    keys = sorted({search_key(w) for w in words}, key=len, reverse=True)
    return re.compile(
        r"(?:^| )(?:" + "|".join(map(re.escape, keys)) + r")(?:ها|های|هایی|ی)?(?= |$)"
    )


_AGENCY_PATTERNS = {slug: _words_pattern(words) for slug, words in AGENCY_WORDS.items()}
_OFF_TOPIC = _words_pattern(OFF_TOPIC_WORDS)


def agency_words_found(slug: str, text: str) -> list[str]:
    """The words of the agency `slug` that `text` contains (empty when none or unknown)."""
    pattern = _AGENCY_PATTERNS.get(slug)
    return [m.group(0).strip() for m in pattern.finditer(search_key(text))] if pattern else []


def attribute(title: str, text: str, slugs: set[str]) -> str | None:
    """The slug of the agency a corpus article clearly belongs to, or None to leave it out."""
    title_key, text_key = search_key(title), search_key(text)
    if _OFF_TOPIC.search(f"{title_key} {text_key}"):
        return None
    scores = sorted(
        (
            (3 * len(pattern.findall(title_key)) + len(pattern.findall(text_key)), slug)
            for slug, pattern in _AGENCY_PATTERNS.items()
            if slug in slugs
        ),
        reverse=True,
    )
    if not scores:
        return None
    best, slug = scores[0]
    second = scores[1][0] if len(scores) > 1 else 0
    return slug if best >= MIN_SCORE and best >= 2 * second else None


SKIP_CATS = {"politics", "world", "foreign-policy", "sports", "arts-media", "farsplus-magazine"}


def _corpus_articles() -> list[dict[str, Any]]:
    if not CORPUS.exists():
        return []
    with gzip.open(CORPUS, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    picked = [
        r
        for r in rows
        if r["cat"] not in SKIP_CATS
        and len(r["paragraphs"]) >= 3
        and "تهران" in r["title"] + r["abstract"] + " ".join(r["paragraphs"][:3])
    ]
    return picked


def _publish_at(release: Release, when: dt.datetime) -> None:
    Release.objects.filter(pk=release.pk).update(published_at=when, created_at=when)
    release.refresh_from_db()
    release_search.index_release(release)


@transaction.atomic
def load() -> int:
    User = get_user_model()
    staff = User.objects.get(username="directorate")
    agencies = {a.slug: a for a in Agency.objects.all()}
    for slug, name in CATEGORIES:
        Category.objects.get_or_create(slug=slug, defaults={"name": name})
    if Release.objects.exists():
        return 0  # the demo releases are loaded once; running `make demo` again keeps what is there
    created = 0
    directorate = agencies["pr-directorate"]
    if SEED.exists():
        seed = importer.import_release(
            actor=staff, agency=directorate, text=importer.decode(SEED.read_bytes()), publish=True
        )
        seed.tags.set(services.tags_named(["هفته ارتباطات و روابط عمومی", "نشست روابط عمومی‌ها"]))
        seed.county = County.objects.filter(slug="tehran").first()
        seed.category = Category.objects.get(slug="society")
        seed.featured_at = timezone.now()
        seed.save(update_fields=["county", "category", "featured_at"])
        _publish_at(seed, SEED_PUBLISHED)
        created += 1

    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    attributed = []
    for article in _corpus_articles():
        paragraphs = [str(p) for p in article["paragraphs"]]
        text = f"{article['abstract']} {' '.join(paragraphs)}"
        owner = attribute(str(article["title"]), text, set(agencies))
        if owner is not None:
            attributed.append((article, paragraphs, agencies[owner]))
    attributed = attributed[:45]
    for i, (article, paragraphs, agency) in enumerate(
        tqdm(attributed, desc="demo releases", unit="release", disable=None)
    ):
        link = str(article["link"])
        body = "\n\n".join(
            [
                *paragraphs[1:],
                f'منبع: <a href="{link}">خبرگزاری فارس</a> (بازنشر برای نمایش سامانه)',
            ]
        )
        kind = [
            Release.Kind.NEWS,
            Release.Kind.NEWS,
            Release.Kind.PRESS_RELEASE,
            Release.Kind.REPORT,
        ][i % 4]
        result = services.release_create(
            actor=staff,
            agency=agency,
            data=services.ReleaseInput(
                kind=kind,
                headline=str(article["title"])[:300],
                lead=paragraphs[0],
                body=body,
                tags=[str(t) for t in article["tags"]][:5],
                county=County.objects.filter(slug="tehran").first(),
            ),
        )
        release = result.release
        release.source_text = link
        release.save(update_fields=["source_text"])
        services.release_submit(actor=staff, release=release)
        services.release_approve(actor=staff, release=release)
        # Spread over the past four months, newest first, at office hours.
        _publish_at(release, now - dt.timedelta(days=i * 2.7, hours=(i * 5) % 9))
        created += 1

    roads = agencies["roads"]
    officer = User.objects.get(username="officer.roads")
    head = User.objects.get(username="head.roads")
    draft = services.release_create(
        actor=officer,
        agency=roads,
        data=services.ReleaseInput(
            headline="آغاز بهسازی ۱۲ کیلومتر از جاده فیروزکوه",
            lead="عملیات بهسازی و ایمن‌سازی ۱۲ کیلومتر از محور فیروزکوه از هفته آینده آغاز میشود.",
            body=(
                "این طرح با هدف کاهش تصادفات در گردنه های پرحادثه اجرا میشود.\n\n"
                "رانندگان در ساعت های کار از مسیر جایگزین استفاده کنند."
            ),
            tags=["جاده فیروزکوه", "ایمنی راه"],
        ),
    ).release
    submitted = services.release_create(
        actor=officer,
        agency=roads,
        data=services.ReleaseInput(
            kind=Release.Kind.PRESS_RELEASE,
            headline="اطلاعیه محدودیت تردد در بزرگراه آزادگان",
            lead="به دلیل عملیات تعمیر پل، تردد در بزرگراه آزادگان از ساعت ۲۲ تا ۵ صبح محدود است.",
            body="از رانندگان محترم درخواست می‌شود از مسیرهای جایگزین استفاده کنند.",
        ),
    ).release
    services.release_submit(actor=officer, release=submitted)
    scheduled = services.release_create(
        actor=officer,
        agency=roads,
        data=services.ReleaseInput(
            headline="بازدید مدیرکل راه و شهرسازی از طرح مسکن ملی پردیس",
            lead=(
                "مدیرکل راه و شهرسازی استان تهران از روند اجرای طرح مسکن ملی"
                " در شهر جدید پردیس بازدید می‌کند."
            ),
        ),
    ).release
    services.release_submit(actor=officer, release=scheduled)
    services.release_approve(
        actor=head, release=scheduled, publish_at=now + dt.timedelta(days=2, hours=3)
    )
    del draft
    _page_views()
    return created + 3


def _page_views() -> None:
    """Page views of the published releases for their first fortnight (a few hundred on the
    first day, fading), so the «بازدید خبرها» indicator has something to show; deterministic."""
    from ravabet.newsroom.models import ReleaseViews

    today = jalali.to_local(timezone.now()).date()
    rows = []
    for release in Release.objects.filter(status=Release.Status.PUBLISHED).only(
        "pk", "published_at"
    ):
        if release.published_at is None:
            continue
        first = jalali.to_local(release.published_at).date()
        peak = 120 + (release.pk * 37) % 480
        for age in range(14):
            day = first + dt.timedelta(days=age)
            if day > today:
                break
            rows.append(ReleaseViews(release=release, day=day, count=max(1, peak >> age)))
    ReleaseViews.objects.bulk_create(rows, ignore_conflicts=True)
