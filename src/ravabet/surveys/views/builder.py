"""The builder's back office (/backoffice/surveys/): the list of surveys, a survey's settings,
its structure (sections and questions: add, edit, move, delete; branching), the preview, and
the workflow (open, close, reopen, delete a draft).

Thin views: parse with a form, call one service, render. Every page needs a staff member (403
otherwise; anonymous visitors are sent to log in); a survey of an agency the person does not
see is a 404. Moving and deleting answer htmx with the structure's partial, and a plain
redirect to the same page without JavaScript. A service's ValidationError goes back beside the
field, its SurveyBuildError and permission refusals become a Persian message.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from ravabet.core import permissions
from ravabet.core.organisation.models import Agency
from ravabet.core.pagination import paginate
from ravabet.persian import to_persian_digits
from ravabet.surveys.forms.answer import SectionForm as AnswerSectionForm
from ravabet.surveys.forms.builder import QuestionForm, SectionForm, SurveyForm, errors_to_form
from ravabet.surveys.models import Option, Question, Response, Section, Survey
from ravabet.surveys.selectors import backoffice as backoffice_selectors
from ravabet.surveys.services import builder as services

STAFF_ONLY = "این بخش ویژهٔ کارکنان روابط عمومی است."
PER_PAGE = 25


# --- helpers -----------------------------------------------------------------------------


def _require_staff(request: HttpRequest) -> None:
    permissions.require(permissions.is_staff_member(request.user), STAFF_ONLY)


def _survey_for(request: HttpRequest, pk: int) -> Survey:
    """A survey this person may build (404 if its agency is not theirs to see, 403 if they see
    it but may not build for it)."""
    _require_staff(request)
    try:
        survey = (
            backoffice_selectors.surveys_visible_to(request.user)
            .select_related("agency")
            .get(pk=pk)
        )
    except Survey.DoesNotExist as exc:
        raise Http404 from exc
    permissions.require(
        permissions.can_build_surveys_for(request.user, survey.agency),
        "شما برای این دستگاه نظرسنجی نمی‌سازید.",
    )
    return survey


def _builder_agencies(user: Any) -> list[Agency]:
    return [
        a
        for a in permissions.visible_agencies(user).filter(is_active=True).order_by("name")[:1000]
        if permissions.can_build_surveys_for(user, a)
    ]


def _structure(survey: Survey) -> list[Section]:
    """The sections with their active questions and options, in order."""
    questions = Question.objects.filter(archived_at__isnull=True).prefetch_related(
        Prefetch(
            "options",
            queryset=Option.objects.filter(archived_at__isnull=True).select_related("goto_section"),
        )
    )
    sections = list(
        survey.sections.order_by("position", "id").prefetch_related(
            Prefetch("questions", queryset=questions.order_by("position", "id"))
        )
    )
    for section in sections:
        for question in section.questions.all():
            low, high = question.min_value, question.max_value
            question.range_text = (  # type: ignore[attr-defined]
                f"{_number(low)} تا {_number(high)}"
                if question.kind == Question.Kind.NUMBER and (low is not None or high is not None)
                else ""
            )
    return sections


def _number(value: Decimal | None) -> str:
    if value is None:
        return "…"
    return to_persian_digits(f"{value.normalize():f}").replace(".", "٫")


def _back(survey: Survey, anchor: str = "") -> HttpResponse:
    url = reverse("surveys:bo_survey", args=[survey.pk])
    return redirect(url + (f"#{anchor}" if anchor else ""))


def _call(request: HttpRequest, call: Callable[[], Any], success: str) -> bool:
    """Run a service with no form; its refusal becomes a message. True when it succeeded."""
    try:
        call()
    except services.SurveyBuildError as exc:
        messages.error(request, str(exc))
    except permissions.AgencyPermissionDenied as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if success:
            messages.success(request, success)
        return True
    return False


def _submit(request: HttpRequest, form: Any, call: Callable[[], Any], success: str) -> Any:
    """Run a service when the form is valid and return what it made, or None (the refusal is
    shown beside the fields or as a message; the person's input stays in the form)."""
    if not form.is_valid():
        return None
    try:
        result = call()
    except services.SurveyBuildError as exc:
        form.add_error(None, str(exc))
        return None
    except ValidationError as exc:
        errors_to_form(form, exc)
        return None
    messages.success(request, success)
    return result


def _render_survey(request: HttpRequest, survey: Survey, **extra: Any) -> HttpResponse:
    user = request.user
    sections = _structure(survey)
    context = {
        "survey": survey,
        "sections": sections,
        "archived_count": survey.questions.filter(archived_at__isnull=False).count(),
        "question_count": sum(len(s.questions.all()) for s in sections),
        "responses": survey.responses.filter(status=Response.Status.COMPLETE).count(),
        "can_publish": permissions.can_publish_survey_for(user, survey.agency)
        and (survey.audience != Survey.Audience.NETWORK or permissions.can_survey_network(user)),
        "has_responses": survey.responses.exists(),
        "section_form": extra.pop("section_form", None) or SectionForm(prefix="s"),
        "limits": services.BUILDER_LIMITS,
        "htmx": bool(request.headers.get("HX-Request")),
        **extra,
    }
    template = (
        "surveys/_bo_build_structure.html"
        if request.headers.get("HX-Request")
        else "surveys/bo_survey.html"
    )
    return render(request, template, context)


def _after_step(request: HttpRequest, survey: Survey, anchor: str = "") -> HttpResponse:
    """htmx gets the structure again (messages included); a plain form post goes back."""
    if request.headers.get("HX-Request"):
        return _render_survey(request, survey)
    return _back(survey, anchor)


def _form_page(
    request: HttpRequest, page: str, partial: str, target: str, context: dict[str, Any]
) -> HttpResponse:
    """A section's or question's form: its own page without JavaScript; through htmx, the
    form alone, put in place of the item in the structure (and back there when refused)."""
    if not request.headers.get("HX-Request"):
        return render(request, page, {**context, "inline": False})
    response = render(request, partial, {**context, "inline": True})
    response["HX-Retarget"] = target
    response["HX-Reswap"] = "innerHTML"
    return response


# --- the list ----------------------------------------------------------------------------


@login_required
def survey_list(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    user = request.user
    agencies = list(permissions.visible_agencies(user).order_by("name")[:1000])
    state = request.GET.get("state", "")
    state = state if state in Survey.State.values else ""
    agency_id = request.GET.get("agency", "")
    agency_id = agency_id if agency_id.isdigit() and len(agency_id) < 12 else ""
    surveys = backoffice_selectors.survey_list_for(
        user, state=state, agency_id=int(agency_id) if agency_id else None
    )
    page = paginate(request, surveys, PER_PAGE)
    for item in page.object_list:
        item.progress = backoffice_selectors.progress(item)
    return render(
        request,
        "surveys/bo_list.html",
        {
            "page": page,
            "state": state,
            "agency_id": agency_id,
            "agencies": agencies,
            "states": Survey.State.choices,
            "can_create": bool(_builder_agencies(user)),
        },
    )


# --- settings ----------------------------------------------------------------------------


@login_required
def survey_create(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    agencies = _builder_agencies(request.user)
    permissions.require(bool(agencies), "شما برای هیچ دستگاهی نظرسنجی نمی‌سازید.")
    data = request.POST if request.method == "POST" else None
    form = SurveyForm(data, agencies=agencies, network=permissions.can_survey_network(request.user))
    survey = data is not None and _submit(
        request,
        form,
        lambda: services.survey_create(actor=request.user, data=form.to_input(), request=request),
        "نظرسنجی ساخته شد؛ اکنون بخش‌ها و پرسش‌هایش را بیفزایید.",
    )
    if survey:
        return _back(survey)
    return render(request, "surveys/bo_edit_survey.html", {"form": form, "survey": None})


@login_required
def survey_edit(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey_for(request, pk)
    agencies = _builder_agencies(request.user)
    if survey.agency not in agencies:
        agencies.insert(0, survey.agency)
    data = request.POST if request.method == "POST" else None
    form = SurveyForm(
        data,
        agencies=agencies,
        network=permissions.can_survey_network(request.user),
        initial=SurveyForm.initial_for(survey),
    )
    if data is not None and _submit(
        request,
        form,
        lambda: services.survey_update(
            actor=request.user, survey=survey, data=form.to_input(), request=request
        ),
        "تنظیمات نظرسنجی ذخیره شد.",
    ):
        return _back(survey)
    return render(request, "surveys/bo_edit_survey.html", {"form": form, "survey": survey})


# --- the structure -----------------------------------------------------------------------


@login_required
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_survey(request, _survey_for(request, pk))


def _section_of(survey: Survey, section_pk: int) -> Section:
    try:
        return survey.sections.get(pk=section_pk)
    except Section.DoesNotExist as exc:
        raise Http404 from exc


def _question_of(survey: Survey, question_pk: int) -> Question:
    try:
        return survey.questions.select_related("section", "survey").get(
            pk=question_pk, archived_at__isnull=True
        )
    except Question.DoesNotExist as exc:
        raise Http404 from exc


@login_required
@require_POST
def section_add(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey_for(request, pk)
    form = SectionForm(request.POST, prefix="s")
    section = _submit(
        request,
        form,
        lambda: services.section_add(
            actor=request.user, survey=survey, data=form.to_input(), request=request
        ),
        "بخش افزوده شد.",
    )
    if section:
        return _back(survey, f"section-{section.pk}")
    return _render_survey(request, survey, section_form=form)


@login_required
def section_edit(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    survey = _survey_for(request, pk)
    section = _section_of(survey, section_pk)
    data = request.POST if request.method == "POST" else None
    form = SectionForm(
        data,
        initial={"title": section.title, "description": section.description},
        auto_id=f"id_s{section.pk}_%s",  # unique beside the other open forms of the page
    )
    if data is not None and _submit(
        request,
        form,
        lambda: services.section_update(
            actor=request.user, section=section, data=form.to_input(), request=request
        ),
        "بخش ذخیره شد.",
    ):
        return _after_step(request, survey, f"section-{section.pk}")
    return _form_page(
        request,
        "surveys/bo_edit_section.html",
        "surveys/_bo_build_section_form.html",
        f"#section-{section.pk}-body",
        {
            "form": form,
            "survey": survey,
            "section": section,
            "form_action": reverse("surveys:bo_section_edit", args=[survey.pk, section.pk]),
        },
    )


@login_required
@require_POST
def section_move(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    survey = _survey_for(request, pk)
    section = _section_of(survey, section_pk)
    _call(
        request,
        lambda: services.section_move(
            actor=request.user,
            section=section,
            direction=request.POST.get("direction", ""),
            request=request,
        ),
        "",
    )
    return _after_step(request, survey, f"section-{section.pk}")


@login_required
@require_POST
def section_delete(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    survey = _survey_for(request, pk)
    section = _section_of(survey, section_pk)
    _call(
        request,
        lambda: services.section_delete(actor=request.user, section=section, request=request),
        f"«{section}» حذف شد.",
    )
    return _after_step(request, survey)


@login_required
def question_add(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    survey = _survey_for(request, pk)
    section = _section_of(survey, section_pk)
    data = request.POST if request.method == "POST" else None
    initial = {"required": survey.state == Survey.State.DRAFT}
    form = QuestionForm(data, section=section, initial=initial)
    question = data is not None and _submit(
        request,
        form,
        lambda: services.question_add(
            actor=request.user, section=section, data=form.to_input(), request=request
        ),
        "پرسش افزوده شد.",
    )
    if question:
        if question.kind == Question.Kind.SINGLE and len(_structure(survey)) > 1:
            messages.info(request, "اکنون می‌توانید برای هر گزینه پرش به بخشی دیگر را برگزینید.")
            return redirect("surveys:bo_question_edit", pk=survey.pk, question_pk=question.pk)
        return _back(survey, f"question-{question.pk}")
    return render(
        request,
        "surveys/bo_edit_question.html",
        {
            "form": form,
            "survey": survey,
            "section": section,
            "question": None,
            "form_action": reverse("surveys:bo_question_add", args=[survey.pk, section.pk]),
        },
    )


@login_required
def question_edit(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    survey = _survey_for(request, pk)
    question = _question_of(survey, question_pk)
    data = request.POST if request.method == "POST" else None
    form = QuestionForm(data, question=question, initial=QuestionForm.initial_for(question))
    if data is not None and _submit(
        request,
        form,
        lambda: services.question_update(
            actor=request.user, question=question, data=form.to_input(), request=request
        ),
        "پرسش ذخیره شد.",
    ):
        return _after_step(request, survey, f"question-{question.pk}")
    return _form_page(
        request,
        "surveys/bo_edit_question.html",
        "surveys/_bo_build_question_form.html",
        f"#question-{question.pk}",
        {
            "form": form,
            "survey": survey,
            "section": question.section,
            "question": question,
            "answered": question.answers.exists(),
            "archived_options": question.options.filter(archived_at__isnull=False),
            "form_action": reverse("surveys:bo_question_edit", args=[survey.pk, question.pk]),
        },
    )


@login_required
@require_POST
def question_move(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    survey = _survey_for(request, pk)
    question = _question_of(survey, question_pk)
    _call(
        request,
        lambda: services.question_move(
            actor=request.user,
            question=question,
            direction=request.POST.get("direction", ""),
            request=request,
        ),
        "",
    )
    return _after_step(request, survey, f"question-{question.pk}")


@login_required
@require_POST
def question_delete(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    survey = _survey_for(request, pk)
    question = _question_of(survey, question_pk)
    outcome: dict[str, str] = {}

    def call() -> None:
        outcome["what"] = services.question_delete(
            actor=request.user, question=question, request=request
        )

    if _call(request, call, ""):
        if outcome["what"] == "archived":
            messages.success(
                request, "این پرسش پاسخ گرفته بود: بایگانی شد و پاسخ‌هایش نگه داشته می‌شود."
            )
        else:
            messages.success(request, "پرسش حذف شد.")
    return _after_step(request, survey)


# --- preview -----------------------------------------------------------------------------


@login_required
def survey_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """Every section as a respondent will see it (the answering pages' own form and partial),
    with no form around it: nothing is sent or saved."""
    survey = _survey_for(request, pk)
    pages = []
    for section in _structure(survey):
        questions = list(section.questions.all())
        pages.append(
            {
                "section": section,
                "form": AnswerSectionForm(section, preview=True, questions=questions),
                "jumps": [
                    o for q in questions for o in q.options.all() if o.goto_section_id is not None
                ],
            }
        )
    return render(request, "surveys/bo_preview.html", {"survey": survey, "pages": pages})


# --- workflow ----------------------------------------------------------------------------


def _workflow(
    request: HttpRequest, pk: int, service: Callable[..., Any], success: str
) -> HttpResponse:
    survey = _survey_for(request, pk)
    _call(
        request,
        lambda: service(actor=request.user, survey=survey, request=request),
        success,
    )
    return _back(survey)


@login_required
@require_POST
def survey_open(request: HttpRequest, pk: int) -> HttpResponse:
    return _workflow(request, pk, services.survey_open, "نظرسنجی منتشر شد.")


@login_required
@require_POST
def survey_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _workflow(request, pk, services.survey_close, "نظرسنجی بسته شد؛ پاسخ‌هایش می‌ماند.")


@login_required
@require_POST
def survey_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _workflow(request, pk, services.survey_reopen, "نظرسنجی بازگشایی شد.")


@login_required
@require_POST
def survey_delete(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey_for(request, pk)
    title = survey.title
    if _call(
        request,
        lambda: services.survey_delete(actor=request.user, survey=survey, request=request),
        f"پیش‌نویس «{title}» حذف شد.",
    ):
        target = reverse("surveys:bo_list")
    else:
        target = reverse("surveys:bo_survey", args=[survey.pk])
    if request.headers.get("HX-Request"):  # asked to confirm in the browser first
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return redirect(target)


urlpatterns = [
    path("", survey_list, name="bo_list"),
    path("new/", survey_create, name="bo_create"),
    path("<int:pk>/", survey_detail, name="bo_survey"),
    path("<int:pk>/edit/", survey_edit, name="bo_edit"),
    path("<int:pk>/preview/", survey_preview, name="bo_preview"),
    path("<int:pk>/open/", survey_open, name="bo_open"),
    path("<int:pk>/close/", survey_close, name="bo_close"),
    path("<int:pk>/reopen/", survey_reopen, name="bo_reopen"),
    path("<int:pk>/delete/", survey_delete, name="bo_delete"),
    path("<int:pk>/sections/new/", section_add, name="bo_section_add"),
    path("<int:pk>/sections/<int:section_pk>/edit/", section_edit, name="bo_section_edit"),
    path("<int:pk>/sections/<int:section_pk>/move/", section_move, name="bo_section_move"),
    path("<int:pk>/sections/<int:section_pk>/delete/", section_delete, name="bo_section_delete"),
    path(
        "<int:pk>/sections/<int:section_pk>/questions/new/",
        question_add,
        name="bo_question_add",
    ),
    path("<int:pk>/questions/<int:question_pk>/edit/", question_edit, name="bo_question_edit"),
    path("<int:pk>/questions/<int:question_pk>/move/", question_move, name="bo_question_move"),
    path(
        "<int:pk>/questions/<int:question_pk>/delete/",
        question_delete,
        name="bo_question_delete",
    ),
]
