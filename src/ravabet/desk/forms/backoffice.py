"""Forms of the desk's back office: they parse and show, and hand the services their values.

Every limit and refusal is the service's (`services.MAX_CHARS`, the state and permission
checks): a form only turns text into values, and the view puts the service's ValidationError
(keyed by the service's names, renamed by `FIELD_FOR`) beside the field it concerns. The
inbox's filters never refuse anything: what cannot be read is no filter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.http import urlencode

from ravabet.core.calendar.forms import NUMBER, Number
from ravabet.core.organisation.models import Agency
from ravabet.core.pagination import parse_int
from ravabet.desk import services
from ravabet.desk.models import Kind, Message, ReplyTemplate, Status
from ravabet.persian import normalize, to_latin_digits

# The largest id a filter passes on (a database integer); a longer number matches nothing.
MAX_ID = 2**31 - 1
SHARED = "shared"


def _text(label: str, *, limit: str, required: bool = False, rows: int = 0, **kwargs: Any) -> Any:
    """Text the service checks (length and characters, with its Persian message): the form only
    strips it, and gives one-line fields the service's limit as maxlength."""
    widget: forms.Widget = (
        forms.Textarea(attrs={"rows": rows})
        if rows
        else forms.TextInput(attrs={"maxlength": str(services.MAX_CHARS[limit])})
    )
    field = forms.CharField(
        label=label,
        required=required,
        widget=widget,
        error_messages={"required": f"«{label}» را بنویسید."},
        **kwargs,
    )
    field.validators = [
        v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)
    ]
    return field


def person_name(user: Any) -> str:
    name = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return str(name or user.get_username())


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return person_name(obj)


class AgencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class StepForm(forms.Form):
    """A form whose values one service takes; the service's errors go beside its fields."""

    # The service's error keys that have another name here.
    FIELD_FOR: ClassVar[dict[str, str]] = {}

    def add_service_errors(self, exc: ValidationError) -> None:
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc.messages)
            return
        for key, errors in exc.message_dict.items():
            name = self.FIELD_FOR.get(key, key)
            self.add_error(name if name in self.fields else None, errors)


