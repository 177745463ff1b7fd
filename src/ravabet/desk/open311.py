"""Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2) over the citizen desk: what the
services are, how a request is read and written, and how each answer is written out in JSON and
XML with the spec's field names. The views (views/open311.py) only call these.

Services: one per (active agency × public kind), coded «<agency slug>.<kind>» («roads.request»),
and one per kind for «نمی‌دانم», coded «triage.<kind>» (the directorate routes it). Each has one
attribute, `county` (a list of the counties, optional).

Requests: `service_request_id` is the message's id (never its tracking code: the code is the
citizen's secret that opens the tracking page). Status: `open` while the agency or the
directorate owes an answer (triage, received, in progress, reopened), `closed` once answered,
closed or merged into another message; spam is never listed. Privacy: no GET carries the
citizen's name, mobile, e-mail or files; the citizen's own words (`description`), the answer
(`status_notes`) and the exact place (`lat`/`long`) are given only to the API client whose token
filed the request (`api_key` = a token of the person who filed it, channel open311); to everyone
else they are empty. `address` is the county, never a street.

Filing (POST): `api_key` is one of the platform's API tokens that may write; the message is
`services.message_submit` with channel open311, `filed_by` the token's person and no contact
required (the client follows the request itself). The subject is the description's first words;
`first_name` + `last_name` are the citizen's name, `phone` their mobile — a landline is kept out
(SMS go to mobiles only; the service_notice says so), anything that is not a phone number is
refused. A place is optional (a message to an agency needs none): `lat`/`long` together, or
`address_string`; `address_id`, `device_id` and `account_id` are not kept; `media_url` is never
fetched (the service_notice says so); `attribute[county]` is a county's slug. The service's own
checks (lengths, NUL, e-mail, coordinates) answer 400 with one description per parameter.

`jurisdiction_id` is optional; when given it must be the host of the site's address
(RAVABET_BASE_URL), e.g. «ravabet.tehran.ir» — no new setting.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpResponse, QueryDict
from django.utils import dateparse, timezone

from ravabet.core import jalali
from ravabet.core.links import absolute_url
from ravabet.core.organisation.models import Agency, County
from ravabet.desk import services
from ravabet.desk.models import OPEN_STATUSES, PUBLIC_KINDS, Channel, Kind, Message, Status
from ravabet.persian import normalize, to_latin_digits, to_persian_digits
from ravabet.persian.phones import mobile_number, phone_number

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this implementation last changed in a way a client would notice (discovery's changeset).
CHANGESET = "2026-12-02T00:00:00Z"
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
TRIAGE = "triage"
# Answered, closed by the citizen or the clock, or merged into another: nothing more is owed.
CLOSED_STATUSES = (Status.ANSWERED, Status.CLOSED, Status.MERGED)
MAX_ROWS = 1000  # the spec's "first 1000 requests"
MAX_SPAN = dt.timedelta(days=90)  # the spec's default and largest window
MAX_LIST = 1000  # ids or codes in one comma list
MAX_PARAM = 2000  # characters of a query parameter we read
MAX_ID = 2**63 - 1
SUBJECT_CHARS = 60  # the subject is the description's first words, up to this
TRIAGE_GROUP = "نمی‌دانم کدام دستگاه — روابط عمومی استانداری ارجاع می‌دهد"

# A W3C date-time (https://www.w3.org/TR/NOTE-datetime): a day, or a day and a time with an
# optional offset.
_W3C = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[T ](?P<time>\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)(?P<offset>Z|[+\- ]\d{2}:?\d{2})?)?",
    re.ASCII,
)
# An agency's or a county's slug (SlugField): nothing else is looked up (no NUL reaches
# PostgreSQL).
_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,64}", re.ASCII)
# Characters XML 1.0 cannot carry at all; dropped from text written out (never raised).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class Open311Error(Exception):
    """An answer in the spec's error format: [{"code": 400, "description": "…"}, …]."""

    def __init__(self, status: int, *descriptions: str) -> None:
        super().__init__(descriptions[0] if descriptions else "")
        self.status = status
        self.descriptions = list(descriptions)


def _fa(value: int) -> str:
    return to_persian_digits(str(value))


# --- jurisdiction ------------------------------------------------------------------------------


def jurisdiction() -> str:
    """The one jurisdiction served here: the host of the site's address."""
    return (urlsplit(settings.RAVABET_BASE_URL).hostname or "").lower()


