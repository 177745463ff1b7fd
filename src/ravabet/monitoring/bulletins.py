"""The daily press-clipping bulletin (بولتن خبری) of an agency, or of the directorate (every
agency's clippings: the province's view).

Workflow: `build` (the 07:00 task for yesterday, or on demand) makes a draft of the Tehran
day's clippings — the articles with a mention of the agency published that day, one clipping an
article, grouped by story — and its figures; editors pick or drop clippings
(`bulletin_set_item`) and write a summary (`bulletin_set_summary`); `bulletin_send` (or the
09:00 task for the drafts nobody sent) marks it sent, once, and e-mails the PDF (pdf.py) to
the agency's members after the commit. A sent bulletin is never built again nor edited.

Stories are ordered: those with a negative clipping first, then the larger (more clippings),
then the earlier; clippings inside a story by publication time. At most MAX_ITEMS clippings a
bulletin (the day's earliest); the page and the PDF say how many were left out.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from ravabet.core import audit, charts, jalali, permissions, validation
from ravabet.core.links import absolute_url
from ravabet.core.organisation.models import Agency, Membership
from ravabet.monitoring.models import Article, Bulletin, BulletinItem, Mention
from ravabet.persian import dates as pdates
from ravabet.persian import normalize

logger = logging.getLogger(__name__)

# Clippings in one bulletin at most (the day's earliest are kept; the page says how many not).
MAX_ITEMS = 300
# Mentions read for one bulletin's clippings (the directorate's: several agencies an article).
MAX_MENTIONS = MAX_ITEMS * 40
# Agencies the morning task builds a bulletin for, and bulletins it sends, at most.
MAX_AGENCIES = 500
MAX_RECIPIENTS = 200
MAX_SUMMARY_CHARS = 4000
TOP_OUTLETS = 10
# Worst first: the clipping of an article mentioned with several tones shows the worst.
TONE_RANK = {Mention.Tone.NEGATIVE: 0, Mention.Tone.NEUTRAL: 1, Mention.Tone.POSITIVE: 2}
UNKNOWN = "unknown"
TONE_KEYS = (*(t.value for t in Mention.Tone), UNKNOWN)

SENT_MESSAGE = "این بولتن فرستاده شده است و دیگر ویرایش نمی‌شود."
EDIT_MESSAGE = "شما اجازهٔ ویرایش بولتن این دستگاه را ندارید."
BUILD_MESSAGE = "شما اجازهٔ ساختن بولتن این دستگاه را ندارید."
SEND_MESSAGE = "شما اجازهٔ ارسال بولتن این دستگاه را ندارید."


class BulletinError(Exception):
    """A refused step on a bulletin (sent already, nothing to send); the message is Persian."""


# --- days --------------------------------------------------------------------------------------


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The Tehran day from its first moment to the next day's first moment (aware)."""
    return jalali.start_of_day(day), jalali.start_of_day(day + dt.timedelta(days=1))


def yesterday(now: dt.datetime | None = None) -> dt.date:
    """Yesterday in Tehran."""
    return jalali.to_local(now or timezone.now()).date() - dt.timedelta(days=1)


def is_directorate(agency: Agency) -> bool:
    return agency.kind == Agency.Kind.DIRECTORATE


def title(bulletin: Bulletin) -> str:
    """«بولتن خبری — ۳۰ اردیبهشت ۱۴۰۴»: the header of the PDF and the e-mail's subject."""
    return f"بولتن خبری — {pdates.format_date(bulletin.day, weekday=False)}"


# --- reading the day's clippings (no transaction) -----------------------------------------------


def _mentions_of(agency: Agency) -> Q:
    """The agency's mentions; for the directorate, every agency's (saved searches are no
    agency's and never in a bulletin)."""
    if is_directorate(agency):
        return Q(mentions__agency__isnull=False)
    return Q(mentions__agency=agency)


def _articles_of_day(agency: Agency, day: dt.date) -> QuerySet[Article]:
    start, end = day_bounds(day)
    return Article.objects.filter(
        _mentions_of(agency), published_at__gte=start, published_at__lt=end
    ).distinct()


