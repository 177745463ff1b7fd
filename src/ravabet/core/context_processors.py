"""Values every template may use: site name, the person's back-office scope."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from ravabet.core import permissions


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "site_name": settings.RAVABET_SITE_NAME,
        "is_staff_member": permissions.is_staff_member(user),
        "can_browse_audit": permissions.can_browse_audit(user),
    }
