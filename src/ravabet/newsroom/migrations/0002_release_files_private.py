# Release images and attachments move to private storage under random names (core/uploads).
# Files uploaded before are checked again by content: those that pass are re-stored (images
# re-encoded) in private storage; those that fail lose their row. Either way the old copy
# under MEDIA_ROOT, kept under the uploader's name, is removed.

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import migrations, models

import ravabet.core.uploads.storage


def _policies():
    from ravabet.core import uploads

    return {
        "image": uploads.UploadPolicy("migration.image", uploads.IMAGES, max_bytes=2**31),
        "file": uploads.UploadPolicy(
            "migration.attachment", (*uploads.DOCUMENTS, *uploads.IMAGES), max_bytes=2**31
        ),
    }


def move_existing_files(apps, schema_editor):
    from ravabet.core import uploads

    policies = _policies()
    media_root = Path(settings.MEDIA_ROOT)
    for model_name, field in (("ReleaseImage", "image"), ("ReleaseAttachment", "file")):
        model = apps.get_model("newsroom", model_name)
        for row in model.objects.all():
            old_name = getattr(row, field).name or ""
            if not old_name or old_name.startswith("newsroom/"):
                continue
            old_path = media_root / old_name
            accepted = None
            if old_path.is_file():
                with old_path.open("rb") as handle:
                    try:
                        accepted = uploads.accept(
                            File(handle, name=old_path.name), policy=policies[field]
                        )
                    except ValidationError:
                        accepted = None
                    if accepted is not None:
                        getattr(row, field).save(accepted.name, accepted.file, save=False)
                        row.original_name = accepted.original_name
                        row.content_type = accepted.content_type
                        row.size = accepted.size
                        if field == "image":
                            row.width, row.height = accepted.width, accepted.height
                        row.save()
                        accepted.close()
                old_path.unlink()
            if accepted is None:
                print(f"newsroom: {model_name} {row.pk} ({old_name}) refused or missing; removed")
                row.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="releaseattachment",
            name="content_type",
            field=models.CharField(
                default="application/pdf", max_length=100, verbose_name="نوع محتوا"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="releaseattachment",
            name="original_name",
            field=models.CharField(blank=True, max_length=200, verbose_name="نام پروندهٔ اصلی"),
        ),
        migrations.AddField(
            model_name="releaseimage",
            name="content_type",
            field=models.CharField(default="image/jpeg", max_length=100, verbose_name="نوع محتوا"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="releaseimage",
            name="height",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="releaseimage",
            name="original_name",
            field=models.CharField(blank=True, max_length=200, verbose_name="نام پروندهٔ اصلی"),
        ),
        migrations.AddField(
            model_name="releaseimage",
            name="size",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="releaseimage",
            name="width",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="releaseattachment",
            name="file",
            field=models.FileField(
                storage=ravabet.core.uploads.storage.private_storage,
                upload_to="newsroom/attachments/%Y/%m/",
                verbose_name="پرونده",
            ),
        ),
        migrations.AlterField(
            model_name="releaseimage",
            name="image",
            field=models.ImageField(
                storage=ravabet.core.uploads.storage.private_storage,
                upload_to="newsroom/images/%Y/%m/",
                verbose_name="تصویر",
            ),
        ),
        migrations.RunPython(move_existing_files, migrations.RunPython.noop, elidable=True),
    ]
