"""A worker killed with SIGKILL in the middle of a reminder loses nothing and sends nothing twice.

A real Celery worker (prefork, as in production) takes the reminder scan from the CI Redis and is
stopped dead at a chosen point (tests/notifications/worker_kill_app.py); a fresh worker then takes
over the message Redis hands back once CELERY_VISIBILITY_TIMEOUT has passed (task_acks_late,
task_reject_on_worker_lost). Afterwards there is exactly one reminder per planned stage, one
notification and one delivery row per recipient and channel, and exactly one e-mail per recipient.

Needs REDIS_URL and PostgreSQL (the worker shares the test database): run it through .ci/run.
"""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
import redis
from django.contrib.auth import get_user_model
from django.db import connection
from kombu import Connection

from notifications import services
from notifications.models import Delivery, Notification, Reminder
from notifications.tasks import scan_deadlines

from .celery_worker import database_url

ROOT = Path(__file__).resolve().parents[2]
SCAN_DATE = "2026-12-31"  # the lead unit's reply is due that day (see conftest.assigned)
VISIBILITY_TIMEOUT = 3  # seconds; production keeps the default (3 hours)
ROUNDS = int(os.environ.get("WORKER_KILL_ROUNDS", 1))  # kills per pause point

needs_redis = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set: needs a Redis broker")
needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the worker processes share the test database: needs PostgreSQL"
)


@pytest.mark.parametrize("timeout, expected", [(None, 10800), ("42", 42)])
def test_celery_settings_keep_a_killed_workers_task(timeout, expected):
    env = {k: v for k, v in os.environ.items() if k != "CELERY_VISIBILITY_TIMEOUT"}
    env["CELERY_BROKER_URL"] = "redis://127.0.0.1:6379/0"
    if timeout:
        env["CELERY_VISIBILITY_TIMEOUT"] = timeout
    code = (
        "import django; django.setup(); from cppcc.celery import app; c = app.conf; "
        "print(c.broker_transport_options['visibility_timeout'], c.task_acks_late, "
        "c.task_reject_on_worker_lost, c.worker_prefetch_multiplier)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.stdout.split() == [str(expected), "True", "True", "1"], result.stderr


class Workers:
    """Starts workers in their own process groups and kills exactly those groups."""

    def __init__(self, queue: str, directory: Path):
        self.queue, self.directory, self.started = queue, directory, []
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": os.environ["REDIS_URL"],
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "EMAIL_BACKEND": "tests.notifications.worker_kill_app.CountingEmailBackend",
            "KILL_TEST_DIR": str(directory),
            "KILL_TEST_QUEUE": queue,
        }
        self.env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)

    def start(self, name: str) -> subprocess.Popen:
        log = open(self.directory / f"{name}.log", "w")  # noqa: SIM115  (closed in stop_all)
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "tests.notifications.worker_kill_app", "worker",
             "--pool=prefork", "--concurrency=1", "--loglevel=INFO", "-Q", self.queue,
             "--hostname", f"{name}-{self.queue}@localhost", "--without-gossip", "--without-mingle",
             "--without-heartbeat"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        self.started.append((worker, log))
        return worker

    def kill(self, worker: subprocess.Popen) -> None:
        os.killpg(worker.pid, signal.SIGKILL)  # the main process and its pool child, no warm shutdown
        worker.wait(timeout=30)

    def stop_all(self) -> None:
        for worker, log in self.started:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
                try:
                    worker.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(worker.pid, signal.SIGKILL)
                    worker.wait(timeout=30)
            log.close()

    def logs(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text()[-3000:]}" for path in sorted(self.directory.glob("*.log"))
        )


