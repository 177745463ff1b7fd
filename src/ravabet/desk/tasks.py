"""Background work of the desk: the citizen's confirmation and answer notice (SMS and e-mail),
the directorate told of overdue messages, and the clock checked. Tasks take ids."""

from __future__ import annotations

from django_tasks import task

from ravabet.desk import notify, services
from ravabet.desk.models import Message


def _message(pk: int) -> Message | None:
    return Message.objects.select_related("agency", "merged_into").filter(pk=pk).first()


@task()
def send_confirmation(message_id: int) -> bool:
    """The tracking code, by SMS and e-mail, once: the clock sweep enqueues it again while it
    has not left, so several runs may race; only the one that claims it sends."""
    message = _message(message_id)
    if message is None or message.confirmation_sent_at is not None:
        return False
    if not services.confirmation_claim(message_id):
        return False
    try:
        sent = notify.send_confirmation(message)
    except BaseException:
        services.confirmation_release(message_id)
        raise
    services.confirmation_mark_sent(message_id)
    return sent


@task()
def send_answer_notice(message_id: int) -> bool:
    message = _message(message_id)
    return bool(message and notify.send_answer_notice(message))


@task()
def send_escalation_notice(message_ids: list[int]) -> int:
    return notify.send_escalation_notice(message_ids[:500])


@task()
def check_clocks() -> dict[str, int]:
    """Every quarter hour: escalate overdue messages, close stale answers, resend the
    confirmations that never left."""
    escalated = services.messages_escalate_overdue()
    closed = services.messages_close_stale()
    pending = services.confirmations_pending()
    for pk in pending:
        send_confirmation.enqueue(pk)
    return {"escalated": len(escalated), "closed": len(closed), "resent": len(pending)}
