"""Demo citizens' messages: ~300 over the last ten Jalali months, across the demo agencies, so
that the inbox has work in every state and the public figures (/desk/stats/) say something.

Each agency has its own pace: roads, water and electricity answer fast and are rated well,
Tehran's municipality is slow, late and reopened, heritage gets only a handful of messages (so
the minimum-volume rule shows on the figures page). About one in ten citizens stays anonymous
to the agency, about one in twelve did not know the agency (the directorate routes it), three
in four messages are answered, a few are reopened, a few are still open past their deadline,
a few are spam or duplicates merged into another.

Every step goes through the services (message_submit, message_route, message_assign,
message_note, message_answer, message_reopen, message_rate, message_merge, message_mark_spam,
and the clock's messages_close_stale and messages_escalate_overdue), with their checks and
audit entries. The services stamp "now", so the demo then moves each message, its timeline
and its audit entries to the moments of its plan with queryset updates — a demo-only rewrite
of history, never done anywhere else. Nothing is sent: the tasks (SMS, e-mail) are enqueued
into a dummy backend while the loader runs, and confirmations are marked as sent.

Deterministic (one seeded random.Random; only the tracking codes are fresh), idempotent (a
second run finds the first planned message and does nothing), one transaction.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils import timezone
from tqdm import tqdm

from ravabet.core import jalali, pagecache
from ravabet.core.calendar.selectors import WorkingCalendar
from ravabet.core.models import AuditEntry
from ravabet.core.organisation.models import Agency, County
from ravabet.desk import services
from ravabet.desk.models import Message, MessageEvent, Status
from ravabet.persian import normalize

SEED = 1405
TOTAL = 300
# How far back the messages go.
DAYS_BACK = 300
TRIAGE_SHARE = 0.08
ANONYMOUS_SHARE = 0.10
SPAM_COUNT = 6
DUPLICATE_COUNT = 6
# While the loader runs, tasks go nowhere: no SMS or e-mail leaves for demo citizens.
QUIET_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}

T = TypeVar("T")


@dataclass(frozen=True)
class Pace:
    """How an agency answers: its share of the messages, how often it answers at all, working
    days to the first answer (low, most likely, high), the citizens' mean rating, and how
    often an answer is reopened."""

    weight: float
    answers: float
    days: tuple[int, int, int]
    rating: float
    reopens: float


PACES: dict[str, Pace] = {
    "municipality": Pace(56, 0.80, (2, 9, 22), 2.6, 0.16),
    "roads": Pace(34, 0.97, (0, 2, 6), 4.4, 0.03),
    "tums": Pace(32, 0.93, (1, 4, 9), 3.8, 0.05),
    "water": Pace(30, 0.96, (0, 2, 5), 4.2, 0.04),
    "electricity": Pace(22, 0.97, (0, 1, 4), 4.5, 0.02),
    "road-maintenance": Pace(18, 0.90, (1, 4, 10), 3.6, 0.05),
    "education": Pace(18, 0.88, (1, 5, 12), 3.4, 0.06),
    "gas": Pace(15, 0.94, (0, 3, 7), 3.9, 0.04),
    "welfare": Pace(14, 0.82, (2, 7, 15), 3.1, 0.08),
    "environment": Pace(12, 0.88, (1, 4, 9), 3.7, 0.05),
}
# A handful only: listed on the figures page, never ranked.
FEW = {"heritage": 4}

KIND_SHARES = (
    ("complaint", 0.36),
    ("request", 0.30),
    ("question", 0.20),
    ("suggestion", 0.09),
    ("appreciation", 0.05),
)

# --- what citizens write ---------------------------------------------------------------------

PLACES: dict[str, tuple[str, ...]] = {
    "street": (
        "شهید بهشتی",
        "ولیعصر",
        "آزادی",
        "مطهری",
        "شریعتی",
        "پیروزی",
        "ستارخان",
        "کارگر شمالی",
        "دماوند",
        "پاسداران",
        "جمهوری",
        "هفده شهریور",
    ),
    "hood": (
        "نارمک",
        "تهرانپارس",
        "سعادت‌آباد",
        "شهرک غرب",
        "یوسف‌آباد",
        "نازی‌آباد",
        "پونک",
        "جنت‌آباد",
        "افسریه",
        "خاک سفید",
        "جوادیه",
        "شهران",
    ),
    "park": ("لاله", "ملت", "شفق", "بعثت", "پردیسان", "چیتگر", "نهج‌البلاغه"),
    "underpass": (
        "میدان رسالت",
        "بزرگراه نواب",
        "چهارراه ولیعصر",
        "میدان سپاه",
        "بزرگراه صیاد شیرازی",
    ),
    "metro": ("صادقیه", "تجریش", "میدان انقلاب", "دروازه دولت", "نبرد", "شهران", "کهریزک"),
    "district": tuple(f"منطقهٔ {n}" for n in ("۲", "۴", "۵", "۸", "۱۳", "۱۵", "۱۸", "۲۲")),
    "newtown": ("پردیس", "پرند", "هشتگرد", "اندیشه", "پرند فاز ۸"),
    "road": (
        "فیروزکوه",
        "هراز",
        "دماوند به فیروزکوه",
        "قدیم قم",
        "ورامین به پیشوا",
        "شهریار به ملارد",
        "لواسان",
        "رباط‌کریم به پرند",
    ),
    "km": ("۱۲", "۲۰", "۳۴", "۴۷", "۵۸", "۷۳"),
    "hospital": (
        "امام خمینی",
        "شریعتی",
        "سینا",
        "بهارلو",
        "ضیاییان",
        "فارابی",
        "روزبه",
        "ولیعصر",
    ),
    "ward": ("قلب", "اطفال", "زنان و زایمان", "ارتوپدی", "داخلی", "چشم"),
    "school": (
        "دبستان شهید رجایی",
        "دبیرستان فرزانگان",
        "هنرستان شهید چمران",
        "دبستان دخترانهٔ مهر",
        "دبیرستان پسرانهٔ امام رضا",
    ),
    "village": ("کیلان", "آبسرد", "جابان", "ارجمند", "قصرفیروزه", "کهریزک", "سلقان"),
}

# (kind, subject, body); {street}, {hood}… are filled from PLACES, {county} from the counties.
MESSAGES: dict[str, list[tuple[str, str, str]]] = {
    "municipality": [
        (
            "complaint",
            "انباشت زباله در کوچه‌های {hood}",
            "چند روز است زباله‌های کوچه‌های محلهٔ {hood} جمع‌آوری نشده و بوی آن همسایه‌ها را آزار "
            "می‌دهد. گربه‌ها کیسه‌ها را پاره کرده‌اند و کوچه کثیف شده است. لطفاً برنامهٔ "
            "جمع‌آوری را پیگیری کنید.",
        ),
        (
            "request",
            "روشنایی مسیر پیاده‌روی پارک {park}",
            "چراغ‌های مسیر پیاده‌روی پارک {park} بیش از دو هفته است خاموش مانده و شب‌ها عبور از "
            "آن برای خانواده‌ها و سالمندان ناامن شده است. خواهش می‌کنم برای تعمیر آن‌ها اقدام "
            "شود.",
        ),
        (
            "complaint",
            "آب‌گرفتگی زیرگذر {underpass}",
            "با هر بارندگی زیرگذر {underpass} آب می‌گیرد و خودروها در آن می‌مانند. به نظر "
            "می‌رسد آبروهای ورودی زیرگذر گرفته است. پیش از بارش‌های پاییزی لایروبی شود.",
        ),
        (
            "complaint",
            "کندی رسیدگی به پروندهٔ پروانهٔ ساختمانی در {district}",
            "پروندهٔ پروانهٔ ساختمانی ملک ما در {district} سه ماه است در مرحلهٔ بررسی مانده و "
            "هر بار که مراجعه می‌کنیم ما را به واحد دیگری می‌فرستند. لطفاً وضعیت پرونده را "
            "روشن کنید.",
        ),
        (
            "suggestion",
            "ایستگاه دوچرخهٔ اشتراکی کنار مترو {metro}",
            "پیشنهاد می‌کنم کنار ایستگاه مترو {metro} ایستگاه دوچرخهٔ اشتراکی راه‌اندازی شود؛ "
            "فاصلهٔ ایستگاه تا محل کار بسیاری از اهالی کوتاه است و این کار از ترافیک هم "
            "می‌کاهد.",
        ),
        (
            "question",
            "زمان پایان بازسازی پیاده‌روی خیابان {street}",
            "عملیات بازسازی پیاده‌روی خیابان {street} از دو ماه پیش آغاز شده و مصالح در پیاده‌رو "
            "رها شده است. کار کی به پایان می‌رسد؟",
        ),
        (
            "complaint",
            "سد معبر در پیاده‌روی خیابان {street}",
            "مغازه‌داران و دست‌فروشان پیاده‌روی خیابان {street} را گرفته‌اند و عابران، به‌ویژه "
            "کسانی که کالسکه یا ویلچر دارند، ناچارند از سوارهرو بروند.",
        ),
        (
            "request",
            "هرس درختان خیابان {street}",
            "شاخه‌های درختان خیابان {street} به سیم‌های برق و تابلوهای راهنمایی رسیده و دید "
            "رانندگان را گرفته است. لطفاً برای هرس درختان برنامه‌ریزی کنید.",
        ),
        (
            "appreciation",
            "قدردانی از پاک‌بانان محلهٔ {hood}",
            "از پاک‌بانان محلهٔ {hood} که پس از برف دیشب پیش از صبح کوچه‌ها را باز کردند "
            "صمیمانه سپاسگزارم.",
        ),
    ],
    "roads": [
        (
            "question",
            "زمان تحویل واحدهای نهضت ملی مسکن در {newtown}",
            "در طرح نهضت ملی مسکن در {newtown} ثبت‌نام کرده‌ام و سه قسط را پرداخته‌ام. زمان "
            "تقریبی تحویل واحدها و پیشرفت فیزیکی پروژه را اعلام بفرمایید.",
        ),
        (
            "request",
            "پاسخ استعلام کاربری زمین در {county}",
            "برای قطعه زمینی در شهرستان {county} استعلام کاربری خواسته‌ام و یک ماه است پاسخی "
            "نرسیده است. بدون این پاسخ، کار نقل و انتقال سند متوقف مانده است.",
        ),
        (
            "complaint",
            "چاله‌های خیابان دسترسی شهر جدید {newtown}",
            "خیابان اصلی دسترسی به شهر جدید {newtown} پر از چاله شده و پس از هر بارندگی "
            "وضعیت بدتر می‌شود. این مسیر هر روز محل رفت‌وآمد هزاران نفر است.",
        ),
        (
            "complaint",
            "نیمه‌کاره ماندن تقاطع غیرهمسطح ورودی {newtown}",
            "عملیات ساخت تقاطع ورودی {newtown} ماه‌هاست متوقف است و کارگاه رهاشده ترافیک "
            "سنگینی ساخته است. علت توقف و زمان ادامهٔ کار چیست؟",
        ),
        (
            "request",
            "پیگیری پروانهٔ ساخت در حریم شهر {county}",
            "درخواست پروانهٔ ساخت ملک مسکونی ما در حریم شهر {county} از اداره‌کل استعلام شده "
            "است. لطفاً پاسخ استعلام را زودتر بفرستید.",
        ),
        (
            "suggestion",
            "پیاده‌روسازی کنار بلوار اصلی {newtown}",
            "کنار بلوار اصلی {newtown} پیاده‌رو ندارد و دانش‌آموزان از کنار خودروها عبور "
            "می‌کنند. پیشنهاد می‌کنم پیش از بازگشایی مدارس پیاده‌رو ساخته شود.",
        ),
        (
            "appreciation",
            "قدردانی از پیگیری سند واحد مسکونی",
            "سند واحد مسکونی‌ام پس از پیگیری کارشناسان اداره‌کل در کمتر از یک هفته صادر شد. از "
            "پاسخ‌گویی و همراهی همکاران سپاسگزارم.",
        ),
    ],
    "road-maintenance": [
        (
            "complaint",
            "چاله‌های خطرناک در کیلومتر {km} جادهٔ {road}",
            "در کیلومتر {km} جادهٔ {road} چند چالهٔ عمیق هست که شب‌ها دیده نمی‌شود. دیروز دو "
            "خودرو در آن آسیب دیدند. پیش از آنکه حادثه‌ای رخ دهد لکه‌گیری شود.",
        ),
        (
            "request",
            "نصب گاردریل در پیچ‌های جادهٔ {road}",
            "پیچ‌های تند جادهٔ {road} گاردریل ندارد و در روزهای مه‌آلود بسیار خطرناک است. "
            "درخواست نصب گاردریل و تابلوی هشدار دارم.",
        ),
        (
            "question",
            "بازگشایی جادهٔ {road} پس از بارش برف",
            "جادهٔ {road} پس از بارش برف دیشب بسته شده است. آیا امروز بازگشایی می‌شود و "
            "استفاده از زنجیر چرخ الزامی است؟",
        ),
        (
            "request",
            "مجوز راه دسترسی برای کارگاه در جادهٔ {road}",
            "برای کارگاه تولیدی‌مان کنار جادهٔ {road} درخواست مجوز راه دسترسی داده‌ایم. مدارک "
            "کامل است؛ لطفاً وضعیت بررسی را اعلام کنید.",
        ),
        (
            "complaint",
            "تردد کامیون‌های سنگین از جادهٔ روستای {village}",
            "کامیون‌های معدن از جادهٔ باریک روستای {village} عبور می‌کنند و آسفالت را از بین "
            "برده‌اند. ایمنی کودکان در خطر است.",
        ),
    ],
    "tums": [
        (
            "complaint",
            "صف طولانی نوبت درمانگاه بیمارستان {hospital}",
            "برای نوبت درمانگاه {ward} بیمارستان {hospital} از ساعت شش صبح در صف ایستادم و "
            "ساعت ده گفتند نوبت‌ها تمام شده است. سامانهٔ نوبت‌دهی اینترنتی هم کار نمی‌کند.",
        ),
        (
            "complaint",
            "معطلی بیماران در اورژانس بیمارستان {hospital}",
            "پدرم با درد قفسهٔ سینه چهار ساعت در اورژانس بیمارستان {hospital} روی صندلی منتظر "
            "ماند تا ویزیت شود. لطفاً به وضعیت تخت‌های اورژانس رسیدگی کنید.",
        ),
        (
            "question",
            "زمان واکسیناسیون آنفلوانزای سالمندان در {county}",
            "مادرم ۷۵ ساله است. واکسن آنفلوانزای سالمندان از چه تاریخی و در کدام مرکز بهداشت "
            "شهرستان {county} تزریق می‌شود؟",
        ),
        (
            "request",
            "پزشک متخصص اطفال در مرکز بهداشت {county}",
            "مرکز جامع سلامت شهرستان {county} پزشک متخصص اطفال ندارد و باید برای هر ویزیت به "
            "تهران برویم. درخواست داریم روزهایی در هفته پزشک متخصص حضور داشته باشد.",
        ),
        (
            "complaint",
            "دریافت هزینهٔ بیش از تعرفه در بیمارستان {hospital}",
            "برای بستری یک‌روزهٔ همسرم در بخش {ward} بیمارستان {hospital} مبلغی بیش از تعرفهٔ "
            "مصوب گرفته‌اند و رسید تفکیکی نمی‌دهند.",
        ),
        (
            "appreciation",
            "قدردانی از کادر بخش {ward} بیمارستان {hospital}",
            "از پزشکان و پرستاران بخش {ward} بیمارستان {hospital} برای مراقبت دلسوزانه از "
            "فرزندم در روزهای بستری سپاسگزارم.",
        ),
    ],
    "water": [
        (
            "complaint",
            "افت فشار آب در محلهٔ {hood}",
            "از ساعت هشت شب به بعد فشار آب در طبقه‌های بالای ساختمان‌های محلهٔ {hood} به حدی "
            "کم است که آب به مخزن نمی‌رسد.",
        ),
        (
            "complaint",
            "نشت فاضلاب در خیابان {street}",
            "فاضلاب از دریچهٔ خیابان {street} بیرون می‌زند و در جوی آب راه افتاده است. بوی آن "
            "تا داخل خانه‌ها می‌آید.",
        ),
        (
            "complaint",
            "مبلغ غیرعادی قبض آب",
            "مبلغ قبض آب این دوره سه برابر دوره‌های پیش است، در حالی که مصرف ما تغییری نکرده "
            "است. لطفاً کنتور را بازدید کنید.",
        ),
        (
            "request",
            "انشعاب فاضلاب برای ساختمان نوساز در {county}",
            "ساختمان ما در شهرستان {county} پایان کار گرفته است و برای انشعاب فاضلاب درخواست "
            "داده‌ایم. زمان نصب انشعاب را اعلام کنید.",
        ),
        (
            "question",
            "برنامهٔ قطعی یا کاهش فشار آب در تابستان",
            "آیا برای تابستان برنامهٔ کاهش فشار یا قطعی شبانهٔ آب در محلهٔ {hood} هست؟ جدول آن "
            "کجا منتشر می‌شود؟",
        ),
        (
            "complaint",
            "کدر بودن آب لوله‌کشی در {hood}",
            "از دیروز آب لوله‌کشی محلهٔ {hood} کدر و کمی بودار است. آیا برای آشامیدن سالم است؟",
        ),
    ],
    "electricity": [
        (
            "complaint",
            "قطعی‌های مکرر برق در محلهٔ {hood}",
            "این هفته سه بار برق محلهٔ {hood} بدون اطلاع قبلی قطع شد و یخچال و کامپیوترها آسیب "
            "دیدند.",
        ),
        (
            "question",
            "جدول خاموشی‌های برنامه‌ریزی‌شدهٔ {county}",
            "جدول خاموشی‌های برنامه‌ریزی‌شدهٔ شهرستان {county} را کجا می‌توان دید؟ برای "
            "کسب‌وکار کوچک ما دانستن زمان آن مهم است.",
        ),
        (
            "request",
            "جابه‌جایی تیر برق جلوی ملک در {county}",
            "تیر برق درست جلوی در پارکینگ ملک ما در شهرستان {county} است و ورود خودرو را "
            "ناممکن کرده است. درخواست جابه‌جایی آن را دارم.",
        ),
        (
            "complaint",
            "سوختن وسایل برقی پس از نوسان برق",
            "پس از نوسان شدید برق دیشب در خیابان {street}، تلویزیون و مودم ما سوخت. خسارت چگونه "
            "جبران می‌شود؟",
        ),
        (
            "appreciation",
            "قدردانی از گروه اتفاقات برق",
            "گروه اتفاقات برق نیمه‌شب در کمتر از یک ساعت برق کوچهٔ ما را وصل کرد. دستشان درد نکند.",
        ),
    ],
    "gas": [
        (
            "complaint",
            "بوی گاز در کوچه‌ای در {hood}",
            "از دیروز در یکی از کوچه‌های محلهٔ {hood} بوی گاز می‌آید. نگرانیم که نشتی در لوله باشد.",
        ),
        (
            "complaint",
            "افت فشار گاز در روزهای سرد در {county}",
            "در روزهای سرد فشار گاز در شهرستان {county} آن‌قدر کم می‌شود که بخاری خاموش می‌شود.",
        ),
        (
            "request",
            "گازرسانی به روستای {village}",
            "روستای {village} هنوز گاز لوله‌کشی ندارد و اهالی در زمستان با کپسول گرم می‌شوند. "
            "زمان گازرسانی را اعلام کنید.",
        ),
        (
            "question",
            "اشتباه در قرائت کنتور گاز",
            "در قبض گاز این دوره عدد کنتور بیشتر از عدد واقعی نوشته شده است. برای اصلاح آن چه "
            "باید بکنم؟",
        ),
    ],
    "education": [
        (
            "complaint",
            "دریافت وجه اجباری در ثبت‌نام {school}",
            "هنگام ثبت‌نام فرزندم در {school} گفتند بدون پرداخت «کمک به مدرسه» پرونده تکمیل "
            "نمی‌شود. آیا این کار قانونی است؟",
        ),
        (
            "complaint",
            "نبود دبیر ریاضی در {school}",
            "یک ماه از آغاز سال تحصیلی گذشته و کلاس ریاضی پایهٔ دهم {school} هنوز دبیر ندارد.",
        ),
        (
            "request",
            "تعمیر سامانهٔ گرمایش کلاس‌های {school}",
            "بخاری‌های چند کلاس {school} خراب است و دانش‌آموزان با لباس گرم سر کلاس می‌نشینند.",
        ),
        (
            "question",
            "زمان ثبت‌نام پایهٔ اول در {county}",
            "ثبت‌نام پایهٔ اول دبستان در شهرستان {county} از چه تاریخی آغاز می‌شود و چه مدارکی "
            "لازم است؟",
        ),
        (
            "suggestion",
            "سرویس مدرسه برای دانش‌آموزان روستای {village}",
            "دانش‌آموزان روستای {village} هر روز چند کیلومتر تا مدرسه پیاده می‌روند. پیشنهاد "
            "می‌کنم سرویس رایگان برای آنان فراهم شود.",
        ),
    ],
    "welfare": [
        (
            "complaint",
            "پرداخت نشدن مستمری مددجویان",
            "مستمری این ماه مادر سالمندم که مددجوی بهزیستی {county} است هنوز واریز نشده است.",
        ),
        (
            "request",
            "نوبت کاشت حلزون شنوایی",
            "فرزندم دو ساله است و پزشک کاشت حلزون شنوایی را لازم دانسته است. برای نوبت و کمک "
            "هزینه درخواست دارم.",
        ),
        (
            "request",
            "کمک هزینهٔ ویلچر برقی",
            "همسرم معلولیت حرکتی دارد و به ویلچر برقی نیاز دارد. آیا بهزیستی {county} کمک "
            "هزینه می‌دهد؟",
        ),
        (
            "question",
            "شرایط پذیرش در مراکز روزانهٔ سالمندان",
            "شرایط پذیرش پدرم در مرکز روزانهٔ سالمندان شهرستان {county} چیست و هزینهٔ ماهانه "
            "چقدر است؟",
        ),
    ],
    "environment": [
        (
            "complaint",
            "دود کارگاه‌های آجرپزی در {county}",
            "دود کارگاه‌های آجرپزی اطراف شهرستان {county} شب‌ها هوای محله را آلوده می‌کند و "
            "کودکان سرفه می‌کنند.",
        ),
        (
            "complaint",
            "رهاسازی نخالهٔ ساختمانی کنار رودخانهٔ {village}",
            "کامیون‌ها شبانه نخالهٔ ساختمانی را کنار رودخانهٔ روستای {village} خالی می‌کنند.",
        ),
        (
            "request",
            "برخورد با شکار غیرمجاز در ارتفاعات {county}",
            "در روزهای تعطیل شکارچیان غیرمجاز در ارتفاعات شهرستان {county} دیده می‌شوند. "
            "درخواست گشت محیط‌بانان را دارم.",
        ),
    ],
    "heritage": [
        (
            "complaint",
            "آسیب به خانهٔ تاریخی محلهٔ {hood}",
            "در خانهٔ قدیمی ثبت‌شدهٔ محلهٔ {hood} عملیات ساختمانی آغاز شده و بخشی از دیوار "
            "کاشی‌کاری‌شده تخریب شده است.",
        ),
        (
            "question",
            "ساعت بازدید کاخ گلستان در روزهای تعطیل",
            "کاخ گلستان در روزهای تعطیل رسمی از چه ساعتی باز است و بلیت را می‌توان اینترنتی خرید؟",
        ),
        (
            "appreciation",
            "قدردانی از برگزاری نمایشگاه صنایع‌دستی",
            "نمایشگاه صنایع‌دستی استان بسیار خوب برگزار شد؛ از برگزارکنندگان سپاسگزارم.",
        ),
        (
            "suggestion",
            "راهنمای صوتی فارسی برای موزه‌ها",
            "پیشنهاد می‌کنم برای موزه‌های تهران راهنمای صوتی فارسی روی تلفن همراه فراهم شود.",
        ),
    ],
}

ANSWERS: dict[str, tuple[str, ...]] = {
    "municipality": (
        "پیام شما به شهرداری {district} ارجاع شد و گروه خدمات شهری در برنامهٔ این هفته "
        "بازدید و رسیدگی می‌کند.",
        "موضوع در دستور کار معاونت خدمات شهری قرار گرفت؛ نتیجه پس از بازدید کارشناس اطلاع "
        "داده می‌شود.",
        "پروندهٔ شما بررسی شد. برای تکمیل آن، مدارک مالکیت را به دفتر خدمات الکترونیک شهر "
        "منطقه بسپارید.",
    ),
    "roads": (
        "پیشرفت فیزیکی پروژه ۶۵ درصد است و تحویل واحدها بر پایهٔ برنامه در نیمهٔ دوم سال "
        "انجام می‌شود؛ زمان دقیق از راه پیامک اعلام خواهد شد.",
        "استعلام شما پاسخ داده شد و نتیجه برای دفتر اسناد رسمی فرستاده شده است.",
        "موضوع به معاونت راه و ساختمان اداره‌کل ارجاع شد و عملیات اصلاح مسیر در برنامهٔ "
        "همین ماه قرار گرفت.",
    ),
    "road-maintenance": (
        "گروه راهداری امروز به محل اعزام شد و لکه‌گیری آسفالت در این محور انجام می‌شود.",
        "درخواست شما در برنامهٔ ایمن‌سازی محورهای استان ثبت شد؛ نصب گاردریل پس از تأمین "
        "اعتبار انجام می‌شود.",
        "محور هم‌اکنون باز است؛ همراه داشتن زنجیر چرخ تا پایان هشدار هواشناسی الزامی است.",
    ),
    "tums": (
        "از تأخیر پیش‌آمده پوزش می‌خواهیم. نوبت‌دهی درمانگاه‌ها از این هفته تنها اینترنتی "
        "و تلفنی است و ظرفیت روزانه افزایش یافته است.",
        "موضوع به ریاست بیمارستان ارجاع و بررسی شد؛ نتیجه به شما اعلام می‌شود.",
        "واکسن از مرکز جامع سلامت شهرستان تزریق می‌شود؛ برای نوبت با سامانهٔ ۴۰۳۰ تماس بگیرید.",
    ),
    "water": (
        "گروه بهره‌برداری بازدید کرد و ایراد برطرف شد. اگر مشکل ادامه داشت دوباره خبر دهید.",
        "کنتور شما بازدید و قبض اصلاح شد؛ قبض اصلاحی پیامک خواهد شد.",
        "موضوع به امور آبفای منطقه ارجاع شد و گروه اتفاقات در محل حاضر شد.",
    ),
    "electricity": (
        "علت قطعی، خرابی کابل فشار ضعیف بود که تعویض شد.",
        "جدول خاموشی‌ها هر روز در اپلیکیشن «برق من» منتشر می‌شود.",
        "درخواست شما ثبت شد و کارشناس برای برآورد هزینهٔ جابه‌جایی تماس می‌گیرد.",
    ),
    "gas": (
        "گروه امداد گاز بازدید کرد؛ نشتی در علمک یکی از ساختمان‌ها بود که رفع شد.",
        "روستا در برنامهٔ گازرسانی امسال است و لوله‌گذاری پس از پایان زمستان آغاز می‌شود.",
        "کنتور شما دوباره قرائت شد و قبض اصلاحی صادر شد.",
    ),
    "education": (
        "پرداخت هرگونه وجه هنگام ثبت‌نام اختیاری است؛ به مدیر مدرسه تذکر داده شد.",
        "دبیر ریاضی از هفتهٔ آینده در مدرسه حاضر می‌شود.",
        "ثبت‌نام از اول خرداد در سامانهٔ my.medu.ir آغاز می‌شود.",
    ),
    "welfare": (
        "مستمری این ماه با تأخیر چندروزه واریز می‌شود؛ از صبوری شما سپاسگزاریم.",
        "پرونده برای کمیسیون پزشکی فرستاده شد و نتیجه تلفنی اطلاع داده می‌شود.",
        "شرایط پذیرش و هزینه‌ها در ادارهٔ بهزیستی شهرستان گفته می‌شود؛ نوبت مشاوره برای شما ثبت شد.",
    ),
    "environment": (
        "گزارش شما به یگان حفاظت محیط زیست رسید و از کارگاه‌ها بازرسی شد.",
        "گشت محیط‌بانی در روزهای تعطیل افزایش یافت.",
    ),
    "heritage": (
        "کارشناسان میراث فرهنگی بازدید کردند و دستور توقف عملیات صادر شد.",
        "کاخ گلستان همهٔ روزها از ساعت ۹ تا ۱۷ باز است و بلیت اینترنتی فروخته می‌شود.",
    ),
}
THANKS = "از لطف شما سپاسگزاریم؛ پیامتان به همکاران رسانده شد."
SECOND_ANSWERS = (
    "پس از بازگشایی، کارشناس دوباره بازدید کرد و کار ناتمام انجام شد. از پیگیری شما سپاسگزاریم.",
    "موضوع دوباره بررسی و به مسئول مستقیم واحد سپرده شد؛ نتیجه را پیامک خواهیم کرد.",
)
NOTES = (
    "با واحد اجرایی هماهنگ شد؛ بازدید میدانی هفتهٔ آینده.",
    "پرونده‌ای مشابه هفتهٔ پیش هم داشتیم؛ یکجا بررسی شود.",
    "شهروند تلفنی هم تماس گرفته بود؛ پاسخ مکتوب لازم است.",
    "منتظر نظر کارشناس حقوقی.",
    "موضوع در جلسهٔ هفتگی معاونت مطرح شود.",
)
REOPEN_REASONS = (
    "کاری انجام نشده و مشکل همچنان باقی است.",
    "پاسخ کلی بود و به پرسش من جواب نداد.",
    "قرار بود ظرف یک هفته بازدید شود، اما کسی نیامد.",
)
COMMENTS = {
    1: ("هیچ اقدامی نشد.", "پاسخ فقط برای رفع تکلیف بود."),
    2: ("پاسخ دیر رسید.", "کار نیمه‌تمام ماند."),
    3: ("پاسخ داده شد ولی کار هنوز کامل نیست.", ""),
    4: ("ممنون از پیگیری.", "خوب بود، کمی دیر."),
    5: ("سریع و دقیق؛ سپاسگزارم.", "عالی بود، مشکل حل شد."),
}
SPAM = (
    (
        "فروش ویژهٔ لوازم خانگی با تخفیف",
        "برای خرید لوازم خانگی با بیشترین تخفیف به کانال ما بپیوندید.",
    ),
    ("وام فوری بدون ضامن", "وام فوری بدون ضامن و چک با کمترین سود؛ تماس بگیرید."),
    ("تبلیغ", "آموزش کسب درآمد دلاری از خانه در سه روز."),
)

FIRST_NAMES = (
    ("محمد", "mohammad"),
    ("علی", "ali"),
    ("فاطمه", "fateme"),
    ("زهرا", "zahra"),
    ("حسین", "hossein"),
    ("مریم", "maryam"),
    ("رضا", "reza"),
    ("سارا", "sara"),
    ("مهدی", "mahdi"),
    ("نرگس", "narges"),
    ("امیر", "amir"),
    ("لیلا", "leila"),
    ("حمید", "hamid"),
    ("الهام", "elham"),
    ("جواد", "javad"),
    ("معصومه", "masoumeh"),
    ("سعید", "saeed"),
    ("پریسا", "parisa"),
    ("مجید", "majid"),
    ("سمیه", "somayeh"),
)
LAST_NAMES = (
    "محمدی",
    "حسینی",
    "احمدی",
    "رضایی",
    "موسوی",
    "کریمی",
    "جعفری",
    "صادقی",
    "قاسمی",
    "اکبری",
    "نوری",
    "رحیمی",
    "کاظمی",
    "هاشمی",
    "شریفی",
    "یزدانی",
    "طاهری",
    "بابایی",
    "عباسی",
    "نجفی",
)
MOBILE_PREFIXES = ("0912", "0935", "0919", "0901", "0936", "0910", "0921", "0990")
# Who handles an agency's messages in the demo: its own staff where the demo has them,
# otherwise the directorate answers on its behalf.
STAFF = {
    "roads": ("officer.roads", "head.roads"),
    "tums": ("officer.health",),
    "water": ("multi",),
    "regional-water": ("multi",),
}


# --- the plan of one message -----------------------------------------------------------------


@dataclass
class Plan:
    slug: str
    kind: str
    subject: str
    body: str
    created: dt.datetime
    county: str = ""
    name: str = ""
    mobile: str = ""
    email: str = ""
    anonymous: bool = False
    triage: bool = False
    stays_in_triage: bool = False
    answers: bool = True
    days: int = 0
    rating: int | None = None
    comment: str = ""
    reopens: bool = False
    note: str = ""
    spam: bool = False
    duplicate_of: int | None = None  # index of the message it repeats
    answer: str = ""
    second_answer: str = ""
    reopen_reason: str = ""
    # Filled while loading: the message and the moments of its steps.
    message: Message | None = None
    moments: dict[str, dt.datetime] = field(default_factory=dict)


def _fill(text: str, rng: random.Random, county: str) -> str:
    values = {key: rng.choice(options) for key, options in PLACES.items()}
    values["county"] = county
    return text.format(**values)


def _moment(rng: random.Random, day: dt.date, low: float, high: float) -> dt.datetime:
    minutes = int(rng.uniform(low, high) * 60)
    local = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minutes)
    return jalali.make_aware_local(local)


def _received_at(rng: random.Random, now: dt.datetime) -> dt.datetime:
    """A moment in the last DAYS_BACK days, a little busier lately, mostly in the day;
    never in the future (a moment later today moves to the day before)."""
    back = int(DAYS_BACK * (1 - rng.random() ** 0.85))
    day = jalali.to_local(now).date() - dt.timedelta(days=max(back, 0))
    moment = _moment(rng, day, 8, 21) if rng.random() < 0.8 else _moment(rng, day, 0, 24)
    return moment - dt.timedelta(days=1) if moment > now - dt.timedelta(hours=1) else moment


def _pick_kind(rng: random.Random) -> str:
    roll, total = rng.random(), 0.0
    for kind, share in KIND_SHARES:
        total += share
        if roll < total:
            return kind
    return KIND_SHARES[0][0]


def _citizen(rng: random.Random, plan: Plan, number: int) -> None:
    first, latin = rng.choice(FIRST_NAMES)
    plan.name = f"{first} {rng.choice(LAST_NAMES)}"
    if rng.random() < 0.85:
        plan.mobile = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**7):07d}"
    if not plan.mobile or rng.random() < 0.3:
        plan.email = f"{latin}.{number}@example.com"
    if rng.random() < ANONYMOUS_SHARE:
        plan.anonymous = True
        if rng.random() < 0.5:
            plan.name = ""


def _rating(rng: random.Random, pace: Pace, late: bool) -> int:
    value = rng.gauss(pace.rating - (0.8 if late else 0.0), 0.9)
    return max(1, min(5, round(value)))


def plan_messages(agencies: dict[str, Agency], counties: list[str], now: dt.datetime) -> list[Plan]:
    """The demo's messages, decided before anything is written (the same every run)."""
    rng = random.Random(SEED)  # noqa: S311 - demo data, not a secret
    slugs = [s for s in PACES if s in agencies]
    weights = [PACES[s].weight for s in slugs]
    chosen: list[str] = [s for s, n in FEW.items() if s in agencies for _ in range(n)]
    while len(chosen) < TOTAL - SPAM_COUNT - DUPLICATE_COUNT:
        chosen.append(rng.choices(slugs, weights)[0])
    plans: list[Plan] = []
    for number, slug in enumerate(chosen):
        pace = PACES.get(slug, Pace(1, 0.9, (1, 3, 8), 3.8, 0.05))
        kind = _pick_kind(rng)
        options = [m for m in MESSAGES[slug] if m[0] == kind] or MESSAGES[slug]
        kind, subject, body = rng.choice(options)
        county = rng.choice(counties) if counties else "تهران"
        plan = Plan(
            slug=slug,
            kind=kind,
            subject=_fill(subject, rng, county),
            body=_fill(body, rng, county),
            created=_received_at(rng, now),
            county=county,
        )
        _citizen(rng, plan, number)
        plan.triage = rng.random() < TRIAGE_SHARE
        plan.answers = rng.random() < pace.answers
        low, mode, high = pace.days
        plan.days = round(rng.triangular(low, high, mode))
        plan.reopens = rng.random() < pace.reopens * 1.6
        plan.note = rng.choice(NOTES) if rng.random() < 0.2 else ""
        if kind == "appreciation":
            plan.answer = THANKS
            plan.reopens = False
        else:
            plan.answer = _fill(rng.choice(ANSWERS[slug]), rng, county)
        plan.second_answer = rng.choice(SECOND_ANSWERS)
        plan.reopen_reason = rng.choice(REOPEN_REASONS)
        if rng.random() < 0.62:
            late = plan.days > services.sla_days_for(kind)
            plan.rating = _rating(rng, pace, late or plan.reopens)
            plan.comment = rng.choice(COMMENTS[plan.rating])
        plans.append(plan)
    # Two wait in triage still; the newest triage messages, so they are not years overdue.
    waiting = sorted((p for p in plans if p.triage), key=lambda p: p.created)[-2:]
    for plan in waiting:
        plan.stays_in_triage = True
    # Duplicates: the same subject again, hours after a message of the same agency.
    targets = [
        i
        for i, p in enumerate(plans)
        if not p.stays_in_triage and p.created < now - dt.timedelta(days=3)
    ]
    for target in rng.sample(targets, DUPLICATE_COUNT):
        original = plans[target]
        copy = Plan(
            slug=original.slug,
            kind=original.kind,
            subject=original.subject,
            body=original.body,
            created=original.created + dt.timedelta(hours=rng.uniform(6, 40)),
            county=original.county,
            duplicate_of=target,
        )
        _citizen(rng, copy, len(plans) + target)
        plans.append(copy)
    for index in range(SPAM_COUNT):
        subject, body = SPAM[index % len(SPAM)]
        spam = Plan(
            slug=rng.choice(slugs),
            kind="suggestion",
            subject=subject,
            body=body,
            created=_received_at(rng, now),
            spam=True,
        )
        _citizen(rng, spam, 900 + index)
        plans.append(spam)
    return plans


