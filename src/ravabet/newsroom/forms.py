"""Forms of the newsroom: the editor, workflow steps, media, import, search, subscriptions."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from django import forms
from django.core.validators import ProhibitNullCharactersValidator

from ravabet.core.forms import JalaliDateField, JalaliDateTimeField
from ravabet.core.organisation.models import Agency, County
from ravabet.core.richtext import looks_like_html
from ravabet.newsroom.models import Category, Release, Subscription
from ravabet.newsroom.services import ReleaseInput, max_chars, split_tags

TEXT_RTL = {"dir": "rtl"}


class _PlainBody(HTMLParser):
    """A stored body's text for the editor: <p> starts a paragraph, <br> is one line break.
    `plain` turns False at any other markup (lists, bold, links, tables)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self.plain = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "p" and not attrs:
            self.paragraphs.append("")
        elif tag == "br" and not attrs and self.paragraphs:
            self.paragraphs[-1] += "\n"
        else:
            self.plain = False

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag not in {"p", "br"}:
            self.plain = False

    def handle_data(self, data: str) -> None:
        if not data.strip():
            return
        if not self.paragraphs or "\n" in data or "\r" in data:
            self.plain = False  # text outside a paragraph, or a line break that is no <br>
            return
        self.paragraphs[-1] += data


def editable_body(body_html: str) -> str:
    """The stored body as the editor shows it, such that saving it unchanged stores the same
    body (a save is a fixed point): paragraphs separated by a blank line, a line break inside a
    paragraph as one newline. A body with other markup (a list, bold, a link) is shown as its
    HTML, which the editor accepts and keeps as it is."""
    if not body_html.strip():
        return ""
    parser = _PlainBody()
    parser.feed(body_html)
    parser.close()
    text = "\n\n".join(p.strip() for p in parser.paragraphs if p.strip())
    if not parser.plain or looks_like_html(text) or "\n\n" in "".join(parser.paragraphs):
        return body_html
    return text


class CheckedText(forms.CharField):
    """Text the service checks (services.check_texts: length and characters), so the form
    refuses exactly what the API and the importer refuse, with the same message. `limit` names
    the service's limit, given to the browser as maxlength on one-line fields."""

    def __init__(self, *, limit: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # CharField refuses NUL by itself, in other words than the service's: one check only.
        self.validators = [
            v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]
        if limit is not None:
            self.widget.attrs["maxlength"] = str(max_chars(limit))


class ReleaseForm(forms.Form):
    kind = forms.ChoiceField(label="نوع", choices=Release.Kind.choices)
    kicker = CheckedText(label="روتیتر", limit="kicker", required=False)
    headline = CheckedText(
        label="تیتر", limit="headline", error_messages={"required": "تیتر را بنویسید."}
    )
    lead = CheckedText(
        label="لید",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="یک یا دو جملهٔ اول که مهم‌ترین خبر را می‌گوید.",
    )
    body = CheckedText(
        label="متن",
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text="پاراگراف‌ها را با یک خط خالی جدا کنید. متن هنگام ذخیره ویرایش فارسی می‌شود.",
    )
    from_pdf = forms.BooleanField(
        label="این متن از PDF چسبانده شده است (شکستگی سطرها ترمیم شود)", required=False
    )
    tags = CheckedText(
        label="برچسب‌ها", required=False, help_text="با ویرگول جدا کنید: هفته ارتباطات، نشست"
    )
    category = forms.ModelChoiceField(
        label="دسته", queryset=Category.objects.all(), required=False, empty_label="—"
    )
    county = forms.ModelChoiceField(
        label="شهرستان", queryset=County.objects.all(), required=False, empty_label="—"
    )
    supporting_agencies = forms.ModelMultipleChoiceField(
        label="دستگاه‌های همکار",
        queryset=Agency.objects.filter(is_active=True),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    responds_to = forms.ModelChoiceField(
        label="در پاسخ به خبر منتشرشده",
        queryset=Release.objects.filter(status=Release.Status.PUBLISHED),
        required=False,
        empty_label="—",
        help_text="برای جوابیه: خبری در همین سامانه، یا نشانی گزارش در پایین.",
    )
    responds_to_url = forms.URLField(
        label="نشانی گزارش پاسخ‌داده‌شده",
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"dir": "ltr"}),
        error_messages={"invalid": "نشانی درست نیست؛ مانند https://example.ir/news/1 بنویسید."},
    )
    responds_to_title = CheckedText(
        label="عنوان گزارش پاسخ‌داده‌شده", limit="responds_to_title", required=False
    )
    # The saved version the form was opened on (services.release_version): a stale form is
    # refused instead of overwriting someone else's save.
    version = forms.CharField(required=False, widget=forms.HiddenInput, max_length=40)
    # The writer saw the hard-wrap notice and chose to keep the line breaks.
    keep_wraps = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, agencies: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if agencies is not None:
            # Chosen in the form itself, so switching agency keeps what was typed.
            self.fields["agency"] = forms.ModelChoiceField(
                label="دستگاه",
                queryset=agencies,
                empty_label=None,
                error_messages={"invalid_choice": "برای این دستگاه خبر نمی‌نویسید."},
            )
            self.order_fields(["agency"])

    def to_input(self) -> ReleaseInput:
        d = self.cleaned_data
        return ReleaseInput(
            kind=d["kind"],
            kicker=d["kicker"],
            headline=d["headline"],
            lead=d["lead"],
            body=d["body"],
            from_pdf=d["from_pdf"],
            tags=split_tags(d["tags"]),
            category=d["category"],
            county=d["county"],
            supporting_agencies=list(d["supporting_agencies"]),
            responds_to=d["responds_to"],
            responds_to_url=d["responds_to_url"],
            responds_to_title=d["responds_to_title"],
        )

    @classmethod
    def initial_for(cls, release: Release) -> dict[str, Any]:
        from ravabet.newsroom.services import release_version

        return {
            "version": release_version(release),
            "kind": release.kind,
            "kicker": release.kicker,
            "headline": release.headline,
            "lead": release.lead,
            "body": editable_body(release.body),
            "tags": "، ".join(t.name for t in release.tags.all()),
            "category": release.category,
            "county": release.county,
            "supporting_agencies": list(release.supporting_agencies.all()),
            "responds_to": release.responds_to,
            "responds_to_url": release.responds_to_url,
            "responds_to_title": release.responds_to_title,
        }


