"""E-mail subscriptions to an agency or a tag: confirm, send, unsubscribe.

Subscribing sends a confirmation e-mail from a task, at most MAILS_PER_EMAIL to one address and
MAILS_PER_CLIENT from one client address an hour. A new subscription, and a change of frequency
of an existing one, take effect only when the owner confirms through the signed link, which
carries the frequency asked for. Links in e-mails open a page with a button (POST): a mail
scanner's GET changes nothing; mail clients' RFC 8058 one-click POST unsubscribes directly.
"""

from __future__ import annotations

import datetime as dt

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from ravabet.core import audit
from ravabet.core import ratelimit as counters
from ravabet.core.links import absolute_url
from ravabet.core.organisation.models import Agency
from ravabet.newsroom.models import Release, Subscription, Tag

_SALT = "ravabet.newsroom.subscription"

# Confirmation e-mails per address, and subscribe requests per client address, in RATE_WINDOW.
MAILS_PER_EMAIL = 3
MAILS_PER_CLIENT = 10
RATE_WINDOW = 3600


class SubscriptionThrottled(Exception):
    """Too many subscribe requests for one e-mail address or from one client address."""

    def __init__(self) -> None:
        super().__init__(
            "درخواست اشتراک از این نشانی زیاد بود. یک ساعت دیگر دوباره امتحان کنید؛ "
            "اگر ایمیل تأیید را گرفته‌اید، پیوند همان را باز کنید."
        )


def token_for(subscription: Subscription, purpose: str, frequency: str = "") -> str:
    """A signed link token; a confirmation token carries the frequency it will set."""
    data: dict[str, object] = {"id": subscription.pk, "p": purpose}
    if frequency:
        data["f"] = frequency
    return signing.dumps(data, salt=_SALT, compress=True)


def _token_data(token: str, purpose: str) -> tuple[Subscription | None, dict[str, object]]:
    try:
        data = signing.loads(
            token, salt=_SALT, max_age=None if purpose == "unsubscribe" else 7 * 86400
        )
    except signing.BadSignature:
        return None, {}
    if (
        not isinstance(data, dict)
        or data.get("p") != purpose
        or not isinstance(data.get("id"), int)
    ):
        return None, {}
    return Subscription.objects.filter(pk=data["id"]).first(), data


def subscription_from_token(token: str, purpose: str) -> Subscription | None:
    return _token_data(token, purpose)[0]


def _throttle(email: str, client_ip: str | None) -> None:
    """Count this request; refuse it past either limit (nothing is written or sent then)."""
    over = (
        counters.increment(f"subscribe:email:{counters.key_part(email)}", window=RATE_WINDOW)
        > MAILS_PER_EMAIL
    )
    if client_ip:
        over |= (
            counters.increment(f"subscribe:ip:{client_ip}", window=RATE_WINDOW) > MAILS_PER_CLIENT
        )
    if over:
        raise SubscriptionThrottled


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
    *,
    email: str,
    agency: Agency | None = None,
    tag: Tag | None = None,
    frequency: str,
    request: HttpRequest | None = None,
) -> Subscription:
    """Ask for a subscription (or a change of its frequency); a task e-mails the owner a link.

    Nothing about an existing subscription changes here: the owner's confirmation applies it.
    Raises SubscriptionThrottled past the limits, ValidationError for a bad address or topic.
    """
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": "نشانی پست الکترونیک درست نیست."}) from exc
    if (agency is None) == (tag is None):
        raise ValidationError({"agency": "یک دستگاه یا یک برچسب را برای اشتراک انتخاب کنید."})
    if frequency not in Subscription.Frequency.values:
        raise ValidationError({"frequency": "دفعات ارسال را انتخاب کنید."})
    _throttle(email, audit.client_ip(request))
    subscription, _ = Subscription.objects.get_or_create(
        email=email, agency=agency, tag=tag, defaults={"frequency": frequency}
    )
    if subscription.confirmed_at is None or subscription.frequency != frequency:
        from ravabet.newsroom import tasks

        subscription_id = subscription.pk
        transaction.on_commit(
            lambda: tasks.send_subscription_confirmation.enqueue(subscription_id, frequency)
        )
    return subscription


def send_confirmation(*, subscription_id: int, frequency: str) -> bool:
    """The e-mail with the signed link that confirms a subscription or a change of frequency."""
    subscription = (
        Subscription.objects.select_related("agency", "tag").filter(pk=subscription_id).first()
    )
    if subscription is None or frequency not in Subscription.Frequency.values:
        return False
    link = absolute_url(
        reverse(
            "newsroom:subscription_confirm",
            args=[token_for(subscription, "confirm", frequency)],
        )
    )
    context = {
        "subscription": subscription,
        "link": link,
        "frequency": Subscription.Frequency(frequency).label,
    }
    if subscription.confirmed_at is None:
        _send(subscription.email, "تأیید اشتراک خبرهای روابط", "confirm", context)
    else:
        _send(subscription.email, "تأیید تغییر اشتراک خبرهای روابط", "change", context)
    return True


def subscription_pending(*, token: str) -> tuple[Subscription | None, str]:
    """What a confirmation link would do, without doing it: the subscription and the frequency."""
    subscription, data = _token_data(token, "confirm")
    if subscription is None:
        return None, ""
    frequency = data.get("f")
    if frequency not in Subscription.Frequency.values:  # links sent before they carried it
        frequency = subscription.frequency
    return subscription, str(frequency)


@transaction.atomic
def subscription_confirm(*, token: str) -> Subscription | None:
    """The owner pressed the button behind the link: confirm, and set the frequency it carries."""
    subscription, frequency = subscription_pending(token=token)
    if subscription is None:
        return None
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    now = timezone.now()
    fields = []
    if subscription.confirmed_at is None:
        subscription.confirmed_at = subscription.last_digest_at = now
        fields += ["confirmed_at", "last_digest_at"]
    if subscription.frequency != frequency:
        subscription.frequency = frequency
        fields.append("frequency")
        if frequency == Subscription.Frequency.DAILY and "last_digest_at" not in fields:
            # The first digest covers what is published from now, not since subscribing.
            subscription.last_digest_at = now
            fields.append("last_digest_at")
    if fields:
        subscription.save(update_fields=fields)
    return subscription


@transaction.atomic
def subscription_cancel(*, token: str) -> Subscription | None:
    """The button behind the link in every e-mail, or the mail client's one-click POST."""
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
        # Claim this digest with one conditional UPDATE (no transaction held while mailing):
        # a second worker finds last_digest_at changed and skips it. A failed send gives the
        # claim back, so the next run tries again; a crash between claim and send loses one
        # digest rather than holding the database's write lock for a slow mail server.
        previous = subscription.last_digest_at
        claimed = Subscription.objects.filter(pk=subscription.pk, last_digest_at=previous).update(
            last_digest_at=now
        )
        if not claimed or not items:
            continue
        unsubscribe = absolute_url(
            reverse("newsroom:unsubscribe", args=[token_for(subscription, "unsubscribe")])
        )
        try:
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
        except Exception:
            Subscription.objects.filter(pk=subscription.pk, last_digest_at=now).update(
                last_digest_at=previous
            )
            raise
        count += 1
    return count