# --- loading --------------------------------------------------------------------------------


class History:
    """The moments the services' rows stand for. Each service call is run through `at()`,
    which notes the span of real time the call took; the timeline events and audit entries
    stamped within that span are later moved to the call's moment by `rewrite()` (every
    moment of the plan is before the load began, so a moved row never falls in a later span)."""

    def __init__(self) -> None:
        self.steps: list[tuple[dt.datetime, dt.datetime, dt.datetime]] = []

    def at(self, moment: dt.datetime, call: Callable[[], T]) -> T:
        began = timezone.now()
        result = call()
        self.steps.append((began, timezone.now(), moment))
        return result

    def rewrite(self) -> None:
        for model in (MessageEvent, AuditEntry):
            _set_created_at(model, self.steps)


def _set_created_at(model: Any, spans: list[tuple[dt.datetime, dt.datetime, dt.datetime]]) -> None:
    """Per span, `created_at` of the rows stamped within it becomes the span's moment: one
    statement run many times (an ORM update per step takes seconds for ~1,000 steps)."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    column = quote(model._meta.get_field("created_at").column)
    sql = f"UPDATE {table} SET {column} = %s WHERE {column} >= %s AND {column} <= %s"  # noqa: S608 - names from the model
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.executemany(
            sql, [(adapt(moment), adapt(began), adapt(ended)) for began, ended, moment in spans]
        )


def _answer_moment(
    rng: random.Random, calendar: WorkingCalendar, after: dt.datetime, days: int
) -> dt.datetime:
    """Office hours on the `days`-th working day after `after` (later the same day for 0)."""
    local = jalali.to_local(after)
    if days == 0 and local.hour < 14 and calendar.is_working_day(local.date()):
        return after + dt.timedelta(hours=rng.uniform(1, 3))
    ends = calendar.add_working_days(after, max(days, 1))
    day = jalali.to_local(ends - dt.timedelta(seconds=1)).date()
    return _moment(rng, day, 8.5, 15.5)


def _staff(slug: str, users: dict[str, Any]) -> list[Any]:
    return [users[name] for name in STAFF.get(slug, ()) if name in users]


def _live(plan: Plan, ctx: _Context) -> None:
    """Run one message's life through the services, as far as its plan has reached by now."""
    rng, history, now = ctx.rng, ctx.history, ctx.now
    agency = ctx.agencies[plan.slug]
    county = ctx.counties.get(plan.county)
    data = services.MessageInput(
        kind=plan.kind,
        subject=plan.subject,
        body=plan.body,
        agency=None if plan.triage else agency,
        county=county,
        citizen_name=plan.name,
        mobile=plan.mobile,
        email=plan.email,
        is_anonymous=plan.anonymous,
    )
    message = history.at(plan.created, lambda: services.message_submit(data=data))
    plan.message = message
    plan.moments["created"] = plan.created
    directorate = ctx.directorate
    clock = plan.created
    if plan.triage:
        if plan.stays_in_triage:
            return
        clock = _answer_moment(rng, ctx.calendar, clock, 0 if rng.random() < 0.6 else 1)
        if clock >= now:
            return
        message = history.at(
            clock,
            lambda: services.message_route(actor=directorate, message=message, agency=agency),
        )
    if plan.spam:
        when = min(clock + dt.timedelta(hours=rng.uniform(1, 20)), now - dt.timedelta(minutes=5))
        plan.moments["closed"] = when
        history.at(
            when,
            lambda: services.message_mark_spam(
                actor=directorate, message=message, reason="تبلیغ بازرگانی"
            ),
        )
        return
    staff = _staff(plan.slug, ctx.users)
    handler = directorate
    if staff:
        handler = rng.choice(staff)
        when = clock + dt.timedelta(hours=rng.uniform(0.5, 6))
        if when >= now:
            return
        clock = when
        message = history.at(
            clock,
            lambda: services.message_assign(actor=handler, message=message, assignee=handler),
        )
    if plan.duplicate_of is not None:
        return  # merged at the end, into the message it repeats
    answered = max(
        _answer_moment(rng, ctx.calendar, plan.created, plan.days),
        clock + dt.timedelta(minutes=30),
    )
    if plan.note:
        when = clock + (answered - clock) * rng.uniform(0.2, 0.8)
        if when < now:
            history.at(
                when,
                lambda: services.message_note(actor=handler, message=message, text=plan.note),
            )
    if not plan.answers or answered >= now:
        return
    message = history.at(
        answered,
        lambda: services.message_answer(actor=handler, message=message, text=plan.answer),
    )
    plan.moments["answered"] = plan.moments["first_answer"] = answered
    last = answered
    if plan.reopens:
        reopened = answered + dt.timedelta(hours=rng.uniform(10, 96))
        if reopened >= now:
            return
        message = history.at(
            reopened,
            lambda: services.message_reopen(message=message, reason=plan.reopen_reason),
        )
        plan.moments["reopened"] = reopened
        again = _answer_moment(rng, ctx.calendar, reopened, max(1, plan.days // 2))
        if again >= now or rng.random() < 0.12:
            return  # still open after the reopening
        message = history.at(
            again,
            lambda: services.message_answer(
                actor=handler, message=message, text=plan.second_answer
            ),
        )
        plan.moments["answered"] = last = again
    if plan.rating is not None:
        rated = last + dt.timedelta(hours=rng.uniform(2, 120))
        if rated >= now:
            return
        history.at(
            rated,
            lambda: services.message_rate(
                message=message, rating=plan.rating or 3, comment=plan.comment
            ),
        )
        plan.moments["rated"] = rated


@dataclass
class _Context:
    rng: random.Random
    history: History
    now: dt.datetime
    calendar: WorkingCalendar
    agencies: dict[str, Agency]
    counties: dict[str, County]
    users: dict[str, Any]
    directorate: Any


def _merge_duplicates(plans: list[Plan], ctx: _Context) -> None:
    for plan in plans:
        if plan.duplicate_of is None or plan.message is None:
            continue
        into = plans[plan.duplicate_of].message
        message = Message.objects.get(pk=plan.message.pk)
        if into is None or message.status not in (Status.RECEIVED, Status.IN_PROGRESS):
            continue
        into = Message.objects.get(pk=into.pk)
        if into.status in (Status.MERGED, Status.SPAM) or into.agency_id != message.agency_id:
            continue
        when = min(plan.created + dt.timedelta(hours=8), ctx.now - dt.timedelta(minutes=5))
        ctx.history.at(
            when,
            functools.partial(
                services.message_merge, actor=ctx.directorate, message=message, into=into
            ),
        )
        plan.moments["closed"] = when


def _backdate(plans: list[Plan], ctx: _Context) -> None:
    """Move each message to the moments of its plan (the services stamped "now")."""
    calendar = ctx.calendar
    messages = Message.objects.in_bulk([p.message.pk for p in plans if p.message is not None])
    for plan in plans:
        if plan.message is None:
            continue
        moments = plan.moments
        message = messages[plan.message.pk]
        created = moments["created"]
        due = calendar.add_working_days(created, message.sla_days)
        fields: dict[str, Any] = {
            "created_at": created,
            "updated_at": max(moments.values()),
            "due_at": due,
        }
        if message.mobile or message.email:
            fields["confirmation_sent_at"] = created + dt.timedelta(minutes=1)
        if "first_answer" in moments:
            first = moments["first_answer"]
            fields["first_answered_at"] = first
            fields["first_answer_days"] = calendar.working_days_between(created, first)
            fields["answered_in_time"] = first <= due
            fields["answered_at"] = moments["answered"]
        if "reopened" in moments:
            fields["due_at"] = calendar.add_working_days(moments["reopened"], message.sla_days)
        if "rated" in moments:
            fields["rated_at"] = fields["closed_at"] = moments["rated"]
        if message.status in (Status.SPAM, Status.MERGED):
            fields["closed_at"] = fields["updated_at"]
        Message.objects.filter(pk=message.pk).update(**fields)


def _run_the_clock(ctx: _Context) -> None:
    """What the periodic task would have done by now: answered messages the citizen left
    alone are closed after RAVABET_DESK_CLOSE_AFTER_DAYS, overdue ones escalated. Through the
    services, then dated when the task would have run."""
    closed = services.messages_close_stale(now=ctx.now, limit=TOTAL * 2)
    after = dt.timedelta(days=settings.RAVABET_DESK_CLOSE_AFTER_DAYS, minutes=15)
    for message in Message.objects.filter(pk__in=closed).only("pk", "answered_at"):
        if message.answered_at is None:
            continue
        moment = min(message.answered_at + after, ctx.now)
        Message.objects.filter(pk=message.pk).update(closed_at=moment, updated_at=moment)
        message.events.filter(kind=MessageEvent.Kind.CLOSED).update(created_at=moment)
    escalated = services.messages_escalate_overdue(now=ctx.now, limit=TOTAL * 2)
    for message in Message.objects.filter(pk__in=escalated).only("pk", "due_at"):
        # A quarter of an hour after the deadline, never after now (a deadline at midnight
        # passed a few minutes ago would otherwise date the escalation in the future).
        moment = min(message.due_at + dt.timedelta(minutes=15), ctx.now)
        Message.objects.filter(pk=message.pk).update(escalated_at=moment, updated_at=moment)
        message.events.filter(kind=MessageEvent.Kind.ESCALATED).update(created_at=moment)


@contextlib.contextmanager
def _quietly() -> Iterator[None]:
    """While the demo loads: the tasks the services enqueue (confirmations, answer notices,
    escalations) go to a dummy backend — no SMS or e-mail to invented citizens — and the
    public pages are renewed once at the end instead of after each of ~1,000 steps."""
    changed_public = services._changed_public
    services._changed_public = lambda: None
    try:
        with override_settings(TASKS=QUIET_TASKS):
            yield
    finally:
        services._changed_public = changed_public


def load() -> int:
    """Load the demo messages (after the kernel's agencies and people); returns how many
    messages were created — 0 on a second run or without the kernel's demo."""
    with _quietly(), transaction.atomic():
        created = _load()
    if created:
        pagecache.bump(services.PUBLIC_TOPIC)
    return created


def _load() -> int:
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=_usernames())}
    agencies = {a.slug: a for a in Agency.objects.filter(is_active=True)}
    if "directorate" not in users or not any(slug in agencies for slug in PACES):
        return 0  # the kernel's demo (agencies and people) is not loaded
    counties = {c.name: c for c in County.objects.all()}
    now = timezone.now()
    plans = plan_messages(agencies, sorted(counties) or ["تهران"], now)
    first = plans[0]
    if Message.objects.filter(
        subject=normalize(first.subject), body=normalize(first.body)
    ).exists():
        return 0  # loaded before: a second run keeps what is there
    ctx = _Context(
        rng=random.Random(SEED + 1),  # noqa: S311 - demo data, not a secret
        history=History(),
        now=now,
        calendar=WorkingCalendar(),
        agencies=agencies,
        counties=counties,
        users=users,
        directorate=users["directorate"],
    )
    for plan in tqdm(plans, desc="demo messages", unit="message", disable=None):
        _live(plan, ctx)
    _merge_duplicates(plans, ctx)
    ctx.history.rewrite()
    _backdate(plans, ctx)
    _run_the_clock(ctx)
    return sum(1 for p in plans if p.message is not None)


def _usernames() -> set[str]:
    names = {"directorate"}
    for staff in STAFF.values():
        names.update(staff)
    return names
