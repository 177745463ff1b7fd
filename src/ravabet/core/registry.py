"""What each capability contributes to the whole, registered from its AppConfig.ready().

Adding a capability touches no kernel file: its app registers a demo loader, an API router,
the sources of its search documents and its periodic tasks here; the demo command, the API,
`search_rebuild` and the scheduler read these registries. Registration is idempotent (keyed),
so a second ready() changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DemoLoader:
    key: str
    label: str
    load: Callable[[], object]
    order: int  # lower loads first: the organisation is 0, capabilities 100 and up


@dataclass(frozen=True)
class SearchSource:
    """A scope of the shared search index and how to re-make it from the capability's data."""

    scope: str
    label: str
    documents: Callable[[], Iterator[Any]]  # of core.search.Document
    count: Callable[[], int]


@dataclass(frozen=True)
class ApiRouter:
    key: str
    router: Any  # a ninja.Router
    prefix: str
    order: int


@dataclass(frozen=True)
class PeriodicTask:
    """A task the scheduler enqueues every `every` seconds, or daily at `at` ("HH:MM", Tehran)."""

    task: str  # dotted path of a django_tasks task taking no arguments
    every: int | None = None
    at: str | None = None


_demo_loaders: dict[str, DemoLoader] = {}
_periodic: dict[str, PeriodicTask] = {}
_search_sources: dict[str, SearchSource] = {}
_routers: dict[str, ApiRouter] = {}


def register_demo_loader(
    key: str, label: str, load: Callable[[], object], *, order: int = 100
) -> None:
    """`load` must be safe to run again on a database that already has the demo data."""
    _demo_loaders[key] = DemoLoader(key, label, load, order)


def demo_loaders() -> list[DemoLoader]:
    return sorted(_demo_loaders.values(), key=lambda loader: (loader.order, loader.key))


def register_search_source(
    scope: str,
    label: str,
    *,
    documents: Callable[[], Iterator[Any]],
    count: Callable[[], int],
) -> None:
    _search_sources[scope] = SearchSource(scope, label, documents, count)


def search_sources() -> list[SearchSource]:
    return [_search_sources[scope] for scope in sorted(_search_sources)]


def register_router(key: str, router: Any, *, prefix: str = "", order: int = 100) -> None:
    _routers[key] = ApiRouter(key, router, prefix, order)


def api_routers() -> list[ApiRouter]:
    return sorted(_routers.values(), key=lambda r: (r.order, r.key))


def register_periodic_task(task: str, *, every: int | None = None, at: str | None = None) -> None:
    """A capability's periodic job; an entry of settings.RAVABET_PERIODIC_TASKS for the same
    task overrides its timing (an operator moving the morning digest, say)."""
    if (every is None) == (at is None):
        raise ValueError(f"periodic task {task} needs exactly one of 'every' or 'at'")
    _periodic[task] = PeriodicTask(task, every, at)


def periodic_tasks() -> list[PeriodicTask]:
    return [_periodic[task] for task in sorted(_periodic)]


@dataclass(frozen=True)
class DashboardCard:
    """What a capability shows on a person's back-office overview: `figures(user)` returns
    the card's lines (label, number, link, urgent) — an empty list hides the card."""

    key: str
    title: str
    figures: Callable[[Any], list[dict[str, Any]]]
    order: int


_cards: dict[str, DashboardCard] = {}


def register_dashboard_card(
    key: str, title: str, figures: Callable[[Any], list[dict[str, Any]]], *, order: int = 100
) -> None:
    _cards[key] = DashboardCard(key, title, figures, order)


def dashboard_cards(user: Any) -> list[dict[str, Any]]:
    """The cards for this person, in order, each {"title", "figures"}; a card with nothing to
    say for them is left out."""
    cards = []
    for card in sorted(_cards.values(), key=lambda c: (c.order, c.key)):
        figures = card.figures(user)
        if figures:
            cards.append({"key": card.key, "title": card.title, "figures": figures})
    return cards


