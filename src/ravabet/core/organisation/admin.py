"""The platform administrator's view of agencies, counties and memberships."""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminFileWidget
from django.core.files.uploadedfile import UploadedFile

from ravabet.core import uploads
from ravabet.core.organisation.media import AGENCY_LOGO
from ravabet.core.organisation.models import Agency, County, Membership


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)


class AgencyAdminForm(forms.ModelForm):
    # A plain file field: the content is judged by uploads.accept, not by the form.
    logo = forms.FileField(label="نشان", required=False, widget=AdminFileWidget)
    website = forms.URLField(label="وب‌سایت", required=False, assume_scheme="https")

    class Meta:
        model = Agency
        # The admin passes every field of the model anyway; these are the ones tests use.
        fields = (
            "slug",
            "name",
            "short_name",
            "kind",
            "parent",
            "county",
            "logo",
            "phone",
            "email",
            "website",
            "address",
            "description",
            "is_active",
        )

    def clean_logo(self) -> Any:
        logo = self.cleaned_data.get("logo")
        if not isinstance(logo, UploadedFile):
            return logo  # unchanged, or cleared
        return uploads.accept(logo, policy=AGENCY_LOGO).file


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    form = AgencyAdminForm
    list_display = ("name", "kind", "county", "is_active")
    list_filter = ("kind", "is_active", "county")
    search_fields = ("name", "short_name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "agency", "role")
    list_filter = ("role", "agency")
    autocomplete_fields = ("user", "agency")
