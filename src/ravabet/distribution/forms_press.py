"""Forms of the press list: they parse and show; the service checks (required fields, lengths,
the e-mail, the beats) and saves, so its Persian messages are the only ones shown."""

from __future__ import annotations

from django import forms

from ravabet.distribution.services.press import LIMITS, MAX_BEAT_CHARS, JournalistInput


def _text(label: str, limit: int, **attrs: str) -> forms.CharField:
    # `maxlength` guides the browser; the service gives the Persian refusal.
    return forms.CharField(
        label=label,
        required=False,
        strip=False,
        widget=forms.TextInput(attrs={"maxlength": str(limit), **attrs}),
    )


class JournalistForm(forms.Form):
    name = _text("نام", LIMITS["name"])
    outlet = _text("رسانه", LIMITS["outlet"])
    email = forms.CharField(
        label="رایانامه",
        required=False,
        widget=forms.EmailInput(
            attrs={"dir": "ltr", "autocomplete": "off", "maxlength": str(LIMITS["email"])}
        ),
    )
    beats = _text("حوزه‌ها", LIMITS["beats"])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["beats"].help_text = "با «،» یا «,» جدا کنید؛ مانند: اقتصاد، راه و مسکن"

    def to_input(self) -> JournalistInput:
        d = self.cleaned_data
        return JournalistInput(
            name=d.get("name") or "",
            outlet=d.get("outlet") or "",
            email=d.get("email") or "",
            beats=d.get("beats") or "",
        )


class EmbargoForm(forms.Form):
    beat = forms.CharField(label="فقط حوزهٔ", max_length=MAX_BEAT_CHARS, required=False)
