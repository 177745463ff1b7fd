"""Answering a survey: a section's answers checked and saved into a draft at once, branching,
resuming within a day, submitting; one response a browser, an account or a verified mobile;
the one-time codes that verify a mobile.

Flow: section_answer (each section's page: checks, saves, moves on; the last one submits)
→ response complete. Public respondents are known only by keyed hashes (browser_key of the
signed-cookie token, mobile_key of a verified number); staff by their account.
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import re
import secrets
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from ravabet.core import jalali, pagecache, permissions, sms
from ravabet.core.forms import JalaliDateField
from ravabet.core.validation import text_error
from ravabet.persian import normalize, to_latin_digits, to_persian_digits
from ravabet.persian.phones import mobile_number
from ravabet.surveys.models import (
    Answer,
    MobileCheck,
    Option,
    Question,
    Response,
    Section,
    Survey,
)
from ravabet.surveys.selectors.public import may_answer
from ravabet.surveys.services.results import results_topic

__all__ = [
    "CODE_ATTEMPTS",
    "CODE_MINUTES",
    "DRAFT_LIFETIME",
    "MAX_LONG_TEXT",
    "MAX_SHORT_TEXT",
    "AlreadyAnswered",
    "AnswerError",
    "RawAnswer",
    "Respondent",
    "SurveyNotOpen",
    "answers_check",
    "browser_key",
    "drafts_drop_stale",
    "known_by_browser",
    "mobile_check_confirm",
    "mobile_check_start",
    "mobile_key",
    "response_find",
    "section_answer",
]

logger = logging.getLogger(__name__)

MAX_SHORT_TEXT = 300
MAX_LONG_TEXT = 5000
MAX_OTHER_TEXT = 300
# A draft not touched for this long is dropped (tasks.drop_stale_drafts) and never resumed.
DRAFT_LIFETIME = dt.timedelta(days=1)
CODE_MINUTES = 10
CODE_ATTEMPTS = 5
# A new code for the same browser no sooner than this, and at most CODES_AN_HOUR an hour.
CODE_RESEND_SECONDS = 60
CODES_AN_HOUR = 3
# Numbers are stored with 14 digits, 4 after the point.
NUMBER_LIMIT = Decimal("10000000000")

OTHER = "other"  # the value of the «سایر» choice


class AnswerError(Exception):
    """A refusal of the whole response (not of one answer): `str(exc)` says why in Persian."""


class SurveyNotOpen(AnswerError):
    """The survey is closed or not open yet: nothing is saved."""


class AlreadyAnswered(AnswerError):
    """This browser, account or mobile has already submitted a response."""

    def __init__(self, message: str = "شما پیش‌تر به این نظرسنجی پاسخ داده‌اید.") -> None:
        super().__init__(message)


@dataclass
class RawAnswer:
    """One question's answer as sent, not yet checked (forms build it; services check it).
    choices: option ids as text (or «other»); other: the «سایر» text; value: a number, a
    text or a date as typed; ranks: option id → rank as typed; cells: row id → column id."""

    choices: list[str] = field(default_factory=list)
    other: str = ""
    value: str = ""
    ranks: dict[int, str] = field(default_factory=dict)
    cells: dict[int, str] = field(default_factory=dict)

    def is_empty(self) -> bool:
        return not (
            any(c.strip() for c in self.choices)
            or self.other.strip()
            or self.value.strip()
            or any(v.strip() for v in self.ranks.values())
            or any(v.strip() for v in self.cells.values())
        )


@dataclass(frozen=True)
class Respondent:
    """Who answers: an account (staff and network surveys) or a browser's key, and the
    verified mobile's key (public surveys that verify mobiles)."""

    user: Any = None
    agency: Any = None
    browser_key: str = ""
    mobile_key: str = ""


def _hmac(purpose: str, value: str) -> str:
    return salted_hmac(f"ravabet.surveys.{purpose}", value, algorithm="sha256").hexdigest()


