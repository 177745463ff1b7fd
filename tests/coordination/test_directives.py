"""Directives: drafting, issuing (numbers, receipts, notifications), who may do what, the read
receipt, acknowledgement, reports (late after the deadline), reminders once a day, search."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from freezegun import freeze_time

from ravabet.coordination import tasks
from ravabet.coordination.models import Directive, Receipt
from ravabet.coordination.services import directives as services
from ravabet.core.models import AuditEntry, Notification
from ravabet.core.organisation.models import Agency
from ravabet.core.permissions import AgencyPermissionDenied
from ravabet.persian import dates as pdates
from tests.coordination.fixtures_directives import draft, issued
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

ROLES = [
    "admin",
    "directorate_staff",
    "head_roads",
    "officer_roads",
    "officer_health",
    "outsider",
]


def _receipt(directive: Directive, agency: Agency) -> Receipt:
    return Receipt.objects.get(directive=directive, agency=agency)


# --- drafting and issuing -----------------------------------------------------------------


def test_issue_numbers_by_jalali_year_and_never_twice(world: Any) -> None:
    first = issued(world.directorate_staff)
    second = issued(world.directorate_staff, subject="روز ارتباطات و روابط عمومی")
    year = pdates.to_jalali(timezone.localdate()).year
    assert {first.number, second.number} == {f"{year}/001", f"{year}/002"}
    assert Directive.objects.filter(number=first.number).count() == 1


def test_issue_to_all_writes_receipts_for_every_active_agency_but_the_directorate(
    world: Any,
) -> None:
    AgencyFactory(slug="closed", name="ادارهٔ منحل", is_active=False)
    directive = issued(world.directorate_staff)
    agencies = set(directive.receipts.values_list("agency__slug", flat=True))
    assert agencies == {"roads", "tums"}


def test_issue_to_listed_agencies_writes_only_theirs_and_tells_their_staff(world: Any) -> None:
    directive = issued(world.directorate_staff, to_all=False, audience_ids=[world.roads.pk])
    assert list(directive.receipts.values_list("agency", flat=True)) == [world.roads.pk]
    told = set(Notification.objects.filter(kind="directive.issued").values_list("user", flat=True))
    assert told == {world.head_roads.pk, world.officer_roads.pk}
    assert AuditEntry.objects.filter(action="directive.issue").count() == 1


def test_a_draft_without_audience_is_refused_in_persian_and_nothing_stored(world: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        draft(world.directorate_staff, to_all=False, audience_ids=[])
    assert "دستگاه‌های مخاطب" in caught.value.message_dict["audience"][0]
    with pytest.raises(ValidationError) as caught:
        draft(world.directorate_staff, subject="  ", deadline=dt.date(2026, 1, 1))
    assert set(caught.value.message_dict) == {"subject", "deadline"}
    assert not Directive.objects.exists()


def test_an_issued_directive_cannot_be_edited(world: Any) -> None:
    directive = issued(world.directorate_staff)
    data = services.directive_input_from(directive)
    data.subject = "موضوع دیگر"
    with pytest.raises(services.DirectiveError):
        services.directive_update(actor=world.directorate_staff, directive=directive, data=data)


# --- the permissions matrix ---------------------------------------------------------------

ALLOWED = {
    "create": {"admin", "directorate_staff"},
    "issue": {"admin", "directorate_staff"},
    "revoke": {"admin", "directorate_staff"},
    "remind": {"admin", "directorate_staff"},
    "acknowledge": {"head_roads"},
    "report": {"head_roads", "officer_roads"},
}


def _prepare(action: str, world: Any) -> Any:
    """The setup (by the directorate), then a callable doing `action` as the given actor."""
    if action == "create":
        return lambda actor: draft(actor)
    if action == "issue":
        directive = draft(world.directorate_staff)
        return lambda actor: services.directive_issue(actor=actor, directive=directive)
    directive = issued(world.directorate_staff, action_required=True)
    receipt = _receipt(directive, world.roads)
    return {
        "revoke": lambda actor: services.directive_revoke(
            actor=actor, directive=directive, reason="ابلاغ اشتباه"
        ),
        "remind": lambda actor: services.directive_remind(actor=actor, directive=directive),
        "acknowledge": lambda actor: services.receipt_acknowledge(actor=actor, receipt=receipt),
        "report": lambda actor: services.receipt_report(
            actor=actor, receipt=receipt, report="برنامه اجرا شد."
        ),
    }[action]


@pytest.mark.parametrize("action", sorted(ALLOWED))
@pytest.mark.parametrize("role", ROLES)
def test_role_action_matrix(world: Any, role: str, action: str) -> None:
    actor = getattr(world, role)
    act = _prepare(action, world)
    before = (AuditEntry.objects.count(), list(Receipt.objects.values()), Directive.objects.count())
    if role in ALLOWED[action]:
        act(actor)
        assert AuditEntry.objects.count() > before[0]
    else:
        with pytest.raises(AgencyPermissionDenied):
            act(actor)
        after = (
            AuditEntry.objects.count(),
            list(Receipt.objects.values()),
            Directive.objects.count(),
        )
        assert after == before


# --- the agency's side --------------------------------------------------------------------


def test_read_receipt_recorded_for_the_agency_staff_only(world: Any, client: Any) -> None:
    directive = issued(world.directorate_staff)
    client.force_login(world.directorate_staff)
    assert client.get(directive.get_absolute_url()).status_code == 200
    assert _receipt(directive, world.roads).opened_at is None
    client.force_login(world.officer_roads)
    assert client.get(directive.get_absolute_url()).status_code == 200
    receipt = _receipt(directive, world.roads)
    assert receipt.opened_at is not None and receipt.opened_by == world.officer_roads
    first = receipt.opened_at
    client.force_login(world.head_roads)
    client.get(directive.get_absolute_url())
    assert _receipt(directive, world.roads).opened_at == first  # the first open stays
    assert _receipt(directive, world.health).opened_at is None


def test_agency_never_sees_another_agency_receipt_or_a_directive_not_addressed_to_it(
    world: Any, client: Any
) -> None:
    to_roads = issued(world.directorate_staff, to_all=False, audience_ids=[world.roads.pk])
    to_all = issued(world.directorate_staff, subject="دستورالعمل ارتباطات بحران")
    a_draft = draft(world.directorate_staff, subject="پیش‌نویس محرمانه")
    client.force_login(world.officer_health)
    assert client.get(to_roads.get_absolute_url()).status_code == 404
    assert client.get(a_draft.get_absolute_url()).status_code == 404
    page = client.get(to_all.get_absolute_url())
    assert page.status_code == 200
    assert world.roads.short_name not in page.content.decode()
    listing = client.get("/backoffice/coordination/directives/").content.decode()
    assert "دستورالعمل ارتباطات بحران" in listing
    assert "هفتهٔ دولت" not in listing and "پیش‌نویس محرمانه" not in listing
    # Acting on another agency's receipt through the page is a 404.
    other = _receipt(to_all, world.roads)
    response = client.post(
        f"/backoffice/coordination/directives/{to_all.pk}/report/",
        {"receipt": other.pk, "report": "گزارش"},
    )
    assert response.status_code == 404
    assert _receipt(to_all, world.roads).reported_at is None


def test_head_acknowledges_once(world: Any, client: Any) -> None:
    directive = issued(world.directorate_staff)
    client.force_login(world.head_roads)
    response = client.post(f"/backoffice/coordination/directives/{directive.pk}/acknowledge/")
    assert response.status_code == 302
    receipt = _receipt(directive, world.roads)
    assert receipt.acknowledged_by == world.head_roads and receipt.opened_at is not None
    with pytest.raises(services.DirectiveError):
        services.receipt_acknowledge(actor=world.head_roads, receipt=receipt)


def test_report_after_the_deadline_is_taken_and_marked_late(world: Any) -> None:
    with freeze_time("2026-05-10 08:00:00"):
        directive = issued(
            world.directorate_staff, action_required=True, deadline=dt.date(2026, 5, 15)
        )
    with freeze_time("2026-05-14 09:00:00"):
        on_time = services.receipt_report(
            actor=world.officer_roads,
            receipt=_receipt(directive, world.roads),
            report="برنامه اجرا شد.",
        )
        assert not services.report_is_late(on_time)
    with freeze_time("2026-05-20 09:00:00"):
        late = services.receipt_report(
            actor=world.officer_health,
            receipt=_receipt(directive, world.health),
            report="با تأخیر اجرا شد.",
        )
        assert services.report_is_late(late)
    assert AuditEntry.objects.filter(action="directive.report", data__late=True).count() == 1


def test_revoked_directive_takes_no_acknowledgement(world: Any) -> None:
    directive = issued(world.directorate_staff)
    services.directive_revoke(actor=world.directorate_staff, directive=directive, reason="تکراری")
    with pytest.raises(services.DirectiveError):
        services.receipt_acknowledge(
            actor=world.head_roads, receipt=_receipt(directive, world.roads)
        )


# --- reminders ----------------------------------------------------------------------------


def test_reminders_go_once_a_day_to_agencies_that_have_not_acknowledged(world: Any) -> None:
    with freeze_time("2026-05-10 06:00:00"):  # a Sunday
        directive = issued(world.directorate_staff, acknowledge_days=2)
    with freeze_time("2026-05-11 06:00:00"):
        assert tasks.remind_directives.call() == 0  # not due yet
    services.receipt_acknowledge(actor=world.head_roads, receipt=_receipt(directive, world.roads))
    with freeze_time("2026-05-14 06:00:00"):
        assert tasks.remind_directives.call() == 1  # the health office only
        assert tasks.remind_directives.call() == 0  # once a day
    with freeze_time("2026-05-15 06:00:00"):
        assert tasks.remind_directives.call() == 1
    receipt = _receipt(directive, world.health)
    assert receipt.reminders == 2
    told = Notification.objects.filter(kind="directive.reminder")
    assert set(told.values_list("user", flat=True)) == {world.officer_health.pk}


def test_remind_now_respects_the_day(world: Any) -> None:
    directive = issued(world.directorate_staff)
    assert services.directive_remind(actor=world.directorate_staff, directive=directive) == 2
    assert services.directive_remind(actor=world.directorate_staff, directive=directive) == 0


# --- search -------------------------------------------------------------------------------


def test_search_finds_a_directive_in_another_spelling_for_those_who_may_see_it(
    world: Any, client: Any
) -> None:
    issued(
        world.directorate_staff,
        subject="شیوه‌نامهٔ حضور در شبکه‌های اجتماعی",
        to_all=False,
        audience_ids=[world.roads.pk],
    )
    client.force_login(world.officer_roads)
    # Arabic yeh and kaf, no half-space: still found.
    page = client.get("/backoffice/coordination/directives/", {"q": "شبكه هاي اجتماعي"})
    assert "شیوه‌نامهٔ حضور" in page.content.decode()
    client.force_login(world.officer_health)
    page = client.get("/backoffice/coordination/directives/", {"q": "شبكه هاي اجتماعي"})
    assert "شیوه‌نامهٔ حضور" not in page.content.decode()


def test_an_issue_racing_for_the_same_number_takes_the_next(world: Any, monkeypatch: Any) -> None:
    first = issued(world.directorate_staff)
    real = services._next_number
    calls: list[str] = []

    def stale(moment: dt.datetime) -> str:
        # The first read is the one another issue beat us to.
        calls.append("read")
        return first.number if len(calls) == 1 else real(moment)

    monkeypatch.setattr(services, "_next_number", stale)
    second = issued(world.directorate_staff, subject="دستورالعمل ارتباطات بحران")
    assert second.number != first.number and len(calls) == 2
    assert Receipt.objects.filter(directive=second).count() == 2


def test_revoking_needs_a_reason_and_tells_the_agencies(world: Any) -> None:
    directive = issued(world.directorate_staff)
    with pytest.raises(ValidationError) as caught:
        services.directive_revoke(actor=world.directorate_staff, directive=directive, reason=" ")
    assert "دلیل" in caught.value.message_dict["reason"][0]
    services.directive_revoke(actor=world.directorate_staff, directive=directive, reason="تکراری")
    told = Notification.objects.filter(kind="directive.revoked")
    assert told.count() == 3 and "تکراری" in told.first().text  # type: ignore[union-attr]
