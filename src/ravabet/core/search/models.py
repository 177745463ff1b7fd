"""The search index tables: one row per indexed document, and the words seen, per scope."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SearchEntry(models.Model):
    """One indexed document: its filter columns and its search-key text.

    The full-text index lives beside this table and is keyed by its id: an FTS5 table
    (`core_searchentry_fts`, kept in step by triggers) on SQLite, a generated tsvector column
    (`document`) on PostgreSQL. Both are created by migration 0002, not by the ORM, so
    they are invisible here; see docs/search.md before altering this model.
    """

    scope = models.CharField(_("دامنه"), max_length=32)
    object_id = models.BigIntegerField(_("شناسهٔ شیء"))
    # Plain ids, not foreign keys: the index is derived data and must never hold up (or
    # be cascaded by) a change to agencies or counties; a rebuild brings it back in step.
    agency_id = models.BigIntegerField(_("دستگاه"), null=True, blank=True)
    county_id = models.BigIntegerField(_("شهرستان"), null=True, blank=True)
    kind = models.CharField(_("نوع"), max_length=40, blank=True)
    published_at = models.DateTimeField(_("زمان انتشار"), null=True, blank=True)
    title_key = models.TextField(blank=True)
    extra_key = models.TextField(blank=True)
    body_key = models.TextField(blank=True)
    # The ravabet.persian.SEARCH_KEY_VERSION the keys above were made with: entries made
    # with an older version need a rebuild (stale_count() tells how many).
    key_version = models.PositiveIntegerField()
    indexed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("مدخل نمایهٔ جست‌وجو")
        verbose_name_plural = _("نمایهٔ جست‌وجو")
        constraints = [
            models.UniqueConstraint(fields=["scope", "object_id"], name="core_search_scope_object")
        ]
        indexes = [
            models.Index(fields=["scope", "published_at"], name="core_search_published"),
            models.Index(fields=["scope", "agency_id"], name="core_search_agency"),
            models.Index(fields=["scope", "county_id"], name="core_search_county"),
            models.Index(fields=["scope", "kind"], name="core_search_kind"),
            models.Index(fields=["scope", "key_version"], name="core_search_key_version"),
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.object_id}"


class SearchTerm(models.Model):
    """A word (search-key token) that occurs in some document of a scope.

    The near-miss fallback compares a query word that matched nothing with these words by
    trigram similarity (pg_trgm on PostgreSQL, an FTS5 trigram table on SQLite): the
    vocabulary is far smaller than the documents, so that stays fast at any index size.
    Words are added as documents are indexed and only removed by a rebuild of the scope.
    """

    scope = models.CharField(max_length=32)
    word = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("واژهٔ نمایه")
        verbose_name_plural = _("واژه‌های نمایه")
        constraints = [models.UniqueConstraint(fields=["scope", "word"], name="core_search_term")]

    def __str__(self) -> str:
        return self.word
