"""A real Celery worker on a real Redis broker runs the scan against the test database.

Runs where REDIS_URL is set and the database is PostgreSQL (CI starts both); skipped elsewhere
on a developer machine, and a failure in CI if Redis is missing.
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from kombu import Connection

from notifications.models import Notification
from notifications.tasks import scan_deadlines

ROOT = Path(__file__).resolve().parents[2]


def _database_url():
    db = connection.settings_dict
    auth = f"{quote(db['USER'])}:{quote(db['PASSWORD'] or '')}@" if db["USER"] else ""
    return f"postgres://{auth}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.xdist_group("redis")  # see pyproject [tool.pytest] markers
@pytest.mark.django_db(transaction=True)
def test_worker_on_redis_sends_the_reminders(assigned, people):
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        if os.environ.get("CI"):
            pytest.fail("REDIS_URL is not set: CI must start Redis")
        pytest.skip("REDIS_URL not set")
    if connection.vendor != "postgresql":
        pytest.skip("the worker process needs a database server it can share with the test")

    queue = f"cppcc-test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "cppcc", "worker", "--pool=solo", "--loglevel=INFO",
         "-Q", queue, "--hostname", f"{queue}@localhost", "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        with Connection(redis_url) as broker:
            scan_deadlines.apply_async(kwargs={"date": "2026-12-31"}, queue=queue, connection=broker)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if Notification.objects.filter(recipient=people["unit_a"], reminder__kind="proposal_reply").exists():
                break
            if worker.poll() is not None:
                break
            time.sleep(0.5)
        notification = Notification.objects.filter(recipient=people["unit_a"], reminder__kind="proposal_reply").first()
        if notification is None:
            worker.terminate()
            output = worker.communicate(timeout=20)[0]
            pytest.fail(f"the worker sent no reminder; its log:\n{output[-4000:]}")
        assert "今日到期" in notification.title
    finally:
        if worker.poll() is None:
            worker.terminate()
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
