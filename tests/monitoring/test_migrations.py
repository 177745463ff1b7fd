"""Migration 0005 packs every article's original text and loses none of it (and back)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from ravabet.monitoring.models import Article

BEFORE = [("monitoring", "0004_tone_lexicon")]
AFTER = [("monitoring", "0005_pack_original")]
ORIGINAL = {"title": "ارائه خدمات بانكي", "lead": "لید «اصلی»", "body": "متن\n\nبند دوم يك"}


def _migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


@pytest.mark.django_db(transaction=True)
def test_pack_original_keeps_every_text_and_goes_back() -> None:
    old = _migrate(BEFORE).loader.project_state(BEFORE).apps.get_model("monitoring", "Article")
    for n in range(3):
        old.objects.create(
            outlet="farsnews.ir",
            url=f"https://farsnews.ir/news/{n}",
            title=f"عنوان {n}",
            original={**ORIGINAL, "title": f"{ORIGINAL['title']} {n}"},
            published_at="2025-05-20T08:00:00Z",
            content_hash=str(n),
        )
    try:
        _migrate(AFTER)
        got = {a.url: a.original for a in Article.objects.all()}
        assert got["https://farsnews.ir/news/2"] == {**ORIGINAL, "title": f"{ORIGINAL['title']} 2"}
        assert len(got) == 3
        back = _migrate(BEFORE).loader.project_state(BEFORE).apps.get_model("monitoring", "Article")
        first = back.objects.get(url="https://farsnews.ir/news/0")
        assert first.original["body"] == ORIGINAL["body"]
    finally:
        _migrate(AFTER)
