"""Public pages of the desk: the form, the tracking page, the figures (being written)."""

from django.http import HttpRequest, HttpResponse


def submit(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


def track_lookup(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


def track(request: HttpRequest, code: str) -> HttpResponse:
    return HttpResponse("")
