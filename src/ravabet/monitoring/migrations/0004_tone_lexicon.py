"""The tone lexicon's seed terms (data/tone_lexicon.tsv), each keyed by search_key. Adds only
the terms whose key is not there yet, so it is safe to run on a database whose lexicon was
already edited; going back leaves the terms (people may have edited them)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import migrations

SEED = Path(__file__).resolve().parents[1] / "data" / "tone_lexicon.tsv"


def load(apps: Any, schema_editor: Any) -> None:
    from ravabet.persian import search_key

    ToneTerm = apps.get_model("monitoring", "ToneTerm")
    known = set(ToneTerm.objects.values_list("key", flat=True))
    new = []
    for line in SEED.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("term\t"):
            continue
        term, weight, *rest = line.split("\t")
        key = search_key(term.strip())
        if key and key not in known:
            known.add(key)
            note = rest[0].strip() if rest else ""
            new.append(ToneTerm(term=term.strip(), key=key, weight=int(weight), note=note))
    ToneTerm.objects.bulk_create(new)


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0003_tone_narratives_alerts_bulletins")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
