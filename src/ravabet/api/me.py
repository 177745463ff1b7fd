"""GET /api/v1/me: who the token belongs to and their roles."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from ravabet.core import permissions
from ravabet.core.organisation.selectors import membership_list_for
from ravabet.core.schemas import ErrorOut
from ravabet.core.tokens.auth import TokenAuth

router = Router(tags=["حساب"])


class MembershipOut(Schema):
    agency: str
    agency_name: str
    role: str
    role_label: str


class MeOut(Schema):
    username: str
    full_name: str
    is_platform_admin: bool
    is_directorate_staff: bool
    memberships: list[MembershipOut]


@router.get("/me", response={200: MeOut, 401: ErrorOut}, auth=TokenAuth(), summary="حساب من")
def me(request: HttpRequest) -> MeOut:
    user = request.auth  # type: ignore[attr-defined]
    return MeOut(
        username=user.get_username(),
        full_name=user.get_full_name(),
        is_platform_admin=permissions.is_platform_admin(user),
        is_directorate_staff=permissions.is_directorate_staff(user),
        memberships=[
            MembershipOut(
                agency=m.agency.slug,
                agency_name=m.agency.name,
                role=m.role,
                role_label=m.get_role_display(),
            )
            for m in membership_list_for(user)
        ],
    )
