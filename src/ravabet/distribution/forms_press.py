"""Forms of the press list: they parse and show; the service checks and saves."""

from __future__ import annotations

from django import forms

from ravabet.distribution.services.press import LIMITS, JournalistInput


class JournalistForm(forms.Form):
    name = forms.CharField(label="نام", max_length=LIMITS["name"])
    outlet = forms.CharField(label="رسانه", max_length=LIMITS["outlet"])
    email = forms.CharField(
        label="رایانامه",
        max_length=LIMITS["email"],
        widget=forms.EmailInput(attrs={"dir": "ltr", "autocomplete": "off"}),
    )
    beats = forms.CharField(
        label="حوزه‌ها",
        max_length=LIMITS["beats"],
        required=False,
        help_text="با «،» یا «,» جدا کنید؛ مانند: اقتصاد، راه و مسکن",
    )

    def to_input(self) -> JournalistInput:
        d = self.cleaned_data
        return JournalistInput(
            name=d["name"], outlet=d["outlet"], email=d["email"], beats=d.get("beats") or ""
        )


class EmbargoForm(forms.Form):
    beat = forms.CharField(label="فقط حوزهٔ", max_length=60, required=False)