def check_jurisdiction(params: QueryDict) -> None:
    value = params.get("jurisdiction_id", "")
    if value and value.strip().lower() != jurisdiction():
        raise Open311Error(
            404, f"jurisdiction_id پیدا نشد؛ این سامانه تنها «{jurisdiction()}» را پاسخ می‌دهد."
        )


# --- services ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Service:
    code: str
    kind: str
    agency: Agency | None  # None: «نمی‌دانم», the directorate triages

    @property
    def kind_label(self) -> str:
        return str(Kind(self.kind).label)

    @property
    def name(self) -> str:
        where = self.agency.name if self.agency else "نمی‌دانم کدام دستگاه"
        return f"{self.kind_label} — {where}"

    @property
    def group(self) -> str:
        return self.agency.name if self.agency else TRIAGE_GROUP

    def description(self, sla_days: int) -> str:
        days = f"پاسخ در {_fa(sla_days)} روز کاری"
        if self.agency is None:
            return (
                f"{self.kind_label} خود را بفرستید اگر نمی‌دانید به کدام دستگاه مربوط است؛ "
                f"روابط عمومی استانداری آن را به دستگاه مسئول ارجاع می‌دهد. {days}."
            )
        return f"{self.kind_label} خود را برای {self.agency.name} بفرستید. {days}."

    @property
    def keywords(self) -> str:
        words = [self.kind_label]
        if self.agency is not None:
            words += [self.agency.display_name, self.agency.get_kind_display()]
        else:
            words += ["نمی‌دانم", "ارجاع"]
        return ",".join(dict.fromkeys(words))


def code_for(agency: Agency | None, kind: str) -> str:
    return f"{agency.slug if agency else TRIAGE}.{kind}"


def _split_code(code: str) -> tuple[str, str] | None:
    where, dot, kind = code.strip().rpartition(".")
    if not dot or not _SLUG.fullmatch(where) or kind not in PUBLIC_KINDS:
        return None
    return where, kind


def service_list() -> list[Service]:
    """Every active agency's public kinds, then «نمی‌دانم» for each kind."""
    agencies = Agency.objects.filter(is_active=True).order_by("name", "pk")
    listed = [Service(code_for(a, kind), kind, a) for a in agencies for kind in PUBLIC_KINDS]
    return listed + [Service(code_for(None, kind), kind, None) for kind in PUBLIC_KINDS]


def service_get(code: str) -> Service | None:
    """The service of a code, or None (unknown kind, unknown or inactive agency)."""
    parts = _split_code(code)
    if parts is None:
        return None
    where, kind = parts
    if where == TRIAGE:
        return Service(code_for(None, kind), kind, None)
    agency = Agency.objects.filter(slug=where, is_active=True).first()
    return Service(code_for(agency, kind), kind, agency) if agency else None


def sla_days_by_kind() -> dict[str, int]:
    return {kind: services.sla_days_for(kind) for kind in PUBLIC_KINDS}


def service_fields(service: Service, *, sla_days: int, has_attributes: bool) -> dict[str, Any]:
    return {
        "service_code": service.code,
        "service_name": service.name,
        "description": service.description(sla_days),
        "metadata": has_attributes,
        "type": "realtime",
        "keywords": service.keywords,
        "group": service.group,
    }


def counties() -> list[County]:
    return list(County.objects.order_by("name", "pk")[:500])


def definition_fields(service: Service, county_list: list[County]) -> dict[str, Any]:
    attributes = []
    if county_list:
        attributes.append(
            {
                "variable": True,
                "code": "county",
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": "نشانی کوتاه (slug) یکی از شهرستان‌های فهرست",
                "order": 1,
                "description": "شهرستانی که درخواست به آن مربوط است (اختیاری)",
                "values": [{"key": c.slug, "name": c.name} for c in county_list],
            }
        )
    return {"service_code": service.code, "attributes": attributes}


def discovery_fields(base_url: str) -> dict[str, Any]:
    return {
        "changeset": CHANGESET,
        "contact": f"روابط عمومی استانداری — {absolute_url('/')}",
        "key_service": (
            "کلید API (api_key) را کارکنان از «حساب من» یا مدیر سامانه با دستور "
            f"«ravabet apitoken» می‌سازند: {absolute_url('/accounts/profile/')}"
        ),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base_url,
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }


# --- reading requests ------------------------------------------------------------------------


def _param(params: QueryDict, name: str) -> str:
    value = params.get(name, "") or ""
    if len(value) > MAX_PARAM:
        raise Open311Error(400, f"{name} بیش از اندازه بلند است.")
    return to_latin_digits(value).strip()


