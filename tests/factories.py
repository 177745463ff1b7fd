"""Factories with realistic Persian data."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from ravabet.core.organisation.models import Agency, County, Membership

PASSWORD = "گذرواژه-آزمون-۱۴۰۴"


class CountyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = County
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"county-{n}")
    name = factory.Sequence(lambda n: f"شهرستان آزمایشی {n}")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    slug = factory.Sequence(lambda n: f"agency-{n}")
    name = factory.Sequence(lambda n: f"اداره‌کل آزمایشی شمارهٔ {n} استان تهران")
    short_name = factory.Sequence(lambda n: f"آزمایشی {n}")
    kind = Agency.Kind.GENERAL_DIRECTORATE
    county = factory.SubFactory(CountyFactory, slug="tehran", name="تهران")
    phone = "۰۲۱-۶۶۷۰۰۰۰۰"
    email = factory.LazyAttribute(lambda a: f"pr@{a.slug}.example")


class DirectorateFactory(AgencyFactory):
    slug = "pr-directorate"
    name = "اداره‌کل روابط عمومی و امور بین‌الملل استانداری تهران"
    short_name = "روابط عمومی استانداری"
    kind = Agency.Kind.DIRECTORATE


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "مریم"
    last_name = factory.Sequence(lambda n: f"رضایی{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@ravabet.example")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = Membership.Role.OFFICER


def make_release(
    *, actor, agency, headline="خبر آزمایشی", status="draft", body="متن خبر.", **extra
):  # type: ignore[no-untyped-def]
    """A release taken through the real services up to the wanted state."""
    from ravabet.newsroom import services

    data = services.ReleaseInput(headline=headline, body=body, **extra)
    release = services.release_create(actor=actor, agency=agency, data=data).release
    if status in {"submitted", "published", "withdrawn"}:
        services.release_submit(actor=actor, release=release)
    if status in {"published", "withdrawn"}:
        services.release_approve(actor=actor, release=release)
    if status == "withdrawn":
        services.release_withdraw(actor=actor, release=release, reason="اشتباه در آمار")
    release.refresh_from_db()
    return release


def make_event(*, actor, organizer, title="نشست هم‌اندیشی روابط عمومی‌ها", **extra):  # type: ignore[no-untyped-def]
    """An event made through the real service; starts in a week for two hours unless told."""
    import datetime as dt

    from django.utils import timezone

    from ravabet.events import services

    starts_at = extra.pop("starts_at", timezone.now() + dt.timedelta(days=7))
    ends_at = extra.pop("ends_at", starts_at + dt.timedelta(hours=2))
    data = services.EventInput(
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        venue=extra.pop("venue", "سالن همایش‌های استانداری"),
        organizer=organizer,
        **extra,
    )
    return services.event_create(actor=actor, data=data)


def make_attendee(**extra):  # type: ignore[no-untyped-def]
    from ravabet.events import services

    values = {"name": "مریم احمدی", "phone": "09121234567", "role": "کارشناس روابط عمومی"}
    values.update(extra)
    return services.AttendeeInput(**values)
