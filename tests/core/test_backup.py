"""`ravabet backup` and `ravabet restore`, run as an operator runs them: real commands in
subprocesses, each installation its own RAVABET_VAR_DIR and DATABASE_URL. An installation on
SQLite is filled through the services, backed up, restored onto PostgreSQL, backed up again and
restored onto SQLite: every table's row count and content hash and every file's hash come back.
A tampered archive, a path out of the target, a link and a non-empty target are refused."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ravabet.core.backup import BackupError, check_migrations, unpack

ROOT = Path(__file__).resolve().parents[2]
RAVABET = [sys.executable, "-m", "ravabet.cli"]
POSTGRES = os.environ.get("RAVABET_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")


# --- run in the installations' own processes -------------------------------------------------


def fill() -> None:
    """Realistic data from several capabilities, with public and private files."""
    import datetime as dt

    from django.core.files.base import ContentFile
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from ravabet.core.organisation.models import Membership
    from ravabet.desk import services as desk
    from ravabet.events import services as events
    from ravabet.monitoring.models import Article
    from ravabet.newsroom import services as newsroom
    from tests.factories import (
        AgencyFactory,
        DirectorateFactory,
        MembershipFactory,
        UserFactory,
        make_attendee,
        make_event,
        make_release,
    )
    from tests.files import PDF, image_bytes

    directorate = DirectorateFactory()
    roads = AgencyFactory(slug="roads", name="اداره‌کل راه و شهرسازی استان تهران")
    roads.logo.save("roads.png", ContentFile(image_bytes()), save=True)
    staff = MembershipFactory(user__username="directorate", agency=directorate).user
    officer = MembershipFactory(
        user__username="officer", agency=roads, role=Membership.Role.OFFICER
    ).user
    head = MembershipFactory(user__username="head", agency=roads, role=Membership.Role.HEAD).user
    UserFactory(username="citizen")

    release = make_release(
        actor=head,
        agency=roads,
        headline="بازگشایی پل ورودی شهر ری",
        body="پل ورودی شهر ری پس از شش ماه بازسازی بازگشایی شد.",
        tags=["راه", "شهر ری"],
    )
    newsroom.release_add_attachment(
        actor=head,
        release=release,
        upload=SimpleUploadedFile("گزارش.pdf", PDF, content_type="application/pdf"),
        title="گزارش بازسازی",
    )
    newsroom.release_submit(actor=head, release=release)
    newsroom.release_approve(actor=head, release=release)

    def message(subject: str, **extra: Any) -> Any:
        data: dict[str, Any] = {
            "kind": "request",
            "subject": subject,
            "body": "کوچهٔ ما پس از لوله‌کشی گاز سه ماه است خاکی مانده است.",
            "agency": roads,
            "citizen_name": "زهرا کریمی",
            "mobile": "09121234567",
            "email": "zahra@example.ir",
        }
        data.update(extra)
        return desk.message_submit(data=desk.MessageInput(**data))

    first = message(
        "آسفالت کوچهٔ شهید رضایی",
        attachments=[SimpleUploadedFile("عکس.png", image_bytes(), content_type="image/png")],
    )
    desk.message_note(actor=officer, message=first, text="با پیمانکار هماهنگ شد.")
    desk.message_answer(actor=officer, message=first, text="کوچه در برنامهٔ آسفالت خرداد است.")
    older = message("آسفالت دوباره", citizen_name="علی رضایی")
    later = message("آسفالت کوچه", mobile="09351112233", email="")
    # A row that names a later row of its own table: the older message merged into the newer.
    desk.message_merge(actor=officer, message=older, into=later)

    event = make_event(
        actor=staff,
        organizer=directorate,
        starts_at=timezone.now() + dt.timedelta(days=3),
    )
    events.registration_create(actor=officer, event=event, agency=roads, data=make_attendee())

    # A field of our own type: monitoring's original text, kept zlib-compressed.
    Article.objects.create(
        outlet="ایرنا",
        url="https://www.irna.ir/news/85000001",
        title="بازگشایی پل ورودی شهر ری",
        published_at=timezone.now(),
        content_hash="a" * 64,
        original={"title": "بازگشايي پل ورودي شهر ري", "lead": "پل پس از شش ماه بازگشایی شد."},
    )


def digest() -> dict[str, list[Any]]:
    """Each table: its row count and a hash of its rows read through Django's serialization
    (natural keys for content types and permissions, whose ids differ between installations;
    rows sorted, keys sorted), and each file's sha256 under media/ and private/."""
    from django.conf import settings
    from django.core import serializers
    from django.core.serializers.json import DjangoJSONEncoder

    from ravabet.core.backup import counted_models

    tables: dict[str, list[Any]] = {}
    for model in counted_models():
        rows = []
        for row in serializers.serialize(
            "python",
            model._base_manager.order_by("pk"),
            use_natural_foreign_keys=True,
            use_natural_primary_keys=True,
        ):
            if model._meta.auto_created:  # many-to-many rows are re-made with new ids
                row.pop("pk", None)
            fields = row["fields"]
            for name, value in fields.items():
                if isinstance(value, list) and name in {f.name for f in model._meta.many_to_many}:
                    fields[name] = sorted(value, key=json.dumps)
            rows.append(json.dumps(row, cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False))
        rows.sort()
        tables[model._meta.db_table] = [
            len(rows),
            hashlib.sha256("\n".join(rows).encode()).hexdigest(),
        ]
    for prefix, root in (
        ("media", settings.MEDIA_ROOT),
        ("private", settings.RAVABET_PRIVATE_ROOT),
    ):
        for path in sorted(Path(root).rglob("*")):
            if path.is_file():
                name = f"{prefix}/{path.relative_to(root).as_posix()}"
                tables[name] = [path.stat().st_size, hashlib.sha256(path.read_bytes()).hexdigest()]
    return tables


