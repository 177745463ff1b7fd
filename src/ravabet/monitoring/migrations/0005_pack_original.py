"""Article.original compressed (models.PackedJSONField), and ArticleBand's article index
dropped (its unique (article, band) serves the same lookups): fewer bytes and one index fewer
for a bulk import to write (docs/performance.md)."""

from django.db import migrations, models

import ravabet.monitoring.models
from ravabet.monitoring.packing import pack_json, unpack_json

CHUNK = 500


def pack(apps, schema_editor):
    Article = apps.get_model("monitoring", "Article")
    rows = Article.objects.order_by("pk").values_list("pk", "original")
    last = 0
    while True:
        chunk = list(rows.filter(pk__gt=last)[:CHUNK])
        if not chunk:
            return
        for pk, original in chunk:
            Article.objects.filter(pk=pk).update(packed=pack_json(original or {}))
        last = chunk[-1][0]


def unpack(apps, schema_editor):
    Article = apps.get_model("monitoring", "Article")
    for pk, packed in Article.objects.values_list("pk", "packed").iterator(chunk_size=CHUNK):
        Article.objects.filter(pk=pk).update(original=unpack_json(packed) if packed else {})


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0004_tone_lexicon")]

    operations = [
        migrations.AlterField(
            model_name="articleband",
            name="article",
            field=models.ForeignKey(
                db_index=False,
                on_delete=models.deletion.CASCADE,
                related_name="bands",
                to="monitoring.article",
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="packed",
            field=models.BinaryField(blank=True, null=True),
        ),
        migrations.RunPython(pack, unpack),
        migrations.RemoveField(model_name="article", name="original"),
        migrations.RenameField(model_name="article", old_name="packed", new_name="original"),
        migrations.AlterField(
            model_name="article",
            name="original",
            field=ravabet.monitoring.models.PackedJSONField(blank=True, default=dict),
        ),
    ]
