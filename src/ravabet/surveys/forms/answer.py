"""One section's questions as a respondent sees them: rendered by the partial
`surveys/_section_form.html`, and a POST parsed into the services' `RawAnswer`s. The form only
parses; services.answers checks (`section_answer`, or `answers_check` alone).

Usage:
    form = SectionForm(section)                       # empty (a first visit, or a preview)
    form = SectionForm(section, initial=initial_from_answers(answers))   # resumed draft
    form = SectionForm(section, data=request.POST)    # a POST: form.raw() → services
    form.add_service_errors(exc)                      # ValidationError keyed q<id>
    services.answers_check(form.questions, form.raw())  # check a preview, save nothing
    {% include "surveys/_section_form.html" with form=form %}

The partial renders the error summary and the questions, no <form> tag and no buttons: the
page (or the builder's preview, `SectionForm(section, preview=True)`, which saves nothing and
may be shown without any form around it) brings its own.

Field names: `q<id>` (the choice(s) or the value), `q<id>_other` («سایر»), `q<id>_o<option>`
(a ranking's rank of an option), `q<id>_r<row>` (a matrix row's column).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from ravabet.core import jalali
from ravabet.persian import to_persian_digits
from ravabet.surveys.models import LIKERT, Answer, Option, Question, Section
from ravabet.surveys.selectors.public import section_questions
from ravabet.surveys.services.answers import (
    MAX_LONG_TEXT,
    MAX_SHORT_TEXT,
    RawAnswer,
)

OTHER = "other"


@dataclass
class Choice:
    value: str
    label: str
    id: str
    checked: bool = False


@dataclass
class RankItem:
    option: Option
    name: str
    id: str
    selected: str
    ranks: list[Choice]


@dataclass
class MatrixRow:
    row: Option
    name: str
    id: str
    cells: list[Choice]


@dataclass
class QuestionItem:
    """What the partial needs to render one question."""

    question: Question
    name: str
    id: str
    kind: str
    errors: list[str] = field(default_factory=list)
    choices: list[Choice] = field(default_factory=list)
    other: Choice | None = None
    other_value: str = ""
    value: str = ""
    ranks: list[RankItem] = field(default_factory=list)
    rows: list[MatrixRow] = field(default_factory=list)
    max_length: int = 0

    @property
    def text(self) -> str:
        return self.question.text

    @property
    def help_text(self) -> str:
        return self.question.help_text

    @property
    def required(self) -> bool:
        return self.question.required

    @property
    def is_fieldset(self) -> bool:
        """Choices, scales, rankings and matrices are groups (fieldset and legend); a single
        input (number, text, date) has a label."""
        return self.kind not in ("number", "short_text", "long_text", "date")

    @property
    def describedby(self) -> str:
        ids = []
        if self.question.help_text:
            ids.append(f"{self.id}_help")
        if self.kind == "date" or (
            self.kind == "number"
            and self.question.min_value is not None
            and self.question.max_value is not None
        ):
            ids.append(f"{self.id}_format")
        if self.errors:
            ids.append(f"{self.id}_error")
        return " ".join(ids)


def _fa(value: Any) -> str:
    return to_persian_digits(str(value))


def initial_from_answers(answers: Iterable[Answer]) -> dict[int, RawAnswer]:
    """Saved answers back as RawAnswers (to show a resumed section as it was left)."""
    raw: dict[int, RawAnswer] = {}
    for answer in answers:
        item = raw.setdefault(answer.question_id, RawAnswer())
        if answer.row_id:
            item.cells[answer.row_id] = str(answer.option_id)
        elif answer.option_id and answer.number is not None:
            item.ranks[answer.option_id] = str(int(answer.number))
        elif answer.option_id:
            item.choices.append(str(answer.option_id))
        elif answer.number is not None:
            number = answer.number.normalize()
            item.value = _fa(format(number, "f"))
        elif answer.date is not None:
            item.value = jalali.format_short(answer.date)
        elif answer.text:
            if answer.question.kind in ("single", "multiple"):
                item.choices.append(OTHER)
                item.other = answer.text
            else:
                item.value = answer.text
    return raw


class SectionForm:
    """One section's live questions (archived questions and options never shown); `data` a
    POST (QueryDict or dict), `initial` RawAnswers by question id, `preview` for the owner's
    look at the survey (rendered the same; nothing is ever saved by this class)."""

    prefix = "q"

    def __init__(
        self,
        section: Section,
        data: Any = None,
        initial: dict[int, RawAnswer] | None = None,
        *,
        preview: bool = False,
        questions: list[Question] | None = None,
    ) -> None:
        self.section = section
        self.data = data
        self.is_bound = data is not None
        self.preview = preview
        self.questions = questions if questions is not None else section_questions(section)
        self.initial = initial or {}
        self._raw: dict[int, RawAnswer] | None = None
        self._errors: dict[str, list[str]] = {}
        self.non_field_errors: list[str] = []

    # --- parsing ---------------------------------------------------------------------------

    def _get(self, name: str) -> str:
        value = self.data.get(name, "") if self.data is not None else ""
        return str(value)[: MAX_LONG_TEXT * 2]

    def _getlist(self, name: str) -> list[str]:
        if self.data is None:
            return []
        if hasattr(self.data, "getlist"):
            values = self.data.getlist(name)
        else:
            value = self.data.get(name, [])
            values = value if isinstance(value, list) else [value]
        return [str(v)[:40] for v in values[:100]]

    def raw(self) -> dict[int, RawAnswer]:
        """The POST as RawAnswers by question id (the bound form's), else the initial."""
        if not self.is_bound:
            return self.initial
        if self._raw is None:
            raw: dict[int, RawAnswer] = {}
            for q in self.questions:
                name = f"{self.prefix}{q.pk}"
                item = RawAnswer()
                if q.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
                    item.choices = self._getlist(name)
                    if q.allow_other:
                        item.other = self._get(f"{name}_other")
                elif q.kind == Question.Kind.RANKING:
                    for option in q.options.all():
                        if option.role == Option.Role.CHOICE:
                            item.ranks[option.pk] = self._get(f"{name}_o{option.pk}")[:10]
                elif q.kind == Question.Kind.MATRIX:
                    for option in q.options.all():
                        if option.role == Option.Role.ROW:
                            item.cells[option.pk] = self._get(f"{name}_r{option.pk}")[:20]
                else:
                    item.value = self._get(name)
                raw[q.pk] = item
            self._raw = raw
        return self._raw

    # --- errors ----------------------------------------------------------------------------

    def add_service_errors(self, exc: ValidationError) -> None:
        """Put a service's ValidationError next to its question (`q<id>`) or at the top."""
        if hasattr(exc, "error_dict"):
            for key, errors in exc.message_dict.items():
                if key.startswith(self.prefix) and key[1:].isdigit():
                    self._errors.setdefault(key, []).extend(errors)
                else:
                    self.non_field_errors.extend(errors)
        else:
            self.non_field_errors.extend(exc.messages)

    def add_error(self, message: str) -> None:
        self.non_field_errors.append(message)

    @property
    def errors(self) -> bool:
        return bool(self._errors or self.non_field_errors)

    def summary(self) -> list[tuple[str, str, str]]:
        """(anchor id, question text, message) for the summary at the top."""
        rows = []
        for item in self.items:
            for error in item.errors:
                rows.append((item.id, item.text, error))
        return rows

    # --- rendering -------------------------------------------------------------------------

    @property
    def items(self) -> list[QuestionItem]:
        raw = self.raw()
        return [self._item(q, raw.get(q.pk) or RawAnswer()) for q in self.questions]

    def _item(self, q: Question, raw: RawAnswer) -> QuestionItem:
        name = f"{self.prefix}{q.pk}"
        ident = f"id_{name}"
        item = QuestionItem(
            question=q, name=name, id=ident, kind=q.kind, errors=self._errors.get(name, [])
        )
        options = list(q.options.all())
        if q.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
            chosen = set(raw.choices)
            item.choices = [
                Choice(str(o.pk), o.label, f"{ident}_{o.pk}", str(o.pk) in chosen)
                for o in options
                if o.role == Option.Role.CHOICE
            ]
            if q.allow_other:
                item.other = Choice(OTHER, "سایر", f"{ident}_other", OTHER in chosen)
                item.other_value = raw.other
        elif q.kind in (Question.Kind.LIKERT, Question.Kind.RATING5, Question.Kind.RATING10):
            if q.kind == Question.Kind.LIKERT:
                scale = [(n, f"{label}") for n, label in LIKERT]
            else:
                top = 10 if q.kind == Question.Kind.RATING10 else 5
                scale = [(n, _fa(n)) for n in range(1, top + 1)]
            value = raw.value.strip()
            item.choices = [
                Choice(str(n), label, f"{ident}_{n}", value in (str(n), _fa(n)))
                for n, label in scale
            ]
        elif q.kind == Question.Kind.RANKING:
            choices = [o for o in options if o.role == Option.Role.CHOICE]
            for o in choices:
                field_name = f"{name}_o{o.pk}"
                selected = raw.ranks.get(o.pk, "")
                item.ranks.append(
                    RankItem(
                        o,
                        field_name,
                        f"id_{field_name}",
                        selected,
                        [
                            Choice(str(n), _fa(n), "", selected == str(n))
                            for n in range(1, len(choices) + 1)
                        ],
                    )
                )
        elif q.kind == Question.Kind.MATRIX:
            columns = [o for o in options if o.role == Option.Role.COLUMN]
            for row in (o for o in options if o.role == Option.Role.ROW):
                field_name = f"{name}_r{row.pk}"
                picked = raw.cells.get(row.pk, "")
                item.rows.append(
                    MatrixRow(
                        row,
                        field_name,
                        f"id_{field_name}",
                        [
                            Choice(
                                str(c.pk), c.label, f"id_{field_name}_{c.pk}", picked == str(c.pk)
                            )
                            for c in columns
                        ],
                    )
                )
        else:
            item.value = raw.value
            if q.kind == Question.Kind.SHORT_TEXT:
                item.max_length = MAX_SHORT_TEXT
            elif q.kind == Question.Kind.LONG_TEXT:
                item.max_length = MAX_LONG_TEXT
        return item
