"""Investment: the public catalogue of investable projects and the government's support
programmes, with investors' inquiries routed to the responsible agency through the citizen
desk's one inbox and SLA clock."""

from django.apps import AppConfig


class InvestmentConfig(AppConfig):
    name = "ravabet.investment"
    label = "investment"
    verbose_name = "سرمایه‌گذاری"

    def ready(self) -> None:
        from ravabet.investment import registrations

        registrations.register()
