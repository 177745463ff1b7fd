"""Demo data of monitoring: the Fars corpus (../shared/corpus/fars-news.jsonl.gz, 1,500 real
articles of 1382–1400) imported through the pipeline with their true dates, so the desk opens
with an archive of articles and stories; the feeds of a few news sites, inactive (the demo
machine reaches no site); and "the last month" (`replay`): the archive being old, other outlets
republish a sample of its articles, lightly edited, over the last 30 days (near-copies: stories
with several outlets, narratives of the month), and yesterday a run of complaints about water
cuts (made-up text, several outlets) raises an alert. Then the alerts are checked, the
narratives built, and yesterday's bulletin of the directorate made.

Idempotent: the corpus is imported once (a second run finds its source filled), the replay
once (its source too). Without the corpus file (another machine), it says so and imports only
the made-up complaints.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import sys
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from ravabet.core import jalali
from ravabet.core.organisation.models import Agency
from ravabet.monitoring import importers, pipeline, watches
from ravabet.monitoring.models import Article, Source, Watch
from ravabet.monitoring.pipeline import RawArticle

CORPUS_SOURCE = "بایگانی خبرگزاری فارس (نمونه)"
REPLAY_SOURCE = "بازنشر ماه گذشته (نمایشی)"
# Who republishes in the replay, and how each opens its copy.
OUTLETS = [
    ("irna.ir", "https://www.irna.ir/demo/", "به گزارش ایرنا، "),
    ("isna.ir", "https://www.isna.ir/demo/", "به گزارش ایسنا، "),
    ("tasnimnews.com", "https://www.tasnimnews.com/demo/", "به گزارش تسنیم، "),
    ("mehrnews.com", "https://www.mehrnews.com/demo/", "به گزارش خبرگزاری مهر، "),
]
REPLAY_DAYS = 30
# How many archive articles the replay republishes: those the demo watches mention first.
REPLAY_MENTIONED = 120
REPLAY_OTHERS = 120
# Yesterday's complaints (made up): two stories, each told by several outlets.
COMPLAINTS = [
    (
        "قطعی چندروزهٔ آب شرب در شهرک‌های جنوبی و اعتراض ساکنان",
        "ساکنان چند شهرک جنوبی از قطعی چندروزهٔ آب شرب گلایه دارند و می‌گویند شرکت آب و فاضلاب "
        "به تماس‌هایشان پاسخ نمی‌دهد.",
        "ساکنان این شهرک‌ها امروز در برابر ساختمان شرکت آب و فاضلاب تجمع کردند و از بی‌توجهی "
        "مسئولان به کمبود آب شرب و نبود تانکر سیار گلایه کردند. به گفتهٔ آنان، آب از سه روز پیش "
        "قطع است و هیچ اطلاع‌رسانی پیشینی نشده است. یکی از معترضان گفت کودکان و سالمندان در "
        "گرما بی‌آب مانده‌اند و وعده‌های وصل دوباره عملی نشده است. شرکت آب و فاضلاب تا لحظهٔ "
        "تنظیم این خبر توضیحی دربارهٔ علت قطعی و زمان وصل آب نداده است.",
    ),
    (
        "افت فشار و کدورت آب شرب؛ شکایت شهروندان از آب و فاضلاب",
        "شهروندان چند محله از افت شدید فشار و کدورت آب شرب شکایت کرده‌اند.",
        "گزارش‌های مردمی از افت شدید فشار آب و کدورت آب شرب در چند محلهٔ شرقی حکایت دارد. "
        "شهروندان می‌گویند چند هفته است که آب در طبقات بالا قطع می‌شود و رنگ آب نگران‌کننده "
        "است. آنان از کم‌کاری شرکت آب و فاضلاب در رسیدگی به شکایت‌ها انتقاد کردند و خواستار "
        "آزمایش کیفیت آب و اطلاع‌رسانی شفاف شدند. کارشناسان نیز فرسودگی شبکهٔ توزیع را علت "
        "اصلی این مشکل می‌دانند.",
    ),
]
FEEDS = [
    ("خبرگزاری جمهوری اسلامی (ایرنا)", "https://www.irna.ir/rss", "irna.ir"),
    ("خبرگزاری ایسنا", "https://www.isna.ir/rss", "isna.ir"),
    ("خبرگزاری فارس", "https://www.farsnews.ir/rss", "farsnews.ir"),
    ("خبرگزاری تسنیم", "https://www.tasnimnews.com/fa/rss/feed/0/7/0", "tasnimnews.com"),
]
BATCH = 500
# What each demo agency's PR office watches: names as the corpus's years (1385–1387) wrote them.
WATCHES = [
    ("governorate", "استانداری تهران", Watch.Kind.NAME, "استانداری تهران\nاستاندار تهران"),
    ("roads", "راه و شهرسازی", Watch.Kind.NAME, "راه و ترابری\nمسکن و شهرسازی\nراه و شهرسازی"),
    ("tums", "علوم پزشکی و بهداشت", Watch.Kind.NAME, "وزارت بهداشت\nعلوم پزشکی"),
    ("water", "آب و فاضلاب", Watch.Kind.KEYWORD, "آب و فاضلاب\nکم‌آبی\nآب شرب"),
    ("municipality", "شهرداری تهران", Watch.Kind.NAME, "شهرداری تهران\nشورای شهر تهران"),
    ("pr-directorate", "روابط عمومی", Watch.Kind.KEYWORD, "روابط عمومی\nاطلاع‌رسانی"),
]


def corpus_path() -> Path:
    configured = getattr(settings, "RAVABET_DEMO_CORPUS", "")
    if configured:
        return Path(configured)
    return Path(settings.PROJECT_DIR).parent / "shared" / "corpus" / "fars-news.jsonl.gz"


def load() -> int:
    """Create the demo sources, import the corpus, replay the last month; the articles
    created."""
    for name, url, site in FEEDS:
        Source.objects.get_or_create(
            name=name,
            defaults={"kind": Source.Kind.FEED, "url": url, "site": site, "is_active": False},
        )
    _watches()
    _lexicon()
    created = _archive()
    now = timezone.now()
    created += replay(now)
    # After the articles' own after-commit steps (their mentions and tone), in order.
    transaction.on_commit(lambda: _today(now))
    return created


def _lexicon() -> None:
    """Migration 0004 fills the tone lexicon; a database emptied since (a test's flush) gets
    the seed again, so the demo's tones are decided as on a fresh machine. A lexicon people
    have edited is left as it is."""
    from ravabet.monitoring import tone
    from ravabet.monitoring.models import ToneTerm

    if not ToneTerm.objects.exists():
        tone.load_lexicon_file()


def _archive() -> int:
    source, _ = Source.objects.get_or_create(
        name=CORPUS_SOURCE, defaults={"kind": Source.Kind.FILE, "site": "farsnews.ir"}
    )
    if source.articles.exists():
        return 0
    path = corpus_path()
    if not path.is_file():
        sys.stderr.write(f"monitoring demo: {path} not found; no articles imported\n")
        return 0
    created = 0
    raws = importers.articles(path)
    while batch := list(itertools.islice(raws, BATCH)):
        # An archive keeps every link as its own article (docs/monitoring.md, "File import").
        created += pipeline.ingest(batch, source=source, same_text=False).created
    # The watches were saved before the articles came; the pipeline matched each batch.
    return created


def _spread(key: str, days: int) -> dt.timedelta:
    """A fixed, well-spread offset in [0, days) for a key: the same on every run."""
    number = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")
    return dt.timedelta(seconds=number % (days * 86_400))


def _copies(article: Article, published: dt.datetime, outlets: int) -> Iterator[RawArticle]:
    """An archive article republished by `outlets` outlets, a few hours apart, each lightly
    edited (its own opening, the last paragraph dropped): near-copies, one story."""
    paragraphs = article.body.split("\n")
    body = "\n".join(paragraphs[:-1]) if len(paragraphs) > 2 else article.body
    for n, (_, prefix, opening) in enumerate(OUTLETS[:outlets]):
        yield RawArticle(
            url=f"{prefix}{article.pk}",
            title=article.title,
            lead=opening + article.lead if article.lead else "",
            body=body if n % 2 else opening + body,
            published_at=published + dt.timedelta(hours=2 * n, minutes=7 * n),
        )


def _complaints(yesterday: dt.datetime, now: dt.datetime) -> Iterator[RawArticle]:
    """The first complaint told yesterday morning (in yesterday's bulletin), the second in
    the last hours (in the alert's 24-hour window), each by every outlet."""
    # The second starts five hours ago, but never before today began (Tehran): loaded just after
    # midnight, it is spread over the minutes of today so far, not into yesterday's bulletin.
    today = yesterday + dt.timedelta(days=1)
    recent = max(now - dt.timedelta(hours=5), today)
    starts = [yesterday + dt.timedelta(hours=9), recent]
    for s, ((title, lead, body), start) in enumerate(zip(COMPLAINTS, starts, strict=True)):
        for n, (_, prefix, opening) in enumerate(OUTLETS):
            step = dt.timedelta(hours=n, minutes=13 * n)
            if s == 1 and now - start < dt.timedelta(hours=5):
                step = (now - start) * n / len(OUTLETS)
            yield RawArticle(
                url=f"{prefix}water-{s}",
                title=title,
                lead=opening + lead,
                body=body,
                published_at=start + step,
            )


def _today(now: dt.datetime) -> None:
    """What the morning's tasks would have made: the alerts checked, the month's narratives
    built, yesterday's bulletin of the directorate drafted. Idempotent."""
    from ravabet.monitoring import alerts, bulletins, narratives

    alerts.check(now)
    narratives.build(start=now - dt.timedelta(days=REPLAY_DAYS), end=now, now=now)
    directorate = Agency.objects.filter(kind=Agency.Kind.DIRECTORATE).first()
    if directorate is not None:
        bulletins.build(agency=directorate, day=bulletins.yesterday(now))


def replay(now: dt.datetime | None = None) -> int:
    """The last month (module docstring): the articles created. Once: a second run finds its
    source filled."""
    now = now or timezone.now()
    source, _ = Source.objects.get_or_create(
        name=REPLAY_SOURCE, defaults={"kind": Source.Kind.FILE, "site": "irna.ir"}
    )
    if source.articles.exists():
        return 0
    archive = Article.objects.filter(source__name=CORPUS_SOURCE).exclude(body="")
    mentioned = list(
        archive.filter(mentions__isnull=False).distinct().order_by("pk")[:REPLAY_MENTIONED]
    )
    others = list(archive.filter(mentions__isnull=True).order_by("pk")[:REPLAY_OTHERS])
    raws: list[RawArticle] = []
    for article in mentioned + others:
        offset = _spread(article.url, REPLAY_DAYS - 1)
        published = now - dt.timedelta(days=1) - offset
        raws.extend(_copies(article, published, 1 + article.pk % len(OUTLETS)))
    yesterday = jalali.start_of_day(jalali.to_local(now).date() - dt.timedelta(days=1))
    raws.extend(_complaints(yesterday, now))
    created = 0
    for start in range(0, len(raws), BATCH):
        created += pipeline.ingest(raws[start : start + BATCH], source=source, now=now).created
    return created


def _watches() -> None:
    """The demo agencies' watches, made by the directorate's demo person (once)."""
    staff = get_user_model().objects.filter(username="directorate").first()
    if staff is None:
        return
    agencies = {a.slug: a for a in Agency.objects.filter(slug__in=[w[0] for w in WATCHES])}
    have = set(Watch.objects.values_list("agency__slug", "name"))
    for slug, name, kind, terms in WATCHES:
        if slug in agencies and (slug, name) not in have:
            watches.watch_save(
                actor=staff,
                data=watches.WatchInput(name=name, terms=terms, agency=agencies[slug], kind=kind),
            )
