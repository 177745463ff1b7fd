"""Back-office form for an agency's contact details."""

from __future__ import annotations

from django import forms

from ravabet.agencies.models import Agency
from ravabet.agencies.services import EDITABLE_FIELDS


class AgencyContactForm(forms.ModelForm):
    class Meta:
        model = Agency
        fields = EDITABLE_FIELDS
        widgets = {
            "phone": forms.TextInput(attrs={"dir": "ltr", "inputmode": "tel"}),
            "email": forms.EmailInput(attrs={"dir": "ltr"}),
            "website": forms.URLInput(attrs={"dir": "ltr"}),
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages = {
            "email": {"invalid": "نشانی پست الکترونیک درست نیست؛ مانند info@example.ir بنویسید."},
            "website": {"invalid": "نشانی وب‌سایت باید با https:// آغاز شود."},
        }
