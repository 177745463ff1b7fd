"""Who may do what on the citizen desk: every role against every step of the services (the
allowed ones succeed, the others raise AgencyPermissionDenied and change nothing), and every
back-office page (an officer of one agency sees nothing of another's messages)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from ravabet.core.models import AuditEntry
from ravabet.core.permissions import AgencyPermissionDenied
from ravabet.desk import services
from ravabet.desk.models import Message, MessageEvent, ReplyTemplate, SlaRule
from tests.desk.test_backoffice import client_for
from tests.desk.test_services import make_message

pytestmark = pytest.mark.django_db

ROLES = ["admin", "directorate_staff", "head_roads", "officer_roads", "officer_health", "outsider"]
DIRECTORATE = {"admin", "directorate_staff"}
ROADS = DIRECTORATE | {"head_roads", "officer_roads"}


def _roads(world: Any) -> Message:
    return make_message(world.roads)


def _triage(world: Any) -> Message:
    return make_message(None)


def _transfer_asked(world: Any) -> Message:
    return services.message_request_transfer(
        actor=world.officer_roads,
        message=make_message(world.roads),
        to_agency=world.health,
        reason="بهداشت است",
    )


def _two(world: Any) -> tuple[Message, Message]:
    return make_message(world.roads), make_message(world.roads)


def _anonymous(world: Any) -> Message:
    return make_message(world.roads, is_anonymous=True)


def _a_template(world: Any) -> ReplyTemplate:
    return ReplyTemplate.objects.create(agency=world.roads, title="کهنه", body="متن")


def _nothing(world: Any) -> None:
    return None


# action: (what it needs, made first; the step by an actor; the roles allowed)
Setup = Callable[[Any], Any]
Step = Callable[[Any, Any, Any], Any]
ACTIONS: dict[str, tuple[Setup, Step, set[str]]] = {
    "assign": (
        _roads,
        lambda world, actor, m: services.message_assign(
            actor=actor, message=m, assignee=world.officer_roads
        ),
        ROADS,
    ),
    "note": (
        _roads,
        lambda world, actor, m: services.message_note(actor=actor, message=m, text="پیگیری شد"),
        ROADS,
    ),
    "answer": (
        _roads,
        lambda world, actor, m: services.message_answer(actor=actor, message=m, text="انجام شد"),
        ROADS,
    ),
    "transfer": (
        _roads,
        lambda world, actor, m: services.message_request_transfer(
            actor=actor, message=m, to_agency=world.health, reason="بهداشت است"
        ),
        ROADS,
    ),
    "route": (
        _triage,
        lambda world, actor, m: services.message_route(actor=actor, message=m, agency=world.roads),
        DIRECTORATE,
    ),
    "refuse": (
        _transfer_asked,
        lambda world, actor, m: services.message_refuse_transfer(
            actor=actor, message=m, reason="کار راه است"
        ),
        DIRECTORATE,
    ),
    "merge": (
        _two,
        lambda world, actor, pair: services.message_merge(
            actor=actor, message=pair[0], into=pair[1]
        ),
        ROADS,
    ),
    "spam": (
        _roads,
        lambda world, actor, m: services.message_mark_spam(actor=actor, message=m, reason="آگهی"),
        ROADS,
    ),
    "reveal": (
        _roads,
        lambda world, actor, m: services.message_reveal_contact(actor=actor, message=m),
        ROADS,
    ),
    "reveal_anonymous": (
        _anonymous,
        lambda world, actor, m: services.message_reveal_contact(actor=actor, message=m),
        DIRECTORATE,
    ),
    "template": (
        _nothing,
        lambda world, actor, _: services.reply_template_save(
            actor=actor, agency=world.roads, title="در برنامه", body="در برنامهٔ امسال است."
        ),
        ROADS,
    ),
    "template_shared": (
        _nothing,
        lambda world, actor, _: services.reply_template_save(
            actor=actor, agency=None, title="سپاس", body="از پیام شما سپاسگزاریم."
        ),
        DIRECTORATE,
    ),
    "template_edit": (
        _a_template,
        lambda world, actor, t: services.reply_template_save(
            actor=actor, agency=None, title="تازه", body="متن تازه", template=t
        ),
        ROADS,
    ),
    "template_delete": (
        _a_template,
        lambda world, actor, t: services.reply_template_delete(actor=actor, template=t),
        ROADS,
    ),
    "sla": (
        _nothing,
        lambda world, actor, _: services.sla_rule_save(
            actor=actor, kind="complaint", working_days=10
        ),
        DIRECTORATE,
    ),
}


def _everything() -> tuple[Any, ...]:
    """Every row of the desk and the audit log, to see that a refusal wrote nothing."""
    return (
        list(Message.objects.order_by("pk").values()),
        list(MessageEvent.objects.order_by("pk").values_list("pk", "kind")),
        list(ReplyTemplate.objects.order_by("pk").values()),
        list(SlaRule.objects.order_by("pk").values()),
        AuditEntry.objects.count(),
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_role_action_matrix(world: Any, role: str, action: str) -> None:
    setup, step, allowed = ACTIONS[action]
    target = setup(world)
    before = _everything()
    if role in allowed:
        step(world, getattr(world, role), target)
        assert _everything() != before
        return
    with pytest.raises(AgencyPermissionDenied):
        step(world, getattr(world, role), target)
    assert _everything() == before


# --- pages ------------------------------------------------------------------------------------


def client_as(world: Any, role: str | None) -> Client:
    """A browser logged in as one of the world's people (None: an anonymous visitor)."""
    return client_for(getattr(world, role)) if role else Client()


