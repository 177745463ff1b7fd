"""The investment catalogue: opportunities (projects an investor can put money in), the
government's support programmes, and investors' inquiries (each one a citizen-desk message,
with the pipeline's outcome kept here).

Money is kept in rials as an integer (`BigIntegerField`): the parser (`ravabet.persian.money`)
takes what people type, the pages show rials and tomans with Persian digits and words.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ravabet.core.organisation.models import Agency, County
from ravabet.core.uploads import private_storage

DOCUMENT_FILES = "investment.document"
IMAGE_FILES = "investment.image"


class Sector(models.TextChoices):
    AGRICULTURE = "agriculture", _("کشاورزی و صنایع غذایی")
    INDUSTRY = "industry", _("صنعت")
    MINING = "mining", _("معدن")
    TOURISM = "tourism", _("گردشگری")
    ENERGY = "energy", _("انرژی")
    HOUSING = "housing", _("مسکن و ساختمان")
    TRANSPORT = "transport", _("حمل‌ونقل و لجستیک")
    HEALTH = "health", _("سلامت")
    ICT = "ict", _("فناوری اطلاعات و ارتباطات")
    WATER = "water", _("آب و محیط زیست")
    SERVICES = "services", _("خدمات و بازرگانی")


class Participation(models.TextChoices):
    """How an investor takes part; an opportunity offers one or more (a boolean field each)."""

    DIRECT = "direct", _("سرمایه‌گذاری مستقیم")
    PARTNERSHIP = "partnership", _("مشارکت")
    BOT = "bot", _("ساخت، بهره‌برداری و واگذاری (BOT)")
    LEASE = "lease", _("اجاره")


class Status(models.TextChoices):
    """The editorial workflow (services/workflow.py): the agency writes and its head approves;
    the directorate publishes in the province's catalogue."""

    DRAFT = "draft", _("پیش‌نویس")
    SUBMITTED = "submitted", _("در انتظار تأیید")
    APPROVED = "approved", _("تأییدشده")
    PUBLISHED = "published", _("منتشرشده")
    ARCHIVED = "archived", _("بایگانی‌شده")


class LandStatus(models.TextChoices):
    READY = "ready", _("زمین آماده و تملک‌شده")
    ALLOCATING = "allocating", _("در حال واگذاری")
    TO_ACQUIRE = "to_acquire", _("نیازمند تملک")
    INVESTOR = "investor", _("با سرمایه‌گذار")
    NOT_NEEDED = "not_needed", _("زمین لازم ندارد")


class PermitStatus(models.TextChoices):
    ISSUED = "issued", _("مجوزها صادر شده")
    IN_PROGRESS = "in_progress", _("در دست صدور")
    NOT_STARTED = "not_started", _("هنوز درخواست نشده")


