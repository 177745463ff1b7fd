"""The surveys in a real browser: the directorate builds a three-question survey, a citizen
answers it on a phone-sized window, the owner sees the chart and exports XLSX. And the
published results on the portal, with a small count suppressed; and the needs report."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ravabet.core import jalali
from ravabet.core.organisation import demo
from ravabet.core.organisation.models import Agency
from ravabet.surveys.models import Answer, Option, Question, Response, Survey
from tests.e2e.conftest import axe_violations, screenshot
from tests.e2e.test_newsroom import login
from tests.surveys.conftest import make_survey

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "نظرسنجی کیفیت اطلاع‌رسانی طرح‌های عمرانی"
CHANNEL = "خبرهای طرح‌های عمرانی را بیشتر از کجا می‌گیرید؟"
CHANNELS = ["تلویزیون استانی", "پیام‌رسان‌ها", "تابلوهای کارگاه"]
TIMELY = "خبر آغاز و پایان طرح‌ها به‌موقع اعلام می‌شود."
WISH = "چه چیزی را دربارهٔ طرح‌های عمرانی محله‌تان می‌خواهید بدانید؟"
DIRECTORATE = "اداره‌کل روابط عمومی و امور بین‌الملل استانداری تهران"
FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
PHONE = {
    "locale": "fa-IR",
    "viewport": {"width": 360, "height": 740},
    "is_mobile": True,
    "has_touch": True,
}


@pytest.fixture
def people(transactional_db: Any, settings: Any) -> None:
    settings.RAVABET_SMS_BACKEND = "ravabet.core.sms.LocmemBackend"
    demo.load()


def _jalali(moment: dt.datetime) -> str:
    """«۱۴۰۵/۰۹/۱۰ ۰۸:۰۰», as a person types it into a Jalali date-time field."""
    return f"{jalali.format_short(jalali.to_local(moment).date())} ۰۸:۰۰"


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], width


def _add_question(page: Any, section: Any, kind: str, text: str, **extra: Any) -> None:
    section.get_by_role("link", name="افزودن پرسش به این بخش").click()
    expect(page.get_by_role("heading", name=re.compile("^پرسش تازه"))).to_be_visible()
    page.locator("#id_kind").select_option(label=kind)
    page.locator("#id_text").fill(text)
    if "options" in extra:
        page.locator("#id_options").fill("\n".join(extra["options"]))
    if extra.get("optional"):
        page.locator("#id_required").uncheck()
    page.get_by_role("button", name="افزودن پرسش").click()
    expect(page.get_by_text("پرسش افزوده شد.")).to_be_visible()


def test_directorate_builds_citizen_answers_on_a_phone_owner_exports(
    live_server: Any, browser: Any, page: Any, people: None
) -> None:
    base = live_server.url
    now = timezone.now()

    # 1. The directorate's officer builds a public survey, open from yesterday for a month.
    login(page, base, "directorate")
    # The back office's menu (the portal's header has its own «نظرسنجی‌ها», the public list).
    page.locator("a[href='/backoffice/surveys/']", has_text="نظرسنجی‌ها").first.click()
    expect(page).to_have_url(re.compile("/backoffice/surveys/$"))
    assert axe_violations(page) == []
    page.get_by_role("link", name="نظرسنجی تازه", exact=True).click()
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_agency").select_option(label=DIRECTORATE)
    page.locator("#id_description").fill(
        "برای آن‌که بدانیم خبر طرح‌های عمرانی چگونه به شما می‌رسد و چه می‌خواهید بدانید."
    )
    page.get_by_label("عموم مردم").check()
    page.locator("#id_opens_at").fill(_jalali(now - dt.timedelta(days=1)))
    page.locator("#id_closes_at").fill(_jalali(now + dt.timedelta(days=30)))
    assert axe_violations(page) == []
    page.get_by_role("button", name="ساختن نظرسنجی").click()
    expect(page).to_have_url(re.compile(r"/backoffice/surveys/\d+/$"))
    survey = Survey.objects.get(title=TITLE)
    assert survey.state == Survey.State.DRAFT and survey.audience == Survey.Audience.PUBLIC
    assert survey.opens_at is not None and survey.closes_at is not None
    assert survey.opens_at < now < survey.closes_at

    # Two questions in the first section, a second section with a long text.
    first = page.locator(".survey-structure section.panel").first
    _add_question(page, first, "تک‌گزینه‌ای", CHANNEL, options=CHANNELS)
    _add_question(page, page.locator(".survey-structure section.panel").first, "طیف لیکرت", TIMELY)
    page.get_by_label("عنوان بخش").fill("خواستهٔ شما")
    page.get_by_role("button", name="افزودن بخش").click()
    expect(page.get_by_text("بخش افزوده شد.")).to_be_visible()
    second = page.locator(".survey-structure section.panel").nth(1)
    _add_question(page, second, "متن بلند", WISH, optional=True)
    expect(page.locator("#structure h2")).to_have_text("ساختار (۲ بخش، ۳ پرسش)")
    kinds = list(survey.questions.order_by("section__position", "position").values_list("kind"))
    assert kinds == [("single",), ("likert",), ("long_text",)]
    assert axe_violations(page) == []
    screenshot(page, "surveys-builder")

    # A question edited in place (htmx): the form opens inside the structure and saves there.
    likert = survey.questions.get(kind="likert")
    page.locator(f"#question-{likert.pk}").get_by_role("link", name=re.compile("^ویرایش")).click()
    inline = page.locator(f"#question-{likert.pk} form.form--wide")
    expect(inline).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/backoffice/surveys/{survey.pk}/(#[\w-]+)?$"))
    inline.locator("input[name=help_text]").fill("دربارهٔ طرح‌های همین سال.")
    inline.get_by_role("button", name="ذخیرهٔ پرسش").click()
    expect(page.get_by_text("پرسش ذخیره شد.")).to_be_visible()
    expect(page.locator(f"#question-{likert.pk}")).to_contain_text("دربارهٔ طرح‌های همین سال.")
    likert.refresh_from_db()
    assert likert.help_text == "دربارهٔ طرح‌های همین سال." and likert.kind == "likert"

    # The preview: every section as a respondent sees it, with nothing to send.
    page.get_by_role("link", name="پیش‌نمایش").first.click()
    expect(page).to_have_url(re.compile(rf"/backoffice/surveys/{survey.pk}/preview/$"))
    for text in (CHANNEL, TIMELY, WISH, *CHANNELS):
        expect(page.get_by_text(text).first).to_be_visible()
    assert axe_violations(page) == []
    page.go_back()

    # The directorate may publish.
    page.get_by_role("button", name="انتشار نظرسنجی").click()
    expect(page.get_by_text("نظرسنجی منتشر شد.")).to_be_visible()
    survey.refresh_from_db()
    assert survey.state == Survey.State.OPEN and survey.is_open()

    # 2. A citizen on a phone finds it, reads what is kept, answers one section a page.
    phone_context = browser.new_context(**PHONE)
    phone = phone_context.new_page()
    blocked: list[str] = []
    phone.on(
        "console",
        lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None,
    )
    try:
        phone.goto(base + "/surveys/")
        _no_sideways_scroll(phone)
        assert axe_violations(phone) == []
        phone.get_by_role("link", name=TITLE).first.click()
        expect(phone).to_have_url(re.compile(rf"/surveys/{survey.pk}/$"))
        expect(phone.get_by_text("چه چیزی از شما نگه داشته می‌شود؟")).to_be_visible()
        expect(phone.get_by_text("این نظرسنجی بی‌نام است", exact=False)).to_be_visible()
        _no_sideways_scroll(phone)
        assert axe_violations(phone) == []
        phone.get_by_role("link", name="آغاز پاسخ").click()

        expect(phone.locator("#progress-label")).to_have_text("بخش ۱ از ۲")
        # Sent with nothing chosen: both required questions are named, on the phone too.
        phone.get_by_role("button", name="ذخیره و بخش بعد").click()
        summary = phone.locator("#error-summary")
        expect(summary).to_be_visible()
        expect(summary).to_contain_text(CHANNEL[:40])
        expect(summary).to_contain_text(TIMELY[:40])
        _no_sideways_scroll(phone)
        assert axe_violations(phone) == []
        phone.get_by_label("پیام‌رسان‌ها", exact=True).check()
        phone.get_by_label("موافقم", exact=True).check()
        _no_sideways_scroll(phone)
        assert axe_violations(phone) == []
        phone.get_by_role("button", name="ذخیره و بخش بعد").click()

        expect(phone.locator("#progress-label")).to_have_text("بخش ۲ از ۲")
        # Back to the first section: what was chosen is still chosen.
        phone.get_by_role("link", name="بخش پیشین").click()
        expect(phone.locator("#progress-label")).to_have_text("بخش ۱ از ۲")
        expect(phone.get_by_label("پیام‌رسان‌ها", exact=True)).to_be_checked()
        expect(phone.get_by_label("موافقم", exact=True)).to_be_checked()
        screenshot(phone, "surveys-answer-phone")
        phone.get_by_role("button", name="ذخیره و بخش بعد").click()
        expect(phone.locator("#progress-label")).to_have_text("بخش ۲ از ۲")
        # The connection drops; the survey's address again resumes at the second section.
        phone.goto(base + f"/surveys/{survey.pk}/")
        expect(phone.locator("#progress-label")).to_have_text("بخش ۲ از ۲")
        expect(
            phone.get_by_text("پاسخ‌های پیشین شما نگه داشته شده است", exact=False)
        ).to_be_visible()
        phone.get_by_label(WISH).fill("زمان پایان کار خیابان و مسیرهای جایگزین در این مدت.")
        _no_sideways_scroll(phone)
        assert axe_violations(phone) == []
        phone.get_by_role("button", name="ثبت پاسخ‌ها").click()

        expect(phone).to_have_url(re.compile(rf"/surveys/{survey.pk}/thanks/$"))
        expect(phone.get_by_role("heading", name="پاسخ شما ثبت شد")).to_be_visible()
        _no_sideways_scroll(phone)
        assert axe_violations(phone) == []

        response = Response.objects.get(survey=survey)
        assert response.status == Response.Status.COMPLETE and response.respondent is None
        chosen = Answer.objects.get(response=response, question__kind="single")
        assert chosen.option is not None and chosen.option.label == "پیام‌رسان‌ها"
        assert Answer.objects.get(response=response, question__kind="likert").number == 4

        # Coming back: already answered, nothing to answer again.
        phone.goto(base + f"/surveys/{survey.pk}/")
        expect(phone.get_by_text("شما پیش‌تر به این نظرسنجی پاسخ داده‌اید.")).to_be_visible()
        assert phone.get_by_role("button", name="ذخیره و بخش بعد").count() == 0
        assert Response.objects.filter(survey=survey).count() == 1
    finally:
        phone_context.close()
    assert blocked == [], blocked

    # 3. The owner sees the chart and exports the XLSX.
    page.goto(base + f"/backoffice/surveys/{survey.pk}/results/")
    single = Question.objects.get(survey=survey, kind="single")
    figure = page.locator(f"#question-{single.pk} svg")
    expect(figure).to_have_count(1)
    expect(figure).to_contain_text("پیام‌رسان‌ها")
    expect(figure).to_contain_text("۱")
    expect(page.get_by_text("۱ پاسخ کامل", exact=False).first).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "surveys-results")

    # Filtered by an answer: only the responses that chose it.
    page.locator("#results-filter").select_option(label="پیام‌رسان‌ها")
    page.get_by_role("button", name="نمایش").click()
    expect(page.locator(".notice", has_text="پیام‌رسان‌ها")).to_contain_text("۱ پاسخ")
    page.locator("#results-filter").select_option(label="تلویزیون استانی")
    page.get_by_role("button", name="نمایش").click()
    expect(page.locator(".notice", has_text="تلویزیون استانی")).to_contain_text("۰ پاسخ")
    page.goto(base + f"/backoffice/surveys/{survey.pk}/results/")

    with page.expect_download() as download:
        page.get_by_role("link", name="Excel").click()
    assert download.value.suggested_filename == f"survey-{survey.pk}.xlsx"
    from openpyxl import load_workbook

    data = open(download.value.path(), "rb").read()
    book = load_workbook(io.BytesIO(data))
    sheet = book.active
    assert sheet.sheet_view.rightToLeft
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2  # the header, the citizen's response
    header, row = rows
    assert header[header.index(CHANNEL)] == CHANNEL
    assert row[header.index(CHANNEL)] == "پیام‌رسان‌ها"
    assert row[header.index(TIMELY)] == 4
    assert "مسیرهای جایگزین" in row[header.index(WISH)]

    # The citizen's wish tagged with a theme, in place (htmx).
    page.get_by_label("مضمون تازه").fill("زمان پایان کار")
    page.get_by_role("button", name="افزودن مضمون").click()
    expect(page.get_by_text("مضمون «زمان پایان کار» ساخته شد.")).to_be_visible()
    page.get_by_role("link", name="همهٔ پاسخ‌ها و برچسب مضمون").click()
    wish = Answer.objects.get(response__survey=survey, question__kind="long_text")
    item = page.locator(f"#answer-{wish.pk}")
    item.get_by_label("زمان پایان کار").check()
    item.get_by_role("button", name="ذخیرهٔ مضمون‌ها").click()
    expect(page.locator(f"#answer-{wish.pk}").get_by_role("status")).to_have_text("ذخیره شد.")
    assert list(wish.themes.values_list("name", flat=True)) == ["زمان پایان کار"]
    assert axe_violations(page) == []

    # Published on the portal: one response is too few to show anything.
    page.goto(base + f"/backoffice/surveys/{survey.pk}/results/")
    page.get_by_role("button", name="انتشار نتایج").click()
    page.get_by_role("link", name="صفحهٔ عمومی نتایج").click()
    expect(page).to_have_url(re.compile(rf"/surveys/{survey.pk}/results/$"))
    expect(page.get_by_text("پاسخ‌ها برای انتشار کم است.")).to_be_visible()
    assert "مسیرهای جایگزین" not in page.content()

    # Closed a month early: a newcomer is told so, with no deadline «that was» still to come.
    page.goto(base + f"/backoffice/surveys/{survey.pk}/")
    page.get_by_role("button", name="بستن نظرسنجی").click()
    expect(page.get_by_text("نظرسنجی بسته شد؛ پاسخ‌هایش می‌ماند.")).to_be_visible()
    late_context = browser.new_context(**PHONE)
    try:
        late = late_context.new_page()
        late.goto(base + f"/surveys/{survey.pk}/")
        expect(late.get_by_text("این نظرسنجی بسته شده است و پاسخ تازه نمی‌پذیرد.")).to_be_visible()
        expect(late.get_by_text("مهلت پاسخ", exact=False)).to_have_count(0)
        expect(late.get_by_role("link", name="نتایج این نظرسنجی را ببینید")).to_be_visible()
        assert late.get_by_role("button").filter(has_text="بخش").count() == 0
        assert axe_violations(late) == []
    finally:
        late_context.close()
    assert Response.objects.filter(survey=survey).count() == 1


def _answer(survey: Survey, choices: list[str], scores: list[int]) -> None:
    """Complete responses straight through the models: one a (choice, score) pair."""
    single = survey.questions.get(kind="single")
    likert = survey.questions.get(kind="likert")
    options = {o.label: o for o in Option.objects.filter(question=single)}
    for i, (label, score) in enumerate(zip(choices, scores, strict=True)):
        response = Response.objects.create(
            survey=survey,
            status=Response.Status.COMPLETE,
            browser_key=f"browser-{i}",
            submitted_at=timezone.now() - dt.timedelta(hours=i),
        )
        Answer.objects.create(response=response, question=single, option=options[label])
        Answer.objects.create(response=response, question=likert, number=score)


def test_the_published_results_suppress_a_small_count(
    live_server: Any, browser: Any, page: Any, people: None
) -> None:
    directorate = Agency.objects.get(slug="pr-directorate")
    survey = make_survey(directorate, kinds=["single", "likert"])
    choices = ["تلویزیون"] * 8 + ["پیام‌رسان‌ها"] * 4 + ["سایت‌ها"] * 2
    _answer(survey, choices, [4] * 6 + [5] * 5 + [3] * 3)
    survey.results_published_at = timezone.now()
    survey.results_summary = "بیشتر پاسخ‌دهندگان خبرهای دولتی را از تلویزیون می‌گیرند."
    survey.save(update_fields=["results_published_at", "results_summary"])

    page.goto(live_server.url + "/surveys/")
    page.get_by_role("link", name=f"نتایج «{survey.title}»").click()
    expect(page).to_have_url(re.compile(rf"/surveys/{survey.pk}/results/$"))
    expect(page.locator("main .lead strong")).to_have_text("۱۴")
    assert page.locator("svg[role=img]").count() >= 2
    single = survey.questions.get(kind="single")
    table = page.locator(f"#question-{single.pk} table")
    expect(table.get_by_role("row", name=re.compile("تلویزیون"))).to_contain_text("۸")
    expect(table.get_by_role("row", name=re.compile("پیام‌رسان‌ها"))).to_contain_text("کمتر از ۵")
    # The chart says the same, and the four answers (29%) show nowhere.
    chart = page.locator(f"#question-{single.pk} svg").text_content() or ""
    assert "پیام‌رسان‌ها: کمتر از ۵" in chart and "تلویزیون: ۸" in chart
    assert "پیام‌رسان‌ها: ۴" not in chart and "۲۹٪" not in page.locator("main").inner_text()
    assert axe_violations(page) == []
    screenshot(page, "surveys-public-results")

    # The PDF summary (shown in the browser, not downloaded): the same published figures.
    href = page.get_by_role("link", name="خلاصهٔ نتایج (PDF)").get_attribute("href")
    pdf = page.request.get(live_server.url + str(href))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF-")

    # On a phone the charts and tables fit the screen (a table scrolls in its own frame).
    phone_context = browser.new_context(**PHONE)
    try:
        phone = phone_context.new_page()
        phone.goto(live_server.url + f"/surveys/{survey.pk}/results/")
        expect(phone.locator("svg[role=img]").first).to_be_visible()
        _no_sideways_scroll(phone)
    finally:
        phone_context.close()


def test_the_needs_report_joins_the_sources(live_server: Any, page: Any, people: None) -> None:
    from ravabet.desk import demo as desk_demo
    from ravabet.surveys import demo as surveys_demo

    # The water company's surveys and its citizens' messages. (The media's narratives need the
    # demo archive, a minute to import: that source says it found nothing here.)
    desk_demo.load()
    surveys_demo.load()
    login(page, live_server.url, "multi")  # the water company's officer
    page.get_by_role("link", name="گزارش نیازسنجی").first.click()
    expect(page).to_have_url(re.compile("/backoffice/surveys/needs/"))
    expect(page.locator("#chart-needs, .needs-chart svg").first).to_be_visible()
    assert page.locator(".needs-topics li").count() >= 3
    for source in ("نظرسنجی‌ها", "پیشخوان مردمی"):
        expect(page.get_by_role("heading", name=source, exact=True)).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "surveys-needs")


def test_a_citizen_verifies_a_mobile_on_a_phone_and_answers_once(
    live_server: Any, browser: Any, people: None
) -> None:
    from ravabet.core import sms

    sms.outbox.clear()
    directorate = Agency.objects.get(slug="pr-directorate")
    survey = make_survey(directorate, kinds=["rating5"], verify_mobile=True)
    question = survey.questions.get()
    url = live_server.url + f"/surveys/{survey.pk}/"

    def ask_code(phone: Any) -> None:
        phone.goto(url)
        expect(phone.get_by_role("link", name="آغاز پاسخ")).to_have_count(0)
        phone.get_by_label("شمارهٔ همراه").fill("۰۹۱۲ ۱۲۳ ۴۵۶۷")
        phone.get_by_role("button", name="فرستادن کد تأیید").click()

    context = browser.new_context(**PHONE)
    try:
        phone = context.new_page()
        ask_code(phone)
        expect(phone.get_by_text("کد تأیید به شمارهٔ همراه شما پیامک شد.")).to_be_visible()
        assert len(sms.outbox) == 1 and sms.outbox[0].to == "09121234567"
        code = re.search(r"\d{6}", sms.outbox[0].text)
        assert code is not None
        _no_sideways_scroll(phone)
        assert axe_violations(phone) == []
        # Typed as the phone's keyboard gives it: Persian digits.
        phone.get_by_label("کد شش‌رقمی که پیامک شد").fill(code.group(0).translate(FA_DIGITS))
        phone.get_by_role("button", name="تأیید کد و آغاز پاسخ").click()
        expect(phone.get_by_text("شمارهٔ همراه شما تأیید شد", exact=False)).to_be_visible()
        phone.get_by_label("۴", exact=True).check()
        phone.get_by_role("button", name="ثبت پاسخ‌ها").click()
        expect(phone.get_by_role("heading", name="پاسخ شما ثبت شد")).to_be_visible()
    finally:
        context.close()
    response = Response.objects.get(survey=survey)
    assert response.mobile_key and "09121234567" not in response.mobile_key
    assert Answer.objects.get(response=response, question=question).number == 4

    # Another browser, the same number: no second response.
    context = browser.new_context(**PHONE)
    try:
        phone = context.new_page()
        ask_code(phone)
        expect(
            phone.get_by_text("با این شمارهٔ همراه پیش‌تر به این نظرسنجی پاسخ داده شده است.")
        ).to_be_visible()
        assert axe_violations(phone) == []
    finally:
        context.close()
    assert Response.objects.filter(survey=survey).count() == 1
    assert len(sms.outbox) == 1


def test_a_pr_officer_answers_the_network_survey_under_the_account(
    live_server: Any, page: Any, people: None
) -> None:
    directorate = Agency.objects.get(slug="pr-directorate")
    survey = make_survey(
        directorate,
        title="نیازسنجی آموزشی روابط عمومی‌ها",
        audience=Survey.Audience.NETWORK,
        kinds=["single", "short_text"],
    )
    base = live_server.url

    # Without an account: sent to log in, and the survey is not on the public list.
    page.goto(base + "/surveys/")
    expect(page.get_by_role("link", name=survey.title)).to_have_count(0)
    page.goto(base + f"/surveys/{survey.pk}/")
    expect(page).to_have_url(re.compile("/accounts/login/"))

    login(page, base, "officer.roads")
    page.goto(base + "/surveys/")
    page.get_by_role("link", name=survey.title).click()
    expect(page.get_by_text("پاسخ شما به حساب کاربری‌تان", exact=False)).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="آغاز پاسخ").click()
    page.get_by_label("سایت‌ها", exact=True).check()
    page.get_by_role("textbox", name=re.compile("^شهر محل زندگی")).fill("ورامین")
    page.get_by_role("button", name="ثبت پاسخ‌ها").click()
    expect(page.get_by_role("heading", name="پاسخ شما ثبت شد")).to_be_visible()
    response = Response.objects.get(survey=survey)
    assert response.respondent is not None and response.respondent.username == "officer.roads"
    assert response.agency is not None and response.agency.slug == "roads"
    page.goto(base + f"/surveys/{survey.pk}/")
    expect(page.get_by_text("شما پیش‌تر به این نظرسنجی پاسخ داده‌اید.")).to_be_visible()


def test_the_owner_crosses_two_questions(live_server: Any, page: Any, people: None) -> None:
    directorate = Agency.objects.get(slug="pr-directorate")
    survey = make_survey(directorate, kinds=["single", "multiple"])
    single = survey.questions.get(kind="single")
    multiple = survey.questions.get(kind="multiple")
    label = {o.label: o for o in Option.objects.filter(question__survey=survey)}
    # Three watch television and use Eitaa and Bale; two read websites and use Bale.
    for i, (channel, networks) in enumerate(
        [("تلویزیون", ["ایتا", "بله"])] * 3 + [("سایت‌ها", ["بله"])] * 2
    ):
        response = Response.objects.create(
            survey=survey,
            status=Response.Status.COMPLETE,
            browser_key=f"browser-{i}",
            submitted_at=timezone.now(),
        )
        Answer.objects.create(response=response, question=single, option=label[channel])
        for name in networks:
            Answer.objects.create(response=response, question=multiple, option=label[name])

    login(page, live_server.url, "directorate")
    page.goto(live_server.url + f"/backoffice/surveys/{survey.pk}/results/")
    page.get_by_role("link", name="جدول توافقی").click()
    page.get_by_label("سطرها").select_option(str(single.pk))
    page.get_by_label("ستون‌ها").select_option(str(multiple.pk))
    page.get_by_role("button", name="نمایش جدول").click()
    table = page.locator("table.survey-crosstab")
    television = table.get_by_role("row", name=re.compile("^تلویزیون"))
    expect(television.locator("td").nth(0)).to_contain_text("۳")  # ایتا
    expect(television.locator("td").nth(1)).to_contain_text("۳")  # بله
    websites = table.get_by_role("row", name=re.compile("^سایت‌ها"))
    expect(websites.locator("td").nth(0)).to_contain_text("۰")
    expect(websites.locator("td").nth(1)).to_contain_text("۲")
    expect(websites.locator("td").last).to_have_text("۲")
    assert axe_violations(page) == []


def test_a_survey_past_its_closing_time_says_when_it_closed(
    live_server: Any, page: Any, people: None
) -> None:
    directorate = Agency.objects.get(slug="pr-directorate")
    now = timezone.now()
    survey = make_survey(
        directorate,
        kinds=["rating5"],
        opens_at=now - dt.timedelta(days=10),
        closes_at=now - dt.timedelta(days=2),
    )
    page.goto(live_server.url + f"/surveys/{survey.pk}/")
    expect(page.get_by_text("این نظرسنجی بسته شده است", exact=False)).to_contain_text(
        f"مهلت پاسخ {jalali.format_datetime(survey.closes_at)} بود."
    )
    expect(page.get_by_role("link", name="آغاز پاسخ")).to_have_count(0)
    assert axe_violations(page) == []
