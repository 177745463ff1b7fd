"""How releases enter the shared search index (ravabet.core.search)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ravabet.core import search
from ravabet.core.richtext import body_text
from ravabet.newsroom.models import Release

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


def _source(release: Release, tags: tuple[str, ...]) -> tuple[Any, ...]:
    """What a release's search entry is made of, apart from its publication time."""
    return (
        release.headline,
        release.kicker,
        release.lead,
        release.body,
        release.agency_id,
        release.county_id,
        release.kind,
        tags,
    )


@dataclass(frozen=True)
class PreparedEntry:
    """A release's search entry keyed before the write transaction opens (keying is slow)."""

    release_id: int
    source: tuple[Any, ...]
    keyed: search.KeyedDocument

    def fits(self, release: Release) -> bool:
        """Whether the locked row still says what was keyed: its texts (compared, not
        re-keyed) and its tags (one query). An edit meanwhile makes the caller key again."""
        if self.release_id != release.pk:
            return False
        tags = tuple(sorted(release.tags.values_list("name", flat=True)))
        return self.source == _source(release, tags)


def prepare_entry(release: Release) -> PreparedEntry:
    """Key a release's entry outside any transaction; index_release writes it inside one."""
    doc = release_document(release)
    tags = tuple(sorted(t.name for t in release.tags.all()))
    keyed = search.key_document(doc, drop_known_words=True)
    return PreparedEntry(release.pk, _source(release, tags), keyed)


def index_release(release: Release, prepared: PreparedEntry | None = None) -> None:
    """Published releases are searchable; every other state is not.

    `prepared` is the entry keyed before the transaction, checked with fits() by the caller
    on the locked row; without it the keys are computed here.
    """
    if release.status == Release.Status.PUBLISHED:
        at = release.published_at or release.scheduled_for
        entry: search.Document | search.KeyedDocument = (
            prepared.keyed.published(at) if prepared is not None else release_document(release)
        )
        search.index_documents([entry])
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
