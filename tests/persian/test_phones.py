"""Iranian phone numbers as people type them."""

from __future__ import annotations

import pytest

from ravabet.persian.phones import masked, mobile_number, phone_number


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("۰۹۱۲ ۱۲۳ ۴۵۶۷", "09121234567"),
        ("+98 912-123-4567", "09121234567"),
        ("0098 9121234567", "09121234567"),
        ("9121234567", "09121234567"),
        ("٠٩١٢١٢٣٤٥٦٧", "09121234567"),
        ("021-8888 1234", "02188881234"),
    ],
)
def test_phone_numbers_people_type(typed: str, number: str) -> None:
    assert phone_number(typed) == number


@pytest.mark.parametrize(
    "typed", ["", "12345", "0912123456", "091212345678", "09۱۲abc4567", "9" * 5000]
)
def test_not_a_phone_number(typed: str) -> None:
    assert phone_number(typed) is None


def test_mobile_only_takes_mobiles() -> None:
    assert mobile_number("0912 123 4567") == "09121234567"
    assert mobile_number("021 8888 1234") is None


def test_masked_shows_the_ends_only() -> None:
    assert masked("09121234567") == "0912***4567"
