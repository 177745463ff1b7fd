"""Watches and their mentions: what means "about us" for an agency, found in every article.

A `Watch` is an agency's names, people, places or keywords (or a person's own saved search,
with no agency): one term or phrase a line, and terms that cancel a match (`exclude`). Saving it
(`watch_save`, permission-checked and audited) stores each term's search key
(`ravabet.persian.search_key`: Arabic ي/ك, half-spaces, affixes and diacritics folded), so
«وزارت ارتباطات», «وزارت‌ارتباطات» and «وزارت ارتباطات» in Arabic letters are one key; then
`rematch` runs the watch over the last days' articles (a task, after the commit).

`match(article_ids)` runs after each ingest (pipeline.py, after stories.assign):
1. the active watches are read once (bounded), and indexed by the first word of each key;
2. per chunk of articles, their `search_text` (already a search key) is read; an article's
   words, as a set, are intersected with the index's first words, and only those keys are
   looked for as whole phrases (" key " in " text "): a word never matches inside another
   («تهران» does not match «تهرانی»), a phrase only as a run of whole words;
3. a watch whose exclude key is in the article is skipped;
4. the passage: the first sentence of the article's normalized title, lead or body whose own
   search key holds the phrase (two adjacent sentences when the first ends with an initial,
   «ک. کریمی»; a phrase that only runs over a sentence end, or from one field into the next,
   is not a mention), at most ~300 characters around the phrase;
5. the mentions are inserted (INSERT … ON CONFLICT DO NOTHING: unique article × watch) in one
   short transaction a chunk. All the text work is done before it. Running it again creates nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone
from django_tasks import task

from ravabet.core import audit, permissions, validation
from ravabet.core.organisation.models import Agency
from ravabet.monitoring.models import Article, Mention, Watch
from ravabet.persian import fold_letters, normalize, search_key, sentences, to_persian_digits

logger = logging.getLogger(__name__)

MAX_TERMS = 50  # terms a watch, and exclude terms a watch
MAX_TERM_CHARS = 100
MAX_CHARS = {"name": 200, "terms": MAX_TERMS * (MAX_TERM_CHARS + 2), "exclude": 5_200}
LABELS = {"name": "نام", "terms": "عبارت‌ها", "exclude": "عبارت‌های ناقض"}
MAX_WATCHES = 10_000  # active watches read by one match run
CHUNK = 500  # articles read, matched and written together
PASSAGE_CHARS = 300
REMATCH_DAYS = 30
MAX_REMATCH = 100_000  # articles a rematch reads at most (the newest)


# --- Saving a watch ---------------------------------------------------------------------------


@dataclass
class WatchInput:
    """What a person writes: the agency (None: a saved search of the person), a name, a kind,
    terms and exclude terms one a line, active or not."""

    name: str
    terms: str
    agency: Agency | None = None
    kind: str = Watch.Kind.KEYWORD
    exclude: str = ""
    is_active: bool = True


@dataclass
class PreparedWatch:
    name: str
    kind: str
    terms: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    exclude_keys: list[str] = field(default_factory=list)


def _number(value: int) -> str:
    return to_persian_digits(str(value))


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _keyed(
    name: str, text: str, errors: dict[str, list[str]], *, required: bool
) -> tuple[list[str], list[str]]:
    """The terms of one field (normalized, one a line, repeats of a key dropped) and their keys;
    refusals appended to `errors[name]`."""
    lines = _lines(text)
    label = LABELS[name]
    if required and not lines:
        errors.setdefault(name, []).append(f"دست‌کم یک عبارت در «{label}» بنویسید.")
    if len(lines) > MAX_TERMS:
        errors.setdefault(name, []).append(
            f"«{label}» {_number(len(lines))} عبارت دارد؛ بیش از {_number(MAX_TERMS)} عبارت "
            "پذیرفته نمی‌شود."
        )
        return [], []
    terms: list[str] = []
    keys: list[str] = []
    for line in lines:
        problem = validation.text_error(line, label=f"{label}: {line[:30]}", limit=MAX_TERM_CHARS)
        if problem:
            errors.setdefault(name, []).append(problem)
            continue
        term = " ".join(normalize(line).split())
        key = search_key(term)
        if not key:
            errors.setdefault(name, []).append(
                f"«{line[:30]}» در «{label}» هیچ واژه‌ای ندارد (فقط نشانه است)."
            )
            continue
        if key not in keys:
            terms.append(term)
            keys.append(key)
    return terms, keys


def watch_prepare(data: WatchInput) -> PreparedWatch:
    """Check and key the input, outside any transaction; ValidationError keyed by field."""
    validation.check_texts(
        (name, getattr(data, name), LABELS[name], MAX_CHARS[name])
        for name in ("name", "terms", "exclude")
    )
    errors: dict[str, list[str]] = {}
    name = " ".join(normalize(data.name).split())
    if not name:
        errors["name"] = ["نام پایش را بنویسید."]
    if data.kind not in Watch.Kind.values:
        errors["kind"] = ["نوع پایش نامعتبر است."]
    terms, keys = _keyed("terms", data.terms, errors, required=True)
    exclude, exclude_keys = _keyed("exclude", data.exclude, errors, required=False)
    if errors:
        raise ValidationError(errors)
    return PreparedWatch(name, data.kind, terms, keys, exclude, exclude_keys)


def _require_may_edit(actor: Any, agency: Agency | None, owner_id: int | None) -> None:
    if agency is not None:
        permissions.require(
            permissions.can_write_for(actor, agency),
            "شما برای این دستگاه پایش تعریف نمی‌کنید.",
        )
    else:
        permissions.require(
            permissions.is_staff_member(actor)
            and (owner_id is None or owner_id == getattr(actor, "pk", None)),
            "این جست‌وجوی ذخیره‌شده از آنِ شما نیست.",
        )


@permissions.guarded(permissions.can_monitor, message="شما برای این دستگاه پایش تعریف نمی‌کنید.")
def watch_save(
    *,
    actor: Any,
    data: WatchInput,
    watch: Watch | None = None,
    request: HttpRequest | None = None,
) -> Watch:
    """Create a watch (`watch=None`) or change one; its agency (or owner) never changes. The
    watch is run over the last REMATCH_DAYS days' articles after the commit."""
    prepared = watch_prepare(data)  # normalization and keys: before the transaction
    with transaction.atomic():
        if watch is None:
            _require_may_edit(actor, data.agency, None)
            watch = Watch(agency=data.agency, owner=None if data.agency else actor)
            action = "watch.create"
        else:
            watch = Watch.objects.select_for_update().get(pk=watch.pk)
            _require_may_edit(actor, watch.agency, watch.owner_id)
            action = "watch.update"
        watch.name = prepared.name
        watch.kind = prepared.kind
        watch.terms = "\n".join(prepared.terms)
        watch.keys = prepared.keys
        watch.exclude = "\n".join(prepared.exclude)
        watch.exclude_keys = prepared.exclude_keys
        watch.is_active = data.is_active
        watch.save()
        audit.record(
            actor=actor,
            action=action,
            obj=watch,
            agency=watch.agency,
            data={"terms": len(prepared.keys), "exclude": len(prepared.exclude_keys)},
            request=request,
        )
        if watch.is_active:
            watch_id = watch.pk
            transaction.on_commit(lambda: _enqueue_rematch(watch_id))
    return watch


