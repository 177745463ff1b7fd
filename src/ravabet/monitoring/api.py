"""Media monitoring in the API, for the staff: the mentions of the token's person's agencies
(and their own saved searches) and the stories, through the same selectors as the back office.

Both need a token; stories are the media's and open to any staff member, mentions are cut to
the token's person's agencies (anyone else gets an empty list). Filters that cannot be read are
no filters; pages are limit/offset, and only the page asked for is read and converted.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from ravabet.core import jalali, permissions
from ravabet.core.organisation.models import Agency
from ravabet.core.pagination import Converted, LimitOffset
from ravabet.core.schemas import ErrorOut
from ravabet.core.tokens.auth import TokenAuth
from ravabet.monitoring import selectors
from ravabet.monitoring.forms import MentionFilters, story_period
from ravabet.monitoring.models import Mention, Story

router = Router(tags=["پایش رسانه‌ها"])

STAFF_ONLY = "پایش رسانه‌ها ویژهٔ کارکنان روابط عمومی است."


class AgencyRefOut(Schema):
    """An agency by slug and name: the same schema, under the same name, in every API that
    names one (a name in the OpenAPI document stands for one shape)."""

    slug: str
    name: str

    @staticmethod
    def of(agency: Agency | None) -> AgencyRefOut | None:
        return AgencyRefOut(slug=agency.slug, name=agency.name) if agency else None


class MentionOut(Schema):
    id: int
    agency: AgencyRefOut | None = Field(description="null: the person's own saved search")
    watch: str
    term: str
    passage: str
    tone: str | None = Field(description="negative, neutral, positive; null: not decided yet")
    tone_source: str
    tone_confidence: float | None
    article_id: int
    article_title: str
    article_url: str
    outlet: str
    published_at: dt.datetime
    story_id: int | None

    @staticmethod
    def of(mention: Mention) -> MentionOut:
        article = mention.article
        return MentionOut(
            id=mention.pk,
            agency=AgencyRefOut.of(mention.agency),
            watch=mention.watch.name,
            term=mention.term,
            passage=mention.passage,
            tone=mention.tone,
            tone_source=mention.tone_source,
            tone_confidence=mention.tone_confidence,
            article_id=article.pk,
            article_title=article.title,
            article_url=article.url,
            outlet=article.outlet,
            published_at=jalali.to_local(article.published_at),
            story_id=article.story_id,
        )


class StoryOut(Schema):
    id: int
    title: str
    first_seen_at: dt.datetime
    last_seen_at: dt.datetime
    article_count: int
    outlet_count: int
    narrative: str | None

    @staticmethod
    def of(story: Story) -> StoryOut:
        return StoryOut(
            id=story.pk,
            title=story.title,
            first_seen_at=jalali.to_local(story.first_seen_at),
            last_seen_at=jalali.to_local(story.last_seen_at),
            article_count=story.article_count,
            outlet_count=story.outlet_count,
            narrative=story.narrative.label if story.narrative else None,
        )


@router.get(
    "/monitoring/mentions",
    response=list[MentionOut],
    auth=TokenAuth(),
    summary="بازتاب‌های دستگاه‌های شما در رسانه‌ها",
)
@paginate(LimitOffset)
def mention_list(
    request: HttpRequest,
    agency: str = Query("", description="an agency id"),
    tone: str = Query("", description="negative, neutral, positive or undecided"),
    tone_source: str = Query("", description="lexicon, classifier or editor"),
    watch: str = Query("", description="a watch id"),
    since: str = Query("", description="a Jalali date, 1404/02/30"),
    until: str = Query("", description="a Jalali date, 1404/02/30"),
    q: str = Query("", description="words in the article"),
) -> Converted:
    """The newest first: the mentions of the agencies the token's person works for (every
    agency for the directorate) and of their own saved searches."""
    if not permissions.can_monitor(request.user):
        return Converted(Mention.objects.none(), MentionOut.of)
    filters = MentionFilters.parse(
        {
            "agency": agency,
            "tone": tone,
            "tone_source": tone_source,
            "watch": watch,
            "since": since,
            "until": until,
            "q": q,
        }
    )
    return Converted(selectors.mention_list(request.user, **filters.for_selector()), MentionOut.of)


@router.get(
    "/monitoring/stories",
    response={200: list[StoryOut], 403: ErrorOut},
    auth=TokenAuth(),
    summary="ماجراهای رسانه‌ها، پربازتاب‌ترین نخست",
)
@paginate(LimitOffset)
def story_list(
    request: HttpRequest,
    period: str = Query("7", description="days: 1, 7 or 30; «all» for every story"),
) -> Converted:
    """Stories told by the most outlets first, those seen in the period."""
    if not permissions.can_monitor(request.user):
        raise HttpError(403, STAFF_ONLY)
    days = story_period({"period": period})
    since = None if days == "all" else timezone.now() - dt.timedelta(days=int(days))
    return Converted(selectors.story_list(since=since), StoryOut.of)
