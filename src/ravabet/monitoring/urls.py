"""The monitoring desk's pages, all in the back office under /backoffice/monitoring/; each
module of views/ holds its own part of the map."""

from django.urls import include, path

from ravabet.monitoring.views import alerts, bulletins, desk, narratives, tone

app_name = "monitoring"

urlpatterns = [
    path(
        "backoffice/monitoring/",
        include(
            [
                *desk.urlpatterns,
                *tone.urlpatterns,
                *narratives.urlpatterns,
                *alerts.urlpatterns,
                *bulletins.urlpatterns,
            ]
        ),
    ),
]
