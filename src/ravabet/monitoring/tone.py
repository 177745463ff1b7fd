"""The tone of a mention toward its agency: a lexicon people edit, a classifier learning from
editors' labels, and the editors themselves (who always win). Being written (issue 12)."""

from __future__ import annotations

from collections.abc import Iterable

from django_tasks import task


def decide_articles(article_ids: Iterable[int]) -> int:
    """Decide the tone of these articles' mentions that have none yet; how many were decided."""
    return 0


@task()
def retrain_classifier() -> int:
    return 0
