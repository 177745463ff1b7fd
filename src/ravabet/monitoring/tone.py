"""The tone of a mention toward its agency: negative, neutral or positive.

Three deciders, and who decided is kept on the mention (`tone_source`) with its confidence:

1. **The editors** (`mention_label`): an officer of the agency (or the directorate) gives a
   mention its tone. An editor's label is final: nothing here ever changes it.
2. **The classifier**: scikit-learn's TfidfVectorizer + LogisticRegression trained on the
   editors' labels (`train`, the daily task `retrain_classifier`, or on demand). What it learned
   is stored as plain JSON in `ToneModel.params` and rebuilt from it (`Predictor`) — never a
   pickle. A trained model becomes current only if its cross-validated accuracy beats the
   lexicon's accuracy on the same labels; it decides a mention when its probability is at least
   CLASSIFIER_MIN_PROBABILITY.
3. **The lexicon** (`ToneTerm`, seeded from data/tone_lexicon.tsv by migration 0004, edited by
   the directorate on the lexicon page): each term's search key is counted in the passage's
   search key as a whole phrase (plural endings ها/های/هایی folded on both sides), the weights
   summed; a term right after «عدم», «نه», «بدون» or «فاقد» counts with its sign flipped
   («عدم رضایت» leans negative). Score ≥ +1 positive, ≤ −1 negative, else neutral; confidence
   |s| / (|s| + 1) (1 → 0.5, 2 → 0.67, 3 → 0.75), a neutral 0.5 when no term was found and 0.3
   when terms cancelled out. The lexicon's score is stored on every decided mention
   (`tone_score`), whoever decided, to show why.

`decide_articles` runs after watches.match for new articles (pipeline._assign); `redecide`
decides again recent mentions not labelled by an editor, after a lexicon change or a new model.
"""

from __future__ import annotations

import datetime as dt
import logging
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Max, Q
from django.http import HttpRequest
from django.utils import timezone
from django_tasks import task

from ravabet.core import audit, permissions, validation
from ravabet.monitoring.models import Mention, ToneModel, ToneTerm
from ravabet.persian import search_key, to_latin_digits

logger = logging.getLogger(__name__)

LEXICON_FILE = Path(__file__).resolve().parent / "data" / "tone_lexicon.tsv"
NEGATORS = frozenset({"عدم", "نه", "بدون", "فاقد"})
PLURALS = ("هایی", "های", "ها")
POSITIVE_AT = 1  # a lexicon score ≥ this is positive
NEGATIVE_AT = -1  # ≤ this negative
CLASSIFIER_MIN_PROBABILITY = 0.55
MIN_LABELS = 30  # editor labels in all before a classifier is trained
MIN_PER_CLASS = 5  # … of which at least this many in at least MIN_CLASSES tones
MIN_CLASSES = 2
MAX_TRAINING_LABELS = 5_000  # the newest labels a training reads
CV_FOLDS = 5
# Word 1–2-grams of the search key (the keys fold spelling variants); bench/tone.py compares
# them with character n-grams on the labelled set.
FEATURES: dict[str, Any] = {
    "analyzer": "word",
    "ngram_range": [1, 2],
    "token_pattern": r"\S+",
    "lowercase": False,
    "sublinear_tf": True,
    "max_features": 20_000,
}
CHUNK = 500  # mentions read, decided and written together
REDECIDE_DAYS = 30
MAX_REDECIDE = 5_000  # mentions one redecide run reads at most (the newest)
MAX_TERM_CHARS = 100
MAX_NOTE_CHARS = 300
MAX_TERMS = 5_000  # lexicon rows read into memory at most
TONES = tuple(Mention.Tone.values)


# --- The lexicon -----------------------------------------------------------------------------


