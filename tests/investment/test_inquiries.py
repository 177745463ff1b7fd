"""An investor's inquiry: through the opportunity's form it reaches the responsible agency's
desk inbox (kind «استعلام», a tracking code, the SLA clock) and the investor lands on the
desk's tracking page; what became of it is recorded by the agency, a decline with its reason."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from ravabet.core.audit import entries_for
from ravabet.core.permissions import AgencyPermissionDenied
from ravabet.desk import selectors as desk_selectors
from ravabet.investment import services
from ravabet.investment.models import Inquiry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def generous_limits(settings: Any) -> None:
    settings.RAVABET_SMS_BACKEND = "ravabet.core.sms.LocmemBackend"
    settings.RAVABET_DESK_SUBMISSIONS_PER_IP_HOUR = 100
    settings.RAVABET_DESK_SUBMISSIONS_PER_MOBILE_DAY = 100
    settings.RAVABET_DESK_LOOKUPS_PER_IP_HOUR = 100


def inquiry_form(**extra: Any) -> dict[str, Any]:
    data = {
        "name": "رضا کریمی",
        "company": "شرکت سرمایه‌گذاری البرز",
        "mobile": "۰۹۱۲۱۲۳۴۵۶۷",
        "email": "",
        "message": "آیا امکان مشارکت با سهم ۴۹ درصد هست؟ مطالعهٔ امکان‌سنجی به‌روز شده است؟",
        "capital_range": "100b-1t",
        "is_foreign": "0",
        "website": "",
    }
    data.update(extra)
    return data


def inquiry_input(about: Any, **extra: Any) -> services.InquiryInput:
    fields: dict[str, Any] = {
        "name": "رضا کریمی",
        "message": "پرسشی دربارهٔ این طرح دارم.",
        "mobile": "09121234567",
    }
    fields.update(extra)
    if about.__class__.__name__ == "Programme":
        fields.setdefault("programme", about)
    else:
        fields.setdefault("opportunity", about)
    return services.InquiryInput(**fields)


def test_inquiry_reaches_the_agency_inbox_and_lands_on_its_tracking_page(
    client: Client, world: Any, published_opportunity: Any, password: str
) -> None:
    url = reverse("investment:inquire", args=[published_opportunity.pk])
    response = client.post(url, inquiry_form())
    inquiry = Inquiry.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:track", args=[inquiry.tracking_code])
    assert inquiry.agency == world.roads
    assert inquiry.opportunity == published_opportunity
    assert inquiry.company == "شرکت سرمایه‌گذاری البرز"
    message = desk_selectors.messages_about(published_opportunity).get()
    assert message.pk == inquiry.message_id and message.kind == "inquiry"
    assert message.agency == world.roads
    assert message.due_at is not None and message.sla_days > 0
    assert "شرکت: شرکت سرمایه‌گذاری البرز" in message.body
    assert message.subject.startswith("درخواست سرمایه‌گذار: ")
    # The investor's landing page: the desk's own tracking page, with the code shown large.
    page = client.get(response["Location"])
    body = page.content.decode()
    assert page.status_code == 200
    assert "استعلام" in body and published_opportunity.title in body
    # The roads officer finds it in the one inbox, as «استعلام».
    client.logout()
    client.login(username="officer.roads", password=password)
    inbox = client.get(reverse("desk:bo_inbox")).content.decode()
    assert message.subject[:40] in inbox and "استعلام" in inbox
    assert client.get(reverse("desk:bo_message", args=[message.pk])).status_code == 200


def test_another_agency_officer_does_not_see_the_inquiry(
    client: Client, world: Any, published_opportunity: Any, password: str
) -> None:
    inquiry = services.inquiry_submit(data=inquiry_input(published_opportunity))
    client.login(username="officer.health", password=password)
    assert client.get(reverse("desk:bo_message", args=[inquiry.message_id])).status_code == 404
    assert "درخواست سرمایه‌گذار" not in client.get(reverse("desk:bo_inbox")).content.decode()


def test_form_errors_are_told_beside_their_fields_and_nothing_is_stored(
    client: Client, published_opportunity: Any
) -> None:
    url = reverse("investment:inquire", args=[published_opportunity.pk])
    response = client.post(url, inquiry_form(name="", message="  ", mobile="123"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "نام خود را بنویسید." in body
    assert "متن درخواست را بنویسید." in body
    response = client.post(url, inquiry_form(mobile="123"))
    assert "شمارهٔ همراه را با یازده رقم بنویسید" in response.content.decode()
    response = client.post(url, inquiry_form(mobile="", email=""))
    assert "شمارهٔ همراه یا نشانی رایانامه را بنویسید" in response.content.decode()
    assert not Inquiry.objects.exists()
    assert not desk_selectors.messages_about(published_opportunity).exists()


def test_unpublished_opportunity_refuses_inquiries(
    client: Client, world: Any, make_opportunity: Callable[..., Any]
) -> None:
    draft = make_opportunity(world, status="approved")
    response = client.post(reverse("investment:inquire", args=[draft.pk]), inquiry_form())
    assert response.status_code == 404
    with pytest.raises(services.InquiryError, match="درخواست نمی‌پذیرد"):
        services.inquiry_submit(data=inquiry_input(draft))
    assert not Inquiry.objects.exists()
    assert not desk_selectors.messages_about(draft).exists()


def test_programme_inquiry_goes_to_the_programme_agency(
    client: Client, world: Any, make_programme: Callable[..., Any]
) -> None:
    programme = make_programme(world, status="published")
    response = client.post(
        reverse("investment:programme_inquire", args=[programme.pk]),
        inquiry_form(is_foreign="1", email="investor@example.com", mobile=""),
    )
    inquiry = Inquiry.objects.get()
    assert response.status_code == 302
    assert inquiry.programme == programme and inquiry.agency == world.directorate
    assert inquiry.is_foreign
    assert desk_selectors.messages_about(programme).get().agency == world.directorate


def test_submissions_are_rate_limited(
    client: Client, settings: Any, published_opportunity: Any
) -> None:
    settings.RAVABET_DESK_SUBMISSIONS_PER_IP_HOUR = 2
    url = reverse("investment:inquire", args=[published_opportunity.pk])
    for number in ("09121234561", "09121234562"):
        assert client.post(url, inquiry_form(mobile=number)).status_code == 302
    response = client.post(url, inquiry_form(mobile="09121234563"))
    assert response.status_code == 429
    assert "یک ساعت دیگر دوباره بفرستید" in response.content.decode()
    assert Inquiry.objects.count() == 2


def test_honeypot_stores_nothing(client: Client, published_opportunity: Any) -> None:
    url = reverse("investment:inquire", args=[published_opportunity.pk])
    response = client.post(url, inquiry_form(website="http://spam.example"))
    assert response.status_code == 400
    assert not Inquiry.objects.exists()


def test_outcome_needs_permission_and_a_reason_for_a_decline(
    world: Any, published_opportunity: Any
) -> None:
    inquiry = services.inquiry_submit(data=inquiry_input(published_opportunity))
    with pytest.raises(AgencyPermissionDenied):
        services.inquiry_set_outcome(actor=world.officer_health, inquiry=inquiry, outcome="mou")
    with pytest.raises(AgencyPermissionDenied):
        services.inquiry_set_outcome(actor=world.outsider, inquiry=inquiry, outcome="meeting")
    with pytest.raises(ValidationError) as refused:
        services.inquiry_set_outcome(
            actor=world.officer_roads, inquiry=inquiry, outcome="declined", reason="  "
        )
    assert refused.value.message_dict == {"reason": ["بنویسید چرا درخواست منتفی شد."]}
    with pytest.raises(ValidationError):
        services.inquiry_set_outcome(actor=world.officer_roads, inquiry=inquiry, outcome="won")
    inquiry.refresh_from_db()
    assert inquiry.outcome == "open"

    done = services.inquiry_set_outcome(
        actor=world.officer_roads,
        inquiry=inquiry,
        outcome="declined",
        reason="سرمایه‌گذار ضمانت بانکی نداشت.",
    )
    assert done.outcome == "declined" and done.outcome_by == world.officer_roads
    assert done.outcome_reason == "سرمایه‌گذار ضمانت بانکی نداشت."
    entry = entries_for(done).get(action="inquiry.outcome")
    assert (entry.from_state, entry.to_state) == ("open", "declined")
    # The directorate may record it too.
    services.inquiry_set_outcome(actor=world.directorate_staff, inquiry=inquiry, outcome="mou")
    inquiry.refresh_from_db()
    assert inquiry.outcome == "mou"


def test_inquiry_and_message_are_one_transaction(
    monkeypatch: pytest.MonkeyPatch, published_opportunity: Any
) -> None:
    def broken(**kwargs: Any) -> Any:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(Inquiry.objects, "create", broken)
    with pytest.raises(RuntimeError):
        services.inquiry_submit(data=inquiry_input(published_opportunity))
    assert not desk_selectors.messages_about(published_opportunity).exists()


def test_hostile_form_input_is_refused_in_persian(
    client: Client, published_opportunity: Any
) -> None:
    url = reverse("investment:inquire", args=[published_opportunity.pk])
    for extra in (
        {"name": "ن" * 5000},
        {"capital_range": "all-of-it"},
        {"is_foreign": "maybe"},
        {"message": "سلام\x00"},
        {"capital_range": ""},
    ):
        response = client.post(url, inquiry_form(**extra))
        assert response.status_code == 200, extra
        body = response.content.decode()
        assert "لطفاً این موارد را درست کنید" in body
        assert "This field" not in body and "Ensure this value" not in body, extra
    assert not Inquiry.objects.exists()
