"""The kernel's guard on outgoing HTTP (core/netguard.py): no request into the internal network,
whatever form the address is written in, and none after a DNS answer re-pointed at it."""

from __future__ import annotations

import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from ravabet.core import netguard


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        self.server.paths.append(self.path)
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/secret")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = b"internal"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    paths: list[str]


@pytest.fixture
def internal() -> Iterator[_Server]:
    """An "internal service" on 127.0.0.1 that records the paths asked of it."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.paths = []
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02})
    thread.daemon = True
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _resolving(monkeypatch: pytest.MonkeyPatch, names: dict[str, Any]) -> list[str]:
    """getaddrinfo answering `names` (host → an IPv4 address, or a list of answers given in
    turn, the last one repeated) itself; the rest as usual. Returns the hosts looked up."""
    real = socket.getaddrinfo
    asked: list[str] = []

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host in names:
            asked.append(host)
            answer = names[host]
            if isinstance(answer, list):
                answer = answer.pop(0) if len(answer) > 1 else answer[0]
            addresses = answer if isinstance(answer, tuple) else (answer,)
            return [
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, int(port)))
                for address in addresses
            ]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/api",
        "http://10.1.2.3/api",
        "http://172.16.0.1/api",
        "http://192.168.1.1/api",
        "http://100.64.0.1/api",  # carrier-grade NAT
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/api",
        "http://[::ffff:127.0.0.1]/api",
        "http://[::ffff:a9fe:a9fe]/api",  # 169.254.169.254, IPv4-mapped in hex
        "http://[64:ff9b::a00:1]/api",  # NAT64 of 10.0.0.1
        "http://[fe80::1]/api",
        "http://[fc00::1]/api",
        "http://0.0.0.0/api",
        "http://224.0.0.1/api",
        "http://0x7f000001/api",
        "http://2130706433/api",
        "http://0177.0.0.1/api",
        "http://0x7f.0.0.1/api",
        "http://127.1/api",
        "http://localhost/api",
        "http://LOCALHOST./api",
        "http://bot.localhost/api",
        "https://93.184.216.34:8080/api",
        "http://93.184.216.34:22/api",
        "ftp://93.184.216.34/api",
        "file:///etc/passwd",
        "http:///api",
    ],
)
def test_internal_addresses_odd_ports_and_other_schemes_are_refused(url: str) -> None:
    with pytest.raises(netguard.Blocked) as refused:
        netguard.check_url(url)
    assert any("\u0600" <= c <= "\u06ff" for c in str(refused.value))  # Persian


def test_public_addresses_pass_and_the_caller_may_allow_private_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _resolving(monkeypatch, {"tapi.bale.ai": "185.143.233.2"})
    assert netguard.check_url(" https://tapi.bale.ai/ ") == "https://tapi.bale.ai/"
    assert netguard.check_url("http://93.184.216.34/hook") == "http://93.184.216.34/hook"
    # No answer from DNS now: let through, checked again when connected.
    assert netguard.check_url("https://nowhere.invalid/") == "https://nowhere.invalid/"
    assert netguard.check_url("http://127.0.0.1:8001/", allow_private=True)
    assert netguard.check_url("http://localhost:9/", allow_private=True)
    with pytest.raises(netguard.Blocked):  # the scheme rule stays
        netguard.check_url("gopher://127.0.0.1/", allow_private=True)
    assert netguard.check_url("https://93.184.216.34:8443/", ports=frozenset({443, 8443}))


def test_a_name_with_one_private_address_among_public_ones_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _resolving(
        monkeypatch,
        {"api.example.ir": ("185.143.233.2", "10.0.0.7"), "meta.example.ir": "169.254.169.254"},
    )
    with pytest.raises(netguard.Blocked, match=r"10\.0\.0\.7"):
        netguard.check_url("https://api.example.ir/")
    with pytest.raises(netguard.Blocked, match=r"169\.254\.169\.254"):
        netguard.check_url("https://meta.example.ir/")
    assert netguard.check_url("https://meta.example.ir/", allow_private=True)


def test_a_public_looking_name_resolving_to_loopback_is_refused_at_connect_time(
    internal: _Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: the name was public when checked, points at 127.0.0.1 when connected;
    the guarded opener refuses the connection and the internal service sees nothing."""
    port = internal.server_address[1]
    asked = _resolving(monkeypatch, {"bot.example.ir": ["185.143.233.2", "127.0.0.1"]})
    guard = netguard.Guard(ports=frozenset({80, 443, port}))
    url = f"http://bot.example.ir:{port}/secret"
    assert guard.check_url(url) == url  # public at the time of the check
    with pytest.raises(urllib.error.URLError) as refused:
        guard.opener().open(urllib.request.Request(url, data=b"{}", method="POST"), timeout=5)
    assert isinstance(refused.value.reason, netguard.Blocked)
    assert "127.0.0.1" in str(refused.value.reason)
    assert asked == ["bot.example.ir", "bot.example.ir"] and internal.paths == []


def test_the_opener_connects_to_the_address_it_checked_and_follows_no_redirect(
    internal: _Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = internal.server_address[1]
    _resolving(monkeypatch, {"bot.example.ir": "127.0.0.1"})
    allowed = netguard.Guard(allow_private=True).opener()
    with allowed.open(f"http://bot.example.ir:{port}/ok", timeout=5) as response:
        assert response.read() == b"internal"
    with pytest.raises(urllib.error.HTTPError) as moved:
        allowed.open(
            urllib.request.Request(f"http://127.0.0.1:{port}/moved", data=b"{}", method="POST"),
            timeout=5,
        )
    assert moved.value.code == 302
    assert internal.paths == ["/ok", "/moved"]  # /secret never asked for


def test_the_opener_ignores_proxies_from_the_environment(
    internal: _Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A proxy would hide the address actually reached: the guard's opener never uses one."""
    port = internal.server_address[1]
    monkeypatch.setenv("http_proxy", "http://10.9.9.9:3128")
    monkeypatch.setenv("HTTP_PROXY", "http://10.9.9.9:3128")
    with (
        netguard.Guard(allow_private=True)
        .opener()
        .open(f"http://127.0.0.1:{port}/ok", timeout=5) as response
    ):
        assert response.status == 200
    assert internal.paths == ["/ok"]
