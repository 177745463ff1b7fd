"""The organisation model's app (label ``agencies``, kept from before it moved into the kernel)."""

from django.apps import AppConfig

# The page-cache topic of what the public sees of agencies and counties (core/pagecache.py).
PUBLIC_TOPIC = "agencies"


class OrganisationConfig(AppConfig):
    name = "ravabet.core.organisation"
    label = "agencies"
    verbose_name = "دستگاه‌ها"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from ravabet.core import pagecache, registry
        from ravabet.core.organisation import demo
        from ravabet.core.organisation.models import Agency, County

        # Public pages show agencies' names, contacts and counties: any save (by the agency's
        # head through its service, or by the platform admin in /admin/) makes them stale.
        def agencies_changed(**_: object) -> None:
            pagecache.bump(PUBLIC_TOPIC)

        for model in (Agency, County):
            # weak=False: the receiver is local to ready(), nothing else holds it.
            for signal in (post_save, post_delete):
                signal.connect(
                    agencies_changed, sender=model, weak=False, dispatch_uid=f"pagecache-{model}"
                )

        registry.register_demo_loader(
            "organisation", "agencies, counties and people", demo.load, order=0
        )
