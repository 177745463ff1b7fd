"""The respondent's pages: the list (public, staff and network surveys, published results),
the intro saying what is collected, the section page's accessible markup, and who may answer
a staff or network survey (404 for strangers, the login page for visitors)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone

from ravabet.surveys.forms.answer import SectionForm
from ravabet.surveys.models import Response, Survey
from ravabet.surveys.services import answers_check
from tests.surveys.conftest import make_survey


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def rate(client: Client, survey: Survey, value: str = "4") -> Any:
    section = survey.sections.get()
    question = section.questions.get()
    return client.post(f"/surveys/{survey.pk}/", {"section": section.pk, f"q{question.pk}": value})


def test_the_list_shows_open_public_surveys_and_published_results(world: Any) -> None:
    open_survey = make_survey(
        world.roads,
        title="رضایت از راه‌های روستایی",
        kinds=["rating5"],
        target_responses=400,
        closes_at=timezone.now() + dt.timedelta(days=10),
    )
    Response.objects.create(
        survey=open_survey, browser_key="a", status="complete", submitted_at=timezone.now()
    )
    Response.objects.create(survey=open_survey, browser_key="b")  # a draft: not counted
    make_survey(world.roads, title="پیش‌نویس پنهان", kinds=["rating5"], state="draft")
    make_survey(world.roads, title="ویژهٔ کارکنان راه", kinds=["rating5"], audience="agency")
    done = make_survey(
        world.health,
        title="نظرسنجی پایان‌یافتهٔ سلامت",
        kinds=["rating5"],
        state=Survey.State.CLOSED,
        results_published_at=timezone.now(),
    )
    html = Client().get("/surveys/").content.decode()
    assert "رضایت از راه‌های روستایی" in html and world.roads.name in html
    assert "۱ پاسخ از ۴۰۰ پاسخ هدف" in html
    assert '<progress max="400" value="1"' in html
    assert "پاسخ تا" in html and "۱۴" in html  # the Jalali closing date
    assert "پیش‌نویس پنهان" not in html and "ویژهٔ کارکنان راه" not in html
    assert f'href="/surveys/{done.pk}/results/"' in html
    assert f'href="/surveys/{done.pk}/"' not in html  # closed: not in the open list


def test_staff_see_their_agency_and_network_surveys(world: Any) -> None:
    roads = make_survey(world.roads, title="ویژهٔ کارکنان راه", kinds=["rating5"], audience="agency")
    health = make_survey(
        world.health, title="ویژهٔ کارکنان سلامت", kinds=["rating5"], audience="agency"
    )
    network = make_survey(
        world.directorate, title="نیازهای آموزشی شبکه", kinds=["rating5"], audience="network"
    )
    html = logged_in(world.officer_roads).get("/surveys/").content.decode()
    assert roads.title in html and network.title in html and health.title not in html
    html = logged_in(world.outsider).get("/surveys/").content.decode()
    assert roads.title not in html and network.title not in html


def test_the_intro_says_what_is_collected(world: Any) -> None:
    public = make_survey(world.roads, kinds=["rating5"], description="برای بهبود راه‌ها می‌پرسیم.")
    html = Client().get(f"/surveys/{public.pk}/").content.decode()
    assert "برای بهبود راه‌ها می‌پرسیم." in html
    assert "این نظرسنجی بی‌نام است" in html and "تا یک روز" in html
    staff = make_survey(world.roads, kinds=["rating5"], audience="agency")
    html = logged_in(world.officer_roads).get(f"/surveys/{staff.pk}/").content.decode()
    assert "پاسخ شما به حساب کاربری‌تان" in html and "بی‌نام است" not in html


def test_the_section_page_is_accessible_markup(client: Client, survey: Survey) -> None:
    section = survey.sections.get()
    html = client.get(f"/surveys/{survey.pk}/?section={section.pk}").content.decode()
    assert "بخش ۱ از ۱" in html and "<progress" in html
    assert html.count("<fieldset") >= 7 and html.count("<legend>") >= 7
    for input_id in re.findall(r'<input type="(?:radio|checkbox|text)"[^>]* id="([^"]+)"', html):
        assert f'for="{input_id}"' in html, input_id
    for select_id in re.findall(r'<select [^>]*id="([^"]+)"', html):
        assert f'for="{select_id}"' in html
    assert "style=" not in html and "<script>" not in html
    assert 'dir="rtl"' in html and "ثبت پاسخ‌ها" in html


def test_a_staff_survey_is_for_its_agency_and_the_directorate(world: Any) -> None:
    survey = make_survey(world.roads, kinds=["rating5"], audience="agency")
    anonymous = Client().get(f"/surveys/{survey.pk}/")
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
    assert logged_in(world.officer_health).get(f"/surveys/{survey.pk}/").status_code == 404
    assert logged_in(world.outsider).get(f"/surveys/{survey.pk}/").status_code == 404
    assert rate(logged_in(world.officer_health), survey).status_code == 404
    officer = logged_in(world.officer_roads)
    assert rate(officer, survey)["Location"].endswith("/thanks/")
    response = Response.objects.get()
    assert response.respondent == world.officer_roads and response.agency == world.roads
    assert response.browser_key == ""
    html = officer.get(f"/surveys/{survey.pk}/").content.decode()
    assert "شما پیش‌تر به این نظرسنجی پاسخ داده‌اید" in html
    assert "پیش‌تر" in rate(officer, survey).content.decode()
    assert Response.objects.count() == 1
    assert rate(logged_in(world.directorate_staff), survey)["Location"].endswith("/thanks/")


def test_a_network_survey_is_for_every_pr_office(world: Any) -> None:
    survey = make_survey(world.directorate, kinds=["rating5"], audience="network")
    assert logged_in(world.outsider).get(f"/surveys/{survey.pk}/").status_code == 404
    assert Client().get(f"/surveys/{survey.pk}/").status_code == 302
    assert rate(logged_in(world.officer_health), survey)["Location"].endswith("/thanks/")
    assert rate(logged_in(world.head_roads), survey)["Location"].endswith("/thanks/")
    agencies = dict(Response.objects.values_list("respondent__username", "agency__slug"))
    assert agencies == {"officer.health": "tums", "head.roads": "roads"}


def test_the_thanks_page_shows_the_owners_words(client: Client, world: Any) -> None:
    survey = make_survey(world.roads, kinds=["rating5"], thanks="نتیجه را اسفند منتشر می‌کنیم.")
    assert (
        "نتیجه را اسفند منتشر می‌کنیم."
        in client.get(f"/surveys/{survey.pk}/thanks/").content.decode()
    )
    plain = make_survey(world.roads, kinds=["rating5"])
    assert "سپاسگزاریم" in client.get(f"/surveys/{plain.pk}/thanks/").content.decode()


def test_a_public_survey_not_anonymous_is_tied_to_the_account(world: Any) -> None:
    survey = make_survey(world.roads, kinds=["rating5"], anonymous=False)
    anonymous = Client().get(f"/surveys/{survey.pk}/")
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
    citizen = logged_in(world.outsider)
    html = citizen.get(f"/surveys/{survey.pk}/").content.decode()
    assert "پاسخ شما به حساب کاربری‌تان" in html and "بی‌نام است" not in html
    assert rate(citizen, survey)["Location"].endswith("/thanks/")
    response = Response.objects.get()
    assert response.respondent == world.outsider and response.browser_key == ""
    assert "پیش‌تر" in rate(logged_in(world.outsider), survey).content.decode()
    assert Response.objects.count() == 1


def test_the_section_form_renders_a_preview_and_checks_without_saving(survey: Survey) -> None:
    section = survey.sections.get()
    preview = SectionForm(section, preview=True)
    html = render_to_string("surveys/_section_form.html", {"form": preview})
    assert "<form" not in html and "خبرهای دولتی را بیشتر از کجا می‌گیرید؟" in html
    number = survey.questions.get(kind="number")
    form = SectionForm(section, data={f"q{number.pk}": "۲۰۰"}, preview=True)
    try:
        answers_check(form.questions, form.raw())
    except ValidationError as exc:
        form.add_service_errors(exc)
    html = render_to_string("surveys/_section_form.html", {"form": form})
    assert "عددی میان ۰ و ۱۲۰ بنویسید." in html and 'value="۲۰۰"' in html
    assert not Response.objects.exists()
