"""The builder's writes: surveys, their sections, questions, options and branching, and the
workflow draft → open → closed (→ open again), each permission-checked, audited and short.

Who: the agency's officers and head and the directorate build, edit and preview
(`can_build_surveys_for`); the head and the directorate open, close and reopen
(`can_publish_survey_for`); only the directorate asks the whole network
(`can_survey_network`). Texts are normalized and checked before the transaction.

What is never lost:
- a question deleted once answered is archived (`archived_at`), its answers kept; an option
  dropped from a question's list once answered is archived too; unanswered ones are deleted;
- an answered question's kind never changes (its answers would no longer mean anything);
- an option jumps only to a LATER section (branching to its own section or an earlier one
  would loop): refused when set, and refused when moving a section would turn it backwards.

Editing a survey that is no longer a draft (open, or closed and perhaps reopened): wording
(titles, texts, help, option labels, new options) may change, and a question may be deleted
(archived if answered; people half-way through simply no longer see it), though an open survey
keeps at least one. What would make
earlier responses incomplete is refused: adding a REQUIRED question, or making an optional
question required (earlier respondents could not have answered it). A new question is added
as optional there, or the survey is closed and a new one made.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.http import HttpRequest
from django.utils import timezone

from ravabet.core import audit, pagecache, permissions, validation
from ravabet.core.organisation.models import Agency
from ravabet.persian import normalize, to_persian_digits
from ravabet.surveys.models import CHOICE_KINDS, Answer, Option, Question, Section, Survey
from ravabet.surveys.services.results import results_topic

__all__ = [
    "BUILDER_LIMITS",
    "QuestionInput",
    "SectionInput",
    "SurveyBuildError",
    "SurveyInput",
    "question_add",
    "question_delete",
    "question_move",
    "question_options_set",
    "question_update",
    "section_add",
    "section_delete",
    "section_move",
    "section_update",
    "survey_close",
    "survey_create",
    "survey_delete",
    "survey_open",
    "survey_reopen",
    "survey_update",
]

# The page-cache topic of the public survey pages (the list shows open surveys).
_PUBLIC_TOPIC = "surveys"

BUILDER_LIMITS = {"sections": 20, "questions": 100, "options": 50}
_MAX_TARGET = 10_000_000
# A DecimalField(max_digits=14, decimal_places=4) holds less than 10¹⁰.
_MAX_NUMBER = Decimal("9999999999")

_MAX_CHARS = {
    "title": 200,
    "description": 10_000,
    "thanks": 5_000,
    "section_title": 200,
    "section_description": 5_000,
    "text": 500,
    "help_text": 500,
    "option": 300,
}
_LABELS = {
    "title": "عنوان",
    "description": "توضیح",
    "thanks": "پیام پایان",
    "section_title": "عنوان بخش",
    "section_description": "توضیح بخش",
    "text": "پرسش",
    "help_text": "راهنما",
    "option": "گزینه",
}

_NOT_BUILDER = "شما برای این دستگاه نظرسنجی نمی‌سازید."
_NOT_PUBLISHER = "انتشار، بستن و بازگشایی نظرسنجی‌های این دستگاه با رئیس روابط عمومی یا اداره‌کل است."
_NOT_NETWORK = "نظرسنجی از کل شبکهٔ روابط عمومی‌ها با اداره‌کل است."


class SurveyBuildError(Exception):
    """A step refused by the survey's state or its answers; the Persian message is shown as is."""


def _fa(value: int) -> str:
    return to_persian_digits(str(value))


def _clean(value: str | None) -> str:
    return normalize(value or "").strip()


def _texts(*pairs: tuple[str, str, str | None]) -> None:
    """(error key, limit key, text): one ValidationError for every refused text."""
    validation.check_texts(
        (key, value, _LABELS[limit], _MAX_CHARS[limit]) for key, limit, value in pairs
    )


def _merge(errors: dict[str, list[str]], exc: ValidationError) -> None:
    for key, messages in exc.message_dict.items():
        errors.setdefault(key, []).extend(messages)


# --- inputs ------------------------------------------------------------------------------