PAGE_ROLES = [None, *ROLES]
STAFF = {"admin", "directorate_staff", "head_roads", "officer_roads", "officer_health"}


def _expected(role: str | None, sees: set[str], hidden: int = 404) -> int:
    if role is None:
        return 302  # to the login page
    if role not in STAFF:
        return 403
    return 200 if role in sees else hidden


PAGES: dict[str, tuple[Callable[[Any], str], set[str]]] = {
    "inbox": (lambda world: reverse("desk:bo_inbox"), STAFF),
    "roads_message": (
        lambda world: reverse("desk:bo_message", kwargs={"pk": make_message(world.roads).pk}),
        ROADS,
    ),
    "triage_message": (
        lambda world: reverse("desk:bo_message", kwargs={"pk": make_message(None).pk}),
        DIRECTORATE,
    ),
    "templates": (lambda world: reverse("desk:bo_templates"), STAFF),
    "template_create": (lambda world: reverse("desk:bo_template_create"), STAFF),
    "roads_template": (
        lambda world: reverse(
            "desk:bo_template_edit",
            kwargs={"pk": ReplyTemplate.objects.create(agency=world.roads, title="ت", body="م").pk},
        ),
        ROADS,
    ),
    "settings": (lambda world: reverse("desk:bo_settings"), STAFF),
}


@pytest.mark.parametrize("role", PAGE_ROLES)
@pytest.mark.parametrize("page", sorted(PAGES))
def test_role_page_matrix(world: Any, role: str | None, page: str) -> None:
    make_url, sees = PAGES[page]
    response = client_as(world, role).get(make_url(world))
    assert response.status_code == _expected(role, sees)


STEPS = [
    "bo_assign",
    "bo_note",
    "bo_answer",
    "bo_transfer",
    "bo_route",
    "bo_refuse_transfer",
    "bo_merge",
    "bo_spam",
    "bo_contact",
]


@pytest.mark.parametrize("step", STEPS)
@pytest.mark.parametrize("role", ["outsider", "officer_health", None])
def test_a_stranger_posting_a_step_on_a_message_learns_nothing(
    world: Any, role: str | None, step: str
) -> None:
    message = make_message(world.roads)
    before = _everything()
    response = client_as(world, role).post(
        reverse(f"desk:{step}", kwargs={"pk": message.pk}),
        {"note-text": "x", "answer-text": "x", "spam-reason": "x"},
    )
    assert response.status_code == {None: 302, "outsider": 403, "officer_health": 404}[role]
    assert message.subject not in response.content.decode()
    assert _everything() == before


def test_an_officer_sees_none_of_another_agencys_messages(world: Any) -> None:
    theirs = [make_message(world.health, subject=f"درمانگاه {n}") for n in range(3)]
    triage = make_message(None, subject="بی‌دستگاه")
    ours = make_message(world.roads, subject="کوچهٔ ما")
    client = client_as(world, "officer_roads")
    for query in ({}, {"status": "all"}, {"agency": str(world.health.pk)}, {"triage": "1"}):
        response = client.get(reverse("desk:bo_inbox"), query)
        listed = {m.pk for m in response.context["page"].object_list}
        assert not listed & {m.pk for m in [*theirs, triage]}
        page = response.content.decode()
        assert "درمانگاه" not in page and "بی‌دستگاه" not in page
    assert ours.pk in {
        m.pk for m in client.get(reverse("desk:bo_inbox")).context["page"].object_list
    }
    counts = client.get(reverse("desk:bo_inbox")).context["counts"]
    assert counts["open"] == 1 and counts["triage"] == 0
    assert client.get(reverse("desk:bo_answer", kwargs={"pk": theirs[0].pk})).status_code == 404