def _enqueue_rematch(watch_id: int) -> None:
    try:
        rematch_watch.enqueue(watch_id)
    except Exception:
        # The watch is saved; it matches every new article anyway. Logged for the operator.
        logger.exception("could not enqueue the rematch of watch %s", watch_id)


# --- Matching ---------------------------------------------------------------------------------


@dataclass
class _Watch:
    pk: int
    agency_id: int | None
    keys: list[str]
    terms: list[str]
    exclude_keys: list[str]


class Matcher:
    """The active watches indexed by the first word of each key: built once per run."""

    def __init__(self, watches: Iterable[_Watch]) -> None:
        self.watches = list(watches)
        self.by_first: dict[str, list[str]] = {}
        self.users: dict[str, list[tuple[_Watch, str]]] = {}  # key -> (watch, term)
        for watch in self.watches:
            for key, term in zip(watch.keys, watch.terms, strict=False):
                if key not in self.users:
                    self.users[key] = []
                    self.by_first.setdefault(key.split(" ", 1)[0], []).append(key)
                self.users[key].append((watch, term))
        self.firsts = frozenset(self.by_first)

    def find(self, search_text: str) -> list[tuple[_Watch, list[tuple[str, str]]]]:
        """Each watch the text matches, exclude terms applied, with its (key, term) pairs found
        in the watch's order."""
        if not self.firsts or not search_text:
            return []
        padded = f" {search_text} "
        found: set[str] = set()
        for first in self.firsts.intersection(search_text.split()):
            for key in self.by_first[first]:
                if " " not in key or f" {key} " in padded:
                    found.add(key)
        if not found:
            return []
        matched: dict[int, tuple[_Watch, list[tuple[str, str]]]] = {}
        for key in found:
            for watch, term in self.users[key]:
                matched.setdefault(watch.pk, (watch, []))[1].append((key, term))
        hits = []
        for watch, pairs in matched.values():
            if not any(f" {ex} " in padded for ex in watch.exclude_keys):
                pairs.sort(key=lambda pair: watch.keys.index(pair[0]))
                hits.append((watch, pairs))
        return hits


