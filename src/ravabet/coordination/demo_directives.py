"""Demo directives: twenty circulars of the province's PR directorate over the past months
(Government Week, the day of communications, the crisis protocol, social-media guidelines, the
monthly performance report…), with receipts in every state: unopened, read but not
acknowledged, acknowledged in time or late, reports sent in time, late or not at all; one
revoked, one still a draft.

Drafting, issuing, revoking, acknowledging and reporting go through the services (the same
checks, numbers, receipts, notifications and audit a person meets), as the demo's directorate
account and, for agencies with demo people (roads, regional water), as their head and officer;
for agencies without demo people the receipt's times are stamped directly. Then the times are
moved back to the past months the directive belongs to. Idempotent: nothing is added when the
first directive's subject already exists. Runs after the organisation's demo (people exist).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone

from ravabet.coordination.models import Directive, Receipt
from ravabet.coordination.services import directives as services
from ravabet.core.organisation.models import Agency, Membership


@dataclass(frozen=True)
class Spec:
    subject: str
    text: str
    days_ago: int
    urgency: str = Directive.Urgency.NORMAL
    action_days: int | None = None  # a report due this many days after issue
    audience: tuple[str, ...] = ()  # slugs; empty: every agency
    state: str = "issued"  # issued, revoked, draft


U = Directive.Urgency
SPECS: list[Spec] = [
    Spec(
        "پوشش خبری هفتهٔ دولت",
        "با فرارسیدن هفتهٔ دولت، روابط عمومی دستگاه‌ها افتتاح و بهره‌برداری طرح‌ها را با خبر،"
        " عکس و ویدئو پوشش دهند و فهرست طرح‌های آماده افتتاح را با جدول پیوست بفرستند.",
        100,
        U.URGENT,
        action_days=7,
    ),
    Spec(
        "برنامه‌های روز ملی ارتباطات و روابط عمومی (۲۷ اردیبهشت)",
        "به مناسبت روز ارتباطات و روابط عمومی، برنامه‌های دستگاه (نشست با اصحاب رسانه، تجلیل از"
        " کارکنان نمونه، بازدید رسانه‌ای) را پیش از ۲۰ اردیبهشت اعلام کنید.",
        200,
        action_days=10,
    ),
    Spec(
        "شیوه‌نامهٔ ارتباطات در شرایط بحران",
        "در هر رخداد بحرانی، نخستین اطلاعیهٔ دستگاه حداکثر یک ساعت پس از آگاهی منتشر شود؛"
        " سخنگوی واحد تعیین و به اداره‌کل معرفی شود و هیچ آماری بی‌هماهنگی ستاد بحران منتشر نشود.",
        180,
        U.IMMEDIATE,
    ),
    Spec(
        "رهنمودهای حضور در شبکه‌های اجتماعی",
        "حساب‌های رسمی دستگاه در شبکه‌های اجتماعی با نام و نشان یکسان فعالیت کنند، به پرسش‌های"
        " مردم حداکثر در دو روز کاری پاسخ دهند و از بازنشر محتوای تأییدنشده بپرهیزند.",
        160,
    ),
    Spec(
        "گزارش عملکرد ماهانهٔ روابط عمومی — فروردین",
        "گزارش عملکرد فروردین‌ماه (خبرهای منتشرشده، نشست‌های خبری، پاسخ به پیام‌های مردمی) را"
        " در قالب پیوست تا دهم اردیبهشت بفرستید.",
        230,
        action_days=10,
    ),
    Spec(
        "گزارش عملکرد ماهانهٔ روابط عمومی — خرداد",
        "گزارش عملکرد خردادماه را در قالب یکسان تا دهم تیر بفرستید.",
        170,
        action_days=10,
    ),
    Spec(
        "گزارش عملکرد ماهانهٔ روابط عمومی — مرداد",
        "گزارش عملکرد مردادماه را در قالب یکسان تا دهم شهریور بفرستید.",
        110,
        action_days=10,
    ),
    Spec(
        "گزارش عملکرد ماهانهٔ روابط عمومی — مهر",
        "گزارش عملکرد مهرماه را در قالب یکسان تا دهم آبان بفرستید.",
        45,
        action_days=10,
    ),
    Spec(
        "اطلاع‌رسانی طرح‌های تابستانی مدیریت مصرف آب و برق",
        "روابط عمومی‌های دستگاه‌های خدمات‌رسان پیام‌های صرفه‌جویی را در ساعات اوج مصرف منتشر"
        " کنند و گزارش هفتگی بفرستند.",
        150,
        U.URGENT,
        action_days=14,
        audience=("water", "regional-water", "roads"),
    ),
    Spec(
        "هماهنگی نشست‌های خبری مدیران کل با اصحاب رسانه",
        "هر دستگاه در هر فصل دست‌کم یک نشست خبری مدیر کل برگزار و زمان آن را دو هفته پیش از"
        " برگزاری به اداره‌کل اعلام کند تا تقویم نشست‌ها هم‌پوشانی نداشته باشد.",
        140,
    ),
    Spec(
        "پاسخ‌گویی به پیام‌های مردمی در مهلت مقرر",
        "پیام‌های شهروندان در پیشخوان مردمی حداکثر در پنج روز کاری پاسخ داده شود؛ پیام‌های"
        " بی‌پاسخ بیش از مهلت در ارزیابی سالانه اثر منفی دارد.",
        125,
    ),
    Spec(
        "پوشش خبری سفر استاندار به شهرستان‌های جنوبی",
        "دستگاه‌های همراه در سفر استاندار خبر و عکس مصوبات سفر را همان روز برای اداره‌کل بفرستند.",
        95,
        U.IMMEDIATE,
        action_days=2,
        audience=("roads", "tums", "water"),
    ),
    Spec(
        "برنامهٔ هفتهٔ سلامت و اطلاع‌رسانی واکسیناسیون",
        "روابط عمومی‌ها پیام‌های آموزشی هفتهٔ سلامت را در تابلوهای شهری و پایگاه‌های خبری منتشر کنند.",
        85,
        audience=("tums",),
        action_days=7,
    ),
    Spec(
        "آیین‌نامهٔ انتشار آمار و اطلاعات دستگاه‌ها",
        "آمار رسمی فقط پس از تأیید مرجع آماری دستگاه و با ذکر منبع و تاریخ منتشر شود.",
        75,
    ),
    Spec(
        "برگزاری دورهٔ آموزشی تولید محتوای کوتاه",
        "کارشناسان روابط عمومی برای دورهٔ دو روزهٔ تولید ویدئوی کوتاه معرفی شوند؛ فهرست"
        " شرکت‌کنندگان را تا پایان هفته بفرستید.",
        60,
        action_days=5,
    ),
    Spec(
        "اطلاع‌رسانی بازگشایی مدارس و ترافیک مهرماه",
        "دستگاه‌های مرتبط پیام‌های ترافیکی و ایمنی بازگشایی مدارس را هماهنگ منتشر کنند.",
        70,
        U.URGENT,
        audience=("roads",),
    ),
    Spec(
        "به‌روزرسانی اطلاعات تماس روابط عمومی در درگاه استان",
        "نشانی، تلفن و رایانامهٔ روابط عمومی دستگاه را در صفحهٔ دستگاه در درگاه بازبینی کنید.",
        30,
    ),
    Spec(
        "پویش ملی صرفه‌جویی در مصرف گاز در فصل سرما",
        "روابط عمومی‌ها پیام‌های پویش صرفه‌جویی گاز را از آغاز آذر در همهٔ مجاری منتشر کنند.",
        12,
        U.URGENT,
        action_days=20,
    ),
    Spec(
        "برنامهٔ اطلاع‌رسانی هفتهٔ پژوهش",
        "این بخشنامه به‌جای آن، در قالب برنامهٔ سالانه ابلاغ می‌شود.",
        50,
        state="revoked",
    ),
    Spec(
        "گزارش عملکرد ماهانهٔ روابط عمومی — آبان",
        "گزارش عملکرد آبان‌ماه را در قالب یکسان تا دهم آذر بفرستید.",
        0,
        action_days=10,
        state="draft",
    ),
]


def _staff(agency: Agency) -> tuple[Any | None, Any | None]:
    """(a head, an officer) of the agency among the demo people, or None."""
    rows = Membership.objects.filter(agency=agency).select_related("user").order_by("pk")
    head = next((m.user for m in rows if m.role == Membership.Role.HEAD), None)
    officer = next((m.user for m in rows if m.role == Membership.Role.OFFICER), None)
    return head, officer


def _outcome(rng: random.Random, days_ago: int) -> str:
    """unopened, opened, on_time, late — a recent directive is still mostly unopened."""
    if days_ago < 14:
        return rng.choice(["unopened", "unopened", "opened", "on_time"])
    return rng.choices(["unopened", "opened", "on_time", "late"], weights=[1, 2, 6, 2])[0]


def _receipts(directive: Directive, spec: Spec, rng: random.Random, now: dt.datetime) -> None:
    issued_at = directive.issued_at or now
    receipts: QuerySet[Receipt] = directive.receipts.select_related("agency", "directive")
    for receipt in receipts:
        outcome = _outcome(rng, spec.days_ago)
        head, officer = _staff(receipt.agency)
        if outcome == "unopened":
            continue
        opened = issued_at + dt.timedelta(hours=rng.randint(1, 30))
        if outcome == "late":
            opened = issued_at + dt.timedelta(days=directive.acknowledge_days + rng.randint(3, 8))
        acked = None
        if outcome in ("on_time", "late"):
            acked = opened + dt.timedelta(hours=rng.randint(1, 5))
        reported = None
        if spec.action_days is not None and acked is not None and rng.random() < 0.8:
            late = rng.random() < 0.3
            reported = issued_at + dt.timedelta(
                days=spec.action_days + (rng.randint(2, 6) if late else -rng.randint(0, 3)),
                hours=2,
            )
            reported = max(reported, acked)
        if reported and reported > now:
            reported = None
        if head is not None and outcome != "opened":
            services.receipt_acknowledge(actor=head, receipt=receipt)
        elif head is not None or officer is not None:
            services.receipt_open(actor=officer or head, receipt=receipt)
        if reported is not None and (officer or head) is not None:
            services.receipt_report(
                actor=officer or head,
                receipt=receipt,
                report="اقدام‌های خواسته‌شده انجام شد؛ گزارش تفصیلی و عکس‌ها پیوست است.",
            )
        Receipt.objects.filter(pk=receipt.pk).update(
            opened_at=opened,
            opened_by=officer or head,
            acknowledged_at=acked,
            acknowledged_by=head if acked else None,
            report="اقدام‌های خواسته‌شده انجام شد؛ گزارش تفصیلی و عکس‌ها پیوست است."
            if reported
            else "",
            reported_at=reported,
            reported_by=(officer or head) if reported else None,
        )


def load() -> int:
    """The twenty directives; how many were added (0 when they are there already)."""
    if Directive.objects.filter(subject=SPECS[0].subject).exists():
        return 0
    actor = get_user_model().objects.filter(username="directorate").first()
    if actor is None:
        return 0
    rng = random.Random(1405)  # noqa: S311 - demo data, not security
    now = timezone.now()
    agencies = {a.slug: a.pk for a in Agency.objects.all()}
    added = 0
    # Oldest first, so the running numbers follow the dates.
    for spec in sorted(SPECS, key=lambda s: -s.days_ago):
        audience = [agencies[s] for s in spec.audience if s in agencies]
        directive = services.directive_create(
            actor=actor,
            data=services.DirectiveInput(
                subject=spec.subject,
                text=spec.text,
                urgency=spec.urgency,
                to_all=not audience,
                audience_ids=audience,
                action_required=spec.action_days is not None,
                acknowledge_days=2 if spec.urgency != U.NORMAL else 3,
            ),
        )
        added += 1
        if spec.state == "draft":
            continue
        directive = services.directive_issue(actor=actor, directive=directive)
        issued_at = now - dt.timedelta(days=spec.days_ago, hours=rng.randint(0, 5))
        deadline = None
        if spec.action_days is not None:
            deadline = (issued_at + dt.timedelta(days=spec.action_days)).date()
        Directive.objects.filter(pk=directive.pk).update(issued_at=issued_at, deadline=deadline)
        directive.refresh_from_db()
        _receipts(directive, spec, rng, now)
        if spec.state == "revoked":
            services.directive_revoke(
                actor=actor, directive=directive, reason="جایگزین شد با برنامهٔ سالانهٔ ۱۴۰۵."
            )
        services.index_directive(directive)
    return added
