"""Answering a survey through its pages: every kind's valid and refused answers, branching,
resuming a draft, one response a browser, the rate limit, closed surveys, stale drafts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client
from django.utils import timezone

from ravabet.core.permissions import AgencyPermissionDenied
from ravabet.surveys import services
from ravabet.surveys.models import Answer, Option, Question, Response, Section, Survey
from ravabet.surveys.tasks import drop_stale_drafts
from tests.surveys.conftest import make_survey


def url(survey: Survey) -> str:
    return f"/surveys/{survey.pk}/"


def q(survey: Survey, kind: str) -> Question:
    return survey.questions.get(kind=kind)


def opt(question: Question, label: str, role: str = Option.Role.CHOICE) -> Option:
    return question.options.get(label=label, role=role)


def valid_data(survey: Survey) -> dict[str, Any]:
    """A valid answer to every question of the `survey` fixture (one section)."""
    single, multiple = q(survey, "single"), q(survey, "multiple")
    ranking, matrix = q(survey, "ranking"), q(survey, "matrix")
    data: dict[str, Any] = {
        "section": survey.sections.get().pk,
        f"q{single.pk}": opt(single, "پیام‌رسان‌ها").pk,
        f"q{multiple.pk}": [opt(multiple, "ایتا").pk, opt(multiple, "بله").pk],
        f"q{q(survey, 'likert').pk}": "4",
        f"q{q(survey, 'rating5').pk}": "5",
        f"q{q(survey, 'rating10').pk}": "9",
        f"q{q(survey, 'number').pk}": "۴۲",
        f"q{q(survey, 'short_text').pk}": "تهران",
        f"q{q(survey, 'long_text').pk}": "چرا پاسخ‌ها دیر می‌رسد؟",
        f"q{q(survey, 'date').pk}": "۱۴۰۴/۰۲/۳۰",
    }
    for rank, label in enumerate(["سلامت", "آب", "راه"], start=1):
        data[f"q{ranking.pk}_o{opt(ranking, label).pk}"] = str(rank)
    for row in matrix.options.filter(role=Option.Role.ROW):
        data[f"q{matrix.pk}_r{row.pk}"] = opt(matrix, "زیاد", Option.Role.COLUMN).pk
    return data


def test_every_kind_answered_is_stored_and_submitted(client: Client, survey: Survey) -> None:
    assert "آغاز پاسخ" in client.get(url(survey)).content.decode()
    page = client.post(url(survey), valid_data(survey))
    assert page.status_code == 302 and page["Location"] == f"/surveys/{survey.pk}/thanks/"
    response = Response.objects.get(survey=survey)
    assert response.status == Response.Status.COMPLETE and response.submitted_at
    assert response.respondent is None and len(response.browser_key) == 64
    answers = {a.question.kind: a for a in response.answers.select_related("question", "option")}
    assert answers["single"].option.label == "پیام‌رسان‌ها"
    assert response.answers.filter(question__kind="multiple").count() == 2
    assert answers["number"].number == 42
    assert answers["likert"].number == 4 and answers["rating10"].number == 9
    assert answers["date"].date == dt.date(2025, 5, 20)
    assert answers["long_text"].text == "چرا پاسخ‌ها دیر می‌رسد؟"
    ranks = dict(
        response.answers.filter(question__kind="ranking").values_list("option__label", "number")
    )
    assert ranks == {"سلامت": 1, "آب": 2, "راه": 3}
    assert response.answers.filter(question__kind="matrix", option__label="زیاد").count() == 2
    thanks = client.get(page["Location"]).content.decode()
    assert "پاسخ شما ثبت شد" in thanks


def test_other_choice_keeps_its_text(client: Client, survey: Survey) -> None:
    data = valid_data(survey)
    single = q(survey, "single")
    data[f"q{single.pk}"] = "other"
    data[f"q{single.pk}_other"] = "روزنامه"
    assert client.post(url(survey), data).status_code == 302
    answer = Answer.objects.get(question=single)
    assert answer.option is None and answer.text == "روزنامه"


def _bad(survey: Survey, kind: str) -> list[tuple[dict[str, Any], str]]:
    """(changes to valid_data, the Persian message) for refused answers of `kind`."""
    question = q(survey, kind)
    name = f"q{question.pk}"
    other_question = q(survey, "multiple")
    if kind == "single":
        return [
            ({name: ""}, "به این پرسش پاسخ دهید."),
            ({name: opt(other_question, "ایتا").pk}, "این گزینه از گزینه‌های این پرسش نیست."),
            ({name: "other", f"{name}_other": ""}, "برای «سایر» بنویسید چه گزینه‌ای"),
        ]
    if kind == "multiple":
        return [({name: ["abc"]}, "این گزینه از گزینه‌های این پرسش نیست.")]
    if kind == "likert":
        return [({name: "6"}, "یکی از گزینه‌های ۱ تا ۵ را برگزینید.")]
    if kind == "rating10":
        return [({name: "11"}, "یکی از گزینه‌های ۱ تا ۱۰ را برگزینید.")]
    if kind == "number":
        return [
            ({name: "۱۲۱"}, "عددی میان ۰ و ۱۲۰ بنویسید."),
            ({name: "بیست"}, "یک عدد بنویسید"),
        ]
    if kind == "short_text":
        return [({name: "آ" * 301}, "بیش از ۳۰۰ نویسه پذیرفته نمی‌شود")]
    if kind == "long_text":
        return [({name: "آ" * 5001}, "بیش از ۵٬۰۰۰ نویسه پذیرفته نمی‌شود")]
    if kind == "date":
        return [
            ({name: "۱۲۹۹/۰۱/۰۱"}, "تاریخ باید میان سال‌های ۱۳۰۰ و ۱۴۹۹ خورشیدی باشد."),
            ({name: "دیروز"}, "تاریخ را به شکل ۱۴۰۴/۰۲/۳۰"),
        ]
    if kind == "ranking":
        first, second = question.options.all()[:2]
        return [
            (
                {f"{name}_o{first.pk}": "1", f"{name}_o{second.pk}": "1"},
                "به هر گزینه رتبه‌ای از ۱ تا ۳ بدهید؛ هر رتبه یک بار.",
            )
        ]
    row = question.options.filter(role=Option.Role.ROW).first()
    assert row is not None
    return [
        ({f"{name}_r{row.pk}": ""}, "برای هر سطر یک گزینه برگزینید."),
        # a row given as a column
        ({f"{name}_r{row.pk}": row.pk}, "این گزینه از گزینه‌های این پرسش نیست."),
    ]


@pytest.mark.parametrize(
    "kind",
    [
        "single",
        "multiple",
        "likert",
        "rating10",
        "number",
        "short_text",
        "long_text",
        "date",
        "ranking",
        "matrix",
    ],
)
def test_refused_answers_say_why_beside_the_question(
    client: Client, survey: Survey, kind: str
) -> None:
    for change, message in _bad(survey, kind):
        data = {**valid_data(survey), **change}
        page = client.post(url(survey), data)
        html = page.content.decode()
        assert page.status_code == 200, kind
        assert message in html, (kind, change)
        assert 'class="error-summary"' in html
        assert f'id="id_q{q(survey, kind).pk}_error"' in html
        assert not Answer.objects.exists()
        assert not Response.objects.filter(status=Response.Status.COMPLETE).exists()


def test_archived_questions_and_options_are_neither_shown_nor_accepted(
    client: Client, survey: Survey
) -> None:
    single = q(survey, "single")
    tv = opt(single, "تلویزیون")
    tv.archived_at = timezone.now()
    tv.save()
    rating5 = q(survey, "rating5")
    rating5.archived_at = timezone.now()
    rating5.save()
    html = client.get(url(survey) + f"?section={survey.sections.get().pk}").content.decode()
    assert "تلویزیون" not in html and rating5.text not in html
    data = {**valid_data(survey), f"q{single.pk}": tv.pk}
    assert "این گزینه از گزینه‌های این پرسش نیست." in client.post(url(survey), data).content.decode()
    data[f"q{single.pk}"] = opt(single, "سایت‌ها").pk
    assert client.post(url(survey), data).status_code == 302
    assert not Answer.objects.filter(question=rating5).exists()


def _branching(agency: Any) -> tuple[Survey, list[Section], Question, Option, Option]:
    """Three sections; section 1's single choice «خیر» jumps to section 3."""
    survey = make_survey(agency, kinds=["single", "short_text", "rating5"], sections=3)
    sections = list(survey.sections.all())
    single = q(survey, "single")
    Option.objects.filter(question=single).delete()
    yes = Option.objects.create(question=single, position=0, label="بله")
    no = Option.objects.create(question=single, position=1, label="خیر", goto_section=sections[2])
    return survey, sections, single, yes, no


