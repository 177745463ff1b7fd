"""Events of the PR network: meetings, trainings, press conferences and public events; who is
invited and who registered, the agenda and documents, the minutes and the resolutions (مصوبات)
followed to the end; and the occasions calendar (مناسبت‌ها) a PR office plans its content around.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ravabet.core import uploads
from ravabet.core.organisation.models import Agency
from ravabet.core.uploads import private_storage

# The key under which an event's documents are served (/files/<key>/…; events/media.py).
DOCUMENT_FILES = "events.document"
EVIDENCE_FILES = "events.evidence"


class Event(models.Model):
    class Kind(models.TextChoices):
        NETWORK_MEETING = "network_meeting", _("جلسهٔ شبکهٔ روابط عمومی")
        TRAINING = "training", _("دورهٔ آموزشی")
        PRESS_CONFERENCE = "press_conference", _("نشست خبری")
        PUBLIC_EVENT = "public_event", _("رویداد عمومی")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("برنامه‌ریزی‌شده")
        CANCELLED = "cancelled", _("لغوشده")

    class Invite(models.TextChoices):
        ALL = "all", _("همهٔ دستگاه‌ها")
        LIST = "list", _("فهرست دستگاه‌ها")
        KIND = "kind", _("گروهی از دستگاه‌ها (بر پایهٔ نوع)")

    title = models.CharField(_("عنوان"), max_length=300)
    description = models.TextField(_("شرح"), blank=True)
    kind = models.CharField(
        _("نوع"), max_length=32, choices=Kind.choices, default=Kind.NETWORK_MEETING
    )
    status = models.CharField(
        _("وضعیت"), max_length=16, choices=Status.choices, default=Status.SCHEDULED
    )
    cancel_reason = models.TextField(_("دلیل لغو"), blank=True)
    starts_at = models.DateTimeField(_("آغاز"), db_index=True)
    ends_at = models.DateTimeField(_("پایان"))
    venue = models.CharField(_("محل برگزاری"), max_length=300)
    address = models.CharField(_("نشانی"), max_length=500, blank=True)
    online_url = models.URLField(_("پیوند برخط"), max_length=500, blank=True)
    organizer = models.ForeignKey(
        Agency, verbose_name=_("برگزارکننده"), on_delete=models.PROTECT, related_name="events"
    )
    invite_mode = models.CharField(
        _("دعوت‌شدگان"), max_length=8, choices=Invite.choices, default=Invite.ALL
    )
    invite_kind = models.CharField(
        _("گروه دعوت‌شده"), max_length=32, choices=Agency.Kind.choices, blank=True
    )
    invited = models.ManyToManyField(
        Agency, verbose_name=_("دستگاه‌های دعوت‌شده"), blank=True, related_name="invitations"
    )
    capacity = models.PositiveIntegerField(
        _("ظرفیت"), null=True, blank=True, help_text=_("خالی: بدون سقف")
    )
    registration_deadline = models.DateTimeField(_("مهلت ثبت‌نام"), null=True, blank=True)
    is_public = models.BooleanField(_("عمومی"), default=True)
    minutes = models.TextField(_("صورت‌جلسه"), blank=True, help_text=_("HTML پاک‌سازی‌شده"))
    minutes_updated_at = models.DateTimeField(null=True, blank=True)
    # RFC 5545 SEQUENCE: raised on every change attendees' calendars must take.
    sequence = models.PositiveIntegerField(default=0)
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("رویداد")
        verbose_name_plural = _("رویدادها")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="event_capacity_positive",
            ),
        ]
        indexes = [models.Index(fields=["is_public", "status", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:detail", kwargs={"pk": self.pk})

    def get_backoffice_url(self) -> str:
        return reverse("events:bo_detail", kwargs={"pk": self.pk})

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def duration(self) -> dt.timedelta:
        return self.ends_at - self.starts_at

    @property
    def deadline(self) -> dt.datetime:
        """The last moment to register: the deadline set, or the start."""
        return self.registration_deadline or self.starts_at

    @property
    def is_past(self) -> bool:
        return self.ends_at <= timezone.now()

    @property
    def registration_open(self) -> bool:
        return not self.is_cancelled and timezone.now() < self.deadline

    def invites(self, agency: Agency) -> bool:
        """Whether the agency is invited (the organizer always is)."""
        if agency.pk == self.organizer_id:
            return True
        if self.invite_mode == self.Invite.ALL:
            return agency.is_active
        if self.invite_mode == self.Invite.KIND:
            return agency.is_active and agency.kind == self.invite_kind
        return self.invited.filter(pk=agency.pk).exists()

    def invited_agencies(self) -> models.QuerySet[Agency]:
        """Every agency invited, the organizer included."""
        if self.invite_mode == self.Invite.ALL:
            return Agency.objects.filter(Q(is_active=True) | Q(pk=self.organizer_id))
        if self.invite_mode == self.Invite.KIND:
            return Agency.objects.filter(
                Q(is_active=True, kind=self.invite_kind) | Q(pk=self.organizer_id)
            )
        return Agency.objects.filter(Q(invitations=self) | Q(pk=self.organizer_id)).distinct()

    @property
    def ical_uid(self) -> str:
        return f"event-{self.pk}@ravabet"


class AgendaItem(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveIntegerField(_("ردیف"), default=0)
    title = models.CharField(_("موضوع"), max_length=300)
    speaker = models.CharField(_("سخنران"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("آغاز"), null=True, blank=True)
    ends_at = models.DateTimeField(_("پایان"), null=True, blank=True)

    class Meta:
        ordering = ["position", "starts_at", "id"]
        verbose_name = _("بند دستور جلسه")
        verbose_name_plural = _("دستور جلسه")

    def __str__(self) -> str:
        return self.title


class EventDocument(models.Model):
    """A document of an event, checked by content at upload; private storage, served by the
    event's visibility (events/media.py)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(
        _("پرونده"), upload_to="events/documents/%Y/%m/", storage=private_storage
    )
    title = models.CharField(_("عنوان"), max_length=300)
    size = models.PositiveIntegerField(default=0)
    original_name = models.CharField(_("نام پروندهٔ اصلی"), max_length=200, blank=True)
    content_type = models.CharField(_("نوع محتوا"), max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("سند رویداد")
        verbose_name_plural = _("اسناد رویداد")

    def __str__(self) -> str:
        return self.title

    @property
    def url(self) -> str:
        return uploads.file_url(DOCUMENT_FILES, self)

    @property
    def kind_label(self) -> str:
        return uploads.label_for(self.content_type)


class Registration(models.Model):
    """One attendee an invited agency registered; the phone (digits only) identifies the person
    within an event."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("ثبت‌نام‌شده")
        CANCELLED = "cancelled", _("لغوشده")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    agency = models.ForeignKey(
        Agency, verbose_name=_("دستگاه"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("نام و نام خانوادگی"), max_length=200)
    role = models.CharField(_("سمت"), max_length=200, blank=True)
    phone = models.CharField(_("تلفن همراه"), max_length=16)
    email = models.EmailField(_("پست الکترونیک"), blank=True)
    status = models.CharField(
        _("وضعیت"), max_length=16, choices=Status.choices, default=Status.REGISTERED
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    attended_at = models.DateTimeField(_("حضور"), null=True, blank=True)

    class Meta:
        ordering = ["agency__name", "name", "id"]
        verbose_name = _("ثبت‌نام")
        verbose_name_plural = _("ثبت‌نام‌ها")
        constraints = [
            # One live registration per person (phone) per event; a cancelled one may be renewed.
            models.UniqueConstraint(
                fields=["event", "phone"],
                condition=Q(status="registered"),
                name="one_registration_per_phone",
            )
        ]
        indexes = [models.Index(fields=["event", "status"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.event})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.REGISTERED


class Resolution(models.Model):
    """A resolution (مصوبه) of an event: who does what by when, followed until done."""

    class Status(models.TextChoices):
        OPEN = "open", _("باز")
        IN_PROGRESS = "in_progress", _("در حال انجام")
        DONE = "done", _("انجام‌شده")
        CANCELLED = "cancelled", _("لغوشده")

    OPEN_STATES = (Status.OPEN, Status.IN_PROGRESS)

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="resolutions")
    number = models.PositiveIntegerField(_("شماره"))
    text = models.TextField(_("متن مصوبه"))
    responsible = models.ForeignKey(
        Agency,
        verbose_name=_("دستگاه مسئول"),
        on_delete=models.PROTECT,
        related_name="resolutions",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("مسئول پیگیری"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resolutions",
    )
    deadline = models.DateField(_("مهلت"))
    status = models.CharField(_("وضعیت"), max_length=16, choices=Status.choices, default="open")
    progress = models.PositiveSmallIntegerField(_("پیشرفت (درصد)"), default=0)
    evidence = models.TextField(_("مستندات انجام"), blank=True)
    evidence_file = models.FileField(
        _("پروندهٔ مستندات"),
        upload_to="events/evidence/%Y/%m/",
        storage=private_storage,
        blank=True,
    )
    evidence_content_type = models.CharField(max_length=100, blank=True)
    cancel_reason = models.TextField(_("دلیل لغو"), blank=True)
    overdue_notified_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["event", "number"]
        verbose_name = _("مصوبه")
        verbose_name_plural = _("مصوبات")
        constraints = [
            models.UniqueConstraint(fields=["event", "number"], name="one_resolution_number"),
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=100),
                name="resolution_progress_percent",
            ),
        ]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return f"مصوبهٔ {self.number}: {self.text[:80]}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATES

    def is_overdue(self, today: dt.date | None = None) -> bool:
        from ravabet.core import jalali

        today = today or jalali.to_local(timezone.now()).date()
        return self.is_open and self.deadline < today

    @property
    def evidence_url(self) -> str:
        return uploads.file_url(EVIDENCE_FILES, self) if self.evidence_file else ""
