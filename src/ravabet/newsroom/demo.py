"""Demo releases: the seed, published by the Governorate PR directorate, and real Fars news
(attributed) spread over the agencies and the past months, plus a few in every workflow state."""

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

from ravabet.core.organisation.models import Agency, County
from ravabet.newsroom import importer, services
from ravabet.newsroom import search as release_search
from ravabet.newsroom.models import Category, Release

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
# Which agency a corpus article belongs to, by the words in it (first match wins).
AGENCY_WORDS = [
    ("water", r"آب و فاضلاب|آب شرب|فاضلاب|آبرسانی"),
    ("regional-water", r"سد |سدها|آب منطقه"),
    ("tums", r"بهداشت|درمان|بیمارستان|پزشک|بیماری|دارو"),
    ("education", r"آموزش و پرورش|مدرسه|مدارس|دانش‌آموز|معلم"),
    ("roads", r"راه و شهرسازی|مسکن|جاده|بزرگراه|آزادراه"),
    ("municipality", r"شهرداری|شورای شهر|مترو|ترافیک|پارک"),
    ("welfare", r"بهزیستی|معلول|سالمند"),
    ("heritage", r"میراث|گردشگری|موزه|صنایع دستی"),
    ("environment", r"محیط زیست|آلودگی|حیات وحش"),
    ("culture", r"فرهنگ|کتاب|سینما|تئاتر|ارشاد"),
    ("sports", r"ورزش|فوتبال|جوانان"),
    ("agriculture", r"کشاورز|دام|گندم"),
    ("industry", r"صنعت|تجارت|کالا|بازار"),
    ("labour", r"کارگر|اشتغال|بیمه|تعاون"),
    ("crisis", r"زلزله|سیل|بحران|امداد"),
]
SKIP_CATS = {"politics", "world", "foreign-policy", "sports", "arts-media", "farsplus-magazine"}


def _corpus_articles(limit: int) -> list[dict[str, Any]]:
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
    return picked[:limit]


def _agency_for(text: str, agencies: dict[str, Agency], fallback: list[Agency], i: int) -> Agency:
    for slug, pattern in AGENCY_WORDS:
        if slug in agencies and re.search(pattern, text):
            return agencies[slug]
    return fallback[i % len(fallback)]


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

    fallback = [a for a in agencies.values() if a.kind not in {"directorate", "governorate"}]
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    articles = _corpus_articles(45)
    for i, article in enumerate(tqdm(articles, desc="demo releases", unit="release", disable=None)):
        paragraphs = [str(p) for p in article["paragraphs"]]
        text = f"{article['title']} {article['abstract']} {' '.join(paragraphs)}"
        agency = _agency_for(text, agencies, fallback, i)
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
    return created + 3
