"""Backup and restore of a whole installation: the database and the files, in one archive.

The database is written through Django's serialization (natural keys, model by model, JSON
lines streamed in chunks), so an archive of SQLite restores onto PostgreSQL and back. Beside it
go the public media, the private files and the generated secret key, and `manifest.json` last:
the format, the code's version, the migrations applied per app, when, each member's sha256 and
size, each table's row count. `restore` verifies all of it before touching the target, refuses
a target that holds data, loads in one transaction and checks the row counts before committing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from tqdm import tqdm

FORMAT = "ravabet-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DB_DIR = "db"
# Where each tree of files lives in the archive, and the setting that names it on disk.
FILE_ROOTS = {"media": "MEDIA_ROOT", "private": "RAVABET_PRIVATE_ROOT"}
SECRET_KEY_MEMBER = "secret_key"  # noqa: S105 - a member name, not a key
CHUNK = 1000
# Refusals of a hostile or broken archive: more members, or more bytes once unpacked, than this.
MAX_MEMBERS = 1_000_000
DEFAULT_MAX_BYTES = 64 * 2**30
# Models whose rows `migrate` makes itself; found again by their natural keys when loading.
MIGRATE_MADE = (ContentType, Permission)


class BackupError(Exception):
    """A backup or restore refused or failed; the message is for the operator, in Persian."""


@dataclass
class Manifest:
    created_at: str
    app_version: str
    database_vendor: str
    migrations: dict[str, list[str]]
    tables: dict[str, int]
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    models: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": self.created_at,
            "app_version": self.app_version,
            "database_vendor": self.database_vendor,
            "migrations": self.migrations,
            "models": self.models,
            "tables": self.tables,
            "files": self.files,
        }


# --- what is in the database -----------------------------------------------------------------


def dumped_models() -> list[type[models.Model]]:
    """Every model whose rows are data, in an order that loads: natural-key models before the
    models that name them (Django's sort_dependencies). Proxies and unmanaged models have no
    table of their own; auto-created many-to-many tables travel inside their owner's rows."""
    app_list = [(config, None) for config in apps.get_app_configs()]
    ordered = serializers.sort_dependencies(app_list, allow_cycles=True)
    return [m for m in ordered if m._meta.managed and not m._meta.proxy]


def counted_models() -> list[type[models.Model]]:
    """Every table the code knows, many-to-many tables included: the manifest's row counts."""
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy
    ]


