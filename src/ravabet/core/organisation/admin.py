"""The platform administrator's view of agencies, counties and memberships."""

from django.contrib import admin

from ravabet.core.organisation.models import Agency, County, Membership


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
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
