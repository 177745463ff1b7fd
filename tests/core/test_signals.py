"""content_changed is heard after the commit, never for a rolled-back change, and a failing
listener does not undo the publication."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from ravabet.core import signals


@pytest.mark.django_db(transaction=True)
def test_listeners_hear_after_commit_and_not_after_rollback() -> None:
    heard: list[tuple[str, int, str]] = []

    def listen(sender: str, pk: int, event: str, **kwargs: Any) -> None:
        heard.append((sender, pk, event))

    def broken(sender: str, **kwargs: Any) -> None:
        raise RuntimeError("a broken listener")

    signals.content_changed.connect(listen)
    signals.content_changed.connect(broken)
    try:
        with transaction.atomic():
            signals.announce("release", pk=7, event="published", agency_id=None)
            assert heard == []  # not before the commit
        assert heard == [("release", 7, "published")]
        with pytest.raises(ZeroDivisionError), transaction.atomic():
            signals.announce("release", pk=8, event="withdrawn", agency_id=None)
            1 / 0  # noqa: B018
        assert heard == [("release", 7, "published")]
    finally:
        signals.content_changed.disconnect(listen)
        signals.content_changed.disconnect(broken)


def test_an_unknown_event_is_refused() -> None:
    with pytest.raises(ValueError):
        signals.announce("release", pk=1, event="deleted", agency_id=None)