def test_branching_skips_a_section_and_drops_answers_off_the_path(
    client: Client, world: Any
) -> None:
    survey, sections, single, yes, no = _branching(world.directorate)
    middle = sections[1].questions.get()  # rating5
    last = sections[2].questions.get()  # short_text
    page = client.post(url(survey), {"section": sections[0].pk, f"q{single.pk}": yes.pk})
    assert page["Location"].endswith(f"?section={sections[1].pk}")
    html = client.get(page["Location"]).content.decode()
    assert "بخش ۲ از ۳" in html and f"?section={sections[0].pk}" in html  # the back link
    client.post(url(survey), {"section": sections[1].pk, f"q{middle.pk}": "4"})
    assert Answer.objects.filter(question=middle).exists()
    # Back to section 1, another branch: straight to section 3.
    page = client.post(url(survey), {"section": sections[0].pk, f"q{single.pk}": no.pk})
    assert page["Location"].endswith(f"?section={sections[2].pk}")
    page = client.post(url(survey), {"section": sections[2].pk, f"q{last.pk}": "کرج"})
    assert page["Location"].endswith("/thanks/")
    response = Response.objects.get()
    assert response.path == [sections[0].pk, sections[2].pk]
    assert response.status == Response.Status.COMPLETE
    assert not Answer.objects.filter(question=middle).exists()  # off the path
    assert Answer.objects.filter(question=last, text="کرج").exists()