def _load_watches(watch_ids: Sequence[int] | None = None) -> list[_Watch]:
    rows = Watch.objects.filter(is_active=True)
    if watch_ids is not None:
        rows = rows.filter(pk__in=watch_ids)
    return [
        _Watch(pk, agency_id, list(keys or []), terms.split("\n"), list(exclude_keys or []))
        for pk, agency_id, keys, terms, exclude_keys in rows.order_by("pk").values_list(
            "pk", "agency_id", "keys", "terms", "exclude_keys"
        )[:MAX_WATCHES]
    ]


class _Sentences:
    """An article's paragraphs (the lines of title, lead, body), their sentences and the
    sentences' search keys, each computed once and only when needed: a paragraph is split, and
    a sentence keyed, only when its squeezed letters hold the phrase's (search_key only folds
    letters, as `_squeeze` does, and moves spaces and punctuation: so the test misses nothing
    and spares the search key of almost every sentence)."""

    def __init__(self, title: str, lead: str, body: str) -> None:
        self.lines = [line for text in (title, lead, body) for line in text.split("\n")]
        self.folded: dict[int, str] = {}
        self.split: dict[int, list[str]] = {}
        self.keys: dict[tuple[int, int], str] = {}

    def sentences(self, p: int) -> list[str]:
        got = self.split.get(p)
        if got is None:
            got = self.split[p] = sentences(self.lines[p])
        return got

    def _around(self, p: int, s: int, needle: str) -> str:
        where = self.key(p, s)
        return _around(self.sentences(p)[s], where.index(needle) / max(len(where), 1))

    def key(self, p: int, s: int) -> str:
        got = self.keys.get((p, s))
        if got is None:
            got = self.keys[(p, s)] = f" {search_key(self.sentences(p)[s])} "
        return got

    def passage(self, key: str) -> str | None:
        needle = f" {key} "
        squeezed = key.replace(" ", "")
        for p, line in enumerate(self.lines):
            folded = self.folded.get(p)
            if folded is None:
                folded = self.folded[p] = _squeeze(line)
            if squeezed not in folded:
                continue
            found = self.sentences(p)
            for s, sentence in enumerate(found):
                if squeezed in _squeeze(sentence) and needle in self.key(p, s):
                    return self._around(p, s, needle)
            # A phrase over an initial's full stop, taken for a sentence end («ک. کریمی»).
            for s in range(len(found) - 1):
                if len(found[s].split()[-1].rstrip(".")) > 2:
                    continue
                pair = f"{found[s]} {found[s + 1]}"
                if squeezed in _squeeze(pair):
                    where = f" {search_key(pair)} "
                    if needle in where:
                        return _around(pair, where.index(needle) / max(len(where), 1))
        return None


_NOT_LETTERS = re.compile(r"[\W_]+")


def _squeeze(text: str) -> str:
    """The letters and digits of a normalized text as search_key folds them, nothing between:
    a sentence whose search key holds a phrase holds the phrase's squeezed letters."""
    return _NOT_LETTERS.sub("", fold_letters(text))


