"""Placeholder pages, replaced as the part is written (issue 12)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from ravabet.monitoring.views import monitor_required


@monitor_required
def narratives(request: HttpRequest) -> HttpResponse:
    return render(request, "monitoring/placeholder.html", {"heading": "روایت‌ها"})


urlpatterns = [
    path("narratives/", narratives, name="narratives"),
]
