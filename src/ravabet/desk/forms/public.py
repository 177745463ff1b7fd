"""The citizen's forms: a message to an agency, a tracking-code lookup, a rating, a reopening.

They parse and show; every limit and refusal is the service's. The message form checks its
input with `services.MessageInput.check()` once the fields are parsed (as a ModelForm asks its
model), so a person sees every problem at once, beside its field, in the service's words.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator

from ravabet.core.organisation.models import Agency, County
from ravabet.desk import services, tracking
from ravabet.desk.models import PUBLIC_KINDS
from ravabet.persian import to_persian_digits

# The agency choice of a person who does not know which agency is responsible.
UNKNOWN_AGENCY = "unknown"
# A browser never sends chosen files again: the person is told to pick them once more.
RECHOOSE_FILES = "پرونده‌های پیوست را دوباره برگزینید؛ مرورگر پس از خطا آن‌ها را نگه نمی‌دارد."
WRONG_CODE = (
    "کد رهگیری درست نیست یا پیامی با این کد پیدا نشد. دوازده رقم کد را دوباره از پیامک "
    "یا رایانامهٔ تأیید بخوانید."
)


def _fa(value: int) -> str:
    return to_persian_digits(str(value))


ACCEPTED_FILES = "image/jpeg,image/png,image/webp,image/gif,application/pdf,.jpg,.jpeg,.png,.pdf"


def _text(*, limit: str | None = None, textarea: bool = False, **kwargs: Any) -> forms.CharField:
    """Text the service checks (length, characters, required), with its Persian messages;
    one-line fields get the service's limit as the browser's maxlength."""
    attrs = {} if textarea or limit is None else {"maxlength": str(services.MAX_CHARS[limit])}
    widget = forms.Textarea(attrs={"rows": 8}) if textarea else forms.TextInput(attrs=attrs)
    kwargs.setdefault("required", False)
    field = forms.CharField(widget=widget, **kwargs)
    field.validators = [
        v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)
    ]
    return field


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Any number of files (the service says how many it takes, and checks each one's bytes)."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data]
        return [f for f in files if f]


class AgencyChoiceField(forms.ChoiceField):
    """The active agencies by name, and «نمی‌دانم» for the directorate's triage (None)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=self._choices, **kwargs)

    @staticmethod
    def _choices() -> list[tuple[str, str]]:
        agencies = Agency.objects.filter(is_active=True).order_by("name").values_list("pk", "name")
        return [
            ("", "— دستگاه را برگزینید —"),
            (UNKNOWN_AGENCY, "نمی‌دانم؛ روابط عمومی استانداری به دستگاه مسئول می‌فرستد"),
            *((str(pk), name) for pk, name in agencies),
        ]

    def clean(self, value: Any) -> Agency | None:
        choice = super().clean(value)
        if choice == UNKNOWN_AGENCY:
            return None
        agency = Agency.objects.filter(pk=choice, is_active=True).first()
        if agency is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return agency