def browser_key(survey: Survey, token: str) -> str:
    """The stored stand-in of a browser's cookie token for one survey (never the token)."""
    return _hmac("browser", f"{survey.pk}:{token}")


def mobile_key(survey: Survey, number: str) -> str:
    """The stored stand-in of a mobile number for one survey (never the number)."""
    return _hmac("mobile", f"{survey.pk}:{number}")


def _code_hash(check_id: int | str, code: str) -> str:
    return _hmac("code", f"{check_id}:{code}")


# --- checking answers ------------------------------------------------------------------------

_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")


def _fa(value: int | Decimal) -> str:
    return to_persian_digits(str(value))


def _plain(value: Decimal) -> str:
    """«۱۲۰» for 120.0000, «۲٫۵» for 2.5000."""
    return to_persian_digits(format(value.normalize(), "f")).replace(".", "٫")


def _int_choice(text: str) -> int | None:
    text = to_latin_digits(text.strip())
    return int(text) if text.isdigit() and len(text) <= 18 else None


@dataclass
class _Checked:
    """The rows one question's answer becomes (unsaved Answer instances)."""

    question: Question
    answers: list[Answer]


def _live(options: list[Option], role: str) -> dict[int, Option]:
    return {o.pk: o for o in options if o.role == role and o.archived_at is None}


def _check_text(question: Question, text: str, limit: int) -> str:
    text = normalize(text).strip()
    problem = text_error(text, label="پاسخ شما", limit=limit)
    if problem:
        raise ValidationError(problem)
    return text


