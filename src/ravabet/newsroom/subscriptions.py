"""E-mail subscriptions to an agency or a tag: confirm, send, unsubscribe in one click."""

from __future__ import annotations

import datetime as dt

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from ravabet.core.links import absolute_url
from ravabet.core.organisation.models import Agency
from ravabet.newsroom.models import Release, Subscription, Tag

_SALT = "ravabet.newsroom.subscription"


def token_for(subscription: Subscription, purpose: str) -> str:
    return signing.dumps({"id": subscription.pk, "p": purpose}, salt=_SALT, compress=True)


def subscription_from_token(token: str, purpose: str) -> Subscription | None:
    try:
        data = signing.loads(
            token, salt=_SALT, max_age=None if purpose == "unsubscribe" else 7 * 86400
        )
    except signing.BadSignature:
        return None
    if data.get("p") != purpose:
        return None
    return Subscription.objects.filter(pk=data.get("id")).first()


def _send(
    to: str, subject: str, template: str, context: dict[str, object], unsubscribe: str = ""
) -> None:
    text = render_to_string(f"newsroom/email/{template}.txt", context)
    html = render_to_string(f"newsroom/email/{template}.html", context)
    headers = {}
    if unsubscribe:
        headers = {
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    message = EmailMultiAlternatives(
        subject, text, to=[to], headers=headers, connection=get_connection()
    )
    message.attach_alternative(html, "text/html")
    message.send()


@transaction.atomic
def subscription_create(
    *, email: str, agency: Agency | None = None, tag: Tag | None = None, frequency: str
) -> Subscription:
    """Create (or reuse) a subscription and send the confirmation e-mail (double opt-in)."""
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": "نشانی پست الکترونیک درست نیست."}) from exc
    if (agency is None) == (tag is None):
        raise ValidationError({"agency": "یک دستگاه یا یک برچسب را برای اشتراک انتخاب کنید."})
    if frequency not in Subscription.Frequency.values:
        raise ValidationError({"frequency": "دفعات ارسال را انتخاب کنید."})
    subscription, _ = Subscription.objects.get_or_create(
        email=email, agency=agency, tag=tag, defaults={"frequency": frequency}
    )
    if subscription.frequency != frequency:
        subscription.frequency = frequency
        subscription.save(update_fields=["frequency"])
    if subscription.confirmed_at is None:
        link = absolute_url(
            reverse("newsroom:subscription_confirm", args=[token_for(subscription, "confirm")])
        )
        transaction.on_commit(
            lambda: _send(
                email,
                "تأیید اشتراک خبرهای روابط",
                "confirm",
                {"subscription": subscription, "link": link},
            )
        )
    return subscription


@transaction.atomic
def subscription_confirm(*, token: str) -> Subscription | None:
    subscription = subscription_from_token(token, "confirm")
    if subscription and subscription.confirmed_at is None:
        subscription.confirmed_at = timezone.now()
        subscription.last_digest_at = subscription.confirmed_at
        subscription.save(update_fields=["confirmed_at", "last_digest_at"])
    return subscription


@transaction.atomic
def subscription_cancel(*, token: str) -> Subscription | None:
    """One click: the link in every e-mail removes the subscription."""
    subscription = subscription_from_token(token, "unsubscribe")
    if subscription is not None:
        snapshot = Subscription(
            email=subscription.email, agency=subscription.agency, tag=subscription.tag
        )
        subscription.delete()
        return snapshot
    return None


def _matching(release: Release) -> QuerySet[Subscription]:
    return Subscription.objects.filter(confirmed_at__isnull=False).filter(
        Q(agency=release.agency) | Q(tag__in=release.tags.all())
    )


def send_immediate(*, release_id: int) -> int:
    release = (
        Release.objects.select_related("agency")
        .filter(pk=release_id, status=Release.Status.PUBLISHED)
        .first()
    )
    if release is None:
        return 0
    sent: set[str] = set()
    for subscription in _matching(release).filter(frequency=Subscription.Frequency.IMMEDIATE):
        if subscription.email in sent:
            continue  # subscribed both to the agency and to a tag: one e-mail
        unsubscribe = absolute_url(
            reverse("newsroom:unsubscribe", args=[token_for(subscription, "unsubscribe")])
        )
        _send(
            subscription.email,
            release.headline,
            "release",
            {
                "release": release,
                "url": absolute_url(release.get_absolute_url()),
                "unsubscribe": unsubscribe,
                "subscription": subscription,
            },
            unsubscribe,
        )
        sent.add(subscription.email)
    return len(sent)


def send_daily_digests(*, now: dt.datetime | None = None) -> int:
    """One e-mail per daily subscription with what was published since its last digest."""
    now = now or timezone.now()
    count = 0
    daily = Subscription.objects.filter(
        confirmed_at__isnull=False, frequency=Subscription.Frequency.DAILY
    )
    for subscription in daily.select_related("agency", "tag"):
        since = subscription.last_digest_at or subscription.confirmed_at or now
        releases = Release.objects.filter(
            status=Release.Status.PUBLISHED, published_at__gt=since, published_at__lte=now
        ).select_related("agency")
        releases = (
            releases.filter(agency=subscription.agency)
            if subscription.agency
            else releases.filter(tags=subscription.tag)
        )
        items = list(releases.order_by("-published_at")[:50])
        with transaction.atomic():
            locked = Subscription.objects.select_for_update().get(pk=subscription.pk)
            if locked.last_digest_at and locked.last_digest_at >= now:
                continue  # another worker sent it already
            if items:
                unsubscribe = absolute_url(
                    reverse("newsroom:unsubscribe", args=[token_for(subscription, "unsubscribe")])
                )
                _send(
                    subscription.email,
                    f"خلاصهٔ روزانهٔ خبرهای {subscription.topic}",
                    "digest",
                    {
                        "subscription": subscription,
                        "items": [(r, absolute_url(r.get_absolute_url())) for r in items],
                        "unsubscribe": unsubscribe,
                    },
                    unsubscribe,
                )
                count += 1
            locked.last_digest_at = now
            locked.save(update_fields=["last_digest_at"])
    return count
