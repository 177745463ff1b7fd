"""(being written) What distribution does when a release is published, corrected, withdrawn."""

from __future__ import annotations

from typing import Any


def content_changed(sender: str, **kwargs: Any) -> None:
    return None
