"""The needs report: each source's evidence (surveys', the citizen desk's, monitoring's) on
data built through the models, cut to what the person may see; the merge by shared words;
the page for the owner agency's staff and the directorate, a 404 for another agency's staff,
a failing source shown as unavailable, and the period's refusals in Persian."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from ravabet.core import jalali, registry
from ravabet.core.registry import NeedsEvidence, NeedsSource
from ravabet.desk import selectors as desk_selectors
from ravabet.desk import tracking
from ravabet.desk.models import Message, Status
from ravabet.monitoring import selectors as monitoring_selectors
from ravabet.monitoring.models import Article, Mention, Narrative, Story, Watch
from ravabet.surveys import needs
from ravabet.surveys.models import Answer, Question, Response, Survey, Theme
from tests.surveys.conftest import make_survey

pytestmark = pytest.mark.django_db

TEXTS = [
    "چرا قطعی آب در شهرک ما اطلاع‌رسانی نمی‌شود؟",
    "زمان قطعی‌ها را از کجا بفهمیم؟",
    "برنامهٔ قطعی آب را زودتر اعلام کنید.",
    "قطعي آب شرب چه زمانی تمام می‌شود؟",
    "پاسخ شکایت‌ها خیلی دیر می‌رسد.",
]


def period(days: int = 30) -> tuple[dt.datetime, dt.datetime]:
    now = timezone.now()
    return now - dt.timedelta(days=days), now + dt.timedelta(minutes=1)


def respond(
    survey: Survey,
    *,
    choice: str | None = None,
    text: str = "",
    when: dt.datetime | None = None,
    status: str = Response.Status.COMPLETE,
    **extra: Any,
) -> Response:
    """One response: the single-choice question answered `choice`, the long text `text`."""
    submitted = when or timezone.now() - dt.timedelta(days=2)
    response = Response.objects.create(
        survey=survey,
        status=status,
        submitted_at=submitted if status == Response.Status.COMPLETE else None,
        **extra,
    )
    for question in survey.questions.all():
        if question.kind == Question.Kind.SINGLE and choice:
            option = question.options.get(label=choice)
            Answer.objects.create(response=response, question=question, option=option)
        if question.kind == Question.Kind.LONG_TEXT and text:
            Answer.objects.create(response=response, question=question, text=text)
    return response


def topics(evidence: list[NeedsEvidence]) -> dict[str, NeedsEvidence]:
    return {e.topic: e for e in evidence}


# --- the surveys' own evidence -------------------------------------------------------------------


@pytest.fixture
def roads_survey(world: Any) -> Survey:
    survey = make_survey(
        world.roads, actor=world.officer_roads, kinds=["single", "multiple", "long_text"]
    )
    slow = Theme.objects.create(survey=survey, name="کندی پاسخ به شکایت‌ها")
    for n, text in enumerate(TEXTS):
        response = respond(survey, choice="پیام‌رسان‌ها" if n < 3 else "تلویزیون", text=text)
        if n >= 3:
            response.answers.get(text=text).themes.add(slow)
    # Not counted: a draft, a response before the period, another agency's survey.
    respond(survey, choice="سایت‌ها", text="قطعی قطعی قطعی", status=Response.Status.DRAFT)
    respond(survey, choice="سایت‌ها", text="قطعی", when=timezone.now() - dt.timedelta(days=90))
    other = make_survey(world.health, kinds=["single", "long_text"])
    for _ in range(4):
        respond(other, choice="سایت‌ها", text="قطعی آب")
    return survey


def test_survey_evidence_gives_themes_words_and_top_choices(world: Any, roads_survey: Any) -> None:
    found = topics(needs.survey_evidence(world.officer_roads, world.roads, *period()))
    link = (
        "نتایج «نظرسنجی شیوهٔ دریافت اخبار دولتی»",
        f"/backoffice/surveys/{roads_survey.pk}/results/",
    )
    theme = found["کندی پاسخ به شکایت‌ها"]
    assert theme.weight == 2 and link in theme.links
    # «قطعی»، «قطعی‌ها»، «قطعي» are one word; the draft and the old response are not counted.
    assert found["قطعی"].weight == 4 and "۴ پاسخ متنی" in found["قطعی"].detail
    top = found["پیام‌رسان‌ها"]
    assert top.weight == 3 and "۶۰٪" in top.detail and link in top.links
    assert "سایت‌ها" not in found and "تلویزیون" not in found


def test_survey_evidence_is_cut_to_what_the_person_sees(world: Any, roads_survey: Any) -> None:
    assert needs.survey_evidence(world.officer_health, world.roads, *period()) == []
    assert needs.survey_evidence(world.outsider, world.roads, *period()) == []
    assert needs.survey_evidence(world.directorate_staff, world.roads, *period())


def test_network_answers_count_for_the_answering_agency(world: Any) -> None:
    survey = make_survey(
        world.directorate,
        title="نیازسنجی آموزشی روابط عمومی‌ها",
        audience=Survey.Audience.NETWORK,
        kinds=["single"],
    )
    respond(survey, choice="سایت‌ها", respondent=world.officer_roads, agency=world.roads)
    respond(survey, choice="تلویزیون", respondent=world.officer_health, agency=world.health)
    own = topics(needs.survey_evidence(world.officer_roads, world.roads, *period()))
    assert set(own) == {"سایت‌ها"}
    # The directorate's survey: its results page is not the agency's to open.
    assert own["سایت‌ها"].links == ()
    seen = topics(needs.survey_evidence(world.directorate_staff, world.roads, *period()))
    assert seen["سایت‌ها"].links[0][1] == f"/backoffice/surveys/{survey.pk}/results/"


# --- the citizen desk's evidence -------------------------------------------------------------


def message(agency: Any, subject: str, kind: str = "question", **extra: Any) -> Message:
    return Message.objects.create(
        tracking_code=tracking.new_code(),
        kind=kind,
        subject=subject,
        body="متن پیام شهروند",
        agency=agency,
        sla_days=5,
        due_at=timezone.now() + dt.timedelta(days=7),
        **extra,
    )


def test_desk_evidence_counts_kinds_and_subject_words(world: Any) -> None:
    message(world.roads, "قطعی روشنایی بزرگراه")
    message(world.roads, "قطعی‌های مکرر روشنایی", kind="complaint")
    third = message(world.roads, "روشنایی تونل توحید", kind="complaint")
    message(world.roads, "روشنایی", kind="complaint", status=Status.SPAM)
    message(world.health, "روشنایی بیمارستان")
    # Subjects written alike are one topic; words always together are one phrase.
    message(world.roads, "آسفالت کوچهٔ شهید رضایی")
    message(world.roads, "آسفالت  کوچه شهید رضایی")
    message(world.roads, "تعمیر گاردریل جاده فیروزکوه")
    message(world.roads, "گاردریل جاده فیروزکوه شکسته")
    found = topics(desk_selectors.needs_evidence(world.officer_roads, world.roads, *period()))
    assert found["شکایت"].weight == 2 and found["پرسش"].weight == 5
    assert found["آسفالت کوچه شهید رضایی"].weight == 2
    assert found["گاردریل جاده فیروزکوه"].weight == 2
    assert "kind=complaint" in found["شکایت"].links[0][1]
    assert f"agency={world.roads.pk}" in found["شکایت"].links[0][1]
    assert found["روشنایی"].weight == 3 and found["قطعی"].weight == 2
    urls = [url for _, url in found["روشنایی"].links]
    assert reverse("desk:bo_message", args=[third.pk]) in urls
    assert desk_selectors.needs_evidence(world.officer_health, world.roads, *period()) == []
    assert desk_selectors.needs_evidence(world.directorate_staff, world.roads, *period())


# --- monitoring's evidence -------------------------------------------------------------------


def mentioned(
    agency: Any, watch: Watch, story: Story, n: int, tone: str, when: dt.datetime
) -> Article:
    article = Article.objects.create(
        outlet="irna.ir",
        url=f"https://www.irna.ir/news/{story.pk}-{n}-{tone}",
        title=story.title,
        published_at=when,
        content_hash=f"{story.pk}-{n}-{tone}",
        story=story,
    )
    Mention.objects.create(article=article, watch=watch, agency=agency, tone=tone)
    return article


def test_monitoring_evidence_gives_narratives_and_negative_share(world: Any) -> None:
    now = timezone.now()
    water = Narrative.objects.create(
        label="آب، قطعی، شرب",
        terms=[["آب", 1.0], ["قطعی", 0.8], ["شرب", 0.5]],
        window_start=now - dt.timedelta(days=30),
        window_end=now,
    )
    story = Story.objects.create(
        title="قطعی آب شرب", first_seen_at=now, last_seen_at=now, narrative=water
    )
    alone = Story.objects.create(title="بی‌روایت", first_seen_at=now, last_seen_at=now)
    watch = Watch.objects.create(agency=world.roads, name="راه", terms="راه و شهرسازی")
    recent = now - dt.timedelta(days=3)
    for n, tone in enumerate(["negative", "negative", "negative", "neutral"]):
        mentioned(world.roads, watch, story, n, tone, recent)
    mentioned(world.roads, watch, story, 9, "negative", now - dt.timedelta(days=90))
    mentioned(world.roads, watch, alone, 0, "negative", recent)
    (found,) = monitoring_selectors.needs_evidence(world.officer_roads, world.roads, *period())
    assert found.topic == "آب، قطعی، شرب" and found.weight == 4
    assert "۷۵٪ منفی" in found.detail
    assert found.links[0][1] == reverse("monitoring:narrative", args=[water.pk])
    assert monitoring_selectors.needs_evidence(world.officer_health, world.roads, *period()) == []
    assert monitoring_selectors.needs_evidence(world.outsider, world.roads, *period()) == []


# --- the merge -------------------------------------------------------------------------------


def test_topics_sharing_words_merge_across_sources() -> None:
    surveys = needs.SourceFindings(
        "surveys",
        "نظرسنجی‌ها",
        [NeedsEvidence("قطعی", 40), NeedsEvidence("تلگرام", 20)],
    )
    desk = needs.SourceFindings(
        "desk", "پیشخوان مردمی", [NeedsEvidence("قطعی‌های آب", 10), NeedsEvidence("شکایت", 30)]
    )
    media = needs.SourceFindings("monitoring", "رسانه‌ها", [NeedsEvidence("آب، قطعی، شرب", 5)])
    merged = needs.merge([surveys, desk, media])
    first = merged[0]
    assert first.name == "قطعی"
    assert first.source_labels == ["نظرسنجی‌ها", "رسانه‌ها", "پیشخوان مردمی"]
    # 40/40 + 5/5 + 10/30
    assert first.weight == pytest.approx(1 + 1 + 1 / 3, abs=1e-3)
    assert {t.name for t in merged[1:]} == {"شکایت", "تلگرام"}


def test_what_a_source_returns_is_bounded() -> None:
    items = [
        NeedsEvidence("", 5),
        NeedsEvidence("نامعتبر", float("nan")),
        NeedsEvidence("بی‌نهایت", float("inf")),
        NeedsEvidence(
            "آب" * 500,
            3,
            "ش" * 1000,
            (("بیرونی", "//evil.example/"), ("اسکریپت", "javascript:alert(1)"), ("خودی", "/x/")),
        ),
        *[NeedsEvidence(f"موضوع {n}", n) for n in range(100)],
    ]
    kept = needs._bounded(items)
    assert len(kept) == needs.MAX_ITEMS - 3
    first = kept[0]
    assert len(first.topic) == needs.MAX_TOPIC_CHARS and len(first.detail) == needs.MAX_DETAIL_CHARS
    assert first.links == (("خودی", "/x/"),)


# --- the page --------------------------------------------------------------------------------

URL = "/backoffice/surveys/needs/"


def test_page_for_the_agency_staff_and_the_directorate(
    client: Any, world: Any, roads_survey: Any
) -> None:
    message(world.roads, "قطعی روشنایی بزرگراه")
    message(world.roads, "قطعی روشنایی تونل")
    assert reverse("surveys:needs") == URL
    client.force_login(world.officer_roads)
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "آنچه مردم می‌خواهند از ما بدانند" in html
    assert world.roads.name in html
    assert f"/backoffice/surveys/{roads_survey.pk}/results/" in html
    assert "کندی پاسخ به شکایت‌ها" in html and "پیشخوان مردمی" in html
    # «قطعی» of the surveys and of the desk's subjects is one topic carried by both.
    topic = page.context["report"].topics
    merged = next(t for t in topic if t.name == "قطعی")
    assert {"نظرسنجی‌ها", "پیشخوان مردمی"} <= set(merged.source_labels)
    assert "chart-needs" in html and "<table" in html
    # The default period: the last 90 days, today included.
    today = jalali.to_local(timezone.now()).date()
    assert page.context["end_day"] == today
    assert page.context["start_day"] == today - dt.timedelta(days=89)
    client.force_login(world.directorate_staff)
    page = client.get(URL, {"agency": world.roads.pk})
    assert page.status_code == 200 and "کندی پاسخ به شکایت‌ها" in page.content.decode()


def test_another_agency_is_a_404_and_strangers_are_refused(client: Any, world: Any) -> None:
    client.force_login(world.officer_health)
    assert client.get(URL, {"agency": world.roads.pk}).status_code == 404
    assert client.get(URL, {"agency": "۹۹۹۹۹"}).status_code == 404
    client.force_login(world.outsider)
    assert client.get(URL).status_code == 403
    client.logout()
    assert client.get(URL).status_code == 302


def test_the_period_is_checked_in_persian(client: Any, world: Any) -> None:
    client.force_login(world.officer_roads)
    page = client.get(URL, {"start": "۱۴۰۴/۰۵/۱۰", "end": "۱۴۰۴/۰۳/۰۱"})
    assert page.status_code == 200 and page.context["report"] is None
    assert "تاریخ آغاز پس از تاریخ پایان است" in page.content.decode()
    page = client.get(URL, {"start": "<script>", "end": "x" * 5000, "agency": "abc"})
    assert page.status_code == 200 and page.context["report"] is None


def test_a_failing_source_is_shown_unavailable(
    client: Any, world: Any, monkeypatch: Any, caplog: Any
) -> None:
    def broken(user: Any, agency: Any, start: Any, end: Any) -> list[NeedsEvidence]:
        raise RuntimeError("down")

    monkeypatch.setitem(
        registry._needs_sources, "broken", NeedsSource("broken", "منبع ازکارافتاده", broken, 5)
    )
    client.force_login(world.officer_roads)
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "منبع ازکارافتاده" in html and "این منبع اکنون در دسترس نیست" in html
    # The others still answer: an empty source says so.
    assert "این منبع در این دوره یافته‌ای برای این دستگاه ندارد" in html
    assert "needs source broken failed" in caplog.text


def test_the_sources_are_registered() -> None:
    keys = [s.key for s in registry.needs_sources()]
    assert keys[:3] == ["surveys", "desk", "monitoring"]