def _comma_list(params: QueryDict, name: str) -> list[str]:
    items = [item.strip() for item in _param(params, name).split(",") if item.strip()]
    if len(items) > MAX_LIST:
        raise Open311Error(400, f"{name} بیش از {_fa(MAX_LIST)} مقدار دارد.")
    return items


def parse_moment(value: str, name: str, *, end: bool = False) -> dt.datetime:
    """A W3C date-time («2026-11-01T00:00:00Z», «…+03:30», or a day «2026-11-01», whose start —
    or, for `end`, whose last moment — counts); a time with no offset is Tehran's."""
    wrong = f"{name} تاریخ و ساعت W3C نیست؛ مانند 2026-11-01T00:00:00Z بنویسید."
    shape = _W3C.fullmatch(value)
    if shape is None:
        raise Open311Error(400, wrong)
    moment: dt.datetime | None = None
    day: dt.date | None = None
    try:
        if shape["time"]:
            # A «+» sent unescaped in a query string arrives as a space.
            offset = (shape["offset"] or "").replace(" ", "+")
            moment = dateparse.parse_datetime(f"{shape['date']}T{shape['time']}{offset}")
        else:
            day = dateparse.parse_date(shape["date"])
    except ValueError as exc:  # well formed, not a date: month 13, 30 February
        raise Open311Error(400, wrong) from exc
    if moment is not None:
        if not jalali.in_supported_range(moment):
            raise Open311Error(400, f"{name}: {jalali.OUT_OF_RANGE_MESSAGE}")
        if not timezone.is_naive(moment):
            return moment
        try:
            return jalali.make_aware_local(moment)
        except jalali.NonexistentLocalTime as exc:
            raise Open311Error(400, f"{name}: {jalali.NONEXISTENT_MESSAGE}") from exc
    if day is None:
        raise Open311Error(400, wrong)
    if not jalali.in_supported_range(day):
        raise Open311Error(400, f"{name}: {jalali.OUT_OF_RANGE_MESSAGE}")
    if end:
        return jalali.start_of_day(day + dt.timedelta(days=1)) - dt.timedelta(microseconds=1)
    return jalali.start_of_day(day)


