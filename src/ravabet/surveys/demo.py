"""Demo surveys: three, so that every part of the surveys has something to show.

1. «شیوهٔ دریافت اخبار دولتی»: the directorate's public survey, open for three weeks and
   closed a few days ago, with ~500 complete responses (channels, trust, a long-text «مهم‌ترین
   پرسش شما از دستگاه‌ها» composed from ~40 phrases, five themes tagged on most of them) and
   its results published on the portal with a summary.
2. «اطلاع‌رسانی قطعی‌های برنامه‌ریزی‌شدهٔ آب»: the water company's public survey, open now,
   with a dozen responses.
3. «نیازسنجی آموزشی و ارتباطی روابط عمومی‌ها»: the directorate's network survey, open, answered
   by the demo agencies' staff accounts (each response tied to the account and its agency).

So the water company's needs report (/backoffice/surveys/needs/) shows all three sources:
its own survey and its staff's network answers, its citizens' messages (the desk's demo), and
the narratives of the water cuts (monitoring's demo).

Straight through the models with bulk_create (the loader takes well under a second or two);
deterministic (random.Random(1404), times relative to now); idempotent: a survey already
there (by agency and title) is left as it is. Only complete responses carry submitted_at.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from ravabet.core.organisation.models import Agency, Membership
from ravabet.surveys.models import Answer, Option, Question, Response, Section, Survey, Theme

SEED = 1404
NEWS_TITLE = "نظرسنجی شیوهٔ دریافت اخبار دولتی"
WATER_TITLE = "نظرسنجی اطلاع‌رسانی قطعی‌های برنامه‌ریزی‌شدهٔ آب"
NETWORK_TITLE = "نیازسنجی آموزشی و ارتباطی روابط عمومی‌ها"
NEWS_RESPONSES = 500
NEWS_DAYS = 21
NEWS_CLOSED_DAYS_AGO = 4
WATER_RESPONSES = 12

CHANNELS = ["ایتا", "بله", "روبیکا", "تلگرام", "اینستاگرام", "تلویزیون استانی", "سایت دستگاه‌ها"]
# How likely a respondent follows each channel (multiple choice).
CHANNEL_ODDS = [0.52, 0.31, 0.36, 0.44, 0.63, 0.41, 0.24]
FIRST_SOURCES = [
    ("پیام‌رسان‌های داخلی", 34),
    ("شبکه‌های اجتماعی", 27),
    ("تلویزیون و رادیوی استانی", 17),
    ("سایت‌های خبری", 12),
    ("سایت دستگاه‌ها", 5),
]
OTHER_SOURCES = ["از همسایه‌ها و آشنایان", "از اعلانات مسجد محل", "پیامک اپراتور", "از همکارانم"]
# Ages in bands (low, high) and how many respondents of each.
AGES = [(16, 24), (25, 40), (41, 60), (61, 82)]
AGE_WEIGHTS = [18, 39, 32, 11]
LIKERT_WEIGHTS = [13, 26, 21, 29, 11]
RATING_WEIGHTS = [9, 18, 33, 28, 12]

THEMES = [
    "زمان قطعی‌ها و خاموشی‌ها",
    "پیگیری شکایت و پاسخ‌گویی",
    "مدارک و روند اداری",
    "طرح‌های عمرانی محله",
    "هزینه‌ها و تعرفه‌ها",
]
# The long-text answers are made of these phrases: (text, theme index or None, weight).
PHRASES: list[tuple[str, int | None, int]] = [
    ("برنامهٔ قطعی آب محلهٔ ما را از کجا ببینیم؟", 0, 9),
    ("چرا زمان قطعی برق را دست‌کم یک روز زودتر اعلام نمی‌کنید؟", 0, 9),
    ("جدول خاموشی‌ها را در ایتا هم بگذارید.", 0, 6),
    ("قطعی آب در تابستان تا کی ادامه دارد؟", 0, 7),
    ("وقتی گاز قطع می‌شود کجا باید خبر بگیریم؟", 0, 4),
    ("افت فشار آب در طبقات بالا کی درست می‌شود؟", 0, 4),
    ("شکایتم را ثبت کردم اما هیچ پاسخی نگرفتم؛ چطور پیگیری کنم؟", 1, 8),
    ("شمارهٔ تلفن روابط عمومی همیشه اشغال است.", 1, 5),
    ("چرا پاسخ پیام‌ها این‌قدر دیر می‌رسد؟", 1, 6),
    ("کد رهگیری پیامم کار نمی‌کند.", 1, 3),
    ("کاش کسی پاسخ‌گو باشد و فقط پیام خودکار نفرستد.", 1, 4),
    ("برای انشعاب آب چه مدارکی لازم است؟", 2, 6),
    ("روند گرفتن پروانهٔ ساختمان چقدر طول می‌کشد؟", 2, 5),
    ("فرم‌ها را در سایت بگذارید تا لازم نباشد حضوری بیاییم.", 2, 5),
    ("نوبت‌دهی اینترنتی بیمارستان‌ها چطور است؟", 2, 4),
    ("برای ثبت‌نام مدرسه چه مدارکی ببریم؟", 2, 4),
    ("آسفالت کوچه‌های محلهٔ ما کی انجام می‌شود؟", 3, 5),
    ("پروژهٔ تقاطع غیرهمسطح کی تمام می‌شود؟", 3, 5),
    ("بودجهٔ طرح‌های محله چقدر است و کجا خرج می‌شود؟", 3, 4),
    ("فاضلاب محلهٔ ما کی لوله‌کشی می‌شود؟", 3, 4),
    ("پیشرفت کار مترو را منتشر کنید.", 3, 3),
    ("چرا قبض آب این ماه دو برابر شده است؟", 4, 6),
    ("تعرفهٔ جدید برق را ساده توضیح دهید.", 4, 5),
    ("هزینهٔ عوارض نوسازی چطور حساب می‌شود؟", 4, 4),
    ("کرایهٔ تاکسی و اتوبوس امسال چقدر بالا می‌رود؟", 4, 4),
    ("یارانهٔ بهزیستی کی واریز می‌شود؟", 4, 3),
    ("خبرها را کوتاه‌تر و ساده‌تر بنویسید.", None, 4),
    ("تکذیب شایعه‌ها را زودتر منتشر کنید.", None, 4),
    ("چرا مسئولان در رسانه‌ها پاسخ‌گو نیستند؟", None, 3),
    ("ای کاش خبر هر محله جدا اطلاع‌رسانی شود.", None, 3),
    ("در شبکه‌های اجتماعی زودتر از خبرگزاری‌ها اطلاع‌رسانی کنید.", None, 3),
    ("آمار کرونا و آنفلوآنزا را شفاف اعلام کنید.", None, 2),
    ("وضعیت آلودگی هوا و تعطیلی مدارس را شب قبل بگویید.", None, 4),
    ("سامانه‌های دولتی اغلب از کار افتاده‌اند.", None, 2),
    ("نتیجهٔ پیگیری‌ها را هم اعلام کنید، نه فقط وعده‌ها را.", None, 3),
    ("چه زمانی ترافیک جادهٔ چالوس کمتر است؟", None, 2),
    ("برای سالمندان پیامک بفرستید؛ همه شبکهٔ اجتماعی ندارند.", None, 3),
    ("تصمیم‌های شورای شهر را کجا بخوانیم؟", None, 2),
    ("خبرهای استان را به زبان ساده در تلویزیون استانی بگویید.", None, 2),
    ("نرخ بیکاری استان چقدر است؟", None, 1),
]
# Of the answers with a themed phrase, how many the directorate tagged.
TAGGED_SHARE = 0.8
LONG_TEXT_SHARE = 0.58
NEWS_SUMMARY = (
    "بیش از نیمی از شرکت‌کنندگان خبرهای دستگاه‌های استان را نخست از پیام‌رسان‌های داخلی و "
    "شبکه‌های اجتماعی می‌گیرند و اینستاگرام و ایتا پرمخاطب‌ترین کانال‌ها بودند. کمتر از نیمی "
    "اطلاع‌رسانی دستگاه‌ها را به‌موقع می‌دانند. پرتکرارترین پرسش‌ها دربارهٔ زمان قطعی آب و برق، "
    "پیگیری شکایت‌ها و مدارک لازم برای کارهای اداری بود؛ روابط عمومی‌ها جدول قطعی‌ها و راهنمای "
    "مدارک را در کانال‌های پیام‌رسان منتشر خواهند کرد."
)

WATER_PHRASES = [
    "قطعی آب را دست‌کم یک روز زودتر در ایتا اعلام کنید.",
    "زمان وصل دوبارهٔ آب را هم بگویید.",
    "برای قطعی آب تانکر سیار کجا مستقر می‌شود؟",
    "پیامک قطعی آب برای همهٔ مشترکان فرستاده شود.",
    "قطعی آب شب‌ها هم اعلام شود.",
]

NETWORK_NEEDS = [
    "تولید ویدئوی کوتاه",
    "نگارش خبر و گزارش",
    "مدیریت بحران رسانه‌ای",
    "پایش رسانه‌ها و افکار عمومی",
    "عکاسی خبری",
    "اداره کردن کانال‌های پیام‌رسان",
]
NETWORK_OBSTACLES = [
    "تأیید دیرهنگام مدیران",
    "کمبود نیروی متخصص",
    "نبود تجهیزات تولید محتوا",
    "هماهنگی با دستگاه‌های دیگر",
]
NETWORK_WISHES = [
    "کارگاه آموزشی تولید ویدئوی کوتاه برای کارشناسان روابط عمومی برگزار شود.",
    "در بحران‌ها یک هماهنگی فوری میان روابط عمومی‌ها و استانداری لازم است.",
    "پایش رسانه‌ها برای دستگاه‌های کوچک‌تر هم فراهم شود.",
    "دستورالعمل پاسخ‌گویی به شایعه‌ها در شبکه‌های اجتماعی تهیه شود.",
    "آموزش نگارش خبر برای نیروهای تازه‌وارد برگزار شود.",
]


def _weighted(rng: random.Random, items: Sequence[Any], weights: Sequence[float]) -> Any:
    return rng.choices(list(items), weights=list(weights), k=1)[0]


def _key(label: str) -> str:
    """A stable, browser-key-like hash for a demo response (one response a browser)."""
    return hashlib.sha256(f"ravabet-demo-{label}".encode()).hexdigest()


class _Builder:
    """One survey's sections, questions and options, and its answers in memory for one
    bulk_create at the end."""

    def __init__(self, survey: Survey) -> None:
        self.survey = survey
        self.sections: list[Section] = []
        self.position = 0
        self.options: dict[int, list[Option]] = {}
        self.rows: list[tuple[Response, list[Answer], list[int]]] = []

    def section(self, title: str) -> Section:
        section = Section.objects.create(
            survey=self.survey, position=len(self.sections), title=title
        )
        self.sections.append(section)
        return section

    def question(
        self, section: Section, kind: str, text: str, options: Sequence[str] = (), **extra: Any
    ) -> Question:
        question = Question.objects.create(
            survey=self.survey,
            section=section,
            position=self.position,
            kind=kind,
            text=text,
            **extra,
        )
        self.position += 1
        self.options[question.pk] = Option.objects.bulk_create(
            [Option(question=question, position=i, label=label) for i, label in enumerate(options)]
        )
        return question

    def option(self, question: Question, label: str) -> Option:
        return next(o for o in self.options[question.pk] if o.label == label)

    def save(self) -> None:
        """The responses, then their answers, then the answers' themes: three bulk inserts."""
        responses = Response.objects.bulk_create([r for r, _, _ in self.rows])
        answers: list[Answer] = []
        tagged: list[tuple[Answer, list[int]]] = []
        for response, (_, parts, theme_ids) in zip(responses, self.rows, strict=True):
            for answer in parts:
                answer.response = response
                answers.append(answer)
            if theme_ids and parts:
                tagged.append((parts[-1], theme_ids))
        Answer.objects.bulk_create(answers, batch_size=1000)
        through = Answer.themes.through
        through.objects.bulk_create(
            [
                through(answer_id=answer.pk, theme_id=t)
                for answer, theme_ids in tagged
                for t in theme_ids
            ],
            batch_size=1000,
        )


