"""The builder's forms: a survey's settings, a section, a question (its options one a line, a
matrix's rows and columns, and the jump of each single-choice option). They parse and show;
every limit and refusal is the service's (services/builder.py), put back beside the field.
The question form runs the service's own checks (QuestionInput.check) beside its parsing, so
every refusal shows in one pass, and ignores the fields the chosen kind does not use."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator

from ravabet.core.forms import JalaliDateTimeField
from ravabet.core.organisation.models import Agency
from ravabet.persian import to_latin_digits, to_persian_digits
from ravabet.surveys.models import Option, Question, Section, Survey
from ravabet.surveys.services import builder as services


class NumberInput(forms.TextInput):
    """A text box (a browser's number box refuses Persian digits) showing 120, not 120.0000."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base = {"dir": "ltr", "inputmode": "decimal", "autocomplete": "off"}
        super().__init__({**base, **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, Decimal) and value.is_finite():
            text = f"{value.normalize():f}"
            return text
        return super().format_value(value)


class Text(forms.CharField):
    """Text the service checks (length, characters) with its Persian message."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("strip", False)
        if kwargs["required"]:
            kwargs.setdefault("error_messages", {}).setdefault(
                "required", f"«{kwargs.get('label', '')}» را بنویسید."
            )
        super().__init__(**kwargs)
        self.validators = [
            v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]


class Number(forms.Field):
    """A number in Persian or Latin digits («۱۲٫۵», "12.5"); empty is None."""

    widget = NumberInput
    default_error_messages = {"invalid": "عدد را با رقم بنویسید، مانند ۱۸ یا ۲٫۵."}

    def __init__(self, *, integer: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        self.integer = integer
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Decimal | int | None:
        if value in self.empty_values:
            return None
        text = to_latin_digits(str(value)).strip().replace("٫", ".").replace("٬", "")
        text = text.replace(",", "").replace("−", "-")
        if len(text) > 30:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from exc
        if not number.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if self.integer:
            if number != number.to_integral_value():
                raise ValidationError("عدد درست بنویسید، بی‌ممیز.", code="invalid")
            return int(number)
        return number


def section_name(section: Section) -> str:
    """A section's title, or «بخش ۲» (its place) when it has none."""
    return section.title or f"بخش {to_persian_digits(str(section.position + 1))}"


def _lines(value: str) -> list[str]:
    return [line for line in (value or "").splitlines() if line.strip()]


_K = Question.Kind
# The question form's field groups, each with the kinds that use it (the service ignores the
# rest). The template marks each group with `data-kinds`; builder.js shows only the groups of
# the chosen kind, and without JavaScript every group stays visible with a hint saying whom
# it is for.
KIND_GROUPS: dict[str, tuple[str, ...]] = {
    "choices": (_K.SINGLE, _K.MULTIPLE, _K.RANKING),
    "other": (_K.SINGLE, _K.MULTIPLE),
    "max_choices": (_K.MULTIPLE,),
    "branching": (_K.SINGLE,),
    "matrix": (_K.MATRIX,),
    "range": (_K.NUMBER,),
}
_FIELD_GROUP = {
    "options": "choices",
    "allow_other": "other",
    "max_choices": "max_choices",
    "rows": "matrix",
    "columns": "matrix",
    "min_value": "range",
    "max_value": "range",
}


def _kinds_hint(kinds: tuple[str, ...]) -> str:
    labels = [str(Question.Kind(k).label) for k in kinds]
    joined = labels[0] if len(labels) == 1 else "، ".join(labels[:-1]) + " و " + labels[-1]
    return f"فقط برای پرسش {joined}."


class SurveyForm(forms.Form):
    title = Text(label="عنوان", required=True, widget=forms.TextInput(attrs={"maxlength": 200}))
    description = Text(
        label="توضیح",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="بالای نخستین بخش: چرا می‌پرسید و پاسخ‌ها به چه کار می‌آید.",
    )
    thanks = Text(
        label="پیام پایان", widget=forms.Textarea(attrs={"rows": 2}), help_text="پس از ارسال پاسخ."
    )
    agency = forms.ModelChoiceField(
        label="دستگاه",
        queryset=Agency.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": "شما برای این دستگاه نظرسنجی نمی‌سازید."},
    )
    audience = forms.ChoiceField(
        label="مخاطبان",
        choices=Survey.Audience.choices,
        widget=forms.RadioSelect,
        initial=Survey.Audience.PUBLIC,
        error_messages={"invalid_choice": "این مخاطبان برای شما نیست."},
    )
    anonymous = forms.BooleanField(label="بی‌نام (فقط نظرسنجی عمومی)", required=False, initial=True)
    verify_mobile = forms.BooleanField(
        label="تأیید شمارهٔ همراه با پیامک پیش از پاسخ (فقط نظرسنجی عمومی؛ یک پاسخ هر شماره)",
        required=False,
    )
    opens_at = JalaliDateTimeField(
        label="آغاز", required=False, help_text="خالی: از هنگام انتشار. به وقت تهران."
    )
    closes_at = JalaliDateTimeField(
        label="پایان", required=False, help_text="خالی: تا هنگامی که آن را ببندید."
    )
    target_responses = Number(label="شمار پاسخ هدف", integer=True, help_text="خالی: بی‌هدف")

    def __init__(self, *args: Any, agencies: list[Agency], network: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agency: Any = self.fields["agency"]
        agency.queryset = Agency.objects.filter(pk__in=[a.pk for a in agencies]).order_by("name")
        if len(agencies) == 1:
            agency.initial = agencies[0].pk
        if not network:
            audience: Any = self.fields["audience"]
            audience.choices = [
                c for c in Survey.Audience.choices if c[0] != Survey.Audience.NETWORK
            ]

    def to_input(self) -> services.SurveyInput:
        d = self.cleaned_data
        return services.SurveyInput(
            title=d["title"],
            description=d["description"],
            thanks=d["thanks"],
            agency=d["agency"],
            audience=d["audience"],
            anonymous=d["anonymous"],
            verify_mobile=d["verify_mobile"],
            opens_at=d["opens_at"],
            closes_at=d["closes_at"],
            target_responses=d["target_responses"],
        )

    @staticmethod
    def initial_for(survey: Survey) -> dict[str, Any]:
        return {
            name: getattr(survey, name)
            for name in (
                "title",
                "description",
                "thanks",
                "audience",
                "anonymous",
                "verify_mobile",
                "opens_at",
                "closes_at",
                "target_responses",
            )
        } | {"agency": survey.agency_id}


class SectionForm(forms.Form):
    title = Text(label="عنوان بخش", widget=forms.TextInput(attrs={"maxlength": 200}))
    description = Text(label="توضیح بخش", widget=forms.Textarea(attrs={"rows": 2}))

    def to_input(self) -> services.SectionInput:
        return services.SectionInput(
            title=self.cleaned_data["title"], description=self.cleaned_data["description"]
        )


class QuestionForm(forms.Form):
    """A question; for an existing single-choice question, one «پرش به بخش …» select a
    choice (`goto_<option id>`) offering only the sections after the question's own."""

    kind = forms.ChoiceField(
        label="نوع پرسش",
        choices=Question.Kind.choices,
        widget=forms.Select(attrs={"data-question-kind": ""}),
    )
    text = Text(label="پرسش", required=True, widget=forms.TextInput(attrs={"maxlength": 500}))
    help_text = Text(
        label="راهنما", widget=forms.TextInput(attrs={"maxlength": 500}), help_text="زیر پرسش."
    )
    required = forms.BooleanField(label="الزامی", required=False, initial=True)
    options = Text(
        label="گزینه‌ها",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="هر خط یک گزینه (تک‌گزینه‌ای، چندگزینه‌ای، رتبه‌بندی).",
    )
    allow_other = forms.BooleanField(
        label="گزینهٔ «سایر» با متن آزاد (تک‌گزینه‌ای و چندگزینه‌ای)", required=False
    )
    max_choices = Number(
        label="بیشترین شمار انتخاب (چندگزینه‌ای)", integer=True, help_text="خالی: بی‌سقف"
    )
    rows = Text(
        label="سطرهای جدول",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="هر خط یک گزاره (پرسش جدولی).",
    )
    columns = Text(
        label="ستون‌های جدول",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="هر خط یک گزینه (پرسش جدولی)، مانند «کم»، «متوسط»، «زیاد».",
    )
    min_value = Number(label="کمینه (عدد)", help_text="خالی: بی‌کران")
    max_value = Number(label="بیشینه (عدد)", help_text="خالی: بی‌کران")

    def __init__(
        self,
        *args: Any,
        question: Question | None = None,
        section: Section | None = None,
        **kwargs: Any,
    ) -> None:
        if question is not None:
            # Unique ids when several questions are open for editing in one page (the names,
            # and so what is posted, stay the same).
            kwargs.setdefault("auto_id", f"id_q{question.pk}_%s")
        super().__init__(*args, **kwargs)
        self.groups = {
            name: {"kinds": " ".join(kinds), "hint": _kinds_hint(kinds)}
            for name, kinds in KIND_GROUPS.items()
        }
        # What the service would refuse is not offered: an answered question keeps its kind,
        # and in a published survey an optional (or new) question stays optional.
        self.kind_locked = question is not None and question.answers.exists()
        survey = question.survey if question else section.survey if section else None
        self.required_locked = (
            survey is not None
            and survey.state != Survey.State.DRAFT
            and not (question is not None and question.required)
        )
        if self.kind_locked:
            self.fields["kind"].disabled = True
            self.fields["kind"].help_text = "این پرسش پاسخ گرفته است و نوعش تغییر نمی‌کند."
        if self.required_locked:
            self.fields["required"].disabled = True
            self.fields["required"].initial = False
        self.goto_options: list[Option] = []
        if question is not None and question.kind == Question.Kind.SINGLE:
            here = question.section
            later = [
                s
                for s in question.survey.sections.order_by("position", "id")
                if (s.position, s.pk) > (here.position, here.pk)
            ]
            choices = [("", "بخش بعدی (بی‌پرش)")] + [
                (str(s.pk), f"پرش به «{section_name(s)}»") for s in later
            ]
            for option in question.options.filter(
                role=Option.Role.CHOICE, archived_at__isnull=True
            ):
                name = f"goto_{option.pk}"
                self.fields[name] = forms.ChoiceField(
                    label=f"با پاسخ «{option.label}»",
                    choices=choices,
                    required=False,
                    initial=str(option.goto_section_id or ""),
                    error_messages={
                        "invalid_choice": "پرش فقط به بخش‌های پس از این بخش است؛ "
                        "پرش به همین بخش یا بخش‌های پیشین حلقه می‌سازد."
                    },
                )
                self.goto_options.append(option)

    def goto_fields(self) -> list[Any]:
        return [self[f"goto_{o.pk}"] for o in self.goto_options]

    def _unused(self, kind: str) -> list[str]:
        """The fields the kind does not use: ignored, never refused (a kind changed in the
        form leaves the other boxes as they were)."""
        names = [f for f, group in _FIELD_GROUP.items() if kind not in KIND_GROUPS[group]]
        if kind not in KIND_GROUPS["branching"]:
            names += [f"goto_{o.pk}" for o in self.goto_options]
        return names

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind in Question.Kind.values:
            for name in self._unused(kind):
                self.errors.pop(name, None)
                data[name] = self.fields[name].clean(None) if name in self.fields else None
        for option in self.goto_options:
            value = data.get(f"goto_{option.pk}")
            if value and not str(value).isdigit():
                self.add_error(f"goto_{option.pk}", "این بخش در این نظرسنجی نیست.")
        # The service's own checks on what could be read, so that every refusal shows in one
        # pass (the service runs them again when it saves; the checks that need the database
        # (a published survey, an answered question) come only then).
        try:
            self._input(data).check()
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                if key in self.fields and key in self.errors:
                    continue  # the field's own refusal says it already
                self.add_error(key if key in self.fields else None, messages)
        return data

    def _input(self, d: dict[str, Any]) -> services.QuestionInput:
        gotos: dict[int, int | None] = {
            o.pk: int(d[f"goto_{o.pk}"]) if str(d.get(f"goto_{o.pk}") or "").isdigit() else None
            for o in self.goto_options
        }
        return services.QuestionInput(
            kind=d.get("kind") or "",
            text=d.get("text") or "",
            help_text=d.get("help_text") or "",
            required=bool(d.get("required")),
            allow_other=bool(d.get("allow_other")),
            min_value=d.get("min_value"),
            max_value=d.get("max_value"),
            max_choices=d.get("max_choices"),
            options=_lines(d.get("options") or ""),
            rows=_lines(d.get("rows") or ""),
            columns=_lines(d.get("columns") or ""),
            gotos=gotos,
        )

    def to_input(self) -> services.QuestionInput:
        return self._input(self.cleaned_data)

    @staticmethod
    def initial_for(question: Question) -> dict[str, Any]:
        active = [o for o in question.options.all() if o.archived_at is None]

        def joined(role: str) -> str:
            return "\n".join(o.label for o in active if o.role == role)

        return {
            "kind": question.kind,
            "text": question.text,
            "help_text": question.help_text,
            "required": question.required,
            "allow_other": question.allow_other,
            "min_value": question.min_value,
            "max_value": question.max_value,
            "max_choices": question.max_choices,
            "options": joined(Option.Role.CHOICE),
            "rows": joined(Option.Role.ROW),
            "columns": joined(Option.Role.COLUMN),
        }


def errors_to_form(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError beside the fields it names (the rest above the form)."""
    if hasattr(exc, "error_dict"):
        for key, messages in exc.message_dict.items():
            form.add_error(key if key in form.fields else None, messages)
    else:
        form.add_error(None, exc.messages)
