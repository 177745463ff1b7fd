"""The ranking's pages through the test client: the table with the formula and links, «بدون
داده» never a zero, the unranked apart, an office's scorecard (its own only, after release;
404 otherwise), the directorate's weights and computing form, the XLSX and PDF exports."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client

from ravabet.coordination.models import Ranking, Weight
from ravabet.coordination.services import scores as services
from tests.coordination.fixtures_scores import (
    Values,
    compute,
    set_weights,
    three_offices,
    values,
    water,
)

__all__ = ["values", "water"]  # fixtures

pytestmark = pytest.mark.django_db

RANKING = "/backoffice/coordination/ranking/"
XLSX = "/backoffice/coordination/ranking.xlsx"
PDF = "/backoffice/coordination/ranking.pdf"
WEIGHTS = "/backoffice/coordination/weights/"


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _scorecard(slug: str) -> str:
    return f"/backoffice/coordination/scorecards/{slug}/"


@pytest.fixture
def ranked(world: Any, values: Values, water: Any) -> Ranking:
    """roads 1st (60), health and water 2nd (40); water has no «share» data in a second run."""
    three_offices(values, world, water)
    set_weights(world.directorate_staff)
    return compute(world.directorate_staff, title="رتبه‌بندی بهار ۱۴۰۴")


def test_the_ranking_page_shows_scores_breakdown_formula_and_links(
    world: Any, ranked: Ranking
) -> None:
    body = _client(world.directorate_staff).get(RANKING).content.decode()
    assert "رتبه‌بندی بهار ۱۴۰۴" in body
    assert "امتیاز چگونه محاسبه می‌شود" in body and "قاعدهٔ حداقل حجم" in body
    assert "۵۰٪ وزن کل" in body
    assert world.roads.name in body and "۶۰٫۰" in body and "۴۰٫۰" in body
    assert "/backoffice/test/test.share/?agency=" in body  # each number linked to its data
    assert 'data-label="امتیاز"' in body and "<progress" in body
    assert "منتشرنشده" in body and "انتشار برای دستگاه‌ها" in body


def test_no_data_shows_as_bedun_dade_and_the_unranked_are_apart(
    world: Any, values: Values, water: Any
) -> None:
    three_offices(values, world, water)
    del values.data["test.share"][water.pk]
    set_weights(world.directorate_staff)
    compute(world.directorate_staff)
    body = _client(world.directorate_staff).get(RANKING).content.decode()
    apart = body.split("رتبه‌بندی نشد: دادهٔ کافی نیست", 1)[1]
    assert water.name in apart and "بدون داده" in apart
    assert "۴۰ از ۱۰۰ وزن" in apart
    card = _client(world.directorate_staff).get(_scorecard("water")).content.decode()
    assert "بدون داده" in card and "رتبه‌بندی نشد" in card


def test_unavailable_indicators_are_named(world: Any, ranked: Ranking) -> None:
    body = _client(world.directorate_staff).get(RANKING).content.decode()
    # Only test indicators are registered: every indicator of the issue is «not available».
    assert "در دسترس نیست" in body and "روند لحن رسانه‌ها" in body


@pytest.mark.parametrize("role", ["officer_roads", "head_roads", "officer_health", "outsider"])
def test_only_the_directorate_sees_the_ranking_and_its_exports(
    world: Any, ranked: Ranking, role: str
) -> None:
    client = _client(getattr(world, role))
    for page in (RANKING, XLSX, PDF, WEIGHTS, f"{RANKING}?ranking={ranked.pk}"):
        assert client.get(page).status_code == 403
    assert client.post("/backoffice/coordination/ranking/compute/", {}).status_code == 403
    release = f"/backoffice/coordination/ranking/{ranked.pk}/release/"
    assert client.post(release).status_code == 403
    assert client.post(WEIGHTS, {"weight_test.share": "10"}).status_code == 403
    ranked.refresh_from_db()
    assert ranked.released_at is None
    assert Ranking.objects.count() == 1
    assert Weight.objects.get(indicator="test.share").weight == 60


def test_scorecards_own_office_only_after_release(world: Any, ranked: Ranking) -> None:
    roads = _client(world.officer_roads)
    health = _client(world.officer_health)
    # Before the release: 404 for the office itself, and for anyone else's.
    assert roads.get(_scorecard("roads")).status_code == 404
    assert health.get(_scorecard("roads")).status_code == 404
    assert _client(world.outsider).get(_scorecard("roads")).status_code == 404
    # The directorate sees every scorecard at any time.
    body = _client(world.directorate_staff).get(_scorecard("roads")).content.decode()
    assert "رتبهٔ ۱ از ۳" in body and "منتشرنشده" in body
    services.ranking_release(actor=world.directorate_staff, ranking=ranked)
    body = roads.get(_scorecard("roads")).content.decode()
    assert "رتبهٔ ۱ از ۳" in body and "۶۰٫۰" in body
    assert "/backoffice/test/test.days/?agency=" in body
    assert "روند امتیاز" in body and "<svg" in body
    # Never another office's, released or not.
    assert health.get(_scorecard("roads")).status_code == 404
    assert "رتبهٔ ۲ از ۳" in health.get(_scorecard("tums")).content.decode()
    assert _client(world.head_roads).get(_scorecard("water")).status_code == 404


def test_an_office_never_sees_an_unreleased_ranking_by_its_id(
    world: Any, values: Values, water: Any, ranked: Ranking
) -> None:
    services.ranking_release(actor=world.directorate_staff, ranking=ranked)
    values.set("test.share", world.roads, 10)
    later = compute(world.directorate_staff, title="رتبه‌بندی تابستان")
    body = _client(world.officer_roads).get(f"{_scorecard('roads')}?ranking={later.pk}")
    assert body.status_code == 200
    text = body.content.decode()
    assert "رتبه‌بندی بهار ۱۴۰۴" in text and "رتبه‌بندی تابستان" not in text


def test_weights_page_saves_persian_digits_and_refuses_bad_input(
    world: Any, values: Values
) -> None:
    client = _client(world.directorate_staff)
    body = client.get(WEIGHTS).content.decode()
    assert "پاسخ در مهلت" in body and "کمتر بهتر" in body
    response = client.post(
        WEIGHTS, {"weight_test.share": "۷۰", "weight_test.days": "30", "min_volume_test.days": "۸"}
    )
    assert response.status_code == 302
    assert Weight.objects.get(indicator="test.share").weight == 70
    assert Weight.objects.get(indicator="test.days").min_volume == 8
    response = client.post(WEIGHTS, {"weight_test.share": "۱۵۰", "weight_test.days": "x"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "باید میان ۰ و ۱۰۰ باشد" in body and "عدد صحیح" in body
    assert Weight.objects.get(indicator="test.share").weight == 70


def test_compute_form_for_a_jalali_quarter_and_release(
    world: Any, values: Values, water: Any
) -> None:
    three_offices(values, world, water)
    set_weights(world.directorate_staff)
    client = _client(world.directorate_staff)
    response = client.post(
        "/backoffice/coordination/ranking/compute/", {"year": "1404", "period": "1", "title": ""}
    )
    assert response.status_code == 302
    ranking = Ranking.objects.get()
    assert (ranking.start.isoformat(), ranking.end.isoformat()) == ("2025-03-21", "2025-06-22")
    assert ranking.title.startswith("رتبه‌بندی روابط عمومی‌ها: ۱۴۰۴/۰۱/۰۱ تا ۱۴۰۴/۰۳/۳۱")
    response = client.post(
        "/backoffice/coordination/ranking/compute/",
        {"year": "1404", "period": "custom", "start": "۱۴۰۴/۰۲/۰۱", "end": "۱۴۰۴/۰۱/۰۱"},
    )
    assert response.status_code == 400
    assert "پایان دوره باید پس از آغاز آن باشد" in response.content.decode()
    response = client.post(
        "/backoffice/coordination/ranking/compute/", {"year": "99999", "period": "q9"}
    )
    assert response.status_code == 400
    assert Ranking.objects.count() == 1
    client.post(f"/backoffice/coordination/ranking/{ranking.pk}/release/")
    ranking.refresh_from_db()
    assert ranking.released_at is not None


def test_hostile_ranking_ids_are_404_not_500(world: Any, ranked: Ranking) -> None:
    client = _client(world.directorate_staff)
    for bad in ("abc", "99999999999999999999", "-1", "²"):
        assert client.get(f"{RANKING}?ranking={bad}").status_code == 404
        assert client.get(f"{XLSX}?ranking={bad}").status_code == 404
    assert client.get(f"{RANKING}?ranking=۱").status_code in (200, 404)


def test_xlsx_export_is_a_right_to_left_sheet_one_row_per_office(
    world: Any, ranked: Ranking
) -> None:
    from openpyxl import load_workbook

    response = _client(world.directorate_staff).get(XLSX)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.active
    assert sheet.sheet_view.rightToLeft is True
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("رتبه", "دستگاه", "امتیاز")
    assert "پاسخ در مهلت: مقدار (٪)" in rows[0]
    assert len(rows) == 1 + 3
    first = rows[1]
    assert first[0] == 1 and first[1] == world.roads.name and first[2] == 60
    assert first[3:7] == (90, 10, 100, 60)  # share: value, volume, normalized, weight


def test_pdf_export(world: Any, ranked: Ranking) -> None:
    response = _client(world.directorate_staff).get(f"{PDF}?ranking={ranked.pk}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
