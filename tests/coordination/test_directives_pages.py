"""Directives' pages through the Django test client: the directorate writes, attaches and
issues; the list's filters (hostile values too); attachments' access; the directive page's
receipts table for the directorate only; the to-do card; the indicator against a hand count."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from freezegun import freeze_time

from ravabet.coordination.models import ATTACHMENT_FILES, Directive, DirectiveAttachment, Receipt
from ravabet.coordination.selectors import directives as selectors
from ravabet.coordination.services import directives as services
from ravabet.core import registry, uploads
from tests.coordination.fixtures_directives import draft, issued
from tests.files import PDF

pytestmark = pytest.mark.django_db

LIST = "/backoffice/coordination/directives/"


def _text(response: Any) -> str:
    return response.content.decode()


def test_directorate_writes_attaches_and_issues_through_the_pages(world: Any, client: Any) -> None:
    client.force_login(world.directorate_staff)
    response = client.post(
        LIST + "new/",
        {
            "subject": "گزارش عملکرد ماهانهٔ روابط عمومی",
            "text": "گزارش عملکرد اردیبهشت را تا پایان ماه بفرستید.",
            "urgency": "urgent",
            "to_all": "on",
            "action_required": "on",
            "deadline": "۱۴۹۰/۰۲/۳۰",
            "acknowledge_days": "۳",
        },
    )
    directive = Directive.objects.get()
    assert response.status_code == 302 and directive.status == Directive.Status.DRAFT
    action = f"{LIST}{directive.pk}/"
    hostile = SimpleUploadedFile("x.pdf", b"<script>alert(1)</script>", "application/pdf")
    client.post(action + "attach/", {"file": hostile, "title": ""})
    assert not DirectiveAttachment.objects.exists()
    pdf = SimpleUploadedFile("plan.pdf", PDF, "application/pdf")
    client.post(action + "attach/", {"file": pdf, "title": "برنامهٔ هفتهٔ دولت"})
    attachment = DirectiveAttachment.objects.get()
    page = _text(client.post(action + "issue/", follow=True))
    assert "ابلاغ شد" in page
    directive.refresh_from_db()
    assert directive.status == Directive.Status.ISSUED
    assert "رسیدها" in page and "باز نشده" in page
    # The attachment: the directorate and the audience's staff, not a stranger.
    url = uploads.file_url(ATTACHMENT_FILES, attachment)
    assert client.get(url).status_code == 200
    client.force_login(world.officer_health)
    assert client.get(url).status_code == 200
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404


def test_a_draft_attachment_is_not_the_agencies(world: Any, client: Any) -> None:
    directive = draft(world.directorate_staff)
    attachment = services.directive_add_attachment(
        actor=world.directorate_staff,
        directive=directive,
        upload=SimpleUploadedFile("a.pdf", PDF, "application/pdf"),
    )
    client.force_login(world.head_roads)
    assert client.get(uploads.file_url(ATTACHMENT_FILES, attachment)).status_code == 404


def test_agency_page_has_no_receipts_table_and_offers_the_head_the_button(
    world: Any, client: Any
) -> None:
    directive = issued(world.directorate_staff)
    client.force_login(world.officer_roads)
    page = _text(client.get(directive.get_absolute_url()))
    assert "رسیدها" not in page and "علوم پزشکی" not in page
    assert "تأیید دریافت با مدیر روابط عمومی دستگاه است" in page
    client.force_login(world.head_roads)
    page = _text(client.get(directive.get_absolute_url()))
    assert 'type="submit">تأیید دریافت</button>' in page


@pytest.mark.parametrize(
    "query",
    [
        "?status=<script>&urgency=x&mine=1&agency=nope",
        "?q=" + "ب" * 5000,
        "?q=%00&page=۲",
        "?page=abc&agency=" + "x" * 300,
    ],
)
def test_list_survives_hostile_query_strings(world: Any, client: Any, query: str) -> None:
    issued(world.directorate_staff)
    client.force_login(world.officer_roads)
    assert client.get(LIST + query).status_code == 200


def test_list_filters_not_acknowledged_by_us_and_by_agency(world: Any, client: Any) -> None:
    done = issued(world.directorate_staff, subject="روز ارتباطات و روابط عمومی")
    issued(world.directorate_staff, subject="دستورالعمل ارتباطات بحران")
    services.receipt_acknowledge(
        actor=world.head_roads, receipt=Receipt.objects.get(directive=done, agency=world.roads)
    )
    client.force_login(world.officer_roads)
    page = _text(client.get(LIST + "?mine=unacknowledged"))
    assert "ارتباطات بحران" in page and "روز ارتباطات" not in page
    client.force_login(world.directorate_staff)
    page = _text(client.get(LIST + "?agency=roads&urgency=normal&status=issued"))
    assert "ارتباطات بحران" in page and "روز ارتباطات" in page


def test_todo_card_lists_what_the_agency_owes(world: Any) -> None:
    directive = issued(world.directorate_staff, action_required=True)
    cards = {c["key"]: c for c in registry.dashboard_cards(world.head_roads)}
    lists = {item["label"]: item for item in cards["coordination.directives"]["figures"]}
    assert lists["بخشنامه‌های خوانده‌نشده"]["count"] == 1
    assert lists["بخشنامه‌های در انتظار تأیید دریافت"]["count"] == 1
    assert lists["گزارش‌های اقدام موعددار"]["count"] == 1
    assert lists["بخشنامه‌های خوانده‌نشده"]["entries"][0]["url"] == directive.get_absolute_url()
    officer = {c["key"]: c for c in registry.dashboard_cards(world.officer_roads)}
    labels = [item["label"] for item in officer["coordination.directives"]["figures"]]
    assert "بخشنامه‌های در انتظار تأیید دریافت" not in labels
    assert not [c for c in registry.dashboard_cards(world.outsider) if "directives" in c["key"]]


def test_on_time_indicator_against_a_hand_count(world: Any) -> None:
    """Saturday to Wednesday work. Roads: 2 of 3 on time; health: 0 of 2 (one late, one
    never); the directive before the period and the revoked one do not count."""
    staff = world.directorate_staff
    roads_only = {"to_all": False, "audience_ids": [world.roads.pk]}

    def ack(directive: Directive, agency: Any, head: Any, when: str) -> None:
        with freeze_time(when):
            services.receipt_acknowledge(
                actor=head, receipt=Receipt.objects.get(directive=directive, agency=agency)
            )

    from tests.factories import MembershipFactory

    head_health = MembershipFactory(agency=world.health, role="head").user
    with freeze_time("2026-04-20 06:00:00"):
        before = issued(staff, subject="پیش از دوره")
    with freeze_time("2026-05-10 05:00:00"):  # Sunday; due: the end of Tuesday 12 May
        first = issued(staff, subject="نخست", acknowledge_days=2)
    with freeze_time("2026-05-20 05:00:00"):  # Wednesday; due: the end of Saturday 23 May
        second = issued(staff, subject="دوم", acknowledge_days=1)
    with freeze_time("2026-05-25 05:00:00"):
        issued(staff, subject="سوم", **roads_only)  # never acknowledged
        revoked = issued(staff, subject="لغوشده", **roads_only)
        services.directive_revoke(actor=staff, directive=revoked, reason="تکراری")
    ack(before, world.roads, world.head_roads, "2026-04-21 06:00:00")
    ack(first, world.roads, world.head_roads, "2026-05-12 10:00:00")  # on time
    ack(first, world.health, head_health, "2026-05-14 06:00:00")  # late
    ack(second, world.roads, world.head_roads, "2026-05-23 08:00:00")  # on time (Thu/Fri off)
    indicator = {i.key: i for i in registry.indicators()}["coordination.directives_on_time"]
    values = indicator.compute(
        [world.roads, world.health, world.directorate], dt.date(2026, 5, 1), dt.date(2026, 6, 1)
    )
    assert set(values) == {world.roads.pk, world.health.pk}  # the directorate: no data
    assert values[world.roads.pk].volume == 3
    assert values[world.roads.pk].value == pytest.approx(66.7)
    assert values[world.health.pk].volume == 2 and values[world.health.pk].value == 0
    assert values[world.roads.pk].detail == "۲ از ۳ بخشنامه در مهلت تأیید شد"
    assert values[world.roads.pk].link == LIST + "?agency=roads"
    assert (
        selectors.directives_on_time([world.roads], dt.date(2026, 7, 1), dt.date(2026, 8, 1)) == {}
    )


def test_directorate_card_holds_only_its_drafts(world: Any) -> None:
    draft(world.directorate_staff)
    issued(world.directorate_staff)
    cards = {c["key"]: c for c in registry.dashboard_cards(world.directorate_staff)}
    labels = [item["label"] for item in cards["coordination.directives"]["figures"]]
    assert labels == ["پیش‌نویس‌های بخشنامه"]


def test_list_and_receipts_tables_name_every_cell_for_phones(world: Any, client: Any) -> None:
    import re

    directive = issued(world.directorate_staff, action_required=True)
    client.force_login(world.directorate_staff)
    for url in (LIST, directive.get_absolute_url()):
        page = _text(client.get(url)).split('id="history-title"')[0]  # the audit table is core's
        bodies = re.findall(r"<tbody>(.*?)</tbody>", page, re.S)
        cells = [c for body in bodies for c in re.findall(r"<t[dh]\b[^>]*>", body)]
        assert cells and all("data-label=" in c or "colspan" in c for c in cells), url


def test_agency_list_counts_only_its_own_acknowledgement(world: Any, client: Any) -> None:
    directive = issued(world.directorate_staff)
    services.receipt_acknowledge(
        actor=world.head_roads, receipt=Receipt.objects.get(directive=directive, agency=world.roads)
    )
    client.force_login(world.officer_health)
    page = _text(client.get(LIST))
    assert "۰ از ۱" in page and "۱ از ۲" not in page
    client.force_login(world.directorate_staff)
    assert "۱ از ۲" in _text(client.get(LIST))
