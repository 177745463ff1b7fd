"""The monitoring desk's back-office pages (/backoffice/monitoring/), one module a part:
desk.py (overview, sources, articles, stories, mentions, watches), tone.py (labels, lexicon,
classifier), narratives.py, alerts.py, bulletins.py. Each module holds its `urlpatterns`;
urls.py joins them. Shared helpers live here."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from ravabet.core import permissions

STAFF_ONLY = "پایش رسانه‌ها ویژهٔ کارکنان روابط عمومی است."


def monitor_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Log in first (anonymous → the login page); then a staff member (403 otherwise)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        permissions.require(permissions.can_monitor(request.user), STAFF_ONLY)
        return view(request, *args, **kwargs)

    return wrapped
