"""The guard on outgoing HTTP to a URL someone typed: public addresses only (no SSRF).

    netguard.check_url(url, allow_private=False)    # the URL stripped, or Blocked (Persian)
    guard = netguard.Guard(allow_private=False)
    guard.opener().open(request, timeout=10)        # every connection re-checked

A URL a person enters (a feed, a messenger's API base, a webhook) must not make the server
talk to its own internal network. The rules, before any request:

- http or https only, port 80 or 443 (`ALLOWED_PORTS`, or the caller's `ports`);
- a host that is not «localhost» (nor «*.localhost»), nor an IP address outside the public
  internet: private, loopback, link-local, multicast, reserved, unspecified, or an IPv6 form
  of such an IPv4 address (IPv4-mapped, 6to4, Teredo, NAT64); a host written as a number in
  another form than dotted decimal (0x7f000001, 2130706433, 0177.0.0.1, 127.1) is refused;
- every address the host resolves to is public (one private address among public ones is
  refused); a host that does not resolve now is let through by `check_url` (DNS may be down)
  and is checked again when connected.

And at connect time (`Guard.opener()`): the host is resolved once, every address checked, the
socket connected to a checked address (no second lookup for a DNS rebinding to slip through),
and the peer checked again once connected. The opener never uses a proxy from the environment
(the guard must see the address actually connected to) and follows no redirect: a caller that
follows redirects does it by hand, checking each hop with `check_host_and_port`.

`allow_private=True` (a setting of the calling capability: an intranet service, the tests'
local servers) lifts the address and port rules; the scheme rule stays.

No capability is named here: each passes its own setting.
"""

from __future__ import annotations

import functools
import http.client
import ipaddress
import re
import socket
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = [
    "ALLOWED_PORTS",
    "Blocked",
    "Guard",
    "check_url",
    "refused_address",
]

ALLOWED_PORTS = frozenset({80, 443})
LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")
# A host written as a number in a form inet_aton reads (0x7f000001, 2130706433, 0177.0.0.1,
# 127.1) is refused, whatever address it names: only the dotted decimal form is an address.
_NUMERIC_HOST = re.compile(r"^[0-9a-fx.]+$")
# IPv6 addresses that carry an IPv4 address a gateway would reach (NAT64; 6to4 and Teredo and
# IPv4-mapped are read by ipaddress).
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_DEFAULT_TIMEOUT: Any = socket._GLOBAL_DEFAULT_TIMEOUT  # type: ignore[attr-defined]


class Blocked(OSError):
    """A URL, a redirect hop or a connection on an address or port the guard refuses; the
    message is Persian and names the host and the reason."""


def refused_address(text: str) -> str | None:
    """Why an IP address may not be reached (None: it may): private, loopback, link-local,
    multicast, reserved, unspecified, or an IPv6 form of such an IPv4 address."""
    try:
        ip = ipaddress.ip_address(text.split("%", 1)[0])  # an IPv6 zone («%eth0») dropped
    except ValueError:
        return "نشانی IP نامعتبر"
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return refused_address(str(embedded))
    for refused, why in (
        (ip.is_unspecified, "نشانی نامشخص (unspecified)"),
        (ip.is_loopback, "نشانی خودِ کارساز (loopback)"),
        (ip.is_link_local, "نشانی محلی پیوند (link-local)"),
        (ip.is_multicast, "نشانی چندپخشی (multicast)"),
        (ip.is_private, "نشانی شبکهٔ خصوصی (private)"),
        (ip.is_reserved, "نشانی رزروشده (reserved)"),
        (not ip.is_global, "نشانی غیرعمومی"),
    ):
        if refused:
            return why
    return None


