"""The kernel's calendar: occasions and official holidays, the working week, and the working-day
clock the citizen desk's deadlines run on; its services (who may, the audit, the refusals) and its
back-office pages at /backoffice/calendar/."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from ravabet.core import jalali
from ravabet.core.audit import entries_for
from ravabet.core.calendar import holidays, selectors, services
from ravabet.core.calendar.models import Occasion, WorkingWeek
from ravabet.core.calendar.selectors import WorkingCalendar
from ravabet.core.models import AuditEntry
from ravabet.core.permissions import AgencyPermissionDenied
from ravabet.persian import dates as pdates

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _holidays() -> None:
    # The migration writes them; a browser test earlier in this worker (transactional) may have
    # flushed the tables since, so put them back as the demo does (0 added when they are there).
    holidays.prefill()


SAT_TO_THU = [5, 6, 0, 1, 2, 3]


def j(year: int, month: int, day: int) -> dt.date:
    """A Jalali date, as the tests are written, to the Gregorian date the code keeps."""
    return pdates.to_gregorian(year, month, day)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    """That Tehran day at `hour`, aware."""
    return jalali.make_aware_local(dt.datetime.combine(day, dt.time(hour)))


def deadline(days: int, *, received: dt.date, weekdays: list[int] | None = None) -> dt.date:
    """The day a deadline of `days` working days ends on (the clock's answer is the moment after
    it: the Tehran midnight that begins the next day)."""
    end = WorkingCalendar(weekdays).add_working_days(at(received), days)
    assert end == jalali.start_of_day(jalali.to_local(end).date())
    return jalali.to_local(end).date() - dt.timedelta(days=1)


def nowruz() -> Occasion:
    return Occasion.objects.get(title="عید نوروز", year=None)


def republic_day() -> Occasion:
    return Occasion.objects.get(title="روز جمهوری اسلامی", year=None)


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response: Any) -> str:
    return str(response.content.decode())


# --- the holidays the migration writes ---------------------------------------------------


def test_prefill_adds_only_what_is_missing_and_keeps_the_directorate_s_edits() -> None:
    assert holidays.prefill() == 0
    Occasion.objects.filter(title="عاشورای حسینی", year=1405).delete()
    Occasion.objects.filter(title="روز طبیعت").update(is_active=False)
    assert holidays.prefill() == 1
    assert Occasion.objects.filter(title="عاشورای حسینی", year=1405).count() == 1
    assert not Occasion.objects.get(title="روز طبیعت").is_active


def test_the_official_holidays_are_there_after_migrate() -> None:
    solar = Occasion.objects.filter(is_holiday=True, year=None)
    assert sorted(solar.values_list("title", "month", "day", "length_days")) == sorted(
        holidays.SOLAR
    )
    assert (nowruz().month, nowruz().day, nowruz().length_days) == (1, 1, 4)
    lunar_1405 = Occasion.objects.filter(is_holiday=True, year=1405)
    assert lunar_1405.count() == sum(1 for h in holidays.LUNAR if h[1] == 1405) > 10
    ashura = lunar_1405.get(title="عاشورای حسینی")
    assert (ashura.month, ashura.day) == (4, 4)
    # The holidays of Farvardin 1405: Nowruz, the Eid's second day on 1 Farvardin too, 12 and 13
    # Farvardin, and Imam Sadegh's martyrdom on the 24th.
    found = selectors.holidays_between(j(1405, 1, 1), j(1405, 1, 31))
    assert sorted(pdates.to_jalali(day).day for day in found) == [1, 2, 3, 4, 12, 13, 24]
    assert found[j(1405, 1, 1)] == "عید نوروز"


def test_a_lunar_holiday_is_of_its_year_only() -> None:
    days = selectors.occasions_between(j(1406, 4, 1), j(1406, 4, 31), holidays_only=True)
    assert "عاشورای حسینی" not in {d.title for d in days}  # Ashura 1406 falls in Khordad
    days = selectors.occasions_between(j(1406, 3, 1), j(1406, 3, 31), holidays_only=True)
    ashura = next(d for d in days if d.title == "عاشورای حسینی")
    assert ashura.starts_on == j(1406, 3, 25) and ashura.is_holiday


# --- the working-day clock ---------------------------------------------------------------


def test_thursday_friday_and_the_holidays_are_not_working_days() -> None:
    clock = WorkingCalendar()
    assert clock.weekdays == frozenset({5, 6, 0, 1, 2})  # Saturday to Wednesday
    assert clock.is_working_day(j(1404, 12, 27))  # Wednesday
    assert not clock.is_working_day(j(1404, 12, 28))  # Thursday
    assert not clock.is_working_day(j(1404, 12, 29))  # Friday (and the oil day)
    assert clock.holiday(j(1405, 1, 2)) == "عید نوروز"
    assert not clock.is_working_day(j(1405, 1, 2))  # a Sunday of Nowruz
    assert clock.is_working_day(j(1405, 1, 5))  # Wednesday after Nowruz
    assert clock.weekday_names == ["شنبه", "یک‌شنبه", "دوشنبه", "سه‌شنبه", "چهارشنبه"]


def test_seven_working_days_from_the_last_wednesday_of_1404_cross_nowruz() -> None:
    # Received Wednesday 27 Esfand 1404. Not counted: Thursday 28 and Friday 29 Esfand, 1–4
    # Farvardin (Nowruz), Thursday 6 and Friday 7, 12 Farvardin (Wednesday), 13 (Thursday) and
    # Friday 14. Counted: 5, 8, 9, 10, 11, 15 and 16 Farvardin 1405.
    assert deadline(7, received=j(1404, 12, 27)) == j(1405, 1, 16)
    assert deadline(1, received=j(1404, 12, 27)) == j(1405, 1, 5)
    assert deadline(0, received=j(1404, 12, 27)) == j(1404, 12, 27)
    # A request sent on Thursday evening starts counting on Saturday like one of Friday.
    # Thursday 20 Farvardin 1405: Saturday 22, Sunday 23, (Monday 24 a holiday), Tuesday 25.
    assert deadline(3, received=j(1405, 1, 20)) == j(1405, 1, 25)
    assert deadline(3, received=j(1405, 1, 21)) == j(1405, 1, 25)
    received, answered = at(j(1404, 12, 27)), at(j(1405, 1, 8), 9)
    assert WorkingCalendar().working_days_between(received, answered) == 2  # 5 and 8 Farvardin
    assert WorkingCalendar().working_days_between(answered, received) == 0


def test_a_holiday_edited_off_and_on_moves_the_deadline(world: Any) -> None:
    day = republic_day()
    data = services.OccasionInput(title=day.title, month=1, day=12, is_holiday=False)
    services.occasion_save(actor=world.directorate_staff, data=data, occasion=day)
    # 12 Farvardin (a Wednesday) counts now: 5, 8, 9, 10, 11, 12 and 15 Farvardin.
    assert deadline(7, received=j(1404, 12, 27)) == j(1405, 1, 15)
    data.is_holiday = True
    services.occasion_save(actor=world.directorate_staff, data=data, occasion=day)
    assert deadline(7, received=j(1404, 12, 27)) == j(1405, 1, 16)
    # Nowruz switched off: 1 Farvardin stays a holiday (the Eid's second day, a row of its own).
    services.occasion_save(
        actor=world.directorate_staff,
        data=services.OccasionInput(
            title="عید نوروز", month=1, day=1, length_days=4, is_holiday=True, is_active=False
        ),
        occasion=nowruz(),
    )
    clock = WorkingCalendar()
    assert clock.holiday(j(1405, 1, 1)) == "تعطیل به مناسبت عید سعید فطر"
    assert clock.is_working_day(j(1405, 1, 2))
    assert deadline(1, received=j(1404, 12, 27)) == j(1405, 1, 2)


def test_a_holiday_added_for_one_year_only(world: Any) -> None:
    services.occasion_save(
        actor=world.directorate_staff,
        data=services.OccasionInput(title="تعطیلی اضطراری", year=1405, month=1, day=5),
    )
    assert deadline(1, received=j(1404, 12, 27)) == j(1405, 1, 5)  # not a holiday: not marked
    occasion = Occasion.objects.get(title="تعطیلی اضطراری")
    services.occasion_save(
        actor=world.directorate_staff,
        data=services.OccasionInput(
            title="تعطیلی اضطراری", year=1405, month=1, day=5, is_holiday=True
        ),
        occasion=occasion,
    )
    assert deadline(1, received=j(1404, 12, 27)) == j(1405, 1, 8)
    assert WorkingCalendar().holiday(j(1406, 1, 5)) is None  # of 1405 only


def test_a_working_week_of_saturday_to_thursday(world: Any) -> None:
    services.working_week_save(actor=world.directorate_staff, weekdays=SAT_TO_THU)
    assert selectors.working_weekdays() == sorted(SAT_TO_THU)
    clock = WorkingCalendar()
    assert clock.is_working_day(j(1404, 12, 28))  # Thursday works
    assert not clock.is_working_day(j(1404, 12, 29))  # Friday does not
    assert clock.weekday_names[-1] == "پنج‌شنبه"
    # Counted: 28 Esfand, 5, 6 (Thursday), 8, 9, 10 and 11 Farvardin.
    assert deadline(7, received=j(1404, 12, 27)) == j(1405, 1, 11)
    # A week passed to the clock wins over the directorate's.
    assert deadline(7, received=j(1404, 12, 27), weekdays=[5, 6, 0, 1, 2]) == j(1405, 1, 16)


def test_without_a_saved_week_offices_work_saturday_to_wednesday() -> None:
    assert not WorkingWeek.objects.exists()
    assert selectors.working_weekdays() == [5, 6, 0, 1, 2]
    with pytest.raises(ValueError, match="هیچ روز کاری"):
        WorkingCalendar([]).add_working_days(at(j(1405, 1, 5)), 1)


# --- the services: who may, what is refused, the audit -----------------------------------

ROLES = ["officer_roads", "head_roads", "officer_health", "directorate_staff", "admin", "outsider"]
ALLOWED = {"directorate_staff", "admin"}


def _snapshot() -> tuple[list[Any], list[Any]]:
    occasions = list(
        Occasion.objects.order_by("pk").values_list(
            "title", "year", "month", "day", "length_days", "is_holiday", "is_active"
        )
    )
    return occasions, list(WorkingWeek.objects.values_list("weekdays", flat=True))


def _actions(actor: Any) -> dict[str, tuple[str, Callable[[], Any]]]:
    day = republic_day()
    return {
        "create": (
            "occasion.create",
            lambda: services.occasion_save(
                actor=actor,
                data=services.OccasionInput(title="روز خبرنگار", month=5, day=17),
            ),
        ),
        "edit": (
            "occasion.edit",
            lambda: services.occasion_save(
                actor=actor,
                data=services.OccasionInput(title=day.title, month=1, day=12, is_holiday=False),
                occasion=day,
            ),
        ),
        "delete": ("occasion.delete", lambda: services.occasion_delete(actor=actor, occasion=day)),
        "week": (
            "calendar.working_week",
            lambda: services.working_week_save(actor=actor, weekdays=SAT_TO_THU),
        ),
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ["create", "edit", "delete", "week"])
def test_calendar_permission_matrix(world: Any, role: str, action: str) -> None:
    actor = getattr(world, role)
    audit_action, step = _actions(actor)[action]
    before, entries = _snapshot(), AuditEntry.objects.count()
    if role in ALLOWED:
        step()
        assert _snapshot() != before
        entry = AuditEntry.objects.latest("pk")
        assert (entry.action, entry.actor) == (audit_action, actor)
    else:
        with pytest.raises(AgencyPermissionDenied, match="روابط عمومی استانداری"):
            step()
        assert _snapshot() == before
        assert AuditEntry.objects.count() == entries


def test_the_working_week_change_is_audited_with_before_and_after(world: Any) -> None:
    week = services.working_week_save(actor=world.directorate_staff, weekdays=[5, 6, 0, 1, 2])
    week = services.working_week_save(actor=world.directorate_staff, weekdays=SAT_TO_THU)
    assert WorkingWeek.objects.count() == 1
    entry = entries_for(week).first()
    assert entry is not None and entry.data == {"from": [0, 1, 2, 5, 6], "to": sorted(SAT_TO_THU)}


@pytest.mark.parametrize("weekdays", [[], [7, -1]])
def test_an_empty_working_week_is_refused_in_persian(world: Any, weekdays: list[int]) -> None:
    with pytest.raises(ValidationError) as caught:
        services.working_week_save(actor=world.directorate_staff, weekdays=weekdays)
    assert caught.value.message_dict == {"weekdays": ["دست‌کم یک روز کاری در هفته برگزینید."]}
    assert not WorkingWeek.objects.exists()


def test_occasions_recur_on_their_jalali_date(world: Any) -> None:
    data = services.OccasionInput(title="روز ارتباطات و روابط عمومی", month=2, day=27)
    occasion = services.occasion_save(actor=world.directorate_staff, data=data)
    days = selectors.occasions_between(dt.date(2025, 1, 1), dt.date(2026, 12, 31))
    assert [d.starts_on for d in days if d.occasion == occasion] == [
        dt.date(2025, 5, 17),  # 27 Ordibehesht 1404
        dt.date(2026, 5, 17),  # 27 Ordibehesht 1405
    ]
    assert not next(d for d in days if d.occasion == occasion).is_holiday


def test_a_week_long_occasion_spans_its_days(world: Any) -> None:
    occasion = services.occasion_save(
        actor=world.directorate_staff,
        data=services.OccasionInput(title="هفتهٔ دولت", month=6, day=1, length_days=7),
    )
    inside = selectors.occasions_between(dt.date(2025, 8, 28), dt.date(2025, 8, 28))
    assert [(d.starts_on, d.ends_on) for d in inside if d.occasion == occasion] == [
        (dt.date(2025, 8, 23), dt.date(2025, 8, 29))
    ]


def test_30_esfand_falls_on_29_in_a_common_year() -> None:
    occasion = Occasion.objects.create(title="روز ملی شدن صنعت نفت", month=12, day=30)
    days = selectors.occasions_between(j(1403, 12, 1), j(1404, 12, 29))
    assert [d.starts_on for d in days if d.occasion == occasion] == [
        j(1403, 12, 30),  # 1403 is a leap year
        j(1404, 12, 29),
    ]


def test_holidays_of_other_years_do_not_crowd_out_this_years() -> None:
    Occasion.objects.bulk_create(
        Occasion(title=f"تعطیلی {n}", year=1420 + n % 50, month=1, day=1 + n % 28, is_holiday=True)
        for n in range(selectors.MAX_OCCASIONS)
    )
    found = selectors.holidays_between(j(1405, 12, 1), j(1405, 12, 29))
    assert found[j(1405, 12, 29)] == "روز ملی شدن صنعت نفت"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"month": 13, "day": 1}, "month", "ماه باید میان ۱ (فروردین) و ۱۲ (اسفند) باشد."),
        ({"month": 7, "day": 31}, "day", "مهر ۳۰ روز دارد."),
        ({"month": 1, "day": 0}, "day", "فروردین ۳۱ روز دارد."),
        ({"year": 1404, "month": 12, "day": 30}, "day", "اسفند ۲۹ روز دارد."),
        ({"year": 1250, "month": 1, "day": 1}, "year", jalali.OUT_OF_RANGE_MESSAGE),
        ({"month": 1, "day": 1, "length_days": 40}, "length_days", "مناسبت میان ۱ تا ۳۱ روز است."),
    ],
)
def test_an_occasion_on_a_day_that_does_not_exist_is_refused(
    world: Any, fields: dict[str, int], field: str, message: str
) -> None:
    before = _snapshot()
    with pytest.raises(ValidationError) as caught:
        services.occasion_save(
            actor=world.directorate_staff, data=services.OccasionInput(title="مناسبت", **fields)
        )
    assert caught.value.message_dict[field] == [message]
    assert _snapshot() == before


# --- the back office ---------------------------------------------------------------------


def test_the_directorate_reads_filters_and_edits_the_calendar(world: Any) -> None:
    client = client_for(world.directorate_staff)
    page = text(client.get("/backoffice/calendar/"))
    assert "تقویم و تعطیلات" in page and "افزودن مناسبت یا تعطیلی" in page
    assert 'action="/backoffice/calendar/week/"' in page
    assert '<span class="badge">تعطیل</span>' in page
    assert 'href="/backoffice/calendar/" aria-current="page">تقویم و تعطیلات</a>' in page

    response = client.post(
        "/backoffice/calendar/new/",
        {
            "title": "روز ارتباطات و روابط عمومی",
            "year": "",
            "month": "2",
            "day": "۲۷",
            "length_days": "۱",
            "description": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/backoffice/calendar/"
    occasion = Occasion.objects.get(title="روز ارتباطات و روابط عمومی")
    assert (occasion.year, occasion.month, occasion.day, occasion.is_holiday) == (
        None,
        2,
        27,
        False,
    )
    assert entries_for(occasion).get().action == "occasion.create"

    holidays_only = text(client.get("/backoffice/calendar/?kind=holidays"))
    assert "عید نوروز" in holidays_only and "روز ارتباطات و روابط عمومی" not in holidays_only
    occasions_only = text(client.get("/backoffice/calendar/?kind=occasions"))
    assert "روز ارتباطات و روابط عمومی" in occasions_only and "عید نوروز" not in occasions_only
    of_1406 = text(client.get("/backoffice/calendar/", {"kind": "holidays", "year": "۱۴۰۶"}))
    assert "عید نوروز" in of_1406  # every year
    assert "شهادت امام جعفر صادق (ع)" in of_1406 and "۲۴ فروردین" not in of_1406
    assert "۲۵ خرداد" in of_1406 and "۴ تیر" not in of_1406  # Ashura of 1406, not of 1405
    assert '<option value="1406" selected>۱۴۰۶</option>' in of_1406

    # The service's refusals beside the fields; a year in Persian digits.
    url = f"/backoffice/calendar/{occasion.pk}/"
    assert client.get(url).status_code == 200
    post = {"title": "هفتهٔ ارتباطات", "month": "7", "day": "31", "length_days": "7"}
    response = client.post(url, post)
    assert response.status_code == 200
    assert '<p class="field-error" id="id_day_error">مهر ۳۰ روز دارد.</p>' in text(response)
    response = client.post(url, {**post, "day": "1", "year": "۱۲۵۰"})
    assert '<p class="field-error" id="id_year_error">' in text(response)
    response = client.post(url, {**post, "day": "1", "year": "سال"})
    assert "سال را به عدد بنویسید" in text(response)
    response = client.post(url, {**post, "day": "1", "year": "۱۴۰۵", "is_holiday": "on"})
    assert response.status_code == 302
    occasion.refresh_from_db()
    assert (occasion.title, occasion.year, occasion.month, occasion.day) == (
        "هفتهٔ ارتباطات",
        1405,
        7,
        1,
    )
    assert occasion.is_holiday and not occasion.is_active

    response = client.post(f"/backoffice/calendar/{occasion.pk}/delete/")
    assert response.status_code == 302
    assert not Occasion.objects.filter(pk=occasion.pk).exists()
    assert AuditEntry.objects.filter(action="occasion.delete").count() == 1


def test_the_directorate_sets_the_working_week(world: Any) -> None:
    client = client_for(world.directorate_staff)
    page = text(client.get("/backoffice/calendar/"))
    # Saturday first; the default week ticked.
    assert page.index("شنبه</label>") < page.index("یک‌شنبه</label>") < page.index("جمعه</label>")
    assert 'name="weekdays" value="5" id="id_weekdays_0" checked' in page
    assert 'name="weekdays" value="3" id="id_weekdays_5"' in page
    assert 'value="3" id="id_weekdays_5" checked' not in page

    response = client.post(
        "/backoffice/calendar/week/", {"weekdays": ["5", "6", "0", "1", "2", "3"]}
    )
    assert response.status_code == 302
    assert selectors.working_weekdays() == [0, 1, 2, 3, 5, 6]
    assert AuditEntry.objects.filter(action="calendar.working_week").count() == 1
    assert 'value="3" id="id_weekdays_5" checked' in text(client.get("/backoffice/calendar/"))

    response = client.post("/backoffice/calendar/week/", {})
    assert response.status_code == 200
    assert "دست‌کم یک روز کاری در هفته برگزینید." in text(response)
    assert selectors.working_weekdays() == [0, 1, 2, 3, 5, 6]
    assert client.get("/backoffice/calendar/week/").status_code == 405


def test_an_officer_reads_the_calendar_and_may_change_nothing(world: Any) -> None:
    officer = client_for(world.officer_roads)
    page = text(officer.get("/backoffice/calendar/"))
    assert "عید نوروز" in page and '<span class="badge">تعطیل</span>' in page
    assert "روزهای کاری: شنبه، یک‌شنبه، دوشنبه، سه‌شنبه، چهارشنبه" in page
    assert "افزودن مناسبت" not in page and 'name="weekdays"' not in page
    assert "/delete/" not in page
    day = republic_day()
    before = _snapshot()
    assert officer.get("/backoffice/calendar/new/").status_code == 403
    assert officer.get(f"/backoffice/calendar/{day.pk}/").status_code == 403
    post = {"title": "ربوده", "month": "1", "day": "1", "length_days": "1"}
    assert officer.post(f"/backoffice/calendar/{day.pk}/", post).status_code == 403
    assert officer.post(f"/backoffice/calendar/{day.pk}/delete/").status_code == 403
    assert officer.post("/backoffice/calendar/week/", {"weekdays": ["4"]}).status_code == 403
    assert _snapshot() == before


def test_people_outside_the_network_and_anonymous_visitors(world: Any) -> None:
    outsider = client_for(world.outsider)
    assert outsider.get("/backoffice/calendar/").status_code == 403
    anonymous = Client()
    for url in ("/backoffice/calendar/", "/backoffice/calendar/new/"):
        response = anonymous.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    response = anonymous.post("/backoffice/calendar/week/", {"weekdays": ["4"]})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not WorkingWeek.objects.exists()


@pytest.mark.parametrize(
    "query", ["?year=abc", "?year=²", "?year=" + "9" * 5000, "?year=1250", "?kind=x&page=۲"]
)
def test_hostile_filters_give_the_whole_calendar(world: Any, query: str) -> None:
    response = client_for(world.officer_roads).get("/backoffice/calendar/" + query)
    assert response.status_code == 200
    assert "عید نوروز" in text(response)
