"""`manage.py backup [--output DIR]`: the database and the uploaded files, ready for `manage.py restore`.

Writes two files side by side, named by the time of the backup:

    cppcc-20261126-083000.pgdump         PostgreSQL: pg_dump custom format (restore with pg_restore)
    cppcc-20261126-083000.sqlite3        SQLite: a consistent copy made with sqlite3's backup API
    cppcc-20261126-083000.media.tar.gz   the uploaded files (MEDIA_ROOT)

Both are written under a temporary name and renamed when complete, so a backup cut short never
looks like a good one. They are readable by their owner only: they hold personal data.
The PostgreSQL password goes to pg_dump through PGPASSWORD, never on its command line.
"""

import os
import shutil
import sqlite3
import subprocess
import tarfile
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils import timezone

PG_SUFFIX = ".pgdump"
SQLITE_SUFFIX = ".sqlite3"
MEDIA_SUFFIX = ".media.tar.gz"
PG_MAGIC = b"PGDMP"
SQLITE_MAGIC = b"SQLite format 3\x00"

# libpq reads these from the environment; OPTIONS of the Django database map onto them.
_PG_OPTION_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}


def fail(zh: str, en: str) -> CommandError:
    return CommandError(f"{zh} / {en}")


def pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise fail(
            f"找不到 {name}：请安装与数据库服务器同版本（或更新）的 PostgreSQL 客户端，并把它加入 PATH",
            f"{name} not found on PATH: install the PostgreSQL client tools (the server's version or newer)",
        )
    return path


def pg_connection_args(settings_dict: dict) -> tuple[list[str], dict[str, str]]:
    """Command-line arguments and environment for pg_dump/pg_restore; the password only in the environment."""
    args, env = [], dict(os.environ)
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    args += ["--dbname", str(settings_dict["NAME"]), "--no-password"]
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    for option, variable in _PG_OPTION_ENV.items():
        if settings_dict.get("OPTIONS", {}).get(option) is not None:
            env[variable] = str(settings_dict["OPTIONS"][option])
    return args, env


def run_pg(command: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        tool = Path(command[0]).name
        raise CommandError(f"{what}失败 / {tool} failed (退出码 exit {result.returncode}):\n{result.stderr.strip()}")


@contextmanager
def private_files():
    """New files readable by their owner only."""
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


def media_archive_for(database_file: Path) -> Path:
    name = database_file.name
    for suffix in (PG_SUFFIX, SQLITE_SUFFIX):
        if name.endswith(suffix):
            return database_file.with_name(name[: -len(suffix)] + MEDIA_SUFFIX)
    return database_file.with_name(name + MEDIA_SUFFIX)


class Command(BaseCommand):
    help = "备份数据库和上传文件 / Back up the database and the uploaded files."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", help=f"备份目录 / output directory (default: BACKUP_DIR, {settings.BACKUP_DIR})"
        )
        parser.add_argument("--database", default="default", help="数据库别名 / database alias")

    def handle(self, *args, **options):
        connection = connections[options["database"]]
        output = Path(options["output"] or settings.BACKUP_DIR).expanduser().resolve()
        try:
            output.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise fail(f"无法创建备份目录 {output}：{exc}", f"cannot create the backup directory {output}") from exc

        if connection.vendor == "postgresql":
            suffix = PG_SUFFIX
        elif connection.vendor == "sqlite":
            suffix = SQLITE_SUFFIX
        else:
            raise fail(f"不支持备份 {connection.vendor} 数据库", f"backing up {connection.vendor} is not supported")

        stem = f"cppcc-{timezone.localtime():%Y%m%d-%H%M%S}"
        n = 1
        while (output / f"{stem}{suffix}").exists() or (output / f"{stem}{MEDIA_SUFFIX}").exists():
            n += 1
            stem = f"cppcc-{timezone.localtime():%Y%m%d-%H%M%S}-{n}"
        database_file, media_file = output / f"{stem}{suffix}", output / f"{stem}{MEDIA_SUFFIX}"

        with private_files():
            self._write(database_file, lambda partial: self._dump(connection, partial))
            self._write(media_file, lambda partial: self._archive_media(Path(settings.MEDIA_ROOT), partial))

        for path in (database_file, media_file):
            self.stdout.write(f"{path}  {path.stat().st_size:,} 字节")
        self.stdout.write(self.style.SUCCESS(f"备份完成 / backup complete: {database_file}"))
        return None

    def _write(self, target: Path, write) -> None:
        partial = target.with_name(target.name + ".partial")
        try:
            write(partial)
            os.replace(partial, target)
        except CommandError:
            partial.unlink(missing_ok=True)
            raise
        except (OSError, sqlite3.Error, tarfile.TarError) as exc:
            partial.unlink(missing_ok=True)
            raise fail(f"写入 {target} 失败：{exc}", f"writing {target} failed: {exc}") from exc

    def _dump(self, connection, partial: Path) -> None:
        if connection.vendor == "postgresql":
            args, env = pg_connection_args(connection.settings_dict)
            run_pg(
                [pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}", *args],
                env,
                "pg_dump 备份",
            )
            return
        connection.ensure_connection()
        target = sqlite3.connect(partial)
        try:
            # The backup API copies page by page under the source's read lock: a consistent snapshot
            # even while the web process writes, unlike copying the file.
            connection.connection.backup(target)
        finally:
            target.close()

    def _archive_media(self, media_root: Path, partial: Path) -> None:
        with tarfile.open(partial, "w:gz") as archive:
            if media_root.is_dir():
                for child in sorted(media_root.iterdir()):
                    archive.add(child, arcname=child.name)
