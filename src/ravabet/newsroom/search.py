"""How releases enter the shared search index (ravabet.core.search)."""

from __future__ import annotations

from collections.abc import Iterator

from ravabet.core import search
from ravabet.newsroom.models import Release
from ravabet.newsroom.richtext import body_text

SCOPE = "release"


def release_document(release: Release) -> search.Document:
    tags = " ".join(t.name for t in release.tags.all())
    return search.Document(
        scope=SCOPE,
        object_id=release.pk,
        title=release.headline,
        extra=" ".join(filter(None, [release.kicker, release.lead, tags])),
        body=body_text(release.body),
        published_at=release.published_at or release.scheduled_for,
        agency_id=release.agency_id,
        county_id=release.county_id,
        kind=release.kind,
    )


def index_release(release: Release) -> None:
    """Published releases are searchable; every other state is not."""
    if release.status == Release.Status.PUBLISHED:
        search.index_documents([release_document(release)])
    else:
        search.remove_documents(SCOPE, [release.pk])


def published_documents() -> Iterator[search.Document]:
    qs = (
        Release.objects.filter(status=Release.Status.PUBLISHED)
        .prefetch_related("tags")
        .order_by("published_at", "pk")  # ranking favours the most recently indexed
    )
    for release in qs.iterator(chunk_size=500):
        yield release_document(release)


def published_count() -> int:
    return Release.objects.filter(status=Release.Status.PUBLISHED).count()