# --- the test's side -------------------------------------------------------------------------


class Install:
    """One installation: a var folder and a database URL (SQLite under var/ by default)."""

    def __init__(self, var: Path, database_url: str = "") -> None:
        self.var = var
        self.database_url = database_url or f"sqlite:///{var / 'ravabet.sqlite3'}"

    def env(self) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("RAVABET_", "DATABASE_URL", "REDIS_URL", "PYTEST_", "DJANGO_"))
        }
        env.update(
            RAVABET_VAR_DIR=str(self.var),
            DATABASE_URL=self.database_url,
            DJANGO_SETTINGS_MODULE="ravabet.config.settings",
            RAVABET_TASK_BACKEND="database",
            PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "src")]),
        )
        return env

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [*RAVABET, *args],
            env=self.env(),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if check and done.returncode != 0:
            raise AssertionError(f"ravabet {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done

    def python(self, code: str) -> str:
        setup = "import django; django.setup(); "
        done = subprocess.run(
            [sys.executable, "-c", setup + code],
            env=self.env(),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def digest(self) -> dict[str, list[Any]]:
        out = self.python(
            "import json; from tests.core.test_backup import digest; print(json.dumps(digest()))"
        )
        return json.loads(out.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _postgres_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL database of this test's own, dropped afterwards."""
    name = f"ravabet_test_backup_{uuid.uuid4().hex[:12]}"
    try:
        _postgres_admin(f'CREATE DATABASE "{name}"')
    except Exception as exc:  # no server: say so
        pytest.skip(f"no PostgreSQL at {POSTGRES}: {exc}")
    try:
        yield f"{POSTGRES}/{name}"
    finally:
        _postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> tuple[Install, Path]:
    """A filled SQLite installation and its archive."""
    base = tmp_path_factory.mktemp("backup")
    install = Install(base / "source")
    install.run("migrate", "-v0")
    install.python("from tests.core.test_backup import fill; fill()")
    archive = base / "source.tar.gz"
    install.run("backup", "--out", str(archive))
    return install, archive


def test_sqlite_to_postgresql_and_back_gives_identical_data_and_files(
    source: tuple[Install, Path], postgres_url: str, tmp_path: Path
) -> None:
    install, archive = source
    original = install.digest()
    # The data is there: the tables of several capabilities and both kinds of files.
    assert original["desk_message"][0] == 3 and original["events_registration"][0] == 1
    assert original["newsroom_release_tags"][0] == 2
    assert original["monitoring_article"][0] == 1
    assert any(name.startswith("media/agencies/logos/") for name in original)
    assert sum(name.startswith("private/desk/") for name in original) == 1

    on_postgres = Install(tmp_path / "pg", postgres_url)
    restored = on_postgres.run("restore", str(archive))
    assert "بازگردانی انجام شد" in restored.stdout
    assert on_postgres.digest() == original

    again = tmp_path / "from-postgres.tar.gz"
    on_postgres.run("backup", "--out", str(again))
    on_sqlite = Install(tmp_path / "sqlite")
    on_sqlite.run("restore", str(again))
    assert on_sqlite.digest() == original
    # The generated secret key travels too (sessions and encrypted channel tokens keep working).
    assert (on_sqlite.var / "secret_key").read_text() == (install.var / "secret_key").read_text()
    # The restored installation takes new rows after the restored ones (sequences moved on).
    on_postgres.python(
        "from tests.factories import UserFactory; UserFactory(username='after_restore')"
    )


def test_manifest_lists_checksums_row_counts_and_migrations(source: tuple[Install, Path]) -> None:
    _install, archive = source
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
        member = next(m for m in tar.getmembers() if m.name == "db/desk.message.jsonl")
        body = tar.extractfile(member).read()  # type: ignore[union-attr]
    assert manifest["format_version"] == 1 and manifest["database_vendor"] == "sqlite"
    assert manifest["tables"]["desk_message"] == 3
    assert "0001_initial" in manifest["migrations"]["desk"]
    assert manifest["files"]["db/desk.message.jsonl"] == {
        "sha256": hashlib.sha256(body).hexdigest(),
        "size": len(body),
    }
    # Personal data is in the archive as it is in the database: the archive is as secret.
    assert "09121234567" in body.decode()
    assert archive.stat().st_mode & 0o077 == 0


def _rewrite(archive: Path, out: Path, change: Any) -> None:
    """Copy the archive member by member, letting `change(info, data)` alter or add members."""
    with tarfile.open(archive) as src, tarfile.open(out, "w:gz") as dst:
        for info in src.getmembers():
            data = src.extractfile(info).read() if info.isfile() else b""  # type: ignore[union-attr]
            for new_info, new_data in change(info, data):
                dst.addfile(new_info, io.BytesIO(new_data) if new_info.isfile() else None)


def _refused(archive: Path, tmp_path: Path, expected: str) -> None:
    target = Install(tmp_path / "target")
    done = target.run("restore", str(archive), check=False)
    assert done.returncode != 0
    assert expected in done.stderr, done.stderr
    # Nothing was touched: no table made, no file written.
    assert (
        not (target.var / "ravabet.sqlite3").exists()
        or target.python(
            "from django.db import connection; print(len(connection.introspection.table_names()))"
        ).strip()
        == "0"
    )
    assert not (target.var / "media").exists() and not (target.var / "private").exists()


def test_a_tampered_archive_is_refused_before_anything_is_touched(
    source: tuple[Install, Path], tmp_path: Path
) -> None:
    _install, archive = source

    def tamper(info: tarfile.TarInfo, data: bytes) -> Iterator[tuple[tarfile.TarInfo, bytes]]:
        if info.name == "db/desk.message.jsonl":
            data = data.replace("زهرا".encode(), "سارا".encode())
            info.size = len(data)
        yield info, data

    tampered = tmp_path / "tampered.tar.gz"
    _rewrite(archive, tampered, tamper)
    _refused(tampered, tmp_path, "دست‌کاری")


@pytest.mark.parametrize("kind", ["traversal", "absolute", "symlink", "unlisted"])
def test_hostile_members_are_refused(
    source: tuple[Install, Path], tmp_path: Path, kind: str
) -> None:
    _install, archive = source

    def add(info: tarfile.TarInfo, data: bytes) -> Iterator[tuple[tarfile.TarInfo, bytes]]:
        yield info, data
        if info.name != "manifest.json":
            return
        evil = tarfile.TarInfo(
            {
                "traversal": "media/../../evil.py",
                "absolute": "/tmp/evil.py",  # noqa: S108 - the member name refused
                "symlink": "media/link",
                "unlisted": "media/extra.txt",
            }[kind]
        )
        if kind == "symlink":
            evil.type = tarfile.SYMTYPE
            evil.linkname = "/etc/passwd"
            yield evil, b""
        else:
            evil.size = 4
            yield evil, b"boom"

    hostile = tmp_path / "hostile.tar.gz"
    _rewrite(archive, hostile, add)
    expected = {
        "traversal": "بیرون از پوشهٔ مقصد",
        "absolute": "بیرون از پوشهٔ مقصد",
        "symlink": "پیوند",
        "unlisted": "اضافه است",
    }[kind]
    staging = tmp_path / "staging"
    staging.mkdir()
    with pytest.raises(BackupError, match=expected):
        unpack(hostile, staging)
    assert not (tmp_path / "evil.py").exists() and not (staging / "media" / "link").exists()


def test_an_archive_larger_than_allowed_unpacked_is_refused(
    source: tuple[Install, Path], tmp_path: Path
) -> None:
    _install, archive = source
    done = Install(tmp_path / "target").run(
        "restore", str(archive), "--max-gb", "0.00001", check=False
    )
    assert done.returncode != 0 and "حد مجاز" in done.stderr


def test_a_target_holding_data_is_refused(source: tuple[Install, Path]) -> None:
    install, archive = source
    before = install.digest()
    done = install.run("restore", str(archive), check=False)
    assert done.returncode != 0
    assert "پایگاه دادهٔ مقصد خالی نیست" in done.stderr
    assert install.digest() == before


def test_an_archive_of_another_version_is_refused(source: tuple[Install, Path]) -> None:
    _install, archive = source
    with tarfile.open(archive) as tar:
        applied = json.load(tar.extractfile("manifest.json"))["migrations"]  # type: ignore[arg-type]
    newer = {**applied, "desk": [*applied["desk"], "9999_from_the_future"]}
    with pytest.raises(BackupError, match=r"تازه‌تر.*desk\.9999_from_the_future"):
        check_migrations(newer)
    older = {**applied, "desk": applied["desk"][:-1]}
    with pytest.raises(BackupError, match=r"قدیمی‌تر.*ravabet migrate"):
        check_migrations(older)
    check_migrations(applied)