@dataclass
class Clipping:
    article_id: int
    story_id: int | None
    published_at: dt.datetime
    outlet: str
    mention_id: int | None
    tone: str  # "" when no mention has a tone yet


def _rank(tone: str | None) -> int:
    return TONE_RANK.get(tone, 3) if tone else 3  # type: ignore[call-overload]


def read_clippings(agency: Agency, day: dt.date) -> tuple[list[Clipping], int]:
    """The day's clippings in the bulletin's order, at most MAX_ITEMS, and how many articles
    the day had in all. Read only: runs before any write transaction."""
    articles = _articles_of_day(agency, day)
    rows = list(
        articles.order_by("published_at", "id").values_list(
            "id", "story_id", "published_at", "outlet"
        )[: MAX_ITEMS + 1]
    )
    total = len(rows)
    if total > MAX_ITEMS:
        rows = rows[:MAX_ITEMS]
        total = articles.count()
    ids = [row[0] for row in rows]
    mentions = Mention.objects.filter(article_id__in=ids)
    mentions = (
        mentions.filter(agency__isnull=False)
        if is_directorate(agency)
        else mentions.filter(agency=agency)
    )
    worst: dict[int, tuple[int, int, str]] = {}
    for pk, article_id, tone in mentions.order_by("id").values_list("id", "article_id", "tone")[
        :MAX_MENTIONS
    ]:
        rank = _rank(tone)
        if article_id not in worst or rank < worst[article_id][0]:
            worst[article_id] = (rank, pk, tone or "")
    clippings = [
        Clipping(
            article_id=pk,
            story_id=story_id,
            published_at=published,
            outlet=outlet,
            mention_id=worst[pk][1] if pk in worst else None,
            tone=worst[pk][2] if pk in worst else "",
        )
        for pk, story_id, published, outlet in rows
    ]
    return order(clippings), total


def order(clippings: Sequence[Clipping]) -> list[Clipping]:
    """Grouped by story (an article without a story is a group of its own): stories with a
    negative clipping first, then the larger, then the earlier; by time inside a story."""
    groups: dict[tuple[str, int], list[Clipping]] = {}
    for clip in sorted(clippings, key=lambda c: (c.published_at, c.article_id)):
        key = ("s", clip.story_id) if clip.story_id else ("a", clip.article_id)
        groups.setdefault(key, []).append(clip)
    ranked = sorted(
        groups.values(),
        key=lambda g: (
            not any(c.tone == Mention.Tone.NEGATIVE for c in g),
            -len(g),
            g[0].published_at,
            g[0].article_id,
        ),
    )
    return [clip for group in ranked for clip in group]


def _previous_day(agency: Agency, day: dt.date) -> dict[str, int]:
    """The day before's articles and negative ones, for the comparison (two counts)."""
    articles = _articles_of_day(agency, day - dt.timedelta(days=1))
    negative = Q(mentions__tone=Mention.Tone.NEGATIVE)
    if not is_directorate(agency):
        negative &= Q(mentions__agency=agency)
    return {"articles": articles.count(), "negative": articles.filter(negative).count()}


def figures(
    rows: Iterable[tuple[str, int | None, str]], *, total: int, previous: dict[str, int]
) -> dict[str, Any]:
    """The figures of the included clippings — (tone, story, outlet) each — for the page, the
    PDF and the chart."""
    tones: Counter[str] = Counter()
    outlets: Counter[str] = Counter()
    stories: set[tuple[str, int]] = set()
    count = 0
    for index, (tone, story_id, outlet) in enumerate(rows):
        count += 1
        tones[tone or UNKNOWN] += 1
        outlets[outlet] += 1
        stories.add(("s", story_id) if story_id else ("a", index))
    return {
        "articles": count,
        "stories": len(stories),
        "tones": {key: tones[key] for key in TONE_KEYS},
        "outlets": [[name, n] for name, n in outlets.most_common(TOP_OUTLETS)],
        "outlet_count": len(outlets),
        "day_total": total,
        "cut": max(total - MAX_ITEMS, 0),
        "previous": previous,
    }


