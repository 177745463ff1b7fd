"""Public pages of the desk: the form, the tracking page (being written)."""

from django.http import HttpRequest, HttpResponse


def submit(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


track_lookup = track = track_rate = track_reopen = submit