@dataclass
class SurveyInput:
    """What the owner gives for a survey; check() normalizes it and is the one validation."""

    title: str
    agency: Agency
    audience: str = Survey.Audience.PUBLIC
    description: str = ""
    thanks: str = ""
    anonymous: bool = True
    verify_mobile: bool = False
    opens_at: dt.datetime | None = None
    closes_at: dt.datetime | None = None
    target_responses: int | None = None

    def check(self) -> None:
        errors: dict[str, list[str]] = {}
        try:
            _texts(
                ("title", "title", self.title),
                ("description", "description", self.description),
                ("thanks", "thanks", self.thanks),
            )
        except ValidationError as exc:
            _merge(errors, exc)
        self.title, self.description, self.thanks = (
            _clean(self.title),
            _clean(self.description),
            _clean(self.thanks),
        )
        if "title" not in errors and not self.title:
            errors.setdefault("title", []).append("عنوان نظرسنجی را بنویسید.")
        if self.audience not in Survey.Audience.values:
            errors.setdefault("audience", []).append("مخاطبان نظرسنجی شناخته نیست.")
        if self.audience != Survey.Audience.PUBLIC:
            # Staff and network answers are always tied to the account (a DB constraint too).
            self.anonymous, self.verify_mobile = False, False
        for name in ("opens_at", "closes_at"):
            try:
                setattr(self, name, validation.check_moment(name, getattr(self, name)))
            except ValidationError as exc:
                _merge(errors, exc)
        if (
            self.opens_at
            and self.closes_at
            and not {"opens_at", "closes_at"} & errors.keys()
            and self.closes_at <= self.opens_at
        ):
            errors.setdefault("closes_at", []).append("پایان نظرسنجی باید پس از آغاز آن باشد.")
        if self.target_responses is not None and not 1 <= self.target_responses <= _MAX_TARGET:
            errors.setdefault("target_responses", []).append(
                "شمار پاسخ هدف باید دست‌کم ۱ باشد (برای بی‌هدف خالی بگذارید)."
            )
        if errors:
            raise ValidationError(errors)

    def apply_to(self, survey: Survey) -> None:
        survey.title = self.title
        survey.description = self.description
        survey.thanks = self.thanks
        survey.agency = self.agency
        survey.audience = self.audience
        survey.anonymous = self.anonymous
        survey.verify_mobile = self.verify_mobile
        survey.opens_at = self.opens_at
        survey.closes_at = self.closes_at
        survey.target_responses = self.target_responses


@dataclass
class SectionInput:
    title: str = ""
    description: str = ""

    def check(self) -> None:
        _texts(
            ("title", "section_title", self.title),
            ("description", "section_description", self.description),
        )
        self.title, self.description = _clean(self.title), _clean(self.description)


def _labels(key: str, lines: list[str] | None) -> list[str]:
    """Options from lines: normalized, empty lines dropped, each checked, no duplicate."""
    labels: list[str] = []
    errors: list[str] = []
    for line in lines or []:
        message = validation.text_error(line, label=_LABELS["option"], limit=_MAX_CHARS["option"])
        if message:
            errors.append(message)
            continue
        label = _clean(line)
        if not label:
            continue
        if label in labels:
            errors.append(f"گزینهٔ «{label}» دو بار آمده است؛ هر گزینه یک بار.")
            continue
        labels.append(label)
    if len(labels) > BUILDER_LIMITS["options"]:
        errors.append(
            f"یک پرسش بیش از {_fa(BUILDER_LIMITS['options'])} گزینه نمی‌گیرد "
            f"(اکنون {_fa(len(labels))})."
        )
    if errors:
        raise ValidationError({key: errors})
    return labels


@dataclass
class QuestionInput:
    """A question as the owner writes it. Options (single, multiple, ranking) and a matrix's
    rows and columns are lists of labels (one a line in the form); an existing option keeps
    its identity (and answers) when its label is unchanged. `gotos` maps an existing option's
    id to the id of the section it jumps to (None: the next section), single choice only."""

    kind: str
    text: str
    help_text: str = ""
    required: bool = True
    allow_other: bool = False
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    max_choices: int | None = None
    options: list[str] | None = None
    rows: list[str] | None = None
    columns: list[str] | None = None
    gotos: dict[int, int | None] = field(default_factory=dict)

    def check(self) -> None:
        errors: dict[str, list[str]] = {}
        try:
            _texts(("text", "text", self.text), ("help_text", "help_text", self.help_text))
        except ValidationError as exc:
            _merge(errors, exc)
        self.text, self.help_text = _clean(self.text), _clean(self.help_text)
        if "text" not in errors and not self.text:
            errors.setdefault("text", []).append("متن پرسش را بنویسید.")
        if self.kind not in Question.Kind.values:
            errors.setdefault("kind", []).append("نوع پرسش شناخته نیست.")
        kind = self.kind
        # Only the lists the kind uses are read (a kind changed in the form leaves the other
        # boxes filled: they are ignored, not refused).
        if kind not in (Question.Kind.SINGLE, Question.Kind.MULTIPLE, Question.Kind.RANKING):
            self.options = []
        if kind != Question.Kind.MATRIX:
            self.rows, self.columns = [], []
        for key in ("options", "rows", "columns"):
            try:
                setattr(self, key, _labels(key, getattr(self, key)))
            except ValidationError as exc:
                _merge(errors, exc)
        if kind not in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
            self.allow_other = False
        if kind != Question.Kind.SINGLE:
            self.gotos = {}
        if kind == Question.Kind.NUMBER:
            for name in ("min_value", "max_value"):
                value = getattr(self, name)
                if value is not None and not (value.is_finite() and abs(value) <= _MAX_NUMBER):
                    errors.setdefault(name, []).append(
                        "این عدد بیش از اندازه بزرگ است؛ تا ده رقم پذیرفته می‌شود."
                    )
            low, high = self.min_value, self.max_value
            if (
                low is not None
                and high is not None
                and not errors.keys()
                & {
                    "min_value",
                    "max_value",
                }
            ):
                if low > high:
                    errors.setdefault("max_value", []).append(
                        "بیشینه باید بزرگ‌تر از کمینه یا برابر آن باشد."
                    )
        else:
            self.min_value = self.max_value = None
        if kind == Question.Kind.MULTIPLE and self.max_choices is not None:
            count = len(self.options or [])
            if self.max_choices < 1:
                errors.setdefault("max_choices", []).append(
                    "بیشترین شمار انتخاب دست‌کم ۱ است (برای بی‌سقف خالی بگذارید)."
                )
            elif self.max_choices > max(count, 1) or self.max_choices > BUILDER_LIMITS["options"]:
                errors.setdefault("max_choices", []).append(
                    f"بیشترین شمار انتخاب از شمار گزینه‌ها ({_fa(count)}) بیشتر است."
                )
        elif kind != Question.Kind.MULTIPLE:
            self.max_choices = None
        if errors:
            raise ValidationError(errors)


# --- shared checks -----------------------------------------------------------------------


def _lock(survey_pk: int) -> Survey:
    return Survey.objects.select_for_update().select_related("agency").get(pk=survey_pk)


def _require_builder(actor: Any, survey: Survey) -> None:
    permissions.require(permissions.can_build_surveys_for(actor, survey.agency), _NOT_BUILDER)
    if survey.audience == Survey.Audience.NETWORK:
        permissions.require(permissions.can_survey_network(actor), _NOT_NETWORK)


def _require_publisher(actor: Any, survey: Survey) -> None:
    permissions.require(permissions.can_publish_survey_for(actor, survey.agency), _NOT_PUBLISHER)
    if survey.audience == Survey.Audience.NETWORK:
        permissions.require(permissions.can_survey_network(actor), _NOT_NETWORK)


def _move(
    actor: Any,
    survey: Survey,
    to: str,
    action: str,
    request: HttpRequest | None,
    fields: list[str] | None = None,
) -> None:
    """The workflow's one write, on the locked row: the new state saved (with `fields`),
    audited from the old state, the public pages renewed."""
    before = survey.state
    survey.state = to
    survey.save(update_fields=["state", *(fields or []), "updated_at"])
    audit.record(
        actor=actor,
        action=action,
        obj=survey,
        agency=survey.agency,
        from_state=before,
        to_state=to,
        request=request,
    )
    _changed_public(survey)


def _changed_public(survey: Survey) -> None:
    """A published survey's public pages (its results page shows the questions' wording)."""
    if survey.state != Survey.State.DRAFT:
        topics = (_PUBLIC_TOPIC, results_topic(survey.pk))

        def bump() -> None:
            for topic in topics:
                pagecache.bump(topic)

        transaction.on_commit(bump)


def _edited(
    actor: Any, survey: Survey, what: str, request: HttpRequest | None, **data: Any
) -> None:
    """One `survey.edit` audit entry for a change of the survey's structure."""
    Survey.objects.filter(pk=survey.pk).update(updated_at=timezone.now())
    audit.record(
        actor=actor,
        action="survey.edit",
        obj=survey,
        agency=survey.agency,
        data={"what": what, **data},
        request=request,
    )
    _changed_public(survey)


def _keep_a_question(survey: Survey) -> None:
    """An open survey keeps at least one live question (raised inside the transaction, so the
    deletion that emptied it is rolled back)."""
    if (
        survey.state == Survey.State.OPEN
        and not survey.questions.filter(archived_at__isnull=True).exists()
    ):
        raise SurveyBuildError(
            "نظرسنجی منتشرشده دست‌کم یک پرسش می‌خواهد؛ برای پایان آن، نظرسنجی را ببندید."
        )


def _answered(question: Question) -> bool:
    return Answer.objects.filter(question=question).exists()


def _option_answered(option: Option) -> bool:
    return Answer.objects.filter(Q(option=option) | Q(row=option)).exists()


def _section_name(section: Section) -> str:
    return section.title or f"بخش {_fa(section.position + 1)}"


def _renumber(items: list[Any]) -> None:
    for position, item in enumerate(items):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])


