"""The directorate's coordination desk: directives (بخشنامه) with read receipts and reports,
the province's annual communications plan with quarterly progress, and the PR offices'
scorecards (indicators computed by the capabilities, weights set by the directorate).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ravabet.core.organisation.models import Agency
from ravabet.core.uploads import private_storage
from ravabet.persian import to_persian_digits

ATTACHMENT_FILES = "coordination.attachment"


# --- directives ---------------------------------------------------------------------------


class Directive(models.Model):
    class Urgency(models.TextChoices):
        NORMAL = "normal", _("عادی")
        URGENT = "urgent", _("فوری")
        IMMEDIATE = "immediate", _("آنی")

    class Status(models.TextChoices):
        DRAFT = "draft", _("پیش‌نویس")
        ISSUED = "issued", _("ابلاغ‌شده")
        REVOKED = "revoked", _("لغوشده")

    # «۱۴۰۵/۰۱۲»: the Jalali year and a running number, given when issued.
    number = models.CharField(_("شماره"), max_length=32, blank=True, db_index=True)
    subject = models.CharField(_("موضوع"), max_length=300)
    text = models.TextField(_("متن"))
    urgency = models.CharField(
        _("فوریت"), max_length=16, choices=Urgency.choices, default=Urgency.NORMAL
    )
    status = models.CharField(
        _("وضعیت"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    # Every active agency, or the listed ones (receipts are written for them when issued).
    to_all = models.BooleanField(_("همهٔ دستگاه‌ها"), default=True)
    audience = models.ManyToManyField(
        Agency, blank=True, related_name="directives", verbose_name=_("دستگاه‌های مخاطب")
    )
    action_required = models.BooleanField(_("نیازمند اقدام و گزارش"), default=False)
    deadline = models.DateField(_("مهلت گزارش"), null=True, blank=True)
    # The acknowledgement is due this many working days after issue (the "on time" of the
    # indicator «بخشنامه‌های تأییدشده در مهلت»).
    acknowledge_days = models.PositiveSmallIntegerField(_("مهلت تأیید (روز کاری)"), default=3)
    issued_at = models.DateTimeField(_("تاریخ ابلاغ"), null=True, blank=True, db_index=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_reason = models.TextField(_("دلیل لغو"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("بخشنامه")
        verbose_name_plural = _("بخشنامه‌ها")
        constraints = [
            models.UniqueConstraint(
                fields=["number"], condition=~Q(number=""), name="coordination_directive_number"
            ),
            models.CheckConstraint(
                condition=Q(action_required=True) | Q(deadline__isnull=True),
                name="coordination_deadline_needs_action",
            ),
        ]

    def __str__(self) -> str:
        return f"{to_persian_digits(self.number)} {self.subject}".strip()

    def get_absolute_url(self) -> str:
        return reverse("coordination:directive", kwargs={"pk": self.pk})


class DirectiveAttachment(models.Model):
    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("عنوان"), max_length=200)
    file = models.FileField(upload_to="coordination/%Y/%m/", storage=private_storage)
    original_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class Receipt(models.Model):
    """One agency's side of a directive: opened (the read receipt), acknowledged, reported."""

    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="receipts")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="receipts")
    opened_at = models.DateTimeField(_("باز شد"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("تأیید دریافت"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    report = models.TextField(_("گزارش اقدام"), blank=True)
    reported_at = models.DateTimeField(_("زمان گزارش"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reminders = models.PositiveSmallIntegerField(default=0)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["directive_id", "agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["directive", "agency"], name="coordination_one_receipt")
        ]
        indexes = [models.Index(fields=["agency", "acknowledged_at"])]

    def __str__(self) -> str:
        return f"{self.directive_id}:{self.agency_id}"


# --- the annual plan ----------------------------------------------------------------------


class Plan(models.Model):
    """The province's communications plan for one Jalali year."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("پیش‌نویس")
        ADOPTED = "adopted", _("مصوب")
        CLOSED = "closed", _("پایان‌یافته")

    year = models.PositiveSmallIntegerField(_("سال"), unique=True)  # Jalali, e.g. 1404
    title = models.CharField(_("عنوان"), max_length=300)
    summary = models.TextField(_("خلاصه"), blank=True)
    status = models.CharField(
        _("وضعیت"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("برنامهٔ سالانه")
        verbose_name_plural = _("برنامه‌های سالانه")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("coordination:plan", kwargs={"year": self.year})


class Goal(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(_("هدف"), max_length=300)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class PlanItem(models.Model):
    """A programme or campaign under a goal (the directorate's), or an agency's own plan under
    one of them (`parent`). A campaign may be tied to an occasion of the calendar."""

    class Kind(models.TextChoices):
        PROGRAMME = "programme", _("برنامه")
        CAMPAIGN = "campaign", _("پویش")
        AGENCY = "agency", _("برنامهٔ دستگاه")

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="items")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    kind = models.CharField(_("نوع"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("عنوان"), max_length=300)
    description = models.TextField(_("شرح"), blank=True)
    # The agency that wrote an agency's own plan; for programmes and campaigns, the owners.
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.CASCADE, related_name="plan_items"
    )
    owners = models.ManyToManyField(
        Agency, blank=True, related_name="owned_plan_items", verbose_name=_("دستگاه‌های مسئول")
    )
    # The core calendar's occasion id (a campaign around «روز ارتباطات»), by id: the kernel's.
    occasion_id = models.PositiveIntegerField(null=True, blank=True)
    target = models.CharField(_("هدف کمّی"), max_length=300, blank=True)
    starts_on = models.DateField(_("آغاز"))
    ends_on = models.DateField(_("پایان"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="coordination_item_dates"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Progress(models.Model):
    """A quarter's report on a plan item: how far (0–100), on track, late or done."""

    class Status(models.TextChoices):
        ON_TRACK = "on_track", _("طبق برنامه")
        LATE = "late", _("عقب‌تر از برنامه")
        DONE = "done", _("انجام‌شده")

    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="progress")
    quarter = models.PositiveSmallIntegerField(_("فصل"))  # 1..4 of the plan's Jalali year
    percent = models.PositiveSmallIntegerField(_("درصد پیشرفت"))
    status = models.CharField(_("وضعیت"), max_length=16, choices=Status.choices)
    note = models.TextField(_("توضیح"), blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reported_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["item_id", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["item", "quarter"], name="coordination_one_report"),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="coordination_quarter"
            ),
            models.CheckConstraint(condition=Q(percent__lte=100), name="coordination_percent"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}:Q{self.quarter}"


# --- indicators and ranking ---------------------------------------------------------------


class Weight(models.Model):
    """The directorate's weight for one registered indicator (core.registry.indicators), and
    its minimum volume (below it the value is shown, not scored). No row: weight 0."""

    indicator = models.CharField(max_length=64, unique=True)
    weight = models.PositiveSmallIntegerField(default=0)
    min_volume = models.PositiveIntegerField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.indicator}={self.weight}"


class Ranking(models.Model):
    """A computed ranking of a period, frozen with its weights and data: what the directorate
    releases (then each office sees its own scorecard and rank) and exports."""

    start = models.DateField(_("از"))
    end = models.DateField(_("تا"))  # exclusive
    title = models.CharField(_("عنوان"), max_length=200)
    # {indicator key: {"label", "unit", "weight", "min_volume", "higher_is_better", ...}}
    weights = models.JSONField(default=dict)
    computed_at = models.DateTimeField(auto_now_add=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-end", "-computed_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Scorecard(models.Model):
    """One office in a ranking: each indicator's value, volume, detail and link, its
    normalized score and weight (`values`), the total, the rank (None: below the minimum
    volume, not ranked)."""

    ranking = models.ForeignKey(Ranking, on_delete=models.CASCADE, related_name="scorecards")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="scorecards")
    values = models.JSONField(default=dict)
    score = models.FloatField(null=True, blank=True)
    rank = models.PositiveSmallIntegerField(null=True, blank=True)
    ranked = models.BooleanField(default=False)

    class Meta:
        ordering = ["rank", "agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["ranking", "agency"], name="coordination_one_card")
        ]

    def __str__(self) -> str:
        return f"{self.ranking_id}:{self.agency_id}"
