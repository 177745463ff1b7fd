"""Media monitoring: what the media publish, collapsed into stories, matched to agencies.

A `Source` is where articles come from (a news site's RSS/Atom feed, polled; or a file
imported). An `Article` is one canonical link, stored once however many times it is fetched or
imported (unique `url`, and `content_hash` of its normalized text); the original text is kept
beside the normalized one. Near-copies across outlets (a release republished, lightly edited)
belong to one `Story`: `ArticleBand` holds the locality-sensitive hashes of each article's
MinHash signature (stories.py), so any worker finds an article's near-copies with an indexed
query, on SQLite as on PostgreSQL.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ravabet.core.organisation.models import Agency
from ravabet.monitoring.packing import pack_json, unpack_json


class PackedJSONField(models.BinaryField):
    """A JSON object kept zlib-compressed: `Article.original`, the text as received, read only
    on the article's page. Persian news compresses to about a quarter, and a smaller row is
    what SQLite rewrites whole each time one of its columns is updated (the story, settled_at)
    during an import. Reads give the object back; bytes given are taken as already packed."""

    def get_prep_value(self, value: Any) -> Any:
        if value is None or isinstance(value, bytes | memoryview):
            return value
        return pack_json(value)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return None if value is None else unpack_json(value)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, bytes | memoryview):
            return unpack_json(value)
        if isinstance(value, str):
            # value_to_string's form, as Django's serialization gives it back (`ravabet backup`).
            return json.loads(value)
        return value

    def value_to_string(self, obj: Any) -> str:
        return json.dumps(self.value_from_object(obj), ensure_ascii=False)


class Source(models.Model):
    class Kind(models.TextChoices):
        FEED = "feed", _("خوراک RSS/Atom")
        FILE = "file", _("پرونده")

    class Health(models.TextChoices):
        NEW = "new", _("هنوز خوانده نشده")
        OK = "ok", _("سالم")
        FAILING = "failing", _("خطا")
        DISABLED = "disabled", _("غیرفعال")

    name = models.CharField(_("نام"), max_length=200)
    kind = models.CharField(_("نوع"), max_length=10, choices=Kind.choices, default=Kind.FEED)
    url = models.URLField(_("نشانی خوراک"), max_length=1000, blank=True)
    # The outlet's site (its domain), for articles whose link names no other.
    site = models.CharField(_("وب‌گاه"), max_length=200, blank=True)
    is_active = models.BooleanField(_("فعال"), default=True)
    poll_minutes = models.PositiveIntegerField(_("فاصلهٔ خواندن (دقیقه)"), default=30)
    # Fetch the article page for full text when the feed gives only a summary.
    fetch_full_text = models.BooleanField(_("خواندن متن کامل از صفحهٔ خبر"), default=False)
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    health = models.CharField(_("وضعیت"), max_length=10, choices=Health.choices, default=Health.NEW)
    last_polled_at = models.DateTimeField(_("آخرین خواندن"), null=True, blank=True)
    next_poll_at = models.DateTimeField(_("خواندن بعدی"), null=True, blank=True, db_index=True)
    consecutive_errors = models.PositiveIntegerField(default=0)
    last_error = models.TextField(_("آخرین خطا"), blank=True)
    last_new_articles = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("منبع")
        verbose_name_plural = _("منابع")

    def __str__(self) -> str:
        return self.name


class Story(models.Model):
    """Articles that tell the same thing (near-copies): its first appearance and its outlets."""

    title = models.CharField(_("عنوان"), max_length=500)
    first_seen_at = models.DateTimeField(_("نخستین انتشار"), db_index=True)
    last_seen_at = models.DateTimeField(_("آخرین انتشار"), db_index=True)
    article_count = models.PositiveIntegerField(default=1)
    outlet_count = models.PositiveIntegerField(default=1)
    # The topic the latest narratives.build put it in (null: not in any, or not built yet).
    narrative = models.ForeignKey(
        "Narrative", null=True, blank=True, on_delete=models.SET_NULL, related_name="stories"
    )

    class Meta:
        ordering = ["-last_seen_at", "-id"]
        verbose_name = _("ماجرا")
        verbose_name_plural = _("ماجراها")

    def __str__(self) -> str:
        return self.title


class Article(models.Model):
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    # The outlet that published it (from the link's host), e.g. «farsnews.ir».
    outlet = models.CharField(_("رسانه"), max_length=200, db_index=True)
    url = models.URLField(_("نشانی"), max_length=1000, unique=True)  # canonical
    guid = models.CharField(max_length=1000, blank=True)
    title = models.CharField(_("عنوان"), max_length=1000)
    lead = models.TextField(_("لید"), blank=True)
    body = models.TextField(_("متن"), blank=True)
    # As received, before normalization: {"title": …, "lead": …, "body": …}.
    original = PackedJSONField(default=dict, blank=True)
    author = models.CharField(_("نویسنده"), max_length=300, blank=True)
    published_at = models.DateTimeField(_("زمان انتشار"), db_index=True)
    # True when the source gave no usable time (the fetch time is used instead).
    published_guessed = models.BooleanField(default=False)
    fetched_at = models.DateTimeField(_("زمان دریافت"), auto_now_add=True, db_index=True)
    # sha256 of the normalized title + lead + body: the same text under another link.
    content_hash = models.CharField(max_length=64, db_index=True)
    # The search key of title + lead + body (ravabet.persian.search_key), for watches.
    search_text = models.TextField(blank=True)
    # The MinHash signature (stories.py), kept to check a candidate near-copy exactly.
    signature = models.BinaryField(blank=True, default=b"")
    story = models.ForeignKey(
        Story, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    # When the after-commit steps (its story, its mentions and their tone) had all run; null
    # until then, so a sweep finds the articles whose steps a killed worker never finished.
    settled_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("خبر")
        verbose_name_plural = _("خبرها")
        indexes = [models.Index(fields=["story", "published_at"])]

    def __str__(self) -> str:
        return self.title


class ArticleBand(models.Model):
    """One band of an article's MinHash signature, hashed: articles sharing a band are
    candidate near-copies (LSH). Band numbers 0…b-1; `value` a signed 64-bit hash."""

    # No index of its own: the unique (article, band) below starts with it (one index fewer
    # of 32 rows an article to write into during an import).
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="bands", db_index=False
    )
    band = models.PositiveSmallIntegerField()
    value = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["band", "value"])]
        constraints = [
            models.UniqueConstraint(fields=["article", "band"], name="monitoring_one_value_a_band")
        ]

    def __str__(self) -> str:
        return f"{self.article_id}:{self.band}"


class IngestRun(models.Model):
    """One import of a file or poll of a feed: what came in, for the source's health page and
    for a run that resumes after its worker was killed (`position` = lines done)."""

    class Status(models.TextChoices):
        RUNNING = "running", _("در حال اجرا")
        DONE = "done", _("پایان")
        FAILED = "failed", _("خطا")

    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.CASCADE, related_name="runs"
    )
    label = models.CharField(max_length=500)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    position = models.PositiveIntegerField(default=0)
    seen = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(position__gte=0), name="monitoring_run_position")
        ]

    def __str__(self) -> str:
        return self.label


class Watch(models.Model):
    """What means "about us" for an agency (its names, people, places, keywords), or a person's
    own saved search (no agency: then `owner`). `terms` and `exclude` hold one term or phrase a
    line as people wrote them; `keys` and `exclude_keys` their search keys
    (ravabet.persian.search_key), computed when the watch is saved (watches.watch_save), so
    matching never computes them again."""

    class Kind(models.TextChoices):
        NAME = "name", _("نام دستگاه")
        PERSON = "person", _("شخص")
        PLACE = "place", _("مکان")
        KEYWORD = "keyword", _("کلیدواژه")
        SEARCH = "search", _("جست‌وجوی ذخیره‌شده")

    agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="watches",
        verbose_name=_("دستگاه"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="saved_searches",
        verbose_name=_("صاحب"),
    )
    name = models.CharField(_("نام"), max_length=200)
    kind = models.CharField(_("نوع"), max_length=10, choices=Kind.choices, default=Kind.KEYWORD)
    terms = models.TextField(_("عبارت‌ها"), help_text=_("هر عبارت در یک سطر"))
    exclude = models.TextField(_("عبارت‌های ناقض"), blank=True, help_text=_("هر عبارت در یک سطر"))
    keys = models.JSONField(default=list, blank=True)
    exclude_keys = models.JSONField(default=list, blank=True)
    is_active = models.BooleanField(_("فعال"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("پایش")
        verbose_name_plural = _("پایش‌ها")
        constraints = [
            models.CheckConstraint(
                condition=Q(agency__isnull=False) | Q(owner__isnull=False),
                name="monitoring_watch_agency_or_owner",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Mention(models.Model):
    """One article matched by one watch, with the passage that matched. `tone` is decided later
    (a lexicon, a classifier, or an editor): null until then."""

    class Tone(models.TextChoices):
        NEGATIVE = "negative", _("منفی")
        NEUTRAL = "neutral", _("خنثی")
        POSITIVE = "positive", _("مثبت")

    class ToneSource(models.TextChoices):
        LEXICON = "lexicon", _("واژه‌نامه")
        CLASSIFIER = "classifier", _("دسته‌بند")
        EDITOR = "editor", _("ویراستار")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="mentions")
    watch = models.ForeignKey(Watch, on_delete=models.CASCADE, related_name="mentions")
    # The watch's agency, copied (null for a saved search): an agency's mentions in one query.
    agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="mentions",
    )
    passage = models.TextField(_("بند"), blank=True)
    term = models.CharField(_("عبارت"), max_length=200, blank=True)
    # null: not decided yet (a lexicon or classifier run decides; "" would read as a decision).
    tone = models.CharField(  # noqa: DJ001
        _("لحن"), max_length=10, choices=Tone.choices, null=True, blank=True, default=None
    )
    tone_source = models.CharField(max_length=12, choices=ToneSource.choices, blank=True)
    # 0…1: the classifier's probability of its tone, or the lexicon's |score| squashed; 1.0
    # for an editor.
    tone_confidence = models.FloatField(null=True, blank=True)
    # The lexicon's raw score (sum of weights of its terms found in the passage), kept to show
    # why: positive leans positive.
    tone_score = models.FloatField(null=True, blank=True)
    labelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("برچسب‌زن"),
    )
    labelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("بازتاب")
        verbose_name_plural = _("بازتاب‌ها")
        indexes = [models.Index(fields=["agency", "created_at"])]
        constraints = [
            models.UniqueConstraint(fields=["article", "watch"], name="monitoring_one_mention")
        ]

    def __str__(self) -> str:
        return f"{self.watch_id}:{self.article_id}"


class ToneTerm(models.Model):
    """One line of the tone lexicon that people read and edit: a word or phrase and how it
    leans (−3 very negative … +3 very positive). `key` is its search key, matched against the
    passage's search key, so spelling variants count the same."""

    term = models.CharField(_("واژه یا عبارت"), max_length=200)
    key = models.CharField(max_length=200, unique=True)
    weight = models.SmallIntegerField(_("وزن"))
    note = models.CharField(_("یادداشت"), max_length=300, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["term"]
        verbose_name = _("واژهٔ لحن")
        verbose_name_plural = _("واژه‌نامهٔ لحن")
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=-3, weight__lte=3) & ~Q(weight=0),
                name="monitoring_tone_weight",
            )
        ]

    def __str__(self) -> str:
        return self.term


