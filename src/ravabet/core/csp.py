"""Content-Security-Policy on every response: scripts and styles from our own files only.

The policy is settings.RAVABET_CSP (directive -> sources); RAVABET_CSP_PATHS replaces some
directives under a path prefix (the API's Swagger page needs inline styles). A response that
already carries a policy keeps it: stored files set a stricter one (core/uploads/views.py).
RAVABET_CSP_REPORT_ONLY=1 sends it as Content-Security-Policy-Report-Only, to try a change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "Content-Security-Policy"
REPORT_ONLY_HEADER = "Content-Security-Policy-Report-Only"


def policy_for(path: str) -> str:
    directives: dict[str, Any] = dict(settings.RAVABET_CSP)
    for prefix, extra in sorted(settings.RAVABET_CSP_PATHS.items(), key=lambda kv: len(kv[0])):
        if path.startswith(prefix):
            directives.update(extra)
    return "; ".join(
        f"{name} {sources}".strip() if isinstance(sources, str) else " ".join([name, *sources])
        for name, sources in directives.items()
        if sources is not None
    )


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if HEADER in response or REPORT_ONLY_HEADER in response:
            return response
        if settings.DEBUG and response.status_code in {404, 500}:
            return response  # Django's technical pages style themselves inline
        header = REPORT_ONLY_HEADER if settings.RAVABET_CSP_REPORT_ONLY else HEADER
        response[header] = policy_for(request.path)
        return response
