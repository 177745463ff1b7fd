"""The database unreachable (stopped, restarting, failing over): a Persian 503, not a 500.

A page or API call that meets a lost database answers 503 with Retry-After, the Persian page
`503.html` (the API: its JSON error shape), and is logged as a warning; the next request opens
a fresh connection (CONN_HEALTH_CHECKS), so the site recovers by itself when the database is
back, no restart. `DatabaseOutageMiddleware` catches what a view raises; `core.views.error_500`
answers the same for what escapes elsewhere (a middleware's own query).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader

logger = logging.getLogger(__name__)

RETRY_AFTER = 30  # seconds: a restart or a failover
OUTAGE_ERRORS: tuple[type[Exception], ...] = (OperationalError, InterfaceError)
API_MESSAGE = "پایگاه داده در دسترس نیست؛ چند لحظهٔ دیگر دوباره امتحان کنید."


def is_outage(exception: BaseException | None) -> bool:
    return isinstance(exception, OUTAGE_ERRORS)


def outage_response(request: HttpRequest) -> HttpResponse:
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": API_MESSAGE}, status=503)
    else:
        # No context processors: they read the session and the database.
        response = HttpResponse(loader.get_template("503.html").render({}), status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseOutageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_outage(exception):
            return None
        logger.warning("database unreachable on %s: %s", request.path, exception)
        return outage_response(request)
