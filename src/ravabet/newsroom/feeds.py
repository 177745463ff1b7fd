"""RSS 2.0 and Atom feeds of published releases, for the province and for each agency.

Every link in a feed is absolute on RAVABET_BASE_URL (core.links), not on the request's host.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import format_html

from ravabet.core.links import absolute_url
from ravabet.core.organisation.models import Agency
from ravabet.core.richtext import body_text
from ravabet.newsroom import selectors
from ravabet.newsroom.models import Release


class ReleasesRss(Feed):
    feed_type: type[Rss201rev2Feed] | type[Atom1Feed] = Rss201rev2Feed
    language = "fa"
    limit = 50

    def title(self, obj: Agency | None = None) -> str:
        base = f"اخبار و اطلاعیه‌های روابط عمومی استان {settings.RAVABET_PROVINCE}"
        return f"{obj.name} — {base}" if obj else base

    def link(self, obj: Agency | None = None) -> str:
        return absolute_url(obj.get_absolute_url() if obj else reverse("newsroom:list"))

    def feed_url(self, obj: Agency | None = None) -> str:
        return absolute_url(reverse("newsroom:feed_rss"))

    def description(self, obj: Agency | None = None) -> str:
        return "آخرین خبرها، اطلاعیه‌ها، جوابیه‌ها و گزارش‌های منتشرشده در سامانهٔ روابط"

    def items(self, obj: Agency | None = None) -> list[Release]:
        qs = selectors.release_list_published()
        if obj is not None:
            qs = qs.filter(agency=obj)
        return list(qs.prefetch_related("tags")[: self.limit])

    def item_title(self, item: Release) -> str:
        return f"{item.kicker} | {item.headline}" if item.kicker else item.headline

    def item_description(self, item: Release) -> str:
        # RSS <description> and Atom <summary type="html"> are HTML to every reader: the lead
        # and the body's text are plain text, so they are escaped, never passed on as markup.
        return format_html("<p>{}</p>", item.lead or body_text(item.body)[:500])

    def item_link(self, item: Release) -> str:
        return absolute_url(item.get_absolute_url())

    def item_pubdate(self, item: Release) -> dt.datetime | None:
        return item.published_at

    def item_updateddate(self, item: Release) -> dt.datetime | None:
        return item.updated_at

    def item_author_name(self, item: Release) -> str:
        return item.agency.name

    def item_categories(self, item: Release) -> list[str]:
        return [tag.name for tag in item.tags.all()]

    def item_guid(self, item: Release) -> str:
        return absolute_url(item.get_absolute_url())

    item_guid_is_permalink = True


class ReleasesAtom(ReleasesRss):
    feed_type = Atom1Feed
    subtitle = ReleasesRss.description

    def feed_url(self, obj: Agency | None = None) -> str:
        return absolute_url(reverse("newsroom:feed_atom"))


class AgencyReleasesRss(ReleasesRss):
    def feed_url(self, obj: Agency | None = None) -> str:
        if obj is None:  # get_object gives an agency or raises 404
            return super().feed_url(obj)
        return absolute_url(reverse("newsroom:agency_feed", args=[obj.slug]))

    def get_object(self, request: HttpRequest, slug: str) -> Agency:
        agency = Agency.objects.filter(slug=slug, is_active=True).first()
        if agency is None:
            raise Http404
        return agency