def _news_survey(directorate: Agency, author: Any, now: dt.datetime) -> None:
    rng = random.Random(SEED)  # noqa: S311 - demo data, not a secret
    closes = now - dt.timedelta(days=NEWS_CLOSED_DAYS_AGO)
    opens = closes - dt.timedelta(days=NEWS_DAYS)
    survey = Survey.objects.create(
        agency=directorate,
        title=NEWS_TITLE,
        description=(
            "روابط عمومی استانداری تهران می‌خواهد بداند شهروندان خبرهای دستگاه‌های اجرایی را "
            "از کجا و چگونه می‌گیرند تا اطلاع‌رسانی را به همان کانال‌ها ببرد. پاسخ‌ها بی‌نام است."
        ),
        thanks="سپاس از وقتی که گذاشتید؛ نتیجه‌ها در همین سامانه منتشر می‌شود.",
        audience=Survey.Audience.PUBLIC,
        state=Survey.State.CLOSED,
        anonymous=True,
        opens_at=opens,
        closes_at=closes,
        published_at=opens,
        target_responses=400,
        results_published_at=closes + dt.timedelta(days=2),
        results_summary=NEWS_SUMMARY,
        created_by=author,
    )
    build = _Builder(survey)
    first = build.section("شیوهٔ دریافت خبر")
    second = build.section("ارزیابی و پرسش شما")
    source = build.question(
        first,
        Question.Kind.SINGLE,
        "خبرهای دستگاه‌های دولتی استان را بیشتر از کجا می‌گیرید؟",
        [label for label, _ in FIRST_SOURCES],
        allow_other=True,
    )
    channels = build.question(
        first,
        Question.Kind.MULTIPLE,
        "در کدام کانال‌ها خبرهای دستگاه‌ها را دنبال می‌کنید؟",
        CHANNELS,
        help_text="هر چند گزینه که درست است",
    )
    age = build.question(
        first, Question.Kind.NUMBER, "چند سال دارید؟", required=False, min_value=12, max_value=100
    )
    timely = build.question(
        second, Question.Kind.LIKERT, "دستگاه‌های اجرایی استان به‌موقع اطلاع‌رسانی می‌کنند."
    )
    clear = build.question(
        second,
        Question.Kind.RATING5,
        "به روشنی و سادگی اطلاعیه‌های دستگاه‌ها از ۱ تا ۵ چه امتیازی می‌دهید؟",
    )
    question = build.question(
        second,
        Question.Kind.LONG_TEXT,
        "مهم‌ترین پرسش شما از دستگاه‌ها چیست؟",
        required=False,
        help_text="پرسشی که دوست دارید دستگاه‌ها پاسخش را روشن و به‌موقع منتشر کنند",
    )
    themes = Theme.objects.bulk_create([Theme(survey=survey, name=name) for name in THEMES])
    path = [first.pk, second.pk]
    span = (closes - opens).total_seconds()
    phrase_weights = [w for _, _, w in PHRASES]
    for n in range(NEWS_RESPONSES):
        # More answers in the first days after the survey went out, a tail after.
        submitted = opens + dt.timedelta(seconds=span * rng.betavariate(1.3, 2.6))
        response = Response(
            survey=survey,
            status=Response.Status.COMPLETE,
            browser_key=_key(f"news-{n}"),
            path=path,
            started_at=submitted - dt.timedelta(minutes=rng.randint(2, 14)),
            submitted_at=submitted,
        )
        answers: list[Answer] = []
        if rng.random() < 0.05:
            answers.append(Answer(question=source, text=rng.choice(OTHER_SOURCES)))
        else:
            label = _weighted(rng, [s for s, _ in FIRST_SOURCES], [w for _, w in FIRST_SOURCES])
            answers.append(Answer(question=source, option=build.option(source, label)))
        chosen = [c for c, odds in zip(CHANNELS, CHANNEL_ODDS, strict=True) if rng.random() < odds]
        for label in chosen or [rng.choice(CHANNELS)]:
            answers.append(Answer(question=channels, option=build.option(channels, label)))
        if rng.random() < 0.9:
            low, high = _weighted(rng, AGES, AGE_WEIGHTS)
            answers.append(Answer(question=age, number=rng.randint(low, high)))
        answers.append(Answer(question=timely, number=_weighted(rng, range(1, 6), LIKERT_WEIGHTS)))
        answers.append(Answer(question=clear, number=_weighted(rng, range(1, 6), RATING_WEIGHTS)))
        theme_ids: list[int] = []
        if rng.random() < LONG_TEXT_SHARE:
            count = 1 if rng.random() < 0.75 else 2
            picked = rng.choices(PHRASES, weights=phrase_weights, k=count)
            text = " ".join(dict.fromkeys(p[0] for p in picked))
            answers.append(Answer(question=question, text=text))
            for _, theme, _ in picked:
                if theme is not None and rng.random() < TAGGED_SHARE:
                    theme_ids.append(themes[theme].pk)
        build.rows.append((response, answers, sorted(set(theme_ids))))
    build.save()


