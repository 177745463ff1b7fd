"""Writing to and reading from the audit log; every service that changes state calls record()."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import HttpRequest

from ravabet.core.models import AuditEntry

if TYPE_CHECKING:
    from ravabet.core.organisation.models import Agency

# Persian labels for the actions services write; unknown actions are shown as they are.
ACTION_LABELS: dict[str, str] = {
    "login": "ورود",
    "logout": "خروج",
    "login_failed": "ورود ناموفق",
    "login_blocked": "ورود مسدود (تلاش بیش از حد)",
    "agency.update": "ویرایش مشخصات دستگاه",
    "token.create": "ساخت کلید API",
    "token.revoke": "ابطال کلید API",
}


# Persian names of states, filled by each capability (see NewsroomConfig.ready).
STATE_LABELS: dict[str, str] = {}


def register_labels(*, actions: dict[str, str], states: dict[str, str]) -> None:
    """A capability names its audit actions and states in Persian for the log's readers."""
    ACTION_LABELS.update(actions)
    STATE_LABELS.update(states)


def client_ip(request: HttpRequest | None) -> str | None:
    """The address of the person, for the audit log and every rate limit.

    Behind RAVABET_TRUSTED_PROXIES reverse proxies (nginx in front of gunicorn), REMOTE_ADDR is
    the nearest proxy for everyone; the person is then the entry that many places from the
    right of X-Forwarded-For, the last one our own proxies appended. Entries further left are
    whatever the client wrote and are never trusted. Without proxies the header is ignored, so
    nobody can pick their own address.
    """
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    proxies: int = settings.RAVABET_TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [h for h in hops if h]
    if len(hops) < proxies:
        return remote
    candidate = hops[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    agency: Agency | None = None,
    from_state: str = "",
    to_state: str = "",
    data: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEntry:
    """Write one audit entry. Call it inside the service's transaction."""
    is_person = actor is not None and getattr(actor, "is_authenticated", False)
    entry = AuditEntry(
        actor=actor if is_person else None,
        actor_name=(actor.get_full_name() or actor.get_username()) if is_person else "",
        action=action,
        agency=agency,
        from_state=from_state,
        to_state=to_state,
        data=data or {},
        ip_address=client_ip(request),
    )
    if obj is not None:
        entry.content_type = ContentType.objects.get_for_model(obj)
        entry.object_id = str(obj.pk)
        entry.object_repr = str(obj)[:300]
    entry.save()
    return entry


def entries_for(obj: models.Model) -> models.QuerySet[AuditEntry]:
    """The history of one object, newest first."""
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).select_related("actor", "agency")
