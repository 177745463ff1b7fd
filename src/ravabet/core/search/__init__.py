"""Full-text search over Persian text: one interface, SQLite FTS5 or PostgreSQL underneath.

Callers index `Document`s per scope («release», «article», ...) and search a scope with
`Filters`; texts and queries both go through ravabet.persian.search_key, so spelling
variants find each other. docs/search.md describes both backends.
"""

from ravabet.core.search.documents import Document, Filters, Hit, KeyedDocument, Results
from ravabet.core.search.highlight import highlight
from ravabet.core.search.selectors import search, stale_count
from ravabet.core.search.services import (
    index_documents,
    key_document,
    rebuild,
    remove_documents,
)

__all__ = [
    "Document",
    "Filters",
    "Hit",
    "KeyedDocument",
    "Results",
    "highlight",
    "index_documents",
    "key_document",
    "rebuild",
    "remove_documents",
    "search",
    "stale_count",
]