def _water_survey(water: Agency, author: Any, now: dt.datetime) -> None:
    rng = random.Random(SEED + 1)  # noqa: S311 - demo data, not a secret
    opens = now - dt.timedelta(days=6)
    survey = Survey.objects.create(
        agency=water,
        title=WATER_TITLE,
        description=(
            "آبفای استان می‌خواهد بداند خبر قطعی‌های برنامه‌ریزی‌شده به‌موقع به شما می‌رسد یا نه."
        ),
        thanks="سپاس؛ پاسخ شما در برنامهٔ اطلاع‌رسانی قطعی‌ها به کار می‌رود.",
        audience=Survey.Audience.PUBLIC,
        state=Survey.State.OPEN,
        anonymous=True,
        opens_at=opens,
        closes_at=now + dt.timedelta(days=24),
        published_at=opens,
        target_responses=200,
        created_by=author,
    )
    build = _Builder(survey)
    section = build.section("")
    heard = build.question(
        section,
        Question.Kind.SINGLE,
        "خبر آخرین قطعی آب محله را از کجا فهمیدید؟",
        ["پیامک آبفا", "کانال ایتای آبفا", "همسایه‌ها", "وقتی آب قطع شد"],
        allow_other=True,
    )
    timely = build.question(
        section, Question.Kind.RATING5, "اطلاع‌رسانی پیش از قطعی چقدر به‌موقع بود؟"
    )
    wish = build.question(
        section,
        Question.Kind.LONG_TEXT,
        "دربارهٔ قطعی‌ها چه چیزی را باید زودتر بدانید؟",
        required=False,
    )
    for n in range(WATER_RESPONSES):
        submitted = opens + dt.timedelta(hours=rng.uniform(2, 6 * 24 - 2))
        label = _weighted(rng, [o.label for o in build.options[heard.pk]], [3, 2, 3, 4])
        answers = [
            Answer(question=heard, option=build.option(heard, label)),
            Answer(question=timely, number=_weighted(rng, range(1, 6), [4, 3, 2, 2, 1])),
        ]
        if rng.random() < 0.75:
            answers.append(Answer(question=wish, text=rng.choice(WATER_PHRASES)))
        build.rows.append(
            (
                Response(
                    survey=survey,
                    status=Response.Status.COMPLETE,
                    browser_key=_key(f"water-{n}"),
                    path=[section.pk],
                    started_at=submitted - dt.timedelta(minutes=3),
                    submitted_at=submitted,
                ),
                answers,
                [],
            )
        )
    # One respondent who stopped halfway: a draft, no submitted_at.
    build.rows.append(
        (
            Response(
                survey=survey,
                browser_key=_key("water-draft"),
                current_section=section,
                path=[section.pk],
                started_at=now - dt.timedelta(hours=3),
            ),
            [Answer(question=heard, option=build.option(heard, "همسایه‌ها"))],
            [],
        )
    )
    build.save()


