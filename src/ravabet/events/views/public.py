"""STUB views (to be written)."""

from django.http import HttpRequest, HttpResponse


def calendar_feed(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def event_detail(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def event_ics(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def event_list(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise NotImplementedError


def occasion_list(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise NotImplementedError
