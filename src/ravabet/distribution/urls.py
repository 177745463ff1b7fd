"""Distribution's pages: the back office under /backoffice/distribution/ and the press's
private preview of an embargoed release under /press/ (views/press.py)."""

from django.urls import include, path

from ravabet.distribution.views import channels, press

app_name = "distribution"

urlpatterns = [
    path(
        "backoffice/distribution/", include([*channels.urlpatterns, *press.backoffice_urlpatterns])
    ),
    path("press/", include(press.public_urlpatterns)),
]
