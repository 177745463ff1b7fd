"""The press list with embargo: journalists' pages and rules, the embargoed mailing with its
private preview, and the public link on publication."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from ravabet.core import jalali
from ravabet.core.permissions import AgencyPermissionDenied
from ravabet.distribution import tasks_press
from ravabet.distribution.models import Journalist, PressMailing, PreviewLink
from ravabet.distribution.services import press as services
from ravabet.newsroom import services as newsroom_services
from tests.factories import PASSWORD, make_release

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+/press/(\S+)/")


def login(client: Any, user: Any) -> Any:
    assert client.login(username=user.username, password=PASSWORD)
    return client


def journalist(agency: Any, email: str, *, approved: bool = True, beats: str = "") -> Journalist:
    return Journalist.objects.create(
        agency=agency,
        name="زهرا کریمی",
        outlet="خبرگزاری ایرنا",
        email=email,
        beats=beats,
        approved_at=timezone.now() if approved else None,
    )


def scheduled(world: Any, capture: Any, *, hours: int = 3) -> Any:
    release = make_release(
        actor=world.officer_roads,
        agency=world.roads,
        status="submitted",
        headline="افتتاح آزادراه تهران–شمال",
        lead="قطعهٔ سوم آزادراه فردا گشوده می‌شود.",
        body="<p>متن کامل خبر آزادراه.</p>",
    )
    at = (timezone.now() + dt.timedelta(hours=hours)).replace(second=0, microsecond=0)
    with capture(execute=True):
        newsroom_services.release_approve(actor=world.head_roads, release=release, publish_at=at)
    release.refresh_from_db()
    assert release.status == "scheduled"
    return release


def send_embargo(world: Any, release: Any, capture: Any, **kw: Any) -> int:
    from django_tasks_db.models import DBTaskResult

    with capture(execute=True):
        count = services.press_send_embargo(actor=world.head_roads, release=release, **kw)
    job = DBTaskResult.objects.filter(
        task_path="ravabet.distribution.tasks_press.send_press_mailings"
    ).latest("enqueued_at")
    tasks_press.send_press_mailings.call(*job.args_kwargs["args"])
    return count


# --- the journalists' pages and rules ------------------------------------------------------


def test_officer_proposes_head_approves(world: Any, client: Any) -> None:
    login(client, world.officer_roads)
    url = reverse("distribution:press_add", kwargs={"slug": "roads"})
    response = client.post(
        url,
        {
            "name": "زهرا کریمی",
            "outlet": "ایرنا",
            "email": " Zahra@Example.IR ",
            "beats": "اقتصاد، راه و مسکن, حمل‌ونقل،،",
        },
    )
    assert response.status_code == 302
    j = Journalist.objects.get()
    assert j.email == "zahra@example.ir"
    assert services.parse_beats(j.beats) == ["اقتصاد", "راه و مسکن", "حمل‌ونقل"]
    assert j.approved_at is None  # proposed only
    page = client.get(reverse("distribution:press_agency", kwargs={"slug": "roads"}))
    assert "در انتظار تأیید" in page.content.decode()
    assert "تأیید</button>" not in page.content.decode()  # no approve button for an officer
    # The officer cannot approve.
    approve = reverse(
        "distribution:press_journalist_action", kwargs={"pk": j.pk, "action": "approve"}
    )
    assert client.post(approve).status_code == 403
    j.refresh_from_db()
    assert j.approved_at is None
    client.logout()
    login(client, world.head_roads)
    listing = client.get(reverse("distribution:press_agency", kwargs={"slug": "roads"}))
    assert "تأیید</button>" in listing.content.decode()
    assert client.post(approve).status_code == 302
    j.refresh_from_db()
    assert j.approved_at is not None and j.approved_by == world.head_roads


def test_another_agencys_list_is_404(world: Any, client: Any) -> None:
    j = journalist(world.roads, "a@example.ir")
    login(client, world.officer_health)
    assert (
        client.get(reverse("distribution:press_agency", kwargs={"slug": "roads"})).status_code
        == 404
    )
    assert (
        client.get(reverse("distribution:press_add", kwargs={"slug": "roads"})).status_code == 404
    )
    assert client.get(reverse("distribution:press_edit", kwargs={"pk": j.pk})).status_code == 404
    deactivate = reverse(
        "distribution:press_journalist_action", kwargs={"pk": j.pk, "action": "deactivate"}
    )
    assert client.post(deactivate).status_code == 404
    listing = client.get(reverse("distribution:press_list")).content.decode()
    assert "a@example.ir" not in listing
    client.logout()
    login(client, world.directorate_staff)
    assert "a@example.ir" in client.get(reverse("distribution:press_list")).content.decode()


def test_persian_validation_of_a_journalist(world: Any, client: Any) -> None:
    login(client, world.head_roads)
    url = reverse("distribution:press_add", kwargs={"slug": "roads"})
    response = client.post(
        url, {"name": "زهرا", "outlet": "ایرنا", "email": "نه-رایانامه", "beats": ""}
    )
    assert response.status_code == 200
    assert "رایانامه درست نیست" in response.content.decode()
    many = "، ".join(f"حوزه{i}" for i in range(25))
    response = client.post(
        url, {"name": "زهرا", "outlet": "ایرنا", "email": "z@e.ir", "beats": many}
    )
    assert "حوزه پذیرفته نمی‌شود" in response.content.decode()
    response = client.post(url, {"name": "", "outlet": "ر" * 201, "email": "z@e.ir"})
    text = response.content.decode()
    assert "نام خبرنگار را بنویسید" in text
    assert "بیش از ۲۰۰ نویسه پذیرفته نمی‌شود" in text  # Persian digits, Persian message
    assert not Journalist.objects.exists()
    client.post(url, {"name": "زهرا", "outlet": "ایرنا", "email": "z@e.ir", "beats": ""})
    again = client.post(url, {"name": "مریم", "outlet": "ایسنا", "email": "Z@E.ir", "beats": ""})
    assert "این رایانامه در فهرست" in again.content.decode()
    assert Journalist.objects.count() == 1
    assert Journalist.objects.get().approved_at is not None  # the head adds approved


def test_officer_changing_an_address_needs_approval_again(world: Any) -> None:
    j = journalist(world.roads, "old@example.ir")
    data = services.JournalistInput(name=j.name, outlet=j.outlet, email="new@example.ir")
    services.journalist_update(actor=world.officer_roads, journalist=j, data=data)
    j.refresh_from_db()
    assert (j.email, j.approved_at) == ("new@example.ir", None)


def test_deactivate_by_officer_reactivate_by_head_only(world: Any) -> None:
    j = journalist(world.roads, "a@example.ir")
    services.journalist_set_active(actor=world.officer_roads, journalist=j, active=False)
    with pytest.raises(AgencyPermissionDenied):
        services.journalist_set_active(actor=world.officer_roads, journalist=j, active=True)
    services.journalist_set_active(actor=world.head_roads, journalist=j, active=True)
    j.refresh_from_db()
    assert j.is_active


# --- the embargoed mailing --------------------------------------------------------------


def test_embargo_mailing_with_a_private_expiring_preview(
    world: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    release = scheduled(world, django_capture_on_commit_callbacks)
    journalist(world.roads, "ok@example.ir")
    journalist(world.roads, "proposed@example.ir", approved=False)
    off = journalist(world.roads, "off@example.ir")
    off.is_active = False
    off.save()
    journalist(world.health, "other@example.ir")

    assert send_embargo(world, release, django_capture_on_commit_callbacks) == 1
    assert [m.to for m in mail.outbox] == [["ok@example.ir"]]
    body = mail.outbox[0].body
    line = f"ممنوع‌الانتشار تا {jalali.format_datetime(release.scheduled_for)}"
    assert line in body and line in mail.outbox[0].subject
    assert "۱۴" in line  # a Jalali year in Persian digits
    token = LINK.search(body).group(1)  # type: ignore[union-attr]
    link = PreviewLink.objects.get()
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(list(PreviewLink.objects.values()))  # only its hash is stored
    from django_tasks_db.models import DBTaskResult

    assert token not in str(list(DBTaskResult.objects.values("args_kwargs")))
    assert link.expires_at == release.scheduled_for + dt.timedelta(days=1)

    client.logout()
    page = client.get(f"/press/{token}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "افتتاح آزادراه تهران–شمال" in text and "متن کامل خبر آزادراه" in text
    assert "ممنوع‌الانتشار تا" in text and 'content="noindex' in text
    assert "no-store" in page["Cache-Control"] and "noindex" in page["X-Robots-Tag"]
    assert client.get(f"/press/{token[:-1]}x/").status_code == 404
    assert client.get("/press/" + "a" * 500 + "/").status_code == 404

    now = timezone.now()
    PreviewLink.objects.update(
        created_at=now - dt.timedelta(days=2), expires_at=now - dt.timedelta(seconds=1)
    )
    assert client.get(f"/press/{token}/").status_code == 404

    # Sent again: nobody mailed twice.
    assert send_embargo(world, release, django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == 1


def test_only_an_approver_sends_and_only_a_scheduled_release(
    world: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    journalist(world.roads, "ok@example.ir")
    release = scheduled(world, django_capture_on_commit_callbacks)
    with pytest.raises(AgencyPermissionDenied):
        services.press_send_embargo(actor=world.officer_roads, release=release)
    login(client, world.officer_health)
    url = reverse("distribution:press_send", kwargs={"pk": release.pk})
    assert client.post(url).status_code == 404
    draft = make_release(actor=world.officer_roads, agency=world.roads)
    with pytest.raises(ValidationError):
        services.press_send_embargo(actor=world.head_roads, release=draft)
    assert not PressMailing.objects.exists()


def test_panel_on_the_release_page_sends_by_beat(
    world: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    journalist(world.roads, "econ@example.ir", beats="اقتصاد، راه")
    journalist(world.roads, "health@example.ir", beats="سلامت")
    release = scheduled(world, django_capture_on_commit_callbacks)
    login(client, world.head_roads)
    page = client.get(release.get_backoffice_url()).content.decode()
    assert "فرستادن به خبرنگاران با ممنوعیت انتشار" in page
    assert jalali.format_datetime(release.scheduled_for) in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("distribution:press_send", kwargs={"pk": release.pk}), {"beat": "راه"}
        )
    assert response.status_code == 302
    assert list(PressMailing.objects.values_list("journalist__email", flat=True)) == [
        "econ@example.ir"
    ]
    client.logout()
    login(client, world.officer_roads)
    page = client.get(release.get_backoffice_url()).content.decode()
    assert "فرستادن به خبرنگاران با ممنوعیت انتشار" not in page  # officers do not send
    assert "زهرا کریمی" in page  # but see who was mailed


# --- publication ------------------------------------------------------------------------


def test_publication_sends_the_public_link_once(
    world: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    release = scheduled(world, django_capture_on_commit_callbacks)
    journalist(world.roads, "ok@example.ir")
    send_embargo(world, release, django_capture_on_commit_callbacks)
    token = LINK.search(mail.outbox[0].body).group(1)  # type: ignore[union-attr]
    journalist(world.roads, "late@example.ir")  # joined after the embargoed mailing
    journalist(world.health, "other@example.ir")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        newsroom_services.release_publish_due(now=release.scheduled_for)
    job = DBTaskResult.objects.get(task_path="ravabet.distribution.tasks_press.send_public_link")
    assert job.args_kwargs["args"] == [release.pk, world.roads.pk]
    assert tasks_press.send_public_link.call(*job.args_kwargs["args"]) == 1
    assert tasks_press.send_public_link.call(*job.args_kwargs["args"]) == 0  # run twice
    assert [m.to for m in mail.outbox] == [["ok@example.ir"]]
    assert release.get_absolute_url() in mail.outbox[0].body
    assert PressMailing.objects.filter(kind="public").count() == 1
    # The preview now leads to the public page.
    response = client.get(f"/press/{token}/")
    assert response.status_code == 302 and response["Location"] == release.get_absolute_url()


def test_a_release_never_embargoed_goes_to_the_whole_approved_list(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    journalist(world.roads, "a@example.ir")
    journalist(world.roads, "b@example.ir", approved=False)
    journalist(world.health, "other@example.ir")
    with django_capture_on_commit_callbacks(execute=True):
        release = make_release(actor=world.head_roads, agency=world.roads, status="published")
    tasks_press.send_public_link.call(release.pk, world.roads.pk)
    tasks_press.send_public_link.call(release.pk, world.roads.pk)
    assert [m.to for m in mail.outbox if "منتشر شد" in m.subject] == [["a@example.ir"]]


def test_a_failed_mail_is_recorded_and_sent_on_the_next_run(
    world: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    journalist(world.roads, "a@example.ir")
    with django_capture_on_commit_callbacks(execute=True):
        release = make_release(actor=world.head_roads, agency=world.roads, status="published")
    from django.core.mail import EmailMultiAlternatives

    def broken(self: Any, fail_silently: bool = False) -> int:
        raise OSError("SMTP unreachable")

    with monkeypatch.context() as m:
        m.setattr(EmailMultiAlternatives, "send", broken)
        assert tasks_press.send_public_link.call(release.pk, world.roads.pk) == 0
    mailing = PressMailing.objects.get()
    assert mailing.sent_at is None and "SMTP unreachable" in mailing.error
    assert tasks_press.send_public_link.call(release.pk, world.roads.pk) == 1
    mailing.refresh_from_db()
    assert mailing.sent_at is not None and mailing.error == ""


def test_preview_outlives_its_sender_and_dies_when_the_release_is_returned(
    world: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.contrib.auth import get_user_model

    journalist(world.roads, "ok@example.ir")
    release = scheduled(world, django_capture_on_commit_callbacks)
    send_embargo(world, release, django_capture_on_commit_callbacks)
    token = LINK.search(mail.outbox[0].body).group(1)  # type: ignore[union-attr]
    assert client.get(f"/press/{token}/").status_code == 200
    # The preview is read for the agency, not as its sender: the head who sent it leaving the
    # agency, or the account being deleted, does not close a link still valid.
    world.head_roads.memberships.all().delete()
    assert client.get(f"/press/{token}/").status_code == 200
    sender = get_user_model().objects.create_user(username="gone", password=PASSWORD)
    PreviewLink.objects.update(created_by=sender)
    sender.delete()
    assert PreviewLink.objects.get().created_by is None
    page = client.get(f"/press/{token}/")
    assert page.status_code == 200 and "متن کامل خبر آزادراه" in page.content.decode()
    newsroom_services.release_return(
        actor=world.directorate_staff, release=release, reason="زمان مناسب نیست"
    )
    assert client.get(f"/press/{token}/").status_code == 404


def test_the_directorate_sends_for_any_agency_and_a_deactivated_journalist_gets_no_public_link(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    a = journalist(world.roads, "a@example.ir")
    journalist(world.roads, "b@example.ir")
    release = scheduled(world, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.press_send_embargo(actor=world.directorate_staff, release=release) == 2
    services.journalist_set_active(actor=world.officer_roads, journalist=a, active=False)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        newsroom_services.release_publish_due(now=release.scheduled_for)
    job = DBTaskResult.objects.get(task_path="ravabet.distribution.tasks_press.send_public_link")
    tasks_press.send_public_link.call(*job.args_kwargs["args"])
    assert [m.to for m in mail.outbox] == [["b@example.ir"]]


# --- follow-ups: corrections, withdrawal, a publication called off ----------------------


def run_press_mailings() -> int:
    """Run the mailing tasks enqueued so far, each once (as a worker would), twice over: the
    second run sends nothing."""
    from django_tasks_db.models import DBTaskResult

    sent = 0
    jobs = DBTaskResult.objects.filter(
        task_path="ravabet.distribution.tasks_press.send_press_mailings"
    ).order_by("enqueued_at")
    for job in jobs:
        sent += tasks_press.send_press_mailings.call(*job.args_kwargs["args"])
        assert tasks_press.send_press_mailings.call(*job.args_kwargs["args"]) == 0
        job.delete()
    return sent


def published(world: Any, capture: Any, *emails: str) -> Any:
    """A release published with its public link sent to the journalists given."""
    for email in emails:
        journalist(world.roads, email)
    with capture(execute=True):
        release = make_release(
            actor=world.head_roads,
            agency=world.roads,
            status="published",
            headline="افتتاح آزادراه تهران–شمال",
        )
    tasks_press.send_public_link.call(release.pk, world.roads.pk)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(emails)
    mail.outbox.clear()
    return release


def test_a_correction_mails_those_sent_the_public_link_once_per_correction(
    world: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    capture = django_capture_on_commit_callbacks
    release = published(world, capture, "a@example.ir", "off@example.ir")
    journalist(world.roads, "late@example.ir")  # joined after publication: never sent it
    off = Journalist.objects.get(email="off@example.ir")
    services.journalist_set_active(actor=world.head_roads, journalist=off, active=False)

    with capture(execute=True):
        first = newsroom_services.release_correct(
            actor=world.head_roads, release=release, note="زمان افتتاح ساعت ۱۰ است نه ۹."
        )
    assert run_press_mailings() == 1
    assert [m.to for m in mail.outbox] == [["a@example.ir"]]
    message = mail.outbox[0]
    assert message.subject == "اصلاحیه: افتتاح آزادراه تهران–شمال"
    assert "زمان افتتاح ساعت ۱۰ است نه ۹." in message.body
    assert release.get_absolute_url() in message.body
    assert PressMailing.objects.get(kind="corrected").revision == first.pk

    # The same event heard again mails nobody.
    with capture(execute=True):
        from ravabet.distribution import press

        press.on_content_changed(pk=release.pk, event="corrected", agency_id=world.roads.pk)
    assert run_press_mailings() == 0
    assert len(mail.outbox) == 1

    # A second correction is mailed again, with its own note.
    release.refresh_from_db()
    with capture(execute=True):
        newsroom_services.release_correct(
            actor=world.head_roads, release=release, note="نام پیمانکار درست شد."
        )
    assert run_press_mailings() == 1
    assert [m.to for m in mail.outbox] == [["a@example.ir"], ["a@example.ir"]]
    assert "نام پیمانکار درست شد." in mail.outbox[1].body
    assert "ساعت ۱۰" not in mail.outbox[1].body
    assert PressMailing.objects.filter(kind="corrected").count() == 2

    # The release's panel lists the corrections.
    login(client, world.officer_roads)
    page = client.get(release.get_backoffice_url()).content.decode()
    assert page.count('<td data-label="نوع">اصلاحیه</td>') == 2


def test_a_withdrawal_mails_every_journalist_sent_anything_once(
    world: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    capture = django_capture_on_commit_callbacks
    release = scheduled(world, capture)
    journalist(world.roads, "both@example.ir")
    embargo_only = journalist(world.roads, "embargo-only@example.ir")
    gone = journalist(world.roads, "gone@example.ir")
    send_embargo(world, release, capture)
    assert len(mail.outbox) == 3
    # Off the list at publication (so no public link), back on it before the withdrawal.
    services.journalist_set_active(actor=world.head_roads, journalist=embargo_only, active=False)
    services.journalist_set_active(actor=world.head_roads, journalist=gone, active=False)
    journalist(world.roads, "late@example.ir")  # never sent anything of it
    journalist(world.health, "other@example.ir")
    with capture(execute=True):
        newsroom_services.release_publish_due(now=release.scheduled_for)
    tasks_press.send_public_link.call(release.pk, world.roads.pk)
    services.journalist_set_active(actor=world.head_roads, journalist=embargo_only, active=True)
    mail.outbox.clear()

    release.refresh_from_db()
    with capture(execute=True):
        newsroom_services.release_withdraw(
            actor=world.head_roads, release=release, reason="آمار خبر نادرست بود."
        )
    assert run_press_mailings() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["both@example.ir", "embargo-only@example.ir"]
    for message in mail.outbox:
        assert message.subject == "پس گرفته شد: افتتاح آزادراه تهران–شمال"
        assert "آمار خبر نادرست بود." in message.body
        assert release.get_absolute_url() in message.body
    # Heard twice: once.
    with capture(execute=True):
        from ravabet.distribution import press

        press.on_content_changed(pk=release.pk, event="withdrawn", agency_id=world.roads.pk)
    assert run_press_mailings() == 0
    assert len(mail.outbox) == 2

    # The panel still shows what was mailed, the withdrawal among it.
    login(client, world.head_roads)
    page = client.get(release.get_backoffice_url()).content.decode()
    assert "پس‌گرفتن خبر" in page and "پس از انتشار" in page


def _cancellation_and_revoked_preview(world: Any, client: Any, release: Any, token: str) -> None:
    assert run_press_mailings() == 1
    assert [m.to for m in mail.outbox] == [["ok@example.ir"]]
    message = mail.outbox[0]
    assert message.subject == "لغو انتشار: افتتاح آزادراه تهران–شمال"
    assert "در زمان اعلام‌شده منتشر نمی‌شود" in message.body
    assert PreviewLink.objects.count() == 2
    assert not PreviewLink.objects.filter(revoked_at__isnull=True).exists()
    assert client.get(f"/press/{token}/").status_code == 404
    # Scheduled again: the old link stays closed.
    release.refresh_from_db()
    newsroom_services.release_submit(actor=world.officer_roads, release=release)
    at = (timezone.now() + dt.timedelta(hours=5)).replace(second=0, microsecond=0)
    newsroom_services.release_approve(actor=world.head_roads, release=release, publish_at=at)
    assert client.get(f"/press/{token}/").status_code == 404
    login(client, world.head_roads)
    page = client.get(release.get_backoffice_url()).content.decode()
    assert "لغو انتشار" in page


def _embargoed(world: Any, capture: Any) -> tuple[Any, str]:
    release = scheduled(world, capture)
    journalist(world.roads, "ok@example.ir")
    never = journalist(world.roads, "never@example.ir")
    send_embargo(world, release, capture, beat="")
    # A journalist whose embargo mail never went out is not told of the cancellation.
    PressMailing.objects.filter(journalist=never).update(sent_at=None)
    token = next(
        LINK.search(str(m.body)).group(1)  # type: ignore[union-attr]
        for m in mail.outbox
        if m.to == ["ok@example.ir"]
    )
    mail.outbox.clear()
    return release, token


def test_returning_a_scheduled_release_after_an_embargo_mails_the_cancellation(
    world: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    release, token = _embargoed(world, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        newsroom_services.release_return(
            actor=world.head_roads, release=release, reason="زمان مناسب نیست"
        )
    _cancellation_and_revoked_preview(world, client, release, token)


def test_the_unscheduled_event_mails_the_cancellation_and_revokes_the_preview(
    world: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """What distribution does on «unscheduled», the release returned before its time."""
    from ravabet.distribution import press

    release, token = _embargoed(world, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        newsroom_services.release_return(
            actor=world.head_roads, release=release, reason="زمان مناسب نیست"
        )
        press.on_content_changed(pk=release.pk, event="unscheduled", agency_id=world.roads.pk)
    _cancellation_and_revoked_preview(world, client, release, token)