def table_counts(using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    existing = set(connections[using].introspection.table_names())
    return {
        m._meta.db_table: m._base_manager.using(using).count()
        for m in counted_models()
        if m._meta.db_table in existing
    }


def applied_migrations(using: str = DEFAULT_DB_ALIAS) -> dict[str, list[str]]:
    recorder = MigrationRecorder(connections[using])
    if not recorder.has_table():
        return {}
    applied: dict[str, list[str]] = {}
    for app_label, name in sorted(recorder.applied_migrations()):
        applied.setdefault(app_label, []).append(name)
    return applied


def serialize_rows(
    model: type[models.Model], using: str = DEFAULT_DB_ALIAS
) -> Iterator[dict[str, Any]]:
    """The model's rows as Django's "python" serialization, by primary key, a chunk at a time."""
    m2m = []
    for field_ in model._meta.many_to_many:
        through = field_.remote_field.through
        if through is not None and through._meta.auto_created:
            m2m.append(field_.name)
    rows = model._base_manager.using(using).order_by("pk")
    if m2m:
        rows = rows.prefetch_related(*m2m)
    chunk: list[models.Model] = []
    for obj in rows.iterator(chunk_size=CHUNK):
        chunk.append(obj)
        if len(chunk) >= CHUNK:
            yield from _serialize(chunk)
            chunk = []
    if chunk:
        yield from _serialize(chunk)


def _serialize(objects: list[models.Model]) -> list[dict[str, Any]]:
    return serializers.serialize(
        "python", objects, use_natural_foreign_keys=True, use_natural_primary_keys=True
    )


@contextlib.contextmanager
def _snapshot(using: str) -> Iterator[None]:
    """One consistent view of the database for the whole dump, without blocking writers:
    PostgreSQL's repeatable-read read-only transaction; on SQLite (whose Django transactions
    take the write lock at BEGIN) a deferred read transaction, which WAL keeps apart from
    the writers."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with transaction.atomic(using=using):
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
    elif connection.vendor == "sqlite" and connection.get_autocommit():
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("ROLLBACK")
    else:
        yield


# --- writing an archive ----------------------------------------------------------------------


class _HashingWriter(io.RawIOBase):
    """Passes bytes to a file while counting and hashing them."""

    def __init__(self, target: IO[bytes]) -> None:
        self.target = target
        self.sha256 = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        view = bytes(data)
        self.target.write(view)
        self.sha256.update(view)
        self.size += len(view)
        return len(view)


def _quiet(progress: bool) -> bool | None:
    """tqdm's `disable`: None hides the bar when the output is not a terminal (cron, logs)."""
    return None if progress else True


def _file_trees() -> list[tuple[str, Path]]:
    return [(prefix, Path(getattr(settings, name))) for prefix, name in FILE_ROOTS.items()]


def _regular_files(root: Path) -> Iterator[Path]:
    """Regular files under root, sorted; symbolic links are neither followed nor kept."""
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if path.is_file() and not path.is_symlink():
                yield path


def _secret_key_file() -> Path:
    return Path(settings.VAR_DIR) / "secret_key"


def _app_version() -> str:
    try:
        return metadata.version("ravabet")
    except metadata.PackageNotFoundError:  # pragma: no cover - a checkout without install
        return "unknown"


def backup(out: Path, *, using: str = DEFAULT_DB_ALIAS, progress: bool = True) -> Manifest:
    """Write the installation into the archive `out` (.tar.gz); returns its manifest."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    connection = connections[using]
    manifest = Manifest(
        created_at=timezone.now().isoformat(),
        app_version=_app_version(),
        database_vendor=connection.vendor,
        migrations=applied_migrations(using),
        tables={},
    )
    partial = out.with_name(out.name + ".partial")
    try:
        with tarfile.open(partial, "w:gz", format=tarfile.PAX_FORMAT) as archive:
            with tempfile.TemporaryDirectory(prefix="ravabet-backup-") as scratch:
                with _snapshot(using):
                    manifest.tables = table_counts(using)
                    for model in tqdm(
                        dumped_models(), desc="پایگاه داده", disable=_quiet(progress)
                    ):
                        label = model._meta.label_lower
                        manifest.models.append(label)
                        _add_model(archive, model, Path(scratch), manifest, using)
            for prefix, root in _file_trees():
                files = list(_regular_files(root))
                for path in tqdm(files, desc=prefix, disable=_quiet(progress and bool(files))):
                    member = f"{prefix}/{path.relative_to(root).as_posix()}"
                    _add_file(archive, member, path, manifest)
            if _secret_key_file().is_file() and not os.environ.get("RAVABET_SECRET_KEY"):
                _add_file(archive, SECRET_KEY_MEMBER, _secret_key_file(), manifest)
            data = json.dumps(manifest.as_json(), ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
            info.mode = 0o600
            archive.addfile(info, io.BytesIO(data))
        partial.chmod(0o600)
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    return manifest


def _add_model(
    archive: tarfile.TarFile,
    model: type[models.Model],
    scratch: Path,
    manifest: Manifest,
    using: str,
) -> None:
    """Stream one model's rows into a scratch file (hashing as it goes), then into the archive:
    a tar member's size must be known before its bytes, and no model is held in memory."""
    member = f"{DB_DIR}/{model._meta.label_lower}.jsonl"
    path = scratch / "rows.jsonl"
    with path.open("wb") as raw:
        writer = _HashingWriter(raw)
        with io.BufferedWriter(writer, buffer_size=1 << 16) as buffered:
            for row in serialize_rows(model, using):
                line = json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False)
                buffered.write(line.encode() + b"\n")
        manifest.files[member] = {"sha256": writer.sha256.hexdigest(), "size": writer.size}
    info = tarfile.TarInfo(member)
    info.size = path.stat().st_size
    info.mode = 0o600
    info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
    with path.open("rb") as source:
        archive.addfile(info, source)
    path.unlink()