@dataclass(frozen=True)
class NeedsEvidence:
    """One thing people want to know from an agency, as one source saw it: a topic («آب
    شرب روستاها»), how much weight it carried there (responses, messages, articles), a line
    of detail, and links to the evidence (label, URL) — for the needs report (surveys)."""

    topic: str
    weight: float
    detail: str = ""
    links: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class NeedsSource:
    """A capability's contribution to an agency's needs report: `evidence(user, agency,
    start, end)` (aware datetimes, end exclusive) returns its findings for the period, most
    weighty first, already cut to what `user` may see."""

    key: str
    label: str  # «نظرسنجی‌ها»، «پیشخوان مردمی»، «رسانه‌ها»
    evidence: Callable[[Any, Any, Any, Any], list[NeedsEvidence]]
    order: int


_needs_sources: dict[str, NeedsSource] = {}


def register_needs_source(
    key: str,
    label: str,
    evidence: Callable[[Any, Any, Any, Any], list[NeedsEvidence]],
    *,
    order: int = 100,
) -> None:
    _needs_sources[key] = NeedsSource(key, label, evidence, order)


def needs_sources() -> list[NeedsSource]:
    """The registered sources in order; the surveys' own is always one of them, the citizen
    desk's and monitoring's when those apps are installed."""
    return sorted(_needs_sources.values(), key=lambda s: (s.order, s.key))


@dataclass(frozen=True)
class Panel:
    """A section a capability adds to another's page about an object — e.g. the deliveries of a
    release to messenger channels on the release's back-office page — without the page's
    capability knowing it: `context(user, obj)` gives the template's context, or None to
    show nothing to this person. Rendered by `{% object_panels "<target>" obj %}`
    (core/templatetags/panels.py) inside a titled <section>."""

    target: str  # «newsroom.release»
    key: str
    title: str
    template: str
    context: Callable[[Any, Any], dict[str, Any] | None]
    order: int


_panels: dict[tuple[str, str], Panel] = {}


def register_panel(
    target: str,
    key: str,
    title: str,
    template: str,
    context: Callable[[Any, Any], dict[str, Any] | None],
    *,
    order: int = 100,
) -> None:
    _panels[(target, key)] = Panel(target, key, title, template, context, order)


def panels(target: str) -> list[Panel]:
    return sorted(
        (p for p in _panels.values() if p.target == target), key=lambda p: (p.order, p.key)
    )


@dataclass(frozen=True)
class IndicatorValue:
    """One office's value of one indicator over a period: `value` (None: no data, shown as
    «بدون داده», never as zero), `volume` (how many records stand behind it, for the ranking's
    minimum-volume rule), a Persian line of `detail` («۱۲ از ۱۵ پیام در مهلت») and a `link` to
    the data behind it (a back-office page filtered to the agency and period)."""

    value: float | None
    volume: int = 0
    detail: str = ""
    link: str = ""


@dataclass(frozen=True)
class Indicator:
    """A measure of PR offices that a capability computes from what it records (coordination's
    scorecards and ranking read them; they never import the capability). `compute(agencies,
    start, end)` returns {agency id: IndicatorValue} for the period [start, end) (dates, Tehran
    days), one query or a few for all agencies together; an agency missing from the answer has
    no data. `higher_is_better` orients the score; `min_volume` is the default volume below
    which the value is shown but not scored."""

    key: str  # «newsroom.published»
    label: str  # «خبرهای منتشرشده»
    unit: str  # «خبر»، «٪»، «روز کاری»
    higher_is_better: bool
    compute: Callable[[list[Any], Any, Any], dict[int, IndicatorValue]]
    order: int = 100
    min_volume: int = 1
    description: str = ""  # the formula in Persian, shown on the ranking page


_indicators: dict[str, Indicator] = {}


def register_indicator(indicator: Indicator) -> None:
    _indicators[indicator.key] = indicator


def indicators() -> list[Indicator]:
    """The registered indicators in order: those of the installed capabilities only (an
    indicator of a capability that is not installed is simply absent: «در دسترس نیست»)."""
    return sorted(_indicators.values(), key=lambda i: (i.order, i.key))
