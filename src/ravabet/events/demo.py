"""Demo events: the seed's meeting — the first 1404 meeting of the province's agency PR offices,
Tuesday 30 Ordibehesht 1404 (2025-05-20), 10:00–12:00 Tehran, in the Governorate's conference
hall — with its attendees, agenda, minutes and five resolutions in every state (one overdue);
a few past and upcoming events around today; and the days of communication in the kernel's
occasions calendar (مناسبت‌ها; the official holidays are there already, written by its migration).

Made through the services wherever they allow it (events, agenda, minutes, resolutions and their
reports, occasions through the calendar's, the registrations of an upcoming meeting). The seed
meeting is in the past, so its registrations cannot pass `registration_create` (the deadline is
over): they are written to the model directly, dated before the meeting, by the directorate, most
marked present.

Idempotent: an event or an occasion whose title is already there is left as it is (a change made
in the demo survives); `load()` returns the number of events it created.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from ravabet.core import jalali
from ravabet.core.calendar import holidays
from ravabet.core.calendar import services as calendar
from ravabet.core.calendar.models import Occasion
from ravabet.core.organisation.models import Agency
from ravabet.events import services
from ravabet.events.models import Event, Registration
from ravabet.persian import normalize

E = Event.Kind
R = services.R

# --- the seed meeting (shared/seed/000_355124c2ea71b728.txt) -----------------------------

SEED_TITLE = "نخستین نشست روابط عمومی‌های دستگاه‌های اجرایی استان تهران در سال ۱۴۰۴"
# The seed gives the day, not the hour: 10:00–12:00 Tehran (UTC+03:30) is the demo's choice.
SEED_STARTS = dt.datetime(2025, 5, 20, 6, 30, tzinfo=dt.UTC)  # سه‌شنبه ۳۰ اردیبهشت ۱۴۰۴، ۱۰:۰۰
SEED_ENDS = dt.datetime(2025, 5, 20, 8, 30, tzinfo=dt.UTC)  # ۱۲:۰۰
SEED_VENUE = "سالن همایش استانداری تهران"  # the seed's own words
SEED_DESCRIPTION = (
    "نخستین نشست روابط عمومی‌های دستگاه‌های اجرایی استان تهران در سال ۱۴۰۴، همزمان با هفتهٔ "
    "ارتباطات و روابط عمومی، به دعوت اداره‌کل روابط عمومی و امور بین‌الملل استانداری تهران.\n\n"
    "هدف نشست: تبیین سیاست‌های اطلاع‌رسانی دولت، تقویت انسجام رسانه‌ای و مرور اولویت‌های "
    "ارتباطی استان. این نشست فرصتی برای هم‌افزایی، هماهنگی و هم‌اندیشی در این مسیر است.\n\n"
    "در این نشست، برنامه‌های سال ۱۴۰۴ در حوزهٔ ارتباطات و روابط عمومی استان ارائه و دربارهٔ "
    "راهکارهای ارتقای نقش راهبردی روابط عمومی‌ها بحث و تبادل نظر می‌شود."
)
DIRECTOR = "محمدمهدی مومنی، مشاور استاندار و مدیرکل روابط عمومی و امور بین‌الملل استانداری تهران"

# (minutes from the start, minutes long, title, speaker)
SEED_AGENDA = [
    (
        0,
        20,
        "خیرمقدم و تبیین هدف نشست: هم‌افزایی، هماهنگی و هم‌اندیشی روابط عمومی‌ها",
        DIRECTOR,
    ),
    (
        20,
        30,
        "سیاست‌های اطلاع‌رسانی دولت و اولویت‌های ارتباطی استان در سال ۱۴۰۴",
        DIRECTOR,
    ),
    (
        50,
        25,
        "نقش روابط عمومی‌ها در تحقق شعار سال «سرمایه‌گذاری برای تولید»: معرفی فرصت‌های "
        "اقتصادی و پروژه‌های سرمایه‌پذیر",
        "علی کریمی، مدیر روابط عمومی اداره‌کل راه و شهرسازی استان تهران",
    ),
    (
        75,
        25,
        "استفادهٔ هوشمندانه از ظرفیت رسانه‌ها و فضای مجازی در برابر جنگ روایت‌ها",
        "سارا موسوی، کارشناس روابط عمومی دانشگاه علوم پزشکی تهران",
    ),
    (
        100,
        20,
        "ارائهٔ برنامه‌های سال ۱۴۰۴ حوزهٔ ارتباطات و روابط عمومی استان، بحث و جمع‌بندی",
        "زهرا احمدی، کارشناس اداره‌کل روابط عمومی استانداری",
    ),
]

SEED_MINUTES = """<p>نشست روز سه‌شنبه ۳۰ اردیبهشت ۱۴۰۴ از ساعت ۱۰ تا ۱۲ در سالن همایش استانداری
تهران، به مناسبت هفتهٔ ارتباطات و روابط عمومی و با حضور مدیران و کارشناسان روابط عمومی
دستگاه‌های اجرایی استان برگزار شد.</p>
<p>مدیرکل روابط عمومی و امور بین‌الملل استانداری، هدف نشست را تبیین سیاست‌های اطلاع‌رسانی
دولت، تقویت انسجام رسانه‌ای و مرور اولویت‌های ارتباطی استان برشمرد و بر نقش روابط عمومی‌ها در
امیدآفرینی، ارتقای آگاهی عمومی و بازتاب درست خدمات دولت تأکید کرد؛ روابط عمومی‌ها باید فراتر
از نقش سنتی خود، در آگاهی‌بخشی، نیازسنجی ارتباطی و تعامل دوسویه با مردم نقش‌آفرینی کنند.</p>
<p>دربارهٔ شعار سال، «سرمایه‌گذاری برای تولید»، قرار شد دستگاه‌ها فرصت‌های اقتصادی و پروژه‌های
سرمایه‌پذیر خود را معرفی کنند و حمایت‌های دولت از سرمایه‌گذاران را به زبان ساده اطلاع‌رسانی
کنند. حاضران بر استفادهٔ هوشمندانه از رسانه‌ها و فضای مجازی در برابر جنگ روایت‌ها و بر
هماهنگی پیش از انتشار خبرهای مشترک تأکید کردند.</p>
<p>برنامه‌های سال ۱۴۰۴ حوزهٔ ارتباطات و روابط عمومی استان ارائه شد و پس از بحث و تبادل نظر،
مصوبات زیر با دستگاه مسئول و مهلت هر یک به تصویب رسید.</p>"""

# (agency slug, name, role, phone, present)
SEED_ATTENDEES = [
    ("pr-directorate", "زهرا احمدی", "کارشناس اداره‌کل روابط عمومی استانداری", "09120000101", True),
    ("roads", "علی کریمی", "مدیر روابط عمومی", "09120000102", True),
    ("roads", "مریم رضایی", "کارشناس روابط عمومی", "09120000103", True),
    ("tums", "سارا موسوی", "کارشناس روابط عمومی", "09120000104", True),
    ("water", "حسین نوری", "کارشناس روابط عمومی", "09120000105", True),
    ("education", "فاطمه حسینی", "مدیر روابط عمومی", "09120000106", True),
    ("municipality", "محمد جعفری", "معاون ارتباطات و اطلاع‌رسانی", "09120000107", True),
    ("welfare", "نرگس صادقی", "مسئول روابط عمومی", "09120000108", False),
    ("heritage", "رضا قاسمی", "کارشناس رسانه", "09120000109", True),
    ("crisis", "امیر محمدی", "مسئول اطلاع‌رسانی", "09120000110", False),
    ("culture", "لیلا اکبری", "مدیر روابط عمومی", "09120000111", True),
]


@dataclass
class ResolutionPlan:
    text: str
    responsible: str
    owner: str | None
    # days after today, or a fixed date (the overdue one: in the past)
    deadline: dt.date | int
    report: dict[str, Any] = field(default_factory=dict)
    reporter: str = "directorate"


# Five resolutions, one in each state the back office shows, one of them overdue.
SEED_RESOLUTIONS = [
    ResolutionPlan(
        "تدوین تقویم محتوایی مناسبت‌های سال ۱۴۰۴ هر دستگاه و فرستادن آن به اداره‌کل روابط "
        "عمومی استانداری برای هماهنگی انتشار",
        "education",
        None,
        45,
    ),
    ResolutionPlan(
        "تهیهٔ بستهٔ اطلاع‌رسانی پروژه‌های سرمایه‌پذیر راه و شهرسازی استان در راستای شعار سال "
        "«سرمایه‌گذاری برای تولید»",
        "roads",
        "officer.roads",
        30,
        {"status": R.IN_PROGRESS, "progress": 40},
        reporter="officer.roads",
    ),
    ResolutionPlan(
        "برگزاری کارگاه آموزشی سواد رسانه‌ای و روایت‌گری برای کارشناسان روابط عمومی دستگاه‌ها",
        "pr-directorate",
        "directorate",
        dt.date(2025, 7, 22),  # ۳۱ تیر ۱۴۰۴
        {
            "status": R.DONE,
            "evidence": "کارگاه دو روزه در ۲۴ و ۲۵ تیر ۱۴۰۴ در سالن آموزش استانداری برگزار شد؛ "
            "۴۵ کارشناس از ۲۸ دستگاه در آن شرکت کردند و گزارش و فهرست حاضران بایگانی شد.",
        },
    ),
    ResolutionPlan(
        "انتشار ویژه‌نامهٔ چاپی هفتهٔ ارتباطات و روابط عمومی با گزارش دستگاه‌ها",
        "culture",
        None,
        dt.date(2025, 6, 10),  # ۲۰ خرداد ۱۴۰۴
        {
            "status": R.CANCELLED,
            "reason": "به‌جای نسخهٔ چاپی، ویژه‌نامهٔ الکترونیکی در سامانهٔ روابط منتشر شد.",
        },
    ),
    ResolutionPlan(
        "معرفی سخنگو و رابط خبری هر دستگاه و به‌روزرسانی نشانی و تلفن روابط عمومی در سامانه",
        "water",
        "multi",
        dt.date(2025, 6, 21),  # ۳۱ خرداد ۱۴۰۴: past, still open — overdue
    ),
]


# --- other events, around today ----------------------------------------------------------


@dataclass
class EventPlan:
    title: str
    kind: str
    organizer: str
    actor: str
    days: int  # from today (negative: past)
    hour: tuple[int, int]  # local start
    hours: float
    venue: str
    description: str
    is_public: bool = True
    capacity: int | None = None
    deadline_days: int | None = None  # registration deadline, days from today, at 14:00
    invite_mode: str = Event.Invite.ALL
    invited: tuple[str, ...] = ()
    address: str = ""
    online_url: str = ""
    # past: (agency, name, role, phone, present) written to the model; upcoming: through the
    # service as (actor, agency, name, role, phone)
    attendees: tuple[tuple[str, ...], ...] = ()
    cancel_reason: str = ""


EVENTS = [
    EventPlan(
        "دورهٔ آموزشی نگارش خبر و تیترنویسی برای کارشناسان روابط عمومی",
        E.TRAINING,
        "pr-directorate",
        "directorate",
        -40,
        (9, 0),
        4,
        "سالن آموزش استانداری تهران",
        "دوره‌ای یک‌روزه در ساختار خبر، لید و تیتر، نگارش خبر برای فضای مجازی و خطاهای "
        "رایج نگارشی، همراه با تمرین روی خبرهای دستگاه‌ها.",
        capacity=40,
        attendees=(
            ("roads", "مریم رضایی", "کارشناس روابط عمومی", "09120000103", "1"),
            ("tums", "سارا موسوی", "کارشناس روابط عمومی", "09120000104", "1"),
            ("education", "کاوه رحیمی", "کارشناس خبر", "09120000201", "1"),
            ("environment", "مهسا کاظمی", "کارشناس روابط عمومی", "09120000202", ""),
        ),
    ),
    EventPlan(
        "نشست خبری مدیرکل راه و شهرسازی استان تهران دربارهٔ طرح‌های مسکن ملی",
        E.PRESS_CONFERENCE,
        "roads",
        "head.roads",
        -12,
        (11, 0),
        1.5,
        "سالن جلسات اداره‌کل راه و شهرسازی استان تهران",
        "گزارش پیشرفت طرح‌های مسکن ملی استان و پاسخ به پرسش‌های خبرنگاران.",
    ),
    EventPlan(
        "نشست ماهانهٔ مدیران روابط عمومی دستگاه‌های اجرایی استان",
        E.NETWORK_MEETING,
        "pr-directorate",
        "directorate",
        10,
        (10, 0),
        2,
        "سالن شهید رجایی استانداری تهران",
        "پیگیری مصوبات نشست‌های پیشین، هماهنگی اطلاع‌رسانی مناسبت‌های ماه آینده و گزارش "
        "دستگاه‌ها. ثبت‌نام برای هر دستگاه دست‌کم یک نفر.",
        is_public=False,
        capacity=30,
        deadline_days=8,
        attendees=(
            ("officer.roads", "roads", "مریم رضایی", "کارشناس روابط عمومی", "09120000103"),
            ("officer.health", "tums", "سارا موسوی", "کارشناس روابط عمومی", "09120000104"),
        ),
    ),
    EventPlan(
        "کارگاه روابط عمومی دیجیتال و مدیریت شبکه‌های اجتماعی",
        E.TRAINING,
        "pr-directorate",
        "directorate",
        25,
        (9, 30),
        3,
        "سالن آموزش استانداری تهران",
        "برای کارشناسان روابط عمومی دانشگاه‌ها و آموزش و پرورش: تولید محتوای کوتاه، پاسخ به "
        "پرسش‌های مردم در شبکه‌های اجتماعی و سنجش بازخورد.",
        is_public=False,
        capacity=25,
        deadline_days=20,
        invite_mode=Event.Invite.LIST,
        invited=("tums", "sbmu", "education"),
    ),
    EventPlan(
        "نمایشگاه دستاوردها و خدمات دستگاه‌های اجرایی استان تهران",
        E.PUBLIC_EVENT,
        "pr-directorate",
        "directorate",
        18,
        (9, 0),
        9,
        "محوطهٔ استانداری تهران",
        "غرفه‌های دستگاه‌های اجرایی استان با معرفی خدمات، طرح‌های افتتاح‌شده و پاسخ‌گویی "
        "حضوری به پرسش‌های مردم. ورود برای همه آزاد است.",
    ),
    EventPlan(
        "بازدید خبرنگاران از طرح آبرسانی شهرهای جنوب استان",
        E.PRESS_CONFERENCE,
        "water",
        "multi",
        6,
        (8, 30),
        5,
        "محل طرح — حرکت از مقابل ساختمان شرکت آب و فاضلاب استان تهران",
        "بازدید رسانه‌ای از پیشرفت طرح و گفت‌وگو با مجریان آن.",
        cancel_reason="به‌خاطر پیش‌بینی بارش شدید و هشدار هواشناسی، بازدید به زمان دیگری "
        "موکول شد؛ زمان تازه اعلام می‌شود.",
    ),
]

# --- the occasions calendar: national days of the Iranian calendar (Jalali) that matter to
# communication, every year. The official holidays (Nowruz, 12 and 13 Farvardin, 29 Esfand, the
# lunar ones of the year) come with the kernel's calendar (core/calendar/holidays.py).
# (title, month, day, length in days, description)
OCCASIONS = [
    ("روز ملی خلیج فارس", 2, 10, 1, ""),
    ("روز جهانی کار و کارگر", 2, 11, 1, ""),
    ("روز معلم", 2, 12, 1, ""),
    ("روز بزرگداشت فردوسی و پاسداشت زبان فارسی", 2, 25, 1, ""),
    (
        "روز ارتباطات و روابط عمومی",
        2,
        27,
        1,
        "روز ملی ارتباطات و روابط عمومی؛ هم‌زمان با روز جهانی ارتباطات.",
    ),
    ("روز ملی صنعت و معدن", 4, 10, 1, ""),
    ("روز خبرنگار", 5, 17, 1, ""),
    ("هفتهٔ دولت", 6, 2, 7, "۲ تا ۸ شهریور؛ گزارش عملکرد دستگاه‌ها و افتتاح طرح‌ها."),
    ("روز کارمند", 6, 4, 1, ""),
    ("هفتهٔ دفاع مقدس", 6, 31, 7, "۳۱ شهریور تا ۶ مهر."),
    ("هفتهٔ کتاب و کتاب‌خوانی", 8, 24, 7, "۲۴ تا ۳۰ آبان."),
    ("روز دانشجو", 9, 16, 1, ""),
    ("دههٔ فجر", 11, 12, 11, "۱۲ تا ۲۲ بهمن؛ سالگرد پیروزی انقلاب اسلامی."),
    ("روز درختکاری", 12, 15, 1, ""),
]


# --- loading -----------------------------------------------------------------------------


def _key(title: str) -> str:
    """The title as the service stores it: what idempotency compares."""
    return normalize(title).strip()


def _local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return jalali.make_aware_local(dt.datetime.combine(day, dt.time(hour, minute)))


def _today() -> dt.date:
    return jalali.to_local(timezone.now()).date()


# Thursday and Friday: the Iranian weekend (Python's weekday(): Monday is 0).
WEEKEND = (3, 4)


def _working_day(day: dt.date, *, forward: bool) -> dt.date:
    """The day itself, or the nearest Saturday–Wednesday: later for an event still to come,
    earlier for one held (so that it stays in the past)."""
    step = dt.timedelta(days=1 if forward else -1)
    while day.weekday() in WEEKEND:
        day += step
    return day


def _deadline(value: dt.date | int) -> dt.date:
    if isinstance(value, int):
        return _today() + dt.timedelta(days=value)
    # A fixed past date stays in the past (overdue) whenever the demo is loaded.
    return min(value, _today() - dt.timedelta(days=7))


def _seed_meeting(users: dict[str, Any], agencies: dict[str, Agency]) -> bool:
    if Event.objects.filter(title=_key(SEED_TITLE)).exists():
        return False
    staff = users["directorate"]
    event = services.event_create(
        actor=staff,
        data=services.EventInput(
            title=SEED_TITLE,
            kind=E.NETWORK_MEETING,
            description=SEED_DESCRIPTION,
            starts_at=SEED_STARTS,
            ends_at=SEED_ENDS,
            venue=SEED_VENUE,
            organizer=agencies["pr-directorate"],
            invite_mode=Event.Invite.ALL,
            is_public=True,
        ),
    )
    # Announced a week before (the seed release was published on 27 Ordibehesht).
    Event.objects.filter(pk=event.pk).update(created_at=SEED_STARTS - dt.timedelta(days=7))
    for offset, minutes, title, speaker in SEED_AGENDA:
        begins = SEED_STARTS + dt.timedelta(minutes=offset)
        services.agenda_item_add(
            actor=staff,
            event=event,
            title=title,
            speaker=speaker,
            starts_at=begins,
            ends_at=begins + dt.timedelta(minutes=minutes),
        )
    _past_attendees(event, SEED_ATTENDEES, agencies, staff)
    services.event_save_minutes(actor=staff, event=event, minutes=SEED_MINUTES)
    for plan in SEED_RESOLUTIONS:
        resolution = services.resolution_create(
            actor=staff,
            event=event,
            data=services.ResolutionInput(
                text=plan.text,
                responsible=agencies[plan.responsible],
                owner=users[plan.owner] if plan.owner else None,
                deadline=_deadline(plan.deadline),
            ),
        )
        if plan.report:
            services.resolution_report(
                actor=users[plan.reporter],
                resolution=resolution,
                report=services.ResolutionReport(**plan.report),
            )
    return True


def _past_attendees(
    event: Event,
    attendees: Any,
    agencies: dict[str, Agency],
    staff: Any,
) -> None:
    """Registrations of an event already held, as they would have been made: by the directorate
    for invited agencies, before the deadline, one per phone; present ones checked in."""
    registered_on = event.deadline - dt.timedelta(days=2)
    for i, (slug, name, role, phone, present) in enumerate(attendees):
        agency = agencies[slug]
        if not event.invites(agency):
            raise ValueError(f"demo data: {slug} is not invited to {event.title}")
        registration = Registration.objects.create(
            event=event,
            agency=agency,
            name=_key(name),
            role=_key(role),
            phone=services.normalize_phone(phone),
            email=f"pr.{slug}@ravabet.example",
            registered_by=staff,
            attended_at=(event.starts_at + dt.timedelta(minutes=i % 12)) if present else None,
        )
        Registration.objects.filter(pk=registration.pk).update(
            created_at=registered_on + dt.timedelta(minutes=17 * i)
        )


def _event(plan: EventPlan, users: dict[str, Any], agencies: dict[str, Agency]) -> bool:
    if Event.objects.filter(title=_key(plan.title)).exists():
        return False
    today = _today()
    day = _working_day(today + dt.timedelta(days=plan.days), forward=plan.days >= 0)
    starts = _local(day, *plan.hour)
    deadline = None
    if plan.deadline_days is not None:
        deadline = _local(today + dt.timedelta(days=plan.deadline_days), 14)
    actor = users[plan.actor]
    event = services.event_create(
        actor=actor,
        data=services.EventInput(
            title=plan.title,
            kind=plan.kind,
            description=plan.description,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=plan.hours),
            venue=plan.venue,
            address=plan.address,
            online_url=plan.online_url,
            organizer=agencies[plan.organizer],
            invite_mode=plan.invite_mode,
            invited=[agencies[slug] for slug in plan.invited],
            capacity=plan.capacity,
            registration_deadline=deadline,
            is_public=plan.is_public,
        ),
    )
    if plan.days < 0:
        _past_attendees(
            event,
            [(a, n, r, p, bool(present)) for a, n, r, p, present in plan.attendees],
            agencies,
            users["directorate"],
        )
    else:
        for username, slug, name, role, phone in plan.attendees:
            services.registration_create(
                actor=users[username],
                event=event,
                agency=agencies[slug],
                data=services.AttendeeInput(
                    name=name, role=role, phone=phone, email=f"{username}@ravabet.example"
                ),
            )
    if plan.cancel_reason:
        services.event_cancel(actor=actor, event=event, reason=plan.cancel_reason)
    return True


def _occasions(staff: Any) -> None:
    holidays.prefill()  # after a flush (tests) the migration's holidays are gone
    existing = set(Occasion.objects.values_list("title", flat=True))
    for title, month, day, length, description in OCCASIONS:
        if _key(title) in existing:
            continue
        calendar.occasion_save(
            actor=staff,
            data=calendar.OccasionInput(
                title=title,
                month=month,
                day=day,
                length_days=length,
                description=description,
            ),
        )


@transaction.atomic
def load() -> int:
    """Load the demo events (after the kernel's agencies and people); returns how many events
    were created — 0 on a second run."""
    User = get_user_model()
    usernames = {"directorate", "head.roads", "officer.roads", "officer.health", "multi"}
    users = {u.username: u for u in User.objects.filter(username__in=usernames)}
    agencies = {a.slug: a for a in Agency.objects.all()}
    if "directorate" not in users or "pr-directorate" not in agencies:
        return 0  # the kernel's demo (agencies and people) is not loaded
    _occasions(users["directorate"])
    created = int(_seed_meeting(users, agencies))
    for plan in EVENTS:
        created += _event(plan, users, agencies)
    return created