def _backward_jumps(survey: Survey) -> list[str]:
    """Messages for every active option that jumps to its own section or an earlier one."""
    options = Option.objects.filter(
        question__survey=survey,
        question__archived_at__isnull=True,
        archived_at__isnull=True,
        goto_section__isnull=False,
    ).select_related("question__section", "goto_section")
    problems = []
    for option in options:
        here, there = option.question.section, option.goto_section
        if there is not None and (there.position, there.pk) <= (here.position, here.pk):
            problems.append(
                f"گزینهٔ «{option.label}» از پرسش «{option.question.text}» به "
                f"«{_section_name(there)}» می‌پرد که پس از بخش خودِ پرسش نیست."
            )
    return problems


# --- surveys -----------------------------------------------------------------------------


@permissions.guarded(
    permissions.can_build_surveys_for, agency=lambda kw: kw["data"].agency, message=_NOT_BUILDER
)
def survey_create(*, actor: Any, data: SurveyInput, request: HttpRequest | None = None) -> Survey:
    """A draft survey with one empty section to put the first questions in."""
    data.check()
    permissions.require(permissions.can_build_surveys_for(actor, data.agency), _NOT_BUILDER)
    if data.audience == Survey.Audience.NETWORK:
        permissions.require(permissions.can_survey_network(actor), _NOT_NETWORK)
    with transaction.atomic():
        survey = Survey(created_by=actor if getattr(actor, "is_authenticated", False) else None)
        data.apply_to(survey)
        survey.save()
        Section.objects.create(survey=survey, position=0)
        audit.record(
            actor=actor,
            action="survey.create",
            obj=survey,
            agency=survey.agency,
            to_state=survey.state,
            data={"title": survey.title, "audience": survey.audience},
            request=request,
        )
    return survey


@permissions.guarded(
    permissions.can_build_surveys_for, agency=lambda kw: kw["survey"].agency, message=_NOT_BUILDER
)
def survey_update(
    *, actor: Any, survey: Survey, data: SurveyInput, request: HttpRequest | None = None
) -> Survey:
    """The survey's settings. Its audience, agency, anonymity and mobile check are fixed once
    it has responses (who answered, and on what terms, would no longer match what is shown);
    an open survey's end is not put in the past here (close it instead)."""
    data.check()
    permissions.require(permissions.can_build_surveys_for(actor, data.agency), _NOT_BUILDER)
    if data.audience == Survey.Audience.NETWORK:
        permissions.require(permissions.can_survey_network(actor), _NOT_NETWORK)
    with transaction.atomic():
        survey = _lock(survey.pk)
        _require_builder(actor, survey)
        changed_who = (
            data.audience != survey.audience
            or data.agency.pk != survey.agency_id
            or data.anonymous != survey.anonymous
            or data.verify_mobile != survey.verify_mobile
        )
        if changed_who and survey.responses.exists():
            raise SurveyBuildError(
                "این نظرسنجی پاسخ گرفته است؛ مخاطبان، دستگاه، بی‌نامی و تأیید شمارهٔ همراه "
                "آن دیگر تغییر نمی‌کند (پاسخ‌دهندگان با همین شرط‌ها پاسخ داده‌اند)."
            )
        if (
            survey.state == Survey.State.OPEN
            and data.closes_at is not None
            and data.closes_at <= timezone.now()
        ):
            raise ValidationError(
                {
                    "closes_at": "پایان نظرسنجی منتشرشده نمی‌تواند گذشته باشد؛ "
                    "برای بستن آن دکمهٔ «بستن» را بزنید."
                }
            )
        before = {
            name: getattr(survey, name)
            for name in ("title", "audience", "agency_id", "opens_at", "closes_at")
        }
        data.apply_to(survey)
        survey.save()
        changed = [name for name, value in before.items() if getattr(survey, name) != value]
        audit.record(
            actor=actor,
            action="survey.edit",
            obj=survey,
            agency=survey.agency,
            data={"what": "settings", "changed": changed},
            request=request,
        )
        _changed_public(survey)
    return survey


def _open_problems(survey: Survey) -> list[str]:
    problems: list[str] = []
    questions = list(survey.questions.filter(archived_at__isnull=True).prefetch_related("options"))
    if not questions:
        problems.append("نظرسنجی هنوز پرسشی ندارد؛ دست‌کم یک پرسش بیفزایید.")
    else:
        used = {q.section_id for q in questions}
        for section in survey.sections.order_by("position", "id"):
            if section.pk not in used:
                problems.append(
                    f"«{_section_name(section)}» پرسشی ندارد؛ پاسخ‌دهنده صفحهٔ خالی می‌بیند. "
                    "پرسشی به آن بیفزایید یا حذفش کنید."
                )
    for question in questions:
        active = [o for o in question.options.all() if o.archived_at is None]
        if question.kind == Question.Kind.MATRIX:
            rows = [o for o in active if o.role == Option.Role.ROW]
            columns = [o for o in active if o.role == Option.Role.COLUMN]
            if not rows or not columns:
                problems.append(f"پرسش جدولی «{question.text}» باید سطر و ستون داشته باشد.")
        elif question.kind in CHOICE_KINDS:
            choices = [o for o in active if o.role == Option.Role.CHOICE]
            if len(choices) < 2:
                problems.append(f"پرسش «{question.text}» دست‌کم دو گزینه می‌خواهد.")
    if survey.closes_at is not None and survey.closes_at <= timezone.now():
        problems.append("تاریخ پایان نظرسنجی گذشته است؛ نخست آن را در تنظیمات تغییر دهید.")
    problems.extend(_backward_jumps(survey))
    return problems


