"""Open311 GeoReport v2 at /open311/v2/: the spec's field names in JSON and XML, the filters, the
privacy of citizens' data, filing with an API token, errors in the spec's format, and a round
trip through a real Open311 client from PyPI (georeport) against the live server."""

from __future__ import annotations

import datetime as dt
import json
import types
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from ravabet.core.tokens.auth import READ_ONLY_REFUSAL
from ravabet.core.tokens.services import token_create
from ravabet.desk import open311, services
from ravabet.desk.models import Channel, Message, Status
from tests.desk.test_services import make_message
from tests.factories import CountyFactory, UserFactory

BASE = "/open311/v2"
SERVICE_KEYS = {
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
}
DEFINITION_KEYS = {"service_code", "attributes"}
ATTRIBUTE_KEYS = {
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
    "values",
}
REQUEST_KEYS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}
POSTED_KEYS = {"service_request_id", "service_notice", "account_id"}

APP_NAME, APP_PHONE, APP_EMAIL = "رضا کریمی", "09351112233", "reza.karimi@example.ir"
WORDS = "چراغ‌های خیابان شهید بهشتی دو هفته است خاموش مانده‌اند و شب‌ها تاریک است."


@pytest.fixture(autouse=True)
def _quiet(settings: Any) -> None:
    settings.RAVABET_SMS_BACKEND = "ravabet.core.sms.LocmemBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _json(response: Any) -> Any:
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


def _xml(response: Any) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.content)  # noqa: S314 (our own answer)


def _tags(element: ET.Element) -> set[str]:
    return {child.tag for child in element}


def _web_message(world: Any, **extra: Any) -> Message:
    """A citizen's complaint through the public form, with a name, a mobile and an e-mail."""
    return make_message(extra.pop("agency", world.roads), **{"kind": "complaint", **extra})


@pytest.fixture
def app(db: Any) -> Any:
    """The account of an Open311 client (a city app) and its key that may write."""
    return UserFactory(username="city.app")


@pytest.fixture
def key(app: Any) -> str:
    return token_create(actor=app, name="اپ شهری")[1]


def _post(client: Client, fmt: str = "json", **data: Any) -> Any:
    return client.post(f"{BASE}/requests.{fmt}", data)


def _file(client: Client, key: str, **extra: Any) -> Any:
    data = {
        "api_key": key,
        "service_code": "roads.request",
        "description": WORDS,
        "first_name": "رضا",
        "last_name": "کریمی",
        "phone": "۰۹۳۵ ۱۱۱ ۲۲۳۳",
        "email": APP_EMAIL,
        "lat": "35.7",
        "long": "51.4",
        "address_string": "خیابان شهید بهشتی، پلاک ۱۲",
    }
    data.update(extra)
    return _post(client, **data)


# --- services ---------------------------------------------------------------------------------


def test_services_json_one_per_agency_and_kind_and_triage(world: Any, client: Client) -> None:
    listed = _json(client.get(f"{BASE}/services.json"))
    assert all(set(s) == SERVICE_KEYS for s in listed)
    codes = [s["service_code"] for s in listed]
    assert len(codes) == len(set(codes)) == 3 * 5 + 5  # directorate, roads, health; triage
    roads = {s["service_code"]: s for s in listed}["roads.request"]
    assert roads["service_name"] == "درخواست — اداره‌کل راه و شهرسازی استان تهران"
    assert roads["group"] == "اداره‌کل راه و شهرسازی استان تهران"
    assert roads["type"] == "realtime" and roads["metadata"] is True
    assert "درخواست" in roads["keywords"].split(",")
    assert "۷ روز کاری" in roads["description"]
    triage = {s["service_code"]: s for s in listed}["triage.complaint"]
    assert triage["service_name"].startswith("شکایت — نمی‌دانم")


def test_services_xml_has_the_same_fields(world: Any, client: Client) -> None:
    root = _xml(client.get(f"{BASE}/services.xml"))
    assert root.tag == "services"
    assert {child.tag for child in root} == {"service"}
    assert all(_tags(s) == SERVICE_KEYS for s in root)
    first = root[0]
    assert first.findtext("metadata") == "true" and first.findtext("type") == "realtime"


def test_inactive_agency_offers_no_service(world: Any, client: Client) -> None:
    world.health.is_active = False
    world.health.save()
    codes = {s["service_code"] for s in _json(client.get(f"{BASE}/services.json"))}
    assert "tums.request" not in codes and "roads.request" in codes
    assert client.get(f"{BASE}/services/tums.request.json").status_code == 404


