"""The respondent's pages: the list at /surveys/, a survey answered one section a page at
/surveys/<id>/ (an intro saying what is collected, mobile verification when asked, a back
link, branching, resume within a day), and the thank-you page.

Anonymous public surveys know a browser by a signed cookie (a random token; only a keyed hash
of it and the survey's id is stored) and limit new responses per address; staff and network
surveys (and a public survey its owner made not anonymous) are tied to the account: a
stranger gets 404, a visitor without an account is sent to log in.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ravabet.core import audit
from ravabet.core import ratelimit as counters
from ravabet.surveys import selectors, services
from ravabet.surveys.forms.answer import SectionForm, initial_from_answers
from ravabet.surveys.models import Answer, Response, Section, Survey

COOKIE = "ravabet_survey"
COOKIE_SALT = "ravabet.surveys.browser"
COOKIE_AGE = 365 * 24 * 3600
HOUR = 3600


def _per_hour(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


# --- who is answering --------------------------------------------------------------------------


def _token(request: HttpRequest) -> tuple[str, bool]:
    """This browser's token from its signed cookie, or a new one (True: set the cookie)."""
    token = request.get_signed_cookie(COOKIE, default="", salt=COOKIE_SALT)
    if isinstance(token, str) and 20 <= len(token) <= 64:
        return token, False
    return secrets.token_urlsafe(24), True


def _keep_cookie(request: HttpRequest, response: HttpResponse, token: str, new: bool) -> None:
    if new:
        response.set_signed_cookie(
            COOKIE,
            token,
            salt=COOKIE_SALT,
            max_age=COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )


class _Visit:
    """The survey, the person answering it and their response so far (or None)."""

    def __init__(self, request: HttpRequest, survey: Survey) -> None:
        self.survey = survey
        self.token, self.new_token = ("", False)
        self.browser = ""  # the browser's key: mobile checks are this browser's
        self.anonymous = services.known_by_browser(survey)
        mobile = ""
        if survey.audience == Survey.Audience.PUBLIC:
            self.token, self.new_token = _token(request)
            self.browser = services.browser_key(survey, self.token)
            if survey.verify_mobile:
                mobile = selectors.mobile_key_verified(survey, self.browser)
        if self.anonymous:
            self.who = services.Respondent(browser_key=self.browser, mobile_key=mobile)
        else:
            self.who = services.Respondent(
                user=request.user,
                agency=selectors.respondent_agency(request.user, survey),
                mobile_key=mobile,
            )
        self.response = services.response_find(survey, self.who)

    def render(
        self, request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
    ) -> HttpResponse:
        page = render(
            request, template, {"survey": self.survey, **context, "visit": self}, status=status
        )
        return self.finish(request, page)

    def finish(self, request: HttpRequest, page: HttpResponse) -> HttpResponse:
        _keep_cookie(request, page, self.token, self.new_token)
        # Personal progress: kept by no shared cache.
        patch_cache_control(page, private=True, no_store=True)
        return page

    @property
    def needs_mobile(self) -> bool:
        return bool(self.survey.verify_mobile and not self.who.mobile_key)


def _survey_for(request: HttpRequest, pk: int) -> Survey | HttpResponse:
    """The survey this person may see here, or the login page; 404 for drafts and strangers."""
    survey = selectors.survey_answerable(pk)
    if survey is None:
        raise Http404("نظرسنجی پیدا نشد.")
    if not services.known_by_browser(survey):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not selectors.may_answer(request.user, survey):
            raise Http404("نظرسنجی پیدا نشد.")
    return survey


def _limited(visit: _Visit, request: HttpRequest, reason: str) -> HttpResponse:
    page = visit.render(request, "surveys/public_limited.html", {"reason": reason}, status=429)
    page["Retry-After"] = str(HOUR)
    return page


def _over(key: str, limit: int) -> bool:
    return counters.increment(key, window=HOUR) > limit


def _address(request: HttpRequest) -> str:
    return audit.client_ip(request) or "unknown"


# --- the list --------------------------------------------------------------------------------


@require_GET
def survey_list(request: HttpRequest) -> HttpResponse:
    staff = (
        list(selectors.surveys_open_for_staff(request.user))
        if request.user.is_authenticated
        else []
    )
    page = render(
        request,
        "surveys/public_list.html",
        {
            "open_surveys": list(selectors.surveys_open_public()),
            "published": [
                (s, f"/surveys/{s.pk}/results/") for s in selectors.surveys_with_published_results()
            ],
            "staff_surveys": staff,
        },
    )
    if staff:
        patch_cache_control(page, private=True)
    return page


