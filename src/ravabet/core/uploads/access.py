"""Who may fetch a stored file: each capability registers the rule for the records it owns.

The kernel's file view (`/files/<key>/<id>/<name>`) finds the registration by key, loads the
record, and asks `may_see(user, record)`; anything else is a 404, to anyone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.urls import reverse


@dataclass(frozen=True)
class FileAccess:
    key: str
    model: type[models.Model]
    field: str  # the FileField that holds the stored file
    may_see: Callable[[Any, Any], bool]  # (user, record) -> bool; user may be anonymous
    title: Callable[[Any], str]  # record -> the name offered on download (no extension needed)
    select_related: tuple[str, ...] = ()
    # Called once a file is served to someone allowed (user, record, request): personal data
    # is audited this way (the citizen desk's attachments).
    on_serve: Callable[[Any, Any, Any], None] | None = None

    def stored_name(self, record: Any) -> str:
        return str(getattr(record, self.field).name or "")


_accesses: dict[str, FileAccess] = {}


def register_file_access(
    key: str,
    *,
    model: type[models.Model],
    field: str,
    may_see: Callable[[Any, Any], bool],
    title: Callable[[Any], str] | None = None,
    select_related: tuple[str, ...] = (),
    on_serve: Callable[[Any, Any, Any], None] | None = None,
) -> None:
    """Serve `model.<field>` at /files/<key>/… to whoever `may_see(user, record)` says, and
    tell `on_serve(user, record, request)` each time it is served (to audit a look).

    Call it from the capability's AppConfig.ready(); registering again replaces the rule.
    """
    _accesses[key] = FileAccess(
        key,
        model,
        field,
        may_see,
        title or (lambda record: str(record)),
        select_related,
        on_serve,
    )


def file_access(key: str) -> FileAccess | None:
    return _accesses.get(key)


def file_url(key: str, record: Any) -> str:
    """The permission-checked URL of a record's stored file ('' if it has none)."""
    access = _accesses[key]
    stored = access.stored_name(record)
    if not stored:
        return ""
    return reverse(
        "uploads:file",
        kwargs={"key": key, "pk": record.pk, "name": stored.rsplit("/", 1)[-1]},
    )