@dataclass(frozen=True)
class Guard:
    """The rules for one caller: `allow_private` lifts the address and port rules; `ports` are
    the ports allowed; `refused` says why an address is refused (None: allowed)."""

    allow_private: bool = False
    ports: frozenset[int] = ALLOWED_PORTS
    refused: Callable[[str], str | None] = refused_address

    def check_host_and_port(self, url: str) -> tuple[str, int]:
        """Host and port of a URL as the guard wants them, before any lookup: http(s), a host
        that is not «localhost» nor an IP address outside the public internet (in whatever form
        it is written), an allowed port. Raises Blocked with a Persian message."""
        try:
            parts = urllib.parse.urlsplit(url.strip())
            port = parts.port
            host = (parts.hostname or "").rstrip(".").lower()
        except ValueError as exc:
            raise Blocked(f"نشانی درست نیست: {url[:200]}") from exc
        scheme = parts.scheme.lower()
        if scheme not in {"http", "https"}:
            raise Blocked(f"فقط نشانی http یا https پذیرفته است: {url[:200]}")
        if not host:
            raise Blocked("نشانی نام میزبان ندارد")
        port = port or (443 if scheme == "https" else 80)
        if self.allow_private:
            return host, port
        if port not in self.ports:
            allowed = " و ".join(_persian_digits(str(p)) for p in sorted(self.ports))
            raise Blocked(f"درگاه {port} پذیرفته نیست: فقط {allowed}")
        if host in LOCAL_NAMES or host.endswith(".localhost"):
            raise Blocked(f"نشانی «{host}» به خودِ کارساز می‌رسد و پذیرفته نیست")
        literal: str | None = host if ":" in host else None
        if literal is None and _NUMERIC_HOST.match(host):
            try:
                literal = socket.inet_ntoa(socket.inet_aton(host))
            except OSError:
                literal = None  # a name made of hex letters («cafe.de»)
            if literal is not None and literal != host:
                raise Blocked(
                    f"نشانی IP به این شکل ({host}) پذیرفته نیست؛ به شکل {literal} بنویسید"
                )
        if literal is not None:
            why = self.refused(literal)
            if why:
                raise Blocked(f"{why} پذیرفته نیست: {host}")
        return host, port

    def resolve(self, host: str, port: int) -> list[tuple[Any, ...]]:
        """getaddrinfo's TCP answers for the host; every address must be allowed (a name that
        resolves to one private address among public ones is refused). Raises Blocked, or
        OSError when the name does not resolve."""
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            raise OSError(f"نام میزبان «{host}» پیدا نشد ({exc})") from exc
        if not self.allow_private:
            for info in infos:
                why = self.refused(str(info[4][0]))
                if why:
                    raise Blocked(f"«{host}» به {info[4][0]} می‌رسد: {why} پذیرفته نیست")
        return list(infos)

    def check_url(self, url: str) -> str:
        """The URL stripped, when the guard lets it through now (a host that does not resolve
        now is let through: it is checked again when connected). Raises Blocked."""
        url = (url or "").strip()
        host, port = self.check_host_and_port(url)
        try:
            self.resolve(host, port)
        except Blocked:
            raise
        except OSError:
            pass  # not resolvable now: checked at each connection
        return url

    def connect(
        self, address: tuple[str, int], timeout: Any = _DEFAULT_TIMEOUT, source: Any = None
    ) -> socket.socket:
        """socket.create_connection under the guard: resolved once, every address checked, the
        socket connected to a checked address, the peer checked again once connected."""
        host, port = address
        error: OSError | None = None
        for family, kind, proto, _name, sockaddr in self.resolve(host, port):
            sock = socket.socket(family, kind, proto)
            try:
                if timeout is not _DEFAULT_TIMEOUT:
                    sock.settimeout(timeout)
                if source:
                    sock.bind(source)
                sock.connect(sockaddr)
                peer = str(sock.getpeername()[0])
                why = None if self.allow_private else self.refused(peer)
                if why:
                    raise Blocked(f"«{host}» به {peer} وصل شد: {why} پذیرفته نیست")
                return sock
            except Blocked:
                sock.close()
                raise
            except OSError as exc:
                sock.close()
                error = exc
        raise error or OSError(f"نام میزبان «{host}» نشانی‌ای ندارد")

    def opener(self) -> urllib.request.OpenerDirector:
        """A urllib opener whose every connection goes through `connect`: no proxy from the
        environment, no redirect followed (a 3xx comes back as urllib.error.HTTPError)."""
        return urllib.request.build_opener(
            urllib.request.ProxyHandler({}),
            NoRedirects(),
            GuardedHTTPHandler(self),
            GuardedHTTPSHandler(self),
        )


def check_url(
    url: str, *, allow_private: bool = False, ports: frozenset[int] = ALLOWED_PORTS
) -> str:
    """`Guard(allow_private, ports).check_url(url)`: the URL stripped, or Blocked."""
    return Guard(allow_private=allow_private, ports=ports).check_url(url)


def _persian_digits(text: str) -> str:
    return text.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))


class NoRedirects(urllib.request.HTTPRedirectHandler):
    """No redirect is followed: the 3xx response is returned (as an HTTPError) to the caller."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class GuardedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args: Any, guard: Guard, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = guard.connect


class GuardedHTTPSConnection(http.client.HTTPSConnection):
    """TLS over the checked socket; the certificate is still checked against the host name."""

    def __init__(self, *args: Any, guard: Guard, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = guard.connect


class GuardedHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, guard: Guard) -> None:
        super().__init__()
        self.guard = guard

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(GuardedHTTPConnection, guard=self.guard), req)


class GuardedHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, guard: Guard) -> None:
        super().__init__()
        self.guard = guard

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        context = getattr(self, "_context", None)
        return self.do_open(
            functools.partial(GuardedHTTPSConnection, guard=self.guard), req, context=context
        )
