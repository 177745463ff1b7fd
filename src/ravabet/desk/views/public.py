"""The citizen's pages: the form at /desk/, the lookup at /desk/track/ and the tracking page
at /desk/track/<code>/ with its rating and reopening.

No account: the tracking code is the key, so the tracking pages are never cached or indexed,
send no Referer (the code is in their address), show nothing personal (no name, number or
e-mail; no internal note, no officer's name) and count every look at a code against the
address's limit (limits.py). After a submission the page of the new code is shown once with
the code large, without counting as a look: the session remembers the code it may show, never
the query string.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_http_methods, require_POST

from ravabet.core import jalali
from ravabet.core.links import absolute_url
from ravabet.desk import limits, selectors, services, tracking
from ravabet.desk.forms.public import (
    WRONG_CODE,
    LookupForm,
    MessageForm,
    RateForm,
    ReopenForm,
)
from ravabet.desk.models import Message, Status

logger = logging.getLogger(__name__)

# The code just submitted from this browser: its page shows it large, once.
JUST_SUBMITTED = "desk.just_submitted"
# A code this browser just proved it holds (a lookup, a submission, a rating): its next page
# view is not counted a second time.
SEEN = "desk.seen_code"
SAVE_FAILED = (
    "ثبت پیام ممکن نشد؛ چند دقیقهٔ دیگر دوباره بفرستید. آنچه نوشته‌اید در همین صفحه مانده است."
)

View = Callable[..., HttpResponse]


def private_page(view: View) -> View:
    """A page about one tracking code: kept by no cache, indexed by no search engine, and
    never leaking its address to another site as a Referer. (`same-origin`, not
    `no-referrer`: under `no-referrer` a browser posts the page's own forms with
    `Origin: null`, which Django's CSRF check rightly refuses.)
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        patch_cache_control(response, no_store=True, private=True)
        response["Referrer-Policy"] = "same-origin"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapped


def _limited(request: HttpRequest, exc: limits.Limited) -> HttpResponse:
    response = render(request, "desk/limited.html", {"reason": str(exc)}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


# --- the form ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    form = MessageForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_bot:
            return _decoy(request)
        if form.is_valid():
            data = form.to_input()
            try:
                limits.count_submission(request, mobile=data.mobile, email=data.email)
                message = services.message_submit(data=data, request=request)
            except limits.Limited as exc:
                form.add_error(None, str(exc))
                status = 429
            except ValidationError as exc:
                form.add_service_errors(exc)
            except services.DeskError as exc:
                form.add_error(None, str(exc))
            except (OSError, DatabaseError):
                # The transaction rolled back and took its files with it: nothing was kept, and
                # the person keeps what they wrote.
                logger.exception("a citizen's message could not be stored")
                form.add_error(None, SAVE_FAILED)
                status = 503
            else:
                request.session[JUST_SUBMITTED] = message.tracking_code
                request.session[SEEN] = message.tracking_code
                return redirect("desk:track", message.tracking_code)
        form.tell_to_rechoose_files()
    return render(request, "desk/submit.html", {"form": form}, status=status)


def _decoy(request: HttpRequest) -> HttpResponse:
    """What a script that filled the honeypot sees: a received message with a code that
    belongs to nothing. Nothing is stored or sent; the address's counter still counts it."""
    try:
        limits.count_submission(request)
    except limits.Limited as exc:
        return _limited(request, exc)
    logger.info("the desk's honeypot was filled; nothing stored")
    return render(request, "desk/received.html", {"code": tracking.display(tracking.new_code())})


# --- the tracking pages ----------------------------------------------------------------------


@private_page
@require_http_methods(["GET", "POST"])
def track_lookup(request: HttpRequest) -> HttpResponse:
    """The lookup form; a code is looked up on POST and the person sent to its page."""
    form = LookupForm(request.POST or None)
    if request.method == "POST":
        try:
            limits.count_lookup(request)
        except limits.Limited as exc:
            return _limited(request, exc)
        if form.is_valid():
            message = selectors.message_by_code(form.cleaned_data["code"])
            if message is not None:
                request.session[SEEN] = message.tracking_code
                return redirect("desk:track", message.tracking_code)
            form.add_error("code", WRONG_CODE)
    return render(request, "desk/track_lookup.html", {"form": form})


def _counted_message(request: HttpRequest, code: str) -> Message | HttpResponse:
    """The message of `code`, with the look counted; else the response to give (the limit's
    429, the lookup page's 404, or a redirect to the code's canonical address)."""
    cleaned = tracking.clean(code)
    if cleaned is not None and cleaned != code and request.method == "GET":
        return redirect("desk:track", cleaned)  # Persian digits, dashes: nothing looked up yet
    if request.method == "GET" and cleaned is not None and request.session.get(SEEN) == cleaned:
        del request.session[SEEN]
    else:
        try:
            limits.count_lookup(request)
        except limits.Limited as exc:
            return _limited(request, exc)
    message = selectors.message_by_code(cleaned) if cleaned else None
    if message is None:
        form = LookupForm({"code": code[:64]})
        form.is_valid()
        if "code" not in form.errors:
            form.add_error("code", WRONG_CODE)
        return render(request, "desk/track_lookup.html", {"form": form}, status=404)
    return message


def _page(
    request: HttpRequest,
    message: Message,
    *,
    rate_form: Form | None = None,
    reopen_form: Form | None = None,
) -> HttpResponse:
    """The tracking page; a refused form is shown again with its errors (or, when its step is
    no longer open to the citizen, its errors are told at the top)."""
    source = selectors.answer_for_citizen(message)
    can_rate = (
        message.rating is None
        and message.answered_at is not None
        and message.status in (Status.ANSWERED, Status.CLOSED)
    )
    can_reopen = message.status == Status.ANSWERED and message.reopen_count == 0
    for form, open_ in ((rate_form, can_rate), (reopen_form, can_reopen)):
        if form is not None and not open_:
            for error in (e for errors in form.errors.values() for e in errors):
                flash.error(request, str(error))
    just_submitted = request.session.get(JUST_SUBMITTED) == message.tracking_code
    if just_submitted:
        del request.session[JUST_SUBMITTED]
    context = {
        "message": message,
        "answer": source if source.answered_at is not None and source.answer else None,
        "timeline": selectors.public_timeline(message),
        # The clock runs out at the end of a Tehran day: the day is named, not midnight after it.
        "deadline_day": jalali.to_local(message.due_at - dt.timedelta(seconds=1)).date(),
        "just_submitted": just_submitted,
        "page_url": absolute_url(reverse("desk:track", args=[message.tracking_code])),
        "rate_form": (rate_form or RateForm()) if can_rate else None,
        "reopen_form": (reopen_form or ReopenForm()) if can_reopen else None,
    }
    return render(request, "desk/track.html", context)


@private_page
@require_http_methods(["GET"])
def track(request: HttpRequest, code: str) -> HttpResponse:
    found = _counted_message(request, code)
    if isinstance(found, HttpResponse):
        return found
    return _page(request, found)


def _citizen_step(
    form_class: type[RateForm] | type[ReopenForm],
    step: Callable[[Message, dict[str, Any], HttpRequest], Message],
    done: str,
) -> View:
    """The view of a step the holder of the code takes (rating, reopening): the service's
    refusal is shown on the page, its success told after the redirect."""

    @private_page
    @require_POST
    def view(request: HttpRequest, code: str) -> HttpResponse:
        found = _counted_message(request, code)
        if isinstance(found, HttpResponse):
            return found
        form = form_class(request.POST)
        if form.is_valid():
            try:
                step(found, form.cleaned_data, request)
            except ValidationError as exc:
                for name, errors in exc.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            except services.DeskError as exc:
                # Rated already, not answered yet: the page, as it now is, tells the rest.
                flash.error(request, str(exc))
                request.session[SEEN] = found.tracking_code
                return redirect("desk:track", found.tracking_code)
            else:
                flash.success(request, done)
                request.session[SEEN] = found.tracking_code
                return redirect("desk:track", found.tracking_code)
        found.refresh_from_db()
        key = "rate_form" if form_class is RateForm else "reopen_form"
        return _page(request, found, **{key: form})

    return view


track_rate = _citizen_step(
    RateForm,
    lambda message, data, request: services.message_rate(
        message=message, rating=data["rating"], comment=data["comment"], request=request
    ),
    "ارزیابی شما ثبت شد. سپاس که وقت گذاشتید.",
)
track_reopen = _citizen_step(
    ReopenForm,
    lambda message, data, request: services.message_reopen(
        message=message, reason=data["reason"], request=request
    ),
    "پیام بازگشایی شد و دوباره به دستگاه رسید. مهلت پاسخ از امروز دوباره شمرده می‌شود.",
)
