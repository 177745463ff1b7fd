"""Tone of mentions: the lexicon decides obvious cases and follows its edits, the classifier
learns from editors' labels and is stored as JSON, editors' labels are final, who may label,
the lexicon page, and the lexicon against the majority baseline on the hand-labelled set."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ravabet.core.models import AuditEntry
from ravabet.core.permissions import AgencyPermissionDenied
from ravabet.monitoring import pipeline, tone, watches
from ravabet.monitoring.models import Mention, ToneModel, ToneTerm, Watch
from ravabet.monitoring.pipeline import RawArticle
from ravabet.monitoring.watches import WatchInput
from ravabet.persian import normalize, search_key
from tests.persian.paths import CORPUS

NOW = dt.datetime(2025, 5, 20, 8, 0, tzinfo=dt.UTC)
ROADS = "اداره کل راه و شهرسازی"
LABELLED = Path(__file__).parent / "data" / "tone_labelled.tsv"
PLACES = (
    "کرج",
    "ورامین",
    "شهریار",
    "دماوند",
    "فیروزکوه",
    "پاکدشت",
    "رباط‌کریم",
    "اسلامشهر",
    "قدس",
    "ملارد",
    "پردیس",
    "بهارستان",
    "قرچک",
    "پیشوا",
    "شمیرانات",
)
# Words the lexicon does not know: only the editors' labels can teach them.
LEARNED = {
    "negative": "چاله‌های عمیق جادهٔ {} رانندگان را کلافه کرده و شکسته شدن رینگ‌ها را به دنبال دارد",
    "positive": "جادهٔ {} چهارخطه شد و رانندگان از سفر روان و کوتاه‌شدن راه خرسندند",
    "neutral": "نشست هفتگی کارکنان دربارهٔ برنامهٔ بازدید از جادهٔ {} برگزار شد",
}


@pytest.fixture(autouse=True)
def _lexicon(db: Any, settings: Any) -> None:
    """The seed lexicon (migration 0004) — again here, as a transactional test elsewhere may
    have flushed the tables; tasks run at once."""
    tone.load_lexicon_file()
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


_urls = iter(range(10**6))


def mentions_of(
    world: Any, *sentences: str, agency: Any = None, owner: Any = None
) -> list[Mention]:
    """One article a sentence (each naming the roads office), stored by the pipeline, matched by
    the roads office's watch (or `owner`'s saved search): their mentions, in order, undecided."""
    raws = [
        RawArticle(
            url=f"https://x.ir/news/{next(_urls)}",
            title=f"خبر {i}",
            body=f"{sentence}.",
            published_at=NOW,
        )
        for i, sentence in enumerate(sentences)
    ]
    ids = pipeline.ingest(raws, now=NOW).created_ids
    agency = None if owner else agency or world.roads
    watch = Watch.objects.filter(agency=agency, owner=owner).first() or watches.watch_save(
        actor=owner or world.officer_roads,
        data=WatchInput(name="راه", terms=ROADS, agency=agency),
    )
    watches.match(ids, watch_ids=[watch.pk])
    by_article = {m.article_id: m for m in Mention.objects.filter(article_id__in=ids)}
    return [by_article[i] for i in ids]


def refresh(mention: Mention) -> Mention:
    mention.refresh_from_db()
    return mention


# --- The lexicon --------------------------------------------------------------------------


def test_seed_lexicon_loaded_once_keyed(db: Any) -> None:
    rows = tone.read_lexicon_file()
    assert 150 <= len(rows) <= 300
    assert ToneTerm.objects.count() >= len(rows)
    assert tone.load_lexicon_file() == 0  # idempotent
    term = ToneTerm.objects.get(term="بی‌توجهی")
    assert term.key == search_key("بی‌توجهی") and term.weight < 0
    assert all(-3 <= w <= 3 and w != 0 for _, w, _ in rows)


def test_lexicon_decides_obvious_cases(world: Any, django_capture_on_commit_callbacks: Any) -> None:
    sentences = (
        f"اعتراض مردم به قطعی برق و بی‌توجهی {ROADS} ادامه دارد",
        f"{ROADS} پروژهٔ تازه را افتتاح کرد و رضایت رانندگان افزایش یافت",
        f"{ROADS} نشست هماهنگی را در سالن اجتماعات برگزار کرد",
        f"{ROADS} بدون موفقیت در جذب اعتبار ماند",  # a negator before a positive term
        f"اعتراضها به {ROADS} بالا گرفت".translate(str.maketrans("یک", "يك")),  # plural, Arabic
    )
    raws = [
        RawArticle(url=f"https://y.ir/{i}", title=f"خبر {i}", body=s + ".", published_at=NOW)
        for i, s in enumerate(sentences)
    ]
    watches.watch_save(
        actor=world.officer_roads, data=WatchInput(name="راه", terms=ROADS, agency=world.roads)
    )
    # Through the pipeline's after-commit steps, as a real import runs them.
    with django_capture_on_commit_callbacks(execute=True):
        ids = pipeline.ingest(raws, now=NOW).created_ids
    got = {m.article_id: m for m in Mention.objects.filter(article_id__in=ids)}
    negative, positive, neutral, negated, plural = (got[i] for i in ids)
    assert (negative.tone, negative.tone_source) == ("negative", "lexicon")
    assert negative.tone_score == -7  # اعتراض −2, قطعی برق −3 (once, not also قطعی), بی‌توجهی −2
    assert negative.tone_confidence == pytest.approx(7 / 8)
    assert (positive.tone, positive.tone_score) == ("positive", 4)  # افتتاح +2, رضایت +2
    assert (neutral.tone, neutral.tone_score, neutral.tone_confidence) == ("neutral", 0, 0.5)
    assert (negated.tone, negated.tone_score) == ("negative", -2)
    assert (plural.tone, plural.tone_score) == ("negative", -2)
    assert tone.decide_articles(ids) == 0  # decided once: nothing left undecided


def test_an_edited_term_changes_the_decision(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    (mention,) = mentions_of(world, f"{ROADS} از طرح آزادراه تازهٔ شمال گفت")
    assert tone.decide_articles([mention.article_id]) == 1
    assert refresh(mention).tone == "neutral"
    boss = world.directorate_staff
    with django_capture_on_commit_callbacks(execute=True):
        term = tone.tone_term_save(
            actor=boss, data=tone.ToneTermInput(term="آزادراه تازه", weight="+۲", note="آزمون")
        )
    assert (refresh(mention).tone, mention.tone_source, mention.tone_score) == (
        "positive",
        "lexicon",
        2,
    )
    with django_capture_on_commit_callbacks(execute=True):
        tone.tone_term_save(
            actor=boss, term=term, data=tone.ToneTermInput(term="آزادراه تازه", weight=-3)
        )
    assert (refresh(mention).tone, mention.tone_score) == ("negative", -3)
    with django_capture_on_commit_callbacks(execute=True):
        tone.tone_term_delete(actor=boss, term=term)
    assert (refresh(mention).tone, mention.tone_score) == ("neutral", 0)
    assert list(
        AuditEntry.objects.filter(action__startswith="tone_term.")
        .order_by("id")
        .values_list("action", "to_state")
    ) == [
        ("tone_term.create", "آزادراه تازه (+2)"),
        ("tone_term.update", "آزادراه تازه (-3)"),
        ("tone_term.delete", ""),
    ]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"term": "  ", "weight": 1}, "term", "واژه یا عبارت را بنویسید."),
        ({"term": "؟!", "weight": 1}, "term", "دست‌کم یک حرف"),
        ({"term": "ب" * 101, "weight": 1}, "term", "نویسه پذیرفته نمی‌شود"),
        ({"term": "کندی کار", "weight": 0}, "weight", "جز صفر"),
        ({"term": "کندی کار", "weight": "۴"}, "weight", "−۳ تا +۳"),
        ({"term": "کندی کار", "weight": "زیاد"}, "weight", "−۳ تا +۳"),
        ({"term": "کندی کار", "weight": 1, "note": "ی" * 301}, "note", "کوتاه‌تر"),
        # the same key as the seed's «نارضایتی», written in Arabic letters
        ({"term": "نارضايتي", "weight": 2}, "term", "در واژه‌نامه هست: «نارضایتی»"),
    ],
)
def test_term_refusals_in_persian_change_nothing(
    world: Any, data: dict[str, Any], field: str, message: str
) -> None:
    before = list(ToneTerm.objects.order_by("id").values_list("term", "weight"))
    with pytest.raises(ValidationError) as error:
        tone.tone_term_save(actor=world.directorate_staff, data=tone.ToneTermInput(**data))
    assert any(message in text for text in error.value.message_dict[field])
    assert list(ToneTerm.objects.order_by("id").values_list("term", "weight")) == before
    assert not AuditEntry.objects.filter(action__startswith="tone_term.").exists()


def test_only_the_directorate_edits_the_lexicon(world: Any) -> None:
    term = ToneTerm.objects.get(term="فساد")
    for person in (world.officer_roads, world.head_roads, world.outsider):
        with pytest.raises(AgencyPermissionDenied):
            tone.tone_term_save(actor=person, data=tone.ToneTermInput(term="کندی", weight=-1))
        with pytest.raises(AgencyPermissionDenied):
            tone.tone_term_delete(actor=person, term=term)
        with pytest.raises(AgencyPermissionDenied):
            tone.tone_retrain(actor=person)
    assert ToneTerm.objects.filter(pk=term.pk).exists()
    assert not ToneTerm.objects.filter(term="کندی").exists()
    tone.tone_term_save(actor=world.admin, data=tone.ToneTermInput(term="کندی", weight=-1))


# --- The classifier -----------------------------------------------------------------------


def test_the_classifier_learns_from_editors_labels(world: Any) -> None:
    labelled = []
    for label, template in LEARNED.items():
        for mention in mentions_of(world, *(f"{ROADS}: {template.format(p)}" for p in PLACES)):
            labelled.append(
                tone.mention_label(actor=world.officer_roads, mention=mention, tone=label)
            )
    # The lexicon knows none of these words: on these labels it is right only for the neutrals.
    assert tone.decide_articles([m.article_id for m in labelled]) == 0  # all labelled already
    model = tone.train()
    assert model is not None and model.is_current and model.label_count == 45
    assert model.params["lexicon_accuracy"] == pytest.approx(1 / 3)
    assert model.accuracy is not None and model.accuracy > 0.9
    assert json.loads(json.dumps(model.params)) == model.params  # plain JSON
    new = mentions_of(
        world,
        f"{ROADS}: {LEARNED['negative'].format('لواسان')}",
        f"{ROADS}: {LEARNED['positive'].format('لواسان')}",
    )
    assert tone.decide_articles([m.article_id for m in new]) == 2
    bad, good = (refresh(m) for m in new)
    assert (bad.tone, bad.tone_source, good.tone, good.tone_source) == (
        "negative",
        "classifier",
        "positive",
        "classifier",
    )
    assert tone.CLASSIFIER_MIN_PROBABILITY <= bad.tone_confidence <= 1  # type: ignore[operator]
    assert bad.tone_score == 0  # the lexicon's score is kept, whoever decided
    # the editors' labels were not touched by the training's redecide
    assert Mention.objects.filter(tone_source="editor").count() == 45
    html = world_client(world.officer_roads).get(reverse("monitoring:lexicon")).content.decode()
    assert "دسته‌بند کنونی" in html and "۳۳٪" in html  # the lexicon's accuracy on the labels
    assert tone.retrain_classifier.call() > 0  # the daily task trains again


def test_too_few_labels_train_nothing_and_the_lexicon_is_the_bar(world: Any) -> None:
    # labels the lexicon gets all right (its own words): no classifier can beat it on them
    easy = [f"{ROADS} با فساد و اختلاس و تخلف روبه‌رو است در {p}" for p in PLACES] + [
        f"{ROADS} پروژه را افتتاح و بهره‌برداری کرد در {p}" for p in PLACES
    ]
    labels = ["negative"] * 15 + ["positive"] * 15
    mentions = mentions_of(world, *easy)
    for mention, label in zip(mentions[:12], labels[:12], strict=True):
        tone.mention_label(actor=world.officer_roads, mention=mention, tone=label)
    assert tone.train() is None  # 12 labels, one tone
    assert not ToneModel.objects.exists()
    for mention, label in zip(mentions[12:], labels[12:], strict=True):
        tone.mention_label(actor=world.officer_roads, mention=mention, tone=label)
    model = tone.train()
    assert model is not None and model.label_count == 30
    assert model.params["lexicon_accuracy"] == 1.0
    assert not model.is_current  # equal is not better
    assert tone.current_predictor() == (None, None)
    html = world_client(world.officer_roads).get(reverse("monitoring:lexicon")).content.decode()
    assert "به کار گرفته نشد" in html and "هنوز دسته‌بندی به کار نیفتاده است" in html


def test_json_round_trip_predicts_as_sklearn() -> None:
    passages, labels = read_labelled()
    keys = [search_key(p) for p in passages]
    model = tone.fit(keys[:200], labels[:200])
    params = json.loads(json.dumps(tone.to_params(model)))
    predictor = tone.Predictor(params)
    rest = keys[200:]
    assert predictor.predict(rest) == list(model.predict(rest))
    assert np.allclose(predictor.predict_proba(rest), model.predict_proba(rest))
    assert set(params) >= {"vocabulary", "idf", "coef", "intercept", "classes", "features"}


def test_editor_labels_are_never_overwritten(world: Any) -> None:
    labelled, other = mentions_of(
        world, f"اعتراض و نارضایتی از {ROADS} بالا گرفت", f"فساد در {ROADS} گزارش شد"
    )
    tone.mention_label(actor=world.officer_roads, mention=labelled, tone="positive")
    assert tone.decide_articles([labelled.article_id, other.article_id]) == 1
    assert tone.redecide() == 1  # the editor's label is not even read again
    tone.tone_term_save(
        actor=world.directorate_staff, data=tone.ToneTermInput(term="بالا گرفت", weight=-3)
    )
    tone.redecide()
    tone.decide_articles([labelled.article_id])
    labelled = refresh(labelled)
    assert (labelled.tone, labelled.tone_source, labelled.tone_confidence) == (
        "positive",
        "editor",
        1.0,
    )
    assert labelled.labelled_by == world.officer_roads and labelled.labelled_at is not None
    assert (refresh(other).tone, other.tone_source) == ("negative", "lexicon")
    entry = AuditEntry.objects.get(action="mention.label")
    assert (entry.from_state, entry.to_state, entry.agency) == ("", "positive", world.roads)
    # tone_source set to editor by a race, but the tone still null: decided (never left empty)
    tone._write(
        [(labelled.pk, tone.Decision("negative", "lexicon", 0.5, -2))], only_undecided=False
    )
    assert refresh(labelled).tone == "positive"


# --- Labelling over HTTP ------------------------------------------------------------------


def world_client(user: Any) -> Any:
    from django.test import Client

    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("who", "status", "labelled"),
    [
        ("officer_roads", 302, True),
        ("head_roads", 302, True),
        ("directorate_staff", 302, True),
        ("admin", 302, True),
        ("officer_health", 404, False),
        ("outsider", 403, False),
        (None, 302, False),  # to the login page
    ],
)
def test_who_may_label_a_mention(world: Any, who: str | None, status: int, labelled: bool) -> None:
    (mention,) = mentions_of(world, f"{ROADS} پل را افتتاح کرد")
    user = getattr(world, who) if who else None
    response = world_client(user).post(
        reverse("monitoring:mention_tone", args=[mention.pk]), {"tone": "negative"}
    )
    assert response.status_code == status
    mention = refresh(mention)
    assert (mention.tone == "negative") is labelled
    assert (mention.tone_source == "editor") is labelled
    assert AuditEntry.objects.filter(action="mention.label").exists() is labelled
    if who is None:
        assert "/login" in response["Location"] or "accounts" in response["Location"]
    elif labelled:
        assert response["Location"] == reverse("monitoring:mentions")


def test_a_saved_search_mention_is_labelled_by_its_owner_only(world: Any) -> None:
    (mention,) = mentions_of(world, f"{ROADS} پل را افتتاح کرد", owner=world.officer_health)
    assert mention.agency_id is None
    url = reverse("monitoring:mention_tone", args=[mention.pk])
    for other in (world.officer_roads, world.directorate_staff):
        assert world_client(other).post(url, {"tone": "neutral"}).status_code in (403, 404)
    assert refresh(mention).tone is None
    with pytest.raises(AgencyPermissionDenied):
        tone.mention_label(actor=world.directorate_staff, mention=mention, tone="neutral")
    assert world_client(world.officer_health).post(url, {"tone": "neutral"}).status_code == 302
    assert refresh(mention).tone == "neutral"


def test_label_view_htmx_next_and_bad_input(world: Any) -> None:
    (mention,) = mentions_of(world, f"{ROADS} پل را افتتاح کرد")
    url = reverse("monitoring:mention_tone", args=[mention.pk])
    client = world_client(world.officer_roads)
    assert client.get(url).status_code == 405
    for bad in ("", "angry", "x" * 5000, "منفی"):
        response = client.post(url, {"tone": bad})
        assert response.status_code == 400
        assert "منفی" in response.content.decode()
    assert refresh(mention).tone is None
    response = client.post(url, {"tone": "neutral", "next": "/backoffice/monitoring/stories/"})
    assert response["Location"] == "/backoffice/monitoring/stories/"
    response = client.post(url, {"tone": "neutral", "next": "https://evil.example/"})
    assert response["Location"] == reverse("monitoring:mentions")
    response = client.post(
        url, {"tone": "positive", "next": "/backoffice/monitoring/"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200 and f'id="tone-{mention.pk}"' in html
    assert "tone--positive" in html and "ویراستار" in html
    assert 'value="/backoffice/monitoring/"' in html  # the partial keeps where to go back
    assert (
        client.post(
            reverse("monitoring:mention_tone", args=[10**9]), {"tone": "neutral"}
        ).status_code
        == 404
    )


# --- The lexicon page ---------------------------------------------------------------------


def test_the_lexicon_page_is_read_only_for_an_officer(world: Any) -> None:
    client = world_client(world.officer_roads)
    url = reverse("monitoring:lexicon")
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "فقط خواندنی" in html and "اختلاس" in html
    assert reverse("monitoring:tone_train") not in html
    count = ToneTerm.objects.count()
    assert client.post(url, {"term": "کندی", "weight": "-1"}).status_code == 403
    term = ToneTerm.objects.get(term="فساد")
    assert client.get(reverse("monitoring:tone_term", args=[term.pk])).status_code == 403
    assert client.post(reverse("monitoring:tone_term_delete", args=[term.pk])).status_code == 403
    assert client.post(reverse("monitoring:tone_train")).status_code == 403
    assert ToneTerm.objects.count() == count
    # filters, hostile too
    row = "<td>فساد</td>"
    assert row in client.get(url, {"q": "فساد", "sign": "negative"}).content.decode()
    assert row not in client.get(url, {"q": "فساد", "sign": "positive"}).content.decode()
    assert row in client.get(url, {"q": "فساد".translate(str.maketrans("ی", "ي"))}).content.decode()
    for query in ({"q": "ی" * 5000}, {"sign": "<script>"}, {"page": "۹۹۹۹۹"}, {"q": "\x00"}):
        assert client.get(url, query).status_code == 200


def test_the_directorate_edits_the_lexicon_on_the_page(world: Any) -> None:
    client = world_client(world.directorate_staff)
    url = reverse("monitoring:lexicon")
    html = client.get(url).content.decode()
    assert reverse("monitoring:tone_train") in html and 'name="weight"' in html
    count = ToneTerm.objects.count()
    bad = client.post(url, {"term": "", "weight": "0"})
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "واژه یا عبارت را بنویسید." in text and "جز صفر" in text
    duplicate = client.post(url, {"term": "فساد", "weight": "-1"})
    assert duplicate.status_code == 400 and "در واژه‌نامه هست" in duplicate.content.decode()
    assert ToneTerm.objects.count() == count
    assert (
        client.post(url, {"term": "کندی کار", "weight": "-2", "note": "آزمون"}).status_code == 302
    )
    term = ToneTerm.objects.get(term="کندی کار")
    assert (term.weight, term.updated_by) == (-2, world.directorate_staff)
    edit = reverse("monitoring:tone_term", args=[term.pk])
    assert "کندی کار" in client.get(edit).content.decode()
    refused = client.post(edit, {"term": "کندی کار", "weight": "9"})
    assert refused.status_code == 400 and "−۳ تا +۳" in refused.content.decode()
    assert client.post(edit, {"term": "کندی کار", "weight": "1"}).status_code == 302
    assert ToneTerm.objects.get(pk=term.pk).weight == 1
    assert client.post(reverse("monitoring:tone_term_delete", args=[term.pk])).status_code == 302
    assert not ToneTerm.objects.filter(pk=term.pk).exists()
    assert client.post(reverse("monitoring:tone_train")).status_code == 302
    assert AuditEntry.objects.filter(action="tone.retrain").exists()
    assert client.get(reverse("monitoring:tone_term", args=[10**9])).status_code == 404


# --- Measured on the labelled set ---------------------------------------------------------


def read_labelled() -> tuple[list[str], list[str]]:
    rows = tone.read_labelled_file(LABELLED)
    return [passage for _, _, passage in rows], [label for label, _, _ in rows]


def test_the_labelled_set_is_real_corpus_text() -> None:
    passages, labels = read_labelled()
    links = [link for _, link, _ in tone.read_labelled_file(LABELLED)]
    assert len(passages) >= 200 and min(labels.count(t) for t in tone.TONES) >= 50
    texts = {}
    with gzip.open(CORPUS, "rt", encoding="utf-8") as lines:
        for line in lines:
            item = json.loads(line)
            texts[item["link"]] = item
    for link, passage in zip(links, passages, strict=True):
        item = texts[link]
        text = normalize("\n".join([item.get("abstract") or "", *item["paragraphs"]]))
        assert passage in text


def test_the_lexicon_beats_the_majority_baseline_on_the_labelled_set() -> None:
    passages, labels = read_labelled()
    lex = tone.Lexicon((search_key(t), w) for t, w, _ in tone.read_lexicon_file())
    said = [tone.lexicon_tone(*lex.score(search_key(p)))[0] for p in passages]
    accuracy = sum(s == t for s, t in zip(said, labels, strict=True)) / len(labels)
    baseline = max(labels.count(t) for t in tone.TONES) / len(labels)
    assert accuracy > baseline
