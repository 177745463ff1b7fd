"""Back-office pages of the desk (being written)."""

from django.http import HttpRequest, HttpResponse


def inbox(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


message_detail = message_assign = message_note = message_answer = message_transfer = inbox
message_route = message_refuse_transfer = message_merge = message_spam = message_contact = inbox
template_list = template_edit = template_delete = desk_settings = inbox