def _network_survey(directorate: Agency, author: Any, now: dt.datetime) -> None:
    rng = random.Random(SEED + 2)  # noqa: S311 - demo data, not a secret
    opens = now - dt.timedelta(days=10)
    survey = Survey.objects.create(
        agency=directorate,
        title=NETWORK_TITLE,
        description=(
            "اداره‌کل روابط عمومی استانداری برنامهٔ آموزشی سال را بر پایهٔ نیاز روابط عمومی‌های "
            "دستگاه‌ها می‌چیند. هر کارشناس یک بار پاسخ می‌دهد."
        ),
        audience=Survey.Audience.NETWORK,
        state=Survey.State.OPEN,
        anonymous=False,
        opens_at=opens,
        closes_at=now + dt.timedelta(days=20),
        published_at=opens,
        created_by=author,
    )
    build = _Builder(survey)
    section = build.section("")
    training = build.question(
        section,
        Question.Kind.MULTIPLE,
        "در کدام زمینه‌ها به آموزش نیاز دارید؟",
        NETWORK_NEEDS,
        max_choices=3,
    )
    obstacle = build.question(
        section,
        Question.Kind.SINGLE,
        "بزرگ‌ترین مانع اطلاع‌رسانی به‌موقع در دستگاه شما چیست؟",
        NETWORK_OBSTACLES,
        allow_other=True,
    )
    means = build.question(
        section, Question.Kind.RATING5, "امکانات روابط عمومی شما برای تولید محتوا"
    )
    wish = build.question(
        section,
        Question.Kind.LONG_TEXT,
        "چه کمکی از اداره‌کل روابط عمومی استانداری انتظار دارید؟",
        required=False,
    )
    # One response an account of an agency's PR office (the directorate's own staff aside).
    staff = (
        Membership.objects.exclude(agency__kind=Agency.Kind.DIRECTORATE)
        .select_related("user", "agency")
        .order_by("user_id", "pk")
    )
    seen: set[int] = set()
    for membership in staff:
        if membership.user_id in seen:
            continue
        seen.add(membership.user_id)
        submitted = opens + dt.timedelta(hours=rng.uniform(4, 9 * 24))
        answers = [
            Answer(question=training, option=build.option(training, label))
            for label in rng.sample(NETWORK_NEEDS, 3)
        ]
        answers.append(
            Answer(question=obstacle, option=build.option(obstacle, rng.choice(NETWORK_OBSTACLES)))
        )
        answers.append(Answer(question=means, number=rng.randint(1, 4)))
        answers.append(Answer(question=wish, text=rng.choice(NETWORK_WISHES)))
        build.rows.append(
            (
                Response(
                    survey=survey,
                    status=Response.Status.COMPLETE,
                    respondent=membership.user,
                    agency=membership.agency,
                    path=[section.pk],
                    started_at=submitted - dt.timedelta(minutes=6),
                    submitted_at=submitted,
                ),
                answers,
                [],
            )
        )
    build.save()


@transaction.atomic
def load() -> None:
    """The three demo surveys (module docstring); a survey already there is left alone."""
    directorate = Agency.objects.filter(kind=Agency.Kind.DIRECTORATE).order_by("pk").first()
    if directorate is None:
        return
    water = Agency.objects.filter(slug="water").first() or directorate
    author = get_user_model().objects.filter(username="directorate").first()
    now = timezone.now()
    have = set(Survey.objects.values_list("agency_id", "title"))
    if (directorate.pk, NEWS_TITLE) not in have:
        _news_survey(directorate, author, now)
    if (water.pk, WATER_TITLE) not in have:
        water_staff = Membership.objects.filter(agency=water).order_by("pk").first()
        _water_survey(water, water_staff.user if water_staff else author, now)
    if (directorate.pk, NETWORK_TITLE) not in have:
        _network_survey(directorate, author, now)
