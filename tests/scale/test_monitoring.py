"""Media monitoring on the scale-out stack: many feed polls and bulletins in parallel, nothing
doubled, nothing lost.

A news site on this machine (tests/monitoring/feedserver.py, real Persian news of the Fars
corpus) serves three feeds that overlap (an item in two feeds is one article). Each source's
poll is enqueued five times at once, beside the scheduler's own claims every second; three
workers race. Then yesterday's bulletins are built by the morning task enqueued six times at
once, and sent by the send task enqueued six times: one bulletin an agency a day, each sent
once to each member, its PDF attached. E-mail goes to files in the stack's folder.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from ravabet.core.models import AuditEntry
from ravabet.core.organisation.models import Agency, Membership
from ravabet.monitoring import bulletins, tasks, watches
from ravabet.monitoring.models import Article, Bulletin, Mention, Source, Story, Watch
from ravabet.persian import search_key
from tests.factories import AgencyFactory, MembershipFactory
from tests.monitoring.feedserver import FeedServer, corpus_items, rss
from tests.stack import Stack, running, sent_mail, wait_until

pytestmark = [pytest.mark.scale, pytest.mark.django_db(transaction=True)]

POLLS_EACH = 5
RUNS = 6


@pytest.fixture(scope="module")
def monitoring_stack(
    stack_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    """Web, three workers, the scheduler claiming due feeds every second; feeds on loopback
    allowed (the local news site), e-mail to files."""
    folder: Path = tmp_path_factory.mktemp("monitoring-stack")
    polls = [{"task": "ravabet.monitoring.tasks.poll_due_sources", "every": 1}]
    with running(
        folder,
        database_name=stack_database,
        extra={
            "RAVABET_PERIODIC_TASKS": json.dumps(polls),
            "RAVABET_MONITORING_ALLOW_PRIVATE_FEEDS": "1",
            "RAVABET_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "RAVABET_EMAIL_FILE_PATH": str(folder / "mail"),
        },
    ) as stack:
        yield stack


def yesterdays_items(count: int) -> list[dict[str, Any]]:
    """`count` corpus articles of distinct text, published yesterday (Tehran) a minute apart."""
    start, _end = bulletins.day_bounds(bulletins.yesterday())
    items, texts = [], set()
    for item in corpus_items(count * 2):
        text = (item["lead"], tuple(item["paragraphs"]))
        if text in texts:  # one text under two links is one article (pipeline.py)
            continue
        texts.add(text)
        item["published"] = start + dt.timedelta(hours=2, minutes=len(items))
        items.append(item)
        if len(items) == count:
            break
    return items


def watch(agency: Agency, term: str) -> Watch:
    return Watch.objects.create(
        agency=agency, name=term, kind=Watch.Kind.KEYWORD, terms=term, keys=[search_key(term)]
    )


def test_parallel_polls_and_bulletins_double_nothing_and_lose_nothing(
    monitoring_stack: Stack,
) -> None:
    stack = monitoring_stack
    tag = uuid.uuid4().hex[:8]
    directorate = AgencyFactory(slug=f"pr-{tag}", kind=Agency.Kind.DIRECTORATE)
    oil = AgencyFactory(slug=f"oil-{tag}")
    roads = AgencyFactory(slug=f"roads-{tag}")
    members = {
        agency.pk: MembershipFactory(agency=agency, role=Membership.Role.HEAD).user.email
        for agency in (directorate, oil, roads)
    }
    watch(oil, "ایران")
    watch(roads, "تهران")

    items = yesterdays_items(60)
    with FeedServer() as site:
        site.serve("/politics", rss(items[0:30]))
        site.serve("/economy", rss(items[20:50]))  # 20–29 also in /politics
        site.serve("/latest", rss(items[40:60]))  # 40–49 also in /economy
        sources = [
            Source.objects.create(name=f"فارس {path}", url=site.url(path), poll_minutes=30)
            for path in ("/politics", "/economy", "/latest")
        ]
        for _ in range(POLLS_EACH):
            for source in sources:
                tasks.poll_source.enqueue(source.pk)

        def all_stored_and_settled() -> bool:
            """every distinct item stored and its steps (story, mentions, tone) done"""
            return Article.objects.filter(settled_at__isnull=False).count() >= len(items)

        wait_until(all_stored_and_settled, timeout=240, every=1)
        fetched = Counter(path for path, _headers in site.requests)

    links = {item["link"] for item in items}
    stored = list(Article.objects.values_list("url", flat=True))
    assert len(stored) == len(links), stack.logs()  # none doubled, none lost
    assert sum(fetched.values()) > len(sources)  # polls of one feed really raced
    assert not Article.objects.filter(story__isnull=True).exists()
    assert not Story.objects.filter(articles__isnull=True).exists()  # no empty, doubled story
    mentions = Mention.objects.count()
    assert mentions > 0
    # The mentions the workers found are all there are: matching again here adds none.
    watches.match(list(Article.objects.values_list("pk", flat=True)))
    assert Mention.objects.count() == mentions

    # Yesterday's bulletins: the morning task enqueued six times at once.
    for _ in range(RUNS):
        bulletins.build_daily_bulletins.enqueue()
    expected = {directorate.pk, oil.pk, roads.pk}
    day = bulletins.yesterday()

    def built() -> bool:
        """a bulletin for each agency mentioned and the directorate, every run done"""
        runs = AuditEntry.objects.filter(action="bulletin.build").count()
        return set(
            Bulletin.objects.filter(day=day).values_list("agency_id", flat=True)
        ) == expected and runs >= len(expected)

    wait_until(built, timeout=240, every=1)
    assert Bulletin.objects.filter(day=day).count() == len(expected)
    for bulletin in Bulletin.objects.filter(day=day).select_related("agency"):
        clipped = set(bulletin.items.values_list("article_id", flat=True))
        assert bulletin.items.count() == len(clipped)  # one clipping an article
        if bulletin.agency_id != directorate.pk:
            mentioned = set(
                Mention.objects.filter(watch__agency=bulletin.agency).values_list(
                    "article_id", flat=True
                )
            )
            assert clipped == mentioned, bulletin.agency.slug

    # Sent by the 09:00 task, enqueued six times at once: each once, to each member, with its PDF.
    for _ in range(RUNS):
        bulletins.send_daily_bulletins.enqueue()

    def mailed() -> list[EmailMessage]:
        """one e-mail for each bulletin's member"""
        found = sent_mail(stack.folder / "mail")
        return found if len(found) >= len(expected) else []

    wait_until(mailed, timeout=240, every=1)
    wait_until(lambda: Bulletin.objects.filter(status=Bulletin.Status.SENT).count() == 3)
    time.sleep(5)  # any second sending would have left by now
    sends = Counter(
        AuditEntry.objects.filter(action="bulletin.send").values_list("object_id", flat=True)
    )
    assert sends == {str(b.pk): 1 for b in Bulletin.objects.filter(day=day)}, stack.logs()
    received: Counter[str] = Counter()
    for sent in sent_mail(stack.folder / "mail"):
        (to,) = [str(a) for a in sent["To"].addresses]
        received[to] += 1
        (pdf,) = [part for part in sent.iter_attachments()]
        assert pdf.get_content_type() == "application/pdf"
        assert pdf.get_content().startswith(b"%PDF"), to
    assert received == {address: 1 for address in members.values()}, stack.logs()
    assert all(p.alive() for p in stack.processes), stack.logs()
