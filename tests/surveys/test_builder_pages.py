"""The builder's pages through the test client: list, create, structure, questions and
branching, htmx steps, preview, workflow; refused input comes back with what was typed."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from ravabet.surveys.models import Answer, Option, Question, Response, Survey
from tests.surveys.conftest import make_survey

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response: Any) -> str:
    return response.content.decode()


def test_list_shows_own_agencys_surveys_with_progress_and_links(world: Any) -> None:
    mine = make_survey(world.roads, title="نظرسنجی راه", target_responses=4)
    Response.objects.create(survey=mine, status=Response.Status.COMPLETE)
    make_survey(world.health, title="نظرسنجی سلامت")
    page = client_for(world.officer_roads).get("/backoffice/surveys/")
    assert page.status_code == 200
    body = text(page)
    assert "نظرسنجی راه" in body and "نظرسنجی سلامت" not in body
    assert "۲۵٪" in body  # 1 of 4
    assert f"/backoffice/surveys/{mine.pk}/results/" in body
    assert f"/surveys/{mine.pk}/" in body


def test_list_filters_by_state_and_agency(world: Any) -> None:
    make_survey(world.roads, title="باز راه")
    make_survey(world.roads, title="پیش‌نویس راه", state="draft")
    make_survey(world.health, title="باز سلامت")
    client = client_for(world.directorate_staff)
    body = text(client.get("/backoffice/surveys/?state=draft"))
    assert "پیش‌نویس راه" in body and "باز راه" not in body
    body = text(client.get(f"/backoffice/surveys/?agency={world.health.pk}"))
    assert "باز سلامت" in body and "باز راه" not in body
    assert client.get("/backoffice/surveys/?state=<x>&agency=۹۹۹۹&page=۲").status_code == 200


def test_create_with_persian_digits_and_jalali_dates(world: Any) -> None:
    client = client_for(world.officer_roads)
    page = client.get("/backoffice/surveys/new/")
    assert page.status_code == 200
    assert 'value="network"' not in text(page)  # only the directorate asks the network
    response = client.post(
        "/backoffice/surveys/new/",
        {
            "title": "رضایت از پاسخ‌گویی",
            "agency": world.roads.pk,
            "audience": "public",
            "anonymous": "on",
            "opens_at": "۱۴۰۹/۰۱/۱۵ ۰۸:۰۰",
            "closes_at": "۱۴۰۹/۰۲/۱۵",
            "target_responses": "۵۰۰",
        },
    )
    survey = Survey.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/backoffice/surveys/{survey.pk}/"
    assert survey.target_responses == 500
    assert survey.opens_at is not None and survey.closes_at is not None
    assert survey.opens_at < survey.closes_at


def test_create_refusal_keeps_what_was_typed(world: Any) -> None:
    response = client_for(world.officer_roads).post(
        "/backoffice/surveys/new/",
        {
            "title": "نظرسنجی نیمه‌تمام",
            "description": "توضیحی که نباید گم شود",
            "agency": world.roads.pk,
            "audience": "public",
            "opens_at": "۱۴۰۹/۰۲/۱۵",
            "closes_at": "۱۴۰۹/۰۱/۱۵",
        },
    )
    assert response.status_code == 200
    body = text(response)
    assert "پایان نظرسنجی باید پس از آغاز آن باشد." in body
    assert "توضیحی که نباید گم شود" in body and "نظرسنجی نیمه‌تمام" in body
    assert not Survey.objects.exists()


def test_network_audience_refused_for_a_head_in_the_form(world: Any) -> None:
    response = client_for(world.head_roads).post(
        "/backoffice/surveys/new/",
        {"title": "شبکه", "agency": world.roads.pk, "audience": "network"},
    )
    assert response.status_code == 200
    assert "این مخاطبان برای شما نیست." in text(response)
    assert not Survey.objects.exists()


def test_structure_page_shows_every_question_and_the_workflow(world: Any) -> None:
    survey = make_survey(world.roads, state="draft")
    body = text(client_for(world.head_roads).get(f"/backoffice/surveys/{survey.pk}/"))
    for question in survey.questions.all():
        assert question.text in body
    assert "انتشار نظرسنجی" in body
    assert "۰ تا ۱۲۰" in body  # the number's range
    # An officer builds but does not publish.
    body = text(client_for(world.officer_roads).get(f"/backoffice/surveys/{survey.pk}/"))
    assert "انتشار نظرسنجی" not in body


def test_add_section_and_question_then_branch(world: Any) -> None:
    survey = make_survey(world.roads, state="draft", kinds=["rating5"])
    client = client_for(world.officer_roads)
    url = f"/backoffice/surveys/{survey.pk}/"
    response = client.post(url + "sections/new/", {"s-title": "بخش پایانی"})
    assert response.status_code == 302
    first, last = survey.sections.order_by("position")
    response = client.post(
        url + f"sections/{first.pk}/questions/new/",
        {
            "kind": "single",
            "text": "پیش‌تر مراجعه کرده‌اید؟",
            "required": "on",
            "options": "بله\r\nخیر\r\n\r\n",
        },
    )
    question = Question.objects.get(kind="single")
    assert response.status_code == 302
    assert response["Location"] == url + f"questions/{question.pk}/edit/"
    assert list(question.options.values_list("label", flat=True)) == ["بله", "خیر"]
    page = text(client.get(response["Location"]))
    no = question.options.get(label="خیر")
    assert f'name="goto_{no.pk}"' in page and "پرش به «بخش پایانی»" in page
    response = client.post(
        response["Location"],
        {
            "kind": "single",
            "text": "پیش‌تر مراجعه کرده‌اید؟",
            "required": "on",
            "options": "بله\nخیر",
            f"goto_{no.pk}": str(last.pk),
        },
    )
    assert response.status_code == 302
    no.refresh_from_db()
    assert no.goto_section == last
    assert "پرش به «بخش پایانی»" in text(client.get(url))


def test_branching_loop_refused_beside_the_select_and_nothing_lost(world: Any) -> None:
    survey = make_survey(world.roads, state="draft", kinds=["single"], sections=1)
    question = survey.questions.get()
    option = question.options.first()
    assert option is not None
    response = client_for(world.officer_roads).post(
        f"/backoffice/surveys/{survey.pk}/questions/{question.pk}/edit/",
        {
            "kind": "single",
            "text": "متن تازه‌ای که نباید گم شود",
            "options": "\n".join(question.options.values_list("label", flat=True)),
            f"goto_{option.pk}": str(question.section_id),  # a forged jump to its own section
        },
    )
    assert response.status_code == 200
    body = text(response)
    assert "متن تازه‌ای که نباید گم شود" in body
    assert "پرش به همین بخش یا بخش‌های پیشین حلقه می‌سازد." in body
    question.refresh_from_db()
    assert question.text != "متن تازه‌ای که نباید گم شود"


def test_move_with_htmx_returns_the_structure_and_without_js_redirects(world: Any) -> None:
    survey = make_survey(world.roads, state="draft", kinds=["single", "rating5"])
    client = client_for(world.officer_roads)
    rating = survey.questions.get(kind="rating5")
    url = f"/backoffice/surveys/{survey.pk}/questions/{rating.pk}/move/"
    response = client.post(url, {"direction": "up"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'id="structure"' in text(response) and "<html" not in text(response)
    assert list(survey.questions.order_by("position").values_list("kind", flat=True)) == [
        "rating5",
        "single",
    ]
    response = client.post(url, {"direction": "down"})
    assert response.status_code == 302


def test_deleting_an_answered_question_archives_it(world: Any) -> None:
    survey = make_survey(world.roads, kinds=["rating5", "short_text"])
    question = survey.questions.get(kind="rating5")
    response_row = Response.objects.create(survey=survey, status=Response.Status.COMPLETE)
    Answer.objects.create(response=response_row, question=question, number=5)
    client = client_for(world.officer_roads)
    response = client.post(
        f"/backoffice/surveys/{survey.pk}/questions/{question.pk}/delete/", follow=True
    )
    body = text(response)
    assert "بایگانی شد و پاسخ‌هایش نگه داشته می‌شود" in body
    assert question.text not in body.split('id="structure"')[1]
    question.refresh_from_db()
    assert question.archived_at is not None and question.answers.count() == 1


def test_preview_shows_every_section_and_saves_nothing(world: Any) -> None:
    survey = make_survey(world.roads, state="draft", sections=2)
    page = client_for(world.officer_roads).get(f"/backoffice/surveys/{survey.pk}/preview/")
    assert page.status_code == 200
    body = text(page)
    for question in survey.questions.all():
        assert question.text in body
    assert "چیزی فرستاده یا ذخیره نمی‌شود" in body
    assert 'method="post"' not in body.split('id="main"')[1]
    assert not Response.objects.exists()


def test_open_refused_then_open_and_close(world: Any) -> None:
    survey = make_survey(world.roads, state="draft", kinds=["single"])
    Option.objects.filter(question__survey=survey).exclude(
        pk=Option.objects.filter(question__survey=survey).first().pk  # type: ignore[union-attr]
    ).delete()
    client = client_for(world.head_roads)
    base = f"/backoffice/surveys/{survey.pk}/"
    body = text(client.post(base + "open/", follow=True))
    assert "دست‌کم دو گزینه می‌خواهد" in body
    survey.refresh_from_db()
    assert survey.state == "draft"
    question = survey.questions.get()
    Option.objects.create(question=question, label="گزینهٔ دوم", position=5)
    client.post(base + "open/")
    survey.refresh_from_db()
    assert survey.state == "open"
    client.post(base + "close/")
    survey.refresh_from_db()
    assert survey.state == "closed"
    client.post(base + "reopen/")
    survey.refresh_from_db()
    assert survey.state == "open"


def test_officer_posting_open_gets_the_persian_refusal(world: Any) -> None:
    survey = make_survey(world.roads, state="draft")
    body = text(
        client_for(world.officer_roads).post(f"/backoffice/surveys/{survey.pk}/open/", follow=True)
    )
    assert "رئیس روابط عمومی" in body
    survey.refresh_from_db()
    assert survey.state == "draft"


def test_delete_a_draft(world: Any) -> None:
    survey = make_survey(world.roads, state="draft")
    response = client_for(world.officer_roads).post(f"/backoffice/surveys/{survey.pk}/delete/")
    assert response.status_code == 302 and response["Location"] == "/backoffice/surveys/"
    assert not Survey.objects.exists()


def test_edit_settings_page(world: Any) -> None:
    survey = make_survey(world.roads, state="draft")
    client = client_for(world.officer_roads)
    url = f"/backoffice/surveys/{survey.pk}/edit/"
    assert survey.title in text(client.get(url))
    response = client.post(
        url, {"title": "عنوان تازه", "agency": world.roads.pk, "audience": "agency"}
    )
    assert response.status_code == 302
    survey.refresh_from_db()
    assert (survey.title, survey.audience, survey.anonymous) == ("عنوان تازه", "agency", False)


def test_inline_question_edit_through_htmx(world: Any) -> None:
    survey = make_survey(world.roads, state="draft", kinds=["short_text", "rating5"])
    question = survey.questions.get(kind="short_text")
    client = client_for(world.officer_roads)
    url = f"/backoffice/surveys/{survey.pk}/questions/{question.pk}/edit/"
    htmx = {"HX-Request": "true"}
    form = client.get(url, headers=htmx)
    assert form["HX-Retarget"] == f"#question-{question.pk}"
    assert "<html" not in text(form) and 'name="text"' in text(form)
    refused = client.post(url, {"kind": "short_text", "text": ""}, headers=htmx)
    assert refused["HX-Retarget"] == f"#question-{question.pk}"
    assert "«پرسش» را بنویسید." in text(refused)
    saved = client.post(url, {"kind": "short_text", "text": "استان محل زندگی"}, headers=htmx)
    assert "HX-Retarget" not in saved
    assert 'id="structure"' in text(saved) and "استان محل زندگی" in text(saved)
    assert "پرسش ذخیره شد." in text(saved)
    question.refresh_from_db()
    assert (question.text, question.required) == ("استان محل زندگی", False)


def test_inline_section_edit_through_htmx(world: Any) -> None:
    survey = make_survey(world.roads, state="draft", kinds=["rating5"])
    section = survey.sections.get()
    client = client_for(world.officer_roads)
    url = f"/backoffice/surveys/{survey.pk}/sections/{section.pk}/edit/"
    form = client.get(url, headers={"HX-Request": "true"})
    assert form["HX-Retarget"] == f"#section-{section.pk}-body"
    assert client.get(url).status_code == 200  # its own page without JavaScript
    saved = client.post(url, {"title": "پرسش‌های آغازین"}, headers={"HX-Request": "true"})
    assert "پرسش‌های آغازین" in text(saved)
    section.refresh_from_db()
    assert section.title == "پرسش‌های آغازین"


def test_hostile_posts_get_persian_refusals_never_500(world: Any) -> None:
    survey = make_survey(world.roads, state="draft", kinds=["single", "number"])
    single = survey.questions.get(kind="single")
    number = survey.questions.get(kind="number")
    section = survey.sections.get()
    client = client_for(world.officer_roads)
    base = f"/backoffice/surveys/{survey.pk}/"
    body = text(client.post(base + f"questions/{single.pk}/move/", {"direction": "x"}, follow=True))
    assert "جهت جابه‌جایی" in body
    response = client.post(
        base + f"questions/{single.pk}/edit/",
        {"kind": "single", "text": "پرسش", "options": "\n".join(f"گزینه {i}" for i in range(60))},
    )
    assert response.status_code == 200 and "۵۰ گزینه" in text(response)
    response = client.post(
        base + f"questions/{single.pk}/edit/",
        {"kind": "single", "text": "پرسش\x00", "options": "الف\nب"},
    )
    assert response.status_code == 200 and "نویسهٔ نامعتبر" in text(response)
    option = single.options.first()
    assert option is not None
    response = client.post(
        base + f"questions/{single.pk}/edit/",
        {"kind": "single", "text": "پرسش", "options": "الف\nب", f"goto_{option.pk}": "<x>"},
    )
    assert response.status_code == 200 and "حلقه می‌سازد" in text(response)
    response = client.post(
        base + f"questions/{number.pk}/edit/",
        {"kind": "number", "text": "سن", "min_value": "۱e۹۹۹", "max_value": "abc"},
    )
    assert response.status_code == 200
    assert "عدد را با رقم بنویسید" in text(response) or "بیش از اندازه بزرگ" in text(response)
    response = client.post(
        base + f"sections/{section.pk}/questions/new/",
        {"kind": "<script>", "text": "پرسش"},
    )
    assert response.status_code == 200
    assert survey.questions.count() == 2
    assert client.get(base + "questions/999999/edit/").status_code == 404
    assert client.get("/backoffice/surveys/999999/").status_code == 404


def test_huge_numbers_in_the_question_form_are_refused(world: Any) -> None:
    survey = make_survey(world.roads, state="draft", kinds=["multiple"])
    question = survey.questions.get()
    response = client_for(world.officer_roads).post(
        f"/backoffice/surveys/{survey.pk}/questions/{question.pk}/edit/",
        {"kind": "multiple", "text": "کدام‌ها؟", "options": "", "max_choices": "1e999"},
    )
    assert response.status_code == 200
    assert "بیشترین شمار انتخاب از شمار گزینه‌ها" in text(response)


def test_delete_a_draft_through_htmx_redirects_the_browser(world: Any) -> None:
    survey = make_survey(world.roads, state="draft")
    response = client_for(world.officer_roads).post(
        f"/backoffice/surveys/{survey.pk}/delete/", headers={"HX-Request": "true"}
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/backoffice/surveys/"
    assert not Survey.objects.exists()
