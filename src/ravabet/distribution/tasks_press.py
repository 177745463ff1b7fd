"""The press list's tasks: they take ids, read the release through the newsroom's selectors
(`release_get_for_distribution`: they act for the agency, not a person) and send each mailing
once (services.press.mailing_deliver)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django_tasks import task

from ravabet.distribution.models import PressMailing
from ravabet.distribution.services import press
from ravabet.newsroom import selectors as newsroom


@task()
def send_press_mailings(mailing_ids: list[int], sender_id: int | None = None) -> int:
    """E-mail the mailings given: the embargoed ones (`sender`, who sent them, is the preview
    links' creator) and the follow-ups (no sender). The number sent; a second run sends none
    again."""
    sender = (
        get_user_model().objects.filter(pk=sender_id, is_active=True).first()
        if sender_id is not None
        else None
    )
    mailings = list(
        PressMailing.objects.filter(
            pk__in=mailing_ids[: press.MAX_RECIPIENTS], sent_at__isnull=True
        )
        .order_by("pk")
        .values_list("pk", "release_id")
    )
    sent = 0
    releases: dict[int, object] = {}
    for mailing_id, release_id in mailings:
        if release_id not in releases:
            try:
                releases[release_id] = newsroom.release_get_for_distribution(pk=release_id)
            except ObjectDoesNotExist:
                releases[release_id] = None
        release = releases[release_id]
        if release is None:
            PressMailing.objects.filter(pk=mailing_id, sent_at__isnull=True).update(
                error="خبر دیگر در سامانه نیست."
            )
            continue
        sent += press.mailing_deliver(mailing_id=mailing_id, release=release, sender=sender)
    return sent


@task()
def send_public_link(release_id: int, agency_id: int) -> int:
    """On publication: the public link to the press list, each journalist once."""
    try:
        release = newsroom.release_get_public(pk=release_id)
    except ObjectDoesNotExist:
        return 0
    if release.status != "published":
        return 0
    sent = 0
    for mailing_id in press.press_queue_public(release_id=release_id, agency_id=agency_id):
        sent += press.mailing_deliver(mailing_id=mailing_id, release=release)
    return sent