class ChoosingForm(StepForm):
    """A step whose `CHOICE` field picks among what the view offers (`choices`, a queryset)."""

    CHOICE: ClassVar[str]

    def __init__(self, *args: Any, choices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields[self.CHOICE]
        field.queryset = choices


def _agency_choice(label: str, required: str) -> AgencyChoiceField:
    return AgencyChoiceField(
        label=label,
        queryset=Agency.objects.none(),
        empty_label="— دستگاه را برگزینید —",
        error_messages={"required": required, "invalid_choice": "این دستگاه در فهرست نیست."},
    )


# --- the steps taken on a message (each field is the service's keyword of the same name) ----


class AssignForm(ChoosingForm):
    CHOICE = "assignee"
    assignee = PersonChoiceField(
        label="کارشناس",
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label="هیچ‌کس (پس گرفتن از کارشناس)",
        error_messages={"invalid_choice": "کارشناس باید از کارکنان همین دستگاه باشد."},
    )


class NoteForm(StepForm):
    text = _text(
        "یادداشت داخلی",
        limit="text",
        required=True,
        rows=3,
        help_text="تنها کارکنان دستگاه و استانداری می‌خوانند؛ شهروند هرگز نمی‌بیند.",
    )


class AnswerForm(StepForm):
    text = _text(
        "پاسخ به شهروند",
        limit="text",
        required=True,
        rows=8,
        help_text="شهروند این متن را با کد رهگیری می‌خواند و با پیامک یا رایانامه خبردار می‌شود.",
    )


class TransferForm(ChoosingForm):
    CHOICE = "to_agency"
    to_agency = _agency_choice("دستگاه", "دستگاهی را که پیام از آنِ اوست برگزینید.")
    reason = _text("دلیل ارجاع", limit="reason", required=True, rows=2)

    # The directorate's transfer is a route, whose error names the agency so.
    FIELD_FOR: ClassVar[dict[str, str]] = {"agency": "to_agency"}


class RouteForm(ChoosingForm):
    CHOICE = "agency"
    agency = _agency_choice("ارجاع به دستگاه", "دستگاهی را که پیام به آن می‌رود برگزینید.")
    reason = _text(
        "یادداشت (اختیاری)",
        limit="reason",
        rows=2,
        help_text="یادداشتی داخلی برای دستگاه؛ شهروند نمی‌بیند.",
    )


class RefuseTransferForm(StepForm):
    reason = _text(
        "دلیل رد ارجاع",
        limit="reason",
        required=True,
        rows=2,
        help_text="دستگاه این دلیل را در تاریخچهٔ پیام می‌خواند.",
    )


class MergeForm(StepForm):
    """The message this one repeats, among the candidates the page offered."""

    into = forms.TypedChoiceField(
        label="ادغام در پیام",
        coerce=int,
        error_messages={
            "required": "پیامی را که این پیام تکرار آن است برگزینید.",
            "invalid_choice": "این پیام در فهرست پیام‌های هم‌دستگاه نیست.",
        },
    )

    def __init__(self, *args: Any, candidates: list[Message], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = {m.pk: m for m in candidates}
        field: Any = self.fields["into"]
        field.choices = [("", "— پیام را برگزینید —")] + [
            (m.pk, f"{m.code_display} · {m.subject[:80]} ({m.get_status_display()})")
            for m in candidates
        ]

    def clean_into(self) -> Message:
        return self.candidates[self.cleaned_data["into"]]


class SpamForm(StepForm):
    reason = _text("دلیل (اختیاری)", limit="reason", rows=2)


# --- reply templates and the clocks -----------------------------------------------------------


class ReplyTemplateForm(StepForm):
    owner = forms.ChoiceField(
        label="برای",
        error_messages={"invalid_choice": "پاسخ آماده را برای دستگاه خودتان بنویسید."},
    )
    title = _text("عنوان", limit="title", required=True)
    body = _text("متن پاسخ", limit="text", required=True, rows=10)

    FIELD_FOR: ClassVar[dict[str, str]] = {"text": "body"}

    def __init__(
        self,
        *args: Any,
        agencies: list[Agency],
        shared: bool,
        template: ReplyTemplate | None = None,
        **kwargs: Any,
    ) -> None:
        if template is not None:
            kwargs.setdefault("initial", {"title": template.title, "body": template.body})
        super().__init__(*args, **kwargs)
        self.agencies = {str(a.pk): a for a in agencies}
        if template is not None:
            # A template stays with its owner; only its words change.
            del self.fields["owner"]
            return
        choices = [(SHARED, "همهٔ دستگاه‌ها (پاسخ همگانی استانداری)")] if shared else []
        choices += [(key, a.name) for key, a in self.agencies.items()]
        field: Any = self.fields["owner"]
        field.choices = choices
        field.initial = choices[0][0] if choices else None

    def owner_agency(self) -> Agency | None:
        return self.agencies.get(self.cleaned_data.get("owner", ""))


class SlaRuleForm(StepForm):
    kind = forms.ChoiceField(choices=Kind.choices, widget=forms.HiddenInput)
    working_days = Number(
        label="مهلت (روز کاری)",
        error_messages={
            "required": "مهلت را به روز کاری بنویسید، مانند ۷.",
            "invalid": "مهلت را به عدد بنویسید، مانند ۷.",
        },
        widget=NUMBER,
    )


# --- the inbox's filters ----------------------------------------------------------------------

STATUS_CHOICES = [("open", "باز (در انتظار پاسخ)"), ("all", "همه"), *Status.choices]
ASSIGNEE_WORDS = {"me": "سپرده به من", "none": "بی‌کارشناس"}


def _word(query: Mapping[str, str], name: str) -> str:
    return to_latin_digits(normalize(str(query.get(name, ""))[:40])).strip().lower()


def _id(query: Mapping[str, str], name: str) -> int | None:
    number = parse_int(str(query.get(name, ""))[:40], default=0, minimum=0, maximum=MAX_ID)
    return number or None


def _flag(query: Mapping[str, str], name: str) -> bool:
    return _word(query, name) in {"1", "on", "true", "yes"}


@dataclass(frozen=True)
class InboxFilters:
    """What the inbox is asked to show: read from any query string, never an error."""

    status: str = "open"
    kind: str = ""
    overdue: bool = False
    assignee: str = ""  # "", "me", "none" or a user id
    county: int | None = None
    agency: int | None = None
    triage: bool = False

    @classmethod
    def parse(cls, query: Mapping[str, str], *, may_route: bool) -> InboxFilters:
        status = _word(query, "status") or "open"
        if status not in dict(STATUS_CHOICES):
            status = "open"
        kind = _word(query, "kind")
        assignee = _word(query, "assignee")
        if assignee not in ASSIGNEE_WORDS:
            number = _id(query, "assignee")
            assignee = str(number) if number else ""
        return cls(
            status=status,
            kind=kind if kind in Kind.values else "",
            overdue=_flag(query, "overdue"),
            assignee=assignee,
            county=_id(query, "county"),
            agency=_id(query, "agency"),
            triage=may_route and _flag(query, "triage"),
        )

    def for_selector(self) -> dict[str, Any]:
        """The keywords of `selectors.inbox_for`."""
        return {
            "status": "" if self.status == "all" else self.status,
            "kind": self.kind,
            "overdue": self.overdue,
            "assignee": self.assignee,
            "county": self.county,
            "agency": self.agency,
            "triage": self.triage,
        }

    def query(self, **changes: Any) -> str:
        """The query string of these filters with some changed (for the tabs' links)."""
        chosen = replace(self, **changes)
        pairs = {
            "status": "" if chosen.status == "open" else chosen.status,
            "kind": chosen.kind,
            "overdue": "1" if chosen.overdue else "",
            "assignee": chosen.assignee,
            "county": chosen.county or "",
            "agency": chosen.agency or "",
            "triage": "1" if chosen.triage else "",
        }
        return urlencode({k: v for k, v in pairs.items() if v})
