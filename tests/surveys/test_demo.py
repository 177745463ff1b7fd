"""The surveys' demo data: ~500 responses to the directorate's closed public survey with its
results published, one public survey open now, one network survey answered by the demo
agencies' staff; fast, loaded once (a second run changes nothing); and the water company's
needs report draws on its surveys and on its citizens' messages."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import pytest
from django.utils import timezone

from ravabet.core import registry, sms
from ravabet.core.organisation import demo as organisation_demo
from ravabet.core.organisation.models import Agency
from ravabet.surveys import demo
from ravabet.surveys.models import Answer, Question, Response, Survey, Theme

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return (
        Survey.objects.count(),
        Response.objects.count(),
        Answer.objects.count(),
        Theme.objects.count(),
        Answer.themes.through.objects.count(),
        Question.objects.count(),
    )


@pytest.fixture
def loaded() -> float:
    organisation_demo.load()
    began = time.monotonic()
    demo.load()
    return time.monotonic() - began


def test_loads_the_three_surveys_once_and_fast(loaded: float) -> None:
    assert loaded < 10
    before = _counts()
    demo.load()
    assert _counts() == before
    news = Survey.objects.get(title=demo.NEWS_TITLE)
    assert news.agency.kind == Agency.Kind.DIRECTORATE and news.state == Survey.State.CLOSED
    now = timezone.now()
    assert news.closes_at is not None and news.closes_at < now
    assert news.results_published and news.results_summary
    assert news.questions.count() >= 6
    complete = news.responses.filter(status=Response.Status.COMPLETE)
    assert 450 <= complete.count() <= 550
    assert not news.responses.filter(submitted_at__isnull=True).exists()
    assert not complete.filter(submitted_at__gte=news.closes_at).exists()
    # Free texts: varied, and most of them tagged with one of the five themes.
    texts = Answer.objects.filter(question__survey=news, question__kind="long_text")
    assert texts.values("text").distinct().count() >= 40
    assert news.themes.count() == 5
    assert texts.filter(themes__isnull=False).distinct().count() >= texts.count() // 3
    # Channels: a multiple choice where Instagram is followed more than Bale.
    channels = Counter(
        Answer.objects.filter(question__survey=news, question__kind="multiple").values_list(
            "option__label", flat=True
        )
    )
    assert set(channels) == set(demo.CHANNELS) and channels["اینستاگرام"] > channels["بله"]
    assert (
        Answer.objects.filter(question__survey=news, option__isnull=True, text__gt="")
        .filter(question__kind="single")
        .exists()
    )  # «سایر»

    open_public = [
        s for s in Survey.objects.filter(audience=Survey.Audience.PUBLIC) if s.is_open(now)
    ]
    assert len(open_public) == 1
    assert 10 <= open_public[0].responses.filter(status=Response.Status.COMPLETE).count() <= 15
    assert (
        open_public[0]
        .responses.filter(status=Response.Status.DRAFT, submitted_at__isnull=True)
        .exists()
    )

    network = Survey.objects.get(audience=Survey.Audience.NETWORK)
    assert network.title == "نیازسنجی آموزشی و ارتباطی روابط عمومی‌ها" and network.is_open(now)
    answers = network.responses.all()
    assert answers.count() >= 3
    assert all(r.respondent_id and r.agency_id for r in answers)
    assert {r.agency.slug for r in answers} >= {"roads", "tums", "water"}


def test_the_water_report_draws_on_surveys_and_the_desk(
    client: Any, loaded: float, settings: Any
) -> None:
    from ravabet.desk import demo as desk_demo

    settings.RAVABET_SMS_BACKEND = "ravabet.core.sms.LocmemBackend"
    sms.outbox.clear()
    desk_demo.load()
    water = Agency.objects.get(slug="water")
    assert [s.key for s in registry.needs_sources()][:3] == ["surveys", "desk", "monitoring"]
    client.force_login(Agency.objects.get(slug="water").memberships.first().user)
    page = client.get("/backoffice/surveys/needs/", {"agency": water.pk})
    assert page.status_code == 200
    report = page.context["report"]
    parts = {p.key: p for p in report.sources}
    assert parts["surveys"].items and parts["desk"].items
    surveys_topics = {e.topic for e in parts["surveys"].items}
    # Its own survey's words and its staff's answers to the network survey.
    assert any("قطعی" in topic for topic in surveys_topics)
    assert surveys_topics & set(demo.NETWORK_NEEDS + demo.NETWORK_OBSTACLES)
    # The directorate's report shows the published survey's themes.
    client.force_login(organisation_demo_user("directorate"))
    page = client.get("/backoffice/surveys/needs/")
    html = page.content.decode()
    assert page.status_code == 200 and "زمان قطعی‌ها و خاموشی‌ها" in html


def organisation_demo_user(username: str) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)
