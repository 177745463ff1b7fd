"""Demo data: the counties and executive agencies of Tehran province, and one person per role."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from ravabet.core.organisation.models import Agency, County, Membership

K = Agency.Kind

COUNTIES: list[tuple[str, str]] = [
    ("tehran", "تهران"),
    ("rey", "ری"),
    ("shemiranat", "شمیرانات"),
    ("eslamshahr", "اسلامشهر"),
    ("shahriar", "شهریار"),
    ("malard", "ملارد"),
    ("qods", "قدس"),
    ("robat-karim", "رباط‌کریم"),
    ("baharestan", "بهارستان"),
    ("pakdasht", "پاکدشت"),
    ("varamin", "ورامین"),
    ("qarchak", "قرچک"),
    ("pishva", "پیشوا"),
    ("damavand", "دماوند"),
    ("firuzkuh", "فیروزکوه"),
    ("pardis", "پردیس"),
]

# slug, name, short name, kind, parent slug, county slug, website
AGENCIES: list[tuple[str, str, str, str, str, str, str]] = [
    ("governorate", "استانداری تهران", "استانداری", K.GOVERNORATE, "", "tehran", ""),
    (
        "pr-directorate",
        "اداره‌کل روابط عمومی و امور بین‌الملل استانداری تهران",
        "روابط عمومی استانداری",
        K.DIRECTORATE,
        "governorate",
        "tehran",
        "",
    ),
    (
        "roads",
        "اداره‌کل راه و شهرسازی استان تهران",
        "راه و شهرسازی",
        K.GENERAL_DIRECTORATE,
        "",
        "tehran",
        "",
    ),
    (
        "road-maintenance",
        "اداره‌کل راهداری و حمل‌ونقل جاده‌ای استان تهران",
        "راهداری",
        K.GENERAL_DIRECTORATE,
        "",
        "tehran",
        "",
    ),
    (
        "tums",
        "دانشگاه علوم پزشکی و خدمات بهداشتی درمانی تهران",
        "علوم پزشکی تهران",
        K.UNIVERSITY,
        "",
        "tehran",
        "",
    ),
    (
        "sbmu",
        "دانشگاه علوم پزشکی و خدمات بهداشتی درمانی شهید بهشتی",
        "علوم پزشکی شهید بهشتی",
        K.UNIVERSITY,
        "",
        "tehran",
        "",
    ),
    (
        "education",
        "اداره‌کل آموزش و پرورش استان تهران",
        "آموزش و پرورش استان",
        K.GENERAL_DIRECTORATE,
        "",
        "tehran",
        "",
    ),
    ("water", "شرکت آب و فاضلاب استان تهران", "آبفای استان", K.COMPANY, "", "tehran", ""),
    ("regional-water", "شرکت آب منطقه‌ای تهران", "آب منطقه‌ای", K.COMPANY, "", "tehran", ""),
    ("municipality", "شهرداری تهران", "شهرداری تهران", K.MUNICIPALITY, "", "tehran", ""),
    ("welfare", "اداره‌کل بهزیستی استان تهران", "بهزیستی", K.GENERAL_DIRECTORATE, "", "tehran", ""),
    (
        "heritage",
        "اداره‌کل میراث فرهنگی، گردشگری و صنایع‌دستی استان تهران",
        "میراث فرهنگی",
        K.GENERAL_DIRECTORATE,
        "",
        "tehran",
        "",
    ),
    (
        "agriculture",
        "سازمان جهاد کشاورزی استان تهران",
        "جهاد کشاورزی",
        K.ORGANIZATION,
        "",
        "tehran",
        "",
    ),
    (
        "environment",
        "اداره‌کل حفاظت محیط زیست استان تهران",
        "محیط زیست",
        K.GENERAL_DIRECTORATE,
        "",
        "tehran",
        "",
    ),
    (
        "culture",
        "اداره‌کل فرهنگ و ارشاد اسلامی استان تهران",
        "فرهنگ و ارشاد",
        K.GENERAL_DIRECTORATE,
        "",
        "tehran",
        "",
    ),
    (
        "sports",
        "اداره‌کل ورزش و جوانان استان تهران",
        "ورزش و جوانان",
        K.GENERAL_DIRECTORATE,
        "",
        "tehran",
        "",
    ),
    ("industry", "سازمان صنعت، معدن و تجارت استان تهران", "صمت", K.ORGANIZATION, "", "tehran", ""),
    (
        "labour",
        "اداره‌کل تعاون، کار و رفاه اجتماعی استان تهران",
        "تعاون، کار و رفاه",
        K.GENERAL_DIRECTORATE,
        "",
        "tehran",
        "",
    ),
    (
        "crisis",
        "اداره‌کل مدیریت بحران استانداری تهران",
        "مدیریت بحران",
        K.GENERAL_DIRECTORATE,
        "governorate",
        "tehran",
        "",
    ),
    ("electricity", "شرکت برق منطقه‌ای تهران", "برق منطقه‌ای", K.COMPANY, "", "tehran", ""),
    ("gas", "شرکت گاز استان تهران", "گاز استان", K.COMPANY, "", "tehran", ""),
    (
        "economy",
        "اداره‌کل امور اقتصادی و دارایی استان تهران",
        "اقتصاد و دارایی",
        K.GENERAL_DIRECTORATE,
        "",
        "tehran",
        "",
    ),
    (
        "planning",
        "سازمان مدیریت و برنامه‌ریزی استان تهران",
        "مدیریت و برنامه‌ریزی",
        K.ORGANIZATION,
        "",
        "tehran",
        "",
    ),
    (
        "natural-resources",
        "اداره‌کل منابع طبیعی و آبخیزداری استان تهران",
        "منابع طبیعی",
        K.GENERAL_DIRECTORATE,
        "",
        "tehran",
        "",
    ),
    (
        "governorship-rey",
        "فرمانداری شهرستان ری",
        "فرمانداری ری",
        K.GOVERNORSHIP,
        "governorate",
        "rey",
        "",
    ),
    (
        "governorship-shemiranat",
        "فرمانداری شهرستان شمیرانات",
        "فرمانداری شمیرانات",
        K.GOVERNORSHIP,
        "governorate",
        "shemiranat",
        "",
    ),
    (
        "governorship-damavand",
        "فرمانداری شهرستان دماوند",
        "فرمانداری دماوند",
        K.GOVERNORSHIP,
        "governorate",
        "damavand",
        "",
    ),
    (
        "governorship-varamin",
        "فرمانداری شهرستان ورامین",
        "فرمانداری ورامین",
        K.GOVERNORSHIP,
        "governorate",
        "varamin",
        "",
    ),
]

DEMO_PASSWORD = "ravabet-demo-1404"  # noqa: S105 - printed by `make demo`; demo data only


@dataclass(frozen=True)
class DemoPerson:
    username: str
    first_name: str
    last_name: str
    role_label: str
    memberships: tuple[tuple[str, str], ...] = ()
    superuser: bool = False


PEOPLE: list[DemoPerson] = [
    DemoPerson("admin", "مدیر", "سامانه", "مدیر سامانه", superuser=True),
    DemoPerson(
        "directorate",
        "زهرا",
        "احمدی",
        "کارشناس اداره‌کل روابط عمومی استانداری (همهٔ دستگاه‌ها)",
        (("pr-directorate", Membership.Role.OFFICER),),
    ),
    DemoPerson(
        "head.roads",
        "علی",
        "کریمی",
        "مدیر روابط عمومی راه و شهرسازی (تأییدکننده)",
        (("roads", Membership.Role.HEAD),),
    ),
    DemoPerson(
        "officer.roads",
        "مریم",
        "رضایی",
        "کارشناس روابط عمومی راه و شهرسازی",
        (("roads", Membership.Role.OFFICER),),
    ),
    DemoPerson(
        "officer.health",
        "سارا",
        "موسوی",
        "کارشناس روابط عمومی علوم پزشکی تهران",
        (("tums", Membership.Role.OFFICER),),
    ),
    DemoPerson(
        "multi",
        "حسین",
        "نوری",
        "کارشناس آبفا و مدیر روابط عمومی آب منطقه‌ای (دو دستگاه)",
        (("water", Membership.Role.OFFICER), ("regional-water", Membership.Role.HEAD)),
    ),
]


@transaction.atomic
def load() -> list[DemoPerson]:
    """Create or refresh the demo agencies and people; running it again keeps what exists."""
    counties = {}
    for slug, name in COUNTIES:
        counties[slug], _ = County.objects.update_or_create(slug=slug, defaults={"name": name})
    agencies: dict[str, Agency] = {}
    for slug, name, short, kind, parent, county, website in AGENCIES:
        agency, created = Agency.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "short_name": short,
                "kind": kind,
                "parent": agencies.get(parent),
                "county": counties.get(county),
                "website": website,
                "email": f"pr.{slug}@ravabet.example",
                "phone": "۰۲۱-۶۱۰۰۰۰۰۰",
                "address": f"تهران، روابط عمومی {short}",
            },
        )
        agencies[slug] = agency
    User = get_user_model()
    for person in PEOPLE:
        user, created = User.objects.get_or_create(
            username=person.username,
            defaults={
                "first_name": person.first_name,
                "last_name": person.last_name,
                "is_superuser": person.superuser,
                "is_staff": person.superuser,
                "email": f"{person.username}@ravabet.example",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        for slug, role in person.memberships:
            Membership.objects.get_or_create(
                user=user, agency=agencies[slug], defaults={"role": role}
            )
    return PEOPLE
