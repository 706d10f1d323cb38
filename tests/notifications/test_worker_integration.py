"""A real Celery worker on a real Redis broker runs the scan against the test database.

Runs where REDIS_URL is set and the database is PostgreSQL (CI starts both); skipped elsewhere
on a developer machine, and a failure in CI if Redis is missing.
"""

import subprocess
import time
import uuid

import pytest
from kombu import Connection

from notifications.models import Notification
from notifications.tasks import scan_deadlines

from .celery_worker import redis_url_or_skip, start_worker


@pytest.mark.xdist_group("redis")  # see pyproject [tool.pytest] markers
@pytest.mark.django_db(transaction=True)
def test_worker_on_redis_sends_the_reminders(assigned, people):
    redis_url = redis_url_or_skip()
    queue = f"cppcc-test-{uuid.uuid4().hex[:8]}"
    worker = start_worker(queue, redis_url, subprocess.PIPE)
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
