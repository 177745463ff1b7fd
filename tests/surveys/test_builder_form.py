"""The builder's question form as a person meets it: each group of fields says which kinds it is
for (builder.js shows only the chosen kind's groups; without JavaScript all stay, with their
hint), the fields a kind does not use are ignored rather than refused, every refusal shows in
one pass, and several forms open inline in one page keep their ids unique."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client

from ravabet.surveys.forms.builder import QuestionForm
from ravabet.surveys.models import Answer, Question, Response, Survey
from tests.surveys.conftest import make_survey

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response: Any) -> str:
    return response.content.decode()


class Page(HTMLParser):
    """What the tests look at in a page: ids, label targets, the data-kinds groups (with
    whether they start hidden), the kind hints, scripts and summary links."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.label_fors: list[str] = []
        self.groups: list[tuple[str, bool]] = []
        self.hints: list[bool] = []
        self.scripts: list[dict[str, str | None]] = []
        self.links: list[str] = []
        self.described: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(a["id"] or "")
        if tag == "label" and a.get("for"):
            self.label_fors.append(a["for"] or "")
        if "data-kinds" in a:
            self.groups.append((a["data-kinds"] or "", "hidden" in a))
        if "data-kinds-hint" in a:
            self.hints.append("hidden" in a)
        if tag == "script":
            self.scripts.append(a)
        if tag == "a" and (a.get("href") or "").startswith("#"):
            self.links.append((a["href"] or "")[1:])
        if a.get("aria-describedby"):
            self.described += (a["aria-describedby"] or "").split()


def edit_url(survey: Survey, question: Question) -> str:
    return f"/backoffice/surveys/{survey.pk}/questions/{question.pk}/edit/"


# --- which fields belong to which kinds ----------------------------------------------------


def test_each_group_names_its_kinds_and_the_script_is_an_external_file(world: Any) -> None:
    survey = make_survey(world.roads, state="draft", kinds=["single", "rating5"], sections=2)
    single = survey.questions.get(kind="single")
    client = client_for(world.officer_roads)
    page = Page(text(client.get(edit_url(survey, single))))
    assert sorted(kinds for kinds, _hidden in page.groups) == sorted(
        [
            "single multiple ranking",  # the options
            "single multiple",  # «سایر»
            "multiple",  # the most choices
            "single",  # the jumps (a single-choice question with a later section)
            "matrix",
            "number",
        ]
    )
    # Without JavaScript nothing is hidden, and each group says whom it is for.
    assert not any(hidden for _kinds, hidden in page.groups)
    assert page.hints and not any(page.hints)
    body = text(client.get(edit_url(survey, single)))
    assert "فقط برای پرسش تک‌گزینه‌ای، چندگزینه‌ای و رتبه‌بندی." in body
    assert "فقط برای پرسش جدولی (ماتریسی)." in body
    assert "فقط برای پرسش عدد." in body
    # The script is a file (the CSP refuses inline script), loaded on the structure page too.
    sources = [s.get("src") or "" for s in page.scripts]
    assert all(sources), "no inline script"
    assert any(src.endswith("surveys/builder.js") for src in sources)
    structure = Page(text(client.get(f"/backoffice/surveys/{survey.pk}/")))
    assert any((s.get("src") or "").endswith("surveys/builder.js") for s in structure.scripts)
    new = Page(
        text(
            client.get(
                f"/backoffice/surveys/{survey.pk}/sections/{single.section_id}/questions/new/"
            )
        )
    )
    assert any((s.get("src") or "").endswith("surveys/builder.js") for s in new.scripts)
    assert "data-question-kind" in text(client.get(edit_url(survey, single), headers=HTMX))


def test_the_script_is_served_and_reads_the_groups(world: Any) -> None:
    response = Client().get("/static/surveys/builder.js")
    assert response.status_code == 200
    script = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    for hook in ("data-question-kind", "data-kinds", "data-kinds-hint", "htmx:load"):
        assert hook in script


