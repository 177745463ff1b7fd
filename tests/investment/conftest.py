"""Investment's shared fixtures: opportunities and programmes built through the services (the
same checks, workflow and audit a person meets), files to upload.

    make_opportunity(world, status="published", agency=world.health, title="...")
    published_opportunity   (one of the roads agency, published by the directorate)
    make_programme(world, status="published", opportunity_ids=[...])
    pdf_file(), png_file(), text_file()   (SimpleUploadedFile factories)

Helper C may add fixtures at the END of this file, under the marked line.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

# Coordinates inside Tehran province (the world's province): Tehran city.
TEHRAN_LAT = 35.6892
TEHRAN_LON = 51.3890

# The steps from a draft to each state (taken by the person who may).
_PATH: dict[str, list[str]] = {
    "draft": [],
    "submitted": ["submit"],
    "approved": ["submit", "approve"],
    "published": ["submit", "approve", "publish"],
    "archived": ["submit", "approve", "publish", "archive"],
}


def opportunity_data(**overrides: Any) -> Any:
    """An OpportunityInput a writer could type (capital as text), with `overrides`."""
    from ravabet.investment.services.opportunities import OpportunityInput

    fields: dict[str, Any] = {
        "title": "مجتمع گردشگری کنار دریاچهٔ چیتگر",
        "summary": "ساخت و بهره‌برداری از یک مجتمع گردشگری با ۱۲۰ اتاق در غرب تهران.",
        "description": "زمین طرح آماده است و دسترسی به بزرگراه دارد.",
        "sector": "tourism",
        "capital": "۲۵۰ میلیارد ریال",
        "participation": ["direct", "partnership"],
        "contact_name": "واحد سرمایه‌گذاری",
        "contact_phone": "۰۲۱۸۸۰۰۰۰۰۰",
        "contact_email": "invest@example.ir",
    }
    fields.update(overrides)
    return OpportunityInput(**fields)


def _actor_for(world: Any, action: str, agency: Any) -> Any:
    """Who takes the step: the agency's own officer/head where the world has one, else the
    directorate (who may take every step for every agency)."""
    if action in ("publish", "archive"):
        return world.directorate_staff
    if agency == world.roads:
        if action in ("approve", "return", "restore"):
            return world.head_roads
        return world.officer_roads
    if agency == world.health and action == "submit":
        return world.officer_health
    return world.directorate_staff


@pytest.fixture
def make_opportunity(db: Any) -> Callable[..., Any]:
    """make_opportunity(world, status="draft", agency=None (roads), actor=None, **fields):
    created by the agency's writer through opportunity_create, then moved through the workflow
    to `status`. Returns the fresh instance."""

    def make(
        world: Any,
        status: str = "draft",
        agency: Any = None,
        actor: Any = None,
        **overrides: Any,
    ) -> Any:
        from ravabet.investment.services.opportunities import (
            opportunity_create,
            opportunity_step,
        )

        agency = agency or world.roads
        writer = actor or _actor_for(world, "submit", agency)
        opportunity = opportunity_create(
            actor=writer, agency=agency, data=opportunity_data(**overrides)
        )
        for action in _PATH[status]:
            opportunity = opportunity_step(
                actor=_actor_for(world, action, agency), opportunity=opportunity, action=action
            )
        opportunity.refresh_from_db()
        return opportunity

    return make


@pytest.fixture
def published_opportunity(world: Any, make_opportunity: Callable[..., Any]) -> Any:
    """One published opportunity of the roads agency."""
    return make_opportunity(world, status="published")


def programme_data(**overrides: Any) -> Any:
    from ravabet.investment.services.programmes import ProgrammeInput

    fields: dict[str, Any] = {
        "kind": "tax",
        "title": "معافیت مالیاتی طرح‌های گردشگری",
        "summary": "طرح‌های گردشگری تا ده سال از مالیات بر درآمد معاف‌اند.",
        "eligibility": "طرح‌های دارای موافقت اصولی از میراث فرهنگی.",
        "legal_basis": "ماده ۱۳۲ قانون مالیات‌های مستقیم",
        "sectors": ["tourism"],
        "opportunity_ids": [],
    }
    fields.update(overrides)
    return ProgrammeInput(**fields)


@pytest.fixture
def make_programme(db: Any) -> Callable[..., Any]:
    """make_programme(world, status="draft", agency=None (directorate), actor=None, **fields)."""

    def make(
        world: Any,
        status: str = "draft",
        agency: Any = None,
        actor: Any = None,
        **overrides: Any,
    ) -> Any:
        from ravabet.investment.services.programmes import programme_create, programme_step

        agency = agency or world.directorate
        writer = actor or _actor_for(world, "submit", agency)
        programme = programme_create(actor=writer, agency=agency, data=programme_data(**overrides))
        for action in _PATH[status]:
            programme = programme_step(
                actor=_actor_for(world, action, agency), programme=programme, action=action
            )
        programme.refresh_from_db()
        return programme

    return make


def pdf_bytes() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def png_bytes(size: tuple[int, int] = (40, 30)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (20, 120, 200)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def pdf_file() -> Callable[..., SimpleUploadedFile]:
    def make(name: str = "feasibility.pdf", content: bytes | None = None) -> SimpleUploadedFile:
        return SimpleUploadedFile(name, content or pdf_bytes(), content_type="application/pdf")

    return make


@pytest.fixture
def png_file() -> Callable[..., SimpleUploadedFile]:
    def make(name: str = "site.png", size: tuple[int, int] = (40, 30)) -> SimpleUploadedFile:
        return SimpleUploadedFile(name, png_bytes(size), content_type="image/png")

    return make


@pytest.fixture
def text_file() -> Callable[..., SimpleUploadedFile]:
    def make(name: str = "notes.txt", content: bytes = b"just text") -> SimpleUploadedFile:
        return SimpleUploadedFile(name, content, content_type="text/plain")

    return make


# ---- helper C's fixtures below this line ----
