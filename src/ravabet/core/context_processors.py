"""Values every template may use: site name, the person's back-office scope."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from ravabet.core import notifications, permissions


class _UnreadCount:
    """The bell's number, counted (one indexed query) only when a page shows it, and once."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self.value: int | None = None

    def __call__(self) -> int:
        if self.value is None:
            self.value = notifications.unread_count(self.user)
        return self.value


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "site_name": settings.RAVABET_SITE_NAME,
        "is_staff_member": permissions.is_staff_member(user),
        "can_browse_audit": permissions.can_browse_audit(user),
        # The directorate's own pages in the menu (the ranking, the weights, «امروز»).
        "sees_all_agencies": permissions.sees_all_agencies(user),
        # Templates call it: {% with n=unread_notifications %} (the back office's bell).
        "unread_notifications": _UnreadCount(user),
    }
