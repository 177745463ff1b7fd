"""Request bodies the API refuses before any endpoint runs, each with a Persian answer.

A body larger than DATA_UPLOAD_MAX_MEMORY_SIZE is 413; a body that is not JSON is 400; JSON
that decodes to text no database can store (a lone surrogate such as "\\ud800", which
json.loads accepts) is 400 too. Text limits of each field are the services' business.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.parser import Parser
from ninja.types import DictStrAny

TOO_BIG = "درخواست بزرگ‌تر از حد مجاز است؛ متن را کوتاه‌تر کنید یا پرونده را جداگانه بفرستید."
NOT_JSON = "بدنهٔ درخواست JSON درستی نیست؛ آن را با کدگذاری UTF-8 بفرستید."
LONE_SURROGATE = (
    "متن درخواست نویسهٔ نامعتبر دارد (نیمهٔ تنهای یک نویسهٔ یونیکد، مانند \\ud800)؛"
    " متن را با کدگذاری درست بفرستید."
)


_NINJA_PARSE_ERROR = "Cannot parse request body"


class LoneSurrogate(ValueError):
    """Decoded JSON holds a string that cannot be encoded as UTF-8."""


def has_lone_surrogate(data: Any) -> bool:
    """Whether any string (key or value) in decoded JSON holds a lone surrogate."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


class JsonParser(Parser):
    """ninja's JSON parser, refusing strings that no database can store."""

    def parse_body(self, request: HttpRequest) -> DictStrAny:
        data = super().parse_body(request)
        if has_lone_surrogate(data):
            raise LoneSurrogate
        return data


def install(api: NinjaAPI) -> None:
    """Answer a too-big body with 413 and unparsable bodies in Persian, on every endpoint."""

    @api.exception_handler(RequestDataTooBig)
    def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return api.create_response(request, {"detail": TOO_BIG}, status=413)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        detail = str(exc)
        # ninja turns any failure of the parser into this HttpError(400), raised from it.
        if detail.startswith(_NINJA_PARSE_ERROR):
            detail = LONE_SURROGATE if isinstance(exc.__cause__, LoneSurrogate) else NOT_JSON
        return api.create_response(request, {"detail": detail}, status=exc.status_code)
