"""The occasions calendar moves to the kernel (core.Occasion), where the citizen desk's holidays
live too: one calendar, not two tables. Rows are copied, then events' table is dropped."""

from django.db import migrations


def copy_to_kernel(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Copy every occasion but those the kernel pre-filled as holidays (same title, or the same
    day: Nowruz, 13 Farvardin…), so the calendar does not show them twice."""
    old = apps.get_model("events", "Occasion")
    new = apps.get_model("core", "Occasion")
    holidays = new.objects.filter(is_holiday=True, year__isnull=True)
    titles = set(holidays.values_list("title", flat=True))
    days = set(holidays.values_list("month", "day"))
    new.objects.bulk_create(
        new(
            title=o.title,
            month=o.month,
            day=o.day,
            length_days=o.length_days,
            description=o.description,
            is_active=o.is_active,
        )
        for o in old.objects.order_by("pk").iterator()
        if o.title not in titles and (o.month, o.day) not in days
    )


def copy_back(apps, schema_editor):  # type: ignore[no-untyped-def]
    old = apps.get_model("events", "Occasion")
    new = apps.get_model("core", "Occasion")
    old.objects.bulk_create(
        old(
            title=o.title,
            month=o.month,
            day=o.day,
            length_days=o.length_days,
            description=o.description,
            is_active=o.is_active,
        )
        for o in new.objects.filter(is_holiday=False, year__isnull=True).order_by("pk")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0001_initial"),
        ("core", "0004_calendar"),
    ]

    operations = [
        migrations.RunPython(copy_to_kernel, copy_back),
        migrations.DeleteModel(name="Occasion"),
    ]
