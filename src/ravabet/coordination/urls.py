"""Coordination's pages, all in the back office at /backoffice/coordination/: directives,
the annual plan, scorecards and the ranking. Each module of views/ holds its own part."""

from django.urls import include, path

from ravabet.coordination.views import directives, plan, scores

app_name = "coordination"

urlpatterns = [
    path(
        "backoffice/coordination/",
        include([*directives.urlpatterns, *plan.urlpatterns, *scores.urlpatterns]),
    ),
]
