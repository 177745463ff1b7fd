"""Public pages for anonymous visitors, served from a cache and never stale.

A public view is wrapped in `cached_page(topics=..., params=...)`. For a visitor with no session
and no pending message (so nothing on the page is personal: no officer's bar, no CSRF token, no
message), the rendered page is kept under a key made of the view, the path, the *named* query
parameters only (normalized and cut short; every other parameter is ignored, so a query string
of thousands of random parameters is one key) and the current version of each topic the page
shows. A service that changes what the public sees calls `bump(topic, ...)` after its commit:
the topic gets a new random version, so every page showing it is rendered afresh on its next
request, in every process (the versions live in the shared default cache). A random token, not
a counter: an evicted version can only make a new key, never bring an old page back.

Pages live in their own bounded cache (`CACHES["pages"]`: an LRU per process in the embedded
default, Redis when REDIS_URL is set), and only page numbers up to MAX_CACHED_PAGE are stored,
so deep or random pages cannot evict the hot ones.

Every response of a wrapped view says how a proxy may keep it: anonymous pages are `public,
no-cache` with an ETag (a proxy or browser asks again and gets a 304 while nothing changed);
anything rendered for a person is `private, no-cache`. `PrivateByDefaultMiddleware` marks every
other response made for a logged-in person private, so no proxy shares an officer's page.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.utils.cache import patch_cache_control, patch_vary_headers

from ravabet.core import versions
from ravabet.core.pagination import parse_page

logger = logging.getLogger(__name__)

# Deeper pages are served, never stored: they are rarely asked for, and "?page=N" for random N
# would otherwise fill the cache.
MAX_CACHED_PAGE = 10
# A named parameter's value counts for this many characters at most in the key.
MAX_PARAM_CHARS = 100
# A free-text page (a search) asked twice within this many seconds is worth keeping.
POPULAR_WINDOW = 600
_TOPIC = "pagecache:"
_KEPT_HEADERS = ("Content-Type", "Content-Language", "Last-Modified", "Content-Disposition")

Topics = Iterable[str] | Callable[..., Iterable[str]]


@dataclass(frozen=True)
class _Route:
    """How the pages of one path are keyed: what the decorator knows, remembered per path so
    that FastPathMiddleware can find a stored page before the rest of the stack runs."""

    view_id: str
    params: tuple[str, ...]
    free_text: tuple[str, ...]
    popular: tuple[str, ...]
    topics: tuple[str, ...]


# path -> (route, the headers the rest of the middleware added, the view's hit hook); per
# process, bounded. A view that must see every request of its page even when this middleware
# answers it (the newsroom counts a release's views) sets `response._pagecache_on_hit`, a
# callable(request) that must be quick and is never allowed to fail the answer.
_known_paths: dict[str, tuple[_Route, dict[str, str], Callable[[HttpRequest], None] | None]] = {}
MAX_KNOWN_PATHS = 10_000
# Headers that belong to one response (or to the stored page), not to the path.
_OWN_HEADERS = {
    "content-length",
    "content-type",
    "content-language",
    "content-disposition",
    "last-modified",
    "etag",
    "x-page-cache",
    "date",
}


def bump(*topics: str) -> None:
    """What the public sees of these topics changed: re-render their pages.

    Twice: now, and again after the commit, because a page rendered between the two from the
    rows as they were before the commit would otherwise be kept under the new version.
    """
    names = [_TOPIC + t for t in topics]
    versions.renew(names)
    transaction.on_commit(lambda: versions.renew(names))


def is_anonymous_visit(request: HttpRequest) -> bool:
    """Nothing on this visitor's page can be personal: no session and no message waiting."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
    )


def _key(
    request: HttpRequest, view_id: str, params: tuple[str, ...], topic_versions: list[str]
) -> str | None:
    parts = [view_id, request.path, "htmx" if request.headers.get("HX-Request") else "page"]
    for name in params:
        value = request.GET.get(name, "")
        if name == "page":
            number = parse_page(value)
            if number > MAX_CACHED_PAGE:
                return None
            value = str(number)
        parts.append(f"{name}={value.strip()[:MAX_PARAM_CHARS]}")
    parts.extend(topic_versions)
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
    return f"pagecache:page:{digest}"


def _key_for(request: HttpRequest, route: _Route) -> tuple[str | None, str]:
    """The key of this request's page, and the cache it is kept in."""
    key = _key(
        request, route.view_id, route.params, versions.current(_TOPIC + t for t in route.topics)
    )
    asked_free_text = any(request.GET.get(name) for name in route.popular)
    return key, "pages_popular" if asked_free_text else "pages"


def _public(response: HttpResponseBase) -> None:
    patch_cache_control(response, public=True, no_cache=True)
    patch_vary_headers(response, ["Cookie"])


def _private(response: HttpResponseBase) -> None:
    if not response.has_header("Cache-Control"):
        patch_cache_control(response, private=True, no_cache=True)


