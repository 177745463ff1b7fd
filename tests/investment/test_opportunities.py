"""Opportunities' services: the checks of what a writer types, the workflow, completeness,
files. Through the real services and database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from ravabet.core.audit import entries_for
from ravabet.core.permissions import AgencyPermissionDenied
from ravabet.investment.models import Opportunity, OpportunityDocument, OpportunityImage, Status
from ravabet.investment.services import (
    OpportunityError,
    completeness,
    opportunity_add_document,
    opportunity_add_image,
    opportunity_create,
    opportunity_remove_document,
    opportunity_step,
    opportunity_update,
)
from tests.investment.conftest import TEHRAN_LAT, TEHRAN_LON, opportunity_data

pytestmark = pytest.mark.django_db


def _refused(world: Any, **overrides: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        opportunity_create(
            actor=world.officer_roads, agency=world.roads, data=opportunity_data(**overrides)
        )
    assert not Opportunity.objects.exists()
    return caught.value.message_dict


def test_create_parses_the_capital_and_normalizes_text(world: Any) -> None:
    opportunity = opportunity_create(
        actor=world.officer_roads,
        agency=world.roads,
        data=opportunity_data(title="  مجتمع گردشگري  ", capital="۲۵۰ میلیارد ریال"),
    )
    opportunity.refresh_from_db()
    assert opportunity.capital_rials == 250_000_000_000
    assert opportunity.title == "مجتمع گردشگری"  # Arabic yeh made Persian, spaces trimmed
    assert opportunity.status == Status.DRAFT
    assert opportunity.participation == ["direct", "partnership"]
    assert opportunity.completeness == completeness(opportunity)[0] > 0
    assert [e.action for e in entries_for(opportunity)] == ["opportunity.create"]


@pytest.mark.parametrize("typed", ["2,500,000,000", "۲٬۵۰۰٬۰۰۰٬۰۰۰", "۰.۲۵ میلیارد تومان"])
def test_capital_in_digits_of_any_script(world: Any, typed: str) -> None:
    opportunity = opportunity_create(
        actor=world.officer_roads, agency=world.roads, data=opportunity_data(capital=typed)
    )
    assert opportunity.capital_rials == 2_500_000_000


@pytest.mark.parametrize("typed", ["خیلی زیاد", "-5 میلیارد", "0"])
def test_bad_capital_refused_in_persian_and_nothing_stored(world: Any, typed: str) -> None:
    errors = _refused(world, capital=typed)
    assert list(errors) == ["capital"]
    assert any(ch in errors["capital"][0] for ch in "اآبپ")  # a Persian sentence


def test_required_fields_all_at_once(world: Any) -> None:
    errors = _refused(world, title=" ", summary="", sector="")
    assert errors["title"] == ["عنوان فرصت را بنویسید."]
    assert "summary" in errors and "sector" in errors


def test_coordinates_outside_the_province_refused(world: Any) -> None:
    # Isfahan: a real place, outside Tehran province.
    errors = _refused(world, latitude=32.65, longitude=51.67)
    assert "بیرون از استان تهران" in errors["latitude"][0]


def test_coordinates_both_or_neither(world: Any) -> None:
    errors = _refused(world, latitude=TEHRAN_LAT)
    assert "longitude" in errors
    opportunity = opportunity_create(
        actor=world.officer_roads,
        agency=world.roads,
        data=opportunity_data(latitude=TEHRAN_LAT, longitude=TEHRAN_LON),
    )
    assert (opportunity.latitude, opportunity.longitude) == (TEHRAN_LAT, TEHRAN_LON)


def test_ranges_email_participation_and_the_dollar_estimate(world: Any) -> None:
    errors = _refused(
        world,
        irr_percent=Decimal("140"),
        payback_years=Decimal("0"),
        contact_email="not an address",
        participation=["gift"],
        usd_estimate="۵۰۰۰۰۰",
    )
    assert set(errors) >= {
        "irr_percent",
        "payback_years",
        "contact_email",
        "participation",
        "usd_rate",
        "usd_rate_date",
        "usd_rate_source",
    }


def test_dollar_estimate_with_its_rate_date_and_source(world: Any) -> None:
    opportunity = opportunity_create(
        actor=world.officer_roads,
        agency=world.roads,
        data=opportunity_data(
            usd_estimate="۵۰۰٬۰۰۰",
            usd_rate="۷۰۰٬۰۰۰ ریال",
            usd_rate_date=dt.date(2025, 1, 1),
            usd_rate_source="مرکز مبادلهٔ ارز و طلای ایران",
            irr_percent="۱۸٫۵",
            payback_years=Decimal("6"),
        ),
    )
    assert (opportunity.usd_estimate, opportunity.usd_rate) == (500_000, 700_000)
    assert opportunity.irr_percent == Decimal("18.50")


def test_text_too_long_refused(world: Any) -> None:
    errors = _refused(world, summary="ب" * 601)
    assert "نویسه" in errors["summary"][0]


def test_workflow_to_published_and_back(world: Any, make_opportunity: Any) -> None:
    opportunity = make_opportunity(world, status="submitted")
    with pytest.raises(ValidationError) as caught:
        opportunity_step(actor=world.head_roads, opportunity=opportunity, action="return")
    assert "reason" in caught.value.message_dict
    opportunity = opportunity_step(
        actor=world.head_roads, opportunity=opportunity, action="return", reason="ارقام را ببینید"
    )
    assert opportunity.status == Status.DRAFT
    assert opportunity.return_reason == "ارقام را ببینید"
    for actor, action in [
        (world.officer_roads, "submit"),
        (world.head_roads, "approve"),
        (world.directorate_staff, "publish"),
    ]:
        opportunity = opportunity_step(actor=actor, opportunity=opportunity, action=action)
    opportunity.refresh_from_db()
    assert opportunity.status == Status.PUBLISHED
    assert opportunity.published_at is not None
    assert opportunity.return_reason == ""
    with pytest.raises(OpportunityError):
        opportunity_step(actor=world.directorate_staff, opportunity=opportunity, action="approve")
    actions = [e.action for e in entries_for(opportunity)]
    assert actions[0] == "opportunity.publish"
    assert "opportunity.return" in actions


def test_head_cannot_publish(world: Any, make_opportunity: Any) -> None:
    opportunity = make_opportunity(world, status="approved")
    with pytest.raises(AgencyPermissionDenied):
        opportunity_step(actor=world.head_roads, opportunity=opportunity, action="publish")
    opportunity.refresh_from_db()
    assert opportunity.status == Status.APPROVED


def test_published_edit_bumps_updated_at_but_a_step_does_not(
    world: Any, make_opportunity: Any
) -> None:
    opportunity = make_opportunity(world, status="approved")
    before = opportunity.updated_at
    opportunity = opportunity_step(
        actor=world.directorate_staff, opportunity=opportunity, action="publish"
    )
    opportunity.refresh_from_db()
    assert opportunity.updated_at == before
    opportunity_update(
        actor=world.directorate_staff,
        opportunity=opportunity,
        data=opportunity_data(description="شرح تازه با جزئیات بیشتر."),
    )
    opportunity.refresh_from_db()
    assert opportunity.updated_at > before
    assert opportunity.description == "شرح تازه با جزئیات بیشتر."


def test_edit_rules_by_state(world: Any, make_opportunity: Any) -> None:
    submitted = make_opportunity(world, status="submitted")
    with pytest.raises(OpportunityError):
        opportunity_update(
            actor=world.officer_roads, opportunity=submitted, data=opportunity_data(title="تازه")
        )
    opportunity_update(
        actor=world.head_roads, opportunity=submitted, data=opportunity_data(title="تازه")
    )
    published = make_opportunity(world, status="published")
    with pytest.raises(OpportunityError):
        opportunity_update(actor=world.head_roads, opportunity=published, data=opportunity_data())
    archived = make_opportunity(world, status="archived")
    with pytest.raises(OpportunityError):
        opportunity_update(
            actor=world.directorate_staff, opportunity=archived, data=opportunity_data()
        )
    with pytest.raises(AgencyPermissionDenied):
        opportunity_update(
            actor=world.officer_health,
            opportunity=make_opportunity(world),
            data=opportunity_data(title="دیگری"),
        )


def test_completeness_rises_when_the_feasibility_pdf_is_added(
    world: Any, make_opportunity: Any, pdf_file: Any
) -> None:
    opportunity = make_opportunity(world)
    score, missing = completeness(opportunity)
    assert "مطالعهٔ امکان‌سنجی (PDF)" in missing
    assert opportunity.completeness == score
    before = opportunity.updated_at
    document = opportunity_add_document(
        actor=world.officer_roads,
        opportunity=opportunity,
        upload=pdf_file(),
        title="مطالعهٔ امکان‌سنجی",
        kind="feasibility",
    )
    opportunity.refresh_from_db()
    assert opportunity.completeness == score + 15
    assert "مطالعهٔ امکان‌سنجی (PDF)" not in completeness(opportunity)[1]
    assert opportunity.updated_at > before
    assert document.content_type == "application/pdf"
    opportunity_remove_document(actor=world.officer_roads, document=document)
    opportunity.refresh_from_db()
    assert opportunity.completeness == score
    assert not OpportunityDocument.objects.exists()


def test_a_fully_filled_opportunity_scores_100(
    world: Any, make_opportunity: Any, pdf_file: Any, png_file: Any
) -> None:
    opportunity = make_opportunity(
        world,
        county=None,
        address="تهران، بزرگراه همت",
        land_status="ready",
        permit_status="issued",
        irr_percent=Decimal("20"),
        returns_assumptions="اشغال ۷۰ درصد اتاق‌ها از سال سوم.",
        title_en="Chitgar Lake Resort",
        summary_en="A 120-room resort west of Tehran.",
    )
    from tests.factories import CountyFactory

    county = CountyFactory(slug="shemiranat", name="شمیرانات")
    opportunity_update(
        actor=world.officer_roads,
        opportunity=opportunity,
        data=opportunity_data(
            county=county,
            address="تهران، بزرگراه همت",
            land_status="ready",
            permit_status="issued",
            irr_percent=Decimal("20"),
            returns_assumptions="اشغال ۷۰ درصد اتاق‌ها از سال سوم.",
            title_en="Chitgar Lake Resort",
            summary_en="A 120-room resort west of Tehran.",
        ),
    )
    opportunity_add_document(
        actor=world.officer_roads,
        opportunity=opportunity,
        upload=pdf_file(),
        title="",
        kind="feasibility",
    )
    opportunity_add_image(
        actor=world.officer_roads, opportunity=opportunity, upload=png_file(), alt_text="نمای طرح"
    )
    opportunity.refresh_from_db()
    assert completeness(opportunity) == (100, [])
    assert opportunity.completeness == 100


def test_feasibility_must_be_pdf_and_wrong_types_refused(
    world: Any, make_opportunity: Any, text_file: Any, png_file: Any
) -> None:
    opportunity = make_opportunity(world)
    with pytest.raises(ValidationError) as caught:
        opportunity_add_document(
            actor=world.officer_roads,
            opportunity=opportunity,
            upload=text_file(name="study.pdf"),
            title="مطالعه",
            kind="feasibility",
        )
    assert "PDF" in caught.value.message_dict["file"][0]
    with pytest.raises(ValidationError):
        opportunity_add_document(
            actor=world.officer_roads,
            opportunity=opportunity,
            upload=png_file(),
            title="نقشه",
            kind="map",
        )
    with pytest.raises(ValidationError) as caught:
        opportunity_add_image(
            actor=world.officer_roads,
            opportunity=opportunity,
            upload=text_file(name="photo.png"),
            alt_text="عکس",
        )
    assert "image" in caught.value.message_dict
    assert not OpportunityDocument.objects.exists()
    assert not OpportunityImage.objects.exists()


@override_settings(RAVABET_MAX_ATTACHMENT_BYTES=1024)
def test_too_large_document_refused(world: Any, make_opportunity: Any, pdf_file: Any) -> None:
    opportunity = make_opportunity(world)
    from tests.investment.conftest import pdf_bytes

    with pytest.raises(ValidationError) as caught:
        opportunity_add_document(
            actor=world.officer_roads,
            opportunity=opportunity,
            upload=pdf_file(content=pdf_bytes() + b"0" * 4096),
            title="مطالعه",
            kind="feasibility",
        )
    assert "بزرگ‌تر" in caught.value.message_dict["file"][0]
    assert not OpportunityDocument.objects.exists()


def test_number_of_images_is_bounded(
    world: Any, make_opportunity: Any, png_file: Any, monkeypatch: Any
) -> None:
    from ravabet.investment import media

    monkeypatch.setattr(media, "MAX_IMAGES", 2)
    opportunity = make_opportunity(world)
    for _ in range(2):
        opportunity_add_image(
            actor=world.officer_roads, opportunity=opportunity, upload=png_file(), alt_text="نما"
        )
    with pytest.raises(ValidationError) as caught:
        opportunity_add_image(
            actor=world.officer_roads, opportunity=opportunity, upload=png_file(), alt_text="نما"
        )
    assert "حداکثر ۲ تصویر" in caught.value.message_dict["image"][0]
    assert opportunity.images.count() == 2


def test_another_agency_cannot_add_files(world: Any, make_opportunity: Any, pdf_file: Any) -> None:
    opportunity = make_opportunity(world)
    with pytest.raises(AgencyPermissionDenied):
        opportunity_add_document(
            actor=world.officer_health,
            opportunity=opportunity,
            upload=pdf_file(),
            title="x",
            kind="other",
        )


@pytest.mark.parametrize(
    ("lat", "lon"), [(float("nan"), TEHRAN_LON), (TEHRAN_LAT, float("inf")), (95.0, 51.0)]
)
def test_coordinates_that_are_no_place_refused(world: Any, lat: float, lon: float) -> None:
    errors = _refused(world, latitude=lat, longitude=lon)
    assert list(errors) == ["latitude"]


def test_hostile_text_refused_keyed_by_field(world: Any) -> None:
    errors = _refused(world, capital="۲۵۰\x00 میلیارد", title="عنوان\ud800")
    assert set(errors) == {"capital", "title"}


def test_the_head_is_told_of_a_submission_and_the_writer_of_a_return(
    world: Any, make_opportunity: Any
) -> None:
    from ravabet.core.models import Notification

    opportunity = make_opportunity(world)
    opportunity_step(actor=world.officer_roads, opportunity=opportunity, action="submit")
    told = Notification.objects.get(user=world.head_roads)
    assert "در انتظار تأیید" in told.text and str(opportunity.pk) in told.link
    opportunity_step(
        actor=world.head_roads, opportunity=opportunity, action="return", reason="نقشه کم است"
    )
    told = Notification.objects.get(user=world.officer_roads)
    assert "نقشه کم است" in told.text