def test_fields_the_chosen_kind_does_not_use_are_ignored_not_refused(world: Any) -> None:
    survey = make_survey(world.roads, state="draft", kinds=["multiple"])
    question = survey.questions.get()
    response = client_for(world.officer_roads).post(
        edit_url(survey, question),
        {
            "kind": "number",
            "text": "چند بار مراجعه کرده‌اید؟",
            "required": "on",
            # Left over from the multiple choice, or typed before the kind changed:
            "options": "الف\nالف",
            "max_choices": "چند",
            "rows": "سطر\nسطر",
            "min_value": "۰",
            "max_value": "۱۲",
        },
    )
    assert response.status_code == 302, text(response)
    question.refresh_from_db()
    assert question.kind == "number"
    assert (question.min_value, question.max_value, question.max_choices) == (0, 12, None)
    assert not question.options.filter(archived_at__isnull=True).exists()


def test_a_bad_number_in_a_used_field_is_still_refused(world: Any) -> None:
    survey = make_survey(world.roads, state="draft", kinds=["multiple"])
    question = survey.questions.get()
    response = client_for(world.officer_roads).post(
        edit_url(survey, question),
        {"kind": "multiple", "text": "کدام‌ها؟", "options": "الف\nب", "max_choices": "چند"},
    )
    assert response.status_code == 200
    assert "عدد را با رقم بنویسید" in text(response)


# --- every refusal in one pass ---------------------------------------------------------------


def test_a_bad_jump_and_the_services_refusals_show_together(world: Any) -> None:
    survey = make_survey(world.roads, state="draft", kinds=["single"], sections=2)
    question = survey.questions.get()
    option = question.options.first()
    assert option is not None
    response = client_for(world.officer_roads).post(
        edit_url(survey, question),
        {
            "kind": "single",
            "text": "پرسش تازه",
            "help_text": "راهنما\x00",  # the service's check: a forbidden character
            "options": "تلویزیون\nتلویزیون\nپیام‌رسان‌ها\nسایت‌ها",  # the service's: twice
            f"goto_{option.pk}": str(question.section_id),  # the form's: its own section
        },
    )
    assert response.status_code == 200
    body = text(response)
    assert "پرش به همین بخش یا بخش‌های پیشین حلقه می‌سازد." in body
    assert "گزینهٔ «تلویزیون» دو بار آمده است" in body
    assert "نویسهٔ نامعتبر" in body
    assert "پرسش تازه" in body  # what was typed stays
    question.refresh_from_db()
    assert question.text != "پرسش تازه"
    assert question.options.count() == 3


def test_a_missing_text_and_a_reversed_range_show_together(world: Any) -> None:
    survey = make_survey(world.roads, state="draft", kinds=["number"])
    question = survey.questions.get()
    response = client_for(world.officer_roads).post(
        edit_url(survey, question),
        {"kind": "number", "text": "", "min_value": "۵۰", "max_value": "۱۰"},
    )
    body = text(response)
    assert "«پرسش» را بنویسید." in body
    assert "بیشینه باید بزرگ‌تر از کمینه یا برابر آن باشد." in body
    assert "متن پرسش را بنویسید." not in body  # one message for the empty text, not two


def test_the_form_alone_collects_the_checks_before_anything_is_saved(world: Any) -> None:
    survey = make_survey(world.roads, state="draft", kinds=["multiple"])
    question = survey.questions.get()
    form = QuestionForm(
        {"kind": "multiple", "text": "کدام‌ها؟", "options": "الف\nب", "max_choices": "۵"},
        question=question,
    )
    assert not form.is_valid()
    assert "بیشترین شمار انتخاب از شمار گزینه‌ها (۲)" in form.errors["max_choices"][0]
    valid = QuestionForm(
        {"kind": "multiple", "text": "کدام‌ها؟", "options": "الف\nب", "max_choices": "۲"},
        question=question,
    )
    assert valid.is_valid(), valid.errors
    assert valid.to_input().max_choices == 2


