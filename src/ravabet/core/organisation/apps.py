"""The organisation model's app (label ``agencies``, kept from before it moved into the kernel)."""

from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "ravabet.core.organisation"
    label = "agencies"
    verbose_name = "دستگاه‌ها"

    def ready(self) -> None:
        from ravabet.core import registry
        from ravabet.core.organisation import demo

        registry.register_demo_loader(
            "organisation", "agencies, counties and people", demo.load, order=0
        )
