"""Open311 GeoReport v2 (being written)."""

from django.http import HttpRequest, HttpResponse


def services(request: HttpRequest, fmt: str) -> HttpResponse:
    raise NotImplementedError


service_definition = requests = request_detail = discovery = services