def test_service_definition_offers_the_counties(world: Any, client: Client) -> None:
    CountyFactory(slug="shemiranat", name="شمیرانات")
    definition = _json(client.get(f"{BASE}/services/roads.request.json"))
    assert set(definition) == DEFINITION_KEYS
    assert definition["service_code"] == "roads.request"
    [county] = definition["attributes"]
    assert set(county) == ATTRIBUTE_KEYS
    assert county["code"] == "county" and county["datatype"] == "singlevaluelist"
    assert county["required"] is False and county["variable"] is True
    assert {"key": "shemiranat", "name": "شمیرانات"} in county["values"]
    assert all(set(v) == {"key", "name"} for v in county["values"])

    root = _xml(client.get(f"{BASE}/services/triage.question.xml"))
    assert root.tag == "service_definition" and _tags(root) == DEFINITION_KEYS
    attribute = root.find("attributes/attribute")
    assert attribute is not None and _tags(attribute) == ATTRIBUTE_KEYS
    assert attribute.findtext("required") == "false"
    assert {v.findtext("key") for v in attribute.findall("values/value")} >= {"shemiranat"}


@pytest.mark.parametrize("code", ["roads.nothing", "nowhere.request", "inquiry", "roads.inquiry"])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_is_the_specs_404(world: Any, client: Client, code: str, fmt: str) -> None:
    response = client.get(f"{BASE}/services/{code}.{fmt}")
    assert response.status_code == 404
    if fmt == "json":
        [error] = _json(response)
        assert set(error) == {"code", "description"} and error["code"] == 404
    else:
        root = _xml(response)
        assert root.tag == "errors" and root.find("error/code").text == "404"  # type: ignore[union-attr]
        assert root.findtext("error/description")


def test_discovery(world: Any, client: Client, settings: Any) -> None:
    settings.RAVABET_BASE_URL = "https://ravabet.tehran.ir"
    found = _json(client.get(f"{BASE}/discovery.json"))
    assert set(found) == {"changeset", "contact", "key_service", "endpoints"}
    [endpoint] = found["endpoints"]
    assert set(endpoint) == {"specification", "url", "changeset", "type", "formats"}
    assert endpoint["url"] == "https://ravabet.tehran.ir/open311/v2"
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert set(endpoint["formats"]) == {"application/json", "text/xml"}


def test_jurisdiction_is_the_sites_host(world: Any, client: Client, settings: Any) -> None:
    settings.RAVABET_BASE_URL = "https://ravabet.tehran.ir"
    ok = client.get(f"{BASE}/services.json", {"jurisdiction_id": "ravabet.tehran.ir"})
    assert ok.status_code == 200
    for path in ("services.json", "services/roads.request.json", "requests.json"):
        wrong = client.get(f"{BASE}/{path}", {"jurisdiction_id": "tehran.gov"})
        assert wrong.status_code == 404
        assert "jurisdiction_id" in _json(wrong)[0]["description"]


# --- reading requests -----------------------------------------------------------------------


def test_requests_json_and_xml_fields(world: Any, client: Client) -> None:
    message = _web_message(world, county=world.roads.county)
    [row] = _json(client.get(f"{BASE}/requests.json"))
    assert set(row) == REQUEST_KEYS
    assert row["service_request_id"] == str(message.pk)
    assert row["status"] == "open"
    assert row["service_code"] == "roads.complaint"
    assert row["service_name"] == "شکایت — اداره‌کل راه و شهرسازی استان تهران"
    assert row["agency_responsible"] == world.roads.name
    assert row["address"] == "تهران"  # the county, never a street
    assert row["requested_datetime"].endswith("+03:30")
    assert dt.datetime.fromisoformat(row["expected_datetime"]) == message.due_at
    assert row["media_url"] == "" and row["lat"] is None

    root = _xml(client.get(f"{BASE}/requests.xml"))
    assert root.tag == "service_requests" and {c.tag for c in root} == {"request"}
    assert _tags(root[0]) == REQUEST_KEYS
    assert root[0].findtext("service_request_id") == str(message.pk)

    [one] = _json(client.get(f"{BASE}/requests/{message.pk}.json"))
    assert one == row
    detail = _xml(client.get(f"{BASE}/requests/{message.pk}.xml"))
    assert detail.tag == "service_requests" and _tags(detail[0]) == REQUEST_KEYS