def _check_one(question: Question, raw: RawAnswer) -> list[Answer]:
    """The answers of one question, or ValidationError (a Persian message) — an empty list
    when an optional question was left blank."""
    kind = question.kind
    options = list(question.options.all())
    if raw.is_empty():
        if question.required:
            raise ValidationError(
                "به این پرسش پاسخ دهید."
                if kind != Question.Kind.MATRIX
                else "برای هر سطر یک گزینه برگزینید."
            )
        return []
    if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        live = _live(options, Option.Role.CHOICE)
        picked = [c.strip() for c in raw.choices if c.strip()]
        if len(set(picked)) != len(picked) or (kind == Question.Kind.SINGLE and len(picked) > 1):
            raise ValidationError("تنها یک گزینه برگزینید.")
        # «سایر» written in without its box ticked (no script ticks it) counts as chosen.
        if (
            question.allow_other
            and raw.other.strip()
            and OTHER not in picked
            and (kind == Question.Kind.MULTIPLE or not picked)
        ):
            picked.append(OTHER)
        if not picked:
            raise ValidationError("یکی از گزینه‌ها را برگزینید.")
        if (
            kind == Question.Kind.MULTIPLE
            and question.max_choices
            and len(picked) > question.max_choices
        ):
            raise ValidationError(f"دست‌بالا {_fa(question.max_choices)} گزینه برگزینید.")
        answers = []
        for value in picked:
            if value == OTHER and question.allow_other:
                text = _check_text(question, raw.other, MAX_OTHER_TEXT)
                if not text:
                    raise ValidationError("برای «سایر» بنویسید چه گزینه‌ای در نظر دارید.")
                answers.append(Answer(question=question, text=text))
                continue
            number = _int_choice(value)
            if number is None or number not in live:
                raise ValidationError("این گزینه از گزینه‌های این پرسش نیست.")
            answers.append(Answer(question=question, option=live[number]))
        return answers
    if kind in (Question.Kind.LIKERT, Question.Kind.RATING5, Question.Kind.RATING10):
        top = 10 if kind == Question.Kind.RATING10 else 5
        number = _int_choice(raw.value)
        if number is None or not 1 <= number <= top:
            raise ValidationError(f"یکی از گزینه‌های ۱ تا {_fa(top)} را برگزینید.")
        return [Answer(question=question, number=Decimal(number))]
    if kind == Question.Kind.NUMBER:
        text = to_latin_digits(raw.value.strip()).replace("٫", ".").replace("/", ".")
        text = text.replace(",", "").replace("٬", "").replace("−", "-")
        if not _NUMBER.match(text) or len(text) > 30:
            raise ValidationError("یک عدد بنویسید، مانند ۴۲ یا ۳٫۵.")
        try:
            number_value = Decimal(text)
        except InvalidOperation as exc:  # pragma: no cover - the pattern keeps it a number
            raise ValidationError("یک عدد بنویسید، مانند ۴۲ یا ۳٫۵.") from exc
        low, high = question.min_value, question.max_value
        if (
            abs(number_value) >= NUMBER_LIMIT
            or (low is not None and number_value < low)
            or (high is not None and number_value > high)
        ):
            if low is not None and high is not None:
                raise ValidationError(f"عددی میان {_plain(low)} و {_plain(high)} بنویسید.")
            if low is not None:
                raise ValidationError(f"عددی برابر یا بیشتر از {_plain(low)} بنویسید.")
            if high is not None:
                raise ValidationError(f"عددی برابر یا کمتر از {_plain(high)} بنویسید.")
            raise ValidationError("این عدد بیش از اندازه بزرگ است.")
        return [Answer(question=question, number=number_value.quantize(Decimal("0.0001")))]
    if kind in (Question.Kind.SHORT_TEXT, Question.Kind.LONG_TEXT):
        limit = MAX_SHORT_TEXT if kind == Question.Kind.SHORT_TEXT else MAX_LONG_TEXT
        text = _check_text(question, raw.value, limit)
        if not text:
            if question.required:
                raise ValidationError("به این پرسش پاسخ دهید.")
            return []
        return [Answer(question=question, text=text)]
    if kind == Question.Kind.DATE:
        day = JalaliDateField(required=False).clean(raw.value.strip())
        if day is None:  # pragma: no cover - an empty value was handled above
            return []
        return [Answer(question=question, date=day)]
    if kind == Question.Kind.RANKING:
        live = _live(options, Option.Role.CHOICE)
        size = len(live)
        ranks: dict[int, int] = {}
        for option_id, text in raw.ranks.items():
            if option_id not in live:
                raise ValidationError("این گزینه از گزینه‌های این پرسش نیست.")
            rank = _int_choice(text)
            if rank is None or not 1 <= rank <= size:
                raise ValidationError(
                    f"به هر گزینه رتبه‌ای از ۱ تا {_fa(size)} بدهید؛ هر رتبه یک بار."
                )
            ranks[option_id] = rank
        if set(ranks) != set(live) or sorted(ranks.values()) != list(range(1, size + 1)):
            raise ValidationError(f"به هر گزینه رتبه‌ای از ۱ تا {_fa(size)} بدهید؛ هر رتبه یک بار.")
        return [
            Answer(question=question, option=live[pk], number=Decimal(rank))
            for pk, rank in sorted(ranks.items(), key=lambda item: item[1])
        ]
    if kind == Question.Kind.MATRIX:
        rows = _live(options, Option.Role.ROW)
        columns = _live(options, Option.Role.COLUMN)
        answers = []
        for row_id, value in raw.cells.items():
            if not value.strip():
                continue
            column = _int_choice(value)
            if row_id not in rows or column is None or column not in columns:
                raise ValidationError("این گزینه از گزینه‌های این پرسش نیست.")
            answers.append(Answer(question=question, row=rows[row_id], option=columns[column]))
        if question.required and len(answers) < len(rows):
            raise ValidationError("برای هر سطر یک گزینه برگزینید.")
        return answers
    raise ValidationError("این نوع پرسش شناخته نیست.")  # pragma: no cover


def answers_check(questions: list[Question], raw: dict[int, RawAnswer]) -> list[_Checked]:
    """Check one section's answers (`raw`: question id → RawAnswer); ValidationError keyed
    `q<id>` for every answer refused. Only the given (live) questions are looked at: an answer
    to an archived question or another section's is ignored, never saved. Texts normalized
    here, outside any transaction."""
    errors: dict[str, list[str]] = {}
    checked: list[_Checked] = []
    for question in questions:
        try:
            answers = _check_one(question, raw.get(question.pk) or RawAnswer())
        except ValidationError as exc:
            errors[f"q{question.pk}"] = list(exc.messages)
            continue
        checked.append(_Checked(question, answers))
    if errors:
        raise ValidationError(errors)
    return checked