def _window(params: QueryDict, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    start_text, end_text = _param(params, "start_date"), _param(params, "end_date")
    start = parse_moment(start_text, "start_date") if start_text else None
    end = parse_moment(end_text, "end_date", end=True) if end_text else None
    if start is None:
        end = end or now
        return end - MAX_SPAN, end
    if end is None:
        return start, start + MAX_SPAN
    if end < start:
        raise Open311Error(400, "end_date پیش از start_date است.")
    if end - start > MAX_SPAN:
        raise Open311Error(
            400, "فاصلهٔ start_date تا end_date بیش از ۹۰ روز است؛ بازه را کوتاه‌تر کنید."
        )
    return start, end


def _listed() -> QuerySet[Message]:
    """Every message Open311 may show: the public kinds, never spam."""
    return (
        Message.objects.filter(kind__in=PUBLIC_KINDS)
        .exclude(status=Status.SPAM)
        .select_related("agency", "county", "merged_into")
    )


def request_list(params: QueryDict, *, now: dt.datetime | None = None) -> list[Message]:
    """GET requests with the spec's filters: `service_request_id` (a comma list; the others are
    then ignored), `service_code` (a comma list), `start_date`/`end_date` (at most 90 days,
    the last 90 by default), `status` (open, closed); newest first, at most 1000."""
    messages = _listed()
    ids = _comma_list(params, "service_request_id")
    if ids:
        if not all(item.isascii() and item.isdigit() for item in ids):
            raise Open311Error(400, "service_request_id باید شناسه‌های عددی جداشده با ویرگول باشد.")
        wanted = {int(item) for item in ids if len(item) <= 19 and int(item) <= MAX_ID}
        return list(messages.filter(pk__in=wanted).order_by("-created_at", "-pk")[:MAX_ROWS])
    codes = _comma_list(params, "service_code")
    if codes:
        match = Q(pk__in=[])
        for code in codes:
            parts = _split_code(code)
            if parts is None:
                continue
            where, kind = parts
            if where == TRIAGE:
                match |= Q(agency__isnull=True, kind=kind)
            else:
                match |= Q(agency__slug=where, kind=kind)
        messages = messages.filter(match)
    statuses = {s.lower() for s in _comma_list(params, "status")}
    if statuses - {"open", "closed"}:
        raise Open311Error(400, "status تنها open یا closed (یا هر دو با ویرگول) است.")
    if statuses == {"open"}:
        messages = messages.filter(status__in=OPEN_STATUSES)
    elif statuses == {"closed"}:
        messages = messages.filter(status__in=CLOSED_STATUSES)
    start, end = _window(params, now or timezone.now())
    messages = messages.filter(created_at__gte=start, created_at__lte=end)
    return list(messages.order_by("-created_at", "-pk")[:MAX_ROWS])


def request_get(request_id: str) -> Message:
    """One request by its id; unknown, spam or not a public kind: the spec's 404."""
    number = int(request_id) if request_id.isascii() and request_id.isdigit() else 0
    number = number if number <= MAX_ID else 0
    message = _listed().filter(pk=number).first()
    if message is None:
        raise Open311Error(404, f"درخواستی با شناسهٔ {request_id[:20]} نیست.")
    return message


def filed_by(message: Message, user: Any) -> bool:
    """Whether `user` (the owner of the api_key) filed this request through Open311."""
    return (
        user is not None
        and message.channel == Channel.OPEN311
        and message.filed_by_id is not None
        and message.filed_by_id == getattr(user, "pk", None)
    )


def _when(value: dt.datetime | None) -> str:
    return jalali.to_local(value).isoformat(timespec="seconds") if value else ""


def request_fields(message: Message, *, owner: bool, directorate: str) -> dict[str, Any]:
    """The spec's fields of one request. No name, mobile, e-mail or file ever; the citizen's
    words, the answer and the exact place only for the client that filed it (`owner`)."""
    service = Service(code_for(message.agency, message.kind), message.kind, message.agency)
    # A merged duplicate's citizen reads the answer of the message it joined.
    answered = message.merged_into or message
    notice = message.get_status_display()
    if message.status == Status.MERGED:
        notice = "با درخواست دیگری با همین موضوع ادغام شد؛ پاسخ آن پاسخ این درخواست است."
    elif message.status in OPEN_STATUSES:
        notice = f"{notice}؛ مهلت پاسخ {_fa(message.sla_days)} روز کاری"
    return {
        "service_request_id": str(message.pk),
        "status": "open" if message.status in OPEN_STATUSES else "closed",
        "status_notes": answered.answer if owner else "",
        "service_name": service.name,
        "service_code": service.code,
        "description": message.body if owner else "",
        "agency_responsible": message.agency.name if message.agency else directorate,
        "service_notice": notice,
        "requested_datetime": _when(message.created_at),
        "updated_datetime": _when(message.updated_at),
        "expected_datetime": _when(message.due_at),
        "address": message.county.name if message.county else "",
        "address_id": "",
        "zipcode": "",
        "lat": message.latitude if owner else None,
        "long": message.longitude if owner else None,
        "media_url": "",
    }


def directorate_name() -> str:
    name = (
        Agency.objects.filter(kind=Agency.Kind.DIRECTORATE).values_list("name", flat=True).first()
    )
    return name or "روابط عمومی استانداری"


# --- filing a request ------------------------------------------------------------------------

# The service input's fields, as the Open311 client named them.
FIELD_NAMES = {
    "body": "description",
    "subject": "description",
    "kind": "service_code",
    "agency": "service_code",
    "citizen_name": "first_name/last_name",
    "mobile": "phone",
    "email": "email",
    "address": "address_string",
    "latitude": "lat",
    "longitude": "long",
    "county": "attribute[county]",
}
MEDIA_IGNORED = "media_url خوانده نمی‌شود: این سامانه نشانی‌های بیرونی را باز نمی‌کند."
LANDLINE_KEPT_OUT = (
    "شمارهٔ phone تلفن همراه نیست و نگه داشته نشد؛ پیامک پاسخ تنها به تلفن همراه فرستاده می‌شود."
)


@dataclass
class Filing:
    data: services.MessageInput
    notices: list[str] = field(default_factory=list)


def subject_of(description: str) -> str:
    """The description's first words, up to SUBJECT_CHARS characters (then «…»)."""
    words = normalize(description or "").split()
    subject = ""
    for word in words:
        longer = f"{subject} {word}".strip()
        if len(longer) > SUBJECT_CHARS:
            break
        subject = longer
    if not subject and words:  # one very long word
        subject = words[0][:SUBJECT_CHARS]
    return subject + ("…" if subject and len(subject) < len(" ".join(words)) else "")


def _coordinate(params: QueryDict, name: str, errors: list[str]) -> float | None:
    text = _param(params, name)
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if value != value or value in (float("inf"), float("-inf")):
        errors.append(f"{name}: مختصات جغرافیایی عدد درستی نیست.")
        return None
    return value


def parse_filing(params: QueryDict, *, service: Service, user: Any) -> Filing:
    """The service input of a POST, or Open311Error 400 with every refusal (the service's own
    checks included: length, characters, e-mail, coordinates)."""
    errors: list[str] = []
    notices: list[str] = []
    latitude = _coordinate(params, "lat", errors)
    longitude = _coordinate(params, "long", errors)
    if (latitude is None) != (longitude is None) and not errors:
        errors.append("lat و long با هم فرستاده می‌شوند.")
    county = None
    county_key = _param(params, "attribute[county]")
    if county_key:
        county = (
            County.objects.filter(slug=county_key).first() if _SLUG.fullmatch(county_key) else None
        )
        if county is None:
            errors.append(
                "attribute[county]: شهرستانی با این کلید نیست؛ فهرست در تعریف خدمت آمده است."
            )
    mobile = ""
    phone = _param(params, "phone")
    if phone:
        if mobile_number(phone):
            mobile = phone
        elif phone_number(phone):
            notices.append(LANDLINE_KEPT_OUT)
        else:
            errors.append("phone: شمارهٔ تلفن درست نیست؛ مانند ۰۹۱۲۱۲۳۴۵۶۷ بنویسید.")
    if _param(params, "media_url"):
        notices.append(MEDIA_IGNORED)
    description = params.get("description", "") or ""
    name = f"{params.get('first_name', '') or ''} {params.get('last_name', '') or ''}".strip()
    data = services.MessageInput(
        kind=service.kind,
        subject=subject_of(description[: SUBJECT_CHARS * 50]),
        body=description,
        agency=service.agency,
        county=county,
        citizen_name=name,
        mobile=mobile,
        email=(params.get("email", "") or "").strip(),
        channel=Channel.OPEN311,
        latitude=latitude,
        longitude=longitude,
        address=params.get("address_string", "") or "",
        filed_by=user,
        contact_required=False,
    )
    try:
        data.check()
    except ValidationError as exc:
        errors.extend(refusals(exc))
    if errors:
        raise Open311Error(400, *errors)
    return Filing(data, notices)


def refusals(exc: ValidationError) -> list[str]:
    """A service's ValidationError as the spec's descriptions, one per Open311 parameter,
    «description: …» first."""
    if not hasattr(exc, "error_dict"):
        return [str(m) for m in exc.messages]
    found: dict[str, str] = {}
    order = ["body", *[k for k in exc.message_dict if k != "body"]]
    for key in order:
        messages = exc.message_dict.get(key)
        if not messages:
            continue
        name = FIELD_NAMES.get(key, key)
        found.setdefault(name, f"{name}: {messages[0]}")
    return list(found.values())


def filed_notice(message: Message, notices: Iterable[str]) -> str:
    head = (
        f"دریافت شد؛ {message.agency.name} در {_fa(message.sla_days)} روز کاری پاسخ می‌دهد."
        if message.agency
        else f"دریافت شد؛ روابط عمومی استانداری آن را به دستگاه مسئول ارجاع می‌دهد و پاسخ در "
        f"{_fa(message.sla_days)} روز کاری می‌رسد."
    )
    return " ".join([head, *notices])


# --- writing answers out ---------------------------------------------------------------------

# XML element names of list items, by the list's own element (the spec's documents).
_ITEMS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}