@permissions.guarded(
    permissions.can_publish_survey_for,
    agency=lambda kw: kw["survey"].agency,
    message=_NOT_PUBLISHER,
)
def survey_open(*, actor: Any, survey: Survey, request: HttpRequest | None = None) -> Survey:
    """Publish a draft to its audience. Refused (every reason listed) without a question, with
    a section without questions (an empty page), a choice question of fewer than two options,
    a matrix without rows or columns, or an end already past."""
    with transaction.atomic():
        survey = _lock(survey.pk)
        _require_publisher(actor, survey)
        if survey.state != Survey.State.DRAFT:
            raise SurveyBuildError("فقط پیش‌نویس منتشر می‌شود؛ نظرسنجی بسته را بازگشایی کنید.")
        problems = _open_problems(survey)
        if problems:
            raise ValidationError(problems)
        survey.published_at = survey.published_at or timezone.now()
        _move(actor, survey, Survey.State.OPEN, "survey.open", request, ["published_at"])
    return survey


@permissions.guarded(
    permissions.can_publish_survey_for,
    agency=lambda kw: kw["survey"].agency,
    message=_NOT_PUBLISHER,
)
def survey_close(*, actor: Any, survey: Survey, request: HttpRequest | None = None) -> Survey:
    with transaction.atomic():
        survey = _lock(survey.pk)
        _require_publisher(actor, survey)
        if survey.state != Survey.State.OPEN:
            raise SurveyBuildError("فقط نظرسنجی منتشرشده بسته می‌شود.")
        _move(actor, survey, Survey.State.CLOSED, "survey.close", request)
    return survey


@permissions.guarded(
    permissions.can_publish_survey_for,
    agency=lambda kw: kw["survey"].agency,
    message=_NOT_PUBLISHER,
)
def survey_reopen(*, actor: Any, survey: Survey, request: HttpRequest | None = None) -> Survey:
    """A closed survey answerable again (its end must still be ahead)."""
    with transaction.atomic():
        survey = _lock(survey.pk)
        _require_publisher(actor, survey)
        if survey.state != Survey.State.CLOSED:
            raise SurveyBuildError("فقط نظرسنجی بسته بازگشایی می‌شود.")
        if survey.closes_at is not None and survey.closes_at <= timezone.now():
            raise SurveyBuildError(
                "تاریخ پایان نظرسنجی گذشته است؛ نخست آن را در تنظیمات تغییر دهید."
            )
        _move(actor, survey, Survey.State.OPEN, "survey.reopen", request)
    return survey


@permissions.guarded(
    permissions.can_build_surveys_for, agency=lambda kw: kw["survey"].agency, message=_NOT_BUILDER
)
def survey_delete(*, actor: Any, survey: Survey, request: HttpRequest | None = None) -> None:
    """Delete a draft that no one answered (a published survey is closed, never deleted)."""
    with transaction.atomic():
        survey = _lock(survey.pk)
        _require_builder(actor, survey)
        if survey.state != Survey.State.DRAFT:
            raise SurveyBuildError("نظرسنجی منتشرشده حذف نمی‌شود؛ آن را ببندید تا پاسخ‌هایش بماند.")
        if survey.responses.exists():
            raise SurveyBuildError("این نظرسنجی پاسخ دارد و حذف نمی‌شود.")
        audit.record(
            actor=actor,
            action="survey.delete",
            obj=survey,
            agency=survey.agency,
            from_state=survey.state,
            data={"title": survey.title},
            request=request,
        )
        survey.delete()


# --- sections ----------------------------------------------------------------------------


@permissions.guarded(
    permissions.can_build_surveys_for, agency=lambda kw: kw["survey"].agency, message=_NOT_BUILDER
)
def section_add(
    *, actor: Any, survey: Survey, data: SectionInput, request: HttpRequest | None = None
) -> Section:
    data.check()
    with transaction.atomic():
        survey = _lock(survey.pk)
        _require_builder(actor, survey)
        if survey.sections.count() >= BUILDER_LIMITS["sections"]:
            raise SurveyBuildError(
                f"یک نظرسنجی بیش از {_fa(BUILDER_LIMITS['sections'])} بخش نمی‌گیرد."
            )
        last = survey.sections.aggregate(m=Max("position"))["m"]
        section = Section.objects.create(
            survey=survey,
            position=0 if last is None else last + 1,
            title=data.title,
            description=data.description,
        )
        _edited(actor, survey, "section_add", request, section=section.pk)
    return section


@permissions.guarded(
    permissions.can_build_surveys_for,
    agency=lambda kw: kw["section"].survey.agency,
    message=_NOT_BUILDER,
)
def section_update(
    *, actor: Any, section: Section, data: SectionInput, request: HttpRequest | None = None
) -> Section:
    data.check()
    with transaction.atomic():
        survey = _lock(section.survey_id)
        _require_builder(actor, survey)
        section = Section.objects.get(pk=section.pk, survey=survey)
        section.title, section.description = data.title, data.description
        section.save(update_fields=["title", "description"])
        _edited(actor, survey, "section_update", request, section=section.pk)
    return section


@permissions.guarded(
    permissions.can_build_surveys_for,
    agency=lambda kw: kw["section"].survey.agency,
    message=_NOT_BUILDER,
)
def section_move(
    *, actor: Any, section: Section, direction: str, request: HttpRequest | None = None
) -> Section:
    """One place up or down; refused if it would make an option jump backwards."""
    if direction not in ("up", "down"):
        raise ValidationError({"direction": "جهت جابه‌جایی «بالا» یا «پایین» است."})
    with transaction.atomic():
        survey = _lock(section.survey_id)
        _require_builder(actor, survey)
        sections = list(survey.sections.order_by("position", "id"))
        index = next((i for i, s in enumerate(sections) if s.pk == section.pk), None)
        if index is None:
            raise SurveyBuildError("این بخش دیگر در نظرسنجی نیست.")
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(sections):
            return sections[index]
        sections[index], sections[other] = sections[other], sections[index]
        sid = transaction.savepoint()
        _renumber(sections)
        problems = _backward_jumps(survey)
        if problems:
            transaction.savepoint_rollback(sid)
            raise SurveyBuildError(
                "این جابه‌جایی پرش را به عقب می‌برد و حلقه می‌سازد: " + " ".join(problems)
            )
        transaction.savepoint_commit(sid)
        _edited(actor, survey, "section_move", request, section=section.pk, direction=direction)
        moved = sections[other]
    return moved


@permissions.guarded(
    permissions.can_build_surveys_for,
    agency=lambda kw: kw["section"].survey.agency,
    message=_NOT_BUILDER,
)
def section_delete(*, actor: Any, section: Section, request: HttpRequest | None = None) -> None:
    """Delete a section and its unanswered questions. A section holding an answered question
    (archived or not) stays: deleting it would delete those answers."""
    with transaction.atomic():
        survey = _lock(section.survey_id)
        _require_builder(actor, survey)
        section = Section.objects.get(pk=section.pk, survey=survey)
        if Answer.objects.filter(question__section=section).exists():
            raise SurveyBuildError(
                "این بخش پرسش پاسخ‌داده دارد و حذف نمی‌شود تا پاسخ‌ها بمانند؛ "
                "پرسش‌های آن را جداگانه حذف کنید (پرسش پاسخ‌داده بایگانی می‌شود)."
            )
        jumps = Option.objects.filter(goto_section=section).count()
        title = _section_name(section)
        section.delete()
        _keep_a_question(survey)
        _renumber(list(survey.sections.order_by("position", "id")))
        _edited(actor, survey, "section_delete", request, section=title, jumps_to_next=jumps)


# --- questions ---------------------------------------------------------------------------


def _set_options(
    question: Question, role: str, labels: list[str], now: dt.datetime
) -> dict[str, int]:
    """Make the question's options of `role` the given labels, in order. An unchanged label
    keeps its option (and answers); an archived one with that label comes back; a dropped one
    is archived if answered, deleted if not."""
    existing = list(question.options.filter(role=role))
    by_label: dict[str, Option] = {}
    for option in existing:
        if option.label not in by_label or by_label[option.label].archived_at is not None:
            by_label[option.label] = option
    kept: set[int] = set()
    added = 0
    for position, label in enumerate(labels):
        found = by_label.get(label)
        if found is None:
            found = Option.objects.create(
                question=question, role=role, position=position, label=label
            )
            added += 1
        else:
            found.position, found.archived_at = position, None
            found.save(update_fields=["position", "archived_at"])
        kept.add(found.pk)
    archived = deleted = 0
    for option in existing:
        if option.pk in kept or option.archived_at is not None:
            continue
        if _option_answered(option):
            option.archived_at, option.goto_section = now, None
            option.save(update_fields=["archived_at", "goto_section"])
            archived += 1
        else:
            option.delete()
            deleted += 1
    return {"added": added, "archived": archived, "deleted": deleted}