# --- finding, saving, submitting -----------------------------------------------------------


def _require_open(survey: Survey) -> None:
    if survey.state == Survey.State.DRAFT:
        raise SurveyNotOpen("این نظرسنجی هنوز منتشر نشده است.")
    if not survey.is_open():
        now = timezone.now()
        if survey.opens_at and now < survey.opens_at:
            raise SurveyNotOpen(
                f"این نظرسنجی از {jalali.format_datetime(survey.opens_at)} پاسخ می‌پذیرد."
            )
        raise SurveyNotOpen("این نظرسنجی بسته شده است و پاسخ تازه نمی‌پذیرد.")


def known_by_browser(survey: Survey) -> bool:
    """Anonymous public surveys know a respondent by a browser (and a verified mobile); every
    other survey (staff, network, a public survey asking for an account) by the account."""
    return survey.audience == Survey.Audience.PUBLIC and survey.anonymous


def _identity(survey: Survey, who: Respondent) -> dict[str, Any]:
    permissions.require(may_answer(who.user, survey), "این نظرسنجی برای کارکنان دستگاه دیگری است.")
    if survey.verify_mobile and not who.mobile_key:
        raise AnswerError("پیش از پاسخ دادن، شمارهٔ همراه خود را تأیید کنید.")
    if known_by_browser(survey):
        if not who.browser_key:
            raise AnswerError("مرورگر شما شناخته نشد؛ کوکی‌ها را روشن کنید و دوباره بیایید.")
        return {"browser_key": who.browser_key}
    if who.user is None or not getattr(who.user, "is_authenticated", False):
        raise AnswerError("برای پاسخ به این نظرسنجی وارد حساب خود شوید.")
    return {"respondent": who.user}


def response_find(survey: Survey, who: Respondent) -> Response | None:
    """This person's response to the survey (a draft or complete), or None. A draft not
    touched for a day is dropped here (it will not be resumed)."""
    qs = Response.objects.filter(survey=survey)
    found = None
    if known_by_browser(survey):
        found = qs.filter(browser_key=who.browser_key).first() if who.browser_key else None
    elif who.user is not None and getattr(who.user, "is_authenticated", False):
        found = qs.filter(respondent=who.user).first()
    if found is None and who.mobile_key:
        found = qs.filter(mobile_key=who.mobile_key).first()
    if (
        found is not None
        and found.status == Response.Status.DRAFT
        and found.updated_at < timezone.now() - DRAFT_LIFETIME
    ):
        found.delete()
        return None
    return found


def _next_section(sections: list[Section], current: Section, answers: list[_Checked]) -> Any:
    """Where the respondent goes after `current`: a single choice's goto_section (a later
    section only), else the next section by position; None after the last."""
    index = [s.pk for s in sections].index(current.pk)
    for item in answers:
        for answer in item.answers:
            option = answer.option
            if (
                item.question.kind == Question.Kind.SINGLE
                and option is not None
                and option.goto_section_id
            ):
                later = [s for s in sections[index + 1 :] if s.pk == option.goto_section_id]
                if later:
                    return later[0]
    return sections[index + 1] if index + 1 < len(sections) else None