class ReasonForm(forms.Form):
    reason = CheckedText(
        label="دلیل",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "دلیل را بنویسید."},
    )


class ApproveForm(forms.Form):
    publish_at = JalaliDateTimeField(
        label="زمان انتشار (خالی: همین حالا)",
        required=False,
        help_text="به وقت تهران، مانند ۱۴۰۴/۰۲/۳۰ ۱۰:۰۰",
    )
    # Sent by the «انتشار فوری» button after the warning that the time written has passed.
    now = forms.BooleanField(required=False, widget=forms.HiddenInput)


class CorrectionForm(forms.Form):
    note = CheckedText(
        label="یادداشت اصلاح (عمومی)",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "بنویسید چه چیزی اصلاح شد."},
    )
    headline = CheckedText(label="تیتر", limit="headline", required=False)
    lead = CheckedText(label="لید", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    body = CheckedText(label="متن", required=False, widget=forms.Textarea(attrs={"rows": 10}))


class ImageForm(forms.Form):
    image = forms.FileField(
        label="تصویر (JPEG، PNG، WEBP یا GIF)",
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
        ),
    )
    alt_text = forms.CharField(
        label="متن جایگزین", max_length=300, help_text="آنچه در تصویر دیده می‌شود، برای نابینایان."
    )
    caption = forms.CharField(label="زیرنویس", max_length=300, required=False)


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label="پرونده (PDF، Word، Excel، PowerPoint، OpenDocument یا تصویر)",
        help_text="نوع پرونده از محتوای آن شناخته می‌شود، نه از نامش.",
    )
    title = forms.CharField(label="عنوان پیوست", max_length=300, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label="پروندهٔ متنی خبر (.txt)")
    agency = forms.ModelChoiceField(
        label="دستگاه", queryset=Agency.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, agencies: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if agencies is not None:
            self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]


class SearchForm(forms.Form):
    q = forms.CharField(label="جست‌وجو", required=False, max_length=2000)
    agency = forms.CharField(required=False)
    kind = forms.ChoiceField(
        label="نوع", choices=[("", "همه"), *Release.Kind.choices], required=False
    )
    county = forms.CharField(required=False)
    since = JalaliDateField(
        label="از تاریخ",
        required=False,
        error_messages={
            "invalid": "«از تاریخ» خوانده نشد؛ آن را به شکل ۱۴۰۴/۰۲/۳۰ بنویسید."
            " جست‌وجو بدون آن انجام شد."
        },
    )
    until = JalaliDateField(
        label="تا تاریخ",
        required=False,
        error_messages={
            "invalid": "«تا تاریخ» خوانده نشد؛ آن را به شکل ۱۴۰۴/۰۲/۳۰ بنویسید."
            " جست‌وجو بدون آن انجام شد."
        },
    )

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or self.cleaned_data
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            data["since"], data["until"] = until, since
            self.reversed_range = True
        return data

    reversed_range = False


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label="پست الکترونیک",
        widget=forms.EmailInput(attrs={"dir": "ltr", "autocomplete": "email"}),
        error_messages={
            "invalid": "نشانی پست الکترونیک درست نیست؛ مانند name@example.ir بنویسید.",
            "required": "نشانی پست الکترونیک را بنویسید.",
        },
    )
    frequency = forms.ChoiceField(
        label="چند وقت یک بار",
        choices=Subscription.Frequency.choices,
        widget=forms.RadioSelect,
        initial=Subscription.Frequency.IMMEDIATE,
    )