def test_status_open_closed_and_spam_never_listed(world: Any, client: Client) -> None:
    waiting = _web_message(world)
    answered = _web_message(world)
    services.message_answer(actor=world.officer_roads, message=answered, text="رسیدگی شد.")
    triage = _web_message(world, agency=None, kind="question")
    spam = _web_message(world)
    services.message_mark_spam(actor=world.officer_roads, message=spam)
    merged = _web_message(world)
    services.message_merge(actor=world.officer_roads, message=merged, into=answered)

    rows = {r["service_request_id"]: r for r in _json(client.get(f"{BASE}/requests.json"))}
    assert str(spam.pk) not in rows
    assert rows[str(waiting.pk)]["status"] == "open"
    assert rows[str(triage.pk)]["status"] == "open"
    assert rows[str(triage.pk)]["service_code"] == "triage.question"
    assert rows[str(triage.pk)]["agency_responsible"] == world.directorate.name
    assert rows[str(answered.pk)]["status"] == "closed"
    assert rows[str(merged.pk)]["status"] == "closed"
    assert "ادغام" in rows[str(merged.pk)]["service_notice"]

    def ids(**params: str) -> set[str]:
        return {r["service_request_id"] for r in _json(client.get(f"{BASE}/requests.json", params))}

    assert ids(status="open") == {str(waiting.pk), str(triage.pk)}
    assert ids(status="closed") == {str(answered.pk), str(merged.pk)}
    assert ids(status="open,closed") == set(rows)
    assert client.get(f"{BASE}/requests/{spam.pk}.json").status_code == 404
    assert client.get(f"{BASE}/requests/{spam.pk}.xml").status_code == 404
    assert client.get(f"{BASE}/requests/999999.json").status_code == 404


def test_filters(world: Any, client: Client) -> None:
    old = _web_message(world, kind="request")
    roads = _web_message(world, kind="request")
    health = _web_message(world, agency=world.health, kind="question")
    triage = _web_message(world, agency=None, kind="request")
    Message.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=120))

    def ids(**params: str) -> list[str]:
        return [r["service_request_id"] for r in _json(client.get(f"{BASE}/requests.json", params))]

    # The last 90 days by default, newest first.
    assert ids() == [str(triage.pk), str(health.pk), str(roads.pk)]
    assert ids(service_code="roads.request") == [str(roads.pk)]
    assert ids(service_code="tums.question,triage.request") == [str(triage.pk), str(health.pk)]
    assert ids(service_code="nowhere.request,bad") == []
    # service_request_id overrides every other filter, the 90 days included.
    assert ids(service_request_id=f"{old.pk},{health.pk}", service_code="roads.request") == [
        str(health.pk),
        str(old.pk),
    ]
    before = (timezone.now() - dt.timedelta(days=100)).strftime("%Y-%m-%dT%H:%M:%SZ")
    after = (timezone.now() - dt.timedelta(days=130)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids(start_date=after, end_date=before) == [str(old.pk)]
    assert ids(end_date=before) == [str(old.pk)]
    assert ids(start_date=after) == [str(old.pk)]
    today = timezone.localdate().isoformat()
    assert len(ids(start_date=today, end_date=today)) == 3
    # A «+» of an offset sent unescaped arrives as a space; it is still the offset.
    since = (timezone.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S")
    assert len(_json(client.get(f"{BASE}/requests.json?start_date={since}+03:30"))) == 3


def test_requests_are_bounded(world: Any, client: Client, monkeypatch: Any) -> None:
    monkeypatch.setattr(open311, "MAX_ROWS", 2)
    made = [_web_message(world) for _ in range(3)]
    assert [r["service_request_id"] for r in _json(client.get(f"{BASE}/requests.json"))] == [
        str(made[2].pk),
        str(made[1].pk),
    ]


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}, "۹۰ روز"),
        ({"start_date": "2026-06-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"}, "end_date"),
        ({"start_date": "دیروز"}, "W3C"),
        ({"start_date": "2026-13-01T00:00:00Z"}, "W3C"),
        ({"end_date": "2026-02-30"}, "W3C"),
        ({"start_date": "0001-01-01T00:00:00Z"}, "سال"),
        ({"end_date": "9999-12-31"}, "سال"),
        ({"start_date": "2026-11-01T00:00:00\x00Z"}, "W3C"),
        ({"start_date": "2026-11-01T00:00:00+99:99"}, "W3C"),
        ({"start_date": "2026-11-01T25:00:00Z"}, "W3C"),
        ({"status": "pending"}, "status"),
        ({"service_request_id": "12,abc"}, "service_request_id"),
        ({"service_request_id": ",".join(["1"] * 1001)}, "service_request_id"),
        ({"service_code": "x" * 3000}, "service_code"),
    ],
)
def test_bad_filters_are_the_specs_400(
    world: Any, client: Client, params: dict[str, str], says: str
) -> None:
    for fmt in ("json", "xml"):
        response = client.get(f"{BASE}/requests.{fmt}", params)
        assert response.status_code == 400
        if fmt == "json":
            [error] = _json(response)
            assert error["code"] == 400 and says in error["description"]
        else:
            assert _xml(response).findtext("error/code") == "400"


