"""Every release out: messenger channels (Bale, Telegram, Eitaa, webhooks), deliveries posted
exactly once, the press list with embargo and private previews."""

from django.apps import AppConfig


class DistributionConfig(AppConfig):
    name = "ravabet.distribution"
    label = "distribution"
    verbose_name = "ارسال به پیام‌رسان‌ها و خبرنگاران"

    def ready(self) -> None:
        from ravabet.distribution import personal

        personal.register()  # citizens' personal data: export, retention (core/personal_data.py)
        from ravabet.core import signals
        from ravabet.distribution import delivery, press, receivers

        signals.content_changed.connect(receivers.content_changed, dispatch_uid="distribution")
        delivery.register()  # channels and deliveries
        press.register()  # the press list, embargo, previews
