"""Exports: every complete response as CSV (UTF-8 with BOM) and XLSX (a right-to-left sheet),
read back; the published summary as PDF, read back; who may download them."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from ravabet.core.models import AuditEntry
from ravabet.surveys.models import Response, Survey
from ravabet.surveys.services import results as services
from tests.surveys.conftest import make_survey
from tests.surveys.test_results import respond


@pytest.fixture
def exported(survey: Survey) -> Survey:
    respond(
        survey,
        submitted_at=timezone.now() - dt.timedelta(hours=2),
        single="تلویزیون",
        multiple=["ایتا", "بله"],
        likert=4,
        number=30,
        short_text="=cmd|' /C calc'!A0",
        long_text="پاسخ‌ها دیر می‌رسد",
        date=dt.date(2025, 4, 1),
        ranking=["راه", "آب", "سلامت"],
        matrix={"پاسخ‌ها روشن است": "زیاد"},
    )
    respond(survey, single="سایر:روزنامهٔ محلی", multiple=["تلگرام"], likert=2, number=41.5)
    respond(survey, status=Response.Status.DRAFT, single="سایت‌ها")
    q = survey.questions.get(kind="rating10")
    q.archived_at = timezone.now()
    q.save()
    return survey


def _csv_rows(client: Any, survey: Survey) -> list[list[str]]:
    response = client.get(reverse("surveys:export_csv", args=[survey.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM, so Excel reads UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_csv_one_row_per_complete_response(client: Any, world: Any, exported: Survey) -> None:
    client.force_login(world.directorate_staff)
    rows = _csv_rows(client, exported)
    header, body = rows[0], rows[1:]
    assert len(body) == 2  # the draft is not exported
    assert header[:2] == ["شماره", "زمان ارسال"]
    assert "دستگاه پاسخ‌دهنده" not in header  # a public survey
    column = {name: i for i, name in enumerate(header)}
    first, second = body
    assert first[column["خبرهای دولتی را بیشتر از کجا می‌گیرید؟"]] == "تلویزیون"
    assert first[column["از کدام شبکه‌ها استفاده می‌کنید؟"]] == "ایتا؛ بله"
    assert second[column["خبرهای دولتی را بیشتر از کجا می‌گیرید؟"]] == "سایر: روزنامهٔ محلی"
    assert first[column["این موضوعات را به ترتیب اهمیت مرتب کنید. — راه"]] == "1"
    assert first[column["این موضوعات را به ترتیب اهمیت مرتب کنید. — آب"]] == "2"
    assert first[column["چقدر موافقید؟ — پاسخ‌ها روشن است"]] == "زیاد"
    assert first[column["چقدر موافقید؟ — پاسخ‌ها به‌موقع است"]] == ""
    assert second[column["چند سال دارید؟"]] == "41.5"
    assert first[column["آخرین بار کی به یک دستگاه مراجعه کردید؟"]] == "۱۴۰۴/۰۱/۱۲"
    # Archived questions are exported, their header marked.
    assert "احتمال این‌که سامانه را به دیگران پیشنهاد کنید؟ (بایگانی‌شده)" in header
    # A formula is kept as text.
    assert first[column["شهر محل زندگی"]] == "'=cmd|' /C calc'!A0"
    assert AuditEntry.objects.filter(action="survey.export", data__format="csv").count() == 1


def test_network_survey_exports_the_respondents_agency(client: Any, world: Any) -> None:
    survey = make_survey(world.directorate, kinds=["single"], audience=Survey.Audience.NETWORK)
    respond(survey, agency=world.roads, single="تلویزیون")
    client.force_login(world.directorate_staff)
    rows = _csv_rows(client, survey)
    assert rows[0][2] == "دستگاه پاسخ‌دهنده"
    assert rows[1][2] == world.roads.name


def test_xlsx_right_to_left_persian_headers_formula_as_text(
    client: Any, world: Any, exported: Survey
) -> None:
    client.force_login(world.directorate_staff)
    response = client.get(reverse("surveys:export_xlsx", args=[exported.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.sheet_view.rightToLeft
    rows = list(sheet.iter_rows())
    header = [c.value for c in rows[0]]
    assert header[:2] == ["شماره", "زمان ارسال"]
    assert "چند سال دارید؟" in header
    assert len(rows) == 3  # the header and one row per complete response
    city = rows[1][header.index("شهر محل زندگی")]
    assert city.value == "=cmd|' /C calc'!A0" and city.data_type == "s"  # text, not a formula
    assert rows[1][0].value == 1 and rows[2][header.index("چند سال دارید؟")].value == 41.5
    assert AuditEntry.objects.filter(action="survey.export", data__format="xlsx").exists()


def test_export_in_chunks_keeps_every_row_in_order(
    client: Any, world: Any, monkeypatch: Any
) -> None:
    from ravabet.surveys.views import results as views

    monkeypatch.setattr(views, "EXPORT_CHUNK", 3)
    survey = make_survey(world.roads, kinds=["number"])
    start = timezone.now() - dt.timedelta(days=1)
    for i in range(8):
        respond(survey, number=i, submitted_at=start + dt.timedelta(minutes=i))
    client.force_login(world.officer_roads)
    rows = _csv_rows(client, survey)[1:]
    assert [r[0] for r in rows] == [str(n) for n in range(1, 9)]
    assert [r[2] for r in rows] == [str(n) for n in range(8)]


@pytest.mark.parametrize("name", ["export_csv", "export_xlsx", "bo_results_pdf"])
def test_exports_are_the_owners(client: Any, world: Any, exported: Survey, name: str) -> None:
    url = reverse(f"surveys:{name}", args=[exported.pk])
    client.force_login(world.officer_health)
    assert client.get(url).status_code == 404
    assert not AuditEntry.objects.filter(action="survey.export").exists()
    anonymous = Client().get(url)
    assert anonymous.status_code == 302  # to the login page


def _pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(page.extract_text() or "" for page in reader.pages)


def test_pdf_of_the_published_summary(client: Any, world: Any) -> None:
    survey = make_survey(world.roads, kinds=["single"], title="نظرسنجی راه‌ها")
    for _ in range(6):
        respond(survey, single="تلویزیون")
    services.results_publish(actor=world.head_roads, survey=survey, summary="یافته‌ها")
    client.force_login(world.officer_roads)
    own = client.get(reverse("surveys:bo_results_pdf", args=[survey.pk]))
    assert own.status_code == 200 and own["Content-Type"] == "application/pdf"
    assert own.content.startswith(b"%PDF")
    public = Client().get(reverse("surveys:results_pdf", args=[survey.pk]))
    assert public.status_code == 200
    text = _pdf_text(public.content)
    # Extracted right-to-left text may come out in visual order: look for the words.
    assert "راه" in text and "نظرسنجی" in text
