"""Needs assessment (نیازسنجی ارتباطی): surveys of the public and of the network.

A `Survey` belongs to the agency that owns it (an agency's PR office, or the directorate) and
speaks to one audience: the public (anonymous by default), one agency's staff, or the whole
network of PR offices (each response tied to the account, and to the respondent's agency).
It is made of `Section`s (one a page on a phone) holding `Question`s of eleven kinds; choice
questions have `Option`s (a matrix has row options and column options), and a single-choice
option may send the respondent forward to a later section (branching; never back: no loops).

A `Response` is one person's answers (`Answer` rows: one a chosen option, a number, a text or
a date), a draft until submitted, resumable for a day. A question or option deleted once
answered is archived instead (`archived_at`): its answers are kept and exported.

Workflow (services.py): draft → open (published: answerable between opens_at and closes_at)
→ closed; results published on the portal when the owner says so, small counts suppressed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ravabet.core.organisation.models import Agency

# The five points of a Likert item (and of a Likert matrix's columns), from 1 to 5.
LIKERT = (
    (1, "کاملاً مخالفم"),
    (2, "مخالفم"),
    (3, "نظری ندارم"),
    (4, "موافقم"),
    (5, "کاملاً موافقم"),
)


class Survey(models.Model):
    class Audience(models.TextChoices):
        PUBLIC = "public", _("عموم مردم")
        AGENCY = "agency", _("کارکنان یک دستگاه")
        NETWORK = "network", _("شبکهٔ روابط عمومی‌ها")

    class State(models.TextChoices):
        DRAFT = "draft", _("پیش‌نویس")
        OPEN = "open", _("منتشرشده")
        CLOSED = "closed", _("بسته")

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="surveys", verbose_name=_("دستگاه")
    )
    title = models.CharField(_("عنوان"), max_length=200)
    # Shown above the first section: why the survey is asked and what happens to the answers.
    description = models.TextField(_("توضیح"), blank=True)
    # Shown on the thank-you page.
    thanks = models.TextField(_("پیام پایان"), blank=True)
    audience = models.CharField(
        _("مخاطبان"), max_length=16, choices=Audience.choices, default=Audience.PUBLIC
    )
    state = models.CharField(_("وضعیت"), max_length=16, choices=State.choices, default=State.DRAFT)
    # Public surveys: no account, no name; one response a browser (signed cookie) and rate
    # limits. Staff and network surveys are always tied to the account (anonymous=False).
    anonymous = models.BooleanField(_("بی‌نام"), default=True)
    # Public surveys only: a one-time code by SMS before answering (one response a mobile).
    verify_mobile = models.BooleanField(_("تأیید شمارهٔ همراه"), default=False)
    opens_at = models.DateTimeField(_("آغاز"), null=True, blank=True)
    closes_at = models.DateTimeField(_("پایان"), null=True, blank=True)
    target_responses = models.PositiveIntegerField(_("شمار پاسخ هدف"), null=True, blank=True)
    # Results on the portal (/surveys/<id>/results/), cells under SMALL_COUNT suppressed.
    results_published_at = models.DateTimeField(null=True, blank=True)
    results_summary = models.TextField(_("خلاصهٔ یافته‌ها"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("نظرسنجی")
        verbose_name_plural = _("نظرسنجی‌ها")
        indexes = [models.Index(fields=["state", "audience", "closes_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(opens_at__lt=models.F("closes_at")),
                name="survey_opens_before_it_closes",
            ),
            models.CheckConstraint(
                condition=Q(audience="public") | Q(anonymous=False, verify_mobile=False),
                name="survey_staff_answers_are_named",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_open(self, now: object = None) -> bool:
        """Answerable now: published, after its opening and before its closing."""
        now = now or timezone.now()
        return (
            self.state == self.State.OPEN
            and (self.opens_at is None or self.opens_at <= now)  # type: ignore[operator]
            and (self.closes_at is None or now < self.closes_at)  # type: ignore[operator]
        )

    @property
    def results_published(self) -> bool:
        return self.results_published_at is not None


class Section(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("عنوان بخش"), max_length=200, blank=True)
    description = models.TextField(_("توضیح بخش"), blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("بخش")
        verbose_name_plural = _("بخش‌ها")

    def __str__(self) -> str:
        return self.title or f"بخش {self.position + 1}"


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("تک‌گزینه‌ای")
        MULTIPLE = "multiple", _("چندگزینه‌ای")
        LIKERT = "likert", _("طیف لیکرت")
        RATING5 = "rating5", _("امتیاز ۱ تا ۵")
        RATING10 = "rating10", _("امتیاز ۱ تا ۱۰")
        NUMBER = "number", _("عدد")
        SHORT_TEXT = "short_text", _("متن کوتاه")
        LONG_TEXT = "long_text", _("متن بلند")
        DATE = "date", _("تاریخ")
        RANKING = "ranking", _("رتبه‌بندی")
        MATRIX = "matrix", _("جدولی (ماتریسی)")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("نوع"), max_length=16, choices=Kind.choices)
    text = models.CharField(_("پرسش"), max_length=500)
    help_text = models.CharField(_("راهنما"), max_length=500, blank=True)
    required = models.BooleanField(_("الزامی"), default=True)
    # Single and multiple choice: an «سایر» choice with a free text.
    allow_other = models.BooleanField(_("گزینهٔ «سایر»"), default=False)
    # Number: the range accepted (both optional); multiple: the most choices (optional).
    min_value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    max_value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    max_choices = models.PositiveSmallIntegerField(null=True, blank=True)
    # Deleted after it was answered: hidden from respondents and the builder, its answers kept
    # (results and exports show it as archived).
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["section__position", "position", "id"]
        verbose_name = _("پرسش")
        verbose_name_plural = _("پرسش‌ها")

    def __str__(self) -> str:
        return self.text

    @property
    def has_options(self) -> bool:
        return self.kind in CHOICE_KINDS


# Kinds whose choices are Option rows (a matrix's rows and columns included).
CHOICE_KINDS = frozenset(
    {Question.Kind.SINGLE, Question.Kind.MULTIPLE, Question.Kind.RANKING, Question.Kind.MATRIX}
)


class Option(models.Model):
    class Role(models.TextChoices):
        CHOICE = "choice", _("گزینه")
        ROW = "row", _("سطر")  # a matrix's statement
        COLUMN = "column", _("ستون")  # a matrix's answer

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    role = models.CharField(max_length=8, choices=Role.choices, default=Role.CHOICE)
    position = models.PositiveSmallIntegerField(default=0)
    label = models.CharField(_("متن گزینه"), max_length=300)
    # Single choice only: answering this sends the respondent to this later section (null:
    # the next section). Never to this section or an earlier one (services refuse a loop).
    goto_section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["role", "position", "id"]
        verbose_name = _("گزینه")
        verbose_name_plural = _("گزینه‌ها")

    def __str__(self) -> str:
        return self.label


class Response(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("نیمه‌کاره")
        COMPLETE = "complete", _("کامل")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    # Staff and network surveys: the account (one response each); public: null.
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey_responses",
    )
    # Network surveys: the PR office that answered (the respondent's agency then).
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Public surveys: a keyed hash of the browser's signed-cookie token (one response a
    # browser; the draft found again to resume) and, when the survey verifies mobiles, of the
    # verified number (one response a number). Never the number itself.
    browser_key = models.CharField(max_length=64, blank=True, db_index=True)
    mobile_key = models.CharField(max_length=64, blank=True)
    # The section to show next when the respondent comes back (resume).
    current_section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The sections the respondent went through, in order (their ids): the path branching took.
    path = models.JSONField(default=list, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("پاسخ‌نامه")
        verbose_name_plural = _("پاسخ‌نامه‌ها")
        indexes = [models.Index(fields=["survey", "status", "submitted_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "respondent"],
                condition=Q(respondent__isnull=False),
                name="survey_one_response_an_account",
            ),
            models.UniqueConstraint(
                fields=["survey", "browser_key"],
                condition=~Q(browser_key=""),
                name="survey_one_response_a_browser",
            ),
            models.UniqueConstraint(
                fields=["survey", "mobile_key"],
                condition=~Q(mobile_key=""),
                name="survey_one_response_a_mobile",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}:{self.pk}"


class Theme(models.Model):
    """A theme the owner tags free-text answers with («کندی پاسخ»، «نبود اطلاع‌رسانی»)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(_("مضمون"), max_length=100)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "name"], name="survey_theme_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Answer(models.Model):
    """One piece of an answer. By the question's kind:
    single/multiple: `option` (one row a choice) or `text` with `option` null for «سایر»;
    likert, rating5/10, number: `number`; short/long text: `text`; date: `date`;
    ranking: `option` and `number` its rank (1 first); matrix: `row` and `option` (a column)."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    option = models.ForeignKey(
        Option, null=True, blank=True, on_delete=models.CASCADE, related_name="answers"
    )
    row = models.ForeignKey(
        Option, null=True, blank=True, on_delete=models.CASCADE, related_name="row_answers"
    )
    number = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    text = models.TextField(blank=True)
    date = models.DateField(null=True, blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="answers")

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["question", "option"]),
            models.Index(fields=["response", "question"]),
        ]

    def __str__(self) -> str:
        return f"{self.response_id}:{self.question_id}"


class MobileCheck(models.Model):
    """A one-time code sent by SMS to verify a mobile before a public survey is answered:
    the code and the number kept only as keyed hashes; a few attempts, a few minutes."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    browser_key = models.CharField(max_length=64)
    mobile_key = models.CharField(max_length=64)
    code_hash = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["survey", "browser_key", "created_at"])]

    def __str__(self) -> str:
        return f"{self.survey_id}:{self.pk}"