# --- answering -------------------------------------------------------------------------------


def _sections(survey: Survey) -> list[Section]:
    return list(survey.sections.all())


def _section_allowed(section: Section, sections: list[Section], response: Response | None) -> bool:
    """The first section, one already on the path, or the one the respondent is due at: no
    jumping past a branch by typing an address."""
    if section.pk == sections[0].pk:
        return True
    if response is None:
        return False
    return section.pk in response.path or section.pk == response.current_section_id


def _section_page(
    request: HttpRequest,
    visit: _Visit,
    sections: list[Section],
    section: Section,
    form: SectionForm,
    status: int = 200,
) -> HttpResponse:
    index = [s.pk for s in sections].index(section.pk)
    previous = None
    if visit.response is not None:
        path = list(visit.response.path)
        before = path[: path.index(section.pk)] if section.pk in path else path
        previous = before[-1] if before else None
    is_last = index + 1 == len(sections)
    return visit.render(
        request,
        "surveys/public_section.html",
        {
            "section": section,
            "form": form,
            "number": index + 1,
            "total": len(sections),
            "previous": previous,
            "is_last": is_last,
            "resumed": visit.response is not None and not request.GET.get("section"),
        },
        status=status,
    )


def _closed(request: HttpRequest, visit: _Visit, status: int = 200) -> HttpResponse:
    survey = visit.survey
    now = timezone.now()
    not_yet = bool(survey.state == Survey.State.OPEN and survey.opens_at and now < survey.opens_at)
    # Closed by its owner before its closing time: that time is no deadline that passed.
    deadline_passed = bool(survey.closes_at and survey.closes_at <= now)
    return visit.render(
        request,
        "surveys/public_closed.html",
        {"not_yet_open": not_yet, "deadline_passed": deadline_passed},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    found = _survey_for(request, pk)
    if isinstance(found, HttpResponse):
        return found
    survey = found
    visit = _Visit(request, survey)
    if not survey.is_open():
        if request.method == "POST":
            flash.error(request, "این نظرسنجی اکنون پاسخ نمی‌پذیرد؛ پاسخ شما ثبت نشد.")
            return _closed(request, visit, status=403)
        return _closed(request, visit)
    if visit.response is not None and visit.response.status == Response.Status.COMPLETE:
        return visit.render(request, "surveys/public_answered.html", {})
    sections = _sections(survey)
    if not sections:
        return visit.render(request, "surveys/public_intro.html", {"first": None})
    if visit.needs_mobile:
        if request.method == "POST":
            flash.error(request, "پیش از پاسخ دادن، شمارهٔ همراه خود را تأیید کنید.")
        return _intro(request, visit, sections, status=403 if request.method == "POST" else 200)
    if request.method == "POST":
        return _answer_post(request, visit, sections)
    wanted = request.GET.get("section", "")
    by_id = {str(s.pk): s for s in sections}
    if wanted in by_id and _section_allowed(by_id[wanted], sections, visit.response):
        section = by_id[wanted]
    elif visit.response is not None and visit.response.current_section_id:
        # Resume where they left off.
        section = next(
            (s for s in sections if s.pk == visit.response.current_section_id), sections[0]
        )
    elif wanted:
        section = sections[0]
    else:
        return _intro(request, visit, sections)
    initial = {}
    if visit.response is not None:
        saved = Answer.objects.filter(
            response=visit.response, question__section=section
        ).select_related("question")
        initial = initial_from_answers(saved)
    return _section_page(request, visit, sections, section, SectionForm(section, initial=initial))


def _intro(
    request: HttpRequest,
    visit: _Visit,
    sections: list[Section],
    *,
    mobile_errors: list[str] | None = None,
    code_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    pending = (
        selectors.mobile_check_pending(visit.survey, visit.browser) if visit.needs_mobile else None
    )
    return visit.render(
        request,
        "surveys/public_intro.html",
        {
            "first": sections[0],
            "pending": pending,
            "mobile_errors": mobile_errors or [],
            "code_errors": code_errors or [],
            "mobile_value": request.POST.get("mobile", "")[:40] if request.method == "POST" else "",
        },
        status=status,
    )


def _answer_post(request: HttpRequest, visit: _Visit, sections: list[Section]) -> HttpResponse:
    survey = visit.survey
    by_id = {str(s.pk): s for s in sections}
    section = by_id.get(request.POST.get("section", ""))
    if section is None or not _section_allowed(section, sections, visit.response):
        # An old tab or a typed address: back to where this person is due.
        flash.error(request, "این بخش اکنون در مسیر پاسخ شما نیست؛ از همین‌جا ادامه دهید.")
        return visit.finish(request, redirect("surveys:answer", survey.pk))
    if visit.response is None and visit.anonymous:
        limit = _per_hour("RAVABET_SURVEY_RESPONSES_PER_IP_HOUR", 20)
        if _over(f"surveys:new:{survey.pk}:{_address(request)}", limit):
            return _limited(
                visit,
                request,
                "از این نشانی اینترنتی در یک ساعت گذشته پاسخ‌های بسیاری به این نظرسنجی "
                "آغاز شده است. یک ساعت دیگر دوباره بیایید.",
            )
    form = SectionForm(section, data=request.POST)
    try:
        response = services.section_answer(
            survey=survey, who=visit.who, section=section, questions=form.questions, raw=form.raw()
        )
    except ValidationError as exc:
        form.add_service_errors(exc)
        return _section_page(request, visit, sections, section, form)
    except services.SurveyNotOpen as exc:
        flash.error(request, str(exc))
        return _closed(request, visit, status=403)
    except services.AlreadyAnswered:
        return visit.render(request, "surveys/public_answered.html", {})
    except services.AnswerError as exc:
        form.add_error(str(exc))
        return _section_page(request, visit, sections, section, form)
    if response.status == Response.Status.COMPLETE:
        return visit.finish(request, redirect("surveys:thanks", survey.pk))
    target = reverse("surveys:answer", args=[survey.pk])
    if response.current_section_id in response.path:  # submitting sent it back
        flash.error(
            request,
            "پرسشی الزامی در این بخش بی‌پاسخ مانده است؛ به آن پاسخ دهید و دوباره بفرستید.",
        )
    return visit.finish(request, redirect(f"{target}?section={response.current_section_id}"))


@require_POST
def verify(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask for a code (the `mobile` field) or type it (the `code` field)."""
    found = _survey_for(request, pk)
    if isinstance(found, HttpResponse):
        return found
    survey = found
    if survey.audience != Survey.Audience.PUBLIC or not survey.verify_mobile:
        raise Http404("این نظرسنجی تأیید شمارهٔ همراه نمی‌خواهد.")
    visit = _Visit(request, survey)
    if not survey.is_open():
        return _closed(request, visit, status=403)
    sections = _sections(survey)
    if not sections:
        raise Http404("نظرسنجی پیدا نشد.")
    key = visit.browser
    try:
        if "code" in request.POST:
            services.mobile_check_confirm(survey=survey, browser=key, code=request.POST["code"])
            flash.success(request, "شمارهٔ همراه شما تأیید شد؛ اکنون می‌توانید پاسخ دهید.")
            target = reverse("surveys:answer", args=[survey.pk])
            return visit.finish(request, redirect(f"{target}?section={sections[0].pk}"))
        limit = _per_hour("RAVABET_SURVEY_CODES_PER_IP_HOUR", 10)
        if _over(f"surveys:code:{survey.pk}:{_address(request)}", limit):
            return _limited(
                visit,
                request,
                "از این نشانی اینترنتی در یک ساعت گذشته کدهای بسیاری خواسته شده است. "
                "یک ساعت دیگر دوباره امتحان کنید.",
            )
        services.mobile_check_start(
            survey=survey, browser=key, mobile=request.POST.get("mobile", "")
        )
    except ValidationError as exc:
        errors = exc.message_dict
        return _intro(
            request,
            visit,
            sections,
            mobile_errors=errors.get("mobile"),
            code_errors=errors.get("code"),
        )
    except services.SurveyNotOpen:
        return _closed(request, visit, status=403)
    except services.AlreadyAnswered as exc:
        return visit.render(request, "surveys/public_answered.html", {"reason": str(exc)})
    except services.AnswerError as exc:
        return _intro(request, visit, sections, mobile_errors=[str(exc)])
    flash.success(request, "کد تأیید به شمارهٔ همراه شما پیامک شد.")
    return visit.finish(request, redirect("surveys:answer", survey.pk))


@require_GET
def thanks(request: HttpRequest, pk: int) -> HttpResponse:
    found = _survey_for(request, pk)
    if isinstance(found, HttpResponse):
        return found
    return render(request, "surveys/public_thanks.html", {"survey": found})


urlpatterns = [
    path("", survey_list, name="list"),
    path("<int:pk>/", answer, name="answer"),
    path("<int:pk>/verify/", verify, name="verify"),
    path("<int:pk>/thanks/", thanks, name="thanks"),
]