def _included_rows(bulletin: Bulletin) -> list[tuple[str, int | None, str]]:
    return list(
        bulletin.items.filter(included=True).values_list("tone", "story_id", "article__outlet")[
            :MAX_ITEMS
        ]
    )


def _refigure(bulletin: Bulletin) -> None:
    old = bulletin.figures or {}
    bulletin.figures = figures(
        _included_rows(bulletin),
        total=int(old.get("day_total", 0)),
        previous=old.get("previous", {}),
    )


# --- build ---------------------------------------------------------------------------------------


@permissions.guarded(
    permissions.can_edit_bulletin_for,
    agency=lambda kw: kw["agency"],
    message=BUILD_MESSAGE,
    unattended=True,
)
def build(
    *,
    agency: Agency,
    day: dt.date,
    actor: Any = None,
    request: HttpRequest | None = None,
) -> Bulletin:
    """The agency's bulletin of the Tehran day, made or brought up to date (idempotent). A
    draft keeps its editors' choices (dropped clippings stay dropped, the summary stays) and
    gains the clippings found since; a sent bulletin is returned as it is. With an actor (an
    on-demand build), the actor must be allowed to edit the agency's bulletin."""
    if actor is not None:
        permissions.require(permissions.can_edit_bulletin_for(actor, agency), BUILD_MESSAGE)
    if not jalali.in_supported_range(day):
        raise ValidationError({"day": jalali.OUT_OF_RANGE_MESSAGE})
    existing = Bulletin.objects.filter(agency=agency, day=day).first()
    if existing is not None and existing.status == Bulletin.Status.SENT:
        return existing
    clippings, total = read_clippings(agency, day)  # the heavy reading: no lock held
    previous = _previous_day(agency, day)
    with transaction.atomic():
        bulletin, created = Bulletin.objects.get_or_create(agency=agency, day=day)
        bulletin = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
        if bulletin.status == Bulletin.Status.SENT:  # sent by another worker meanwhile
            return bulletin
        have = {item.article_id: item for item in bulletin.items.all()[: MAX_ITEMS * 2]}
        found = {clip.article_id for clip in clippings}
        gone = [item.pk for article_id, item in have.items() if article_id not in found]
        if gone:
            BulletinItem.objects.filter(pk__in=gone).delete()
        new: list[BulletinItem] = []
        changed: list[BulletinItem] = []
        for position, clip in enumerate(clippings):
            item = have.get(clip.article_id)
            if item is None:
                new.append(
                    BulletinItem(
                        bulletin=bulletin,
                        article_id=clip.article_id,
                        mention_id=clip.mention_id,
                        story_id=clip.story_id,
                        tone=clip.tone,
                        position=position,
                    )
                )
                continue
            fresh = (clip.mention_id, clip.story_id, clip.tone, position)
            if (item.mention_id, item.story_id, item.tone, item.position) != fresh:
                item.mention_id, item.story_id, item.tone, item.position = fresh
                changed.append(item)
        BulletinItem.objects.bulk_create(new, ignore_conflicts=True)
        if changed:
            BulletinItem.objects.bulk_update(changed, ["mention", "story", "tone", "position"])
        bulletin.figures = figures(_included_rows(bulletin), total=total, previous=previous)
        bulletin.save(update_fields=["figures", "updated_at"])
        if created or new or gone or actor is not None:
            audit.record(
                actor=actor,
                action="bulletin.build",
                obj=bulletin,
                agency=agency,
                data={"day": day.isoformat(), "added": len(new), "removed": len(gone)},
                request=request,
            )
    return bulletin


# --- editing and sending -----------------------------------------------------------------------


def _locked(bulletin: Bulletin, actor: Any, message: str) -> Bulletin:
    locked = Bulletin.objects.select_for_update().select_related("agency").get(pk=bulletin.pk)
    permissions.require(permissions.can_edit_bulletin_for(actor, locked.agency), message)
    if locked.status == Bulletin.Status.SENT:
        raise BulletinError(SENT_MESSAGE)
    return locked