def test_a_section_past_the_branch_cannot_be_posted_directly(client: Client, world: Any) -> None:
    survey, sections, *_ = _branching(world.directorate)
    last = sections[2].questions.get()
    page = client.post(url(survey), {"section": sections[2].pk, f"q{last.pk}": "کرج"})
    assert page.status_code == 302 and not Response.objects.exists()


def test_a_draft_resumes_where_it_was_left_within_a_day(client: Client, world: Any) -> None:
    survey = make_survey(world.directorate, kinds=["short_text", "rating5"], sections=2)
    first, second = survey.sections.all()
    short = first.questions.get()
    short.kind = Question.Kind.SHORT_TEXT
    short.save()
    client.post(url(survey), {"section": first.pk, f"q{short.pk}": "شهریار"})
    draft = Response.objects.get()
    assert draft.status == Response.Status.DRAFT and draft.current_section == second
    html = client.get(url(survey)).content.decode()
    assert "بخش ۲ از ۲" in html and "پاسخ‌های پیشین شما نگه داشته شده است" in html
    # Back to the first section: the saved answer is shown again.
    assert 'value="شهریار"' in client.get(url(survey) + f"?section={first.pk}").content.decode()
    # Changed there, the answer is replaced, not doubled.
    client.post(url(survey), {"section": first.pk, f"q{short.pk}": "قدس"})
    assert list(Answer.objects.values_list("text", flat=True)) == ["قدس"]
    draft.refresh_from_db()
    # A day later the draft is gone and the survey starts over.
    Response.objects.filter(pk=draft.pk).update(updated_at=timezone.now() - dt.timedelta(days=2))
    assert "آغاز پاسخ" in client.get(url(survey)).content.decode()
    assert not Response.objects.exists()


def test_answers_of_an_earlier_section_survive_a_refused_later_one(
    client: Client, world: Any
) -> None:
    survey = make_survey(world.directorate, kinds=["short_text", "rating5"], sections=2)
    first, second = survey.sections.all()
    short, rating = first.questions.get(), second.questions.get()
    Question.objects.filter(pk=short.pk).update(kind=Question.Kind.SHORT_TEXT)
    Question.objects.filter(pk=rating.pk).update(kind=Question.Kind.RATING5)
    client.post(url(survey), {"section": first.pk, f"q{short.pk}": "ورامین"})
    page = client.post(url(survey), {"section": second.pk, f"q{rating.pk}": "۹"})
    assert "یکی از گزینه‌های ۱ تا ۵ را برگزینید." in page.content.decode()
    assert Answer.objects.get(question=short).text == "ورامین"
    assert Response.objects.get().status == Response.Status.DRAFT


def test_one_response_a_browser(client: Client, survey: Survey) -> None:
    client.post(url(survey), valid_data(survey))
    html = client.get(url(survey)).content.decode()
    assert "شما پیش‌تر به این نظرسنجی پاسخ داده‌اید" in html
    again = client.post(url(survey), valid_data(survey))
    assert "شما پیش‌تر به این نظرسنجی پاسخ داده‌اید" in again.content.decode()
    assert Response.objects.count() == 1
    # Another browser (another cookie) may answer.
    assert Client().post(url(survey), valid_data(survey)).status_code == 302
    assert Response.objects.filter(status=Response.Status.COMPLETE).count() == 2


def test_a_forged_cookie_is_not_a_browser_key(client: Client, survey: Survey) -> None:
    client.post(url(survey), valid_data(survey))
    stored = Response.objects.get().browser_key
    token = client.cookies["ravabet_survey"].value
    assert token.split(":")[0] not in stored  # only a keyed hash is stored
    forged = Client()
    forged.cookies["ravabet_survey"] = token.split(":")[0] + ":forged"
    assert forged.post(url(survey), valid_data(survey)).status_code == 302
    assert Response.objects.count() == 2


