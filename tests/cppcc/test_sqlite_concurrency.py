"""The embedded default (SQLite file, `make run`) takes parallel writes without "database is locked".

Whatever DATABASE_URL the suite runs on, this starts the embedded server in a subprocess on its own
SQLite file (schema without migrations, for speed: only the tables matter here), with the settings module
as it ships, and submits 50 proposals at once — 50 members, each submitting their draft over the API in
their own thread, as 50 browsers would. Every answer must be a success and 50 submitted proposals
must be in the file. With SQLite's defaults (rollback journal, deferred transactions) dozens of these
answer 500 "database is locked"."""

import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings

PARALLEL = 50
CSRF = "a" * 32  # an unmasked CSRF secret: the cookie and the header carry the same value

# Runs in the server's own process: schema, 50 members with a signed-in session each, then gunicorn with two
# worker processes of 25 threads each (runserver's listen backlog of 10 would reset most of 50 simultaneous
# connections before the database is even reached; the locking is the same with either server).
SERVER = r"""
import json, os, sys
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.test import Client, override_settings

class _NoMigrations(dict):
    def __contains__(self, item):
        return True
    def __getitem__(self, item):
        return None

fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
fast.enable()
with override_settings(MIGRATION_MODULES=_NoMigrations()):
    call_command("migrate", run_syncdb=True, verbosity=0)

from cppcc.roles import Role
from tests.factories import MemberFactory, SessionFactory, TermFactory, UserFactory

from proposals.models import ProposalCategory
from proposals.services import proposal_create

term = TermFactory()
SessionFactory(term=term)
category = ProposalCategory.objects.create(name="经济建设")
sessions, drafts = [], []
for i in range(int(sys.argv[2])):
    user = UserFactory(username=f"par{i:03d}", roles=[Role.MEMBER])
    MemberFactory(user=user, name=f"委员{i:03d}")
    draft = proposal_create(
        actor=user,
        data={"title": f"关于第{i}项工作的提案", "category": category, "background": "案由", "suggestions": "建议"},
    )
    drafts.append(draft.pk)
    client = Client()
    client.force_login(user)
    sessions.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
connections.close_all()
print(json.dumps({"sessions": sessions, "drafts": drafts}), flush=True)
os.execv(sys.executable, [
    sys.executable, "-m", "gunicorn", "cppcc.wsgi", "--bind", f"127.0.0.1:{sys.argv[1]}",
    "--preload", "--workers", "2", "--worker-class", "gthread", "--threads", "25", "--log-level", "warning",
])
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _post(port: int, session: str, path: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=json.dumps(body).encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Cookie": f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={CSRF}",
            "X-CSRFToken": CSRF,
            "Referer": f"http://127.0.0.1:{port}/",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 — a local test server
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, {"body": error.read()[:300].decode(errors="replace")}
    except OSError as error:  # no answer at all counts as a failure too
        return 0, {"error": repr(error)}


def _submit(port: int, session: str, draft: int, start: threading.Barrier) -> tuple[int, dict]:
    start.wait()
    return _post(port, session, f"/api/v1/proposals/{draft}/submit/", {})


@pytest.fixture
def embedded_server(tmp_path):
    port = _free_port()
    database = tmp_path / "db.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "CPPCC_VAR_DIR": str(tmp_path / "var"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "DEBUG": "true",  # as `make run`: plain HTTP, no SSL redirect
        "DJANGO_SETTINGS_MODULE": "cppcc.settings",
        "PYTHONPATH": str(settings.BASE_DIR),
        "LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen(  # noqa: S603 — our own interpreter and script
        [sys.executable, "-c", SERVER, str(port), str(PARALLEL)],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        if not line:
            pytest.fail("the embedded server did not start: " + process.stderr.read()[-2000:])
        seeded = json.loads(line)
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("the embedded server did not listen: " + process.stderr.read()[-2000:])
                time.sleep(0.05)
        yield port, seeded, database
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.mark.xdist_group("servers")  # see pyproject [tool.pytest] markers
def test_parallel_filings_on_the_embedded_sqlite_all_succeed(embedded_server):
    port, seeded, database = embedded_server
    start = threading.Barrier(PARALLEL)
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        answers = list(
            pool.map(lambda args: _submit(port, *args, start), zip(seeded["sessions"], seeded["drafts"], strict=True))
        )
    failures = [(status, body) for status, body in answers if not 200 <= status < 400]
    assert not failures, f"{len(failures)} of {PARALLEL} submissions failed, e.g. {failures[:3]}"
    with sqlite3.connect(Path(database)) as db:
        (submitted,) = db.execute("SELECT count(*) FROM proposals_proposal WHERE state = 'submitted'").fetchone()
        (mode,) = db.execute("PRAGMA journal_mode").fetchone()
    assert submitted == PARALLEL
    assert mode == "wal", "the embedded database runs in write-ahead-log mode"
