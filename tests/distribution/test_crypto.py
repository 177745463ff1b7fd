"""A channel's token is stored encrypted, read back only with the same key."""

from __future__ import annotations

from typing import Any

import pytest

from ravabet.distribution import crypto


def test_a_token_round_trips_and_is_not_stored_in_clear(settings: Any) -> None:
    settings.RAVABET_CHANNEL_KEY = "کلید آزمایشی"
    stored = crypto.encrypt("123456:ABC-bot-token")
    assert b"ABC-bot-token" not in stored
    assert crypto.decrypt(stored) == "123456:ABC-bot-token"
    assert crypto.hint("123456:ABC-bot-token") == "…oken"


def test_another_key_cannot_read_it(settings: Any) -> None:
    settings.RAVABET_CHANNEL_KEY = "کلید یک"
    stored = crypto.encrypt("secret-token")
    settings.RAVABET_CHANNEL_KEY = "کلید دو"
    with pytest.raises(crypto.TokenUnreadable):
        crypto.decrypt(stored)
