"""Backup and restore give back every row of every table and every uploaded file.

Runs on the database the suite runs on: SQLite by default, PostgreSQL through .ci/run (there
pg_dump / pg_restore from PATH, which .ci/run puts at the server's version).
"""

import hashlib
import os
import stat
import subprocess
import sys
import tarfile
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from cppcc.management.commands.backup import pg_connection_args
from demo.members import seed_registry
from demo.proposals import seed_proposals
from members.models import Member
from proposals.models import Proposal
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)


def table_snapshot() -> dict[str, tuple[int, str]]:
    """Every table: its row count and a digest of all its rows (every column, in a fixed order)."""
    snapshot = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")
            width = len(cursor.description)
            cursor.execute(f"SELECT * FROM {quoted} ORDER BY {', '.join(str(i) for i in range(1, width + 1))}")
            rows = cursor.fetchall()
            snapshot[table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return snapshot


def row_diff(before: dict, after: dict) -> int:
    """Rows that differ: count differences, plus one per table whose contents changed at equal count."""
    diff = 0
    for table in before.keys() | after.keys():
        (n1, d1), (n2, d2) = before.get(table, (0, "")), after.get(table, (0, ""))
        diff += abs(n1 - n2) or (d1 != d2)
    return diff


def file_snapshot(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def media(settings, tmp_path):
    root = tmp_path / "private"
    (root / "proposals" / "2026").mkdir(parents=True)
    (root / "proposals" / "2026" / "附件一 调研报告.pdf").write_bytes(b"%PDF-1.4 " + os.urandom(2048))
    (root / "proposals" / "2026" / "现场照片.jpg").write_bytes(os.urandom(4096))
    (root / "templates").mkdir()
    (root / "templates" / "work-report.docx").write_bytes(b"PK\x03\x04" + os.urandom(512))
    settings.MEDIA_ROOT = root
    return root


def backup(tmp_path) -> Path:
    out = StringIO()
    call_command("backup", output=str(tmp_path / "backups"), stdout=out)
    database_files = [p for p in (tmp_path / "backups").iterdir() if not p.name.endswith(".tar.gz")]
    assert len(database_files) == 1, out.getvalue()
    return database_files[0]


def test_restore_gives_back_every_row_and_file(media, tmp_path):
    seed_registry(password="Demo-pass-2026", seed=7, member_count=40)
    seed_proposals(seed=7)
    before, files_before = table_snapshot(), file_snapshot(media)
    total_rows = sum(count for count, _ in before.values())
    assert Proposal.objects.count() > 20 and total_rows > 1000  # a backup of something worth keeping

    database_file = backup(tmp_path)
    media_file = database_file.with_name(database_file.name.rsplit(".", 1)[0] + ".media.tar.gz")
    assert media_file.is_file()
    for path in (database_file, media_file):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path  # personal data: owner only
    assert not list((tmp_path / "backups").glob("*.partial"))

    # Everyday damage: rows deleted and changed and added, an upload lost, a stray file.
    doomed = list(Proposal.objects.filter(state="draft").values_list("pk", flat=True))
    assert doomed
    Proposal.objects.filter(pk__in=doomed).delete()
    Member.objects.update(name="改名")
    UserFactory(username="intruder")
    (media / "proposals" / "2026" / "现场照片.jpg").unlink()
    (media / "stray.txt").write_text("不应保留")
    assert row_diff(before, table_snapshot()) > 0

    out = StringIO()
    call_command("restore", str(database_file), yes=True, stdout=out)
    assert "恢复完成" in out.getvalue()

    after = table_snapshot()
    assert row_diff(before, after) == 0, {t: (before.get(t), after.get(t)) for t in before if before[t] != after.get(t)}
    assert file_snapshot(media) == files_before
    # The restored database keeps working: new rows get fresh keys (sequences came back too).
    assert UserFactory(username="after-restore").pk > max(get_user_model().objects.exclude(username="after-restore")
                                                            .values_list("pk", flat=True))  # fmt: skip
    print(f"\n[backup] {connection.vendor}: {len(before)} tables, {total_rows} rows, row diff after restore 0")


@pytest.fixture
def small_backup(media, tmp_path):
    UserFactory(username="kept")
    return backup(tmp_path)


def test_restore_refuses_without_yes_and_changes_nothing(small_backup, monkeypatch):
    UserFactory(username="added-later")
    monkeypatch.setattr("sys.stdin", StringIO("yes\n"))  # not a terminal: no prompt, no consent
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(small_backup))
    assert get_user_model().objects.filter(username="added-later").exists()


@pytest.mark.parametrize(
    "damage, message",
    [
        ("missing_file", "找不到备份文件"),
        ("not_a_backup", "不是本系统的数据库备份"),
        ("other_vendor", "不能恢复"),
        ("missing_media", "--skip-media"),
        ("broken_media", "无法解包"),
        ("escaping_media", "无法解包"),
    ],
)
def test_a_bad_backup_is_refused_before_anything_changes(small_backup, media, tmp_path, damage, message):
    target = small_backup
    media_file = small_backup.with_name(small_backup.name.rsplit(".", 1)[0] + ".media.tar.gz")
    if damage == "missing_file":
        target = tmp_path / "nowhere.sqlite3"
    elif damage == "not_a_backup":
        target = tmp_path / "notes.sqlite3"
        target.write_text("会议纪要")
    elif damage == "other_vendor":
        target = tmp_path / "other.pgdump"
        target.write_bytes((b"SQLite format 3\x00" if connection.vendor == "postgresql" else b"PGDMP") + b"\0" * 64)
    elif damage == "missing_media":
        media_file.unlink()
    elif damage == "broken_media":
        media_file.write_bytes(b"\x1f\x8b not really gzip")
    elif damage == "escaping_media":
        with tarfile.open(media_file, "w:gz") as archive:
            info = tarfile.TarInfo("../../outside.txt")
            info.size = 4
            archive.addfile(info, BytesIO(b"evil"))
    UserFactory(username="added-later")
    files = file_snapshot(media)

    with pytest.raises(CommandError, match=message):
        call_command("restore", str(target), yes=True)

    assert get_user_model().objects.filter(username="added-later").exists()
    assert file_snapshot(media) == files
    assert not (tmp_path.parent / "outside.txt").exists()
    assert not list(media.parent.glob(".restore-*"))  # no staging directory left behind


def test_skip_media_restores_the_database_only(small_backup, media):
    UserFactory(username="added-later")
    (media / "new-upload.pdf").write_bytes(b"%PDF-1.4")
    call_command("restore", str(small_backup), yes=True, skip_media=True, stdout=StringIO())
    assert not get_user_model().objects.filter(username="added-later").exists()
    assert get_user_model().objects.filter(username="kept").exists()
    assert (media / "new-upload.pdf").exists()


def test_postgres_password_travels_in_the_environment_only():
    args, env = pg_connection_args(
        {"HOST": "db", "PORT": 5432, "USER": "cppcc", "NAME": "cppcc", "PASSWORD": "s3cr3t-密码",
         "OPTIONS": {"sslmode": "verify-full"}}
    )  # fmt: skip
    assert "s3cr3t-密码" not in " ".join(args)
    assert env["PGPASSWORD"] == "s3cr3t-密码" and env["PGSSLMODE"] == "verify-full"
    assert args == ["--host", "db", "--port", "5432", "--username", "cppcc", "--dbname", "cppcc", "--no-password"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump is used for PostgreSQL only")
def test_missing_pg_dump_is_a_clear_error(media, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # nothing on PATH
    with pytest.raises(CommandError, match="找不到 pg_dump"):
        call_command("backup", output=str(tmp_path / "backups"))
    assert not list((tmp_path / "backups").iterdir())


def test_failures_exit_non_zero_with_a_message(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "MEDIA_ROOT": str(tmp_path / "m")}
    result = subprocess.run(
        [sys.executable, "manage.py", "restore", str(tmp_path / "missing.sqlite3"), "--yes"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1
    assert "找不到备份文件" in result.stderr and "not found" in result.stderr