class MessageForm(forms.Form):
    kind = forms.CharField(
        label="نوع پیام",
        required=False,
        widget=forms.RadioSelect(choices=[(k.value, k.label) for k in PUBLIC_KINDS]),
    )
    agency = AgencyChoiceField(
        label="دستگاه",
        help_text="اگر نمی‌دانید کار با کدام دستگاه است، «نمی‌دانم» را برگزینید.",
        error_messages={
            "required": "دستگاه را برگزینید، یا «نمی‌دانم» را.",
            "invalid_choice": "این دستگاه در فهرست نیست؛ دوباره برگزینید.",
        },
    )
    # Required here only for the mark beside the label and the same words as the service's.
    subject = _text(
        label="موضوع",
        limit="subject",
        required=True,
        help_text="در چند واژه، مانند «چاله در خیابان»",
        error_messages={"required": "موضوع پیام را بنویسید."},
    )
    body = _text(
        label="متن پیام",
        textarea=True,
        required=True,
        error_messages={"required": "متن پیام را بنویسید."},
        help_text="آنچه رخ داده، کجا و از کی. تا ۱۰٬۰۰۰ نویسه.",
    )
    attachments = AttachmentsField(
        label="پیوست (اختیاری)",
        required=False,
        widget=MultipleFileInput(attrs={"accept": ACCEPTED_FILES}),
    )
    county = forms.ModelChoiceField(
        queryset=County.objects.order_by("name"),
        label="شهرستان (اختیاری)",
        required=False,
        empty_label="— برگزینید —",
        error_messages={"invalid_choice": "این شهرستان در فهرست نیست؛ دوباره برگزینید."},
    )
    citizen_name = _text(label="نام و نام خانوادگی (اختیاری)", limit="citizen_name")
    mobile = _text(
        label="تلفن همراه",
        limit="mobile",
        help_text="کد رهگیری و خبر پاسخ با پیامک می‌آید. مانند ۰۹۱۲۱۲۳۴۵۶۷",
    )
    email = _text(
        label="رایانامه",
        limit="email",
        help_text="اگر شمارهٔ همراه نمی‌دهید، رایانامه را بنویسید.",
    )
    is_anonymous = forms.BooleanField(
        label="ناشناس برای دستگاه: نام و شماره و رایانامهٔ من به دستگاه نشان داده نشود",
        required=False,
    )
    # The honeypot: hidden from people (and from screen readers and the tab order) by the
    # template; a script that fills every field fills this one too.
    website = forms.CharField(label="وب‌سایت (خالی بگذارید)", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = (
            f"تا {_fa(settings.RAVABET_DESK_MAX_ATTACHMENTS)} پرونده: تصویر (JPEG، PNG، WEBP،"
            f" GIF) یا PDF، هر کدام تا {_fa(settings.RAVABET_MAX_ATTACHMENT_BYTES // 2**20)}"
            " مگابایت. عکس چهره یا مدرک شخصی را تنها اگر لازم است بفرستید."
        )
        ltr = {"dir": "ltr", "autocomplete": "tel", "inputmode": "tel"}
        self.fields["mobile"].widget.attrs.update(ltr)
        self.fields["email"].widget = forms.EmailInput(
            attrs={"dir": "ltr", "autocomplete": "email", "maxlength": "254"}
        )
        self.fields["citizen_name"].widget.attrs["autocomplete"] = "name"
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        self._input: services.MessageInput | None = None

    @property
    def is_bot(self) -> bool:
        """The honeypot was filled: nobody who sees the page does that."""
        return bool(self.data.get("website", "").strip())

    def _post_clean(self) -> None:
        """The service's own check of everything the fields parsed; its errors go beside the
        fields they name (a field that failed to parse keeps its own error)."""
        data = self.cleaned_data
        candidate = services.MessageInput(
            kind=data.get("kind", ""),
            subject=data.get("subject", ""),
            body=data.get("body", ""),
            agency=data.get("agency"),
            county=data.get("county"),
            citizen_name=data.get("citizen_name", ""),
            mobile=data.get("mobile", ""),
            email=data.get("email", ""),
            is_anonymous=data.get("is_anonymous", False),
            attachments=data.get("attachments", []),
        )
        try:
            candidate.check()
        except ValidationError as exc:
            self.add_service_errors(exc, skip=set(self.errors))
            return
        if not self.errors:
            self._input = candidate

    def to_input(self) -> services.MessageInput:
        """The checked input (its mobile number normalized); only for a valid form."""
        if self._input is None:
            raise ValueError("to_input() of a form that is not valid")
        return self._input

    def add_service_errors(self, exc: ValidationError, *, skip: set[str] | None = None) -> None:
        """A service's ValidationError beside the fields it names, the others at the top."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc.messages)
            return
        for name, messages in exc.message_dict.items():
            if skip and name in skip:
                continue
            self.add_error(name if name in self.fields else None, messages)

    def tell_to_rechoose_files(self) -> None:
        """After any error, files that were chosen are gone: say so beside the file input."""
        if self.files.getlist("attachments") and RECHOOSE_FILES not in self.errors.get(
            "attachments", []
        ):
            self.add_error("attachments", RECHOOSE_FILES)


class LookupForm(forms.Form):
    code = forms.CharField(
        label="کد رهگیری",
        max_length=64,
        help_text="دوازده رقم، با رقم‌های فارسی یا انگلیسی، با خط تیره یا بی آن.",
        error_messages={
            "required": "کد رهگیری را بنویسید.",
            "max_length": WRONG_CODE,
        },
        widget=forms.TextInput(
            attrs={"dir": "ltr", "inputmode": "numeric", "autocomplete": "off", "maxlength": "64"}
        ),
    )

    def clean_code(self) -> str:
        # The check digit is checked here: a mistyped code is told without a database lookup.
        code = tracking.clean(self.cleaned_data["code"])
        if code is None:
            raise ValidationError(WRONG_CODE, code="wrong")
        return code


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="از پاسخ چه اندازه راضی هستید؟",
        coerce=int,
        choices=[
            (5, "۵ — بسیار راضی"),
            (4, "۴ — راضی"),
            (3, "۳ — نه راضی نه ناراضی"),
            (2, "۲ — ناراضی"),
            (1, "۱ — بسیار ناراضی"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "رضایت خود را از ۱ تا ۵ برگزینید.",
            "invalid_choice": "رضایت خود را از ۱ تا ۵ برگزینید.",
        },
    )
    comment = _text(label="نظر شما (اختیاری)", textarea=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["comment"].widget.attrs["rows"] = 3

    def options(self) -> list[tuple[Any, str]]:
        """Each radio with its stars («★★★★☆»), which screen readers skip for the words."""
        return [
            (radio, "★" * int(radio.data["value"]) + "☆" * (5 - int(radio.data["value"])))
            for radio in self["rating"]
        ]


class ReopenForm(forms.Form):
    reason = _text(
        label="چرا پاسخ کافی نبود؟",
        textarea=True,
        help_text="هر پیام تنها یک بار بازگشایی می‌شود و مهلت پاسخ دوباره آغاز می‌شود.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].widget.attrs["rows"] = 3
