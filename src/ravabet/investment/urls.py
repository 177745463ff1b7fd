"""Investment's pages: public at /investment/ (catalogue, map, an opportunity with its inquiry
form, programmes), the back office at /backoffice/investment/ (opportunities, programmes, the
directorate's pipeline). Each module of views/ holds its own part of the map."""

from django.urls import include, path

from ravabet.investment.views import backoffice, pipeline, public

app_name = "investment"

urlpatterns = [
    path("investment/", include(public.urlpatterns)),
    path(
        "backoffice/investment/",
        include([*backoffice.urlpatterns, *pipeline.urlpatterns]),
    ),
]