@pytest.mark.parametrize(
    "path",
    [
        "requests.json?service_request_id=99999999999999999999999999999",
        "requests.json?service_request_id=%D9%A1%D9%A2",  # Persian digits
        "requests/999999999999999999.json",
        "requests.json?service_request_id=%C2%B2",  # «²», a digit to str.isdigit()
        "requests.json?service_code=%00.request,roads%00.complaint",
        "requests.xml?service_code=%00.request&status=open,closed,OPEN",
        "services.json?jurisdiction_id=%00",
        "requests.json?api_key=%00",
        "requests.json?start_date=2026-03-21T00:30:00",
    ],
)
def test_hostile_queries_never_fail(world: Any, client: Client, path: str) -> None:
    _web_message(world)
    assert client.get(f"{BASE}/{path}").status_code in (200, 400, 403, 404)


# --- privacy ------------------------------------------------------------------------------------


def test_no_personal_data_in_any_get(world: Any, client: Client, app: Any, key: str) -> None:
    web = _web_message(world, county=world.roads.county)
    filed = _file(client, key)
    assert filed.status_code == 200, filed.content
    posted = Message.objects.get(pk=_json(filed)[0]["service_request_id"])
    assert posted.citizen_name == APP_NAME and posted.mobile == APP_PHONE
    services.message_answer(actor=world.officer_roads, message=web, text="پاسخ به مریم")
    _, other_key = token_create(actor=world.officer_health, name="دیگری")
    # A citizen's personal data: none of it may appear in any GET.
    secrets = [web.citizen_name, web.mobile, web.email, APP_NAME, "رضا", APP_PHONE, APP_EMAIL]
    secrets += [web.tracking_code, posted.tracking_code, "پلاک ۱۲"]
    for query in ("", f"?api_key={key}", f"?api_key={other_key}"):
        for path in (
            "requests.json",
            "requests.xml",
            f"requests/{web.pk}.json",
            f"requests/{web.pk}.xml",
            f"requests/{posted.pk}.json",
            f"requests/{posted.pk}.xml",
        ):
            response = client.get(f"{BASE}/{path}{query}")
            assert response.status_code == 200
            text = response.content.decode()
            assert not [s for s in secrets if s in text], (path, query)
            if query:
                assert "no-store" in response["Cache-Control"]


def test_words_and_answer_only_for_the_filing_token(
    world: Any, client: Client, app: Any, key: str
) -> None:
    web = _web_message(world)
    posted_id = _json(_file(client, key))[0]["service_request_id"]
    posted = Message.objects.get(pk=posted_id)
    assert posted.channel == Channel.OPEN311 and posted.filed_by == app
    for message in (web, posted):
        services.message_answer(actor=world.officer_roads, message=message, text="رسیدگی شد.")
    _, read_only_key = token_create(actor=app, name="خواندنی", read_only=True)
    _, other_key = token_create(actor=world.officer_roads, name="کارشناس")

    def row(message_id: Any, api_key: str = "") -> dict[str, Any]:
        query = {"api_key": api_key} if api_key else {}
        [found] = _json(client.get(f"{BASE}/requests/{message_id}.json", query))
        return dict(found)

    mine = row(posted_id, key)
    assert mine["description"] == WORDS and mine["status_notes"] == "رسیدگی شد."
    assert (mine["lat"], mine["long"]) == (35.7, 51.4)
    assert mine["status"] == "closed"
    # Any token of the filing person reads it, a read-only one too; nobody else does.
    assert row(posted_id, read_only_key)["description"] == WORDS
    for other in (row(posted_id), row(posted_id, other_key), row(web.pk, key)):
        assert other["description"] == "" and other["status_notes"] == ""
        assert other["lat"] is None and other["long"] is None
    listed = {
        r["service_request_id"]: r
        for r in _json(client.get(f"{BASE}/requests.json", {"api_key": key}))
    }
    assert listed[posted_id]["description"] == WORDS
    assert listed[str(web.pk)]["description"] == ""
    xml = _xml(client.get(f"{BASE}/requests/{posted_id}.xml", {"api_key": key}))
    assert xml.findtext("request/description") == WORDS


