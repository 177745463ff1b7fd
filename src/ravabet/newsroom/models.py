"""Releases (news, press releases, rebuttals, reports), their media, tags and corrections."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ravabet.core import uploads
from ravabet.core.organisation.models import Agency, County
from ravabet.core.uploads import private_storage

# The keys under which the newsroom's files are served (/files/<key>/…; newsroom/media.py).
IMAGE_FILES = "newsroom.image"
ATTACHMENT_FILES = "newsroom.attachment"


class Category(models.Model):
    slug = models.SlugField(unique=True, max_length=64)
    name = models.CharField(_("نام"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("دسته")
        verbose_name_plural = _("دسته‌ها")

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    """A free tag; the name is stored normalized, so one tag has one spelling."""

    name = models.CharField(_("نام"), max_length=80, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("برچسب")
        verbose_name_plural = _("برچسب‌ها")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("newsroom:tag", kwargs={"name": self.name})


class Release(models.Model):
    class Kind(models.TextChoices):
        NEWS = "news", _("خبر")
        PRESS_RELEASE = "press_release", _("اطلاعیه")
        REBUTTAL = "rebuttal", _("جوابیه")
        REPORT = "report", _("گزارش")

    class Status(models.TextChoices):
        DRAFT = "draft", _("پیش‌نویس")
        SUBMITTED = "submitted", _("در انتظار تأیید")
        RETURNED = "returned", _("برگشت برای اصلاح")
        SCHEDULED = "scheduled", _("زمان‌بندی‌شده")
        PUBLISHED = "published", _("منتشرشده")
        WITHDRAWN = "withdrawn", _("پس‌گرفته")

    agency = models.ForeignKey(
        Agency, verbose_name=_("دستگاه"), on_delete=models.PROTECT, related_name="releases"
    )
    supporting_agencies = models.ManyToManyField(
        Agency, verbose_name=_("دستگاه‌های همکار"), blank=True, related_name="supported_releases"
    )
    kind = models.CharField(_("نوع"), max_length=16, choices=Kind.choices, default=Kind.NEWS)
    kicker = models.CharField(_("روتیتر"), max_length=300, blank=True)
    headline = models.CharField(_("تیتر"), max_length=300)
    lead = models.TextField(_("لید"), blank=True)
    body = models.TextField(_("متن"), blank=True, help_text=_("HTML پاک‌سازی‌شده"))
    # The text as it came from outside (an imported file), so nothing is lost by normalizing.
    source_text = models.TextField(_("متن اصلی واردشده"), blank=True)
    # A rebuttal answers a published report: one of ours, or one elsewhere.
    responds_to = models.ForeignKey(
        "self",
        verbose_name=_("در پاسخ به"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responses",
    )
    responds_to_url = models.URLField(_("نشانی گزارش پاسخ‌داده‌شده"), blank=True)
    responds_to_title = models.CharField(_("عنوان گزارش پاسخ‌داده‌شده"), max_length=300, blank=True)
    tags = models.ManyToManyField(
        Tag, verbose_name=_("برچسب‌ها"), blank=True, related_name="releases"
    )
    category = models.ForeignKey(
        Category, verbose_name=_("دسته"), null=True, blank=True, on_delete=models.SET_NULL
    )
    county = models.ForeignKey(
        County, verbose_name=_("شهرستان"), null=True, blank=True, on_delete=models.SET_NULL
    )
    status = models.CharField(
        _("وضعیت"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    scheduled_for = models.DateTimeField(_("زمان انتشار"), null=True, blank=True)
    published_at = models.DateTimeField(_("زمان انتشار"), null=True, blank=True, db_index=True)
    withdrawn_at = models.DateTimeField(_("زمان پس‌گرفتن"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("دلیل پس‌گرفتن"), blank=True)
    return_reason = models.TextField(_("دلیل برگشت"), blank=True)
    featured_at = models.DateTimeField(_("ویژهٔ صفحهٔ اول از"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("خبر")
        verbose_name_plural = _("اخبار و اطلاعیه‌ها")
        indexes = [models.Index(fields=["status", "-published_at"])]

    def __str__(self) -> str:
        return self.headline

    def get_absolute_url(self) -> str:
        return reverse("newsroom:release", kwargs={"pk": self.pk})

    def get_backoffice_url(self) -> str:
        return reverse("newsroom:bo_detail", kwargs={"pk": self.pk})

    @property
    def is_public(self) -> bool:
        return self.status in {self.Status.PUBLISHED, self.Status.WITHDRAWN}

    @property
    def is_editable(self) -> bool:
        return self.status in {self.Status.DRAFT, self.Status.RETURNED}


class ReleaseImage(models.Model):
    """A picture of a release, re-encoded at upload, kept private until the release is public."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="images")
    # A random name with the extension of the content (core/uploads), in private storage.
    image = models.ImageField(
        _("تصویر"), upload_to="newsroom/images/%Y/%m/", storage=private_storage
    )
    caption = models.CharField(_("زیرنویس"), max_length=300, blank=True)
    alt_text = models.CharField(_("متن جایگزین"), max_length=300)
    position = models.PositiveSmallIntegerField(default=0)
    # The uploader's file name, for display only.
    original_name = models.CharField(_("نام پروندهٔ اصلی"), max_length=200, blank=True)
    content_type = models.CharField(_("نوع محتوا"), max_length=100)
    size = models.PositiveIntegerField(default=0)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("تصویر")
        verbose_name_plural = _("تصویرها")

    def __str__(self) -> str:
        return self.alt_text

    @property
    def url(self) -> str:
        return uploads.file_url(IMAGE_FILES, self)


