"""Public surveys that verify a mobile: a six-digit code by SMS (after the transaction), only
hashes kept, ten minutes, five attempts, resending limited, one response a number."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client
from django.utils import timezone

from ravabet.core import sms
from ravabet.surveys.models import MobileCheck, Response, Survey
from tests.surveys.conftest import make_survey

NUMBER = "09121234567"


@pytest.fixture(autouse=True)
def _sms_outbox(settings: Any) -> None:
    settings.RAVABET_SMS_BACKEND = "ravabet.core.sms.LocmemBackend"
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    caches["default"].clear()
    sms.outbox.clear()


@pytest.fixture
def verified_survey(world: Any) -> Survey:
    return make_survey(world.directorate, kinds=["rating5"], verify_mobile=True)


def ask_code(client: Client, survey: Survey, capture: Any, mobile: str = "۰۹۱۲۱۲۳۴۵۶۷") -> Any:
    with capture(execute=True):
        return client.post(f"/surveys/{survey.pk}/verify/", {"mobile": mobile})


def sent_code() -> str:
    match = re.search(r"\d{6}", sms.outbox[-1].text)
    assert match is not None
    return match.group(0)


def answer(client: Client, survey: Survey) -> Any:
    section = survey.sections.get()
    question = section.questions.get()
    return client.post(f"/surveys/{survey.pk}/", {"section": section.pk, f"q{question.pk}": "4"})


def test_a_verified_mobile_answers_once_and_the_number_is_never_stored(
    client: Client, verified_survey: Survey, django_capture_on_commit_callbacks: Any
) -> None:
    survey = verified_survey
    intro = client.get(f"/surveys/{survey.pk}/").content.decode()
    assert "شمارهٔ همراه" in intro and "خود شماره ذخیره نمی‌شود" in intro
    assert "آغاز پاسخ" not in intro
    refused = answer(client, survey)
    assert refused.status_code == 403 and not Response.objects.exists()

    page = ask_code(client, survey, django_capture_on_commit_callbacks)
    assert page.status_code == 302
    assert len(sms.outbox) == 1 and sms.outbox[0].to == NUMBER
    code = sent_code()
    check = MobileCheck.objects.get()
    assert code not in check.code_hash and NUMBER not in check.mobile_key
    assert "کد شش‌رقمی" in client.get(f"/surveys/{survey.pk}/").content.decode()

    wrong = "000000" if code != "000000" else "111111"
    page = client.post(f"/surveys/{survey.pk}/verify/", {"code": wrong})
    assert "کد درست نیست؛ ۴ بار دیگر می‌توانید امتحان کنید." in page.content.decode()
    page = client.post(f"/surveys/{survey.pk}/verify/", {"code": code})
    assert page.status_code == 302 and "?section=" in page["Location"]
    assert answer(client, survey)["Location"].endswith("/thanks/")
    response = Response.objects.get()
    assert response.mobile_key == check.mobile_key and response.status == "complete"
    stored = " ".join(
        str(v) for v in Response.objects.values_list("browser_key", "mobile_key").get()
    )
    assert NUMBER not in stored and NUMBER[1:] not in stored

    # Another browser, the same number: refused before any SMS is sent.
    other = Client()
    page = ask_code(other, survey, django_capture_on_commit_callbacks, mobile=NUMBER)
    assert "با این شمارهٔ همراه پیش‌تر به این نظرسنجی پاسخ داده شده است." in (page.content.decode())
    assert len(sms.outbox) == 1


def test_five_wrong_codes_use_the_code_up(
    client: Client, verified_survey: Survey, django_capture_on_commit_callbacks: Any
) -> None:
    survey = verified_survey
    ask_code(client, survey, django_capture_on_commit_callbacks)
    code = sent_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        page = client.post(f"/surveys/{survey.pk}/verify/", {"code": wrong})
    assert "کد را چند بار نادرست نوشته‌اید؛ کد تازه‌ای بخواهید." in page.content.decode()
    page = client.post(f"/surveys/{survey.pk}/verify/", {"code": code})
    assert "کد تازه‌ای بخواهید" in page.content.decode()
    assert MobileCheck.objects.get().verified_at is None
    assert answer(client, survey).status_code == 403


def test_an_expired_code_is_refused(
    client: Client, verified_survey: Survey, django_capture_on_commit_callbacks: Any
) -> None:
    survey = verified_survey
    ask_code(client, survey, django_capture_on_commit_callbacks)
    MobileCheck.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    page = client.post(f"/surveys/{survey.pk}/verify/", {"code": sent_code()})
    assert "این کد دیگر معتبر نیست؛ کد تازه‌ای بخواهید." in page.content.decode()


def test_resending_is_limited(
    client: Client, verified_survey: Survey, django_capture_on_commit_callbacks: Any
) -> None:
    survey = verified_survey
    ask_code(client, survey, django_capture_on_commit_callbacks)
    page = ask_code(client, survey, django_capture_on_commit_callbacks)
    assert "یک دقیقه صبر کنید" in page.content.decode()
    assert len(sms.outbox) == 1
    # A minute later a new code may be asked, three an hour at most.
    for _ in range(2):
        MobileCheck.objects.update(created_at=timezone.now() - dt.timedelta(minutes=2))
        assert ask_code(client, survey, django_capture_on_commit_callbacks).status_code == 302
    MobileCheck.objects.update(created_at=timezone.now() - dt.timedelta(minutes=2))
    page = ask_code(client, survey, django_capture_on_commit_callbacks)
    assert "یک ساعت دیگر دوباره امتحان کنید" in page.content.decode()
    assert len(sms.outbox) == 3


def test_codes_from_one_address_are_limited(
    settings: Any, verified_survey: Survey, django_capture_on_commit_callbacks: Any
) -> None:
    settings.RAVABET_SURVEY_CODES_PER_IP_HOUR = 2
    for _ in range(2):
        assert (
            ask_code(Client(), verified_survey, django_capture_on_commit_callbacks).status_code
            == 302
        )
    page = ask_code(Client(), verified_survey, django_capture_on_commit_callbacks)
    assert page.status_code == 429 and len(sms.outbox) == 2


def test_a_wrong_number_is_refused_in_persian(
    client: Client, verified_survey: Survey, django_capture_on_commit_callbacks: Any
) -> None:
    page = ask_code(client, verified_survey, django_capture_on_commit_callbacks, mobile="۰۲۱۸۸")
    assert "شمارهٔ همراه را با یازده رقم بنویسید" in page.content.decode()
    assert not sms.outbox and not MobileCheck.objects.exists()


def test_the_code_is_sent_only_once_the_transaction_is_committed(
    client: Client, verified_survey: Survey, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(f"/surveys/{verified_survey.pk}/verify/", {"mobile": NUMBER})
    assert not sms.outbox and len(callbacks) == 1
    callbacks[0]()
    assert len(sms.outbox) == 1 and sms.outbox[0].to == NUMBER
