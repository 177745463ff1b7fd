"""The builder's services: every step's success and refusal (Persian message, nothing
changed), branching never backwards, answered questions and options archived, not lost."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ravabet.core.models import AuditEntry
from ravabet.core.permissions import AgencyPermissionDenied
from ravabet.surveys import services
from ravabet.surveys.models import Answer, Option, Question, Response, Section, Survey
from tests.surveys.conftest import make_survey

pytestmark = pytest.mark.django_db


def new_survey(world: Any, **extra: Any) -> Survey:
    actor = extra.pop("actor", world.officer_roads)
    data = services.SurveyInput(
        title=extra.pop("title", "نظرسنجی رضايت از پاسخگويي"),
        agency=extra.pop("agency", world.roads),
        **extra,
    )
    return services.survey_create(actor=actor, data=data)


def single(text: str = "کدام را ترجیح می‌دهید؟", options: list[str] | None = None) -> Any:
    return services.QuestionInput(
        kind="single", text=text, options=options or ["تلفن", "پیام‌رسان", "حضوری"]
    )


def add_question(world: Any, survey: Survey, data: Any = None, section: Any = None) -> Question:
    section = section or survey.sections.first()
    return services.question_add(actor=world.officer_roads, section=section, data=data or single())


def answer(question: Question, **fields: Any) -> Answer:
    response = Response.objects.create(survey=question.survey, status=Response.Status.COMPLETE)
    return Answer.objects.create(response=response, question=question, **fields)


def messages_of(exc: Any) -> str:
    return " ".join(exc.value.messages) if hasattr(exc.value, "messages") else str(exc.value)


# --- surveys -----------------------------------------------------------------------------


def test_create_normalizes_texts_makes_a_first_section_and_audits(world: Any) -> None:
    survey = new_survey(world, description="  توضيح  ")
    assert survey.state == Survey.State.DRAFT
    assert survey.title == "نظرسنجی رضایت از پاسخ\u200cگویی"  # Arabic yeh → Persian, ZWNJ
    assert survey.description == "توضیح"
    assert survey.sections.count() == 1
    assert survey.created_by == world.officer_roads
    assert AuditEntry.objects.filter(action="survey.create", object_id=str(survey.pk)).exists()


def test_create_refuses_empty_title_and_bad_dates_in_persian(world: Any) -> None:
    now = timezone.now()
    with pytest.raises(ValidationError) as exc:
        new_survey(
            world,
            title="   ",
            opens_at=now + dt.timedelta(days=2),
            closes_at=now + dt.timedelta(days=1),
            target_responses=0,
        )
    errors = exc.value.message_dict
    assert errors["title"] == ["عنوان نظرسنجی را بنویسید."]
    assert "پایان نظرسنجی باید پس از آغاز آن باشد." in errors["closes_at"]
    assert "شمار پاسخ هدف" in errors["target_responses"][0]
    assert not Survey.objects.exists()


def test_create_refuses_a_too_long_title(world: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        new_survey(world, title="ن" * 201)
    assert "۲۰۰" in exc.value.message_dict["title"][0]
    assert not Survey.objects.exists()


def test_staff_surveys_are_never_anonymous(world: Any) -> None:
    survey = new_survey(world, audience="agency", anonymous=True, verify_mobile=True)
    assert (survey.anonymous, survey.verify_mobile) == (False, False)


def test_network_survey_is_the_directorates(world: Any) -> None:
    with pytest.raises(AgencyPermissionDenied):
        new_survey(world, audience="network", actor=world.head_roads)
    assert not Survey.objects.exists()
    survey = services.survey_create(
        actor=world.directorate_staff,
        data=services.SurveyInput(
            title="نیاز آموزشی شبکه", agency=world.directorate, audience="network"
        ),
    )
    assert survey.audience == "network"


def test_another_agencys_officer_cannot_create_for_roads(world: Any) -> None:
    with pytest.raises(AgencyPermissionDenied) as exc:
        new_survey(world, actor=world.officer_health)
    assert "نظرسنجی نمی‌سازید" in str(exc.value)


def test_update_changes_settings_and_refuses_changing_audience_after_responses(world: Any) -> None:
    survey = new_survey(world)
    data = services.SurveyInput(title="عنوان تازه", agency=world.roads, target_responses=300)
    survey = services.survey_update(actor=world.officer_roads, survey=survey, data=data)
    assert (survey.title, survey.target_responses) == ("عنوان تازه", 300)
    Response.objects.create(survey=survey)
    data = services.SurveyInput(title="عنوان تازه", agency=world.roads, audience="agency")
    with pytest.raises(services.SurveyBuildError) as exc:
        services.survey_update(actor=world.officer_roads, survey=survey, data=data)
    assert "مخاطبان" in str(exc.value)
    survey.refresh_from_db()
    assert survey.audience == "public"


def test_open_survey_end_cannot_be_put_in_the_past(world: Any) -> None:
    survey = make_survey(world.roads)
    data = services.SurveyInput(
        title=survey.title, agency=world.roads, closes_at=timezone.now() - dt.timedelta(hours=1)
    )
    with pytest.raises(ValidationError) as exc:
        services.survey_update(actor=world.head_roads, survey=survey, data=data)
    assert "بستن" in exc.value.message_dict["closes_at"][0]


# --- workflow ----------------------------------------------------------------------------


def test_open_close_reopen(world: Any) -> None:
    survey = new_survey(world)
    add_question(world, survey)
    survey = services.survey_open(actor=world.head_roads, survey=survey)
    assert survey.state == "open" and survey.published_at is not None
    survey = services.survey_close(actor=world.head_roads, survey=survey)
    assert survey.state == "closed"
    survey = services.survey_reopen(actor=world.head_roads, survey=survey)
    assert survey.state == "open"
    actions = set(
        AuditEntry.objects.filter(object_id=str(survey.pk)).values_list("action", flat=True)
    )
    assert {"survey.open", "survey.close", "survey.reopen"} <= actions


def test_open_refuses_without_questions(world: Any) -> None:
    survey = new_survey(world)
    with pytest.raises(ValidationError) as exc:
        services.survey_open(actor=world.head_roads, survey=survey)
    assert "نظرسنجی هنوز پرسشی ندارد؛ دست‌کم یک پرسش بیفزایید." in exc.value.messages
    survey.refresh_from_db()
    assert survey.state == "draft"


def test_open_refuses_thin_choices_an_empty_matrix_and_a_past_end(world: Any) -> None:
    survey = new_survey(world)
    add_question(world, survey, single("یک گزینه؟", ["تنها"]))
    add_question(
        world,
        survey,
        services.QuestionInput(kind="matrix", text="جدول خالی", rows=["سطر"], columns=[]),
    )
    Survey.objects.filter(pk=survey.pk).update(closes_at=timezone.now() - dt.timedelta(days=1))
    with pytest.raises(ValidationError) as exc:
        services.survey_open(actor=world.head_roads, survey=survey)
    text = " ".join(exc.value.messages)
    assert "«یک گزینه؟» دست‌کم دو گزینه می‌خواهد" in text
    assert "«جدول خالی» باید سطر و ستون داشته باشد" in text
    assert "تاریخ پایان نظرسنجی گذشته است" in text
    survey.refresh_from_db()
    assert survey.state == "draft"


def test_officer_cannot_open_and_state_is_checked(world: Any) -> None:
    survey = new_survey(world)
    add_question(world, survey)
    with pytest.raises(AgencyPermissionDenied):
        services.survey_open(actor=world.officer_roads, survey=survey)
    with pytest.raises(services.SurveyBuildError):
        services.survey_close(actor=world.head_roads, survey=survey)
    with pytest.raises(services.SurveyBuildError):
        services.survey_reopen(actor=world.head_roads, survey=survey)
    survey.refresh_from_db()
    assert survey.state == "draft"


def test_reopen_refused_when_the_end_has_passed(world: Any) -> None:
    survey = make_survey(world.roads, state="closed")
    Survey.objects.filter(pk=survey.pk).update(closes_at=timezone.now() - dt.timedelta(days=1))
    with pytest.raises(services.SurveyBuildError) as exc:
        services.survey_reopen(actor=world.head_roads, survey=survey)
    assert "تاریخ پایان" in str(exc.value)
    survey.refresh_from_db()
    assert survey.state == "closed"


def test_delete_a_draft_but_never_a_published_or_answered_one(world: Any) -> None:
    draft = new_survey(world)
    services.survey_delete(actor=world.officer_roads, survey=draft)
    assert not Survey.objects.filter(pk=draft.pk).exists()
    assert AuditEntry.objects.filter(action="survey.delete").exists()
    published = make_survey(world.roads)
    with pytest.raises(services.SurveyBuildError) as exc:
        services.survey_delete(actor=world.officer_roads, survey=published)
    assert "ببندید" in str(exc.value)
    answered = new_survey(world, title="پیش‌نویس پاسخ‌دار")
    Response.objects.create(survey=answered)
    with pytest.raises(services.SurveyBuildError):
        services.survey_delete(actor=world.officer_roads, survey=answered)
    assert Survey.objects.filter(pk__in=[published.pk, answered.pk]).count() == 2


# --- sections ----------------------------------------------------------------------------


def test_sections_add_update_move_delete(world: Any) -> None:
    survey = new_survey(world)
    first = survey.sections.get()
    second = services.section_add(
        actor=world.officer_roads, survey=survey, data=services.SectionInput(title="بخش دوم")
    )
    assert second.position == 1
    services.section_update(
        actor=world.officer_roads,
        section=first,
        data=services.SectionInput(title="آشنایی", description="چند پرسش کوتاه"),
    )
    first.refresh_from_db()
    assert first.title == "آشنایی"
    services.section_move(actor=world.officer_roads, section=second, direction="up")
    assert list(survey.sections.values_list("title", flat=True)) == ["بخش دوم", "آشنایی"]
    services.section_delete(actor=world.officer_roads, section=second)
    assert list(survey.sections.values_list("title", "position")) == [("آشنایی", 0)]


def test_section_limit(world: Any) -> None:
    survey = new_survey(world)
    for i in range(19):
        services.section_add(
            actor=world.officer_roads, survey=survey, data=services.SectionInput(title=f"ب{i}")
        )
    with pytest.raises(services.SurveyBuildError) as exc:
        services.section_add(actor=world.officer_roads, survey=survey, data=services.SectionInput())
    assert "۲۰ بخش" in str(exc.value)
    assert survey.sections.count() == 20


def test_section_with_an_answered_question_is_not_deleted(world: Any) -> None:
    survey = new_survey(world)
    question = add_question(world, survey)
    answer(question, option=question.options.first())
    with pytest.raises(services.SurveyBuildError) as exc:
        services.section_delete(actor=world.officer_roads, section=question.section)
    assert "پاسخ‌ها بمانند" in str(exc.value)
    assert Answer.objects.count() == 1
    assert Section.objects.filter(pk=question.section_id).exists()


# --- questions ---------------------------------------------------------------------------


def test_question_add_every_kind(world: Any) -> None:
    survey = new_survey(world)
    kinds = {
        "single": {"options": ["الف", "ب"], "allow_other": True},
        "multiple": {"options": ["الف", "ب", "ج"], "max_choices": 2},
        "likert": {},
        "rating5": {},
        "rating10": {},
        "number": {"min_value": Decimal(0), "max_value": Decimal(120)},
        "short_text": {},
        "long_text": {"required": False},
        "date": {},
        "ranking": {"options": ["آب", "راه"]},
        "matrix": {"rows": ["روشن", "به‌موقع"], "columns": ["کم", "زیاد"]},
    }
    for kind, extra in kinds.items():
        add_question(world, survey, services.QuestionInput(kind=kind, text=f"پرسش {kind}", **extra))
    assert survey.questions.count() == 11
    matrix = survey.questions.get(kind="matrix")
    assert matrix.options.filter(role="row").count() == 2
    assert matrix.options.filter(role="column").count() == 2
    number = survey.questions.get(kind="number")
    assert (number.min_value, number.max_value) == (0, 120)
    assert survey.questions.get(kind="likert").options.count() == 0
    services.survey_open(actor=world.head_roads, survey=survey)


def test_question_refusals_in_persian(world: Any) -> None:
    survey = new_survey(world)
    bad = [
        (services.QuestionInput(kind="single", text=""), "text", "متن پرسش را بنویسید."),
        (services.QuestionInput(kind="nonsense", text="پرسش"), "kind", "نوع پرسش شناخته نیست."),
        (
            services.QuestionInput(
                kind="number", text="سن", min_value=Decimal(10), max_value=Decimal(5)
            ),
            "max_value",
            "بیشینه باید بزرگ‌تر از کمینه یا برابر آن باشد.",
        ),
        (
            services.QuestionInput(kind="single", text="تکرار", options=["بله", "بله"]),
            "options",
            "گزینهٔ «بله» دو بار آمده است؛ هر گزینه یک بار.",
        ),
        (
            services.QuestionInput(
                kind="multiple", text="چند", options=["الف", "ب"], max_choices=3
            ),
            "max_choices",
            "بیشترین شمار انتخاب از شمار گزینه‌ها (۲) بیشتر است.",
        ),
    ]
    for data, key, message in bad:
        with pytest.raises(ValidationError) as exc:
            add_question(world, survey, data)
        assert exc.value.message_dict[key] == [message]
    with pytest.raises(ValidationError) as exc:
        add_question(world, survey, single(options=[f"گزینه {i}" for i in range(51)]))
    assert "۵۰" in exc.value.message_dict["options"][0]
    assert not survey.questions.exists()


def test_question_texts_are_normalized(world: Any) -> None:
    survey = new_survey(world)
    question = add_question(world, survey, single("كدام؟", ["يك", "دو"]))
    assert question.text == "کدام؟"
    assert list(question.options.values_list("label", flat=True)) == ["یک", "دو"]


def test_question_move_within_its_section(world: Any) -> None:
    survey = new_survey(world)
    a = add_question(world, survey, single("الف"))
    b = add_question(world, survey, single("ب"))
    services.question_move(actor=world.officer_roads, question=b, direction="up")
    assert list(survey.questions.order_by("position").values_list("text", flat=True)) == [
        "ب",
        "الف",
    ]
    services.question_move(actor=world.officer_roads, question=b, direction="up")  # already first
    assert survey.questions.get(pk=a.pk).position == 1


def test_unanswered_question_is_deleted(world: Any) -> None:
    survey = new_survey(world)
    question = add_question(world, survey)
    assert services.question_delete(actor=world.officer_roads, question=question) == "deleted"
    assert not Question.objects.filter(pk=question.pk).exists()


def test_answered_question_is_archived_and_its_answers_kept(world: Any) -> None:
    survey = make_survey(world.roads, kinds=["single", "rating5"])
    question = survey.questions.get(kind="single")
    kept = answer(question, option=question.options.first())
    assert services.question_delete(actor=world.officer_roads, question=question) == "archived"
    question.refresh_from_db()
    assert question.archived_at is not None
    assert Answer.objects.filter(pk=kept.pk, question=question).exists()
    assert AuditEntry.objects.filter(action="survey.question_archive").exists()
    with pytest.raises(Question.DoesNotExist):  # no second deletion of an archived question
        services.question_delete(actor=world.officer_roads, question=question)


def test_answered_question_keeps_its_kind(world: Any) -> None:
    survey = make_survey(world.roads, kinds=["rating5"])
    question = survey.questions.get()
    answer(question, number=4)
    data = services.QuestionInput(kind="rating10", text=question.text, required=question.required)
    with pytest.raises(ValidationError) as exc:
        services.question_update(actor=world.officer_roads, question=question, data=data)
    assert "نوعش تغییر نمی‌کند" in exc.value.message_dict["kind"][0]
    question.refresh_from_db()
    assert question.kind == "rating5"


def test_editing_options_archives_answered_ones_and_deletes_the_rest(world: Any) -> None:
    survey = new_survey(world)
    question = add_question(world, survey, single(options=["تلفن", "پیام‌رسان", "حضوری"]))
    phone = question.options.get(label="تلفن")
    messenger = question.options.get(label="پیام‌رسان")
    kept = answer(question, option=phone)
    data = single(options=["پیام‌رسان", "نامه"])
    services.question_update(actor=world.officer_roads, question=question, data=data)
    phone.refresh_from_db()
    assert phone.archived_at is not None  # answered: archived
    assert not Option.objects.filter(label="حضوری").exists()  # unanswered: deleted
    assert question.options.get(label="پیام‌رسان").pk == messenger.pk  # same label, same option
    active = question.options.filter(archived_at__isnull=True).order_by("position")
    assert list(active.values_list("label", flat=True)) == ["پیام‌رسان", "نامه"]
    assert Answer.objects.filter(pk=kept.pk, option=phone).exists()
    # Writing the label again brings the archived option back, answers and all.
    services.question_options_set(
        actor=world.officer_roads, question=question, options=["تلفن", "پیام‌رسان", "نامه"]
    )
    phone.refresh_from_db()
    assert phone.archived_at is None


def test_answered_matrix_row_is_archived_not_deleted(world: Any) -> None:
    survey = make_survey(world.roads, kinds=["matrix"])
    question = survey.questions.get()
    row = question.options.filter(role="row").first()
    column = question.options.filter(role="column").first()
    assert row is not None and column is not None
    answer(question, row=row, option=column)
    services.question_options_set(
        actor=world.officer_roads, question=question, options=["سطر تازه"], role="row"
    )
    row.refresh_from_db()
    assert row.archived_at is not None


# --- branching ---------------------------------------------------------------------------


def branching_survey(world: Any) -> tuple[Survey, Question, list[Section]]:
    survey = new_survey(world)
    for title in ("دوم", "سوم"):
        services.section_add(
            actor=world.officer_roads, survey=survey, data=services.SectionInput(title=title)
        )
    sections = list(survey.sections.order_by("position"))
    question = add_question(world, survey, single("مراجعه کرده‌اید؟", ["بله", "خیر"]), sections[1])
    return survey, question, sections


def test_an_option_jumps_to_a_later_section(world: Any) -> None:
    _survey, question, sections = branching_survey(world)
    no = question.options.get(label="خیر")
    data = single("مراجعه کرده‌اید؟", ["بله", "خیر"])
    data.gotos = {no.pk: sections[2].pk}
    services.question_update(actor=world.officer_roads, question=question, data=data)
    no.refresh_from_db()
    assert no.goto_section == sections[2]


@pytest.mark.parametrize("target", [0, 1])  # an earlier section, its own section
def test_a_branching_loop_is_refused(world: Any, target: int) -> None:
    _survey, question, sections = branching_survey(world)
    no = question.options.get(label="خیر")
    data = single("مراجعه کرده‌اید؟ (ویرایش)", ["بله", "خیر"])
    data.gotos = {no.pk: sections[target].pk}
    with pytest.raises(ValidationError) as exc:
        services.question_update(actor=world.officer_roads, question=question, data=data)
    assert "حلقه می‌سازد" in exc.value.message_dict[f"goto_{no.pk}"][0]
    no.refresh_from_db()
    question.refresh_from_db()
    assert no.goto_section is None
    assert question.text == "مراجعه کرده‌اید؟"  # the whole edit rolled back


def test_moving_a_section_cannot_turn_a_jump_backwards(world: Any) -> None:
    survey, question, sections = branching_survey(world)
    no = question.options.get(label="خیر")
    Option.objects.filter(pk=no.pk).update(goto_section=sections[2])
    with pytest.raises(services.SurveyBuildError) as exc:
        services.section_move(actor=world.officer_roads, section=sections[2], direction="up")
    assert "حلقه" in str(exc.value)
    positions = list(survey.sections.order_by("position").values_list("pk", flat=True))
    assert positions == [s.pk for s in sections]


# --- a published survey --------------------------------------------------------------------


def test_published_survey_takes_only_optional_new_questions(world: Any) -> None:
    survey = make_survey(world.roads, kinds=["single", "long_text"])
    section = survey.sections.get()
    with pytest.raises(ValidationError) as exc:
        services.question_add(actor=world.officer_roads, section=section, data=single())
    assert "فقط پرسش اختیاری" in exc.value.message_dict["required"][0]
    optional = single()
    optional.required = False
    services.question_add(actor=world.officer_roads, section=section, data=optional)
    long_text = survey.questions.get(kind="long_text")
    data = services.QuestionInput(kind="long_text", text="متن اصلاح‌شده", required=True)
    with pytest.raises(ValidationError):
        services.question_update(actor=world.officer_roads, question=long_text, data=data)
    data.required = False
    services.question_update(actor=world.officer_roads, question=long_text, data=data)
    long_text.refresh_from_db()
    assert (long_text.text, long_text.required) == ("متن اصلاح‌شده", False)


# --- who may do what: role × action ---------------------------------------------------------

ROLES = ["admin", "directorate_staff", "head_roads", "officer_roads", "officer_health", "outsider"]
BUILDERS = {"admin", "directorate_staff", "head_roads", "officer_roads"}
PUBLISHERS = {"admin", "directorate_staff", "head_roads"}
ACTIONS = {
    "survey_update": BUILDERS,
    "survey_delete": BUILDERS,
    "section_add": BUILDERS,
    "section_update": BUILDERS,
    "section_move": BUILDERS,
    "section_delete": BUILDERS,
    "question_add": BUILDERS,
    "question_update": BUILDERS,
    "question_options_set": BUILDERS,
    "question_move": BUILDERS,
    "question_delete": BUILDERS,
    "survey_open": PUBLISHERS,
    "survey_close": PUBLISHERS,
    "survey_reopen": PUBLISHERS,
}


def _fingerprint(survey: Survey) -> tuple[Any, ...]:
    survey.refresh_from_db()
    return (
        survey.title,
        survey.state,
        list(survey.sections.values_list("pk", "position", "title")),
        list(survey.questions.values_list("pk", "position", "text", "archived_at")),
        list(Option.objects.filter(question__survey=survey).values_list("pk", "label")),
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_builder_permission_matrix(world: Any, role: str, action: str) -> None:
    state = {"survey_close": "open", "survey_reopen": "closed"}.get(action, "draft")
    survey = make_survey(world.roads, kinds=["single", "rating5"], sections=2, state=state)
    first, second = survey.sections.order_by("position")
    question = survey.questions.get(kind="single")
    actor = getattr(world, role)
    call = {
        "survey_update": lambda: services.survey_update(
            actor=actor,
            survey=survey,
            data=services.SurveyInput(title="عنوان دیگر", agency=world.roads),
        ),
        "survey_delete": lambda: services.survey_delete(actor=actor, survey=survey),
        "section_add": lambda: services.section_add(
            actor=actor, survey=survey, data=services.SectionInput(title="تازه")
        ),
        "section_update": lambda: services.section_update(
            actor=actor, section=first, data=services.SectionInput(title="دیگر")
        ),
        "section_move": lambda: services.section_move(actor=actor, section=second, direction="up"),
        "section_delete": lambda: services.section_delete(actor=actor, section=second),
        "question_add": lambda: services.question_add(actor=actor, section=first, data=single()),
        "question_update": lambda: services.question_update(
            actor=actor, question=question, data=single("متن دیگر")
        ),
        "question_options_set": lambda: services.question_options_set(
            actor=actor, question=question, options=["یک", "دو"]
        ),
        "question_move": lambda: services.question_move(
            actor=actor, question=question, direction="down"
        ),
        "question_delete": lambda: services.question_delete(actor=actor, question=question),
        "survey_open": lambda: services.survey_open(actor=actor, survey=survey),
        "survey_close": lambda: services.survey_close(actor=actor, survey=survey),
        "survey_reopen": lambda: services.survey_reopen(actor=actor, survey=survey),
    }[action]
    before = _fingerprint(survey)
    if role in ACTIONS[action]:
        call()
    else:
        with pytest.raises(AgencyPermissionDenied):
            call()
        assert _fingerprint(survey) == before


def test_options_of_the_wrong_role_are_refused(world: Any) -> None:
    survey = make_survey(world.roads, kinds=["likert", "matrix"], state="draft")
    likert = survey.questions.get(kind="likert")
    matrix = survey.questions.get(kind="matrix")
    for question, role in ((likert, "choice"), (matrix, "choice")):
        with pytest.raises(ValidationError) as exc:
            services.question_options_set(
                actor=world.officer_roads, question=question, options=["الف", "ب"], role=role
            )
        assert exc.value.message_dict["options"] == ["این پرسش چنین گزینه‌هایی نمی‌گیرد."]
    assert not likert.options.exists()
    assert not matrix.options.filter(role="choice").exists()


def test_a_changed_kind_ignores_the_other_kinds_boxes(world: Any) -> None:
    survey = new_survey(world)
    question = add_question(world, survey)
    data = services.QuestionInput(
        kind="likert", text="موافقید؟", options=["تکرار", "تکرار"], rows=["x"] * 2
    )
    services.question_update(actor=world.officer_roads, question=question, data=data)
    question.refresh_from_db()
    assert question.kind == "likert" and not question.options.exists()


def test_question_moves_across_sections(world: Any) -> None:
    survey = make_survey(world.roads, kinds=["rating5", "short_text"], sections=2, state="draft")
    first, second = survey.sections.order_by("position")
    rating = survey.questions.get(kind="rating5")  # alone in the first section
    services.question_move(actor=world.officer_roads, question=rating, direction="down")
    rating.refresh_from_db()
    assert rating.section == second
    assert list(second.questions.order_by("position").values_list("kind", flat=True)) == [
        "rating5",
        "short_text",
    ]
    services.question_move(actor=world.officer_roads, question=rating, direction="up")
    rating.refresh_from_db()
    assert rating.section == first


def test_moving_a_question_cannot_turn_its_jump_backwards(world: Any) -> None:
    _survey, question, sections = branching_survey(world)
    no = question.options.get(label="خیر")
    Option.objects.filter(pk=no.pk).update(goto_section=sections[2])
    with pytest.raises(services.SurveyBuildError) as exc:
        services.question_move(actor=world.officer_roads, question=question, direction="down")
    assert "حلقه" in str(exc.value)
    question.refresh_from_db()
    assert question.section == sections[1]


def test_open_refuses_an_empty_section(world: Any) -> None:
    survey = new_survey(world)
    add_question(world, survey)
    services.section_add(
        actor=world.officer_roads, survey=survey, data=services.SectionInput(title="خالی")
    )
    with pytest.raises(ValidationError) as exc:
        services.survey_open(actor=world.head_roads, survey=survey)
    assert "«خالی» پرسشی ندارد" in " ".join(exc.value.messages)
    survey.refresh_from_db()
    assert survey.state == "draft"


def test_anonymity_is_fixed_once_answered(world: Any) -> None:
    survey = make_survey(world.roads)
    Response.objects.create(survey=survey, status=Response.Status.COMPLETE)
    data = services.SurveyInput(
        title=survey.title, agency=world.roads, anonymous=False, closes_at=survey.closes_at
    )
    with pytest.raises(services.SurveyBuildError) as exc:
        services.survey_update(actor=world.officer_roads, survey=survey, data=data)
    assert "بی‌نامی" in str(exc.value)
    survey.refresh_from_db()
    assert survey.anonymous is True


def test_an_open_survey_keeps_a_question(world: Any) -> None:
    survey = make_survey(world.roads, kinds=["rating5"])
    question = survey.questions.get()
    with pytest.raises(services.SurveyBuildError) as exc:
        services.question_delete(actor=world.officer_roads, question=question)
    assert "دست‌کم یک پرسش" in str(exc.value)
    with pytest.raises(services.SurveyBuildError):
        services.section_delete(actor=world.officer_roads, section=question.section)
    assert Question.objects.filter(pk=question.pk, archived_at__isnull=True).exists()