def test_a_bad_key_on_a_get_is_refused(world: Any, client: Client) -> None:
    response = client.get(f"{BASE}/requests.json", {"api_key": "rvb_nothing"})
    assert response.status_code == 403 and _json(response)[0]["code"] == 403


# --- filing requests ----------------------------------------------------------------------------


def test_post_files_a_message(world: Any, app: Any, key: str) -> None:
    county = CountyFactory(slug="rey", name="ری")
    client = Client(enforce_csrf_checks=True)  # a token API: no CSRF
    response = _file(client, key, **{"attribute[county]": "rey", "media_url": "http://x/y.jpg"})
    assert response.status_code == 200, response.content
    [row] = _json(response)
    assert set(row) == POSTED_KEYS and row["account_id"] is None
    assert "no-store" in response["Cache-Control"]
    assert "media_url" in row["service_notice"]
    message = Message.objects.get(pk=int(row["service_request_id"]))
    assert row["service_request_id"] != message.tracking_code
    assert message.channel == Channel.OPEN311 and message.filed_by == app
    assert message.kind == "request" and message.agency == world.roads
    assert message.status == Status.RECEIVED
    assert message.body == WORDS and message.subject.startswith("چراغ‌های خیابان")
    assert len(message.subject) <= open311.SUBJECT_CHARS + 1
    assert message.citizen_name == APP_NAME and message.mobile == APP_PHONE
    assert message.email == APP_EMAIL and message.county == county
    assert (message.latitude, message.longitude) == (35.7, 51.4)


def test_post_xml_and_triage_with_nothing_but_the_words(
    world: Any, client: Client, key: str
) -> None:
    response = _post(
        client, "xml", api_key=key, service_code="triage.suggestion", description="پیشنهاد"
    )
    assert response.status_code == 200, response.content
    root = _xml(response)
    assert root.tag == "service_requests" and _tags(root[0]) == POSTED_KEYS
    message = Message.objects.get(pk=root.findtext("request/service_request_id"))
    assert message.status == Status.TRIAGE and message.agency is None
    assert message.subject == "پیشنهاد" and message.mobile == message.email == ""


def test_a_landline_is_kept_out(world: Any, client: Client, key: str) -> None:
    response = _file(client, key, phone="021-88776655")
    assert response.status_code == 200
    assert "تلفن همراه نیست" in _json(response)[0]["service_notice"]
    assert Message.objects.get().mobile == ""


def test_a_read_only_token_cannot_file(world: Any, client: Client, app: Any) -> None:
    _, read_only = token_create(actor=app, name="خواندنی", read_only=True)
    response = _file(client, read_only)
    assert response.status_code == 403
    assert _json(response) == [{"code": 403, "description": READ_ONLY_REFUSAL}]
    assert not Message.objects.exists()


@pytest.mark.parametrize(
    ("change", "status", "says"),
    [
        ({"api_key": ""}, 403, "api_key"),
        ({"api_key": "rvb_not-a-key"}, 403, "api_key"),
        ({"api_key": "\x00"}, 403, "api_key"),
        ({"service_code": ""}, 400, "service_code"),
        ({"service_code": "roads.inquiry"}, 404, "service_code"),
        ({"service_code": "nowhere.request"}, 404, "service_code"),
        ({"service_code": "roads.request\x00"}, 404, "service_code"),
        ({"jurisdiction_id": "tehran.gov"}, 404, "jurisdiction_id"),
        ({"description": ""}, 400, "description"),
        ({"description": "   "}, 400, "description"),
        ({"description": "ب" * 50_000}, 400, "۵۰٬۰۰۰ نویسه"),
        ({"description": "متن\x00با نویسهٔ تهی"}, 400, "description"),
        ({"first_name": "ن" * 200}, 400, "first_name/last_name"),
        ({"lat": "abc"}, 400, "lat"),
        ({"lat": "nan"}, 400, "lat"),
        ({"long": "1e999"}, 400, "long"),
        ({"lat": "95", "long": "51"}, 400, "lat"),
        ({"long": ""}, 400, "lat و long"),
        ({"phone": "تلفن ندارم"}, 400, "phone"),
        ({"email": "not-an-email"}, 400, "email"),
        ({"attribute[county]": "atlantis"}, 400, "attribute[county]"),
        ({"attribute[county]": "teh\x00ran"}, 400, "attribute[county]"),
        ({"service_code": "ro\x00ads.request"}, 404, "service_code"),
        ({"address_string": "خ" * 400}, 400, "address_string"),
    ],
)
def test_post_refusals_in_the_specs_format(
    world: Any, client: Client, key: str, change: dict[str, str], status: int, says: str
) -> None:
    response = _file(client, key, **change)
    assert response.status_code == status, response.content
    errors = _json(response)
    assert all(set(e) == {"code", "description"} and e["code"] == status for e in errors)
    assert any(says in e["description"] for e in errors), errors
    assert not Message.objects.exists()


