"""The owner's live results: counts and shares per question kind, the filter by an answer, the
cross-tab, the word frequency of free-text answers, themes, the response rate, and who may see
the page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from ravabet.core.permissions import AgencyPermissionDenied
from ravabet.surveys.models import Answer, Option, Question, Response, Survey, Theme
from ravabet.surveys.selectors import results as selectors
from ravabet.surveys.services import results as services
from tests.surveys.conftest import make_survey


def question(survey: Survey, kind: str) -> Question:
    return survey.questions.get(kind=kind)


def option(q: Question, label: str) -> Option:
    return q.options.get(label=label)


def respond(
    survey: Survey,
    *,
    status: str = Response.Status.COMPLETE,
    submitted_at: dt.datetime | None = None,
    agency: Any = None,
    **answers: Any,
) -> Response:
    """One response with answers by question kind: single/multiple take labels (a label
    «سایر:...» is an «سایر» text), scales and number take numbers, texts take text, date a
    date, ranking a list of labels first to last, matrix a {row: column} dict."""
    response = Response.objects.create(
        survey=survey,
        status=status,
        agency=agency,
        submitted_at=(submitted_at or timezone.now())
        if status == Response.Status.COMPLETE
        else None,
    )
    for kind, value in answers.items():
        q = question(survey, kind)
        if kind in ("single", "multiple"):
            for label in [value] if isinstance(value, str) else value:
                if label.startswith("سایر:"):
                    Answer.objects.create(response=response, question=q, text=label[5:])
                else:
                    Answer.objects.create(response=response, question=q, option=option(q, label))
        elif kind in ("likert", "rating5", "rating10", "number"):
            Answer.objects.create(response=response, question=q, number=Decimal(str(value)))
        elif kind in ("short_text", "long_text"):
            Answer.objects.create(response=response, question=q, text=value)
        elif kind == "date":
            Answer.objects.create(response=response, question=q, date=value)
        elif kind == "ranking":
            for rank, label in enumerate(value, start=1):
                Answer.objects.create(
                    response=response, question=q, option=option(q, label), number=rank
                )
        elif kind == "matrix":
            for row, column in value.items():
                Answer.objects.create(
                    response=response,
                    question=q,
                    row=q.options.get(label=row, role=Option.Role.ROW),
                    option=q.options.get(label=column, role=Option.Role.COLUMN),
                )
    return response


def by_kind(results: selectors.Results, kind: str) -> selectors.QuestionResult:
    return next(r for r in results.questions if r.kind == kind)


def counts(result: selectors.QuestionResult) -> dict[str, int]:
    return {c.label: c.count for c in result.cells}


@pytest.fixture
def answered(survey: Survey) -> Survey:
    """Four complete responses and a draft (which never counts)."""
    respond(
        survey,
        single="تلویزیون",
        multiple=["ایتا", "بله"],
        likert=4,
        rating5=5,
        rating10=8,
        number=30,
        short_text="تهران",
        long_text="مي‌خواهم پاسخ‌ها زودتر برسد",
        date=dt.date(2025, 4, 1),
        ranking=["آب", "راه", "سلامت"],
        matrix={"پاسخ‌ها روشن است": "زیاد", "پاسخ‌ها به‌موقع است": "کم"},
    )
    respond(
        survey,
        single="تلویزیون",
        multiple=["ایتا"],
        likert=5,
        rating5=3,
        rating10=10,
        number=40,
        long_text="می‌خواهم از کيفيت خدمات بگویم",
        date=dt.date(2025, 4, 10),
        ranking=["راه", "آب", "سلامت"],
        matrix={"پاسخ‌ها روشن است": "زیاد"},
    )
    respond(
        survey,
        single="سایر:روزنامه",
        multiple=["تلگرام"],
        likert=2,
        rating5=4,
        number=50,
        long_text="کیفیت پاسخ‌گویی",
        date=dt.date(2025, 6, 1),
        ranking=["آب", "سلامت", "راه"],
        matrix={"پاسخ‌ها روشن است": "کم"},
    )
    respond(survey, single="سایت‌ها", likert=4, number=61)
    respond(survey, status=Response.Status.DRAFT, single="سایت‌ها", likert=1, number=100)
    return survey


def test_counts_and_shares_per_kind(answered: Survey) -> None:
    results = selectors.results_for(answered)
    assert results.total == 4  # the draft is not counted

    single = by_kind(results, "single")
    assert single.answered == 4
    assert counts(single) == {"تلویزیون": 2, "پیام‌رسان‌ها": 0, "سایت‌ها": 1, "سایر": 1}
    tv = single.cells[0]
    assert tv.share == pytest.approx(0.5)
    assert single.cells[-1].texts == ["روزنامه"]

    multiple = by_kind(results, "multiple")
    assert multiple.answered == 3
    assert counts(multiple) == {"ایتا": 2, "بله": 1, "روبیکا": 0, "تلگرام": 1}
    assert multiple.cells[0].share == pytest.approx(2 / 3)  # of the respondents, not the ticks

    likert = by_kind(results, "likert")
    assert [c.count for c in likert.cells] == [0, 1, 0, 2, 1]
    assert likert.mean == pytest.approx(15 / 4)
    assert likert.cells[3].label == "موافقم"

    rating10 = by_kind(results, "rating10")
    assert len(rating10.cells) == 10 and rating10.mean == pytest.approx(9)

    number = by_kind(results, "number")
    assert (number.mean, number.median, number.minimum, number.maximum) == (
        pytest.approx(45.25),
        pytest.approx(45),
        30,
        61,
    )
    assert sum(c.count for c in number.cells) == 4

    dates = by_kind(results, "date")
    # 1 and 10 April 2025 are in Farvardin 1404, 1 June in Khordad.
    assert [(c.label, c.count) for c in dates.cells] == [("فروردین ۱۴۰۴", 2), ("خرداد ۱۴۰۴", 1)]

    ranking = by_kind(results, "ranking")
    means = {r.label: r.mean_rank for r in ranking.ranks}
    assert means == {
        "آب": pytest.approx(4 / 3),
        "راه": pytest.approx(2),
        "سلامت": pytest.approx(8 / 3),
    }
    assert ranking.ranks[0].label == "آب"  # the most important first

    matrix = by_kind(results, "matrix")
    clear = matrix.rows[0]
    assert clear.label == "پاسخ‌ها روشن است"
    assert [c.count for c in clear.cells] == [1, 0, 2] and clear.total == 3
    assert clear.cells[2].share == pytest.approx(2 / 3)

    assert by_kind(results, "long_text").answered == 3


def test_filter_recomputes_every_figure(answered: Survey) -> None:
    single = question(answered, "single")
    chosen = selectors.parse_filter(answered, f"{single.pk}:{option(single, 'تلویزیون').pk}")
    assert chosen is not None
    results = selectors.results_for(answered, filter=chosen)
    assert results.total == 2
    assert counts(by_kind(results, "single"))["تلویزیون"] == 2
    assert [c.count for c in by_kind(results, "likert").cells] == [0, 0, 0, 1, 1]
    assert by_kind(results, "number").mean == pytest.approx(35)


@pytest.mark.parametrize("value", ["", "x", "1:", ":1", "۱:۲", "99999:1", "1:2:3", "-1:2"])
def test_a_malformed_or_foreign_filter_is_ignored(answered: Survey, value: str) -> None:
    assert selectors.parse_filter(answered, value) is None


def test_filter_of_another_survey_is_ignored(world: Any, answered: Survey) -> None:
    other = make_survey(world.roads, kinds=["single"])
    single = question(other, "single")
    assert selectors.parse_filter(answered, f"{single.pk}:{single.options.first().pk}") is None


def test_crosstab_counts_and_row_percent(answered: Survey) -> None:
    single, multiple = question(answered, "single"), question(answered, "multiple")
    table = selectors.crosstab(answered, single, multiple)
    assert table.columns == ["ایتا", "بله", "روبیکا", "تلگرام"]
    rows = {label: (cells, total) for label, cells, total in table.rows}
    cells, total = rows["تلویزیون"]
    assert total == 2
    assert cells[0] == (2, pytest.approx(1.0))
    assert cells[1] == (1, pytest.approx(0.5))
    assert rows["سایت‌ها"][1] == 0  # that respondent skipped the multiple choice


def test_word_frequency_merges_variants_and_drops_stopwords() -> None:
    words = dict(
        selectors.word_frequency(
            [
                "مي‌خواهم کيفيت خدمات بهتر شود",  # Arabic yeh
                "می‌خواهم کیفیت خدمات را ببینم",
                "میخواهم که کیفیت و سرعت",
            ]
        )
    )
    assert words["کیفیت"] == 3  # «کيفيت» with Arabic yeh is the same word
    assert words["خواستن"] == 3  # «مي‌خواهم»، «می‌خواهم»، «میخواهم»: one verb
    assert words["خدمات"] == 2
    for stop in ("و", "را", "که"):
        assert stop not in words


def test_response_rate_per_day_and_cumulative(survey: Survey) -> None:
    survey.target_responses = 10
    survey.save()
    now = timezone.now()
    respond(survey, submitted_at=now - dt.timedelta(days=2))
    respond(survey, submitted_at=now - dt.timedelta(days=2))
    respond(survey, submitted_at=now)
    respond(survey, status=Response.Status.DRAFT)
    rate = selectors.response_rate(survey)
    assert rate.total == 3 and rate.target == 10
    assert [n for _, n, _ in rate.days] == [2, 0, 1]
    assert [c for _, _, c in rate.days] == [2, 2, 3]


def test_owner_page_shows_figures_charts_and_archived(
    client: Any, world: Any, answered: Survey
) -> None:
    q = question(answered, "rating10")
    q.archived_at = timezone.now()
    q.save()
    client.force_login(world.directorate_staff)
    page = client.get(reverse("surveys:bo_results", args=[answered.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "<svg" in text and "<table" in text
    assert "بایگانی‌شده" in text
    assert "روزنامه" in text  # the «سایر» text, for the owner
    assert "۴</strong> پاسخ کامل" in text
    assert "خواستن" in text or "کیفیت" in text  # the word frequency

    single = question(answered, "single")
    filtered = client.get(
        reverse("surveys:bo_results", args=[answered.pk]),
        {"filter": f"{single.pk}:{option(single, 'سایت‌ها').pk}"},
    )
    assert "<strong>۱</strong> پاسخ" in filtered.content.decode()


def test_crosstab_page(client: Any, world: Any, answered: Survey) -> None:
    client.force_login(world.directorate_staff)
    single, multiple = question(answered, "single"), question(answered, "multiple")
    page = client.get(
        reverse("surveys:bo_results_crosstab", args=[answered.pk]),
        {"rows": single.pk, "columns": multiple.pk},
    )
    assert page.status_code == 200
    assert "۱۰۰٪" in page.content.decode()


@pytest.mark.parametrize(
    "name",
    ["bo_results", "bo_results_crosstab", "export_csv", "export_xlsx"],
)
def test_other_agencies_staff_get_404(client: Any, world: Any, answered: Survey, name: str) -> None:
    client.force_login(world.officer_roads)
    assert client.get(reverse(f"surveys:{name}", args=[answered.pk])).status_code == 404
    client.force_login(world.outsider)
    assert client.get(reverse(f"surveys:{name}", args=[answered.pk])).status_code == 404


def test_agency_staff_see_their_own_survey(client: Any, world: Any) -> None:
    survey = make_survey(world.roads, kinds=["single"])
    client.force_login(world.officer_roads)
    assert client.get(reverse("surveys:bo_results", args=[survey.pk])).status_code == 200
    client.force_login(world.officer_health)
    assert client.get(reverse("surveys:bo_results", args=[survey.pk])).status_code == 404


def test_themes_tag_answers_and_count(client: Any, world: Any, answered: Survey) -> None:
    client.force_login(world.directorate_staff)
    response = client.post(
        reverse("surveys:bo_theme_create", args=[answered.pk]), {"name": "کیفیت خدمات"}
    )
    assert response.status_code == 302
    theme = Theme.objects.get(survey=answered)
    answers = list(Answer.objects.filter(question__survey=answered, question__kind="long_text"))
    # Without JS: a plain post, back to the answers' page.
    plain = client.post(
        reverse("surveys:bo_answer_themes", args=[answered.pk, answers[0].pk]),
        {"themes": [theme.pk]},
    )
    assert plain.status_code == 302
    # With htmx: the answer's row comes back, ticked.
    partial = client.post(
        reverse("surveys:bo_answer_themes", args=[answered.pk, answers[1].pk]),
        {"themes": [theme.pk]},
        HTTP_HX_REQUEST="true",
    )
    assert partial.status_code == 200
    assert "checked" in partial.content.decode() and "<li" in partial.content.decode()
    assert dict((t.name, n) for t, n in selectors.theme_counts(answered)) == {"کیفیت خدمات": 2}

    untag = client.post(reverse("surveys:bo_answer_themes", args=[answered.pk, answers[1].pk]))
    assert untag.status_code == 302
    assert answers[1].themes.count() == 0

    page = client.get(
        reverse("surveys:bo_results_text", args=[answered.pk, answers[0].question_id])
    )
    assert page.status_code == 200 and "کیفیت خدمات" in page.content.decode()


def test_tagging_is_permission_checked(world: Any, answered: Survey, client: Any) -> None:
    theme = services.theme_create(actor=world.directorate_staff, survey=answered, name="سرعت")
    answer = Answer.objects.filter(question__survey=answered, question__kind="long_text").first()
    assert answer is not None
    with pytest.raises(AgencyPermissionDenied):
        services.answer_set_themes(actor=world.officer_roads, answer=answer, theme_ids=[theme.pk])
    with pytest.raises(AgencyPermissionDenied):
        services.theme_create(actor=world.officer_roads, survey=answered, name="دیگر")
    assert answer.themes.count() == 0
    client.force_login(world.officer_roads)
    url = reverse("surveys:bo_answer_themes", args=[answered.pk, answer.pk])
    assert client.post(url, {"themes": [theme.pk]}).status_code == 404
    assert answer.themes.count() == 0


def test_theme_names_are_checked(world: Any, answered: Survey) -> None:
    from django.core.exceptions import ValidationError

    services.theme_create(actor=world.directorate_staff, survey=answered, name="سرعت")
    with pytest.raises(ValidationError) as same:
        services.theme_create(actor=world.directorate_staff, survey=answered, name=" سرعت ")
    assert "همین نام" in str(same.value)
    with pytest.raises(ValidationError):
        services.theme_create(actor=world.directorate_staff, survey=answered, name="")
    with pytest.raises(ValidationError):
        services.theme_create(actor=world.directorate_staff, survey=answered, name="ب" * 101)


def test_only_this_surveys_themes_on_text_answers(world: Any, answered: Survey) -> None:
    other = make_survey(world.directorate, kinds=["long_text"], title="دیگری")
    foreign = services.theme_create(actor=world.directorate_staff, survey=other, name="بیگانه")
    own = services.theme_create(actor=world.directorate_staff, survey=answered, name="خودی")
    text = Answer.objects.filter(question__survey=answered, question__kind="long_text").first()
    assert text is not None
    tagged = services.answer_set_themes(
        actor=world.directorate_staff, answer=text, theme_ids=[foreign.pk, own.pk]
    )
    assert tagged == [own] and list(text.themes.all()) == [own]
    choice = Answer.objects.filter(question__survey=answered, question__kind="single").first()
    assert choice is not None
    with pytest.raises(services.ResultsError):
        services.answer_set_themes(actor=world.directorate_staff, answer=choice, theme_ids=[own.pk])