class Opportunity(models.Model):
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="opportunities",
        verbose_name=_("دستگاه مسئول"),
    )
    status = models.CharField(
        _("وضعیت"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    title = models.CharField(_("عنوان"), max_length=200)
    summary = models.TextField(_("خلاصه"), max_length=600)
    description = models.TextField(_("شرح طرح"), blank=True)
    # For foreign investors: shown with lang="en" dir="ltr".
    title_en = models.CharField(_("عنوان انگلیسی"), max_length=200, blank=True)
    summary_en = models.TextField(_("خلاصهٔ انگلیسی"), max_length=1200, blank=True)
    sector = models.CharField(_("بخش"), max_length=16, choices=Sector.choices, db_index=True)
    county = models.ForeignKey(
        County,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opportunities",
        verbose_name=_("شهرستان"),
    )
    address = models.CharField(_("نشانی"), max_length=300, blank=True)
    latitude = models.FloatField(_("عرض جغرافیایی"), null=True, blank=True)
    longitude = models.FloatField(_("طول جغرافیایی"), null=True, blank=True)
    land_status = models.CharField(
        _("وضعیت زمین"), max_length=16, choices=LandStatus.choices, blank=True
    )
    permit_status = models.CharField(
        _("وضعیت مجوزها"), max_length=16, choices=PermitStatus.choices, blank=True
    )
    status_notes = models.TextField(_("توضیح زمین و مجوزها"), blank=True)
    # Rials (the official unit); tomans are shown beside, never stored.
    capital_rials = models.BigIntegerField(_("سرمایهٔ لازم (ریال)"), null=True, blank=True)
    # An optional estimate in US dollars: the figure, the rate used (rials per dollar), the
    # rate's date and its source, all shown together or not at all.
    usd_estimate = models.BigIntegerField(_("برآورد دلاری"), null=True, blank=True)
    usd_rate = models.BigIntegerField(_("نرخ دلار (ریال)"), null=True, blank=True)
    usd_rate_date = models.DateField(_("تاریخ نرخ"), null=True, blank=True)
    usd_rate_source = models.CharField(_("منبع نرخ"), max_length=200, blank=True)
    # The figures the agency publishes, with their assumptions.
    irr_percent = models.DecimalField(
        _("نرخ بازده داخلی (٪)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    payback_years = models.DecimalField(
        _("دورهٔ بازگشت سرمایه (سال)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    returns_assumptions = models.TextField(_("فرض‌های محاسبهٔ بازده"), blank=True)
    allows_direct = models.BooleanField(_("سرمایه‌گذاری مستقیم"), default=False)
    allows_partnership = models.BooleanField(_("مشارکت"), default=False)
    allows_bot = models.BooleanField(_("BOT"), default=False)
    allows_lease = models.BooleanField(_("اجاره"), default=False)
    contact_name = models.CharField(_("نام رابط"), max_length=150, blank=True)
    contact_phone = models.CharField(_("تلفن رابط"), max_length=30, blank=True)
    contact_email = models.EmailField(_("رایانامهٔ رابط"), blank=True)
    # What the agency's head wrote when returning it to its writer.
    return_reason = models.TextField(_("دلیل بازگرداندن"), blank=True)
    # Filled by the services: the share of the fields an investor needs (0–100).
    completeness = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # «Last updated» on the public page: content edits only (not views or workflow steps).
    updated_at = models.DateTimeField(_("آخرین به‌روزرسانی"))
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("فرصت سرمایه‌گذاری")
        verbose_name_plural = _("فرصت‌های سرمایه‌گذاری")
        indexes = [models.Index(fields=["status", "sector"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(capital_rials__isnull=True) | Q(capital_rials__gt=0),
                name="investment_capital_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("investment:detail", kwargs={"pk": self.pk})

    @property
    def is_public(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def participation(self) -> list[str]:
        """The participation models offered, as codes of `Participation`."""
        return [p for p in Participation.values if getattr(self, f"allows_{p}")]


class OpportunityDocument(models.Model):
    """A document of an opportunity (the feasibility study as PDF), checked by the kernel's
    upload mechanism, kept private until the opportunity is published."""

    class Kind(models.TextChoices):
        FEASIBILITY = "feasibility", _("مطالعهٔ امکان‌سنجی")
        PERMIT = "permit", _("مجوز")
        MAP = "map", _("نقشه")
        OTHER = "other", _("سایر")

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("نوع"), max_length=16, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(_("عنوان"), max_length=200)
    file = models.FileField(upload_to="investment/documents/%Y/%m/", storage=private_storage)
    original_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "id"]
        verbose_name = _("سند")
        verbose_name_plural = _("سندها")

    def __str__(self) -> str:
        return self.title


class OpportunityImage(models.Model):
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(upload_to="investment/images/%Y/%m/", storage=private_storage)
    alt_text = models.CharField(_("متن جایگزین"), max_length=300)
    position = models.PositiveSmallIntegerField(default=0)
    original_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("تصویر")
        verbose_name_plural = _("تصویرها")

    def __str__(self) -> str:
        return self.alt_text


class Programme(models.Model):
    """A government support programme for investors (حمایت): what it gives, who is eligible,
    on what legal basis, and the opportunities it applies to. Same workflow as opportunities."""

    class Kind(models.TextChoices):
        TAX = "tax", _("معافیت مالیاتی")
        FACILITY = "facility", _("تسهیلات بانکی")
        LAND = "land", _("واگذاری زمین")
        ONE_STOP = "one_stop", _("خدمات پنجرهٔ واحد")
        CUSTOMS = "customs", _("معافیت گمرکی")
        INSURANCE = "insurance", _("بیمه و تضمین")
        OTHER = "other", _("سایر")

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="programmes", verbose_name=_("دستگاه")
    )
    status = models.CharField(
        _("وضعیت"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    kind = models.CharField(_("نوع حمایت"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("عنوان"), max_length=200)
    summary = models.TextField(_("خلاصه"), max_length=1000)
    eligibility = models.TextField(_("شرایط برخورداری"))
    legal_basis = models.CharField(_("مبنای قانونی"), max_length=300)
    # Also by sector: a programme for all tourism projects applies to every tourism
    # opportunity without listing each (comma-separated Sector codes; empty: none by sector).
    sectors = models.CharField(_("بخش‌ها"), max_length=200, blank=True)
    opportunities = models.ManyToManyField(
        Opportunity, blank=True, related_name="programmes", verbose_name=_("فرصت‌ها")
    )
    return_reason = models.TextField(_("دلیل بازگرداندن"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(_("آخرین به‌روزرسانی"))
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "title", "id"]
        verbose_name = _("حمایت از سرمایه‌گذار")
        verbose_name_plural = _("حمایت‌ها")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("investment:programme", kwargs={"pk": self.pk})

    @property
    def sector_codes(self) -> list[str]:
        return [s for s in self.sectors.split(",") if s in Sector.values]


class CapitalRange(models.TextChoices):
    """What an inquirer says they could invest (tomans, the unit people speak in)."""

    UNDER_10B = "lt10b", _("کمتر از ۱۰ میلیارد تومان")
    UP_TO_100B = "10b-100b", _("۱۰ تا ۱۰۰ میلیارد تومان")
    UP_TO_1T = "100b-1t", _("۱۰۰ میلیارد تا ۱ همت")
    OVER_1T = "gt1t", _("بیش از ۱ همت")
    UNKNOWN = "unknown", _("هنوز نمی‌دانم")


class Inquiry(models.Model):
    """An investor's inquiry. The message itself (text, contact, tracking code, the SLA clock,
    the answer) is a citizen-desk message of kind «inquiry» in the agency's one inbox; this row
    keeps what the investment pipeline adds: the company, the capital range and the outcome."""

    class Outcome(models.TextChoices):
        OPEN = "open", _("در جریان")
        MEETING = "meeting", _("جلسه برگزار شد")
        MOU = "mou", _("تفاهم‌نامه امضا شد")
        DECLINED = "declined", _("منتفی شد")

    # The desk's Message (by its id: one capability does not import another's models).
    message_id = models.PositiveIntegerField(unique=True)
    tracking_code = models.CharField(max_length=32, db_index=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="inquiries")
    opportunity = models.ForeignKey(
        Opportunity, null=True, blank=True, on_delete=models.SET_NULL, related_name="inquiries"
    )
    programme = models.ForeignKey(
        Programme, null=True, blank=True, on_delete=models.SET_NULL, related_name="inquiries"
    )
    company = models.CharField(_("شرکت"), max_length=200, blank=True)
    is_foreign = models.BooleanField(_("سرمایه‌گذار خارجی"), default=False)
    capital_range = models.CharField(
        _("سرمایهٔ در نظر"), max_length=16, choices=CapitalRange.choices, default="unknown"
    )
    outcome = models.CharField(
        _("نتیجه"), max_length=16, choices=Outcome.choices, default=Outcome.OPEN, db_index=True
    )
    outcome_reason = models.TextField(_("توضیح نتیجه"), blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("درخواست سرمایه‌گذار")
        verbose_name_plural = _("درخواست‌های سرمایه‌گذاران")
        constraints = [
            models.CheckConstraint(
                condition=Q(opportunity__isnull=False) | Q(programme__isnull=False),
                name="investment_inquiry_about_something",
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_code

    @property
    def code_display(self) -> str:
        """The tracking code as the desk and the investor see it («۴۸۲۷-۱۹۳۵-۰۶۱۲»)."""
        from ravabet.desk import selectors as desk_selectors

        return desk_selectors.tracking_display(self.tracking_code)