def test_post_errors_in_xml(world: Any, client: Client, key: str) -> None:
    response = _post(client, "xml", api_key=key, service_code="roads.request", lat="x", long="y")
    assert response.status_code == 400
    root = _xml(response)
    assert root.tag == "errors"
    assert {e.findtext("code") for e in root} == {"400"}
    described = " ".join(e.findtext("description") or "" for e in root)
    assert "lat" in described and "long" in described and "description" in described


def test_a_body_past_the_limit_is_refused(
    world: Any, client: Client, key: str, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = _file(client, key, description="ب" * 20_000)
    assert response.status_code == 413
    assert _json(response)[0]["code"] == 413


def test_other_methods_are_refused(world: Any, client: Client) -> None:
    assert client.put(f"{BASE}/requests.json").status_code == 405
    assert client.post(f"{BASE}/services.json").status_code == 405


# --- a round trip with a real Open311 client ------------------------------------------------


def test_round_trip_with_georeport(
    transactional_db: Any, world: Any, live_server: Any, monkeypatch: Any
) -> None:
    import requests
    from georeport import GeoReport
    from georeport import georeport as georeport_module

    app = UserFactory(username="national.111")
    _, key = token_create(actor=app, name="سامانهٔ ۱۱۱")
    root = live_server.url + BASE
    client = GeoReport(root_address=root, api_key=key)

    listed = client.get_service_list()
    assert {"roads.request", "triage.request"} <= {s["service_code"] for s in listed}
    as_xml = GeoReport(root_address=root, output_format="xml").get_service_list()
    assert [s["service_code"] for s in as_xml] == [s["service_code"] for s in listed]
    assert set(as_xml[0]) == SERVICE_KEYS
    definition = client.get_service_definition("roads.request")
    assert definition["service_code"] == "roads.request"
    assert definition["attributes"][0]["code"] == "county"

    # georeport reads only; it files nothing, so the request is POSTed as any client would.
    posted = requests.post(
        f"{root}/requests.json",
        data={
            "api_key": key,
            "service_code": "roads.request",
            "description": WORDS,
            "attribute[county]": "tehran",
        },
        timeout=10,
    )
    assert posted.status_code == 200, posted.text
    request_id = posted.json()[0]["service_request_id"]

    [seen] = client.get_service_requests(service_request_id=request_id)
    assert seen["service_request_id"] == request_id and seen["status"] == "open"
    assert seen["service_code"] == "roads.request" and seen["address"] == "تهران"
    # georeport sends no api_key on a GET: to it, the words are nobody's to read.
    assert seen["description"] == "" and seen["status_notes"] == ""

    message = Message.objects.get(pk=request_id)
    services.message_answer(
        actor=world.officer_roads, message=message, text="چراغ‌ها فردا روشن می‌شوند."
    )
    [after] = client.get_service_requests(service_request_id=request_id)
    assert after["status"] == "closed" and after["status_notes"] == ""
    assert after["updated_datetime"] >= seen["updated_datetime"]

    # The same client with the filing key on its reads sees its own words and the answer.
    def keyed_get(url: str, params: dict[str, str] | None = None, **kwargs: Any) -> Any:
        return requests.get(url, params={**(params or {}), "api_key": key}, timeout=10)

    monkeypatch.setattr(georeport_module, "requests", types.SimpleNamespace(get=keyed_get))
    [own] = client.get_service_requests(service_request_id=request_id)
    assert own["description"] == WORDS
    assert own["status_notes"] == "چراغ‌ها فردا روشن می‌شوند."
    one = GeoReport(root_address=root, output_format="xml").get_service_request(request_id)
    assert one["status"] == "closed" and one["status_notes"] == "چراغ‌ها فردا روشن می‌شوند."
    assert set(one) == REQUEST_KEYS
