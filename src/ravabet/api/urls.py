"""The API object: /api/v1/, its OpenAPI document and human docs.

Every capability registers its router in core.registry from its AppConfig.ready(); this module
mounts them all (URLs are imported after the apps are ready) and maps refusals to 403 and a
missing or wrong token to 401 once; bodies too big or not storable are answered in parsing.py;
validation errors (422) keep ninja's shape (type, loc, msg) with the message in Persian; the
OpenAPI document lists these answers on every operation (responses.py); the docs page is
docs.py's.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.openapi.schema import OpenAPISchema

from ravabet.api import parsing, responses
from ravabet.api.docs import PersianSwagger, script, stylesheet
from ravabet.api.me import router as me_router
from ravabet.core import registry
from ravabet.core.schemas import persian_errors


class RavabetAPI(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        responses.document(schema)
        return schema


api = RavabetAPI(
    title="Ravabet API — روابط",
    version="1",
    description="API شبکهٔ روابط عمومی استان. خواندن عمومی است؛ نوشتن با کلید API.",
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url="/docs",
    docs=PersianSwagger(),
    parser=parsing.JsonParser(),
)
parsing.install(api)
api.add_router("", me_router)


@api.get("/docs.css", include_in_schema=False, url_name="docs-css")
def docs_css(request: HttpRequest) -> HttpResponse:
    return HttpResponse(stylesheet(), content_type="text/css; charset=utf-8")


@api.get("/docs.js", include_in_schema=False, url_name="docs-js")
def docs_js(request: HttpRequest) -> HttpResponse:
    return HttpResponse(script(), content_type="text/javascript; charset=utf-8")


for mounted in registry.api_routers():
    api.add_router(mounted.prefix, mounted.router)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(
        request, {"detail": str(exc) or "اجازهٔ این کار را ندارید."}, status=403
    )


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(request, {"detail": responses.UNAUTHENTICATED}, status=401)
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": persian_errors(exc.errors)}, status=422)