def read_lexicon_file(path: Path = LEXICON_FILE) -> list[tuple[str, int, str]]:
    """The seed lexicon: (term, weight, note) per line of the TSV (comments and header skipped)."""
    rows: list[tuple[str, int, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("term\t"):
            continue
        term, weight, *rest = line.split("\t")
        rows.append((term.strip(), int(weight), (rest[0] if rest else "").strip()))
    return rows


def load_lexicon_file(path: Path = LEXICON_FILE) -> int:
    """Add the seed terms whose keys are not in the lexicon yet (idempotent); how many added.
    Migration 0004 does the same with the historical model."""
    known = set(ToneTerm.objects.values_list("key", flat=True)[:MAX_TERMS])
    new: list[ToneTerm] = []
    for term, weight, note in read_lexicon_file(path):
        key = search_key(term)
        if key and key not in known:
            known.add(key)
            new.append(ToneTerm(term=term, key=key, weight=weight, note=note))
    ToneTerm.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def read_labelled_file(path: Path) -> list[tuple[str, str, str]]:
    """A labelled set in TSV (label, link, passage a line; comments and header skipped), as
    tests/monitoring/data/tone_labelled.tsv: (label, link, passage) a row."""
    rows: list[tuple[str, str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or line.startswith("label\t") or not line.strip():
            continue
        label, link, passage = line.split("\t", 2)
        rows.append((label, link, passage))
    return rows


def _base(token: str) -> str:
    """A token with its plural ending folded («اعتراضها» → «اعتراض»)."""
    for ending in PLURALS:
        if token.endswith(ending) and len(token) - len(ending) >= 2:
            return token[: -len(ending)]
    return token


class Lexicon:
    """The terms indexed by the first word of their key (plural endings folded)."""

    def __init__(self, entries: Iterable[tuple[str, int]]) -> None:
        self.index: dict[str, list[tuple[tuple[str, ...], int]]] = {}
        self.size = 0
        for key, weight in entries:
            words = tuple(_base(word) for word in key.split())
            if words:
                self.index.setdefault(words[0], []).append((words, weight))
                self.size += 1
        for phrases in self.index.values():
            phrases.sort(key=lambda item: -len(item[0]))  # the longest phrase first

    def score(self, key: str) -> tuple[int, int]:
        """(sum of the weights found in a search key, how many terms were found). A phrase
        counts once, and the words it covers count for nothing else."""
        words = [_base(word) for word in key.split()]
        total = hits = i = 0
        while i < len(words):
            step = 1
            for phrase, weight in self.index.get(words[i], ()):
                if tuple(words[i : i + len(phrase)]) == phrase:
                    flipped = i > 0 and words[i - 1] in NEGATORS
                    total += -weight if flipped else weight
                    hits += 1
                    step = len(phrase)
                    break
            i += step
        return total, hits


def lexicon_tone(score: float, hits: int) -> tuple[str, float]:
    """A lexicon score's tone and confidence (see the module's docstring)."""
    if score >= POSITIVE_AT or score <= NEGATIVE_AT:
        tone = Mention.Tone.POSITIVE if score > 0 else Mention.Tone.NEGATIVE
        return str(tone), round(abs(score) / (abs(score) + 1), 4)
    return str(Mention.Tone.NEUTRAL), 0.5 if hits == 0 else 0.3


_lexicon_cache: dict[str, Any] = {"version": None, "lexicon": None}


def lexicon() -> Lexicon:
    """The lexicon from the database, kept in the process until a term changes: one aggregate
    query a call (callers call it once a batch), the terms read again only when it differs."""
    version = ToneTerm.objects.aggregate(n=Count("id"), last=Max("updated_at"), top=Max("id"))
    version_key = (version["n"], version["last"], version["top"])
    if _lexicon_cache["version"] != version_key or _lexicon_cache["lexicon"] is None:
        rows = ToneTerm.objects.order_by("id").values_list("key", "weight")[:MAX_TERMS]
        _lexicon_cache["lexicon"] = Lexicon(rows)
        _lexicon_cache["version"] = version_key
    lex: Lexicon = _lexicon_cache["lexicon"]
    return lex


# --- The classifier --------------------------------------------------------------------------


def _vectorizer(features: dict[str, Any]) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer

    options = dict(features)
    options["ngram_range"] = tuple(options["ngram_range"])
    return TfidfVectorizer(**options)


def fit(texts: Sequence[str], labels: Sequence[str], features: dict[str, Any] | None = None) -> Any:
    """A sklearn Pipeline (tf-idf, multinomial logistic regression with balanced class weights)
    fitted on search keys and their tones. It warns when saga stops at max_iter: the warning
    is silenced, the model kept (cross-validation says how good it is)."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    model = make_pipeline(
        _vectorizer(features or FEATURES),
        # saga: the same accuracy as lbfgs on the labelled set, 5× faster on tf-idf features
        LogisticRegression(
            class_weight="balanced", max_iter=2_000, C=10.0, solver="saga", random_state=1404
        ),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(list(texts), list(labels))
    return model


def to_params(model: Any, features: dict[str, Any] | None = None) -> dict[str, Any]:
    """What a fitted pipeline learned, as plain JSON: the features' settings, vocabulary and
    idf, the regression's coefficients, intercepts and classes."""
    vectorizer, regression = model[0], model[-1]
    return {
        "format": 1,
        "features": dict(features or FEATURES),
        "vocabulary": {word: int(i) for word, i in vectorizer.vocabulary_.items()},
        "idf": [float(v) for v in vectorizer.idf_],
        "coef": [[float(v) for v in row] for row in regression.coef_],
        "intercept": [float(v) for v in regression.intercept_],
        "classes": [str(c) for c in regression.classes_],
    }


class Predictor:
    """A classifier rebuilt from `to_params`'s JSON (a sklearn vectorizer and regression whose
    learned attributes are set from it): predicts what the fitted pipeline predicted."""

    def __init__(self, params: dict[str, Any]) -> None:
        from sklearn.linear_model import LogisticRegression

        self.vectorizer = _vectorizer(params["features"])
        self.vectorizer.vocabulary_ = {str(w): int(i) for w, i in params["vocabulary"].items()}
        self.vectorizer.idf_ = np.asarray(params["idf"], dtype=np.float64)
        self.regression = LogisticRegression()
        self.regression.coef_ = np.asarray(params["coef"], dtype=np.float64)
        self.regression.intercept_ = np.asarray(params["intercept"], dtype=np.float64)
        self.regression.classes_ = np.asarray(params["classes"])
        self.classes: list[str] = [str(c) for c in params["classes"]]

    def predict_proba(self, texts: Sequence[str]) -> Any:
        if not texts:
            return np.zeros((0, len(self.classes)))
        return self.regression.predict_proba(self.vectorizer.transform(list(texts)))

    def predict(self, texts: Sequence[str]) -> list[str]:
        return [self.classes[int(i)] for i in np.argmax(self.predict_proba(texts), axis=1)]


def cv_accuracy(texts: Sequence[str], labels: Sequence[str], folds: int = CV_FOLDS) -> float:
    """Accuracy of `fit` under stratified k-fold cross-validation (seeded); k is lowered to the
    smallest class's size (at least 2)."""
    from sklearn.model_selection import StratifiedKFold

    counts = [labels.count(t) for t in set(labels)]
    k = max(2, min(folds, min(counts)))
    right = 0
    splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=1404)
    texts_a, labels_a = np.asarray(texts, dtype=object), np.asarray(labels, dtype=object)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a class smaller than k: sklearn warns, still splits
        for train, test in splitter.split(texts_a, labels_a):
            if len(set(labels_a[train])) < 2:
                continue
            model = fit(list(texts_a[train]), list(labels_a[train]))
            right += sum(
                p == t
                for p, t in zip(model.predict(list(texts_a[test])), labels_a[test], strict=True)
            )
    return right / len(labels)


def lexicon_accuracy(keys: Sequence[str], labels: Sequence[str], lex: Lexicon) -> float:
    if not labels:
        return 0.0
    right = sum(lexicon_tone(*lex.score(k))[0] == t for k, t in zip(keys, labels, strict=True))
    return right / len(labels)


_model_cache: dict[str, Any] = {"pk": None, "predictor": None}


def current_predictor() -> tuple[int | None, Predictor | None]:
    """The current model's id and predictor (rebuilt from JSON when the current model changes)."""
    row = (
        ToneModel.objects.filter(is_current=True)
        .order_by("-trained_at", "-id")
        .values_list("pk", flat=True)
        .first()
    )
    if row is None:
        return None, None
    if _model_cache["pk"] != row:
        params = ToneModel.objects.filter(pk=row).values_list("params", flat=True).first()
        _model_cache["predictor"] = Predictor(params) if params else None
        _model_cache["pk"] = row
    predictor: Predictor | None = _model_cache["predictor"]
    return row, predictor


def _editor_labels(limit: int = MAX_TRAINING_LABELS) -> tuple[list[str], list[str]]:
    rows = (
        Mention.objects.filter(tone_source=Mention.ToneSource.EDITOR, tone__isnull=False)
        .order_by("-labelled_at", "-id")
        .values_list("passage", "tone")[:limit]
    )
    keys, labels = [], []
    for passage, tone in rows:
        if tone in TONES:
            keys.append(search_key(passage or ""))
            labels.append(str(tone))
    return keys, labels


def enough_labels(labels: Sequence[str]) -> bool:
    counts = [labels.count(t) for t in TONES]
    return len(labels) >= MIN_LABELS and sum(c >= MIN_PER_CLASS for c in counts) >= MIN_CLASSES


def train() -> ToneModel | None:
    """Train on the newest editor labels; a ToneModel row (current only if it beats the lexicon
    on the same labels), or None when the labels are too few. Then the recent mentions are
    decided again if it became current."""
    keys, labels = _editor_labels()
    if not enough_labels(labels):
        return None
    accuracy = cv_accuracy(keys, labels)
    lex_accuracy = lexicon_accuracy(keys, labels, lexicon())
    model = fit(keys, labels)
    params = to_params(model)
    params["lexicon_accuracy"] = lex_accuracy
    params["label_counts"] = {t: labels.count(t) for t in TONES}
    better = accuracy > lex_accuracy
    with transaction.atomic():
        if better:
            ToneModel.objects.filter(is_current=True).update(is_current=False)
        row = ToneModel.objects.create(
            params=params, label_count=len(labels), accuracy=accuracy, is_current=better
        )
    if better:
        redecide()
    return row


@task()
def retrain_classifier() -> int:
    """The daily training (03:30) and the directorate's «train again»: the new model's id, 0 if
    the labels were too few."""
    row = train()
    return row.pk if row else 0


# --- Deciding --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    tone: str
    source: str
    confidence: float
    score: float


def decide(passages: Sequence[str], lex: Lexicon, predictor: Predictor | None) -> list[Decision]:
    """The classifier's tone where it is sure enough, the lexicon's otherwise."""
    keys = [search_key(p or "") for p in passages]
    probabilities = predictor.predict_proba(keys) if predictor is not None and keys else None
    decisions = []
    for i, key in enumerate(keys):
        score, hits = lex.score(key)
        if probabilities is not None:
            best = int(np.argmax(probabilities[i]))
            probability = float(probabilities[i][best])
            if probability >= CLASSIFIER_MIN_PROBABILITY and predictor is not None:
                decisions.append(
                    Decision(predictor.classes[best], "classifier", round(probability, 4), score)
                )
                continue
        tone, confidence = lexicon_tone(score, hits)
        decisions.append(Decision(tone, "lexicon", confidence, score))
    return decisions


def _write(rows: Sequence[tuple[int, Decision]], *, only_undecided: bool) -> int:
    """UPDATE by executemany in one short transaction. The condition is in the statement, so an
    editor's label given meanwhile is never overwritten."""
    if not rows:
        return 0
    quote = connection.ops.quote_name
    table = quote(Mention._meta.db_table)
    condition = (
        f"{quote('tone')} IS NULL"
        if only_undecided
        else f"({quote('tone_source')} <> 'editor' OR {quote('tone')} IS NULL)"
    )
    sql = (
        f"UPDATE {table} SET {quote('tone')} = %s, {quote('tone_source')} = %s, "  # noqa: S608
        f"{quote('tone_confidence')} = %s, {quote('tone_score')} = %s "
        f"WHERE {quote('id')} = %s AND {condition}"
    )
    params = [(d.tone, d.source, d.confidence, d.score, pk) for pk, d in rows]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, params)
    return len(params)


def _decide_rows(rows: Sequence[tuple[int, str]], *, only_undecided: bool) -> int:
    if not rows:
        return 0
    lex = lexicon()
    _, predictor = current_predictor()
    decisions = decide([passage for _, passage in rows], lex, predictor)
    return _write(
        [(pk, d) for (pk, _), d in zip(rows, decisions, strict=True)],
        only_undecided=only_undecided,
    )


def decide_articles(article_ids: Iterable[int]) -> int:
    """Decide the tone of these articles' mentions that have none yet; how many were decided.
    Never inside a caller's transaction: it writes its own, one a chunk."""
    ids = sorted(set(article_ids))
    done = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        rows = list(
            Mention.objects.filter(article_id__in=chunk, tone__isnull=True)
            .order_by("id")
            .values_list("id", "passage")[: CHUNK * 20]
        )
        for at in range(0, len(rows), CHUNK):
            done += _decide_rows(rows[at : at + CHUNK], only_undecided=True)
    return done


def redecide(*, days: int = REDECIDE_DAYS, limit: int = MAX_REDECIDE) -> int:
    """Decide again the newest mentions of the last `days` days (at most `limit`) that no editor
    labelled: after a lexicon change or a new current model. How many were decided."""
    since = timezone.now() - dt.timedelta(days=days)
    rows = list(
        Mention.objects.filter(created_at__gte=since)
        .filter(~Q(tone_source=Mention.ToneSource.EDITOR) | Q(tone__isnull=True))
        .order_by("-created_at", "-id")
        .values_list("id", "passage")[:limit]
    )
    return sum(
        _decide_rows(rows[at : at + CHUNK], only_undecided=False)
        for at in range(0, len(rows), CHUNK)
    )


@task()
def redecide_recent() -> int:
    return redecide()


def _enqueue(name: str) -> None:
    try:
        (redecide_recent if name == "redecide" else retrain_classifier).enqueue()
    except Exception:
        # The change is saved; the next batch or the daily run decides with it. Logged.
        logger.exception("could not enqueue %s", name)


# --- The lexicon's editors -------------------------------------------------------------------


@dataclass
class ToneTermInput:
    """What the directorate writes: the term, its weight (an int, or text with Persian or
    Latin digits as a form sends it) and a note."""

    term: str
    weight: int | str
    note: str = ""


@dataclass(frozen=True)
class PreparedTerm:
    term: str
    key: str
    weight: int
    note: str


def _weight(value: int | str) -> int | None:
    if isinstance(value, int):
        return value
    text = to_latin_digits(str(value)).strip().replace("−", "-").replace("+", "")
    try:
        return int(text)
    except ValueError:
        return None


def tone_term_prepare(data: ToneTermInput) -> PreparedTerm:
    """Check and key the input outside any transaction; ValidationError keyed by field."""
    validation.check_texts(
        (
            ("term", data.term, "واژه یا عبارت", MAX_TERM_CHARS),
            ("note", data.note, "یادداشت", MAX_NOTE_CHARS),
        )
    )
    errors: dict[str, list[str]] = {}
    term = " ".join(data.term.split())
    key = search_key(term) if term else ""
    if not term:
        errors["term"] = ["واژه یا عبارت را بنویسید."]
    elif not key:
        errors["term"] = ["واژه یا عبارت باید دست‌کم یک حرف یا رقم داشته باشد."]
    weight = _weight(data.weight)
    if weight is None or not -3 <= weight <= 3 or weight == 0:
        errors["weight"] = ["وزن باید عددی درست از −۳ تا +۳ باشد، جز صفر."]
    if errors or weight is None:
        raise ValidationError(errors)
    return PreparedTerm(term, key, weight, " ".join(data.note.split()))


@permissions.guarded(
    permissions.can_edit_tone_lexicon, message="واژه‌نامهٔ لحن را ادارهٔ کل روابط عمومی ویرایش می‌کند."
)
def tone_term_save(
    *,
    actor: Any,
    data: ToneTermInput,
    term: ToneTerm | None = None,
    request: HttpRequest | None = None,
) -> ToneTerm:
    """Add a term (`term=None`) or change one; the recent mentions are decided again after the
    commit (a task)."""
    prepared = tone_term_prepare(data)
    with transaction.atomic():
        permissions.require(
            permissions.can_edit_tone_lexicon(actor),
            "واژه‌نامهٔ لحن را ادارهٔ کل روابط عمومی ویرایش می‌کند.",
        )
        if term is None:
            term = ToneTerm()
            action, before = "tone_term.create", ""
        else:
            term = ToneTerm.objects.select_for_update().get(pk=term.pk)
            action, before = "tone_term.update", f"{term.term} ({term.weight:+d})"
        duplicate = (
            ToneTerm.objects.filter(key=prepared.key).exclude(pk=term.pk).values("term").first()
        )
        if duplicate:
            raise ValidationError(
                {
                    "term": [
                        f"این واژه (یا نوشتار دیگری از آن) در واژه‌نامه هست: «{duplicate['term']}»."
                    ]
                }
            )
        term.term, term.key = prepared.term, prepared.key
        term.weight, term.note = prepared.weight, prepared.note
        term.updated_by = actor
        term.save()
        audit.record(
            actor=actor,
            action=action,
            obj=term,
            from_state=before,
            to_state=f"{term.term} ({term.weight:+d})",
            data={"term": term.term, "weight": term.weight},
            request=request,
        )
        transaction.on_commit(lambda: _enqueue("redecide"))
    return term


@permissions.guarded(
    permissions.can_edit_tone_lexicon, message="واژه‌نامهٔ لحن را ادارهٔ کل روابط عمومی ویرایش می‌کند."
)
def tone_term_delete(*, actor: Any, term: ToneTerm, request: HttpRequest | None = None) -> None:
    with transaction.atomic():
        permissions.require(
            permissions.can_edit_tone_lexicon(actor),
            "واژه‌نامهٔ لحن را ادارهٔ کل روابط عمومی ویرایش می‌کند.",
        )
        locked = ToneTerm.objects.select_for_update().filter(pk=term.pk).first()
        if locked is None:
            return
        audit.record(
            actor=actor,
            action="tone_term.delete",
            obj=locked,
            from_state=f"{locked.term} ({locked.weight:+d})",
            data={"term": locked.term, "weight": locked.weight},
            request=request,
        )
        locked.delete()
        transaction.on_commit(lambda: _enqueue("redecide"))


@permissions.guarded(
    permissions.can_edit_tone_lexicon, message="آموزش دسته‌بند لحن با ادارهٔ کل روابط عمومی است."
)
def tone_retrain(*, actor: Any, request: HttpRequest | None = None) -> None:
    """The directorate asks for a training now (the task runs it)."""
    with transaction.atomic():
        permissions.require(
            permissions.can_edit_tone_lexicon(actor),
            "آموزش دسته‌بند لحن با ادارهٔ کل روابط عمومی است.",
        )
        audit.record(actor=actor, action="tone.retrain", request=request)
        transaction.on_commit(lambda: _enqueue("retrain"))


# --- The editors' labels ---------------------------------------------------------------------


@permissions.question(reason="may this person label the mention", actor="user")
def may_label(user: Any, mention: Mention) -> bool:
    """An agency's mention: its officers, head and the directorate; a saved search's: its owner."""
    if mention.agency_id is not None:
        agency = mention.agency
        return agency is not None and permissions.can_label_mentions_for(user, agency)
    owner_id = Mention.objects.filter(pk=mention.pk).values_list("watch__owner_id", flat=True)
    return getattr(user, "is_authenticated", False) and owner_id.first() == user.pk


@permissions.guarded(
    permissions.can_monitor, message="شما لحن بازتاب‌های این دستگاه را تعیین نمی‌کنید."
)
def mention_label(
    *, actor: Any, mention: Mention, tone: str, request: HttpRequest | None = None
) -> Mention:
    """An editor gives a mention its tone (final: no decider changes it afterwards)."""
    if tone not in TONES:
        raise ValidationError({"tone": ["لحن باید منفی، خنثی یا مثبت باشد."]})
    with transaction.atomic():
        locked = (
            Mention.objects.select_for_update(of=("self",))
            .select_related("agency")
            .get(pk=mention.pk)
        )
        permissions.require(
            may_label(actor, locked), "شما لحن بازتاب‌های این دستگاه را تعیین نمی‌کنید."
        )
        before = locked.tone or ""
        locked.tone = tone
        locked.tone_source = Mention.ToneSource.EDITOR
        locked.tone_confidence = 1.0
        locked.labelled_by = actor
        locked.labelled_at = timezone.now()
        if locked.tone_score is None:
            locked.tone_score = float(lexicon().score(search_key(locked.passage or ""))[0])
        locked.save(
            update_fields=[
                "tone",
                "tone_source",
                "tone_confidence",
                "tone_score",
                "labelled_by",
                "labelled_at",
            ]
        )
        audit.record(
            actor=actor,
            action="mention.label",
            obj=locked,
            agency=locked.agency,
            from_state=before,
            to_state=tone,
            request=request,
        )
    return locked


# --- What the lexicon page shows -------------------------------------------------------------


def status() -> dict[str, Any]:
    """The classifier's state and who decided how many mentions."""
    labels = Mention.objects.filter(tone_source=Mention.ToneSource.EDITOR).count()
    by_source = dict(
        Mention.objects.filter(tone__isnull=False)
        .values_list("tone_source")
        .annotate(n=Count("id"))
        .values_list("tone_source", "n")
    )
    current = ToneModel.objects.filter(is_current=True).order_by("-trained_at", "-id").first()
    latest = ToneModel.objects.order_by("-trained_at", "-id").first()

    def describe(row: ToneModel | None) -> dict[str, Any] | None:
        if row is None:
            return None
        return {
            "row": row,
            "accuracy": row.accuracy,
            "lexicon_accuracy": row.params.get("lexicon_accuracy"),
            "label_counts": row.params.get("label_counts", {}),
        }

    return {
        "labels": labels,
        "by_source": {s: by_source.get(s, 0) for s in Mention.ToneSource.values},
        "undecided": Mention.objects.filter(tone__isnull=True).count(),
        "current": describe(current),
        "latest": describe(latest),
        "min_labels": MIN_LABELS,
        "min_per_class": MIN_PER_CLASS,
        "min_probability": CLASSIFIER_MIN_PROBABILITY,
    }
