"""Investment's back-office pages through the Django test client: what a person sees and does."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from ravabet.core import registry
from ravabet.investment.models import Opportunity, OpportunityDocument, Programme, Status

pytestmark = pytest.mark.django_db

FORM = {
    "title": "شهرک گلخانه‌ای ورامین",
    "summary": "ساخت ۵۰ هکتار گلخانهٔ مدرن با آب بازچرخانی.",
    "sector": "agriculture",
    "capital": "۲۵۰ میلیارد ریال",
    "participation": ["direct", "lease"],
}


def _text(response: Any) -> str:
    return response.content.decode()


def test_create_echoes_the_parsed_capital_in_rials_and_tomans(client: Any, world: Any) -> None:
    client.force_login(world.officer_roads)
    response = client.post(reverse("investment:bo_create"), FORM, follow=True)
    opportunity = Opportunity.objects.get()
    assert opportunity.capital_rials == 250_000_000_000
    assert opportunity.agency == world.roads
    page = _text(response)
    assert "۲۵۰٬۰۰۰٬۰۰۰٬۰۰۰ ریال" in page
    assert "۲۵ میلیارد تومان" in page
    assert "کامل بودن" in page
    assert "مطالعهٔ امکان‌سنجی (PDF)" in page  # the nudge lists what is missing


def test_bad_capital_shown_beside_the_field_and_nothing_stored(client: Any, world: Any) -> None:
    client.force_login(world.officer_roads)
    response = client.post(reverse("investment:bo_create"), {**FORM, "capital": "خیلی زیاد"})
    assert response.status_code == 200
    assert "مبلغ نیست" in _text(response)
    assert not Opportunity.objects.exists()


def test_bad_coordinates_refused_on_the_form(client: Any, world: Any) -> None:
    client.force_login(world.officer_roads)
    response = client.post(
        reverse("investment:bo_create"), {**FORM, "latitude": "۳۲٫۶۵", "longitude": "۵۱٫۶۷"}
    )
    assert "بیرون از استان تهران" in _text(response)
    response = client.post(
        reverse("investment:bo_create"), {**FORM, "latitude": "abc", "longitude": "51"}
    )
    assert "مختصات را با عدد" in _text(response)
    assert not Opportunity.objects.exists()


def test_list_filters_by_status_and_shows_completeness(
    client: Any, world: Any, make_opportunity: Any
) -> None:
    make_opportunity(world, title="پیش‌نویس راه")
    make_opportunity(world, status="submitted", title="فرستاده راه")
    client.force_login(world.head_roads)
    page = _text(client.get(reverse("investment:bo_list")))
    assert "پیش‌نویس راه" in page and "فرستاده راه" in page
    assert "<progress" in page
    page = _text(client.get(reverse("investment:bo_list") + "?status=submitted"))
    assert "فرستاده راه" in page and "پیش‌نویس راه" not in page
    assert client.get(reverse("investment:bo_list") + "?status=<x>&page=۲").status_code == 200


def test_another_agencys_opportunity_is_404(client: Any, world: Any, make_opportunity: Any) -> None:
    opportunity = make_opportunity(world)
    client.force_login(world.officer_health)
    assert client.get(reverse("investment:bo_detail", args=[opportunity.pk])).status_code == 404
    assert client.get(reverse("investment:bo_edit", args=[opportunity.pk])).status_code == 404
    response = client.post(reverse("investment:bo_action", args=[opportunity.pk, "submit"]))
    assert response.status_code == 404
    assert "مجتمع گردشگری" not in _text(client.get(reverse("investment:bo_list")))
    opportunity.refresh_from_db()
    assert opportunity.status == Status.DRAFT


def test_workflow_buttons_follow_the_role(client: Any, world: Any, make_opportunity: Any) -> None:
    opportunity = make_opportunity(world, status="submitted")
    url = reverse("investment:bo_detail", args=[opportunity.pk])
    client.force_login(world.officer_roads)
    page = _text(client.get(url))
    assert "تأیید</button>" not in page
    client.force_login(world.head_roads)
    page = _text(client.get(url))
    assert "تأیید</button>" in page
    assert "دلیل بازگرداندن" in page
    assert "انتشار در فهرست استان" not in page


def test_return_asks_for_a_reason_then_the_writer_sees_it(
    client: Any, world: Any, make_opportunity: Any
) -> None:
    opportunity = make_opportunity(world, status="submitted")
    client.force_login(world.head_roads)
    action = reverse("investment:bo_action", args=[opportunity.pk, "return"])
    response = client.post(action, {"reason": ""}, follow=True)
    assert "دلیل بازگرداندن را بنویسید" in _text(response)
    opportunity.refresh_from_db()
    assert opportunity.status == Status.SUBMITTED
    client.post(action, {"reason": "نرخ بازده فرض ندارد."})
    opportunity.refresh_from_db()
    assert opportunity.status == Status.DRAFT
    client.force_login(world.officer_roads)
    page = _text(client.get(reverse("investment:bo_detail", args=[opportunity.pk])))
    assert "نرخ بازده فرض ندارد." in page
    cards = registry.dashboard_cards(world.officer_roads)
    card = next(c for c in cards if c["key"] == "investment")
    assert card["figures"][0]["count"] == 1


def test_directorate_publishes_from_the_page(
    client: Any, world: Any, make_opportunity: Any
) -> None:
    opportunity = make_opportunity(world, status="approved")
    client.force_login(world.directorate_staff)
    card = next(
        c for c in registry.dashboard_cards(world.directorate_staff) if c["key"] == "investment"
    )
    assert any(f["count"] == 1 and "انتشار" in f["label"] for f in card["figures"])
    response = client.post(
        reverse("investment:bo_action", args=[opportunity.pk, "publish"]), follow=True
    )
    assert "منتشر شد" in _text(response)
    opportunity.refresh_from_db()
    assert opportunity.status == Status.PUBLISHED


def test_upload_and_remove_a_document_from_the_page(
    client: Any, world: Any, make_opportunity: Any, pdf_file: Any, text_file: Any
) -> None:
    opportunity = make_opportunity(world)
    client.force_login(world.officer_roads)
    action = reverse("investment:bo_action", args=[opportunity.pk, "document"])
    response = client.post(
        action, {"file": text_file(name="x.pdf"), "kind": "feasibility", "title": ""}, follow=True
    )
    assert "PDF" in _text(response)
    assert not OpportunityDocument.objects.exists()
    client.post(action, {"file": pdf_file(), "kind": "feasibility", "title": "امکان‌سنجی"})
    document = OpportunityDocument.objects.get()
    page = _text(client.get(reverse("investment:bo_detail", args=[opportunity.pk])))
    assert "امکان‌سنجی" in page and "/files/" in page
    # The file itself: the agency's people yes, a stranger no (not published yet).
    from ravabet.core import uploads

    url = uploads.file_url("investment.document", document)
    assert client.get(url).status_code == 200
    client.force_login(world.officer_health)
    assert client.get(url).status_code == 404
    client.force_login(world.officer_roads)
    client.post(
        reverse("investment:bo_action", args=[opportunity.pk, "remove_document"]),
        {"document": document.pk},
    )
    assert not OpportunityDocument.objects.exists()


def test_published_files_are_public(
    client: Any, world: Any, make_opportunity: Any, png_file: Any
) -> None:
    from ravabet.core import uploads
    from ravabet.investment.services import opportunity_add_image

    opportunity = make_opportunity(world, status="approved")
    image = opportunity_add_image(
        actor=world.head_roads, opportunity=opportunity, upload=png_file(), alt_text="نمای طرح"
    )
    url = uploads.file_url("investment.image", image)
    assert client.get(url).status_code == 404
    from ravabet.investment.services import opportunity_step

    opportunity_step(actor=world.directorate_staff, opportunity=opportunity, action="publish")
    assert client.get(url).status_code == 200


def test_edit_page_of_a_published_one_is_refused_to_the_head(
    client: Any, world: Any, published_opportunity: Any
) -> None:
    client.force_login(world.head_roads)
    url = reverse("investment:bo_edit", args=[published_opportunity.pk])
    response = client.get(url, follow=True)
    assert "ویرایش فرصت منتشرشده با اداره‌کل" in _text(response)
    client.force_login(world.directorate_staff)
    response = client.get(url)
    assert response.status_code == 200
    assert "۲۵۰٬۰۰۰٬۰۰۰٬۰۰۰ ریال" in _text(response)  # the capital shown as stored


def test_programme_pages(client: Any, world: Any, make_opportunity: Any) -> None:
    opportunity = make_opportunity(world, status="published")
    client.force_login(world.directorate_staff)
    response = client.post(
        reverse("investment:bo_programme_create"),
        {
            "agency": world.directorate.pk,
            "kind": "tax",
            "title": "معافیت مالیاتی گردشگری",
            "summary": "ده سال معافیت.",
            "eligibility": "طرح‌های دارای موافقت اصولی.",
            "legal_basis": "ماده ۱۳۲ قانون مالیات‌های مستقیم",
            "sectors": ["tourism"],
            "opportunities": [opportunity.pk],
        },
        follow=True,
    )
    programme = Programme.objects.get()
    assert list(programme.opportunities.all()) == [opportunity]
    page = _text(response)
    assert opportunity.title in page
    assert "فرستادن برای تأیید" in page
    assert "معافیت مالیاتی گردشگری" in _text(client.get(reverse("investment:bo_programmes")))
    client.post(reverse("investment:bo_programme_action", args=[programme.pk, "submit"]))
    programme.refresh_from_db()
    assert programme.status == Status.SUBMITTED
    client.force_login(world.officer_health)
    assert client.get(reverse("investment:bo_programme", args=[programme.pk])).status_code == 404


def test_saving_the_edit_form_unchanged_is_no_edit(
    client: Any, world: Any, make_opportunity: Any
) -> None:
    """The form shows every figure as people type it (Persian digits, «٫»); sent back as shown
    it stores the same values and «last updated» does not move."""
    import datetime as dt
    from decimal import Decimal

    from ravabet.core import jalali
    from ravabet.investment.forms import OpportunityForm

    opportunity = make_opportunity(
        world,
        latitude=35.7,
        longitude=51.4,
        irr_percent=Decimal("18.5"),
        payback_years=Decimal("6"),
        returns_assumptions="فرض",
        usd_estimate="500000",
        usd_rate="700000",
        usd_rate_date=dt.date(2025, 1, 1),
        usd_rate_source="مرکز مبادله",
    )
    initial = OpportunityForm.initial_for(opportunity)
    assert initial["irr_percent"] == "۱۸٫۵"
    post = {k: v for k, v in initial.items() if v not in (None, "")}
    post["usd_rate_date"] = jalali.format_short(initial["usd_rate_date"])
    client.force_login(world.officer_roads)
    response = client.post(reverse("investment:bo_edit", args=[opportunity.pk]), post)
    assert response.status_code == 302, _text(response)
    before = (opportunity.updated_at, opportunity.irr_percent, opportunity.usd_rate)
    opportunity.refresh_from_db()
    assert (opportunity.updated_at, opportunity.irr_percent, opportunity.usd_rate) == before
    assert (opportunity.latitude, opportunity.capital_rials) == (35.7, 250_000_000_000)


def test_opportunity_page_names_only_the_programmes_one_may_see(
    client: Any, world: Any, make_opportunity: Any, make_programme: Any
) -> None:
    opportunity = make_opportunity(world, status="published")
    make_programme(
        world, status="published", title="حمایت منتشرشده", opportunity_ids=[opportunity.pk]
    )
    make_programme(
        world,
        agency=world.health,
        title="پیش‌نویس حمایت دیگری",
        opportunity_ids=[opportunity.pk],
    )
    client.force_login(world.officer_roads)
    page = _text(client.get(reverse("investment:bo_detail", args=[opportunity.pk])))
    assert "حمایت منتشرشده" in page
    assert "پیش‌نویس حمایت دیگری" not in page