@transaction.atomic
def _save(
    *,
    survey: Survey,
    who: Respondent,
    section: Section,
    sections: list[Section],
    checked: list[_Checked],
) -> Response:
    identity = _identity(survey, who)
    response = Response.objects.select_for_update().filter(survey=survey, **identity).first()
    if response is None and who.mobile_key:
        # A draft begun on another browser with the same verified number continues here.
        response = (
            Response.objects.select_for_update()
            .filter(survey=survey, mobile_key=who.mobile_key)
            .first()
        )
    if response is not None and response.status == Response.Status.COMPLETE:
        raise AlreadyAnswered()
    if response is None:
        response = Response(survey=survey, **identity)
        response.agency = who.agency
    if who.mobile_key:
        response.mobile_key = who.mobile_key
    if who.browser_key and known_by_browser(survey):
        response.browser_key = who.browser_key
    path = [pk for pk in response.path if pk in {s.pk for s in sections}]
    if section.pk in path:
        path = path[: path.index(section.pk)]
    path.append(section.pk)
    next_section = _next_section(sections, section, checked)
    response.path = path
    response.current_section = next_section or section
    response.save()
    # This section's answers replace what it held (a respondent who came back to change them).
    Answer.objects.filter(
        response=response, question_id__in=[item.question.pk for item in checked]
    ).delete()
    rows = []
    for item in checked:
        for answer in item.answers:
            answer.response = response
            rows.append(answer)
    Answer.objects.bulk_create(rows)
    if next_section is None:
        _submit(response, survey)
    return response


def _submit(response: Response, survey: Survey) -> None:
    """Answers of sections the path left out (a changed branch) are dropped; every required
    question on the path must be answered."""
    path = list(response.path)
    Answer.objects.filter(response=response).exclude(question__section_id__in=path).delete()
    required = Question.objects.filter(
        survey=survey, section_id__in=path, required=True, archived_at__isnull=True
    ).select_related("section")
    answered = set(Answer.objects.filter(response=response).values_list("question_id", flat=True))
    for question in required:
        if question.pk not in answered:
            # Not submitted: back to that section (the view says so); nothing is lost.
            response.current_section = question.section
            response.save(update_fields=["current_section", "updated_at"])
            return
    response.status = Response.Status.COMPLETE
    response.submitted_at = timezone.now()
    response.current_section = None
    response.save(update_fields=["status", "submitted_at", "current_section", "updated_at"])
    if survey.results_published:
        # Its published results (a cached public page) count this response too.
        topic = results_topic(survey.pk)
        transaction.on_commit(lambda: pagecache.bump(topic))


@permissions.open_to_all(
    reason="a respondent's answers: the survey's audience decides who, not an account"
)
def section_answer(
    *,
    survey: Survey,
    who: Respondent,
    section: Section,
    questions: list[Question],
    raw: dict[int, RawAnswer],
) -> Response:
    """Check and save one section's answers into the person's draft (made at the first
    section); move it on along the branch taken; after the last section, submit it. Raises
    ValidationError keyed `q<id>` (nothing of this section saved, earlier sections kept),
    SurveyNotOpen, AlreadyAnswered or AnswerError."""
    _require_open(survey)
    if section.survey_id != survey.pk:
        raise AnswerError("این بخش از این نظرسنجی نیست.")
    checked = answers_check(questions, raw)
    sections = list(survey.sections.all())
    try:
        return _save(survey=survey, who=who, section=section, sections=sections, checked=checked)
    except IntegrityError as exc:
        # Another tab or a second browser with the same number got there first.
        raise AlreadyAnswered() from exc


@permissions.system_only(reason="the daily task drops abandoned drafts")
def drafts_drop_stale(now: dt.datetime | None = None) -> int:
    """Delete drafts not touched for more than a day (and the day-old mobile codes, used or
    not: only hashes, but of no use any more); how many drafts were deleted."""
    cutoff = (now or timezone.now()) - DRAFT_LIFETIME
    MobileCheck.objects.filter(created_at__lt=cutoff).delete()
    _, per_model = Response.objects.filter(
        status=Response.Status.DRAFT, updated_at__lt=cutoff
    ).delete()
    # The total counts the answers too: count the responses alone.
    return int(per_model.get(Response._meta.label, 0))


# --- verifying a mobile ------------------------------------------------------------------------


