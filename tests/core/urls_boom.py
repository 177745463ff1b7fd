"""A URL map for the 500-page test: the real site plus one view that fails."""

from django.urls import path

from ravabet.config.urls import urlpatterns as site_urlpatterns


def boom(request):  # type: ignore[no-untyped-def]
    raise RuntimeError("secret-internal-detail: database password is hunter2")


urlpatterns = [path("boom/", boom), *site_urlpatterns]
handler500 = "ravabet.core.views.error_500"
