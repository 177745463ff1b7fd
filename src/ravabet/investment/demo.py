"""Demo investment catalogue: 30 published opportunities across the sectors and the counties of
Tehran province, a few more on their way through the workflow, 6 support programmes, and
investors' inquiries at every stage of the pipeline (answered in time or late, a meeting held,
an MoU signed, one declined with its reason).

Everything goes through the services (the same checks, workflow, audit and desk inbox a person
meets), taken by the demo's directorate account, which may take every step for every agency.
The figures are illustrative: realistic orders of magnitude, not an agency's published numbers.
Idempotent: nothing is added when the catalogue already holds the first opportunity's title.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from tqdm import tqdm

from ravabet.core.organisation.models import Agency, County

# County → a point inside it (approximate), for the opportunities' locations.
POINTS: dict[str, tuple[float, float]] = {
    "tehran": (35.70, 51.40),
    "rey": (35.59, 51.44),
    "shemiranat": (35.82, 51.50),
    "eslamshahr": (35.55, 51.23),
    "shahriar": (35.66, 51.06),
    "malard": (35.66, 50.97),
    "qods": (35.72, 51.11),
    "robat-karim": (35.48, 51.08),
    "baharestan": (35.53, 51.17),
    "pakdasht": (35.47, 51.68),
    "varamin": (35.32, 51.65),
    "qarchak": (35.43, 51.57),
    "pishva": (35.31, 51.73),
    "damavand": (35.72, 52.06),
    "firuzkuh": (35.76, 52.77),
    "pardis": (35.74, 51.78),
}

# Rials per US dollar for the demo's estimates (illustrative), with its date and source.
USD_RATE = 680_000

D, P, B, L = "direct", "partnership", "bot", "lease"

# title, sector, county, agency, capital as typed, participation, IRR %, payback years,
# land, permits, summary, English title
OPPORTUNITIES: list[tuple[Any, ...]] = [
    (
        "مجتمع گردشگری و اقامتی دریاچهٔ چیتگر",
        "tourism",
        "tehran",
        "heritage",
        "۱٫۲ همت",
        [P, B],
        "21.5",
        "6",
        "ready",
        "issued",
        "هتل ۱۲۰ اتاقه، مرکز خرید و تفریحی در کنار دریاچهٔ چیتگر با دسترسی به بزرگراه همت.",
        "Chitgar Lake tourism and hotel complex",
    ),
    (
        "اقامتگاه بوم‌گردی روستای اوشان",
        "tourism",
        "shemiranat",
        "heritage",
        "۴۵ میلیارد تومان",
        [D],
        "24",
        "4",
        "investor",
        "in_progress",
        "بازسازی سه خانهٔ روستایی به اقامتگاه بوم‌گردی با ۱۸ اتاق در دامنهٔ البرز.",
        "Ecolodge in Oushan village",
    ),
    (
        "مجموعهٔ گردشگری زمستانی آبعلی",
        "tourism",
        "damavand",
        "heritage",
        "۸۵۰ میلیارد تومان",
        [P, B],
        "19",
        "7",
        "allocating",
        "in_progress",
        "توسعهٔ پیست اسکی، تله‌کابین دوم و هتل کوهستانی در منطقهٔ آبعلی.",
        "Abali winter resort expansion",
    ),
    (
        "پارک آبی و تفریحی پردیس",
        "tourism",
        "pardis",
        "heritage",
        "۳۲۰ میلیارد تومان",
        [D, P],
        "22",
        "5",
        "ready",
        "issued",
        "پارک آبی سرپوشیده با ظرفیت روزانهٔ ۳۰۰۰ بازدیدکننده در ورودی شهر پردیس.",
        "",
    ),
    (
        "گلخانهٔ هیدروپونیک صیفی‌جات ورامین",
        "agriculture",
        "varamin",
        "agriculture",
        "۱۸۰ میلیارد تومان",
        [D, P],
        "26",
        "4",
        "ready",
        "issued",
        "۱۰ هکتار گلخانهٔ پیشرفتهٔ هیدروپونیک برای تولید گوجه و خیار صادراتی.",
        "Hydroponic greenhouse, Varamin",
    ),
    (
        "کارخانهٔ فراوری و بسته‌بندی خرمای صادراتی",
        "agriculture",
        "pishva",
        "agriculture",
        "۹۵ میلیارد تومان",
        [D],
        "23",
        "4.5",
        "investor",
        "not_started",
        "خط درجه‌بندی، ضدعفونی و بسته‌بندی ۱۲ هزار تن خرما در سال برای بازارهای صادراتی.",
        "",
    ),
    (
        "مجتمع پرورش ماهی قزل‌آلا در فیروزکوه",
        "agriculture",
        "firuzkuh",
        "agriculture",
        "۶۰ میلیارد تومان",
        [D, P],
        "28",
        "3.5",
        "allocating",
        "in_progress",
        "پرورش ۸۰۰ تن ماهی قزل‌آلا در سال با آب سرد رودخانهٔ حبله‌رود.",
        "Rainbow trout farm, Firuzkuh",
    ),
    (
        "سردخانهٔ زنجیره‌ای محصولات کشاورزی قرچک",
        "agriculture",
        "qarchak",
        "agriculture",
        "۱۲۰ میلیارد تومان",
        [D, L],
        "20",
        "5",
        "ready",
        "issued",
        "سردخانهٔ ۲۰ هزار تنی با انبار مدرن و دسترسی به جادهٔ ورامین.",
        "",
    ),
    (
        "شهرک صنعتی تخصصی داروسازی",
        "industry",
        "eslamshahr",
        "industry",
        "۲٫۵ همت",
        [P],
        "18",
        "8",
        "allocating",
        "in_progress",
        "زیرساخت شهرک ۱۲۰ هکتاری تخصصی داروسازی و تجهیزات پزشکی با تصفیه‌خانهٔ مشترک.",
        "Specialised pharmaceutical industrial park",
    ),
    (
        "کارخانهٔ بازیافت پسماند الکترونیکی",
        "industry",
        "robat-karim",
        "industry",
        "۲۱۰ میلیارد تومان",
        [D, P],
        "25",
        "4",
        "ready",
        "issued",
        "بازیافت ۱۵ هزار تن پسماند الکترونیکی و استحصال فلزات گران‌بها در سال.",
        "E-waste recycling plant",
    ),
    (
        "تولید قطعات خودروهای برقی",
        "industry",
        "shahriar",
        "industry",
        "۶۵۰ میلیارد تومان",
        [D, P],
        "17",
        "7",
        "investor",
        "not_started",
        "تولید موتور و باتری‌پک خودروهای برقی سبک برای خودروسازان داخلی.",
        "Electric vehicle parts manufacturing",
    ),
    (
        "کارخانهٔ تولید پنل‌های ساختمانی پیش‌ساخته",
        "industry",
        "malard",
        "industry",
        "۱۴۰ میلیارد تومان",
        [D],
        "22",
        "5",
        "ready",
        "in_progress",
        "تولید سالانهٔ ۴۰۰ هزار متر مربع پنل سه‌بعدی برای ساخت سریع مسکن.",
        "",
    ),
    (
        "معدن و کارخانهٔ فراوری سنگ تراورتن",
        "mining",
        "firuzkuh",
        "industry",
        "۷۵ میلیارد تومان",
        [D, P],
        "27",
        "4",
        "investor",
        "issued",
        "استخراج و برش ۶۰ هزار متر مربع سنگ تراورتن در سال با پروانهٔ بهره‌برداری معتبر.",
        "",
    ),
    (
        "کارخانهٔ تولید پودر میکرونیزهٔ کربنات کلسیم",
        "mining",
        "damavand",
        "industry",
        "۵۵ میلیارد تومان",
        [D],
        "24",
        "4",
        "investor",
        "in_progress",
        "فراوری ۵۰ هزار تن سنگ آهک در سال برای صنایع رنگ، کاغذ و پلاستیک.",
        "",
    ),
    (
        "نیروگاه خورشیدی ۱۰ مگاواتی پیشوا",
        "energy",
        "pishva",
        "electricity",
        "۴۰۰ میلیارد تومان",
        [D, B],
        "16",
        "7",
        "ready",
        "issued",
        "نیروگاه خورشیدی با قرارداد خرید تضمینی برق در زمین ۲۰ هکتاری آماده.",
        "10 MW solar plant, Pishva",
    ),
    (
        "نیروگاه بازیافت گاز محل دفن زباله کهریزک",
        "energy",
        "rey",
        "municipality",
        "۲۸۰ میلیارد تومان",
        [B],
        "15",
        "8",
        "ready",
        "in_progress",
        "تولید ۶ مگاوات برق از گاز متان محل دفن پسماند آرادکوه.",
        "Landfill gas power plant, Kahrizak",
    ),
    (
        "جایگاه‌های شارژ خودروی برقی در آزادراه‌ها",
        "energy",
        "tehran",
        "electricity",
        "۹۰ میلیارد تومان",
        [P, L],
        "19",
        "6",
        "not_needed",
        "not_started",
        "۴۰ جایگاه شارژ سریع در مجتمع‌های خدماتی آزادراه‌های استان.",
        "",
    ),
    (
        "مجتمع مسکونی اقشار متوسط پردیس",
        "housing",
        "pardis",
        "roads",
        "۱٫۸ همت",
        [P],
        "18",
        "5",
        "ready",
        "issued",
        "ساخت ۱۲۰۰ واحد مسکونی با مشارکت سرمایه‌گذار در فاز ۱۱ شهر جدید پردیس.",
        "Middle-income housing, Pardis",
    ),
    (
        "بازآفرینی بافت فرسودهٔ محلهٔ سیزده‌آبان",
        "housing",
        "tehran",
        "municipality",
        "۹۵۰ میلیارد تومان",
        [P],
        "20",
        "6",
        "to_acquire",
        "in_progress",
        "نوسازی ۱۸ هکتار بافت فرسوده با تشویق‌های تراکم و عوارض شهرداری.",
        "",
    ),
    (
        "مرکز تجاری و اداری ورودی اسلامشهر",
        "housing",
        "eslamshahr",
        "roads",
        "۶۰۰ میلیارد تومان",
        [P, L],
        "17",
        "6",
        "ready",
        "in_progress",
        "ساختمان ۱۴ طبقهٔ تجاری و اداری در زمین دولتی کنار بزرگراه آیت‌الله سعیدی.",
        "",
    ),
    (
        "بندر خشک و مرکز لجستیک آپرین",
        "transport",
        "qods",
        "road-maintenance",
        "۳٫۲ همت",
        [P, B],
        "16",
        "9",
        "allocating",
        "in_progress",
        "مرکز لجستیک ۲۰۰ هکتاری با اتصال ریلی و جاده‌ای در غرب تهران.",
        "Aprin dry port and logistics hub",
    ),
    (
        "پایانهٔ بار و مجتمع خدمات رفاهی جادهٔ فیروزکوه",
        "transport",
        "damavand",
        "road-maintenance",
        "۱۱۰ میلیارد تومان",
        [D, L],
        "21",
        "5",
        "ready",
        "issued",
        "پایانهٔ بار، پارکینگ کامیون و مجتمع خدمات بین‌راهی در محور تهران–فیروزکوه.",
        "",
    ),
    (
        "خط اتوبوس برقی پاکدشت–تهران",
        "transport",
        "pakdasht",
        "municipality",
        "۳۸۰ میلیارد تومان",
        [B],
        "14",
        "9",
        "not_needed",
        "not_started",
        "تأمین ۶۰ اتوبوس برقی و بهره‌برداری از خط با قرارداد ساخت، بهره‌برداری و واگذاری.",
        "",
    ),
    (
        "بیمارستان تخصصی ۱۵۰ تختخوابی بهارستان",
        "health",
        "baharestan",
        "tums",
        "۱٫۵ همت",
        [P, B],
        "15",
        "9",
        "ready",
        "in_progress",
        "بیمارستان تخصصی با بخش‌های قلب، زنان و اورژانس برای ۶۰۰ هزار نفر جمعیت بهارستان.",
        "150-bed specialised hospital, Baharestan",
    ),
    (
        "مرکز جامع توان‌بخشی و مراقبت سالمندان",
        "health",
        "shemiranat",
        "welfare",
        "۲۲۰ میلیارد تومان",
        [D, P],
        "18",
        "6",
        "ready",
        "issued",
        "مرکز شبانه‌روزی ۲۰۰ تختی مراقبت سالمندان و توان‌بخشی در دامنهٔ شمیرانات.",
        "",
    ),
    (
        "کلینیک گردشگری سلامت ری",
        "health",
        "rey",
        "sbmu",
        "۱۳۰ میلیارد تومان",
        [D],
        "23",
        "5",
        "investor",
        "in_progress",
        "کلینیک جراحی محدود و اقامت بیماران خارجی نزدیک فرودگاه امام.",
        "Medical tourism clinic, Rey",
    ),
    (
        "مرکز داده و رایانش ابری استان",
        "ict",
        "pardis",
        "economy",
        "۷۰۰ میلیارد تومان",
        [D, P],
        "19",
        "6",
        "ready",
        "issued",
        "مرکز دادهٔ ردهٔ سوم با ۵۰۰ رک در پارک فناوری پردیس.",
        "Provincial data centre, Pardis Technology Park",
    ),
    (
        "شبکهٔ فیبر نوری روستاهای جنوب استان",
        "ict",
        "varamin",
        "economy",
        "۱۶۰ میلیارد تومان",
        [B, P],
        "17",
        "7",
        "not_needed",
        "in_progress",
        "رساندن اینترنت پرسرعت به ۱۸۰ روستای ورامین، پیشوا و قرچک.",
        "",
    ),
    (
        "تصفیه‌خانهٔ فاضلاب و بازچرخانی آب صنعتی شهریار",
        "water",
        "shahriar",
        "water",
        "۹۰۰ میلیارد تومان",
        [B],
        "14",
        "10",
        "ready",
        "in_progress",
        "تصفیهٔ ۴۰ هزار متر مکعب فاضلاب در روز و فروش پساب به صنایع غرب استان.",
        "Wastewater treatment and reuse, Shahriar",
    ),
    (
        "آب‌شیرین‌کن و خط انتقال آب صنعتی رباط‌کریم",
        "water",
        "robat-karim",
        "regional-water",
        "۴۲۰ میلیارد تومان",
        [B, P],
        "15",
        "8",
        "allocating",
        "not_started",
        "تأمین آب صنعتی شهرک‌های جنوب‌غرب استان از پساب تصفیه‌شده.",
        "",
    ),
]

# Not yet published: a draft, one awaiting approval, one approved awaiting the directorate.
IN_PROGRESS: list[tuple[str, str, str, str, str]] = [
    ("draft", "کارگاه تولید صنایع‌دستی و فروشگاه آنلاین", "tourism", "varamin", "heritage"),
    ("submitted", "مجتمع کشت و صنعت گیاهان دارویی", "agriculture", "damavand", "agriculture"),
    ("approved", "پارکینگ طبقاتی مکانیزه میدان شهدا", "transport", "tehran", "municipality"),
]

# kind, title, agency, legal basis, sectors, summary, eligibility
PROGRAMMES: list[tuple[str, str, str, str, list[str], str, str]] = [
    (
        "one_stop",
        "پنجرهٔ واحد خدمات سرمایه‌گذاری استان",
        "economy",
        "قانون تشویق و حمایت سرمایه‌گذاری خارجی",
        [
            "agriculture",
            "industry",
            "mining",
            "tourism",
            "energy",
            "housing",
            "transport",
            "health",
            "ict",
            "water",
            "services",
        ],
        "همهٔ استعلام‌ها و مجوزهای یک طرح در یک مرکز، با کارشناس پیگیر و زمان‌بندی روشن.",
        "هر سرمایه‌گذار داخلی یا خارجی با طرح در استان تهران.",
    ),
    (
        "tax",
        "معافیت مالیاتی طرح‌های تولیدی و معدنی",
        "economy",
        "مادهٔ ۱۳۲ قانون مالیات‌های مستقیم",
        ["industry", "mining", "agriculture"],
        "درآمد ابرازی واحدهای تولیدی و معدنی تازه تا چند سال از مالیات معاف است؛ در مناطق "
        "کمتر توسعه‌یافته مدت بیشتری.",
        "واحدهای دارای پروانهٔ بهره‌برداری از مرجع قانونی؛ خارج از شعاع ۱۲۰ کیلومتری تهران.",
    ),
    (
        "land",
        "واگذاری زمین در شهرک‌های صنعتی با پرداخت اقساطی",
        "industry",
        "ضوابط شرکت شهرک‌های صنعتی ایران",
        ["industry"],
        "زمین آماده با زیرساخت آب، برق و گاز؛ بخشی از بها نقد و باقی در اقساط.",
        "دارندگان جواز تأسیس صنعتی معتبر.",
    ),
    (
        "facility",
        "تسهیلات طرح‌های گردشگری",
        "heritage",
        "قانون توسعهٔ صنعت ایرانگردی و جهانگردی",
        ["tourism"],
        "تسهیلات بانکی با یارانهٔ سود برای ساخت و تکمیل تأسیسات اقامتی و پذیرایی.",
        "طرح‌های دارای موافقت اصولی از ادارهٔ کل میراث فرهنگی، گردشگری و صنایع‌دستی.",
    ),
    (
        "facility",
        "خرید تضمینی برق تجدیدپذیر",
        "electricity",
        "مصوبات وزارت نیرو دربارهٔ خرید برق تجدیدپذیر",
        ["energy"],
        "قرارداد بلندمدت خرید برق نیروگاه‌های خورشیدی و بادی به نرخ تضمینی.",
        "نیروگاه‌های تجدیدپذیر با مجوز از سازمان انرژی‌های تجدیدپذیر.",
    ),
    (
        "customs",
        "معافیت گمرکی ماشین‌آلات خط تولید",
        "industry",
        "قانون امور گمرکی",
        ["industry", "agriculture", "mining"],
        "ماشین‌آلات و تجهیزات خط تولید وارداتی که مشابه داخلی ندارند از حقوق ورودی معاف‌اند.",
        "واحدهای تولیدی دارای جواز تأسیس؛ تأیید نبود مشابه داخلی.",
    ),
]

# opportunity index, name, company, capital range, foreign, outcome, reason, answered?
INQUIRIES: list[tuple[int, str, str, str, bool, str, str, bool]] = [
    (0, "مهدی رستمی", "گروه هتل‌های پارس", "100b-1t", False, "meeting", "", True),
    (0, "Hamid Karimi", "Gulf Hospitality LLC", "gt1t", True, "open", "", True),
    (
        4,
        "فاطمه نوروزی",
        "کشت و صنعت سبزدشت",
        "10b-100b",
        False,
        "mou",
        "تفاهم‌نامهٔ مشارکت ۴۰ درصدی امضا شد.",
        True,
    ),
    (
        9,
        "رضا مرادی",
        "بازیافت سبز ایرانیان",
        "10b-100b",
        False,
        "declined",
        "سرمایه‌گذار سرمایهٔ لازم را در این مرحله تأمین نکرد.",
        True,
    ),
    (14, "سارا جعفری", "انرژی پاک آفتاب", "100b-1t", False, "meeting", "", True),
    (17, "علی حسینی", "", "10b-100b", False, "open", "", False),
    (20, "Li Wei", "Silk Road Logistics", "gt1t", True, "open", "", False),
    (23, "نرگس کاظمی", "هلدینگ سلامت نوین", "100b-1t", False, "open", "", True),
    (26, "پویا شریفی", "ابرداده", "10b-100b", False, "mou", "قرارداد اجارهٔ ۱۰۰ رک امضا شد.", True),
    (
        2,
        "کامران صادقی",
        "",
        "lt10b",
        False,
        "declined",
        "طرح با توان مالی متقاضی تناسب نداشت.",
        True,
    ),
]


def _actor() -> Any:
    return get_user_model().objects.filter(username="directorate").first()


def load() -> None:
    from ravabet.desk import selectors as desk_selectors
    from ravabet.desk import services as desk_services
    from ravabet.investment.models import Opportunity
    from ravabet.investment.services import inquiries, opportunities, programmes
    from ravabet.persian import parse_amount

    if Opportunity.objects.filter(title=OPPORTUNITIES[0][0]).exists():
        return
    actor = _actor()
    if actor is None:
        return  # the organisation's demo (people) loads first
    agencies = {a.slug: a for a in Agency.objects.all()}
    counties = {c.slug: c for c in County.objects.all()}
    today = timezone.localdate()
    rate_day = today - dt.timedelta(days=20)
    made: list[Any] = []
    for index, row in enumerate(tqdm(OPPORTUNITIES, desc="فرصت‌های سرمایه‌گذاری", unit="فرصت")):
        title, sector, county, agency, capital, participation, irr, payback = row[:8]
        land, permits, summary, title_en = row[8:]
        lat, lon = POINTS[county]
        data = opportunities.OpportunityInput(
            title=title,
            summary=summary,
            description=(
                f"{summary}\n\nمطالعات امکان‌سنجی طرح انجام شده و دستگاه مسئول آمادهٔ ارائهٔ "
                "اطلاعات تکمیلی و بازدید از محل است. سرمایه‌گذار از حمایت‌های مرکز خدمات "
                "سرمایه‌گذاری استان برخوردار می‌شود."
            ),
            title_en=title_en,
            summary_en=(
                f"{title_en}: an investment opportunity in Tehran province offered by a public "
                "agency; feasibility study available on request."
                if title_en
                else ""
            ),
            sector=sector,
            county=counties.get(county),
            address=f"استان تهران، شهرستان {counties[county].name}" if county in counties else "",
            latitude=lat + (index % 3) * 0.01,
            longitude=lon + (index % 2) * 0.01,
            land_status=land,
            permit_status=permits,
            status_notes="",
            capital=capital,
            usd_estimate="",
            usd_rate="",
            usd_rate_date=None,
            usd_rate_source="",
            irr_percent=Decimal(irr),
            payback_years=Decimal(payback),
            returns_assumptions=(
                "بر پایهٔ قیمت‌های ثابت سال جاری، نرخ تنزیل ۱۸ درصد و بهره‌برداری کامل از سال سوم."
            ),
            participation=participation,
            contact_name="مرکز خدمات سرمایه‌گذاری استان تهران",
            contact_phone="۰۲۱-۶۱۰۵۰۰۰۰",
            contact_email="invest@ravabet.example",
        )
        if index % 4 == 0:  # some with a dollar estimate, its rate and its source
            data.usd_estimate = str(parse_amount(capital) // USD_RATE)
            data.usd_rate = str(USD_RATE)
            data.usd_rate_date = rate_day
            data.usd_rate_source = "مرکز مبادلهٔ ارز و طلای ایران"
        opportunity = opportunities.opportunity_create(
            actor=actor, agency=agencies[agency], data=data
        )
        for action in ("submit", "approve", "publish"):
            opportunity = opportunities.opportunity_step(
                actor=actor, opportunity=opportunity, action=action
            )
        made.append(opportunity)
    for state, title, sector, county, agency in IN_PROGRESS:
        opportunity = opportunities.opportunity_create(
            actor=actor,
            agency=agencies[agency],
            data=opportunities.OpportunityInput(
                title=title,
                summary=f"{title}؛ در دست آماده‌سازی برای فهرست استان.",
                sector=sector,
                county=counties.get(county),
            ),
        )
        steps = {"draft": [], "submitted": ["submit"], "approved": ["submit", "approve"]}
        for action in steps[state]:
            opportunity = opportunities.opportunity_step(
                actor=actor, opportunity=opportunity, action=action
            )
    for kind, title, agency, basis, sectors, summary, eligibility in PROGRAMMES:
        programme = programmes.programme_create(
            actor=actor,
            agency=agencies[agency],
            data=programmes.ProgrammeInput(
                kind=kind,
                title=title,
                summary=summary,
                eligibility=eligibility,
                legal_basis=basis,
                sectors=sectors,
                opportunity_ids=[],
            ),
        )
        for action in ("submit", "approve", "publish"):
            programme = programmes.programme_step(actor=actor, programme=programme, action=action)
    for index, name, company, capital_range, foreign, outcome, reason, answered in INQUIRIES:
        inquiry = inquiries.inquiry_submit(
            data=inquiries.InquiryInput(
                name=name,
                company=company,
                email=f"investor{index}@example.com",
                message=(
                    "لطفاً مطالعهٔ امکان‌سنجی و شرایط مشارکت را بفرستید و زمانی برای بازدید "
                    "از محل طرح تعیین کنید."
                ),
                capital_range=capital_range,
                is_foreign=foreign,
                opportunity=made[index],
            )
        )
        if answered:
            message = desk_selectors.message_get_for(actor, inquiry.message_id)
            if message is not None:
                desk_services.message_answer(
                    actor=actor,
                    message=message,
                    text=(
                        "سپاس از درخواست شما. مطالعهٔ امکان‌سنجی پیوست شد؛ کارشناس طرح برای "
                        "هماهنگی بازدید با شما تماس می‌گیرد."
                    ),
                )
        if outcome != "open":
            inquiries.inquiry_set_outcome(
                actor=actor, inquiry=inquiry, outcome=outcome, reason=reason
            )