@permissions.open_to_all(reason="a respondent proves a mobile number")
def mobile_check_start(*, survey: Survey, browser: str, mobile: str) -> MobileCheck:
    """Send a six-digit code to `mobile` (after the transaction, never inside it) and keep
    only hashes. ValidationError keyed `mobile`; AnswerError when codes were asked too often;
    AlreadyAnswered when this number has answered."""
    _require_open(survey)
    number = mobile_number(normalize(mobile or "")[:40])
    if number is None:
        raise ValidationError({"mobile": "شمارهٔ همراه را با یازده رقم بنویسید، مانند ۰۹۱۲۱۲۳۴۵۶۷."})
    key = mobile_key(survey, number)
    if Response.objects.filter(
        survey=survey, mobile_key=key, status=Response.Status.COMPLETE
    ).exists():
        raise AlreadyAnswered("با این شمارهٔ همراه پیش‌تر به این نظرسنجی پاسخ داده شده است.")
    now = timezone.now()
    code = f"{secrets.randbelow(1_000_000):06d}"
    with transaction.atomic():
        recent = list(
            MobileCheck.objects.select_for_update()
            .filter(survey=survey, browser_key=browser, created_at__gte=now - dt.timedelta(hours=1))
            .order_by("-created_at")
        )
        if recent and (now - recent[0].created_at).total_seconds() < CODE_RESEND_SECONDS:
            raise AnswerError("کد پیشین همین حالا فرستاده شد؛ یک دقیقه صبر کنید و دوباره بخواهید.")
        if len(recent) >= CODES_AN_HOUR:
            raise AnswerError(
                "در یک ساعت گذشته چند بار کد خواسته‌اید؛ یک ساعت دیگر دوباره امتحان کنید."
            )
        check = MobileCheck.objects.create(
            survey=survey,
            browser_key=browser,
            mobile_key=key,
            code_hash="",
            expires_at=now + dt.timedelta(minutes=CODE_MINUTES),
        )
        check.code_hash = _code_hash(check.pk, code)
        check.save(update_fields=["code_hash"])
        text = (
            f"کد تأیید نظرسنجی «{survey.title[:60]}»: {code}\n"
            f"این کد {_fa(CODE_MINUTES)} دقیقه اعتبار دارد."
        )
        transaction.on_commit(lambda: _send_code(number, text))
    return check


def _send_code(number: str, text: str) -> None:
    try:
        sms.send(number, text)
    except sms.SmsError:
        logger.exception("a survey's verification code could not be sent")


@permissions.open_to_all(reason="a respondent proves a mobile number")
def mobile_check_confirm(*, survey: Survey, browser: str, code: str) -> str:
    """Check the code this browser was sent; the verified number's key. ValidationError
    keyed `code` for a wrong or expired code or too many attempts."""
    _require_open(survey)
    typed = to_latin_digits((code or "").strip())[:12]
    now = timezone.now()
    with transaction.atomic():
        check = (
            MobileCheck.objects.select_for_update()
            .filter(survey=survey, browser_key=browser, verified_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
        if check is None or check.expires_at <= now:
            raise ValidationError({"code": "این کد دیگر معتبر نیست؛ کد تازه‌ای بخواهید."})
        if check.attempts >= CODE_ATTEMPTS:
            raise ValidationError({"code": "کد را چند بار نادرست نوشته‌اید؛ کد تازه‌ای بخواهید."})
        right = hmac.compare_digest(check.code_hash, _code_hash(check.pk, typed))
        if right:
            check.verified_at = now
            check.save(update_fields=["verified_at"])
        else:
            # Counted before refusing: the refusal is raised outside the block, which would
            # otherwise roll the count back.
            check.attempts += 1
            check.save(update_fields=["attempts"])
    if not right:
        left = CODE_ATTEMPTS - check.attempts
        raise ValidationError(
            {"code": f"کد درست نیست؛ {_fa(left)} بار دیگر می‌توانید امتحان کنید."}
            if left
            else {"code": "کد را چند بار نادرست نوشته‌اید؛ کد تازه‌ای بخواهید."}
        )
    return check.mobile_key
