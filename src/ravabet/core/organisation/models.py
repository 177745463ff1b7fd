"""Agencies of the province, its counties, and memberships (a role per person per agency)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ravabet.core.organisation.ordering import PersianNameQuerySet


class County(models.Model):
    """A county (شهرستان) of the province."""

    slug = models.SlugField(unique=True, max_length=64)
    name = models.CharField(_("نام"), max_length=100, unique=True)

    # Listed in Persian alphabetical order (پ after ب), not by code point.
    objects = PersianNameQuerySet["County"].as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("شهرستان")
        verbose_name_plural = _("شهرستان‌ها")

    def __str__(self) -> str:
        return self.name


class Agency(models.Model):
    """An executive agency (دستگاه اجرایی) with its PR office; the directorate is one of them."""

    class Kind(models.TextChoices):
        GOVERNORATE = "governorate", _("استانداری")
        DIRECTORATE = "directorate", _("اداره‌کل روابط عمومی استانداری")
        GENERAL_DIRECTORATE = "general_directorate", _("اداره‌کل")
        ORGANIZATION = "organization", _("سازمان")
        COMPANY = "company", _("شرکت")
        MUNICIPALITY = "municipality", _("شهرداری")
        UNIVERSITY = "university", _("دانشگاه")
        GOVERNORSHIP = "governorship", _("فرمانداری")

    slug = models.SlugField(unique=True, max_length=64)
    name = models.CharField(_("نام"), max_length=200, unique=True)
    short_name = models.CharField(_("نام کوتاه"), max_length=100, blank=True)
    kind = models.CharField(_("نوع"), max_length=32, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("دستگاه بالادست"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    county = models.ForeignKey(
        County, verbose_name=_("شهرستان"), null=True, blank=True, on_delete=models.PROTECT
    )
    logo = models.ImageField(_("نشان"), upload_to="agencies/logos/", blank=True)
    phone = models.CharField(_("تلفن"), max_length=32, blank=True)
    email = models.EmailField(_("پست الکترونیک"), blank=True)
    website = models.URLField(_("وب‌سایت"), blank=True)
    address = models.CharField(_("نشانی"), max_length=300, blank=True)
    description = models.TextField(_("معرفی"), blank=True)
    is_active = models.BooleanField(_("فعال"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Listed in Persian alphabetical order (پ after ب), not by code point.
    objects = PersianNameQuerySet["Agency"].as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("دستگاه")
        verbose_name_plural = _("دستگاه‌ها")
        constraints = [
            # Exactly one agency is the Governorate's PR directorate, which sees all agencies.
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(kind="directorate"),
                name="one_directorate",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("agencies:detail", kwargs={"slug": self.slug})

    def get_backoffice_url(self) -> str:
        return reverse("agencies:backoffice", kwargs={"slug": self.slug})

    @property
    def is_directorate(self) -> bool:
        return self.kind == self.Kind.DIRECTORATE

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    @property
    def initials(self) -> str:
        """Two letters for the logo placeholder, skipping generic words."""
        generic = {"اداره", "کل", "اداره‌کل", "سازمان", "شرکت", "استان", "تهران", "و", "ی"}
        words = [w for w in self.display_name.split() if w not in generic] or self.name.split()
        return "".join(w[0] for w in words[:2])


class Membership(models.Model):
    """A person's role in one agency; a person may hold roles in several agencies."""

    class Role(models.TextChoices):
        HEAD = "head", _("مدیر روابط عمومی (تأییدکننده)")
        OFFICER = "officer", _("کارشناس روابط عمومی")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("نقش"), max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agency__name", "role"]
        verbose_name = _("عضویت")
        verbose_name_plural = _("عضویت‌ها")
        constraints = [
            models.UniqueConstraint(fields=["user", "agency"], name="one_role_per_agency")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.agency} ({self.get_role_display()})"
