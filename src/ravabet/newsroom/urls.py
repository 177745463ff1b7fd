"""Portal pages, feeds, search, subscriptions, and the newsroom back office."""

from django.urls import path

from ravabet.core.pagecache import cached_page
from ravabet.newsroom import feeds, sharing, views

# Feed readers poll: the feeds come from the page cache like the portal's pages.
_cached = cached_page(topics=views.PORTAL)

app_name = "newsroom"

urlpatterns = [
    path("", views.home, name="home"),
    path("news/", views.release_list, name="list"),
    path("news/<int:pk>/", views.release_detail, name="release"),
    # The link preview's picture of a release without one of its own (sharing.py).
    path("news/<int:pk>/share.png", sharing.share_image, name="release_share_image"),
    path("news/<int:pk>/print/", views.release_detail, {"printable": True}, name="release_print"),
    # path, not str: a tag may contain «/» (خبر/گزارش); reverse() still escapes ? # and %.
    path("tags/<path:name>/", views.tag_detail, name="tag"),
    path("search/", views.search, name="search"),
    path("feeds/releases.rss", _cached(feeds.ReleasesRss()), name="feed_rss"),
    path("feeds/releases.atom", _cached(feeds.ReleasesAtom()), name="feed_atom"),
    path(
        "agencies/<slug:slug>/feeds/releases.rss",
        _cached(feeds.AgencyReleasesRss()),
        name="agency_feed",
    ),
    path("subscribe/", views.subscribe, name="subscribe"),
    path("subscribe/confirm/<str:token>/", views.subscription_confirm, name="subscription_confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("backoffice/newsroom/", views.bo_list, name="bo_list"),
    path("backoffice/newsroom/new/", views.bo_create, name="bo_create"),
    path("backoffice/newsroom/import/", views.bo_import, name="bo_import"),
    path("backoffice/newsroom/<int:pk>/", views.bo_detail, name="bo_detail"),
    path("backoffice/newsroom/<int:pk>/edit/", views.bo_edit, name="bo_edit"),
    path("backoffice/newsroom/<int:pk>/<str:action>/", views.bo_action, name="bo_action"),
]
