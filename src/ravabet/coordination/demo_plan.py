"""Demo annual plans: the province's communications plan for 1404 (five goals, fourteen
programmes and campaigns around the occasions of the calendar, agencies' own plans, a report
for every quarter — done, late, one missed — and closed at the year's end), and, when the
current Jalali year is later, its plan too, adopted and under way (past quarters reported on
track, late or done, the current quarter's reports still due, an item not started yet).

Everything goes through the services, taken by the demo's directorate account and, for the
agencies' own plans and reports, by the agency's own demo people where there are some.
Idempotent: a year whose plan exists is left as it is. Runs after the organisation's demo and
the events' (whose occasions the campaigns are tied to).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model

from ravabet.coordination.models import Plan, PlanItem
from ravabet.core.calendar.models import Occasion
from ravabet.core.organisation.models import Agency, Membership
from ravabet.persian import dates as pdates
from ravabet.persian import normalize, to_persian_digits

DEMO_YEAR = 1404
TITLE = "برنامهٔ ارتباطات و روابط عمومی استان تهران در سال {year}"

GOALS = [
    "تبیین سیاست‌ها و برنامه‌های دولت",
    "انسجام رسانه‌ای و هماهنگی روابط عمومی‌های استان",
    "ارتباط دوسویه با مردم",
    "روایت پیشرفت و جهاد تبیین",
    "توانمندسازی روابط عمومی‌ها",
]

# goal index, kind, title, owners (slugs), target, (month, day) start, (month, day) end,
# occasion title (or ""), how its year ended in 1404 (done, late, missed, on_track), description
P, C = PlanItem.Kind.PROGRAMME, PlanItem.Kind.CAMPAIGN
ITEMS: list[tuple[Any, ...]] = [
    (
        0,
        P,
        "نشست‌های خبری ماهانهٔ مدیران دستگاه‌ها",
        ["roads", "water", "tums"],
        "۱۲ نشست خبری در سال برای هر دستگاه",
        (1, 20),
        (12, 20),
        "",
        "done",
        "هر ماه مدیر یکی از دستگاه‌ها برنامه‌ها و پیشرفت کار را به خبرنگاران می‌گوید.",
    ),
    (
        0,
        C,
        "هفتهٔ دولت: گزارش عملکرد و افتتاح طرح‌ها",
        ["roads", "water", "education", "municipality"],
        "گزارش عملکرد همهٔ دستگاه‌ها و پوشش خبری افتتاح‌ها",
        (5, 25),
        (6, 8),
        "هفتهٔ دولت",
        "done",
        "گزارش یک‌سالهٔ دستگاه‌ها با عدد و تصویر، هم‌زمان با افتتاح طرح‌های استان.",
    ),
    (
        0,
        P,
        "تبیین طرح‌های عمرانی و بودجهٔ استان",
        ["governorate", "roads"],
        "۶ گزارش تحلیلی و ۲ گفت‌وگوی رادیویی",
        (9, 1),
        (12, 15),
        "",
        "late",
        "",
    ),
    (
        1,
        P,
        "نشست ماهانهٔ شورای هماهنگی روابط عمومی‌های استان",
        ["pr-directorate"],
        "۱۲ نشست با حضور دست‌کم ۸۰٪ دستگاه‌ها",
        (1, 25),
        (12, 25),
        "",
        "done",
        "",
    ),
    (
        1,
        C,
        "روز ارتباطات و روابط عمومی (۲۷ اردیبهشت)",
        ["pr-directorate"],
        "همایش استانی و تقدیر از روابط عمومی‌های برتر",
        (2, 20),
        (2, 27),
        "روز ارتباطات و روابط عمومی",
        "done",
        "",
    ),
    (
        1,
        P,
        "انتشار یکپارچهٔ اخبار دستگاه‌ها در پایگاه استان",
        ["pr-directorate", "municipality"],
        "همهٔ دستگاه‌ها در سامانه، ۹۰٪ خبرها در همان روز",
        (3, 1),
        (10, 30),
        "",
        "missed",
        "",
    ),
    (
        2,
        P,
        "پاسخ‌گویی به پیام‌های مردمی در مهلت",
        ["water", "tums", "municipality"],
        "۹۰٪ پیام‌ها پاسخ‌داده در مهلت",
        (1, 15),
        (12, 25),
        "",
        "late",
        "پیشخوان مردمی: پیام‌ها در مهلت قانونی پاسخ بگیرند و نتیجه به مردم گفته شود.",
    ),
    (
        2,
        P,
        "ملاقات مردمی مدیران در شهرستان‌ها",
        ["governorship-damavand", "governorship-varamin"],
        "یک ملاقات مردمی در ماه در هر شهرستان",
        (2, 1),
        (11, 30),
        "",
        "done",
        "",
    ),
    (
        2,
        C,
        "پویش صرفه‌جویی در مصرف آب در تابستان",
        ["water", "regional-water"],
        "۵٪ کاهش مصرف سرانه در تیر و مرداد",
        (3, 15),
        (6, 31),
        "",
        "done",
        "",
    ),
    (
        3,
        C,
        "دههٔ فجر: روایت پیشرفت‌های استان",
        ["roads", "agriculture", "heritage"],
        "۴۰ گزارش تصویری از طرح‌های به‌بهره‌برداری‌رسیده",
        (11, 5),
        (11, 22),
        "دههٔ فجر",
        "done",
        "",
    ),
    (
        3,
        C,
        "روز خبرنگار: بازدید خبرنگاران از طرح‌های عمرانی",
        ["roads", "regional-water"],
        "۳ بازدید رسانه‌ای",
        (5, 10),
        (5, 20),
        "روز خبرنگار",
        "done",
        "",
    ),
    (
        3,
        P,
        "مستندهای کوتاه طرح‌های به‌بهره‌برداری‌رسیده",
        ["heritage", "agriculture"],
        "۱۰ مستند کوتاه",
        (4, 1),
        (12, 15),
        "",
        "late",
        "",
    ),
    (
        3,
        C,
        "هفتهٔ دفاع مقدس: روایت رزمندگان",
        ["education"],
        "برنامه در ۲۰۰ مدرسه",
        (6, 25),
        (7, 6),
        "هفتهٔ دفاع مقدس",
        "done",
        "",
    ),
    (
        4,
        P,
        "دوره‌های آموزشی کارشناسان روابط عمومی",
        ["pr-directorate", "tums"],
        "۸ دوره، ۲۴۰ نفر (سواد رسانه‌ای، عکاسی خبری، نگارش خبر)",
        (2, 1),
        (10, 30),
        "",
        "done",
        "",
    ),
    (
        4,
        P,
        "ارزیابی سالانه و جشنوارهٔ روابط عمومی‌های برتر",
        ["pr-directorate"],
        "ارزیابی همهٔ دستگاه‌ها با شاخص‌های سامانه",
        (9, 1),
        (12, 20),
        "",
        "on_track",
        "",
    ),
]

# The agencies' own plans: the parent's title, agency, title, start, end, fate.
OWN: list[tuple[str, str, str, tuple[int, int], tuple[int, int], str]] = [
    (
        "نشست‌های خبری ماهانهٔ مدیران دستگاه‌ها",
        "roads",
        "نشست خبری فصلی پیشرفت آزادراه تهران–شمال",
        (2, 1),
        (12, 15),
        "done",
    ),
    (
        "پاسخ‌گویی به پیام‌های مردمی در مهلت",
        "tums",
        "پاسخ‌گویی شبانه‌روزی به پرسش‌های سلامت",
        (3, 1),
        (9, 30),
        "done",
    ),
    (
        "پویش صرفه‌جویی در مصرف آب در تابستان",
        "water",
        "پیام‌های کوتاه و تیزرهای صرفه‌جویی آب",
        (3, 15),
        (6, 15),
        "done",
    ),
    (
        "روز خبرنگار: بازدید خبرنگاران از طرح‌های عمرانی",
        "regional-water",
        "بازدید خبرنگاران از سد لار",
        (5, 15),
        (5, 17),
        "late",
    ),
    (
        "دههٔ فجر: روایت پیشرفت‌های استان",
        "heritage",
        "نمایشگاه عکس بناهای تاریخی بازسازی‌شده",
        (11, 12),
        (11, 22),
        "done",
    ),
    (
        "هفتهٔ دفاع مقدس: روایت رزمندگان",
        "education",
        "روایت‌گری معلمان رزمنده در مدارس",
        (6, 31),
        (7, 6),
        "missed",
    ),
]

NOTES = {
    "on_track": "کارها طبق برنامه پیش رفت؛ {n} مورد از هدف انجام شد.",
    "late": "بخشی از کار به‌خاطر تأخیر در تأمین اعتبار و هماهنگی با پیمانکار عقب افتاد؛ "
    "جبران آن در فصل بعد برنامه‌ریزی شده است.",
    "done": "انجام شد؛ گزارش کامل و مستندات به اداره‌کل فرستاده شد.",
}


def _actor() -> Any:
    return get_user_model().objects.filter(username="directorate").first()


def _agency_person(agency: Agency, fallback: Any) -> Any:
    """The agency's own demo person (its writer), or the directorate's."""
    member = (
        Membership.objects.filter(agency=agency)
        .select_related("user")
        .order_by("role", "id")
        .first()
    )
    return member.user if member else fallback


def _day(year: int, month_day: tuple[int, int]) -> dt.date:
    month, day = month_day
    return pdates.to_gregorian(year, month, min(day, pdates.month_length(year, month)))


def _occasion_id(title: str) -> int | None:
    if not title:
        return None
    found = (
        Occasion.objects.filter(title=normalize(title).strip(), is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    return found


def _report(item: PlanItem, fate: str, *, actor: Any, today: dt.date) -> None:
    """Reports for the quarters the item ran in that have ended by today: on track, then the
    last one by its fate (done, late, on track; «missed»: the last one never came)."""
    from ravabet.coordination.selectors import plan as selectors
    from ravabet.coordination.services import plan as services

    year = item.goal.plan.year
    if fate == "done" and item.ends_on >= today:
        fate = "on_track"  # still running: done is for the year's end
    ran = []
    for quarter in range(1, 5):
        start, end = selectors.quarter_bounds(year, quarter)
        if item.starts_on <= end and item.ends_on >= start:
            ran.append((quarter, end))
    past = [q for q, end in ran if end < today]
    if fate == "missed":
        past = past[:-1]
    for index, quarter in enumerate(past):
        last = index == len(past) - 1
        status = fate if last and fate in ("done", "late") else "on_track"
        share = (index + 1) / len(ran)
        percent = (
            100
            if status == "done"
            else min(95, round(share * 100) - (15 if status == "late" else 0))
        )
        note = NOTES[status].format(n=to_persian_digits(str(index + 1)))
        services.progress_report(
            actor=actor,
            item=item,
            data=services.ProgressInput(
                quarter=quarter, percent=max(percent, 5), status=status, note=note
            ),
            today=today,
        )


def _make_year(year: int, *, actor: Any, today: dt.date, title: str, closed: bool) -> None:
    from ravabet.coordination.services import plan as services

    plan = services.plan_create(
        actor=actor,
        data=services.PlanInput(
            year=year,
            title=title,
            summary=(
                "برنامهٔ سالانهٔ اداره‌کل روابط عمومی استانداری و روابط عمومی‌های دستگاه‌های "
                "اجرایی استان: تبیین سیاست‌های اطلاع‌رسانی دولت، تقویت انسجام رسانه‌ای، "
                "ارتباط دوسویه با مردم و ارتقای نقش راهبردی روابط عمومی‌ها."
            ),
        ),
    )
    goals = [
        services.goal_add(actor=actor, plan=plan, data=services.GoalInput(title=g)) for g in GOALS
    ]
    agencies = {a.slug: a for a in Agency.objects.all()}
    made: dict[str, tuple[PlanItem, str]] = {}
    for goal, kind, item_title, owners, target, start, end, occasion, fate, text in ITEMS:
        owner_ids = [agencies[s].pk for s in owners if s in agencies]
        if not owner_ids:
            continue
        item = services.item_create(
            actor=actor,
            goal=goals[goal],
            data=services.ItemInput(
                title=item_title,
                description=text,
                target=target,
                kind=kind,
                owner_ids=owner_ids,
                occasion_id=_occasion_id(occasion) if kind == C else None,
                starts_on=_day(year, start),
                ends_on=_day(year, end),
            ),
        )
        made[item_title] = (item, fate)
    plan = services.plan_adopt(actor=actor, plan=plan)
    own: list[tuple[PlanItem, str, Any]] = []
    for parent_title, slug, own_title, start, end, fate in OWN:
        if parent_title not in made or slug not in agencies:
            continue
        writer = _agency_person(agencies[slug], actor)
        item = services.item_create(
            actor=writer,
            parent=made[parent_title][0],
            agency=agencies[slug],
            data=services.ItemInput(
                title=own_title, starts_on=_day(year, start), ends_on=_day(year, end)
            ),
        )
        own.append((item, fate, writer))
    for item, fate in made.values():
        reporter = _agency_person(
            item.owners.order_by("pk").first() or agencies["pr-directorate"], actor
        )
        _report(item, fate, actor=reporter, today=today)
    for item, fate, writer in own:
        _report(item, fate, actor=writer, today=today)
    if closed:
        services.plan_close(actor=actor, plan=plan)


def load() -> None:
    from ravabet.coordination.selectors import plan as selectors

    actor = _actor()
    if actor is None:
        return  # the organisation's demo (people) loads first
    today = selectors.today_local()
    current = selectors.quarter_of(today)[0]
    if not Plan.objects.filter(year=DEMO_YEAR).exists():
        _make_year(
            DEMO_YEAR,
            actor=actor,
            today=today,
            title=TITLE.format(year="۱۴۰۴"),
            closed=current > DEMO_YEAR,
        )
    if current > DEMO_YEAR and not Plan.objects.filter(year=current).exists():
        _make_year(
            current,
            actor=actor,
            today=today,
            title=TITLE.format(year=to_persian_digits(str(current))),
            closed=False,
        )
