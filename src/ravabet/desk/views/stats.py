"""The public figures of the desk (being written)."""

from django.http import HttpRequest, HttpResponse


def stats(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError
