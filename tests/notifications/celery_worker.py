"""What the tests with a real Celery worker share: the Redis broker they need (skipped on a developer
machine without it, a failure in CI), the test database's URL for the worker process, and the worker
itself, listening only on a queue of its own so that no other worker on the shared Redis takes its tasks."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def redis_url_or_skip() -> str:
    url = os.environ.get("REDIS_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("REDIS_URL is not set: CI must start Redis")
        pytest.skip("REDIS_URL not set")
    if connection.vendor != "postgresql":
        pytest.skip("the worker process needs a database server it can share with the test")
    return url


def database_url() -> str:
    db = connection.settings_dict
    auth = f"{quote(db['USER'])}:{quote(db['PASSWORD'] or '')}@" if db["USER"] else ""
    return f"postgres://{auth}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(queue: str, broker: str, stdout) -> subprocess.Popen:
    """`celery worker` (solo pool) on the test database and `broker`, consuming `queue` only."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker,
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "cppcc", "worker", "--pool=solo", "--loglevel=INFO",
         "-Q", queue, "--hostname", f"{queue}@localhost", "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=env, stdout=stdout, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