def _apply_options(question: Question, data: QuestionInput) -> dict[str, int]:
    now = timezone.now()
    counts: dict[str, int] = {"added": 0, "archived": 0, "deleted": 0}
    plan = {
        Option.Role.CHOICE: data.options or [],
        Option.Role.ROW: data.rows or [],
        Option.Role.COLUMN: data.columns or [],
    }
    for role, labels in plan.items():
        for key, value in _set_options(question, role, labels, now).items():
            counts[key] += value
    return counts


def _apply_gotos(question: Question, gotos: dict[int, int | None]) -> None:
    """Point each single-choice option to a later section (or none); a backward jump is
    refused, keyed by the option's field (goto_<id>)."""
    options = {
        o.pk: o for o in question.options.filter(role=Option.Role.CHOICE, archived_at__isnull=True)
    }
    sections = {s.pk: s for s in question.survey.sections.all()}
    here = question.section
    errors: dict[str, list[str]] = {}
    for option_pk, section_pk in gotos.items():
        option = options.get(option_pk)
        if option is None:
            continue
        target = sections.get(section_pk) if section_pk is not None else None
        if section_pk is not None and target is None:
            errors[f"goto_{option_pk}"] = ["این بخش در این نظرسنجی نیست."]
            continue
        if target is not None and (target.position, target.pk) <= (here.position, here.pk):
            errors[f"goto_{option_pk}"] = [
                f"گزینهٔ «{option.label}» فقط به بخش‌های بعدی می‌پرد؛ پرش به همین بخش یا "
                f"بخش‌های پیشین («{_section_name(target)}») حلقه می‌سازد."
            ]
            continue
        if option.goto_section_id != (target.pk if target else None):
            option.goto_section = target
            option.save(update_fields=["goto_section"])
    if errors:
        raise ValidationError(errors)


def _refuse_required_when_published(survey: Survey) -> None:
    if survey.state != Survey.State.DRAFT:
        raise ValidationError(
            {
                "required": "به نظرسنجی منتشرشده فقط پرسش اختیاری می‌توان افزود یا پرسشی را "
                "الزامی کرد؛ پاسخ‌دهندگان پیشین آن را پاسخ نداده‌اند."
            }
        )


@permissions.guarded(
    permissions.can_build_surveys_for,
    agency=lambda kw: kw["section"].survey.agency,
    message=_NOT_BUILDER,
)
def question_add(
    *, actor: Any, section: Section, data: QuestionInput, request: HttpRequest | None = None
) -> Question:
    """A question at the end of a section (in a published survey: optional only)."""
    data.check()
    with transaction.atomic():
        survey = _lock(section.survey_id)
        _require_builder(actor, survey)
        section = Section.objects.get(pk=section.pk, survey=survey)
        if survey.questions.filter(archived_at__isnull=True).count() >= BUILDER_LIMITS["questions"]:
            raise SurveyBuildError(
                f"یک نظرسنجی بیش از {_fa(BUILDER_LIMITS['questions'])} پرسش نمی‌گیرد."
            )
        if data.required:
            _refuse_required_when_published(survey)
        last = section.questions.aggregate(m=Max("position"))["m"]
        question = Question.objects.create(
            survey=survey,
            section=section,
            position=0 if last is None else last + 1,
            kind=data.kind,
            text=data.text,
            help_text=data.help_text,
            required=data.required,
            allow_other=data.allow_other,
            min_value=data.min_value,
            max_value=data.max_value,
            max_choices=data.max_choices,
        )
        _apply_options(question, data)
        if data.gotos:
            _apply_gotos(question, data.gotos)
        _edited(actor, survey, "question_add", request, question=question.pk)
    return question


@permissions.guarded(
    permissions.can_build_surveys_for,
    agency=lambda kw: kw["question"].section.survey.agency,
    message=_NOT_BUILDER,
)
def question_update(
    *, actor: Any, question: Question, data: QuestionInput, request: HttpRequest | None = None
) -> Question:
    """Change a question's wording, settings, options and branching. An answered question
    keeps its kind; in a published survey an optional question does not become required."""
    data.check()
    with transaction.atomic():
        survey = _lock(question.survey_id)
        _require_builder(actor, survey)
        question = Question.objects.select_related("section", "survey").get(
            pk=question.pk, survey=survey, archived_at__isnull=True
        )
        if data.kind != question.kind and _answered(question):
            raise ValidationError(
                {"kind": "این پرسش پاسخ گرفته است و نوعش تغییر نمی‌کند؛ پرسش تازه‌ای بسازید."}
            )
        if data.required and not question.required:
            _refuse_required_when_published(survey)
        question.kind = data.kind
        question.text = data.text
        question.help_text = data.help_text
        question.required = data.required
        question.allow_other = data.allow_other
        question.min_value = data.min_value
        question.max_value = data.max_value
        question.max_choices = data.max_choices
        question.save()
        counts = _apply_options(question, data)
        if question.kind == Question.Kind.SINGLE:
            _apply_gotos(question, data.gotos)
        else:
            question.options.exclude(goto_section=None).update(goto_section=None)
        _edited(actor, survey, "question_update", request, question=question.pk, **counts)
    return question