def test_what_the_service_would_refuse_is_not_offered(world: Any) -> None:
    """An answered question's kind, and «الزامی» for an optional or new question of a published
    survey, are shown but locked: a changed value posted anyway is ignored, the rest saved."""
    survey = make_survey(world.roads, kinds=["rating5", "short_text"])  # open
    rating = survey.questions.get(kind="rating5")
    optional = survey.questions.get(kind="short_text")
    Question.objects.filter(pk=optional.pk).update(required=False)
    row = Response.objects.create(survey=survey, status=Response.Status.COMPLETE)
    Answer.objects.create(response=row, question=rating, number=4)
    client = client_for(world.head_roads)
    page = text(client.get(edit_url(survey, rating)))
    assert re.search(r'<select[^>]*name="kind"[^>]*disabled', page)
    assert "این پرسش پاسخ گرفته است و نوعش تغییر نمی‌کند." in page
    assert not re.search(r'name="required"[^>]*disabled', page)  # a required one may relax
    response = client.post(
        edit_url(survey, rating),
        {"kind": "number", "text": "امتیاز شما به پاسخ‌گویی؟", "required": "on"},
    )
    assert response.status_code == 302, text(response)
    rating.refresh_from_db()
    assert (rating.kind, rating.text) == ("rating5", "امتیاز شما به پاسخ‌گویی؟")

    page = text(client.get(edit_url(survey, optional)))
    assert re.search(r'name="required"[^>]*disabled', page)
    assert "این پرسش اختیاری می‌ماند" in page
    response = client.post(
        edit_url(survey, optional),
        {"kind": "short_text", "text": "شهر محل زندگی شما", "required": "on"},
    )
    assert response.status_code == 302, text(response)
    optional.refresh_from_db()
    assert (optional.text, optional.required) == ("شهر محل زندگی شما", False)

    new = f"/backoffice/surveys/{survey.pk}/sections/{optional.section_id}/questions/new/"
    assert re.search(r'name="required"[^>]*disabled', text(client.get(new)))
    response = client.post(new, {"kind": "short_text", "text": "نام محله", "required": "on"})
    assert response.status_code == 302, text(response)
    assert survey.questions.get(text="نام محله").required is False


# --- several forms open in one page -------------------------------------------------------------


def test_inline_forms_open_together_have_unique_ids_and_labels_that_point_at_them(
    world: Any,
) -> None:
    survey = make_survey(
        world.roads, state="draft", kinds=["single", "number", "matrix"], sections=2
    )
    single = survey.questions.get(kind="single")
    number = survey.questions.get(kind="number")
    matrix = survey.questions.get(kind="matrix")
    section = survey.sections.order_by("position").first()
    assert section is not None
    client = client_for(world.officer_roads)
    page = text(client.get(f"/backoffice/surveys/{survey.pk}/"))
    # What htmx puts into the page: three question forms and a section form, two of them
    # refused (so with their error summaries and messages).
    parts = [
        text(client.get(edit_url(survey, single), headers=HTMX)),
        text(client.get(edit_url(survey, matrix), headers=HTMX)),
        text(client.post(edit_url(survey, number), {"kind": "number", "text": ""}, headers=HTMX)),
        text(
            client.post(
                edit_url(survey, single),
                {"kind": "single", "text": "", "options": "الف"},
                headers=HTMX,
            )
        ),
        text(
            client.get(f"/backoffice/surveys/{survey.pk}/sections/{section.pk}/edit/", headers=HTMX)
        ),
    ]
    # Each part replaces an item's content, so the page with all of them added holds at least
    # every id the real page would.
    for combined in (page + "".join(parts[:3] + parts[4:]), page + "".join(parts[1:])):
        found = Page(combined)
        duplicates = [i for i, n in Counter(found.ids).items() if n > 1]
        assert duplicates == []
        assert set(found.label_fors) <= set(found.ids)
        assert set(found.described) <= set(found.ids)
        assert set(found.links) <= set(found.ids) | {"main"}
        # The add-section form's title and the open section form's title are two fields.
        assert found.label_fors.count("id_s-title") == 1
    assert f'id="id_q{single.pk}_text"' in parts[0]
    assert f'for="id_q{number.pk}_text"' in parts[2]
    assert f'href="#id_q{number.pk}_text"' in parts[2]  # the summary leads to the field
    # The names (what is posted) are unchanged.
    assert 'name="text"' in parts[0] and 'name="kind"' in parts[1]


# --- in a browser, on a phone-sized window --------------------------------------------------


