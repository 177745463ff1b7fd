"""The editorial workflow, enforced in services and visible as history."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from ravabet.core.models import AuditEntry
from ravabet.core.permissions import AgencyPermissionDenied
from ravabet.newsroom import services
from ravabet.newsroom.models import Release
from tests.factories import make_release

S = Release.Status
pytestmark = pytest.mark.django_db


def test_officer_writes_submits_head_publishes_and_history_shows_each_step(world: Any) -> None:
    release = make_release(actor=world.officer_roads, agency=world.roads)
    assert release.status == S.DRAFT
    services.release_submit(actor=world.officer_roads, release=release)
    services.release_approve(actor=world.head_roads, release=release)
    release.refresh_from_db()
    assert release.status == S.PUBLISHED
    assert release.published_at is not None
    steps = list(
        AuditEntry.objects.filter(object_id=str(release.pk), action__startswith="release.")
        .order_by("id")
        .values_list("action", "actor__username", "from_state", "to_state")
    )
    assert steps == [
        ("release.create", "officer.roads", "", "draft"),
        ("release.submit", "officer.roads", "draft", "submitted"),
        ("release.publish", "head.roads", "submitted", "published"),
    ]


def test_officer_cannot_publish_even_own_agency_release(world: Any) -> None:
    release = make_release(actor=world.officer_roads, agency=world.roads, status="submitted")
    with pytest.raises(AgencyPermissionDenied):
        services.release_approve(actor=world.officer_roads, release=release)
    release.refresh_from_db()
    assert release.status == S.SUBMITTED


def test_officer_cannot_write_or_edit_for_another_agency(world: Any) -> None:
    with pytest.raises(AgencyPermissionDenied):
        make_release(actor=world.officer_health, agency=world.roads)
    release = make_release(actor=world.officer_roads, agency=world.roads)
    with pytest.raises(AgencyPermissionDenied):
        services.release_update(
            actor=world.officer_health,
            release=release,
            data=services.ReleaseInput(headline="تیتر دیگر"),
        )
    release.refresh_from_db()
    assert release.headline == "خبر آزمایشی"


def test_return_needs_a_reason_and_the_writer_sees_it(world: Any) -> None:
    release = make_release(actor=world.officer_roads, agency=world.roads, status="submitted")
    with pytest.raises(ValidationError):
        services.release_return(actor=world.head_roads, release=release, reason="  ")
    services.release_return(
        actor=world.head_roads, release=release, reason="آمار را دوباره بررسی کنید"
    )
    release.refresh_from_db()
    assert release.status == S.RETURNED
    assert release.return_reason == "آمار را دوباره بررسی کنید"
    services.release_update(
        actor=world.officer_roads, release=release, data=services.ReleaseInput(headline="تیتر درست")
    )
    services.release_submit(actor=world.officer_roads, release=release)
    release.refresh_from_db()
    assert (release.status, release.return_reason) == (S.SUBMITTED, "")


def test_published_release_cannot_be_edited_only_corrected(world: Any) -> None:
    release = make_release(actor=world.head_roads, agency=world.roads, status="published")
    with pytest.raises(services.ReleaseStateError):
        services.release_update(
            actor=world.head_roads, release=release, data=services.ReleaseInput(headline="x")
        )
    services.release_correct(
        actor=world.head_roads,
        release=release,
        note="رقم اعتبار اصلاح شد",
        body="اعتبار ۱۲ میلیارد است.",
    )
    release.refresh_from_db()
    assert release.status == S.PUBLISHED
    assert "۱۲ میلیارد" in release.body
    assert release.corrections.get().note == "رقم اعتبار اصلاح شد"


def test_withdraw_keeps_page_with_public_reason(world: Any) -> None:
    release = make_release(actor=world.head_roads, agency=world.roads, status="published")
    with pytest.raises(ValidationError):
        services.release_withdraw(actor=world.head_roads, release=release, reason="")
    services.release_withdraw(actor=world.head_roads, release=release, reason="خبر تکراری بود")
    release.refresh_from_db()
    assert release.status == S.WITHDRAWN and release.withdrawal_reason == "خبر تکراری بود"


def test_cannot_skip_steps(world: Any) -> None:
    draft = make_release(actor=world.head_roads, agency=world.roads)
    with pytest.raises(services.ReleaseStateError):
        services.release_approve(actor=world.head_roads, release=draft)
    with pytest.raises(services.ReleaseStateError):
        services.release_withdraw(actor=world.head_roads, release=draft, reason="x")


def test_only_directorate_features_on_province_home(world: Any) -> None:
    release = make_release(actor=world.head_roads, agency=world.roads, status="published")
    with pytest.raises(AgencyPermissionDenied):
        services.release_feature(actor=world.head_roads, release=release, featured=True)
    services.release_feature(actor=world.directorate_staff, release=release, featured=True)
    release.refresh_from_db()
    assert release.featured_at is not None


def test_rebuttal_must_link_the_report_it_answers(world: Any) -> None:
    with pytest.raises(ValidationError):
        make_release(actor=world.officer_roads, agency=world.roads, kind=Release.Kind.REBUTTAL)
    release = make_release(
        actor=world.officer_roads,
        agency=world.roads,
        kind=Release.Kind.REBUTTAL,
        responds_to_url="https://news.example/report/12",
        responds_to_title="گزارش جاده",
    )
    assert release.responds_to_url == "https://news.example/report/12"


# role × transition: who may take each step on a roads release
TRANSITIONS = {
    "submit": {"officer_roads", "head_roads", "directorate_staff", "admin"},
    "approve": {"head_roads", "directorate_staff", "admin"},
    "return": {"head_roads", "directorate_staff", "admin"},
    "withdraw": {"head_roads", "directorate_staff", "admin"},
    "correct": {"head_roads", "directorate_staff", "admin"},
    "feature": {"directorate_staff", "admin"},
}
ROLES = ["officer_roads", "head_roads", "officer_health", "directorate_staff", "admin", "outsider"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("step", sorted(TRANSITIONS))
def test_transition_permission_matrix(world: Any, role: str, step: str) -> None:
    start = {"submit": "draft", "approve": "submitted", "return": "submitted"}.get(
        step, "published"
    )
    release = make_release(actor=world.head_roads, agency=world.roads, status=start)
    actor = getattr(world, role)
    call = {
        "submit": lambda: services.release_submit(actor=actor, release=release),
        "approve": lambda: services.release_approve(actor=actor, release=release),
        "return": lambda: services.release_return(actor=actor, release=release, reason="دلیل"),
        "withdraw": lambda: services.release_withdraw(actor=actor, release=release, reason="دلیل"),
        "correct": lambda: services.release_correct(actor=actor, release=release, note="اصلاح"),
        "feature": lambda: services.release_feature(actor=actor, release=release, featured=True),
    }[step]
    if role in TRANSITIONS[step]:
        call()
    else:
        with pytest.raises(AgencyPermissionDenied):
            call()
        release.refresh_from_db()
        assert release.status == start


def test_text_is_normalized_on_save_and_changes_are_listed(world: Any) -> None:
    result = services.release_create(
        actor=world.officer_roads,
        agency=world.roads,
        data=services.ReleaseInput(headline="نشست روابط عمومي ها برگزار ميشود", body="متن  خبر"),
    )
    assert "ي" not in result.release.headline
    assert ("عمومي", "عمومی") in result.changes or any(
        "ي" in before for before, _ in result.changes
    )


def test_script_in_body_is_removed_on_save(world: Any) -> None:
    release = make_release(
        actor=world.officer_roads,
        agency=world.roads,
        body=(
            '<p>متن</p><script>alert(1)</script><img src=x onerror="alert(2)">'
            '<a href="javascript:alert(3)">پیوند</a>'
        ),
    )
    assert "<script" not in release.body and "onerror" not in release.body
    assert "javascript:" not in release.body and "<img" not in release.body
    assert "متن" in release.body


# --- scheduled publishing ---------------------------------------------------------------


# The real worker closes connections that are inside a transaction; run it outside one.
@pytest.mark.django_db(transaction=True)
def test_scheduled_release_appears_at_its_minute_not_before(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    release = make_release(actor=world.officer_roads, agency=world.roads, status="submitted")
    at = (timezone.now() + dt.timedelta(hours=2)).replace(second=0, microsecond=0)
    with django_capture_on_commit_callbacks(execute=True):
        services.release_approve(actor=world.head_roads, release=release, publish_at=at)
    release.refresh_from_db()
    assert release.status == S.SCHEDULED
    # The real worker runs what is due: nothing yet.
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    release.refresh_from_db()
    assert release.status == S.SCHEDULED
    assert services.release_publish_due(now=at - dt.timedelta(seconds=1)) == []
    assert services.release_publish_due(now=at) == [release.pk]
    release.refresh_from_db()
    assert (release.status, release.published_at) == (S.PUBLISHED, at)


def test_scheduled_task_is_enqueued_to_run_at_the_minute(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    release = make_release(actor=world.officer_roads, agency=world.roads, status="submitted")
    at = timezone.now() + dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.release_approve(actor=world.head_roads, release=release, publish_at=at)
    job = DBTaskResult.objects.get(task_path="ravabet.newsroom.tasks.publish_scheduled_release")
    assert job.run_after == at
    assert job.args_kwargs["args"] == [release.pk]


def test_schedule_in_tehran_time_during_old_daylight_saving(world: Any) -> None:
    from ravabet.newsroom.forms import ApproveForm

    form = ApproveForm({"publish_at": "۱۴۰۰/۰۳/۱۱ ۱۰:۰۰"})
    assert form.is_valid()
    assert form.cleaned_data["publish_at"].astimezone(dt.UTC) == dt.datetime(
        2021, 6, 1, 5, 30, tzinfo=dt.UTC
    )
    form = ApproveForm({"publish_at": "1404/02/30 10:00"})
    assert form.is_valid()
    assert form.cleaned_data["publish_at"].astimezone(dt.UTC) == dt.datetime(
        2025, 5, 20, 6, 30, tzinfo=dt.UTC
    )


def test_returning_a_scheduled_release_cancels_it(world: Any) -> None:
    release = make_release(actor=world.officer_roads, agency=world.roads, status="submitted")
    at = timezone.now() + dt.timedelta(hours=1)
    services.release_approve(actor=world.head_roads, release=release, publish_at=at)
    services.release_return(actor=world.head_roads, release=release, reason="زمان مناسب نیست")
    assert services.release_publish_due(now=at + dt.timedelta(minutes=1)) == []


def test_paste_from_pdf_mends_hard_wraps_before_normalizing(world: Any) -> None:
    from ravabet.core.richtext import body_paragraphs

    pasted = (
        "مومنی هدف از برگزاری این نشست را تبیین سیاست های اطلاع رسانی دولت عنوان کرد و\n\n"
        "گفت: روابط عمومی ها نقش کلیدی دارند.\n"
        "وی افزود: این نشست فرصتی برای هم اندیشی است."
    )
    plain = make_release(actor=world.officer_roads, agency=world.roads, body=pasted)
    mended = make_release(actor=world.officer_roads, agency=world.roads, body=pasted, from_pdf=True)
    assert plain.body.count("<p>") == 2  # without the action, the hard break stays a break
    paragraphs = body_paragraphs(mended.body)
    assert paragraphs[0].startswith("مومنی هدف") and paragraphs[0].endswith("نقش کلیدی دارند.")
    assert "سیاست‌های اطلاع‌رسانی" in paragraphs[0] and "هم‌اندیشی" in paragraphs[-1]
