"""A local messenger for the channel tests: the Telegram Bot API shape (which Bale and our
Eitaa sender speak too) on 127.0.0.1, in a thread, never the internet.

    with BotServer(token="123:ABC") as bot:
        channel.base_url = bot.base_url
        bot.script(429, {"ok": False, "error_code": 429, "parameters": {"retry_after": 7}})
        ... post ...
        bot.posts  # [(method, payload)] of every accepted post

Each POST /bot<token>/<method> (or /<token>/<method> with `eitaa=True`) is answered by the
next scripted answer if there is one (status, body, or a delay in seconds to hang), else
accepted with a new message id. A wrong token gets 401 as the Bot API gives it. POST /hook
records a webhook's body and headers.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        owner = self.server.owner
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        if self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
            payload = dict(urllib.parse.parse_qsl(raw.decode()))
        else:
            try:
                payload = json.loads(raw or b"{}")
            except ValueError:
                payload = {}
        if self.path == "/hook":
            with owner.lock:
                owner.hooks.append((raw, dict(self.headers.items())))
            self._answer(200, {"id": len(owner.hooks)})
            return
        parts = self.path.strip("/").split("/")
        bot_api = len(parts) == 2 and parts[0].startswith("bot")
        if len(parts) != 2 or (bot_api == owner.eitaa):
            self._answer(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        token, method = (parts[0][3:] if bot_api else parts[0]), parts[1]
        with owner.lock:
            owner.calls.append((method, payload))
            owner.content_types.append(self.headers.get("Content-Type", ""))
            scripted = owner.scripted.pop(0) if owner.scripted else None
        if scripted is not None:
            if isinstance(scripted, int | float):
                time.sleep(scripted)
            else:
                self._answer(*scripted)
                return
        if token != owner.token:
            self._answer(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            return
        with owner.lock:
            owner.posts.append((method, payload))
            message_id = 100 + len(owner.posts)
        chat = {"id": -1001, "type": "channel", "username": owner.username}
        self._answer(200, {"ok": True, "result": {"message_id": message_id, "chat": chat}})

    def _answer(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the sender gave up waiting

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: BotServer


class BotServer:
    def __init__(
        self,
        token: str = "123456:TEST-token",  # noqa: S107 (a test bot)
        username: str = "roads_news",
        *,
        eitaa: bool = False,
    ) -> None:
        """`eitaa`: speak eitaayar's shape (/<token>/<method>, form fields) and refuse the Bot
        API's /bot<token>/ path with 404, as a different service would."""
        self.token, self.username, self.eitaa = token, username, eitaa
        self.content_types: list[str] = []
        self.lock = threading.Lock()
        self.calls: list[tuple[str, dict[str, Any]]] = []  # every call, answered or not
        self.posts: list[tuple[str, dict[str, Any]]] = []  # the accepted ones: in the channel
        self.hooks: list[tuple[bytes, dict[str, str]]] = []
        self.scripted: list[Any] = []
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def __enter__(self) -> BotServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def script(self, *answers: Any) -> None:
        """The next answers, in order: (status, body) or a number of seconds to hang."""
        self.scripted.extend(answers)