def _storable(request: HttpRequest, response: HttpResponseBase) -> bool:
    return (
        response.status_code == 200
        and isinstance(response, HttpResponse)
        and not response.streaming
        and not response.cookies
        # A CSRF token was put on the page: it belongs to this visitor alone.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    )


def _replay(entry: dict[str, Any]) -> HttpResponse:
    response = HttpResponse(entry["content"], status=200)
    for name, value in entry["headers"].items():
        response[name] = value
    response["ETag"] = entry["etag"]
    response["X-Page-Cache"] = "hit"
    return response


def _popular(key: str) -> bool:
    """Whether this page was asked for before within POPULAR_WINDOW: the first request of a
    free-text page only leaves a mark (in a bounded cache of its own), the second stores it."""
    return versions.admitted(key, alias="pages_seen", seconds=POPULAR_WINDOW)


def _keep_only(request: HttpRequest, names: tuple[str, ...]) -> None:
    """Drop every query parameter the page's key does not name from what the view sees."""
    if all(name in names for name in request.GET):
        return
    kept = QueryDict(mutable=True)
    for name in names:
        if name in request.GET:
            kept.setlist(name, request.GET.getlist(name))
    kept._mutable = False
    request.GET = kept  # type: ignore[assignment]  # made immutable above


def cached_page(
    *,
    topics: Topics,
    params: Iterable[str] = (),
    not_when: Iterable[str] = (),
    popular: Iterable[str] = (),
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """Serve the view's page to anonymous visitors from the cache (see the module's docstring).

    `topics`: what the page shows ("releases", "agencies"), or a function of the view's
    arguments returning them. `params`: every query parameter the view reads; others are
    ignored in the key, so the view must not read any parameter it does not name here.
    `not_when`: parameters of free text: a page asked with one of them is served fresh and never
    stored, so random text cannot fill the cache. `popular`: parameters of free text worth
    caching when people repeat them (a search box): such a page is stored only when asked for a
    second time within POPULAR_WINDOW, and in its own bounded cache (`pages_popular`), so one-off
    or random queries neither fill the cache nor push the portal's hot pages out.
    """
    named = tuple(params)
    free_text = tuple(not_when)
    repeated = tuple(popular)

    def decorate(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        view_id = f"{view.__module__}.{getattr(view, '__qualname__', type(view).__name__)}"

        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if (
                not settings.RAVABET_PAGE_CACHE_SECONDS
                or not is_anonymous_visit(request)
                or any(request.GET.get(name) for name in free_text)
            ):
                response = view(request, *args, **kwargs)
                _private(response)
                return response
            page_topics = tuple(topics(*args, **kwargs) if callable(topics) else topics)
            route = _Route(view_id, named, free_text, repeated, page_topics)
            key, alias = _key_for(request, route)
            entry = caches[alias].get(key) if key else None
            if entry is not None:
                response = _replay(entry)
                _public(response)
                return response
            # The stored page is everyone's: what it shows (a pager's links keep the query
            # string) may come only from the parameters in its key.
            _keep_only(request, (*named, *free_text, *repeated))
            response = view(request, *args, **kwargs)
            if not (key and _storable(request, response)):
                _private(response)
                return response
            assert isinstance(response, HttpResponse)  # noqa: S101 (checked by _storable)
            if alias == "pages" or _popular(key):
                if hasattr(response, "render"):
                    response.render()
                content = response.content
                etag = '"' + hashlib.sha256(content).hexdigest()[:32] + '"'
                response["ETag"] = etag
                headers = {h: response[h] for h in _KEPT_HEADERS if response.has_header(h)}
                caches[alias].set(
                    key,
                    {"content": content, "headers": headers, "etag": etag},
                    timeout=settings.RAVABET_PAGE_CACHE_SECONDS,
                )
                response._pagecache_route = route  # type: ignore[attr-defined]
            response["X-Page-Cache"] = "miss"
            _public(response)
            return response

        return wrapped

    return decorate


class PrivateByDefaultMiddleware:
    """A response made for a logged-in person is never kept by a shared proxy, unless the view
    said otherwise: `Cache-Control: private, no-cache` when it has no Cache-Control at all."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return response  # nobody is logged in without a session (and no session is read)
        user = getattr(request, "user", None)
        if user is not None and getattr(user, "is_authenticated", False):
            _private(response)
        return response


class FastPathMiddleware:
    """A stored page for an anonymous visitor, answered before sessions, CSRF, messages, URL
    resolving and the view: the same key as `cached_page` (the path's route is remembered when
    the page is stored), the same versions (so never stale), and the headers the rest of the
    stack added to that page (the CSP, X-Frame-Options, Vary) replayed. Sits just below
    ConditionalGetMiddleware, so a matching ETag still gets its 304."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        known = _known_paths.get(request.path)
        if (
            known is not None
            and settings.RAVABET_PAGE_CACHE_SECONDS
            and is_anonymous_visit(request)
        ):
            route, stack_headers, on_hit = known
            if not any(request.GET.get(name) for name in route.free_text):
                key, alias = _key_for(request, route)
                entry = caches[alias].get(key) if key else None
                if entry is not None:
                    hit = _replay(entry)
                    for name, value in stack_headers.items():
                        hit[name] = value
                    if on_hit is not None:
                        try:
                            on_hit(request)
                        except Exception:  # the hook's failure never costs the page
                            logger.exception("page cache hit hook of %s failed", request.path)
                    return hit
        response = self.get_response(request)
        stored: _Route | None = getattr(response, "_pagecache_route", None)
        if stored is not None:
            if len(_known_paths) >= MAX_KNOWN_PATHS:
                _known_paths.clear()
            _known_paths[request.path] = (
                stored,
                {n: v for n, v in response.items() if n.lower() not in _OWN_HEADERS},
                getattr(response, "_pagecache_on_hit", None),
            )
        return response
