"""Forms of the monitoring desk: they parse and show, and hand the services their input.

Every limit and refusal of a source or a watch is its service's (`sources.source_prepare`,
`watches.watch_prepare`): a form only turns text into values, and the view puts the service's
ValidationError beside the field it names. The lists' filters never refuse anything: what
cannot be read is no filter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator

from ravabet.core.forms import JalaliDateField
from ravabet.core.organisation.models import Agency
from ravabet.core.pagination import parse_int
from ravabet.monitoring import sources, watches
from ravabet.monitoring.models import Mention, Source, Watch
from ravabet.monitoring.selectors import MAX_QUERY_CHARS, UNDECIDED

MAX_ID = 2**31 - 1
MINE = "mine"  # the watch form's agency choice for "my own saved search"


def _text(label: str, limit: int, *, required: bool = True, rows: int = 0) -> forms.CharField:
    """Text the service checks (its length and characters): the form only strips it."""
    widget: forms.Widget = (
        forms.Textarea(attrs={"rows": rows})
        if rows
        else forms.TextInput(attrs={"maxlength": limit})
    )
    field = forms.CharField(
        label=label,
        required=required,
        widget=widget,
        error_messages={"required": f"«{label}» را بنویسید."},
    )
    field.validators = [
        v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)
    ]
    return field


class ServiceForm(forms.Form):
    def add_service_errors(self, exc: ValidationError) -> None:
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc.messages)
            return
        for key, errors in exc.message_dict.items():
            self.add_error(key if key in self.fields else None, errors)


class SourceForm(ServiceForm):
    name = _text("نام", sources.MAX_CHARS["name"])
    url = forms.CharField(
        label="نشانی خوراک",
        error_messages={"required": "نشانی خوراک را بنویسید."},
        widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "url"}),
        help_text="نشانی RSS یا Atom با http یا https",
    )
    site = _text("وب‌گاه", sources.MAX_CHARS["site"], required=False)
    site.widget.attrs["dir"] = "ltr"
    poll_minutes = forms.CharField(
        label="فاصلهٔ خواندن (دقیقه)",
        initial=30,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr"}),
        help_text=(
            f"از {sources._fa(sources.MIN_POLL_MINUTES)} تا "
            f"{sources._fa(sources.MAX_POLL_MINUTES)} دقیقه"
        ),
        error_messages={"required": "فاصلهٔ خواندن را بنویسید."},
    )
    is_active = forms.BooleanField(label="فعال", required=False, initial=True)
    fetch_full_text = forms.BooleanField(label="خواندن متن کامل از صفحهٔ خبر", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("url", "poll_minutes"):
            self.fields[name].validators = [
                v
                for v in self.fields[name].validators
                if not isinstance(v, ProhibitNullCharactersValidator)
            ]

    def clean_poll_minutes(self) -> int:
        # Any number reaches the service (which says the bounds); junk is a number out of them.
        return parse_int(
            self.cleaned_data["poll_minutes"][:40], default=0, minimum=0, maximum=10**6
        )

    def to_input(self) -> sources.SourceInput:
        data = self.cleaned_data
        return sources.SourceInput(
            name=data["name"],
            url=data["url"],
            site=data["site"],
            is_active=data["is_active"],
            poll_minutes=data["poll_minutes"],
            fetch_full_text=data["fetch_full_text"],
        )

    @staticmethod
    def initial_for(source: Source) -> dict[str, Any]:
        return {
            "name": source.name,
            "url": source.url,
            "site": source.site,
            "poll_minutes": source.poll_minutes,
            "is_active": source.is_active,
            "fetch_full_text": source.fetch_full_text,
        }


class WatchForm(ServiceForm):
    owner = forms.ChoiceField(
        label="برای", error_messages={"invalid_choice": "این گزینه در فهرست نیست."}
    )
    name = _text("نام", watches.MAX_CHARS["name"])
    kind = forms.ChoiceField(
        label="نوع",
        choices=Watch.Kind.choices,
        initial=Watch.Kind.KEYWORD,
        required=False,
        error_messages={"invalid_choice": "نوع پایش نامعتبر است."},
    )
    terms = _text("عبارت‌ها", watches.MAX_CHARS["terms"], rows=6)
    terms.help_text = "هر عبارت در یک سطر؛ گونه‌های نگارشی (ي/ی، نیم‌فاصله) جدا نوشتن نمی‌خواهند."
    exclude = _text("عبارت‌های ناقض", watches.MAX_CHARS["exclude"], required=False, rows=3)
    exclude.help_text = "خبری که یکی از این‌ها را دارد بازتاب شمرده نمی‌شود؛ هر عبارت در یک سطر."
    is_active = forms.BooleanField(label="فعال", required=False, initial=True)

    def __init__(
        self, *args: Any, agencies: list[Agency], watch: Watch | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.agencies = {str(a.pk): a for a in agencies}
        choices = [(str(a.pk), a.name) for a in agencies] + [(MINE, "جست‌وجوی ذخیره‌شدهٔ خودم")]
        field: Any = self.fields["owner"]
        field.choices = choices
        if watch is not None:  # its agency or owner never changes
            del self.fields["owner"]

    def clean_kind(self) -> str:
        return str(self.cleaned_data.get("kind") or Watch.Kind.KEYWORD)

    def agency(self) -> Agency | None:
        return self.agencies.get(self.cleaned_data.get("owner", ""))

    def to_input(self, watch: Watch | None = None) -> watches.WatchInput:
        data = self.cleaned_data
        return watches.WatchInput(
            name=data["name"],
            terms=data["terms"],
            agency=watch.agency if watch is not None else self.agency(),
            kind=data["kind"],
            exclude=data["exclude"],
            is_active=data["is_active"],
        )

    @staticmethod
    def initial_for(watch: Watch) -> dict[str, Any]:
        return {
            "name": watch.name,
            "kind": watch.kind,
            "terms": watch.terms,
            "exclude": watch.exclude,
            "is_active": watch.is_active,
        }


# --- filters: read from any query string, never an error --------------------------------------


def _word(query: Mapping[str, Any], name: str, limit: int = 64) -> str:
    return str(query.get(name, "") or "")[:limit].strip()


def _id(query: Mapping[str, Any], name: str) -> int | None:
    return parse_int(_word(query, name), default=0, minimum=0, maximum=MAX_ID) or None


def _date(query: Mapping[str, Any], name: str) -> dt.date | None:
    try:
        value = JalaliDateField(required=False).clean(_word(query, name, 40))
    except ValidationError:
        return None  # a date that cannot be read is no filter
    return value if isinstance(value, dt.date) else None


def _query(query: Mapping[str, Any]) -> str:
    return " ".join(str(query.get("q", "") or "")[:MAX_QUERY_CHARS].split())


@dataclass(frozen=True)
class ArticleFilters:
    q: str = ""
    outlet: str = ""
    since: dt.date | None = None
    until: dt.date | None = None
    story: str = ""  # "", "yes", "no"

    @classmethod
    def parse(cls, query: Mapping[str, Any]) -> ArticleFilters:
        story = _word(query, "story")
        return cls(
            q=_query(query),
            outlet=_word(query, "outlet", 200),
            since=_date(query, "since"),
            until=_date(query, "until"),
            story=story if story in ("yes", "no") else "",
        )

    def for_selector(self) -> dict[str, Any]:
        return {
            "q": self.q,
            "outlet": self.outlet,
            "since": self.since,
            "until": self.until,
            "has_story": {"yes": True, "no": False}.get(self.story),
        }


@dataclass(frozen=True)
class MentionFilters:
    agency: int | None = None
    tone: str = ""
    tone_source: str = ""
    watch: int | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    q: str = ""

    @classmethod
    def parse(cls, query: Mapping[str, Any]) -> MentionFilters:
        tone = _word(query, "tone")
        source = _word(query, "tone_source")
        return cls(
            agency=_id(query, "agency"),
            tone=tone if tone in (*Mention.Tone.values, UNDECIDED) else "",
            tone_source=source if source in Mention.ToneSource.values else "",
            watch=_id(query, "watch"),
            since=_date(query, "since"),
            until=_date(query, "until"),
            q=_query(query),
        )

    def for_selector(self) -> dict[str, Any]:
        return asdict(self)


def story_period(query: Mapping[str, Any]) -> str:
    """The stories list's period: «7» days (the default), «1», «30» or «all»."""
    period = _word(query, "period")
    return period if period in ("1", "7", "30", "all") else "7"
