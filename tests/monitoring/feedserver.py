"""A local news site for the feed tests: http.server in a thread on 127.0.0.1, never the internet.

    with FeedServer() as server:
        server.serve("/rss", rss(items))                 # or server.route("/x", handler)
        fetch(Source(url=server.url("/rss")))

Feeds are built from the Fars corpus (../shared/corpus), so the text is real Persian news.
"""

from __future__ import annotations

import datetime as dt
import gzip
import html
import threading
from collections.abc import Callable, Iterable
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import islice
from typing import Any

from ravabet.persian.corpus import read_corpus
from tests.persian.paths import CORPUS

Handler = Callable[[BaseHTTPRequestHandler], None]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        self.server.owner.requests.append((self.path, dict(self.headers.items())))
        route = self.server.owner.routes.get(self.path)
        if route is None:
            self.send_error(404)
            return
        try:
            route(self)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the reader hung up: what the size cap does

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a hanging handler never holds up the test's end
    owner: FeedServer


class FeedServer:
    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def __enter__(self) -> FeedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def route(self, path: str, handler: Handler) -> None:
        self.routes[path] = handler

    def serve(
        self,
        path: str,
        body: bytes | str,
        *,
        content_type: str = "application/rss+xml; charset=utf-8",
        headers: dict[str, str] | None = None,
        status: int = 200,
        gzipped: bool = False,
    ) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        if gzipped:
            data = gzip.compress(data)

        def handler(request: BaseHTTPRequestHandler) -> None:
            request.send_response(status)
            request.send_header("Content-Type", content_type)
            request.send_header("Content-Length", str(len(data)))
            if gzipped:
                request.send_header("Content-Encoding", "gzip")
            for name, value in (headers or {}).items():
                request.send_header(name, value)
            request.end_headers()
            request.wfile.write(data)

        self.route(path, handler)

    def headers_of(self, path: str) -> list[dict[str, str]]:
        return [headers for p, headers in self.requests if p == path]


# --- Feeds of real Persian news


def corpus_items(count: int, start: int = 0) -> list[dict[str, Any]]:
    """`count` articles of the Fars corpus as feed items, an hour apart, newest first."""
    base = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
    items = []
    for i, article in enumerate(islice(read_corpus(CORPUS), start, start + count)):
        items.append(
            {
                "title": article.title,
                "link": article.link,
                "guid": article.link,
                "lead": article.abstract,
                "paragraphs": list(article.paragraphs),
                "published": base - dt.timedelta(hours=i),
                "author": "خبرگزاری فارس",
            }
        )
    return items


def _paragraphs_html(paragraphs: Iterable[str]) -> str:
    return "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)


def rss(items: Iterable[dict[str, Any]], *, encoding: str = "utf-8") -> str:
    """An RSS 2.0 feed as news sites write it: HTML lead in description, full text in
    content:encoded, RFC 822 dates; an item's missing key is left out."""
    parts = []
    for item in items:
        fields = [f"<title>{html.escape(item['title'])}</title>"]
        if item.get("link"):
            fields.append(f"<link>{html.escape(item['link'])}</link>")
        if item.get("guid"):
            fields.append(f'<guid isPermaLink="false">{html.escape(item["guid"])}</guid>')
        if item.get("lead"):
            fields.append(f"<description><![CDATA[<p>{item['lead']}</p>]]></description>")
        if item.get("paragraphs"):
            body = _paragraphs_html(item["paragraphs"])
            fields.append(f"<content:encoded><![CDATA[{body}]]></content:encoded>")
        if item.get("published"):
            fields.append(f"<pubDate>{format_datetime(item['published'])}</pubDate>")
        if item.get("author"):
            fields.append(f"<dc:creator>{html.escape(item['author'])}</dc:creator>")
        parts.append("<item>" + "".join(fields) + "</item>")
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        "<title>خبرگزاری فارس - آخرین اخبار</title><link>https://www.farsnews.ir/</link>"
        "<description>آخرین اخبار</description><language>fa</language>"
        + "\n".join(parts)
        + "</channel></rss>"
    )


def atom(items: Iterable[dict[str, Any]]) -> str:
    entries = []
    for item in items:
        updated = item["published"].isoformat().replace("+00:00", "Z")
        entries.append(
            "<entry>"
            f"<title>{html.escape(item['title'])}</title>"
            f'<link rel="alternate" href="{html.escape(item["link"])}"/>'
            f"<id>{html.escape(item['guid'])}</id>"
            f"<updated>{updated}</updated>"
            f"<author><name>{html.escape(item['author'])}</name></author>"
            f"<summary>{html.escape(item['lead'])}</summary>"
            f'<content type="html">{html.escape(_paragraphs_html(item["paragraphs"]))}</content>'
            "</entry>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>ایرنا</title><id>https://www.irna.ir/</id>"
        "<updated>2026-11-30T09:00:00Z</updated>" + "".join(entries) + "</feed>"
    )