@permissions.guarded(
    permissions.can_build_surveys_for,
    agency=lambda kw: kw["question"].section.survey.agency,
    message=_NOT_BUILDER,
)
def question_options_set(
    *,
    actor: Any,
    question: Question,
    options: list[str],
    role: str = Option.Role.CHOICE,
    request: HttpRequest | None = None,
) -> Question:
    """Only a question's options of one role (choices, or a matrix's rows or columns): answered
    options dropped from the list are archived, unanswered ones deleted."""
    labels = _labels("options", options)
    if role not in Option.Role.values:
        raise ValidationError({"options": "نقش گزینه شناخته نیست."})
    with transaction.atomic():
        survey = _lock(question.survey_id)
        _require_builder(actor, survey)
        question = Question.objects.get(pk=question.pk, survey=survey, archived_at__isnull=True)
        matrix = question.kind == Question.Kind.MATRIX
        if (role == Option.Role.CHOICE) == matrix or question.kind not in CHOICE_KINDS:
            raise ValidationError({"options": "این پرسش چنین گزینه‌هایی نمی‌گیرد."})
        counts = _set_options(question, role, labels, timezone.now())
        _edited(actor, survey, "options_set", request, question=question.pk, **counts)
    return question


@permissions.guarded(
    permissions.can_build_surveys_for,
    agency=lambda kw: kw["question"].section.survey.agency,
    message=_NOT_BUILDER,
)
def question_move(
    *, actor: Any, question: Question, direction: str, request: HttpRequest | None = None
) -> Question:
    """One place up or down; from the top of a section up to the end of the section before,
    from its bottom down to the start of the next. Refused if the question's own jumps would
    then point to its new section or an earlier one."""
    if direction not in ("up", "down"):
        raise ValidationError({"direction": "جهت جابه‌جایی «بالا» یا «پایین» است."})
    with transaction.atomic():
        survey = _lock(question.survey_id)
        _require_builder(actor, survey)
        question = Question.objects.get(pk=question.pk, survey=survey)

        def live(section_id: int) -> list[Question]:
            return list(
                Question.objects.filter(section_id=section_id, archived_at__isnull=True).order_by(
                    "position", "id"
                )
            )

        siblings = live(question.section_id)
        index = next((i for i, q in enumerate(siblings) if q.pk == question.pk), None)
        if index is None:
            raise SurveyBuildError("این پرسش دیگر در نظرسنجی نیست.")
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(siblings):
            siblings[index], siblings[other] = siblings[other], siblings[index]
            _renumber(siblings)
        else:
            sections = list(survey.sections.order_by("position", "id"))
            here = next(i for i, s in enumerate(sections) if s.pk == question.section_id)
            there = here - 1 if direction == "up" else here + 1
            if not 0 <= there < len(sections):
                return question
            target = sections[there]
            moved = live(target.pk)
            moved.insert(len(moved) if direction == "up" else 0, question)
            sid = transaction.savepoint()
            Question.objects.filter(pk=question.pk).update(section=target)
            question.section = target
            _renumber(moved)
            _renumber([q for q in siblings if q.pk != question.pk])
            problems = _backward_jumps(survey)
            if problems:
                transaction.savepoint_rollback(sid)
                raise SurveyBuildError(
                    "این جابه‌جایی پرش را به عقب می‌برد و حلقه می‌سازد: " + " ".join(problems)
                )
            transaction.savepoint_commit(sid)
        _edited(actor, survey, "question_move", request, question=question.pk, direction=direction)
        question.refresh_from_db()
    return question


@permissions.guarded(
    permissions.can_build_surveys_for,
    agency=lambda kw: kw["question"].section.survey.agency,
    message=_NOT_BUILDER,
)
def question_delete(*, actor: Any, question: Question, request: HttpRequest | None = None) -> str:
    """Delete a question, or archive it if it was answered (its answers kept, hidden from
    respondents and the builder). Returns "deleted" or "archived"."""
    with transaction.atomic():
        survey = _lock(question.survey_id)
        _require_builder(actor, survey)
        question = Question.objects.get(pk=question.pk, survey=survey, archived_at__isnull=True)
        if _answered(question):
            question.archived_at = timezone.now()
            question.save(update_fields=["archived_at"])
            _keep_a_question(survey)
            audit.record(
                actor=actor,
                action="survey.question_archive",
                obj=survey,
                agency=survey.agency,
                data={"question": question.pk, "text": question.text},
                request=request,
            )
            _changed_public(survey)
            return "archived"
        text = question.text
        question.delete()
        _keep_a_question(survey)
        _edited(actor, survey, "question_delete", request, text=text)
    return "deleted"