def _around(sentence: str, ratio: float) -> str:
    """The sentence, or ~PASSAGE_CHARS characters of it around the relative position `ratio`,
    cut at spaces, with «…» where it was cut."""
    if len(sentence) <= PASSAGE_CHARS + 100:
        return sentence
    center = int(ratio * len(sentence))
    start = max(0, center - PASSAGE_CHARS // 3)
    end = min(len(sentence), start + PASSAGE_CHARS)
    start = max(0, min(start, end - PASSAGE_CHARS))
    if start > 0:
        space = sentence.find(" ", start)
        start = space + 1 if 0 <= space < center else start
    if end < len(sentence):
        space = sentence.rfind(" ", center, end)
        end = space if space > center else end
    return (
        ("…" if start else "") + sentence[start:end].strip() + ("…" if end < len(sentence) else "")
    )


def _match_chunk(matcher: Matcher, ids: Sequence[int]) -> int:
    hits: dict[int, list[tuple[_Watch, list[tuple[str, str]]]]] = {}
    for pk, text in Article.objects.filter(pk__in=ids).values_list("pk", "search_text"):
        found = matcher.find(text)
        if found:
            hits[pk] = found
    if not hits:
        return 0
    existing = set(
        Mention.objects.filter(article_id__in=list(hits)).values_list("article_id", "watch_id")
    )
    new: list[_Row] = []
    texts = Article.objects.filter(pk__in=list(hits)).values_list("pk", "title", "lead", "body")
    for pk, title, lead, body in texts:
        article = _Sentences(title, lead, body)
        for watch, pairs in hits[pk]:
            if (pk, watch.pk) in existing:
                continue
            for key, term in pairs:
                passage = article.passage(key)
                if passage is not None:  # None: the phrase only runs from a field into the next
                    new.append((pk, watch.pk, watch.agency_id, passage, term[:200]))
                    break
    if new:
        _insert(new)
    return len(new)


# A new mention: article, watch, agency, passage, term.
_Row = tuple[int, int, int | None, str, str]


def _insert(mentions: Sequence[_Row]) -> None:
    """INSERT … ON CONFLICT DO NOTHING by executemany, in one short transaction: what
    bulk_create(ignore_conflicts=True) does (SQLite and PostgreSQL), in a third of its time
    (it compiles a model instance a row)."""
    quote = connection.ops.quote_name
    names = ["article_id", "watch_id", "agency_id", "passage", "term", "tone_source", "created_at"]
    columns = ", ".join(quote(name) for name in names)
    marks = ", ".join(["%s"] * len(names))
    sql = (
        f"INSERT INTO {quote(Mention._meta.db_table)} ({columns}) "  # noqa: S608
        f"VALUES ({marks}) ON CONFLICT DO NOTHING"
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    rows = [(*mention, "", now) for mention in mentions]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def match(article_ids: Iterable[int], *, watch_ids: Sequence[int] | None = None) -> int:
    """Find the active watches' mentions in these articles; the number of mentions created
    (another worker's concurrent mentions of the same pairs are ignored, so it may count a few
    that were already there). Never inside a transaction of the caller's: it writes its own."""
    ids = sorted(set(article_ids))
    if not ids:
        return 0
    matcher = Matcher(_load_watches(watch_ids))
    if not matcher.firsts:
        return 0
    return sum(_match_chunk(matcher, chunk) for chunk in _chunks(ids))


def rematch(watch: Watch, *, days: int = REMATCH_DAYS, now: dt.datetime | None = None) -> int:
    """Run one (new or changed) watch over the articles of the last `days` days (the newest
    MAX_REMATCH at most); the mentions created. Mentions it made before stay (their tone may
    have been labelled); an inactive watch matches nothing."""
    since = (now or timezone.now()) - dt.timedelta(days=days)
    ids = list(
        Article.objects.filter(published_at__gte=since)
        .order_by("-published_at", "-pk")
        .values_list("pk", flat=True)[:MAX_REMATCH]
    )
    return match(ids, watch_ids=[watch.pk])


@task()
def rematch_watch(watch_id: int) -> int:
    """The task `watch_save` enqueues: run the watch over the last REMATCH_DAYS days."""
    watch = Watch.objects.filter(pk=watch_id).first()
    return 0 if watch is None else rematch(watch)
