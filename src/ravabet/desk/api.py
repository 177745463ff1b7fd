"""The citizen desk in the API, for the staff who answer: their inbox and the public answer,
through the same selectors and services as the back office, with an API token.

The inbox is the token's person's (`selectors.inbox_for`): an officer sees their agencies'
messages, the directorate every agency's; anyone else an empty list. No personal data: no name,
mobile, e-mail, attachment or tracking code (the citizen's key to the tracking page) — the
back office's audited reveal is the only door to a citizen's contact. A message the person may
not see is 404; a step the message's state refuses is 409; a field refused is 422 by field; a
read-only token is refused on the answer by TokenAuth (403).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from ravabet.core import jalali
from ravabet.core.organisation.models import Agency
from ravabet.core.pagination import Converted, LimitOffset, parse_int
from ravabet.core.schemas import ErrorOut
from ravabet.core.tokens.auth import TokenAuth
from ravabet.desk import selectors, services
from ravabet.desk.models import Kind, Message
from ravabet.desk.models import Status as MessageStatus

router = Router(tags=["پیشخوان مردمی"])

NO_MESSAGE = "پیامی با این شناسه در کارتابل شما نیست."
MAX_ID = 2**63 - 1


class AgencyRefOut(Schema):
    """An agency by slug and name: the same schema, under the same name, in every API that
    names one (a name in the OpenAPI document stands for one shape)."""

    slug: str
    name: str

    @staticmethod
    def of(agency: Agency | None) -> AgencyRefOut | None:
        return AgencyRefOut(slug=agency.slug, name=agency.name) if agency else None


class MessageOut(Schema):
    id: int
    kind: str
    kind_label: str
    status: str
    status_label: str
    channel: str
    agency: AgencyRefOut | None = Field(description="null: waiting for the directorate to route it")
    county: str
    subject: str
    body: str = Field(description="the citizen's words (never their name, number or e-mail)")
    answer: str
    assignee: str = Field(description="the officer's username, or empty")
    created_at: dt.datetime
    due_at: dt.datetime
    overdue: bool
    answered_at: dt.datetime | None
    reopened: bool
    rating: int | None

    @staticmethod
    def of(message: Message) -> MessageOut:
        return MessageOut(
            id=message.pk,
            kind=message.kind,
            kind_label=message.get_kind_display(),
            status=message.status,
            status_label=message.get_status_display(),
            channel=message.channel,
            agency=AgencyRefOut.of(message.agency),
            county=message.county.name if message.county else "",
            subject=message.subject,
            body=message.body,
            answer=message.answer,
            assignee=message.assignee.get_username() if message.assignee else "",
            created_at=jalali.to_local(message.created_at),
            due_at=jalali.to_local(message.due_at),
            overdue=message.is_open and message.due_at < timezone.now(),
            answered_at=jalali.to_local(message.answered_at) if message.answered_at else None,
            reopened=message.reopen_count > 0,
            rating=message.rating,
        )


class AnswerIn(Schema):
    text: str = Field("", description=f"at most {services.MAX_CHARS['text']:,} characters")


class FieldErrorsOut(Schema):
    detail: str
    errors: dict[str, list[str]] = Field(description="the Persian messages, by field")


def _is_id(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= 18


@router.get(
    "/desk/messages",
    response=list[MessageOut],
    auth=TokenAuth(),
    summary="کارتابل پیام‌های مردمی",
)
@paginate(LimitOffset)
def message_list(
    request: HttpRequest,
    status: str = Query("", description="a status, or «open» for every open one"),
    kind: str = Query("", description="question, request, complaint, suggestion, …"),
    overdue: str = Query("", description="1: only the open messages past their deadline"),
    assignee: str = Query("", description="«me», «none» or a user id"),
) -> Converted:
    """The messages of the agencies the token's person handles, the longest waiting first
    when only open ones are asked for, otherwise the newest first."""
    messages = selectors.inbox_for(
        request.user,
        status=status if status == "open" or status in MessageStatus.values else "",
        kind=kind if kind in Kind.values else "",
        overdue=overdue in ("1", "true", "yes"),
        assignee=assignee if assignee in ("me", "none") or _is_id(assignee) else "",
    )
    return Converted(messages, MessageOut.of)


@router.post(
    "/desk/messages/{message_id}/answer",
    response={200: MessageOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: FieldErrorsOut},
    auth=TokenAuth(),
    summary="پاسخ عمومی به یک پیام",
)
def message_answer(request: HttpRequest, message_id: str, payload: AnswerIn) -> Status[Any]:
    """The public answer: the citizen reads it by the tracking code and is told by SMS or
    e-mail; an Open311 client that filed the message reads it as `status_notes`."""
    pk = parse_int(message_id, default=0, minimum=0, maximum=MAX_ID)
    message = selectors.message_get_for(request.user, pk) if pk else None
    if message is None:
        raise HttpError(404, NO_MESSAGE)
    try:
        answered = services.message_answer(
            actor=request.user, message=message, text=payload.text, request=request
        )
    except services.DeskError as exc:
        raise HttpError(409, str(exc)) from exc
    except ValidationError as exc:
        errors = {key: [str(m) for m in messages] for key, messages in exc.message_dict.items()}
        return Status(422, FieldErrorsOut(detail=" ".join(exc.messages), errors=errors))
    fresh = selectors.message_get_for(request.user, answered.pk)
    return Status(200, MessageOut.of(fresh or answered))
