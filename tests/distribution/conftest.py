"""The distribution tests post to a local Bot-API server on 127.0.0.1 (botserver.py): the guard
against requests into the internal network is lifted for them, as an operator would for an
intranet gateway. test_channel_guard.py turns it back on where it tests the guard."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _private_channels_allowed(settings: Any) -> None:
    settings.RAVABET_DISTRIBUTION_ALLOW_PRIVATE_CHANNELS = True