@pytest.fixture
def phone(live_server: Any, settings: Any, world: Any) -> Iterator[Any]:
    """Chromium at 360 px, logged in as the roads officer; fails on anything the CSP blocks."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM

    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    client = Client()
    client.force_login(world.officer_roads)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"],
        )
        context = browser.new_context(
            locale="fa-IR", viewport={"width": 360, "height": 740}, is_mobile=True
        )
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
        )
        page = context.new_page()
        blocked: list[str] = []
        page.on(
            "console",
            lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None,
        )
        yield page
        browser.close()
    assert blocked == [], blocked


def _fits(page: Any) -> None:
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], (page.url, width)


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_in_a_browser_only_the_chosen_kinds_fields_show_even_inline(
    world: Any, live_server: Any, phone: Any
) -> None:
    from playwright.sync_api import expect

    survey = make_survey(world.roads, state="draft", kinds=["single", "matrix"], sections=2)
    single = survey.questions.get(kind="single")
    matrix = survey.questions.get(kind="matrix")
    section = survey.sections.order_by("position")[0]
    base = f"{live_server.url}/backoffice/surveys/{survey.pk}/"
    phone.goto(base)
    expect(phone.get_by_role("heading", name=survey.title)).to_be_visible()
    _fits(phone)
    # Two questions opened inline at once (htmx), each showing its own kind's fields.
    for question in (single, matrix):
        item = phone.locator(f"#question-{question.pk}")
        item.get_by_role("link", name="ویرایش").click()
        expect(item.locator("form[data-question-form]")).to_be_visible()
    one = phone.locator(f"#question-{single.pk}")
    two = phone.locator(f"#question-{matrix.pk}")
    expect(two.get_by_label("نوع پرسش")).to_be_focused()  # the last one opened
    expect(one.get_by_label("گزینه‌ها", exact=True)).to_be_visible()
    expect(one.get_by_label("با پاسخ «تلویزیون»")).to_be_visible()
    expect(one.get_by_label("سطرهای جدول")).to_be_hidden()
    expect(one.get_by_label("کمینه (عدد)")).to_be_hidden()
    expect(one.get_by_text("فقط برای پرسش", exact=False).first).to_be_hidden()
    expect(two.get_by_label("سطرهای جدول")).to_be_visible()
    expect(two.get_by_label("گزینه‌ها", exact=True)).to_be_hidden()
    _fits(phone)
    # Changing the kind changes the fields; a refusal comes back in place, still so.
    one.get_by_label("نوع پرسش").select_option(label="چندگزینه‌ای")
    expect(one.get_by_label("بیشترین شمار انتخاب (چندگزینه‌ای)")).to_be_visible()
    expect(one.get_by_label("با پاسخ «تلویزیون»")).to_be_hidden()
    one.get_by_label("نوع پرسش").select_option(label="عدد")
    expect(one.get_by_label("کمینه (عدد)")).to_be_visible()
    expect(one.get_by_label("گزینه‌ها", exact=True)).to_be_hidden()
    one.locator("[name=text]").fill("")
    one.get_by_role("button", name="ذخیرهٔ پرسش").click()
    expect(one.locator(".error-summary")).to_be_focused()
    expect(one.get_by_label("کمینه (عدد)")).to_be_visible()
    expect(one.get_by_label("سطرهای جدول")).to_be_hidden()
    _fits(phone)
    # Moving the matrix up redraws the structure; the focus stays with the matrix question.
    phone.goto(base)
    phone.evaluate("document.getElementById('structure').dataset.old = 'yes'")
    phone.locator(f"#question-{matrix.pk}").get_by_role("button", name=re.compile("بالا")).click()
    expect(phone.locator("#structure:not([data-old])")).to_be_visible()  # redrawn
    focused = f"#question-{matrix.pk}:focus, #question-{matrix.pk} :focus"
    expect(phone.locator(focused)).to_have_count(1)
    phone.locator(f"#section-{section.pk}").get_by_role("link", name="ویرایش بخش").click()
    expect(phone.locator(f"#section-{section.pk}-body").get_by_label("عنوان بخش")).to_be_focused()
    _fits(phone)
    # The pages of their own (no htmx) fit the phone too.
    for url in (
        f"questions/{single.pk}/edit/",
        f"sections/{section.pk}/questions/new/",
        f"sections/{section.pk}/edit/",
        "edit/",
        "preview/",
    ):
        phone.goto(base + url)
        _fits(phone)
    phone.goto(base + f"sections/{section.pk}/questions/new/")
    expect(phone.get_by_label("سطرهای جدول")).to_be_hidden()
    phone.get_by_label("نوع پرسش").select_option(label="جدولی (ماتریسی)")
    expect(phone.get_by_label("سطرهای جدول")).to_be_visible()
    expect(phone.get_by_label("گزینه‌ها", exact=True)).to_be_hidden()
