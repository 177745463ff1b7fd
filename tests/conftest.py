"""Shared fixtures: one agency pair and one person per role."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache

from ravabet.core.organisation.models import Agency, Membership
from tests.factories import (
    PASSWORD,
    AgencyFactory,
    DirectorateFactory,
    MembershipFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Login counters must not leak between tests; parallel workers keep to their own prefix."""
    if "RedisCache" in settings.CACHES["default"]["BACKEND"]:
        client = cache._cache.get_client()  # type: ignore[attr-defined]
        prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
        keys = list(client.scan_iter(f"{prefix}:*"))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()


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