def _add_file(archive: tarfile.TarFile, member: str, path: Path, manifest: Manifest) -> None:
    """Copy a file into the archive, hashing the very bytes written (the file may be read once
    only; its size is taken when it is opened)."""
    with path.open("rb") as source:
        stat = os.fstat(source.fileno())
        info = tarfile.TarInfo(member)
        info.size = stat.st_size
        info.mode = 0o600
        info.mtime = int(stat.st_mtime)
        reader = _HashingReader(source, stat.st_size)
        archive.addfile(info, reader)
        manifest.files[member] = {"sha256": reader.sha256.hexdigest(), "size": reader.size}


class _HashingReader:
    """A reader that hashes what it gives and never gives more than `limit` bytes (a file
    growing while it is copied keeps the size its tar header announced)."""

    def __init__(self, source: IO[bytes], limit: int) -> None:
        self.source = source
        self.left = limit
        self.sha256 = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        if size < 0 or size > self.left:
            size = self.left
        data = self.source.read(size)
        self.left -= len(data)
        self.size += len(data)
        self.sha256.update(data)
        return data


# --- reading an archive ----------------------------------------------------------------------


def _safe_member_name(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if (
        not name
        or name.startswith("/")
        or "\\" in name
        or "\x00" in name
        or any(part in {"", ".", ".."} for part in name.split("/"))
    ):
        raise BackupError(f"پروندهٔ پشتیبان پذیرفته نیست: نام عضو «{name}» بیرون از پوشهٔ مقصد است.")
    if path.parts[0] not in {DB_DIR, *FILE_ROOTS} and name not in {MANIFEST, SECRET_KEY_MEMBER}:
        raise BackupError(f"پروندهٔ پشتیبان پذیرفته نیست: عضو ناشناختهٔ «{name}».")
    return path


def unpack(
    archive_path: Path, staging: Path, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> dict[str, Any]:
    """Unpack into `staging`, refusing anything but regular files and folders with safe names
    inside it, and more than `max_bytes` in all; verify every member against the manifest
    (sha256 and size, none missing, none extra). Returns the manifest."""
    total = 0
    seen: dict[str, dict[str, Any]] = {}
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            for count, member in enumerate(archive, start=1):
                if count > MAX_MEMBERS:
                    raise BackupError("پروندهٔ پشتیبان پذیرفته نیست: شمار اعضای آن بی‌اندازه است.")
                if member.isdir():
                    _safe_member_name(member.name.rstrip("/"))
                    continue
                if not member.isfile():
                    raise BackupError(
                        f"پروندهٔ پشتیبان پذیرفته نیست: «{member.name}» پیوند یا پروندهٔ ویژه است."
                    )
                relative = _safe_member_name(member.name)
                if member.name in seen:
                    raise BackupError(
                        f"پروندهٔ پشتیبان پذیرفته نیست: «{member.name}» دو بار آمده است."
                    )
                total += member.size
                if total > max_bytes:
                    raise BackupError(
                        "پروندهٔ پشتیبان پذیرفته نیست: حجم بازشدهٔ آن از حد مجاز "
                        f"({max_bytes // 2**20} مگابایت) بیشتر است."
                    )
                target = staging.joinpath(*relative.parts)
                if not target.resolve().is_relative_to(staging.resolve()):
                    raise BackupError(
                        f"پروندهٔ پشتیبان پذیرفته نیست: «{member.name}» بیرون از پوشهٔ مقصد است."
                    )
                target.parent.mkdir(parents=True, exist_ok=True)
                source = archive.extractfile(member)
                if source is None:  # pragma: no cover - isfile() members always have content
                    raise BackupError(f"پروندهٔ پشتیبان خراب است: «{member.name}».")
                digest = hashlib.sha256()
                size = 0
                with target.open("xb") as sink:
                    while block := source.read(1 << 20):
                        size += len(block)
                        if size > member.size:
                            raise BackupError(f"پروندهٔ پشتیبان خراب است: «{member.name}».")
                        digest.update(block)
                        sink.write(block)
                seen[member.name] = {"sha256": digest.hexdigest(), "size": size}
    except (tarfile.TarError, gzip.BadGzipFile, EOFError, OSError, zlib_error()) as exc:
        raise BackupError(f"پروندهٔ پشتیبان خوانده نشد (خراب یا ناقص است): {exc}") from exc

    if MANIFEST not in seen:
        raise BackupError("پروندهٔ پشتیبان فهرست محتوا (manifest.json) ندارد.")
    try:
        manifest: dict[str, Any] = json.loads((staging / MANIFEST).read_text(encoding="utf-8"))
    except ValueError as exc:
        raise BackupError("فهرست محتوای پروندهٔ پشتیبان خوانا نیست.") from exc
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            "این پرونده پشتیبان روابط با قالب شناخته‌شده نیست "
            f"(قالب {manifest.get('format')!r}، نسخهٔ {manifest.get('format_version')!r})."
        )
    listed = manifest.get("files", {})
    del seen[MANIFEST]
    missing = sorted(set(listed) - set(seen))
    extra = sorted(set(seen) - set(listed))
    if missing or extra:
        raise BackupError(
            "پروندهٔ پشتیبان با فهرست محتوایش نمی‌خواند: "
            + "، ".join(
                [*(f"«{m}» نیست" for m in missing[:5]), *(f"«{e}» اضافه است" for e in extra[:5])]
            )
        )
    for name, found in seen.items():
        if found != listed[name]:
            raise BackupError(
                f"چکیدهٔ «{name}» با فهرست محتوا نمی‌خواند: پرونده دست‌کاری یا خراب شده است."
            )
    return manifest


def zlib_error() -> type[Exception]:
    import zlib

    return zlib.error


# --- restoring -------------------------------------------------------------------------------


def nonempty_tables(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Tables of the target that hold rows, leaving out the ones `migrate` fills by itself."""
    existing = set(connections[using].introspection.table_names())
    made = {m._meta.db_table for m in MIGRATE_MADE}
    return [
        table
        for model in counted_models()
        if (table := model._meta.db_table) in existing
        and table not in made
        and model._base_manager.using(using).exists()
    ]


def _nonempty_roots() -> list[str]:
    found = []
    for _prefix, root in _file_trees():
        if root.is_dir() and any(p for p in root.rglob("*") if not p.is_dir()):
            found.append(str(root))
    return found


def check_migrations(archived: dict[str, list[str]]) -> None:
    """The rows load through this code's models, so the archive's database must have had
    exactly this code's migrations: a newer archive names migrations the code does not know;
    an older one lacks some (restore it with the version that made it, then `ravabet
    migrate`, which also runs the data migrations on the restored rows)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    applied = {(app, name) for app, names in archived.items() for name in names}
    unknown = sorted(applied - set(loader.disk_migrations))
    if unknown:
        raise BackupError(
            "این پشتیبان از نسخه‌ای تازه‌تر از این نرم‌افزار است؛ این مهاجرت‌ها را نمی‌شناسد: "
            + "، ".join(f"{app}.{name}" for app, name in unknown[:10])
        )
    missing = sorted(set(loader.graph.nodes) - applied)
    if missing:
        raise BackupError(
            "این پشتیبان از نسخه‌ای قدیمی‌تر از این نرم‌افزار است (این مهاجرت‌ها در آن اجرا "
            "نشده بود: "
            + "، ".join(f"{app}.{name}" for app, name in missing[:10])
            + "). آن را با همان نسخه‌ای که پشتیبان را ساخت بازگردانید و سپس "
            "«ravabet migrate» را اجرا کنید."
        )


def restore(
    archive_path: Path,
    *,
    using: str = DEFAULT_DB_ALIAS,
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: bool = True,
    say: Callable[[str], None] = lambda _line: None,
) -> dict[str, Any]:
    """Restore the archive onto an empty installation (this process's database and files)."""
    archive_path = Path(archive_path)
    if not archive_path.is_file():
        raise BackupError(f"پروندهٔ پشتیبان «{archive_path}» پیدا نشد.")
    var_dir = Path(settings.VAR_DIR)
    var_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="restore-", dir=var_dir) as scratch:
        staging = Path(scratch)
        say("خواندن و وارسی پروندهٔ پشتیبان…")
        manifest = unpack(archive_path, staging, max_bytes=max_bytes)
        check_migrations(manifest.get("migrations", {}))

        busy = nonempty_tables(using)
        if busy:
            raise BackupError(
                "پایگاه دادهٔ مقصد خالی نیست ("
                + "، ".join(busy[:5])
                + (" و …" if len(busy) > 5 else "")
                + "). بازگردانی فقط روی نصب تازه با پایگاه دادهٔ تهی انجام می‌شود."
            )
        roots = _nonempty_roots()
        if roots:
            raise BackupError(
                "پوشهٔ پرونده‌های مقصد خالی نیست: "
                + "، ".join(roots)
                + ". بازگردانی فقط روی نصب تازه انجام می‌شود."
            )

        say("ساختن جدول‌ها…")
        call_command("migrate", database=using, interactive=False, verbosity=0)
        # Rows the migrations made (holidays, lexicons, content types) give way to the archive's.
        call_command(
            "flush", database=using, interactive=False, inhibit_post_migrate=True, verbosity=0
        )

        _load(staging, manifest, using=using, progress=progress, say=say)

        say("بازگرداندن پرونده‌ها…")
        _restore_files(staging, manifest)
    return manifest


def _load(
    staging: Path,
    manifest: dict[str, Any],
    *,
    using: str,
    progress: bool,
    say: Callable[[str], None],
) -> None:
    """Every model's rows in one transaction, foreign keys checked once at the end (a row may
    name a later one of its own table: a merged message), sequences moved past the highest
    key, the row counts compared with the manifest before the commit. One transaction also
    means a failed restore leaves the target as empty as it was, ready for another try."""
    connection = connections[using]
    loaded: list[type[models.Model]] = []
    with transaction.atomic(using=using):
        with connection.constraint_checks_disabled():
            for label in tqdm(
                manifest.get("models", []), desc="بارگذاری", disable=_quiet(progress)
            ):
                model = apps.get_model(label)
                path = staging / DB_DIR / f"{label}.jsonl"
                if not path.exists():
                    continue
                loaded.append(model)
                insert = model not in MIGRATE_MADE
                deferred = []
                with path.open(encoding="utf-8") as lines:
                    for batch in _batches(lines):
                        for obj in serializers.deserialize(
                            "python", batch, using=using, handle_forward_references=True
                        ):
                            if insert:
                                obj.save(using=using, force_insert=True)
                            else:
                                obj.save(using=using)
                            if obj.deferred_fields:
                                deferred.append(obj)
                for obj in deferred:
                    obj.save_deferred_fields(using=using)
        tables = [m._meta.db_table for m in counted_models()]
        connection.check_constraints(table_names=tables)
        statements = connection.ops.sequence_reset_sql(no_style(), loaded)
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
        counts = table_counts(using)
        wrong = {
            table: (expected, counts.get(table))
            for table, expected in manifest.get("tables", {}).items()
            if counts.get(table) != expected
        }
        if wrong:
            raise BackupError(
                "شمار ردیف‌های بازگردانده با پشتیبان نمی‌خواند؛ چیزی نوشته نشد: "
                + "، ".join(f"{t}: {e} ≠ {g}" for t, (e, g) in list(wrong.items())[:10])
            )
    say("پایگاه داده بازگردانده شد.")


def _batches(lines: IO[str]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for line in lines:
        if line.strip():
            batch.append(json.loads(line))
        if len(batch) >= CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def _restore_files(staging: Path, manifest: dict[str, Any]) -> None:
    roots = dict(_file_trees())
    for name in manifest.get("files", {}):
        parts = PurePosixPath(name).parts
        if parts[0] in roots:
            target = roots[parts[0]].joinpath(*parts[1:])
        elif name == SECRET_KEY_MEMBER:
            if os.environ.get("RAVABET_SECRET_KEY"):
                continue  # the environment's key wins; the archive's is not needed
            target = _secret_key_file()
        else:
            continue
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        shutil.move(staging.joinpath(*parts), target)
        target.chmod(0o600)
