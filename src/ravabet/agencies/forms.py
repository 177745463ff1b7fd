"""Back-office form for an agency's contact details."""

from __future__ import annotations

from django import forms

from ravabet.agencies.services import EDITABLE_FIELDS
from ravabet.core.organisation.models import Agency


class AgencyContactForm(forms.ModelForm):
    website = forms.URLField(
        label="وب‌سایت",
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"dir": "ltr"}),
        error_messages={"invalid": "نشانی وب‌سایت درست نیست؛ مانند https://example.ir بنویسید."},
    )

    class Meta:
        model = Agency
        fields = EDITABLE_FIELDS
        widgets = {
            "phone": forms.TextInput(attrs={"dir": "ltr", "inputmode": "tel"}),
            "email": forms.EmailInput(attrs={"dir": "ltr"}),
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages = {
            "email": {"invalid": "نشانی پست الکترونیک درست نیست؛ مانند info@example.ir بنویسید."},
        }
