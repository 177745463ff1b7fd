"""Forms of the events' back office: they parse and show, and build the services' inputs.

Every limit and refusal is the service's (services.EventInput.check() and the others): a form
only turns text into values, and the view puts the service's ValidationError (keyed by field)
back next to the field it concerns.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db.models import QuerySet

from ravabet.core.forms import JalaliDateField, JalaliDateTimeField
from ravabet.core.organisation.models import Agency
from ravabet.events import services
from ravabet.events.models import Event, Resolution

# The longest duration the form parses; the service refuses anything past a month in Persian.
MAX_DURATION_MINUTES = 60 * 24 * 62
# Numbers typed with Persian or Latin digits: a text box, since a browser's number box refuses
# the Persian digits of a Persian keyboard.
NUMBER = forms.TextInput(attrs={"dir": "ltr", "inputmode": "numeric", "autocomplete": "off"})


class Text(forms.CharField):
    """Text the service checks (length and characters, with its Persian message): the form only
    strips it and gives the browser the service's limit as maxlength on one-line fields."""

    def __init__(self, *, limit: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        if kwargs["required"]:
            messages = kwargs.setdefault("error_messages", {})
            messages.setdefault("required", f"«{kwargs.get('label', '')}» را بنویسید.")
        super().__init__(**kwargs)
        self.validators = [
            v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]
        if limit is not None and not isinstance(self.widget, forms.Textarea):
            self.widget.attrs["maxlength"] = str(services.MAX_CHARS[limit])


def _user_label(user: Any) -> str:
    name = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return name or user.get_username()


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _user_label(obj)


class AgencyMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


# --- events ------------------------------------------------------------------------------


class EventForm(forms.Form):
    """An event: start and duration in minutes (the end is computed), organizer among the
    agencies the person organizes for, and who is invited."""

    title = Text(label="عنوان", limit="title", required=True)
    kind = forms.ChoiceField(label="نوع", choices=Event.Kind.choices)
    description = Text(label="شرح", limit="description", widget=forms.Textarea(attrs={"rows": 4}))
    starts_at = JalaliDateTimeField(
        label="آغاز",
        help_text="به وقت تهران، مانند ۱۴۰۴/۰۲/۳۰ ۱۰:۰۰",
        error_messages={"required": "زمان آغاز را بنویسید."},
    )
    duration = forms.IntegerField(
        label="مدت (دقیقه)",
        min_value=0,
        max_value=MAX_DURATION_MINUTES,
        initial=120,
        help_text="۹۰ برای یک ساعت و نیم؛ ۴۸۰ برای یک روز کاری.",
        error_messages={
            "required": "مدت رویداد را به دقیقه بنویسید.",
            "invalid": "مدت را به عدد و به دقیقه بنویسید، مانند ۹۰.",
            "min_value": "پایان رویداد باید پس از آغاز آن باشد.",
            "max_value": "رویداد بیش از یک ماه نمی‌شود؛ مدت را بررسی کنید.",
        },
        widget=NUMBER,
    )
    venue = Text(label="محل برگزاری", limit="venue", required=True)
    address = Text(label="نشانی", limit="address")
    online_url = Text(
        label="پیوند برخط",
        limit="online_url",
        help_text="برای جلسهٔ برخط یا هم‌زمان، مانند https://…",
        widget=forms.URLInput(attrs={"dir": "ltr"}),
    )
    organizer = forms.ModelChoiceField(
        label="برگزارکننده",
        queryset=Agency.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": "شما برای این دستگاه رویداد برگزار نمی‌کنید."},
    )
    invite_mode = forms.ChoiceField(
        label="دعوت‌شدگان",
        choices=Event.Invite.choices,
        initial=Event.Invite.ALL,
        widget=forms.RadioSelect,
    )
    invited = AgencyMultipleChoiceField(
        label="دستگاه‌های دعوت‌شده",
        queryset=Agency.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="برای «فهرست دستگاه‌ها».",
    )
    invite_kind = forms.ChoiceField(
        label="گروه دعوت‌شده",
        choices=[("", "—"), *Agency.Kind.choices],
        required=False,
        help_text="برای «گروهی از دستگاه‌ها».",
    )
    capacity = forms.IntegerField(
        label="ظرفیت (نفر)",
        required=False,
        min_value=1,
        max_value=100_000,
        help_text="خالی: بدون سقف",
        error_messages={
            "invalid": "ظرفیت را به عدد بنویسید.",
            "min_value": "ظرفیت باید دست‌کم ۱ نفر باشد (برای بدون سقف خالی بگذارید).",
            "max_value": "ظرفیت بیش از ۱۰۰٬۰۰۰ نفر پذیرفته نمی‌شود.",
        },
        widget=NUMBER,
    )
    registration_deadline = JalaliDateTimeField(
        label="مهلت ثبت‌نام",
        required=False,
        help_text="خالی: تا آغاز رویداد",
    )
    is_public = forms.BooleanField(
        label="عمومی (در صفحهٔ رویدادهای سامانه و تقویم عمومی دیده شود)",
        required=False,
        initial=True,
    )

    # The service's keys that have another name here.
    FIELD_FOR = {"ends_at": "duration"}

    def __init__(self, *args: Any, organizers: list[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["organizer"]
        field.queryset = Agency.objects.filter(pk__in=[a.pk for a in organizers])

    def to_input(self) -> services.EventInput:
        d = self.cleaned_data
        starts_at: dt.datetime = d["starts_at"]
        return services.EventInput(
            title=d["title"],
            description=d["description"],
            kind=d["kind"],
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(minutes=d["duration"]),
            venue=d["venue"],
            address=d["address"],
            online_url=d["online_url"],
            organizer=d["organizer"],
            invite_mode=d["invite_mode"],
            invite_kind=d["invite_kind"],
            invited=list(d["invited"]),
            capacity=d["capacity"],
            registration_deadline=d["registration_deadline"],
            is_public=d["is_public"],
        )

    @staticmethod
    def initial_for(event: Event) -> dict[str, Any]:
        return {
            "title": event.title,
            "description": event.description,
            "kind": event.kind,
            "starts_at": event.starts_at,
            "duration": int(event.duration.total_seconds() // 60),
            "venue": event.venue,
            "address": event.address,
            "online_url": event.online_url,
            "organizer": event.organizer_id,
            "invite_mode": event.invite_mode,
            "invited": list(event.invited.all()),
            "invite_kind": event.invite_kind,
            "capacity": event.capacity,
            "registration_deadline": event.registration_deadline,
            "is_public": event.is_public,
        }


class CancelForm(forms.Form):
    reason = Text(
        label="دلیل لغو",
        limit="reason",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="به دعوت‌شدگان و ثبت‌نام‌شدگان گفته می‌شود.",
    )


class AttendeeForm(forms.Form):
    """One attendee; the agency is chosen only when the person registers for more than one."""

    agency = forms.ModelChoiceField(
        label="دستگاه",
        queryset=Agency.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": "این دستگاه به این رویداد دعوت نشده است."},
    )
    name = Text(label="نام و نام خانوادگی", limit="name", required=True)
    role = Text(label="سمت", limit="role")
    phone = Text(
        label="تلفن همراه",
        limit="phone",
        required=True,
        widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "tel", "autocomplete": "off"}),
    )
    email = Text(
        label="پست الکترونیک",
        limit="email",
        widget=forms.EmailInput(attrs={"dir": "ltr", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, agencies: list[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["agency"]
        field.queryset = Agency.objects.filter(pk__in=[a.pk for a in agencies])
        if len(agencies) == 1:
            field.initial = agencies[0].pk
            field.widget = forms.HiddenInput()

    def to_input(self) -> services.AttendeeInput:
        d = self.cleaned_data
        return services.AttendeeInput(
            name=d["name"], phone=d["phone"], role=d["role"], email=d["email"]
        )


class AgendaItemForm(forms.Form):
    title = Text(label="موضوع", limit="title", required=True)
    speaker = Text(label="سخنران", limit="speaker")
    starts_at = JalaliDateTimeField(label="آغاز", required=False)
    ends_at = JalaliDateTimeField(label="پایان", required=False)


class DocumentForm(forms.Form):
    file = forms.FileField(
        label="پرونده (PDF، Word، Excel، PowerPoint، OpenDocument یا تصویر)",
        help_text="نوع پرونده از محتوای آن شناخته می‌شود، نه از نامش.",
        error_messages={"required": "پرونده‌ای برگزینید."},
    )
    title = Text(label="عنوان سند", limit="title")


class MinutesForm(forms.Form):
    minutes = Text(
        label="صورت‌جلسه",
        limit="minutes",
        widget=forms.Textarea(attrs={"rows": 20}),
        help_text=(
            "متن ساده (پاراگراف‌ها را با یک خط خالی جدا کنید) یا HTML ساده؛ "
            "اسکریپت، سبک و هر برچسب ناشناخته هنگام ذخیره برداشته می‌شود."
        ),
    )


# --- resolutions -------------------------------------------------------------------------


class ResolutionForm(forms.Form):
    text = Text(label="متن مصوبه", limit="text", widget=forms.Textarea(attrs={"rows": 3}))
    responsible = forms.ModelChoiceField(
        label="دستگاه مسئول",
        queryset=Agency.objects.none(),
        error_messages={
            "required": "دستگاه مسئول را برگزینید.",
            "invalid_choice": "این دستگاه به این جلسه دعوت نشده است.",
        },
    )
    deadline = JalaliDateField(
        label="مهلت", error_messages={"required": "مهلت انجام مصوبه را بنویسید."}
    )
    owner = UserChoiceField(
        label="مسئول پیگیری",
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label="—",
        help_text="از کارکنان دستگاه مسئول؛ خالی: خود دستگاه.",
    )

    def __init__(
        self, *args: Any, agencies: QuerySet[Agency], owners: QuerySet[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        responsible: Any = self.fields["responsible"]
        responsible.queryset = agencies
        owner: Any = self.fields["owner"]
        owner.queryset = owners

    def to_input(self) -> services.ResolutionInput:
        d = self.cleaned_data
        return services.ResolutionInput(
            text=d["text"], responsible=d["responsible"], deadline=d["deadline"], owner=d["owner"]
        )

    @staticmethod
    def initial_for(resolution: Resolution) -> dict[str, Any]:
        return {
            "text": resolution.text,
            "responsible": resolution.responsible_id,
            "deadline": resolution.deadline,
            "owner": resolution.owner_id,
        }


class ReportForm(forms.Form):
    status = forms.ChoiceField(label="وضعیت", choices=Resolution.Status.choices)
    progress = forms.IntegerField(
        label="پیشرفت (درصد)",
        required=False,
        min_value=0,
        max_value=100,
        help_text="برای «در حال انجام»",
        error_messages={
            "invalid": "درصد پیشرفت را میان ۰ و ۱۰۰ بنویسید.",
            "min_value": "درصد پیشرفت را میان ۰ و ۱۰۰ بنویسید.",
            "max_value": "درصد پیشرفت را میان ۰ و ۱۰۰ بنویسید.",
        },
        widget=NUMBER,
    )
    evidence = Text(
        label="مستندات انجام",
        limit="evidence",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="برای «انجام‌شده»: چه شد و کجا دیده می‌شود.",
    )
    evidence_file = forms.FileField(
        label="پروندهٔ مستندات (اختیاری)",
        required=False,
        help_text="PDF، Word، Excel، PowerPoint، OpenDocument یا تصویر",
    )
    reason = Text(
        label="دلیل لغو",
        limit="reason",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="برای «لغوشده» (تنها برگزارکنندهٔ جلسه)",
    )

    def __init__(self, *args: Any, may_cancel: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not may_cancel:
            status: Any = self.fields["status"]
            status.choices = [
                (value, label)
                for value, label in Resolution.Status.choices
                if value != Resolution.Status.CANCELLED
            ]
            del self.fields["reason"]

    def to_report(self) -> services.ResolutionReport:
        d = self.cleaned_data
        return services.ResolutionReport(
            status=d["status"],
            progress=d["progress"],
            evidence=d["evidence"],
            evidence_upload=d.get("evidence_file") or None,
            reason=d.get("reason", ""),
        )


def errors_to_form(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError beside the fields it names (the rest above the form)."""
    renamed: dict[str, str] = getattr(form, "FIELD_FOR", {})
    if hasattr(exc, "error_dict"):
        for key, messages in exc.message_dict.items():
            name = renamed.get(key, key)
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, exc.messages)
