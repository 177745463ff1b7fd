"""Open311 GeoReport v2 at /open311/v2/: the services, their definitions, requests read and
filed, and the discovery document. What each answer holds, and what it never holds (a citizen's
personal data), is desk/open311.py; these views parse, call one function and write it out.

Errors are the spec's: `[{"code": 400, "description": "…"}]` (or <errors><error>…) with the same
HTTP status, in the format the path asked for, Persian descriptions. Filing (POST) needs an
`api_key`, one of the platform's API tokens that may write (a read-only token is refused by the
API's own TokenAuth, in one place); it is a token API, so CSRF does not apply.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied, SuspiciousOperation, ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from ravabet.core.links import absolute_url
from ravabet.core.organisation.models import County
from ravabet.core.tokens.auth import TokenAuth
from ravabet.core.tokens.services import token_active
from ravabet.desk import open311
from ravabet.desk import services as desk_services
from ravabet.desk.open311 import Open311Error

NO_KEY = "api_key فرستاده نشده است؛ کلید API خود را در api_key بفرستید."
BAD_KEY = "api_key نامعتبر، باطل‌شده یا منقضی است."
NO_CODE = "service_code فرستاده نشده است."
TOO_BIG = "درخواست بزرگ‌تر از حد مجاز است؛ متن را کوتاه‌تر کنید."
UNREADABLE = "بدنهٔ درخواست خوانده نشد؛ آن را به شکل application/x-www-form-urlencoded بفرستید."

View = Callable[..., HttpResponse]


def _open311(view: View) -> View:
    """Answer an Open311Error in the spec's format, in the format of the path."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        fmt = kwargs.get("fmt", "json")
        try:
            return view(request, *args, **kwargs)
        except Open311Error as exc:
            return open311.error_response(fmt, exc)

    return wrapped


def _unknown_service(code: str) -> Open311Error:
    return Open311Error(404, f"service_code «{code[:100]}» پیدا نشد؛ فهرست در services.json است.")


@require_safe
@_open311
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    open311.check_jurisdiction(request.GET)
    days = open311.sla_days_by_kind()
    has_counties = County.objects.exists()
    listed = [
        open311.service_fields(s, sla_days=days[s.kind], has_attributes=has_counties)
        for s in open311.service_list()
    ]
    return open311.respond(fmt, "services", listed)


@require_safe
@_open311
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    open311.check_jurisdiction(request.GET)
    service = open311.service_get(code)
    if service is None:
        raise _unknown_service(code)
    definition = open311.definition_fields(service, open311.counties())
    return open311.respond(fmt, "service_definition", definition)


def _reader(request: HttpRequest) -> Any:
    """The person behind a GET's api_key (their own requests show their words), or None."""
    key = request.GET.get("api_key", "")
    if not key:
        return None
    token = token_active(key[:200])
    if token is None:
        raise Open311Error(403, BAD_KEY)
    return token.user


def _private(response: HttpResponse, request: HttpRequest) -> HttpResponse:
    if request.GET.get("api_key") or request.method == "POST":
        patch_cache_control(response, private=True, no_store=True)
    return response


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
@_open311
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _private(_file(request, fmt), request)
    open311.check_jurisdiction(request.GET)
    user = _reader(request)
    directorate = open311.directorate_name()
    rows = [
        open311.request_fields(m, owner=open311.filed_by(m, user), directorate=directorate)
        for m in open311.request_list(request.GET)
    ]
    return _private(open311.respond(fmt, "service_requests", rows), request)


@require_safe
@_open311
def request_detail(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    open311.check_jurisdiction(request.GET)
    user = _reader(request)
    message = open311.request_get(request_id)
    row = open311.request_fields(
        message, owner=open311.filed_by(message, user), directorate=open311.directorate_name()
    )
    return _private(open311.respond(fmt, "service_requests", [row]), request)


def _form(request: HttpRequest) -> QueryDict:
    try:
        return request.POST
    except SuspiciousOperation as exc:  # RequestDataTooBig, TooManyFieldsSent, …
        too_big = type(exc).__name__ == "RequestDataTooBig"
        raise Open311Error(413 if too_big else 400, TOO_BIG if too_big else UNREADABLE) from exc
    except (MultiPartParserError, UnicodeDecodeError, ValueError) as exc:
        raise Open311Error(400, UNREADABLE) from exc


def _file(request: HttpRequest, fmt: str) -> HttpResponse:
    """POST a request: the api_key's person files it as channel open311."""
    form = _form(request)
    key = form.get("api_key") or request.GET.get("api_key") or ""
    if not key:
        raise Open311Error(403, NO_KEY)
    try:
        user = TokenAuth().authenticate(request, key[:200])
    except PermissionDenied as exc:  # a read-only token
        raise Open311Error(403, str(exc)) from exc
    if user is None:
        raise Open311Error(403, BAD_KEY)
    open311.check_jurisdiction(form)
    code = (form.get("service_code") or "").strip()
    if not code:
        raise Open311Error(400, NO_CODE)
    service = open311.service_get(code[:200])
    if service is None:
        raise _unknown_service(code)
    filing = open311.parse_filing(form, service=service, user=user)
    try:
        message = desk_services.message_submit(data=filing.data, request=request)
    except ValidationError as exc:
        raise Open311Error(400, *open311.refusals(exc)) from exc
    except desk_services.DeskError as exc:
        raise Open311Error(400, str(exc)) from exc
    row = {
        "service_request_id": str(message.pk),
        "service_notice": open311.filed_notice(message, filing.notices),
        "account_id": None,
    }
    return open311.respond(fmt, "service_requests", [row])


@require_safe
def discovery(request: HttpRequest) -> HttpResponse:
    """The Service Discovery document: where the v2 endpoint is and which formats it speaks."""
    base = absolute_url(reverse("desk:o311_services", kwargs={"fmt": "json"})).rsplit("/", 1)[0]
    return open311.respond("json", "discovery", open311.discovery_fields(base))