def wait_for(condition, *, seconds: float, workers: Workers, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    pytest.fail(f"timed out waiting for {what}\n{workers.logs()}")


def mail_lines(directory: Path) -> list[str]:
    log = directory / "mail.log"
    return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


@pytest.mark.xdist_group("redis")  # see pyproject [tool.pytest] markers
@pytest.mark.django_db(transaction=True)
@needs_postgres
@needs_redis  # nearest the function: its reason is the one reported when both are missing
@pytest.mark.parametrize("round_", range(1, ROUNDS + 1), ids=lambda n: f"round{n}")
@pytest.mark.parametrize("point", ["before_commit", "after_commit", "email_sent"])
def test_worker_killed_mid_reminder_sends_it_exactly_once(assigned, draft, walk, people, tmp_path, point, round_):
    # A second proposal due the same day: the kill lands after the first reminder, before the second.
    second = walk(draft(title="关于完善社区养老服务的建议"), "assigned", lead="c", co=())
    second.assignments.filter(unit=people["units"]["c"]).update(due_date=dt.date.fromisoformat(SCAN_DATE))
    for user in get_user_model().objects.all():
        user.email = f"{user.username}@example.gov.cn"
        user.save(update_fields=["email"])
    planned = services.scan(today=dt.date.fromisoformat(SCAN_DATE), dry_run=True).sent
    assert len(planned) >= 2, planned
    expected_pairs = Counter((p["title"], username) for p in planned for username in p["recipients"])

    queue = f"cppcc-kill-{uuid.uuid4().hex[:8]}"
    broker = redis.Redis.from_url(os.environ["REDIS_URL"])
    workers = Workers(queue, tmp_path)
    (tmp_path / f"armed-{point}").touch()
    try:
        first = workers.start("first")
        with Connection(os.environ["REDIS_URL"]) as conn:
            scan_deadlines.apply_async(kwargs={"date": SCAN_DATE}, queue=queue, connection=conn)
        wait_for(lambda: (tmp_path / "paused").exists() or first.poll() is not None,
                 seconds=120, workers=workers, what=f"the first worker to reach {point}")  # fmt: skip
        assert (tmp_path / "paused").exists(), workers.logs()
        workers.kill(first)

        # Where the kill landed: proof that it really was mid-way.
        if point == "before_commit":
            assert not Reminder.objects.exists()  # the transaction died with the worker
        else:
            assert Reminder.objects.exists()  # committed before the kill
        if point == "email_sent":
            assert len(mail_lines(tmp_path)) == 1
            assert Delivery.objects.filter(channel="email", status="sent").count() == 1

        workers.start("second")

        def done():
            emails = Delivery.objects.filter(channel="email")
            return (
                Reminder.objects.count() == len(planned)
                and emails.exists()
                and not emails.exclude(status__in=["sent", "skipped"]).exists()
                and broker.llen(queue) == 0
                and broker.hlen("unacked") == 0  # every message acknowledged: nothing left to redeliver
            )

        wait_for(done, seconds=120, workers=workers, what="the second worker to finish the reminder")
    finally:
        workers.stop_all()
        broker.delete(queue)

    assert sorted(Reminder.objects.values_list("title", flat=True)) == sorted(p["title"] for p in planned)
    # The reminders' notices (the walk above also wrote hand-off notices, which are not e-mailed).
    reminder_notices = Notification.objects.filter(reminder__isnull=False)
    notified = Counter(
        (n.reminder.title, n.recipient.username) for n in reminder_notices.select_related("reminder", "recipient")
    )
    assert notified == expected_pairs
    for channel in ("in_app", "email"):
        delivered = Counter(
            (d.notification.reminder.title, d.recipient.username)
            for d in Delivery.objects.filter(
                channel=channel, status="sent", notification__reminder__isnull=False
            ).select_related("notification__reminder", "recipient")
        )
        assert delivered == expected_pairs, channel
    # The e-mails that really went out: one per recipient and reminder, none lost, none twice.
    sent = Counter(tuple(line.split("\t")) for line in mail_lines(tmp_path))
    expected_mail = Counter(
        (f"{n.recipient.username}@example.gov.cn", n.title) for n in reminder_notices.select_related("recipient")
    )
    assert sent == expected_mail, workers.logs()
    print(f"\n[worker-kill] {point} round {round_}: killed once, {len(planned)} reminders, "
          f"{sum(expected_pairs.values())} notifications, {sum(sent.values())} e-mails; "
          "duplicates 0, lost 0")  # fmt: skip