def _updated(
    bulletin: Bulletin, field: str, actor: Any, request: HttpRequest | None, **data: Any
) -> None:
    """Save an edited field of a locked draft and audit it (`bulletin.update`)."""
    bulletin.save(update_fields=[field, "updated_at"])
    audit.record(
        actor=actor,
        action="bulletin.update",
        obj=bulletin,
        agency=bulletin.agency,
        data=data,
        request=request,
    )


@permissions.guarded(
    permissions.can_edit_bulletin_for,
    agency=lambda kw: kw["item"].bulletin.agency,
    message=EDIT_MESSAGE,
)
@transaction.atomic
def bulletin_set_item(
    *, actor: Any, item: BulletinItem, included: bool, request: HttpRequest | None = None
) -> BulletinItem:
    """Pick (`included`) or drop one clipping of a draft; the figures follow."""
    bulletin = _locked(item.bulletin, actor, EDIT_MESSAGE)
    item = BulletinItem.objects.select_for_update().get(pk=item.pk, bulletin=bulletin)
    if item.included != included:
        item.included = included
        item.save(update_fields=["included"])
        _refigure(bulletin)
        _updated(bulletin, "figures", actor, request, article=item.article_id, included=included)
    return item


@permissions.guarded(
    permissions.can_edit_bulletin_for, agency=lambda kw: kw["bulletin"].agency, message=EDIT_MESSAGE
)
def bulletin_set_summary(
    *, actor: Any, bulletin: Bulletin, summary: str, request: HttpRequest | None = None
) -> Bulletin:
    """The editors' summary at the top of the bulletin (normalized; at most
    MAX_SUMMARY_CHARS)."""
    text = normalize(summary or "").strip()  # before the transaction
    validation.check_texts([("summary", text, "خلاصه", MAX_SUMMARY_CHARS)])
    with transaction.atomic():
        locked = _locked(bulletin, actor, EDIT_MESSAGE)
        if locked.summary != text:
            locked.summary = text
            _updated(locked, "summary", actor, request, summary=len(text))
    return locked


def _mark_sent(bulletin: Bulletin, actor: Any, request: HttpRequest | None) -> bool:
    """draft → sent by one conditional UPDATE: of two workers or two clicks only one wins (and
    only the winner e-mails). Inside the caller's transaction."""
    person = actor if getattr(actor, "is_authenticated", False) else None
    won = Bulletin.objects.filter(pk=bulletin.pk, status=Bulletin.Status.DRAFT).update(
        status=Bulletin.Status.SENT,
        sent_at=timezone.now(),
        sent_by=person,
        updated_at=timezone.now(),
    )
    if not won:
        return False
    audit.record(
        actor=actor,
        action="bulletin.send",
        obj=bulletin,
        agency=bulletin.agency,
        from_state=Bulletin.Status.DRAFT,
        to_state=Bulletin.Status.SENT,
        request=request,
    )
    pk = bulletin.pk
    transaction.on_commit(lambda: _enqueue_mail(pk))
    return True


@permissions.guarded(
    permissions.can_edit_bulletin_for, agency=lambda kw: kw["bulletin"].agency, message=SEND_MESSAGE
)
def bulletin_send(
    *, actor: Any, bulletin: Bulletin, request: HttpRequest | None = None
) -> Bulletin:
    """Send a draft: it becomes sent (never edited again) and its PDF is e-mailed to the
    agency's members after the commit."""
    with transaction.atomic():
        locked = Bulletin.objects.select_for_update().select_related("agency").get(pk=bulletin.pk)
        permissions.require(permissions.can_edit_bulletin_for(actor, locked.agency), SEND_MESSAGE)
        if locked.status == Bulletin.Status.SENT or not _mark_sent(locked, actor, request):
            raise BulletinError("این بولتن پیش‌تر فرستاده شده است.")
    locked.refresh_from_db()
    return locked