class ReleaseAttachment(models.Model):
    """A document of a release, checked by content at upload, private until the release is."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(
        _("پرونده"), upload_to="newsroom/attachments/%Y/%m/", storage=private_storage
    )
    title = models.CharField(_("عنوان"), max_length=300)
    size = models.PositiveIntegerField(default=0)
    original_name = models.CharField(_("نام پروندهٔ اصلی"), max_length=200, blank=True)
    content_type = models.CharField(_("نوع محتوا"), max_length=100)

    class Meta:
        ordering = ["id"]
        verbose_name = _("پیوست")
        verbose_name_plural = _("پیوست‌ها")

    def __str__(self) -> str:
        return self.title

    @property
    def url(self) -> str:
        return uploads.file_url(ATTACHMENT_FILES, self)

    @property
    def kind_label(self) -> str:
        """What the file is, from its stored content type ("PDF", "Word (docx)")."""
        return uploads.label_for(self.content_type)


class Correction(models.Model):
    """A visible note on a published release saying what was corrected and when."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="corrections")
    note = models.TextField(_("یادداشت اصلاح"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("اصلاحیه")
        verbose_name_plural = _("اصلاحیه‌ها")

    def __str__(self) -> str:
        return self.note[:80]


class Subscription(models.Model):
    """A journalist's or citizen's e-mail subscription to an agency or a tag."""

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", _("بی‌درنگ، با هر خبر")
        DAILY = "daily", _("خلاصهٔ روزانه")

    email = models.EmailField(_("پست الکترونیک"))
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.CASCADE, related_name="subscriptions"
    )
    tag = models.ForeignKey(
        Tag, null=True, blank=True, on_delete=models.CASCADE, related_name="subscriptions"
    )
    frequency = models.CharField(
        _("دفعات"), max_length=16, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_digest_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("اشتراک")
        verbose_name_plural = _("اشتراک‌ها")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(agency__isnull=False) | models.Q(tag__isnull=False),
                name="subscription_has_topic",
            ),
            models.UniqueConstraint(
                fields=["email", "agency", "tag"], name="one_subscription_per_topic"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.agency or self.tag}"

    @property
    def topic(self) -> str:
        return str(self.agency or self.tag)


class ReleaseViews(models.Model):
    """How many times a release's public page was read on one Tehran day, by people (not
    bots). Counted in the cache on each request, before the page cache answers, and written
    here by a periodic flush (newsroom/pageviews.py): the figure behind «بازدید خبرها»."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="daily_views")
    day = models.DateField(_("روز"))
    count = models.PositiveIntegerField(_("بازدید"), default=0)

    class Meta:
        verbose_name = _("بازدید روزانهٔ خبر")
        verbose_name_plural = _("بازدیدهای روزانهٔ خبرها")
        constraints = [
            models.UniqueConstraint(fields=["release", "day"], name="newsroom_one_views_a_day")
        ]
        indexes = [models.Index(fields=["day", "release"])]

    def __str__(self) -> str:
        return f"{self.release_id} {self.day}: {self.count}"
