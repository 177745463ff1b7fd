"""The channel form of the back office: the token is entered, never shown back."""

from __future__ import annotations

from typing import Any

from django import forms

from ravabet.distribution.models import Channel


class ChannelForm(forms.Form):
    agency: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None, label="دستگاه", empty_label=None
    )
    kind = forms.ChoiceField(label="نوع", choices=Channel.Kind.choices)
    name = forms.CharField(label="نام", max_length=200)
    base_url = forms.CharField(
        label="نشانی پایهٔ API یا نشانی وب‌هوک",
        max_length=500,
        required=False,
        help_text=(
            "خالی بگذارید تا نشانی پیش‌فرض پیام‌رسان به کار رود."
            " فقط نشانی عمومی اینترنت روی درگاه ۸۰ یا ۴۴۳ پذیرفته است."
        ),
    )
    token = forms.CharField(
        label="توکن ربات (یا راز امضای وب‌هوک)",
        max_length=500,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    chat_id = forms.CharField(label="شناسهٔ کانال", max_length=200, required=False)
    is_active = forms.BooleanField(label="فعال", required=False, initial=True)

    def __init__(self, *args: Any, agencies: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        if editing:
            self.fields["agency"].disabled = True
            self.fields[
                "token"
            ].help_text = "خالی بگذارید تا توکن کنونی بماند؛ توکن نمایش داده نمی‌شود."