class ToneModel(models.Model):
    """A classifier trained on the editors' labels. `params` holds what it learned as plain
    JSON (vocabulary, coefficients, intercepts, classes) — never a pickle, which would run
    code on load. The newest row with `is_current` decides."""

    params = models.JSONField(default=dict)
    label_count = models.PositiveIntegerField(default=0)
    # Accuracy measured by cross-validation on the labels it was trained on (0…1).
    accuracy = models.FloatField(null=True, blank=True)
    is_current = models.BooleanField(default=False, db_index=True)
    trained_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-trained_at", "-id"]
        verbose_name = _("مدل لحن")

    def __str__(self) -> str:
        return f"tone model {self.pk}"


class Narrative(models.Model):
    """A topic: stories whose words rise together over a window, found by narratives.build.
    `terms` = [[word, weight], …], best first."""

    label = models.CharField(_("روایت"), max_length=300)
    terms = models.JSONField(default=list)
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    story_count = models.PositiveIntegerField(default=0)
    article_count = models.PositiveIntegerField(default=0)
    built_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-article_count", "id"]
        verbose_name = _("روایت")
        verbose_name_plural = _("روایت‌ها")

    def __str__(self) -> str:
        return self.label


class Alert(models.Model):
    """An episode of more negative mentions of an agency (or more matches of a saved search)
    than usual. One row an episode: opened when the count passes the threshold, notified
    once, closed (`ended_at`) when the count falls back; a new rise is a new episode."""

    class Kind(models.TextChoices):
        NEGATIVE = "negative", _("افزایش بازتاب منفی")
        SEARCH = "search", _("افزایش نتایج جست‌وجوی ذخیره‌شده")

    kind = models.CharField(_("نوع"), max_length=10, choices=Kind.choices)
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.CASCADE, related_name="media_alerts"
    )
    watch = models.ForeignKey(
        Watch, null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )
    title = models.CharField(_("عنوان"), max_length=500)
    started_at = models.DateTimeField(_("آغاز"), db_index=True)
    last_seen_at = models.DateTimeField(_("آخرین بررسی"))
    ended_at = models.DateTimeField(_("پایان"), null=True, blank=True)
    # In the window that opened it: how many, against the usual level and the threshold.
    count = models.PositiveIntegerField(default=0)
    peak = models.PositiveIntegerField(default=0)
    baseline = models.FloatField(default=0)
    threshold = models.FloatField(default=0)
    notified_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("هشدار")
        verbose_name_plural = _("هشدارها")
        constraints = [
            models.CheckConstraint(
                condition=Q(agency__isnull=False) | Q(watch__isnull=False),
                name="monitoring_alert_agency_or_watch",
            ),
            # At most one open episode per agency and kind, and per saved search.
            models.UniqueConstraint(
                fields=["kind", "agency"],
                condition=Q(ended_at__isnull=True, watch__isnull=True),
                name="monitoring_one_open_alert_agency",
            ),
            models.UniqueConstraint(
                fields=["kind", "watch"],
                condition=Q(ended_at__isnull=True, watch__isnull=False),
                name="monitoring_one_open_alert_watch",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Bulletin(models.Model):
    """The daily press-clipping bulletin (بولتن خبری) of one agency for one Tehran day; the
    directorate's covers every agency. Built by a task each morning or on demand; editors
    pick or drop clippings and write a summary while it is a draft; sending e-mails the PDF."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("پیش‌نویس")
        SENT = "sent", _("ارسال‌شده")

    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="bulletins", verbose_name=_("دستگاه")
    )
    day = models.DateField(_("روز"))  # the Gregorian date of the Tehran day it covers
    status = models.CharField(
        _("وضعیت"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    summary = models.TextField(_("خلاصه"), blank=True)
    # The day's figures when built (counts by tone, outlets, stories) for the page and the PDF.
    figures = models.JSONField(default=dict, blank=True)
    built_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-day", "agency__name"]
        verbose_name = _("بولتن خبری")
        verbose_name_plural = _("بولتن‌های خبری")
        constraints = [
            models.UniqueConstraint(fields=["agency", "day"], name="monitoring_one_bulletin_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}:{self.day}"


class BulletinItem(models.Model):
    """One clipping in a bulletin: an article (with the mention that brought it), kept or
    dropped by an editor, in the order shown."""

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="items")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    mention = models.ForeignKey(
        Mention, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    story = models.ForeignKey(
        Story, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tone = models.CharField(max_length=10, choices=Mention.Tone.choices, blank=True)
    included = models.BooleanField(_("در بولتن"), default=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["bulletin", "article"], name="monitoring_one_clipping")
        ]

    def __str__(self) -> str:
        return f"{self.bulletin_id}:{self.article_id}"
