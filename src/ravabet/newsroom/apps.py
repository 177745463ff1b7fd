"""Newsroom: releases from every agency through one editorial workflow to one public portal."""

from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    name = "ravabet.newsroom"
    label = "newsroom"
    verbose_name = "اخبار و اطلاعیه‌ها"
