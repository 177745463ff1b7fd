"""Publishing results on the portal: small counts suppressed (and not recoverable by
subtraction), free text never published, too few responses, who may publish, the public page
and its cache."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from ravabet.core.models import AuditEntry
from ravabet.core.permissions import AgencyPermissionDenied
from ravabet.surveys.models import Response, Survey
from ravabet.surveys.selectors import results as selectors
from ravabet.surveys.selectors.results import HIDDEN, SMALL, SMALL_COUNT, suppress
from ravabet.surveys.services import results as services
from tests.surveys.conftest import make_survey
from tests.surveys.test_results import respond

# --- the pure suppression function ------------------------------------------------------------


def _possible_values(counts: tuple[int, ...], marks: tuple[str, ...], total: int) -> list[set[int]]:
    """What a reader of the published cells could still believe of each hidden cell: every
    vector agreeing with the shown cells and the total, a small cell being 0–4 and a hidden one
    from 5 up to the smallest shown cell (it was the next smallest), found by brute force."""
    shown = [c for c, m in zip(counts, marks, strict=True) if not m]
    ceiling = min(shown) if shown else total
    hidden = [i for i, m in enumerate(marks) if m]
    ranges = [
        range(0, SMALL_COUNT) if marks[i] == SMALL else range(SMALL_COUNT, max(ceiling, 5) + 1)
        for i in hidden
    ]
    seen: list[set[int]] = [set() for _ in hidden]
    for guess in itertools.product(*ranges):
        if sum(guess) + sum(shown) == total:
            for k, value in enumerate(guess):
                seen[k].add(value)
    return seen


@pytest.mark.parametrize("cells", [2, 3])
def test_no_small_count_shown_and_none_recoverable_by_subtraction(cells: int) -> None:
    checked = 0
    for counts in itertools.product(range(11), repeat=cells):
        total = sum(counts)
        decision = suppress(counts, total=total)
        for count, mark in zip(counts, decision.marks, strict=True):
            if count < SMALL_COUNT:
                assert mark == SMALL, counts
            else:
                assert mark in ("", HIDDEN), counts
        if decision.total_hidden or not any(decision.marks):
            continue
        hidden = [m for m in decision.marks if m]
        for mark, values in zip(
            hidden, _possible_values(counts, decision.marks, total), strict=True
        ):
            # A small cell is never pinned to 1–4 (pinned to 0 it names no one).
            if mark == SMALL:
                assert len(values) >= 2 or values == {0}, (counts, decision)
        checked += 1
    assert checked > 50


def test_secondary_suppression_hides_the_next_smallest() -> None:
    decision = suppress([10, 8, 3], total=21)
    assert decision.marks == ("", HIDDEN, SMALL)
    assert suppress([10, 8, 7], total=25).marks == ("", "", "")
    # Two small cells that cannot be told apart need nothing more.
    assert suppress([10, 2, 3], total=15).marks == ("", SMALL, SMALL)
    # Every cell small and pinned down by the total (4 + 4 = 8): the question shows nothing.
    assert suppress([4, 4], total=8).total_hidden
    # Empty cells worked out as 0 give no one away: no more hiding for them.
    assert suppress([0, 6, 0, 9], total=15).marks == (SMALL, "", SMALL, "")
    assert suppress([1, 6, 9], total=16).marks == (SMALL, HIDDEN, "")
    # One small cell beside an empty one: 1 + 0 or 0 + 1, nobody is pinned.
    assert suppress([1, 6, 0, 9], total=16).marks == (SMALL, "", SMALL, "")


def test_cells_that_do_not_add_up_get_primary_suppression_only() -> None:
    assert suppress([10, 8, 3], total=None).marks == ("", "", SMALL)


# --- the published figures ------------------------------------------------------------------------


def _published_survey(world: Any, **choices: int) -> Survey:
    survey = make_survey(world.roads, kinds=["single", "likert", "number", "long_text"])
    for label, n in choices.items():
        for i in range(n):
            respond(
                survey,
                single=label,
                likert=4,
                number=20 + i,
                long_text=f"پاسخ محرمانهٔ شمارهٔ {i} دربارهٔ {label}",
            )
    respond(survey, status=Response.Status.DRAFT, single="تلویزیون")
    services.results_publish(actor=world.head_roads, survey=survey, summary="بیشتر مردم تلویزیون")
    return survey


def _labels(**counts: int) -> dict[str, int]:
    names = {"tv": "تلویزیون", "im": "پیام‌رسان‌ها", "web": "سایت‌ها"}
    return {names[k]: v for k, v in counts.items()}


def test_published_results_suppress_small_and_recoverable_cells(world: Any) -> None:
    survey = _published_survey(world, **_labels(tv=10, im=8, web=3))
    results = selectors.published_results(survey)
    assert results is not None and results.total == 21
    single = next(r for r in results.questions if r.kind == "single")
    cells = {c.label: c for c in single.cells}
    assert cells["تلویزیون"].count == 10 and cells["تلویزیون"].share == pytest.approx(10 / 21)
    assert cells["سایت‌ها"].mark == SMALL and cells["سایت‌ها"].share is None
    assert cells["سایت‌ها"].count == 0  # the real 3 is not even in the data given to the page
    assert cells["سایر"].mark == SMALL  # nobody: still «کمتر از ۵»
    # 21 − 10 − 8 = 3 is shared by two small cells (3 + 0, 2 + 1, …): the 8 may be shown.
    assert cells["پیام‌رسان‌ها"].count == 8 and not cells["پیام‌رسان‌ها"].mark
    assert single.mean is None
    assert not any(r.is_text for r in results.questions)  # free text is never published
    number = next(r for r in results.questions if r.kind == "number")
    assert number.minimum is None and number.maximum is None  # one person's answer each


def test_public_page_shows_charts_tables_and_suppression(world: Any) -> None:
    survey = _published_survey(world, **_labels(tv=10, im=8, web=3))
    page = Client().get(reverse("surveys:results", args=[survey.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "<svg" in text and "<table" in text
    assert "کمتر از ۵" in text
    assert "بیشتر مردم تلویزیون" in text  # the owner's summary
    assert "محرمانه" not in text  # no free-text answer
    assert "۲۱</strong> پاسخ کامل" in text


def test_a_lone_small_cell_hides_the_next_smallest_on_the_page(world: Any) -> None:
    survey = make_survey(world.roads, kinds=["likert"])
    for point, n in ((1, 5), (2, 6), (3, 7), (4, 8), (5, 3)):
        for _ in range(n):
            respond(survey, likert=point)
    services.results_publish(actor=world.head_roads, survey=survey)
    results = selectors.published_results(survey)
    assert results is not None
    likert = results.questions[0]
    # Alone, the 3 would be 29 − (5 + 6 + 7 + 8): the 5 is hidden with it, and no mean.
    assert [c.mark for c in likert.cells] == [HIDDEN, "", "", "", SMALL]
    assert likert.mean is None
    text = Client().get(reverse("surveys:results", args=[survey.pk])).content.decode()
    assert "پنهان" in text and "کمتر از ۵" in text


def test_too_few_responses_show_only_a_sentence(world: Any) -> None:
    survey = _published_survey(world, **_labels(tv=3, im=1))
    assert selectors.published_results(survey) is None
    page = Client().get(reverse("surveys:results", args=[survey.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "پاسخ‌ها برای انتشار کم است" in text
    assert "<svg" not in text and "تلویزیون" not in text


def test_a_theme_is_published_only_from_five_answers(world: Any) -> None:
    survey = _published_survey(world, **_labels(tv=6))
    big = services.theme_create(actor=world.head_roads, survey=survey, name="رضایت از تلویزیون")
    small = services.theme_create(actor=world.head_roads, survey=survey, name="مضمون نادر")
    answers = list(survey.questions.get(kind="long_text").answers.all())
    for answer in answers:
        services.answer_set_themes(actor=world.head_roads, answer=answer, theme_ids=[big.pk])
    services.answer_set_themes(
        actor=world.head_roads, answer=answers[0], theme_ids=[big.pk, small.pk]
    )
    text = Client().get(reverse("surveys:results", args=[survey.pk])).content.decode()
    assert "رضایت از تلویزیون" in text and "مضمون نادر" not in text


def test_unpublished_results_are_404(world: Any) -> None:
    survey = make_survey(world.roads, kinds=["single"])
    for _ in range(6):
        respond(survey, single="تلویزیون")
    assert Client().get(reverse("surveys:results", args=[survey.pk])).status_code == 404
    assert Client().get(reverse("surveys:results_pdf", args=[survey.pk])).status_code == 404
    assert Client().get(reverse("surveys:results", args=[999999])).status_code == 404


# --- who may publish ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("head_roads", True),
        ("directorate_staff", True),
        ("admin", True),
        ("officer_roads", False),
        ("officer_health", False),
        ("outsider", False),
    ],
)
def test_publish_permission_matrix(world: Any, who: str, allowed: bool) -> None:
    survey = make_survey(world.roads, kinds=["single"])
    actor = getattr(world, who)
    if allowed:
        services.results_publish(actor=actor, survey=survey, summary="خلاصه")
        survey.refresh_from_db()
        assert survey.results_published and survey.results_summary == "خلاصه"
        assert AuditEntry.objects.filter(action="survey.results_publish").count() == 1
        services.results_unpublish(actor=actor, survey=survey)
        survey.refresh_from_db()
        assert not survey.results_published
        assert AuditEntry.objects.filter(action="survey.results_unpublish").count() == 1
    else:
        with pytest.raises(AgencyPermissionDenied):
            services.results_publish(actor=actor, survey=survey, summary="خلاصه")
        survey.refresh_from_db()
        assert not survey.results_published
        assert not AuditEntry.objects.filter(action="survey.results_publish").exists()


def test_publish_through_the_page(client: Any, world: Any) -> None:
    survey = make_survey(world.roads, kinds=["single"])
    url = reverse("surveys:bo_results_publish", args=[survey.pk])
    client.force_login(world.officer_roads)
    assert client.post(url, {"results_summary": "x"}).status_code == 403
    client.force_login(world.officer_health)
    assert client.post(url, {"results_summary": "x"}).status_code == 404
    client.force_login(world.head_roads)
    assert client.post(url, {"results_summary": "يافته‌ها"}).status_code == 302
    survey.refresh_from_db()
    assert survey.results_published
    assert survey.results_summary == "یافته‌ها"  # normalized (Arabic yeh)
    unpublish = reverse("surveys:bo_results_unpublish", args=[survey.pk])
    assert client.post(unpublish).status_code == 302
    survey.refresh_from_db()
    assert not survey.results_published


def test_a_draft_survey_cannot_publish_results(world: Any) -> None:
    survey = make_survey(world.roads, kinds=["single"], state=Survey.State.DRAFT)
    with pytest.raises(services.ResultsError):
        services.results_publish(actor=world.head_roads, survey=survey)


def test_publish_and_unpublish_renew_the_cached_public_page(world: Any, settings: Any) -> None:
    settings.RAVABET_PAGE_CACHE_SECONDS = 300
    # The topics' versions in this process's memory: the shared file cache is emptied by any
    # other test run on the machine, which would make this test's hit a miss.
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "surveys-results-versions",
        },
    }
    survey = _published_survey(world, **_labels(tv=6))
    url = reverse("surveys:results", args=[survey.pk])
    first = Client().get(url)
    assert first.status_code == 200 and first["X-Page-Cache"] == "miss"
    assert Client().get(url).get("X-Page-Cache") == "hit"
    services.results_unpublish(actor=world.head_roads, survey=survey)
    assert Client().get(url).status_code == 404
    services.results_publish(actor=world.head_roads, survey=survey, summary="خلاصهٔ تازه")
    again = Client().get(url)
    assert again.status_code == 200 and "خلاصهٔ تازه" in again.content.decode()


def test_number_bins_do_not_give_the_extremes_away(world: Any) -> None:
    survey = make_survey(world.roads, kinds=["number"])  # answers accepted from 0 to 120
    for age in (23, 24, 25, 26, 27, 28):
        respond(survey, number=age)
    results = selectors.published_results(survey)
    assert results is not None
    number = results.questions[0]
    assert number.minimum is None and number.maximum is None
    shown = [c.label for c in number.cells if c.shown]
    assert shown == ["۲۰ تا ۳۹"]  # not «۲۳ تا ۲۸»
    assert number.mean == pytest.approx(25.5)  # no hidden cell holds an answer
    assert number.median is None


def test_a_new_response_renews_the_cached_public_results(
    world: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.RAVABET_PAGE_CACHE_SECONDS = 300
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "surveys-results-new-response",
        },
    }
    survey = _published_survey(world, **_labels(tv=6))
    url = reverse("surveys:results", args=[survey.pk])
    assert Client().get(url)["X-Page-Cache"] == "miss"
    assert Client().get(url)["X-Page-Cache"] == "hit"
    respondent = Client()
    single = survey.questions.get(kind="single")
    tv = single.options.get(label="تلویزیون")
    data = {
        f"q{single.pk}": str(tv.pk),
        f"q{survey.questions.get(kind='likert').pk}": "4",
        f"q{survey.questions.get(kind='number').pk}": "30",
        "section": str(single.section_id),
    }
    respondent.get(f"/surveys/{survey.pk}/")
    with django_capture_on_commit_callbacks(execute=True):
        answered = respondent.post(f"/surveys/{survey.pk}/", data)
    assert answered.status_code == 302, answered.content.decode()[-3000:]
    assert Response.objects.filter(survey=survey, status=Response.Status.COMPLETE).count() == 7
    fresh = Client().get(url)
    assert fresh["X-Page-Cache"] == "miss"
    assert "۷" in fresh.content.decode()