def _xml_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _xml_into(parent: ET.Element, name: str, value: Any) -> None:
    node = ET.SubElement(parent, name)
    if isinstance(value, Mapping):
        for key, item in value.items():
            _xml_into(node, key, item)
    elif isinstance(value, list):
        for item in value:
            _xml_into(node, _ITEMS.get(name, "item"), item)
    else:
        node.text = _xml_text(value)


def to_xml(root: str, value: Any) -> bytes:
    """A document of the spec's shape: <services><service>…</service></services> for a list,
    <service_definition>…</service_definition> for a mapping."""
    element = ET.Element(root)
    if isinstance(value, list):
        for item in value:
            _xml_into(element, _ITEMS[root], item)
    else:
        for key, item in value.items():
            _xml_into(element, key, item)
    body = ET.tostring(element, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode("utf-8")


def respond(fmt: str, root: str, value: Any, *, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        content = to_xml(root, value)
    else:
        content = json.dumps(value, ensure_ascii=False).encode("utf-8")
    return HttpResponse(content, status=status, content_type=CONTENT_TYPES[fmt])


def error_response(fmt: str, error: Open311Error) -> HttpResponse:
    errors = [{"code": error.status, "description": d} for d in error.descriptions]
    return respond(fmt, "errors", errors, status=error.status)
