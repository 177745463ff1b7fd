"""Placeholder pages, replaced as the part is written (issue 12)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from ravabet.monitoring.views import monitor_required


@monitor_required
def lexicon(request: HttpRequest) -> HttpResponse:
    return render(request, "monitoring/placeholder.html", {"heading": "واژه‌نامهٔ لحن"})


@monitor_required
def mention_tone(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "monitoring/placeholder.html", {"heading": "لحن"})


urlpatterns = [
    path("mentions/<int:pk>/tone/", mention_tone, name="mention_tone"),
    path("tone/", lexicon, name="lexicon"),
]
