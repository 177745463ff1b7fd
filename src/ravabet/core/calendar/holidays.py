"""The official holidays of Iran's calendar, to pre-fill the table (a data migration reads it).

The solar ones fall on the same Jalali day every year. The lunar ones (the Hijri calendar's)
move about eleven days a year, so each is given for one Jalali year: 1405 (the current year)
and 1406. They were computed from the Umm al-Qura tables (hijridate 2.6, at development time;
nothing is computed at run time) and may differ by a day from the official calendar of the
University of Tehran's Institute of Geophysics, which follows the sighting of the moon: the
directorate checks them against it in the back office («تقویم و تعطیلات») and corrects them
there, and adds the next year's when it is published.
"""

from __future__ import annotations

from typing import Any

# (title, month, day, length in days)
SOLAR: list[tuple[str, int, int, int]] = [
    ("عید نوروز", 1, 1, 4),
    ("روز جمهوری اسلامی", 1, 12, 1),
    ("روز طبیعت", 1, 13, 1),
    ("رحلت امام خمینی", 3, 14, 1),
    ("قیام ۱۵ خرداد", 3, 15, 1),
    ("پیروزی انقلاب اسلامی", 11, 22, 1),
    ("روز ملی شدن صنعت نفت", 12, 29, 1),
]

# (title, year, month, day)
LUNAR: list[tuple[str, int, int, int]] = [
    ("تعطیل به مناسبت عید سعید فطر", 1405, 1, 1),
    ("شهادت امام جعفر صادق (ع)", 1405, 1, 24),
    ("عید سعید قربان", 1405, 3, 6),
    ("عید سعید غدیر خم", 1405, 3, 14),
    ("تاسوعای حسینی", 1405, 4, 3),
    ("عاشورای حسینی", 1405, 4, 4),
    ("اربعین حسینی", 1405, 5, 12),
    ("رحلت رسول اکرم (ص) و شهادت امام حسن مجتبی (ع)", 1405, 5, 20),
    ("شهادت امام رضا (ع)", 1405, 5, 22),
    ("شهادت امام حسن عسکری (ع)", 1405, 5, 30),
    ("میلاد رسول اکرم (ص) و امام جعفر صادق (ع)", 1405, 6, 8),
    ("شهادت حضرت فاطمه زهرا (س)", 1405, 8, 22),
    ("ولادت امام علی (ع)", 1405, 10, 1),
    ("مبعث رسول اکرم (ص)", 1405, 10, 15),
    ("ولادت حضرت قائم (عج)", 1405, 11, 3),
    ("شهادت امام علی (ع)", 1405, 12, 9),
    ("عید سعید فطر", 1405, 12, 18),
    ("تعطیل به مناسبت عید سعید فطر", 1405, 12, 19),
    ("شهادت امام جعفر صادق (ع)", 1406, 1, 13),
    ("عید سعید قربان", 1406, 2, 26),
    ("عید سعید غدیر خم", 1406, 3, 3),
    ("تاسوعای حسینی", 1406, 3, 24),
    ("عاشورای حسینی", 1406, 3, 25),
    ("اربعین حسینی", 1406, 5, 2),
    ("رحلت رسول اکرم (ص) و شهادت امام حسن مجتبی (ع)", 1406, 5, 10),
    ("شهادت امام رضا (ع)", 1406, 5, 11),
    ("شهادت امام حسن عسکری (ع)", 1406, 5, 19),
    ("میلاد رسول اکرم (ص) و امام جعفر صادق (ع)", 1406, 5, 28),
    ("شهادت حضرت فاطمه زهرا (س)", 1406, 8, 11),
    ("ولادت امام علی (ع)", 1406, 9, 20),
    ("مبعث رسول اکرم (ص)", 1406, 10, 4),
    ("ولادت حضرت قائم (عج)", 1406, 10, 22),
    ("شهادت امام علی (ع)", 1406, 11, 28),
    ("عید سعید فطر", 1406, 12, 7),
    ("تعطیل به مناسبت عید سعید فطر", 1406, 12, 8),
]


def prefill(occasion_model: Any = None) -> int:
    """Add the holidays above that the calendar lacks (same title, year and day); returns how
    many were added. The data migration runs it (with the historical model), and so does the
    demo, so a database emptied by tests or by hand gets them back; an edited or deactivated
    holiday is kept as the directorate left it."""
    if occasion_model is None:
        from ravabet.core.calendar.models import Occasion

        occasion_model = Occasion
    have = set(
        occasion_model.objects.filter(is_holiday=True).values_list("title", "year", "month", "day")
    )
    rows = [
        occasion_model(title=title, month=month, day=day, length_days=length, is_holiday=True)
        for title, month, day, length in SOLAR
        if (title, None, month, day) not in have
    ] + [
        occasion_model(title=title, year=year, month=month, day=day, is_holiday=True)
        for title, year, month, day in LUNAR
        if (title, year, month, day) not in have
    ]
    occasion_model.objects.bulk_create(rows)
    return len(rows)
