"""Placeholder pages, replaced as the part is written (issue 12)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path

from ravabet.monitoring.models import Story
from ravabet.monitoring.views import monitor_required


@monitor_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "monitoring/placeholder.html", {"heading": "نمای کلی پایش"})


@monitor_required
def sources(request: HttpRequest) -> HttpResponse:
    return render(request, "monitoring/placeholder.html", {"heading": "منابع"})


@monitor_required
def articles(request: HttpRequest) -> HttpResponse:
    return render(request, "monitoring/placeholder.html", {"heading": "خبرها"})


@monitor_required
def stories(request: HttpRequest) -> HttpResponse:
    return render(request, "monitoring/placeholder.html", {"heading": "ماجراها"})


@monitor_required
def story(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Story, pk=pk)
    return render(request, "monitoring/story.html", {"story": item})


@monitor_required
def mentions(request: HttpRequest) -> HttpResponse:
    return render(request, "monitoring/placeholder.html", {"heading": "بازتاب‌ها"})


@monitor_required
def watches(request: HttpRequest) -> HttpResponse:
    return render(request, "monitoring/placeholder.html", {"heading": "پایش‌ها"})


urlpatterns = [
    path("", home, name="home"),
    path("sources/", sources, name="sources"),
    path("articles/", articles, name="articles"),
    path("stories/", stories, name="stories"),
    path("stories/<int:pk>/", story, name="story"),
    path("mentions/", mentions, name="mentions"),
    path("watches/", watches, name="watches"),
]
