"""The citizen desk: a citizen's message to an agency, what happened to it, and its answer.

A message is received (into an agency's inbox, or into the directorate's triage when the
citizen did not know the agency), assigned to an officer, answered in public words, rated or
reopened once by the citizen, and closed. Its clock (`due_at`) counts working days of the
kernel's calendar from its receipt. Personal data (name, mobile, e-mail) is kept apart from
what is shown: the agency reads it only through an audited reveal, and never when the citizen
asked to stay anonymous to the agency. Another capability's message (an investment inquiry)
comes through the same door with its own kind, channel and `about` record.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ravabet.core.organisation.models import Agency, County
from ravabet.core.uploads import private_storage
from ravabet.desk import tracking

ATTACHMENT_FILES = "desk.attachment"


class Kind(models.TextChoices):
    QUESTION = "question", _("پرسش")
    REQUEST = "request", _("درخواست")
    COMPLAINT = "complaint", _("شکایت")
    SUGGESTION = "suggestion", _("پیشنهاد")
    APPRECIATION = "appreciation", _("قدردانی")
    # Messages that come from another capability rather than the public form.
    INQUIRY = "inquiry", _("استعلام")


# The kinds a citizen picks on the public form (and Open311 offers as services).
PUBLIC_KINDS = (Kind.QUESTION, Kind.REQUEST, Kind.COMPLAINT, Kind.SUGGESTION, Kind.APPRECIATION)


class Status(models.TextChoices):
    TRIAGE = "triage", _("در انتظار ارجاع")
    RECEIVED = "received", _("دریافت‌شده")
    IN_PROGRESS = "in_progress", _("در دست بررسی")
    ANSWERED = "answered", _("پاسخ داده شده")
    REOPENED = "reopened", _("بازگشایی‌شده")
    CLOSED = "closed", _("بسته")
    MERGED = "merged", _("ادغام‌شده")
    SPAM = "spam", _("هرزنامه")


# Waiting for the agency (or the directorate): the clock runs.
OPEN_STATUSES = (Status.TRIAGE, Status.RECEIVED, Status.IN_PROGRESS, Status.REOPENED)
# Counted in the public figures (merged duplicates and spam are not messages of their own).
COUNTED_EXCLUDE = (Status.MERGED, Status.SPAM)


class Channel(models.TextChoices):
    WEB = "web", _("پیشخوان وب")
    OPEN311 = "open311", _("Open311")
    API = "api", _("API")
    OTHER = "other", _("سامانهٔ دیگر")


class Message(models.Model):
    tracking_code = models.CharField(_("کد رهگیری"), max_length=tracking.LENGTH, unique=True)
    kind = models.CharField(_("نوع"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("مسیر"), max_length=20, choices=Channel.choices, default="web")
    status = models.CharField(
        _("وضعیت"), max_length=20, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    # None while in triage (the citizen chose «نمی‌دانم»).
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("دستگاه"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="desk_messages",
    )
    county = models.ForeignKey(
        County,
        verbose_name=_("شهرستان"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    subject = models.CharField(_("موضوع"), max_length=200)
    body = models.TextField(_("متن"))
    # Personal data: shown to the handling agency only through an audited reveal.
    citizen_name = models.CharField(_("نام"), max_length=150, blank=True)
    mobile = models.CharField(_("تلفن همراه"), max_length=11, blank=True)
    email = models.EmailField(_("رایانامه"), blank=True)
    is_anonymous = models.BooleanField(_("ناشناس برای دستگاه"), default=False)
    # Where it points, for a message about another capability's record (an opportunity).
    about_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    about_id = models.CharField(max_length=64, blank=True)
    about_title = models.CharField(_("دربارهٔ"), max_length=300, blank=True)
    # Open311 requests may carry a place.
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    address = models.CharField(_("نشانی"), max_length=300, blank=True)
    # Who filed it through the API (an Open311 client's token owner), if not a citizen form.
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("کارشناس"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="desk_assigned",
    )
    # A transfer an agency asked for, waiting for the directorate.
    transfer_to = models.ForeignKey(
        Agency,
        verbose_name=_("ارجاع پیشنهادی به"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    transfer_reason = models.TextField(_("دلیل ارجاع"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("ادغام در"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
    )

    # The clock: working days given at receipt, and when they run out.
    sla_days = models.PositiveSmallIntegerField(_("مهلت (روز کاری)"))
    due_at = models.DateTimeField(_("مهلت پاسخ"), db_index=True)
    escalated_at = models.DateTimeField(_("گزارش تأخیر به استانداری"), null=True, blank=True)

    answer = models.TextField(_("پاسخ"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("زمان پاسخ"), null=True, blank=True)
    # The first answer, for the public figures: how many working days it took, within the SLA.
    first_answered_at = models.DateTimeField(null=True, blank=True)
    first_answer_days = models.PositiveIntegerField(null=True, blank=True)
    answered_in_time = models.BooleanField(null=True, blank=True)

    reopen_count = models.PositiveSmallIntegerField(default=0)
    reopen_reason = models.TextField(_("دلیل بازگشایی"), blank=True)
    rating = models.PositiveSmallIntegerField(_("رضایت"), null=True, blank=True)
    rating_comment = models.TextField(_("نظر شهروند"), blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    # Until when one worker holds the sending of the confirmation (services.confirmation_claim):
    # the confirmation task is enqueued again by every clock sweep, and two workers must not
    # both send it; a worker killed while sending lets the claim run out and the sweep resends.
    confirmation_claimed_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("زمان دریافت"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("پیام مردمی")
        verbose_name_plural = _("پیام‌های مردمی")
        indexes = [
            models.Index(fields=["agency", "status", "due_at"]),
            models.Index(fields=["agency", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | (Q(rating__gte=1) & Q(rating__lte=5)),
                name="desk_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(agency__isnull=False) | Q(status__in=["triage", "spam", "merged"]),
                name="desk_agency_unless_triage",
            ),
        ]

    def __str__(self) -> str:
        return f"{tracking.display(self.tracking_code)} {self.subject}"

    @property
    def code_display(self) -> str:
        return tracking.display(self.tracking_code)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class MessageEvent(models.Model):
    """One step of a message's timeline. Internal notes and the staff's names stay inside:
    the citizen's page shows only public steps, in the agency's name."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("دریافت شد")
        ROUTED = "routed", _("به دستگاه ارجاع شد")
        ASSIGNED = "assigned", _("به کارشناس سپرده شد")
        TRANSFER_REQUESTED = "transfer_requested", _("درخواست ارجاع به دستگاه دیگر")
        TRANSFERRED = "transferred", _("به دستگاه دیگر ارجاع شد")
        TRANSFER_REFUSED = "transfer_refused", _("ارجاع پذیرفته نشد")
        NOTE = "note", _("یادداشت داخلی")
        ANSWERED = "answered", _("پاسخ داده شد")
        REOPENED = "reopened", _("بازگشایی شد")
        RATED = "rated", _("ارزیابی شد")
        CLOSED = "closed", _("بسته شد")
        MERGED = "merged", _("با پیام دیگری ادغام شد")
        SPAM = "spam", _("هرزنامه شناخته شد")
        ESCALATED = "escalated", _("تأخیر به استانداری گزارش شد")

    # The steps a citizen sees on the tracking page.
    PUBLIC = (
        Kind.RECEIVED,
        Kind.ROUTED,
        Kind.ASSIGNED,
        Kind.TRANSFERRED,
        Kind.ANSWERED,
        Kind.REOPENED,
        Kind.RATED,
        Kind.CLOSED,
        Kind.MERGED,
    )

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(blank=True)
    is_public = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.message_id}: {self.kind}"


class Attachment(models.Model):
    """A citizen's file: personal data, in private storage, seen by the handling agency."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(
        _("پیوست"), upload_to="desk/attachments/%Y/%m/", storage=private_storage
    )
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.original_name or self.file.name


class SlaRule(models.Model):
    """How many working days an agency has to answer a kind of message (the directorate's)."""

    kind = models.CharField(_("نوع"), max_length=20, choices=Kind.choices, unique=True)
    working_days = models.PositiveSmallIntegerField(_("مهلت (روز کاری)"))

    class Meta:
        verbose_name = _("مهلت پاسخ")
        verbose_name_plural = _("مهلت‌های پاسخ")
        constraints = [
            models.CheckConstraint(
                condition=Q(working_days__gte=1) & Q(working_days__lte=90), name="desk_sla_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.working_days}"


class ReplyTemplate(models.Model):
    """A ready answer an officer starts from: an agency's own, or the directorate's for all."""

    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.CASCADE, related_name="reply_templates"
    )
    title = models.CharField(_("عنوان"), max_length=200)
    body = models.TextField(_("متن"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("پاسخ آماده")
        verbose_name_plural = _("پاسخ‌های آماده")

    def __str__(self) -> str:
        return self.title
