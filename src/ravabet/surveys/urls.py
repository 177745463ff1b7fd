"""The surveys' pages: public at /surveys/ (list, answer, results), the back office at
/backoffice/surveys/ (builder, results, exports, needs report). Each module of views/ holds
its own part of the map; this file joins them."""

from django.urls import include, path

from ravabet.surveys.views import builder, needs, public, results

app_name = "surveys"

urlpatterns = [
    path("surveys/", include([*public.urlpatterns, *results.public_urlpatterns])),
    path(
        "backoffice/surveys/",
        include([*builder.urlpatterns, *results.urlpatterns, *needs.urlpatterns]),
    ),
]
