"""The role × page matrix: who may open which back-office page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from ravabet.core import permissions

ROLES = [
    "anonymous",
    "outsider",
    "officer_roads",
    "head_roads",
    "officer_health",
    "directorate_staff",
    "admin",
]

# page -> roles that get 200; every other logged-in role gets 403, anonymous is sent to log in.
# Everyone who works in the back office.
STAFF = {"officer_roads", "head_roads", "officer_health", "directorate_staff", "admin"}
MATRIX: dict[str, set[str]] = {
    "/backoffice/": {"officer_roads", "head_roads", "officer_health", "directorate_staff", "admin"},
    "/backoffice/agencies/roads/": {"officer_roads", "head_roads", "directorate_staff", "admin"},
    "/backoffice/agencies/roads/edit/": {"head_roads", "directorate_staff", "admin"},
    "/backoffice/agencies/tums/": {"officer_health", "directorate_staff", "admin"},
    "/backoffice/agencies/tums/edit/": {"directorate_staff", "admin"},
    "/backoffice/audit/": {"directorate_staff", "admin"},
    "/backoffice/newsroom/": {
        "officer_roads",
        "head_roads",
        "officer_health",
        "directorate_staff",
        "admin",
    },
    "/backoffice/newsroom/new/": {
        "officer_roads",
        "head_roads",
        "officer_health",
        "directorate_staff",
        "admin",
    },
    "/backoffice/newsroom/import/": {
        "officer_roads",
        "head_roads",
        "officer_health",
        "directorate_staff",
        "admin",
    },
    "/backoffice/events/": {
        "officer_roads",
        "head_roads",
        "officer_health",
        "directorate_staff",
        "admin",
    },
    "/backoffice/events/new/": {
        "officer_roads",
        "head_roads",
        "officer_health",
        "directorate_staff",
        "admin",
    },
    "/backoffice/events/resolutions/": {
        "officer_roads",
        "head_roads",
        "officer_health",
        "directorate_staff",
        "admin",
    },
    "/backoffice/calendar/": {
        "officer_roads",
        "head_roads",
        "officer_health",
        "directorate_staff",
        "admin",
    },
    "/backoffice/calendar/new/": {"directorate_staff", "admin"},
    "/backoffice/monitoring/": {
        "officer_roads",
        "head_roads",
        "officer_health",
        "directorate_staff",
        "admin",
    },
    "/backoffice/monitoring/sources/": {
        "officer_roads",
        "head_roads",
        "officer_health",
        "directorate_staff",
        "admin",
    },
    "/backoffice/monitoring/articles/": {
        "officer_roads",
        "head_roads",
        "officer_health",
        "directorate_staff",
        "admin",
    },
    "/backoffice/monitoring/stories/": {
        "officer_roads",
        "head_roads",
        "officer_health",
        "directorate_staff",
        "admin",
    },
    "/backoffice/monitoring/mentions/": {
        "officer_roads",
        "head_roads",
        "officer_health",
        "directorate_staff",
        "admin",
    },
    "/backoffice/monitoring/watches/": {
        "officer_roads",
        "head_roads",
        "officer_health",
        "directorate_staff",
        "admin",
    },
    "/backoffice/monitoring/watches/new/": {
        "officer_roads",
        "head_roads",
        "officer_health",
        "directorate_staff",
        "admin",
    },
    "/backoffice/monitoring/sources/new/": {"directorate_staff", "admin"},
    "/backoffice/monitoring/tone/": STAFF,
    "/backoffice/monitoring/narratives/": STAFF,
    "/backoffice/monitoring/alerts/": STAFF,
    "/backoffice/monitoring/bulletins/": STAFF,
    "/backoffice/surveys/": STAFF,
    "/backoffice/surveys/new/": STAFF,
    "/backoffice/surveys/needs/": STAFF,
    "/backoffice/distribution/channels/": STAFF,
    "/backoffice/distribution/press/": STAFF,
    "/backoffice/investment/": STAFF,
    "/backoffice/investment/new/": STAFF,
    "/backoffice/investment/programmes/": STAFF,
    "/backoffice/investment/programmes/new/": STAFF,
    "/backoffice/investment/pipeline/": STAFF,
    "/backoffice/coordination/plan/": STAFF,
    "/backoffice/coordination/plan/new/": {"directorate_staff", "admin"},
    "/backoffice/coordination/directives/": STAFF,
    "/backoffice/coordination/directives/new/": {"directorate_staff", "admin"},
    "/backoffice/coordination/ranking/": {"directorate_staff", "admin"},
    "/backoffice/coordination/weights/": {"directorate_staff", "admin"},
    "/backoffice/coordination/today/": {"head_roads", "directorate_staff", "admin"},
    "/backoffice/notifications/": STAFF | {"outsider"},  # one's own, whoever one is
    "/accounts/profile/": {
        "outsider",
        "officer_roads",
        "head_roads",
        "officer_health",
        "directorate_staff",
        "admin",
    },
}
PUBLIC = ["/", "/agencies/", "/agencies/roads/", "/api/v1/agencies", "/surveys/", "/api/v1/surveys"]


def _client_for(world: Any, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(getattr(world, role))
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", sorted(MATRIX))
def test_role_page_matrix(world: Any, role: str, page: str) -> None:
    response = _client_for(world, role).get(page)
    if role in MATRIX[page]:
        assert response.status_code == 200
    elif role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == 403
        assert "اجازهٔ دیدن این صفحه را ندارید" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PUBLIC)
def test_public_pages_open_to_everyone(world: Any, role: str, page: str) -> None:
    assert _client_for(world, role).get(page).status_code == 200


@pytest.mark.django_db
def test_officer_cannot_open_other_agency_backoffice_or_see_its_people(world: Any) -> None:
    client = _client_for(world, "officer_health")
    for page in ("/backoffice/agencies/roads/", "/backoffice/agencies/roads/edit/"):
        response = client.get(page)
        assert response.status_code == 403
        body = response.content.decode()
        assert world.head_roads.last_name not in body
        assert world.officer_roads.last_name not in body
    # Nor may they change it by posting directly.
    response = client.post("/backoffice/agencies/roads/edit/", {"phone": "۰۲۱-۱"})
    assert response.status_code == 403
    world.roads.refresh_from_db()
    assert world.roads.phone == "۰۲۱-۶۶۷۰۰۰۰۰"


@pytest.mark.django_db
def test_officer_dashboard_lists_only_own_agency(world: Any) -> None:
    body = _client_for(world, "officer_roads").get("/backoffice/").content.decode()
    assert world.roads.name in body
    assert world.health.name not in body


@pytest.mark.django_db
def test_directorate_dashboard_lists_every_agency(world: Any) -> None:
    body = _client_for(world, "directorate_staff").get("/backoffice/").content.decode()
    for agency in (world.roads, world.health, world.directorate):
        assert agency.name in body


@pytest.mark.django_db
def test_unknown_agency_backoffice_is_404(world: Any) -> None:
    assert (
        _client_for(world, "directorate_staff").get("/backoffice/agencies/nope/").status_code == 404
    )


@pytest.mark.django_db
def test_person_with_roles_in_two_agencies_works_in_both(world: Any) -> None:
    from ravabet.core.organisation.models import Membership

    Membership.objects.create(
        user=world.officer_roads, agency=world.health, role=Membership.Role.HEAD
    )
    user = world.officer_roads
    permissions.forget_roles(user)
    assert permissions.can_write_for(user, world.roads)
    assert not permissions.can_approve_for(user, world.roads)
    assert permissions.can_approve_for(user, world.health)
    assert set(permissions.visible_agencies(user)) == {world.roads, world.health}
    client = _client_for(world, "officer_roads")
    assert client.get("/backoffice/agencies/tums/edit/").status_code == 200
    assert client.get("/backoffice/agencies/roads/edit/").status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "write", "approve"),
    [
        ("officer_roads", True, False),
        ("head_roads", True, True),
        ("officer_health", False, False),
        ("directorate_staff", True, True),
        ("admin", True, True),
        ("outsider", False, False),
    ],
)
def test_write_and_approve_rights_for_roads(
    world: Any, role: str, write: bool, approve: bool
) -> None:
    user = getattr(world, role)
    assert permissions.can_write_for(user, world.roads) is write
    assert permissions.can_approve_for(user, world.roads) is approve


def test_anonymous_has_no_rights() -> None:
    from django.contrib.auth.models import AnonymousUser

    anon = AnonymousUser()
    assert not permissions.is_staff_member(anon)
    assert not permissions.sees_all_agencies(anon)
