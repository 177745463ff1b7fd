"""The API object: /api/v1/, its OpenAPI document and human docs.

Every capability registers its router in core.registry from its AppConfig.ready(); this module
mounts them all (URLs are imported after the apps are ready) and maps refusals to 403 once;
bodies too big or not storable are answered in parsing.py.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from ravabet.api import parsing
from ravabet.api.me import router as me_router
from ravabet.core import registry

api = NinjaAPI(
    title="Ravabet API — روابط",
    version="1",
    description="API شبکهٔ روابط عمومی استان. خواندن عمومی است؛ نوشتن با کلید API.",
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url="/docs",
    parser=parsing.JsonParser(),
)
parsing.install(api)
api.add_router("", me_router)
for mounted in registry.api_routers():
    api.add_router(mounted.prefix, mounted.router)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(
        request, {"detail": str(exc) or "اجازهٔ این کار را ندارید."}, status=403
    )