def _enqueue_mail(bulletin_id: int) -> None:
    try:
        mail_bulletin.enqueue(bulletin_id)
    except Exception:
        logger.exception("could not enqueue the e-mail of bulletin %s", bulletin_id)


# --- e-mail ------------------------------------------------------------------------------------


def recipients(agency: Agency) -> list[str]:
    """The agency's members' addresses (the directorate's for its bulletin), at most
    MAX_RECIPIENTS."""
    return list(
        Membership.objects.filter(agency=agency, user__is_active=True)
        .exclude(user__email="")
        .order_by("user__email")
        .values_list("user__email", flat=True)
        .distinct()[:MAX_RECIPIENTS]
    )


def pdf_filename(bulletin: Bulletin) -> tuple[str, str]:
    """(ASCII-safe name, Persian name) of the bulletin's PDF."""
    j = pdates.to_jalali(bulletin.day)
    stamp = f"{j.year:04d}-{j.month:02d}-{j.day:02d}"
    slug = "".join(c for c in bulletin.agency.slug if c.isascii() and (c.isalnum() or c in "-_"))
    return (
        f"bulletin-{slug or bulletin.agency_id}-{stamp}.pdf",
        f"بولتن خبری {bulletin.agency.name} {stamp}.pdf",
    )


def send_mail(bulletin: Bulletin) -> int:
    """E-mail the PDF to the agency's members, one message each (no one sees the others'
    addresses); one failing address does not stop the rest. Returns how many went."""
    from ravabet.monitoring import pdf  # WeasyPrint is loaded only when a PDF is made

    addresses = recipients(bulletin.agency)
    if not addresses:
        return 0
    document = pdf.render_cached(bulletin)
    subject = " ".join(f"{title(bulletin)} — {bulletin.agency.name}".split())[:250]
    context = {
        "bulletin": bulletin,
        "title": title(bulletin),
        "figures": bulletin.figures,
        "url": absolute_url(reverse("monitoring:bulletin", args=[bulletin.pk])),
        "site_name": settings.RAVABET_SITE_NAME,
    }
    text = render_to_string("monitoring/email/bulletin.txt", context).strip() + "\n"
    html = render_to_string("monitoring/email/bulletin.html", {**context, "text": text})
    filename = pdf_filename(bulletin)[0]
    sent = 0
    for address in addresses:
        try:
            email = EmailMultiAlternatives(subject, text, to=[address])
            email.attach_alternative(html, "text/html")
            email.attach(filename, document, "application/pdf")
            email.send()
            sent += 1
        except Exception:  # one bad address must not stop the others
            logger.exception("bulletin %s to %s failed", bulletin.pk, address)
    return sent


# --- tasks -------------------------------------------------------------------------------------


@task()
def mail_bulletin(bulletin_id: int) -> int:
    bulletin = (
        Bulletin.objects.select_related("agency")
        .filter(pk=bulletin_id, status=Bulletin.Status.SENT)
        .first()
    )
    return send_mail(bulletin) if bulletin else 0


def agencies_with_mentions(day: dt.date) -> list[Agency]:
    """The directorate(s) and every agency mentioned in an article of the day."""
    start, end = day_bounds(day)
    mentioned = (
        Mention.objects.filter(
            agency__isnull=False,
            article__published_at__gte=start,
            article__published_at__lt=end,
        )
        .values_list("agency_id", flat=True)
        .distinct()
    )
    return list(
        Agency.objects.filter(Q(kind=Agency.Kind.DIRECTORATE) | Q(pk__in=mentioned)).order_by("pk")[
            :MAX_AGENCIES
        ]
    )


@task()
def build_daily_bulletins() -> int:
    """07:00 Tehran: yesterday's drafts, for the directorate and each agency mentioned."""
    day = yesterday()
    built = 0
    for agency in agencies_with_mentions(day):
        try:
            build(agency=agency, day=day)
            built += 1
        except Exception:  # one agency's failure must not stop the others'
            logger.exception("the bulletin of agency %s for %s failed", agency.pk, day)
    return built


