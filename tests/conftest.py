"""Shared fixtures: one agency pair and one person per role."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import caches

from ravabet.core.organisation.models import Agency, Membership
from tests.factories import (
    PASSWORD,
    AgencyFactory,
    DirectorateFactory,
    MembershipFactory,
    UserFactory,
)


def clear_cache(alias: str = "default") -> None:
    """Empty one cache of this test worker only. On Redis, `clear()` is FLUSHDB and would empty
    the other parallel workers' caches in the middle of their tests: delete by prefix instead."""
    store: Any = caches[alias]
    if "RedisCache" in settings.CACHES[alias]["BACKEND"]:
        client = store._cache.get_client()
        keys = list(client.scan_iter(f"{store.key_prefix}:*"))
        if keys:
            client.delete(*keys)
    else:
        store.clear()


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Login counters, page and search caches must not leak between tests; parallel workers
    keep to their own prefix (Redis) or their own memory and folder."""
    for alias in settings.CACHES:
        clear_cache(alias)


@pytest.fixture(autouse=True)
def _test_settings(tmp_path: Any, settings: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.RAVABET_PRIVATE_ROOT = tmp_path / "private"
    # Real hashing is deliberately slow; tests need speed, not resistance to brute force.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class World:
    directorate: Agency
    roads: Agency
    health: Agency
    admin: Any
    directorate_staff: Any
    head_roads: Any
    officer_roads: Any
    officer_health: Any
    outsider: Any  # has an account, no role anywhere (a citizen)


@pytest.fixture
def world(db: Any) -> World:
    directorate = DirectorateFactory()
    roads = AgencyFactory(
        slug="roads", name="اداره‌کل راه و شهرسازی استان تهران", short_name="راه و شهرسازی"
    )
    health = AgencyFactory(
        slug="tums",
        name="دانشگاه علوم پزشکی تهران",
        short_name="علوم پزشکی",
        kind=Agency.Kind.UNIVERSITY,
    )
    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    directorate_staff = MembershipFactory(
        user__username="directorate", agency=directorate, role=Membership.Role.OFFICER
    ).user
    head_roads = MembershipFactory(
        user__username="head.roads", agency=roads, role=Membership.Role.HEAD
    ).user
    officer_roads = MembershipFactory(user__username="officer.roads", agency=roads).user
    officer_health = MembershipFactory(user__username="officer.health", agency=health).user
    outsider = UserFactory(username="citizen")
    return World(
        directorate,
        roads,
        health,
        admin,
        directorate_staff,
        head_roads,
        officer_roads,
        officer_health,
        outsider,
    )


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture(scope="session")
def live_server(django_db_setup: Any, django_db_blocker: Any, live_server: Any) -> Iterator[Any]:
    """pytest-django's live server, set up after the test databases and so torn down before
    them; on PostgreSQL its request threads' sessions are ended then. A browser keeps its HTTP
    connection alive, and a thread serving it could end without closing its connection to the
    test database: the drop at the end of an xdist worker then found «1 other session using
    the database» (a warning in CI's PostgreSQL run)."""
    yield live_server
    from django.db import connection

    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
