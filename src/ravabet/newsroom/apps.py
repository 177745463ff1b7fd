"""Newsroom: releases from every agency through one editorial workflow to one public portal."""

from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    name = "ravabet.newsroom"
    label = "newsroom"
    verbose_name = "اخبار و اطلاعیه‌ها"

    def ready(self) -> None:
        from ravabet.newsroom import personal

        personal.register()  # citizens' personal data: export, retention (core/personal_data.py)
        from ravabet.core import registry
        from ravabet.core.audit import register_labels
        from ravabet.newsroom import demo, indicators, media, search, selectors
        from ravabet.newsroom.api import router
        from ravabet.newsroom.models import Release

        registry.register_demo_loader(
            "newsroom", "releases (the seed and attributed Fars news)", demo.load, order=100
        )
        registry.register_search_source(
            search.SCOPE,
            "published releases",
            documents=search.published_documents,
            count=search.published_count,
        )
        registry.register_router("newsroom", router)
        # The safety net behind each release's own delayed task, and the morning digest.
        registry.register_periodic_task("ravabet.newsroom.tasks.publish_due_releases", every=60)
        registry.register_periodic_task("ravabet.newsroom.tasks.send_daily_digests", at="07:00")
        registry.register_periodic_task("ravabet.newsroom.tasks.flush_release_views", every=300)
        indicators.register()
        media.register()
        # The officer's day: the to-do lists first on the back-office home.
        registry.register_dashboard_card(
            "newsroom", "اخبار و اطلاعیه‌ها", selectors.todo_lists, order=50
        )

        register_labels(
            actions={
                "release.create": "نوشتن خبر",
                "release.edit": "ویرایش خبر",
                "release.submit": "فرستادن برای تأیید",
                "release.return": "برگشت برای اصلاح",
                "release.publish": "انتشار",
                "release.schedule": "زمان‌بندی انتشار",
                "release.withdraw": "پس‌گرفتن خبر",
                "release.correct": "اصلاحیه",
                "release.feature": "ویژهٔ صفحهٔ اول",
                "release.unfeature": "برداشتن از صفحهٔ اول",
                "release.attach": "افزودن پیوست",
                "release.image": "افزودن تصویر",
            },
            states={str(value): str(label) for value, label in Release.Status.choices},
        )
