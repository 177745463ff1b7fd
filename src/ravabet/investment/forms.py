"""Forms of investment's back office: parse and show, build the service's input, never save.

Every refusal of content is the service's (OpportunityInput.check(), ProgrammeInput.check()):
the form only turns typed text into the input's types, so the form and the API refuse the same
things with the same Persian messages. The capital is typed as text («۲۵۰ میلیارد ریال»).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import ProhibitNullCharactersValidator

from ravabet.core.forms import JalaliDateField
from ravabet.core.organisation.models import Agency, County
from ravabet.investment.models import (
    LandStatus,
    Opportunity,
    OpportunityDocument,
    Participation,
    PermitStatus,
    Programme,
    Sector,
)
from ravabet.investment.services.opportunities import (
    MAX_CHARS,
    OpportunityInput,
    opportunity_input_from,
)
from ravabet.investment.services.programmes import ProgrammeInput, programme_input_from
from ravabet.persian import to_latin_digits, to_persian_digits
from ravabet.persian.money import group_digits

_BLANK: list[tuple[str, Any]] = [("", "—")]


class Text(forms.CharField):
    """Text the service checks (length, characters); maxlength given to the browser."""

    def __init__(self, *, limit: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("strip", False)
        super().__init__(**kwargs)
        self.validators = [
            v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]
        if limit is not None and not isinstance(self.widget, forms.Textarea):
            self.widget.attrs["maxlength"] = str(MAX_CHARS[limit])


def _coordinate(value: str) -> float | str | None:
    """A coordinate typed with any digits («۳۵٫۶۹»); the text back when it is not a number."""
    text = to_latin_digits(value or "").strip().replace("٫", ".").replace("،", ".")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return value


def _shown_number(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        value = format(value.normalize(), "f")
    return to_persian_digits(str(value)).replace(".", "٫")


class OpportunityForm(forms.Form):
    agency = forms.ModelChoiceField(
        label="دستگاه مسئول", queryset=Agency.objects.none(), required=False, empty_label=None
    )
    title = Text(label="عنوان", limit="title")
    summary = Text(
        label="خلاصه",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="چند جمله که سرمایه‌گذار اول می‌خواند (تا ۶۰۰ نویسه).",
    )
    description = Text(label="شرح طرح", widget=forms.Textarea(attrs={"rows": 8}))
    sector = forms.ChoiceField(label="بخش", choices=_BLANK + Sector.choices, required=False)
    county = forms.ModelChoiceField(
        label="شهرستان", queryset=County.objects.all(), required=False, empty_label="—"
    )
    address = Text(label="نشانی", limit="address")
    latitude = Text(
        label="عرض جغرافیایی",
        help_text="اختیاری؛ با طول جغرافیایی، مانند ۳۵٫۶۹",
        widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "decimal"}),
    )
    longitude = Text(
        label="طول جغرافیایی",
        help_text="مانند ۵۱٫۳۹",
        widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "decimal"}),
    )
    land_status = forms.ChoiceField(
        label="وضعیت زمین", choices=_BLANK + LandStatus.choices, required=False
    )
    permit_status = forms.ChoiceField(
        label="وضعیت مجوزها", choices=_BLANK + PermitStatus.choices, required=False
    )
    status_notes = Text(label="توضیح زمین و مجوزها", widget=forms.Textarea(attrs={"rows": 3}))
    capital = Text(
        label="سرمایهٔ لازم",
        limit="capital",
        help_text="با رقم یا به حروف، با واحد؛ مانند «۲۵۰ میلیارد ریال» یا «۲۵ میلیارد تومان».",
    )
    irr_percent = Text(
        label="نرخ بازده داخلی (درصد)",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "maxlength": "10"}),
    )
    payback_years = Text(
        label="دورهٔ بازگشت سرمایه (سال)",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "maxlength": "10"}),
    )
    returns_assumptions = Text(
        label="فرض‌های محاسبهٔ بازده",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="ارقام بازده بدون فرض‌هایشان منتشر نشوند: قیمت‌ها، ظرفیت، نرخ تنزیل.",
    )
    participation = forms.MultipleChoiceField(
        label="شیوه‌های مشارکت",
        choices=Participation.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    usd_estimate = Text(
        label="برآورد دلاری (دلار)",
        limit="usd_estimate",
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    usd_rate = Text(
        label="نرخ دلار (ریال)",
        limit="usd_rate",
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    usd_rate_date = JalaliDateField(label="تاریخ نرخ", required=False)
    usd_rate_source = Text(label="منبع نرخ", limit="usd_rate_source")
    contact_name = Text(label="نام رابط", limit="contact_name")
    contact_phone = Text(
        label="تلفن رابط",
        limit="contact_phone",
        widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "tel"}),
    )
    contact_email = Text(
        label="رایانامهٔ رابط",
        limit="contact_email",
        widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "email"}),
    )
    title_en = Text(
        label="عنوان انگلیسی",
        limit="title_en",
        widget=forms.TextInput(attrs={"lang": "en", "dir": "ltr"}),
    )
    summary_en = Text(
        label="خلاصهٔ انگلیسی",
        widget=forms.Textarea(attrs={"rows": 3, "lang": "en", "dir": "ltr"}),
        help_text="برای سرمایه‌گذاران خارجی.",
    )

    def __init__(self, *args: Any, agencies: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if agencies is None:
            del self.fields["agency"]
        else:
            self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(opportunity: Opportunity) -> dict[str, Any]:
        data = opportunity_input_from(opportunity)
        initial = {name: getattr(data, name) for name in OpportunityInput.__dataclass_fields__}
        # Figures shown with Persian digits and the Persian decimal point, as people type them.
        for name in ("latitude", "longitude", "irr_percent", "payback_years"):
            initial[name] = _shown_number(initial[name])
        for name in ("usd_estimate", "usd_rate"):
            value = getattr(opportunity, name)
            initial[name] = group_digits(value) if value else ""
        return initial

    def to_input(self) -> OpportunityInput:
        d = self.cleaned_data
        return OpportunityInput(
            title=d["title"],
            summary=d["summary"],
            description=d["description"],
            title_en=d["title_en"],
            summary_en=d["summary_en"],
            sector=d["sector"],
            county=d["county"],
            address=d["address"],
            latitude=_coordinate(d["latitude"]),  # type: ignore[arg-type]
            longitude=_coordinate(d["longitude"]),  # type: ignore[arg-type]
            land_status=d["land_status"],
            permit_status=d["permit_status"],
            status_notes=d["status_notes"],
            capital=d["capital"],
            usd_estimate=d["usd_estimate"],
            usd_rate=d["usd_rate"],
            usd_rate_date=d["usd_rate_date"],
            usd_rate_source=d["usd_rate_source"],
            irr_percent=d["irr_percent"] or None,
            payback_years=d["payback_years"] or None,
            returns_assumptions=d["returns_assumptions"],
            participation=list(d["participation"]),
            contact_name=d["contact_name"],
            contact_phone=d["contact_phone"],
            contact_email=d["contact_email"],
        )


class ReasonForm(forms.Form):
    reason = Text(
        label="دلیل بازگرداندن",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="نویسنده این دلیل را کنار فرصت می‌بیند.",
    )


class DocumentForm(forms.Form):
    file = forms.FileField(label="پرونده")
    kind = forms.ChoiceField(label="نوع سند", choices=OpportunityDocument.Kind.choices)
    title = Text(label="عنوان سند", limit="document_title")


class ImageForm(forms.Form):
    image = forms.FileField(label="تصویر")
    alt_text = Text(
        label="متن جایگزین",
        limit="alt_text",
        help_text="آنچه تصویر نشان می‌دهد، برای کسی که آن را نمی‌بیند.",
    )


class ProgrammeForm(forms.Form):
    agency = forms.ModelChoiceField(
        label="دستگاه", queryset=Agency.objects.none(), required=False, empty_label=None
    )
    kind = forms.ChoiceField(
        label="نوع حمایت", choices=_BLANK + Programme.Kind.choices, required=False
    )
    title = Text(label="عنوان", widget=forms.TextInput(attrs={"maxlength": "200"}))
    summary = Text(label="خلاصه", widget=forms.Textarea(attrs={"rows": 3}))
    eligibility = Text(label="شرایط برخورداری", widget=forms.Textarea(attrs={"rows": 4}))
    legal_basis = Text(
        label="مبنای قانونی",
        widget=forms.TextInput(attrs={"maxlength": "300"}),
        help_text="قانون، ماده یا مصوبه؛ مانند «ماده ۱۳۲ قانون مالیات‌های مستقیم».",
    )
    sectors = forms.MultipleChoiceField(
        label="همهٔ فرصت‌های این بخش‌ها",
        choices=Sector.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    opportunities = forms.ModelMultipleChoiceField(
        label="فرصت‌هایی که این حمایت شامل آن‌هاست",
        queryset=Opportunity.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(
        self,
        *args: Any,
        agencies: Any = None,
        opportunities: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if agencies is None:
            del self.fields["agency"]
        else:
            self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        if opportunities is not None:
            self.fields["opportunities"].queryset = opportunities  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(programme: Programme) -> dict[str, Any]:
        data = programme_input_from(programme)
        return {
            "kind": data.kind,
            "title": data.title,
            "summary": data.summary,
            "eligibility": data.eligibility,
            "legal_basis": data.legal_basis,
            "sectors": data.sectors,
            "opportunities": data.opportunity_ids,
        }

    def to_input(self) -> ProgrammeInput:
        d = self.cleaned_data
        return ProgrammeInput(
            kind=d["kind"],
            title=d["title"],
            summary=d["summary"],
            eligibility=d["eligibility"],
            legal_basis=d["legal_basis"],
            sectors=list(d["sectors"]),
            opportunity_ids=[o.pk for o in d["opportunities"]],
        )