def own_cache(settings: Any) -> None:
    """Counters in this process's memory: other test runs on this machine share the file
    cache and may empty it in the middle of a test."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    caches["default"].clear()


def test_new_responses_from_one_address_are_limited(settings: Any, survey: Survey) -> None:
    own_cache(settings)
    settings.RAVABET_SURVEY_RESPONSES_PER_IP_HOUR = 2
    for _ in range(2):
        assert Client().post(url(survey), valid_data(survey)).status_code == 302
    page = Client().post(url(survey), valid_data(survey))
    assert page.status_code == 429 and page["Retry-After"] == "3600"
    assert "پاسخ‌های بسیاری به این نظرسنجی" in page.content.decode()
    assert Response.objects.count() == 2


def test_closed_and_not_yet_open_surveys_refuse_answers(client: Client, world: Any) -> None:
    now = timezone.now()
    closed = make_survey(world.directorate, kinds=["rating5"], state=Survey.State.CLOSED)
    later = make_survey(
        world.directorate,
        kinds=["rating5"],
        opens_at=now + dt.timedelta(days=3),
        closes_at=now + dt.timedelta(days=10),
    )
    assert "این نظرسنجی بسته شده است" in client.get(url(closed)).content.decode()
    html = client.get(url(later)).content.decode()
    assert "هنوز باز نشده است" in html and "۱۴" in html  # a Jalali date
    for survey in (closed, later):
        section = survey.sections.get()
        page = client.post(url(survey), {"section": section.pk, f"q{q(survey, 'rating5').pk}": "3"})
        assert page.status_code == 403
        assert "پاسخ شما ثبت نشد" in page.content.decode()
    assert not Response.objects.exists()


def test_a_draft_survey_is_not_found(client: Client, world: Any) -> None:
    draft = make_survey(world.directorate, kinds=["rating5"], state=Survey.State.DRAFT)
    assert client.get(url(draft)).status_code == 404
    assert client.get(f"/surveys/{draft.pk}/thanks/").status_code == 404


def test_drop_stale_drafts_deletes_old_drafts_only(client: Client, world: Any) -> None:
    survey = make_survey(world.directorate, kinds=["short_text", "rating5"], sections=2)
    first = survey.sections.first()
    assert first is not None
    rating = first.questions.get()
    for _ in range(3):
        Client().post(url(survey), {"section": first.pk, f"q{rating.pk}": "3"})
    complete = make_survey(world.directorate, kinds=["rating5"])
    Client().post(
        url(complete),
        {"section": complete.sections.get().pk, f"q{q(complete, 'rating5').pk}": "2"},
    )
    old = timezone.now() - dt.timedelta(hours=25)
    stale = Response.objects.filter(survey=survey)[:2]
    Response.objects.filter(pk__in=[r.pk for r in stale]).update(updated_at=old)
    Response.objects.filter(survey=complete).update(updated_at=old)
    assert drop_stale_drafts.call() == 2
    assert Response.objects.filter(survey=survey).count() == 1
    assert Response.objects.filter(survey=complete).count() == 1
    assert drop_stale_drafts.call() == 0


def test_numbers_in_arabic_digits_and_a_persian_decimal_point_are_read(
    client: Client, world: Any
) -> None:
    survey = make_survey(world.directorate, kinds=["number"])
    section, number = survey.sections.get(), q(survey, "number")
    page = client.post(url(survey), {"section": section.pk, f"q{number.pk}": "٤٢٫٥"})
    assert page.status_code == 302
    assert Answer.objects.get().number == Decimal("42.5")


def test_other_text_written_without_ticking_counts_as_other(client: Client, world: Any) -> None:
    survey = make_survey(world.directorate, kinds=["multiple"])
    multiple = q(survey, "multiple")
    Question.objects.filter(pk=multiple.pk).update(allow_other=True)
    data = {
        "section": survey.sections.get().pk,
        f"q{multiple.pk}": [opt(multiple, "ایتا").pk],
        f"q{multiple.pk}_other": "سروش",
    }
    assert client.post(url(survey), data).status_code == 302
    assert sorted(Answer.objects.values_list("text", flat=True)) == ["", "سروش"]


def test_the_service_refuses_a_stranger_on_a_staff_survey(world: Any) -> None:
    survey = make_survey(world.roads, kinds=["rating5"], audience=Survey.Audience.AGENCY)
    section = survey.sections.get()
    questions = list(section.questions.all())
    with pytest.raises(AgencyPermissionDenied):
        services.section_answer(
            survey=survey,
            who=services.Respondent(user=world.officer_health, agency=world.health),
            section=section,
            questions=questions,
            raw={questions[0].pk: services.RawAnswer(value="3")},
        )
    assert not Response.objects.exists()
