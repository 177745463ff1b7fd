"""The database unreachable: a Persian 503 with Retry-After, not a 500 (core/outage.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import OperationalError, connection
from django.test import Client


def _database_gone(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every new query fails as it does when PostgreSQL is stopped."""

    def refused(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed')

    monkeypatch.setattr(connection, "cursor", refused)


@pytest.mark.django_db
def test_a_page_answers_the_persian_outage_page_with_retry_after(
    monkeypatch: pytest.MonkeyPatch, world: Any
) -> None:
    client = Client()
    assert client.get("/").status_code == 200
    _database_gone(monkeypatch)
    response = Client(raise_request_exception=False).get("/agencies/")
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    page = response.content.decode()
    assert 'lang="fa"' in page and "چند لحظهٔ دیگر" in page
    assert "Traceback" not in page and "OperationalError" not in page


@pytest.mark.django_db
def test_the_api_answers_a_json_503(monkeypatch: pytest.MonkeyPatch, world: Any) -> None:
    _database_gone(monkeypatch)
    response = Client(raise_request_exception=False).get("/api/v1/agencies")
    assert response.status_code == 503
    assert response["Retry-After"]
    assert "پایگاه داده" in response.json()["detail"]


def test_the_500_handler_answers_503_for_a_lost_database() -> None:
    from django.test import RequestFactory

    from ravabet.core.views import error_500

    request = RequestFactory().get("/")
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        response = error_500(request)
    assert response.status_code == 503 and response["Retry-After"]
    try:
        raise ValueError("a bug")
    except ValueError:
        assert error_500(request).status_code == 500
