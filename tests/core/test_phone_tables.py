"""Back-office list tables on a phone: every body cell carries its column's name (data-label),
which the stylesheet prints above the cell when, under 600 px, each row becomes a card; nothing
scrolls sideways."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from ravabet.desk import services as desk
from ravabet.monitoring import pipeline, stories, watches
from ravabet.monitoring.models import Source
from ravabet.monitoring.pipeline import RawArticle
from ravabet.monitoring.watches import WatchInput
from tests.browser_child import in_browser
from tests.factories import make_event, make_release

SRC = Path(__file__).resolve().parents[2] / "src" / "ravabet"
TEMPLATES = [
    "newsroom/templates/newsroom/bo_list.html",
    "events/templates/events/bo_list.html",
    "desk/templates/desk/_bo_inbox_results.html",
    *(
        f"monitoring/templates/monitoring/{name}.html"
        for name in (
            "alerts",
            "articles",
            "stories",
            "sources",
            "watches",
            "bulletins",
            "narratives",
        )
    ),
    "investment/templates/investment/bo_list.html",
    "investment/templates/investment/bo_programmes.html",
    "coordination/templates/coordination/directive_list.html",
]


def _strip(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text)).strip()


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_cell_of_the_list_templates_names_its_column(name: str) -> None:
    text = (SRC / name).read_text()
    table = text[text.index("<table") : text.index("</table>")]
    head = re.search(r"<thead>(.*?)</thead>", table, re.S)
    assert head
    labels = [_strip(th) for th in re.findall(r"<th\b[^>]*>(.*?)</th>", head.group(1), re.S)]
    body = table[table.index("<tbody>") :]
    rows = re.findall(r"<tr\b.*?</tr>", body, re.S)
    data_rows = [r for r in rows if "colspan" not in r]
    assert data_rows
    for row in data_rows:
        cells = re.findall(r"<td\b[^>]*>", row)
        found = [re.search(r'data-label="([^"]*)"', cell) for cell in cells]
        assert [m.group(1) if m else None for m in found] == labels, (name, row[:120])


class Tables(HTMLParser):
    """The list tables of a page: their header names and each body cell's data-label."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict[str, Any]] = []
        self._in: list[str] = []
        self._th: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if tag == "table" and "table" in (attr.get("class") or "").split():
            self.tables.append({"headers": [], "rows": []})
        if not self.tables:
            return
        table = self.tables[-1]
        if tag in {"thead", "tbody"}:
            self._in.append(tag)
        elif tag == "tr" and self._in[-1:] == ["tbody"]:
            table["rows"].append([])
        elif tag == "th" and self._in[-1:] == ["thead"]:
            self._th = []
        elif tag == "td" and self._in[-1:] == ["tbody"] and "colspan" not in attr:
            table["rows"][-1].append(attr.get("data-label"))

    def handle_endtag(self, tag: str) -> None:
        if tag in {"thead", "tbody"} and self._in:
            self._in.pop()
        elif tag == "th" and self._th is not None:
            self.tables[-1]["headers"].append(" ".join("".join(self._th).split()))
            self._th = None

    def handle_data(self, data: str) -> None:
        if self._th is not None:
            self._th.append(data)


def _list_tables(html: str) -> list[dict[str, Any]]:
    parser = Tables()
    parser.feed(html)
    return [t for t in parser.tables if any(t["rows"])]


@pytest.fixture
def lists(world: Any) -> None:
    make_release(actor=world.head_roads, agency=world.roads, status="published")
    make_release(actor=world.officer_roads, agency=world.roads, headline="پیش‌نویس راه")
    make_event(actor=world.head_roads, organizer=world.roads)
    desk.message_submit(
        data=desk.MessageInput(
            kind="request",
            subject="آسفالت کوچهٔ شهید رضایی",
            body="کوچهٔ ما پس از لوله‌کشی گاز سه ماه است خاکی مانده است.",
            agency=world.roads,
            citizen_name="زهرا کریمی",
            mobile="09121234567",
        )
    )
    Source.objects.create(name="ایرنا", url="https://www.irna.ir/rss")
    watches.watch_save(
        actor=world.officer_roads,
        data=WatchInput(agency=world.roads, name="راه", terms="جادهٔ فیروزکوه"),
    )
    when = timezone.now() - dt.timedelta(hours=1)
    text = "اداره‌کل راه و شهرسازی استان تهران از آغاز بازسازی جادهٔ فیروزکوه خبر داد."
    raws = [
        RawArticle(
            url=f"https://www.isna.ir/news/{i}",
            title="بازسازی جادهٔ فیروزکوه",
            body=text,
            published_at=when,
        )
        for i in range(2)
    ]
    ids = pipeline.ingest(raws, now=timezone.now()).created_ids
    stories.assign(ids)
    watches.match(ids)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "who"),
    [
        ("/backoffice/newsroom/", "officer_roads"),
        ("/backoffice/events/", "head_roads"),
        ("/backoffice/desk/", "officer_roads"),
        ("/backoffice/monitoring/sources/", "directorate_staff"),
        ("/backoffice/monitoring/articles/", "directorate_staff"),
        ("/backoffice/monitoring/stories/", "directorate_staff"),
        ("/backoffice/monitoring/watches/", "officer_roads"),
    ],
)
def test_every_cell_of_a_list_page_carries_its_column_name(
    world: Any, lists: None, url: str, who: str
) -> None:
    client = Client()
    client.force_login(getattr(world, who))
    response = client.get(url)
    assert response.status_code == 200
    tables = _list_tables(response.content.decode())
    assert tables, "the page lists rows"
    for table in tables:
        for row in table["rows"]:
            assert row == table["headers"], (url, row, table["headers"])


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_newsroom_list_fits_a_phone(live_server: Any, world: Any, password: str) -> None:
    make_release(actor=world.head_roads, agency=world.roads, status="published")
    make_release(actor=world.officer_roads, agency=world.roads, headline="پیش‌نویس راه")
    out = in_browser(
        """
        page.goto(args["base"] + "/accounts/login/")
        page.locator("#id_username").fill("officer.roads")
        page.locator("#id_password").fill(args["password"])
        page.locator("#id_password").press("Enter")
        page.wait_for_load_state()
        page.goto(args["base"] + "/backoffice/newsroom/")
        out["widths"] = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth,"
            " document.querySelector('#bo-results .table').scrollWidth,"
            " document.querySelector('#bo-results .table').clientWidth]"
        )
        status = page.locator("#bo-results td[data-label='وضعیت']").first
        out["status_box"] = status.bounding_box()
        out["status_label"] = status.evaluate("e => getComputedStyle(e, '::before').content")
        out["thead_height"] = page.locator("#bo-results thead").bounding_box()["height"]
        out["axe"] = axe()
        """,
        base=live_server.url,
        password=password,
        viewport={"width": 360, "height": 740},
    )
    page_w, page_client, table_w, table_client = out["widths"]
    assert page_w <= page_client and table_w <= table_client, out["widths"]
    # The status is on screen, under its label, not cut off at the side.
    box = out["status_box"]
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    assert out["status_label"] == '"وضعیت"'
    # The header row is left to screen readers.
    assert out["thead_height"] <= 1
    assert "scrollable-region-focusable" not in out["axe"]