def send_drafts(day: dt.date) -> int:
    """Send the day's drafts nobody sent (those with no clipping left stay drafts)."""
    drafts = list(
        Bulletin.objects.filter(day=day, status=Bulletin.Status.DRAFT, items__included=True)
        .select_related("agency")
        .distinct()
        .order_by("pk")[:MAX_AGENCIES]
    )
    sent = 0
    for bulletin in drafts:
        with transaction.atomic():
            sent += _mark_sent(bulletin, None, None)
    return sent


@task()
def send_daily_bulletins() -> int:
    """09:00 Tehran: what the editors did not send of yesterday's drafts goes now."""
    return send_drafts(yesterday())


# --- what the page and the PDF show ------------------------------------------------------------

TONE_LABELS = {**{t.value: str(t.label) for t in Mention.Tone}, UNKNOWN: "نامعلوم"}


@dataclass
class Group:
    """One story's clippings (or one article's, when it has no story)."""

    title: str
    items: list[BulletinItem]
    outlet_count: int


def items_of(bulletin: Bulletin, *, included_only: bool) -> list[BulletinItem]:
    items = bulletin.items.select_related("article", "story", "mention__agency").order_by(
        "position", "id"
    )
    if included_only:
        items = items.filter(included=True)
    rows = list(items[:MAX_ITEMS])
    for item in rows:  # the day is in the header: a clipping shows its Tehran time
        item.time_text = jalali.format_time(item.article.published_at)  # type: ignore[attr-defined]
    return rows


def groups_of(items: Sequence[BulletinItem]) -> list[Group]:
    """Consecutive clippings of one story (the build's order keeps them together)."""
    groups: list[Group] = []
    last: tuple[str, int] | None = None
    for item in items:
        key = ("s", item.story_id) if item.story_id else ("a", item.article_id)
        if key != last:
            name = item.story.title if item.story else item.article.title
            groups.append(Group(title=name, items=[], outlet_count=0))
            last = key
        groups[-1].items.append(item)
    for group in groups:
        group.outlet_count = len({item.article.outlet for item in group.items})
    return groups


def tone_chart(numbers: dict[str, Any]) -> Any:
    tones = numbers.get("tones", {})
    bars = [charts.Bar(TONE_LABELS[key], tones.get(key, 0)) for key in TONE_KEYS]
    return charts.bar_chart(
        bars,
        title="لحن بازتاب‌ها",
        summary="شمار بازتاب‌های بولتن به تفکیک لحن",
        ident="bulletin-tones",
        width=520,
    )


def figures_data(bulletin: Bulletin) -> dict[str, Any]:
    """The figures as the page and the PDF show them (also the page's part that htmx
    refreshes when a clipping is picked or dropped)."""
    numbers = bulletin.figures or {}
    tones = numbers.get("tones", {})
    rows = [(key, TONE_LABELS[key], int(tones.get(key, 0))) for key in TONE_KEYS]
    top = max((n for _, _, n in rows), default=0) or 1
    return {
        "figures": numbers,
        "tone_rows": rows,
        # The PDF's chart: HTML bars (WeasyPrint lays SVG text out letter by letter, left to
        # right and unjoined, so Persian labels in the SVG came out reversed): share of the
        # largest, in whole percent.
        "tone_bars": [(key, label, n, round(100 * n / top)) for key, label, n in rows],
        "outlet_rows": numbers.get("outlets", []),
        "previous": numbers.get("previous", {}),
        "chart": tone_chart(numbers),
        "cut": numbers.get("cut", 0),
        "max_items": MAX_ITEMS,
    }


def view_data(bulletin: Bulletin, *, included_only: bool) -> dict[str, Any]:
    """What the page (every clipping, with its button) and the PDF (the included ones) show."""
    items = items_of(bulletin, included_only=included_only)
    return {
        "bulletin": bulletin,
        "agency": bulletin.agency,
        "title": title(bulletin),
        "day_text": jalali.format_date(bulletin.day),
        "is_directorate": is_directorate(bulletin.agency),
        "groups": groups_of(items),
        "item_count": len(items),
        **figures_data(bulletin),
    }
