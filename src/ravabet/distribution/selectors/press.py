"""Reads of the press list: journalists of the agencies a person may see, a release's
mailings, a preview link by its token."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from ravabet.core import permissions
from ravabet.core.organisation.models import Agency
from ravabet.distribution.models import Journalist, PressMailing, PreviewLink

__all__ = [
    "journalist_get",
    "journalist_list",
    "press_agency_get",
    "preview_link_get",
    "release_mailings",
    "release_panel",
]

# The most tokens' characters looked at: longer is not one of ours.
MAX_TOKEN_CHARS = 100


def journalist_list(*, user: Any, agency: Agency | None = None) -> QuerySet[Journalist]:
    qs = Journalist.objects.filter(agency__in=permissions.visible_agencies(user)).select_related(
        "agency", "approved_by"
    )
    if agency is not None:
        qs = qs.filter(agency=agency)
    return qs.order_by("agency__name", "-is_active", "name", "pk")


def journalist_get(*, user: Any, pk: int) -> Journalist:
    """A journalist on a list this person may see; anything else does not exist."""
    journalist = Journalist.objects.select_related("agency").get(pk=pk)
    if not permissions.can_view_agency(user, journalist.agency):
        raise Journalist.DoesNotExist
    return journalist


def press_agency_get(*, user: Any, slug: str) -> Agency:
    return permissions.visible_agencies(user).get(slug=slug[:64])


def release_mailings(*, release_id: int) -> QuerySet[PressMailing]:
    """Newest first: the follow-ups above the mailings they follow."""
    return (
        PressMailing.objects.filter(release_id=release_id)
        .select_related("journalist")
        .order_by("-pk")
    )


def preview_link_get(*, token: str) -> PreviewLink | None:
    """The live link for this token (not expired, not revoked), or None."""
    if not token or len(token) > MAX_TOKEN_CHARS:
        return None
    from ravabet.distribution.services.press import hash_token

    return PreviewLink.objects.filter(
        token_hash=hash_token(token), revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).first()


def release_panel(*, user: Any, release: Any) -> dict[str, Any] | None:
    """The press panel on a release's back-office page: what was mailed (whatever the release's
    status now), and the sending form for a release scheduled in the future to whoever
    approves for its agency."""
    agency = release.agency
    if not permissions.can_view_agency(user, agency):
        return None
    mailings = list(release_mailings(release_id=release.pk)[:200])
    can_send = (
        permissions.can_approve_for(user, agency)
        and release.status == "scheduled"
        and release.scheduled_for is not None
        and release.scheduled_for > timezone.now()
    )
    if not mailings and release.status not in {"scheduled", "published"}:
        return None
    journalists = Journalist.objects.filter(
        agency=agency, is_active=True, approved_at__isnull=False
    )
    beats: list[str] = []
    if can_send:
        from ravabet.distribution.services.press import parse_beats

        for text in journalists.values_list("beats", flat=True)[:1000]:
            for beat in parse_beats(text):
                if beat not in beats:
                    beats.append(beat)
    return {
        "release": release,
        "mailings": mailings,
        "can_send": can_send,
        "recipients": journalists.count(),
        "beats": sorted(beats),
        "embargo": release.scheduled_for if release.status == "scheduled" else None,
    }
