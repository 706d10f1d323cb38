"""`manage.py restore FILE --yes`: put back a backup made by `manage.py backup`.

FILE is the database file (`.pgdump` or `.sqlite3`); the uploaded files are taken from the
`.media.tar.gz` beside it (or --media FILE; --skip-media leaves the uploaded files alone).

Order matters so that a bad backup changes nothing: the file type is checked, the media archive
is unpacked into a staging directory, then the database is restored (PostgreSQL: pg_restore
--clean --if-exists in one transaction; SQLite: sqlite3's backup API into the live database),
and only then are the uploaded files swapped in. Stop the web, worker and beat services first:
pg_restore waits for every other session's locks on the tables it replaces.
"""

import shutil
import sqlite3
import sys
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand
from django.db import connections

from .backup import (
    PG_MAGIC,
    SQLITE_MAGIC,
    fail,
    media_archive_for,
    pg_connection_args,
    pg_tool,
    run_pg,
)


def backup_kind(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(16)
    if head.startswith(PG_MAGIC):
        return "postgresql"
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    raise fail(
        f"{path} 不是本系统的数据库备份（应为 .pgdump 或 .sqlite3）",
        f"{path} is not a database backup made by `manage.py backup`",
    )


class Command(BaseCommand):
    help = "从备份恢复数据库和上传文件（覆盖现有数据）/ Restore the database and the uploaded files from a backup."

    def add_arguments(self, parser):
        parser.add_argument("file", help="数据库备份文件 / the .pgdump or .sqlite3 file")
        parser.add_argument("--media", help="上传文件归档 / the .media.tar.gz (default: beside FILE)")
        parser.add_argument("--skip-media", action="store_true", help="不恢复上传文件 / leave the uploaded files")
        parser.add_argument("--yes", action="store_true", help="确认覆盖 / confirm overwriting the current data")
        parser.add_argument("--database", default="default", help="数据库别名 / database alias")

    def handle(self, *args, **options):
        connection = connections[options["database"]]
        database_file = Path(options["file"]).expanduser()
        if not database_file.is_file():
            raise fail(f"找不到备份文件 {database_file}", f"backup file {database_file} not found")
        kind = backup_kind(database_file)
        if kind != connection.vendor:
            raise fail(
                f"备份是 {kind} 格式，当前数据库是 {connection.vendor}，不能恢复",
                f"the backup is a {kind} backup but the database is {connection.vendor}",
            )
        media_file = None
        if not options["skip_media"]:
            media_file = Path(options["media"]).expanduser() if options["media"] else media_archive_for(database_file)
            if not media_file.is_file():
                raise fail(
                    f"找不到上传文件归档 {media_file}（不恢复上传文件请加 --skip-media）",
                    f"media archive {media_file} not found (pass --skip-media to leave the uploaded files)",
                )
        self._confirm(options["yes"], connection)

        media_root = Path(settings.MEDIA_ROOT)
        staging = self._unpack(media_file, media_root) if media_file else None
        try:
            if kind == "postgresql":
                self._restore_postgresql(connection, database_file)
            else:
                self._restore_sqlite(connection, database_file)
            ContentType.objects.clear_cache()  # ids may differ from the ones cached before
            if staging is not None:
                self._swap_in(staging, media_root)
        finally:
            if staging is not None and staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
        self.stdout.write(self.style.SUCCESS(f"恢复完成 / restore complete: {database_file}"))

    def _confirm(self, yes: bool, connection) -> None:
        if yes:
            return
        prompt = (
            f"将用备份覆盖数据库 {connection.settings_dict['NAME']} 和上传文件 {settings.MEDIA_ROOT}。"
            "输入 yes 继续 / type yes to overwrite: "
        )
        if sys.stdin is not None and sys.stdin.isatty() and input(prompt).strip().lower() == "yes":
            return
        raise fail(
            "恢复会覆盖当前数据库和上传文件，未确认，已取消；确认请加 --yes",
            "restore overwrites the current database and uploaded files; not confirmed, nothing changed (pass --yes)",
        )

    def _unpack(self, archive: Path, media_root: Path) -> Path:
        media_root.parent.mkdir(parents=True, exist_ok=True)
        # Same file system as MEDIA_ROOT, so that the swap is a rename.
        staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=media_root.parent))
        try:
            with tarfile.open(archive, "r:gz") as tar:
                # The "data" filter refuses absolute paths, "..", device files and links leaving the tree.
                tar.extractall(staging, filter="data")
        except (OSError, tarfile.TarError) as exc:
            shutil.rmtree(staging, ignore_errors=True)
            raise fail(
                f"上传文件归档 {archive} 无法解包：{exc}", f"cannot unpack the media archive {archive}: {exc}"
            ) from exc
        return staging

    def _swap_in(self, staging: Path, media_root: Path) -> None:
        # MEDIA_ROOT itself may be a mount point (a Docker volume): replace what is inside it.
        media_root.mkdir(parents=True, exist_ok=True)
        for child in media_root.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
        for child in staging.iterdir():
            child.rename(media_root / child.name)

    def _restore_postgresql(self, connection, database_file: Path) -> None:
        connection.close()  # our own session must not hold locks on the tables being replaced
        args, env = pg_connection_args(connection.settings_dict)
        run_pg(
            [
                pg_tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",  # all or nothing: a failed restore leaves the database as it was
                "--exit-on-error",
                *args,
                str(database_file),
            ],
            env,
            "pg_restore 恢复",
        )

    def _restore_sqlite(self, connection, database_file: Path) -> None:
        source = sqlite3.connect(f"file:{database_file}?mode=ro", uri=True)
        try:
            try:
                status = source.execute("PRAGMA integrity_check").fetchone()[0]
                migrated = source.execute(
                    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
                ).fetchone()[0]
            except sqlite3.DatabaseError as exc:
                raise fail(f"备份文件损坏：{exc}", f"the backup file is damaged: {exc}") from exc
            if status != "ok" or not migrated:
                raise fail(
                    f"备份文件损坏或不是本系统的数据库（{status}）",
                    f"the backup is damaged or not this system's database ({status})",
                )
            connection.ensure_connection()
            if connection.in_atomic_block:
                raise fail("恢复不能在事务中进行", "restore cannot run inside a transaction")
            # Page-by-page copy over the live database: every table, index and sequence as in the backup.
            source.backup(connection.connection)
        finally:
            source.close()
