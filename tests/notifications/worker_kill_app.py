"""Celery app for test_worker_kill.py only: the production app, plus a pause the test can arm.

Started as `celery -A tests.notifications.worker_kill_app worker …`. The test arms a pause point
by creating `$KILL_TEST_DIR/armed-<point>`; the first task to reach that point claims the file
(a rename, so exactly one process ever pauses), writes `$KILL_TEST_DIR/paused` and sleeps until
the test kills the worker with SIGKILL. Production code knows nothing of this module.

Points:
  before_commit  the scan has written a reminder, its notifications and deliveries, uncommitted
  after_commit   that transaction has committed (e-mails queued), the task not yet acknowledged
  email_sent     an e-mail has gone out and its delivery row is committed as sent, not acknowledged
"""

import os
import time
from pathlib import Path

from celery.signals import task_prerun
from django.core.mail.backends.base import BaseEmailBackend

from cppcc.celery import app

KILL_TEST_DIR = Path(os.environ["KILL_TEST_DIR"])

# Everything the worker queues (the e-mail tasks too) stays on the test's own queue.
app.conf.task_default_queue = os.environ["KILL_TEST_QUEUE"]
# Sweep for unacknowledged messages every second instead of every ~100 s, so that the test does not
# wait long after CELERY_VISIBILITY_TIMEOUT (set to a few seconds by the test) has run out.
app.conf.broker_transport_options = {
    **(app.conf.broker_transport_options or {}),
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}


def pause(point: str) -> None:
    try:
        os.rename(KILL_TEST_DIR / f"armed-{point}", KILL_TEST_DIR / f"claimed-{point}")
    except FileNotFoundError:
        return
    (KILL_TEST_DIR / "paused.tmp").write_text(f"{point} {os.getpid()}")
    os.replace(KILL_TEST_DIR / "paused.tmp", KILL_TEST_DIR / "paused")
    while True:  # until SIGKILL
        time.sleep(1)


_patched = False


@task_prerun.connect
def _install_pause_points(**kwargs):
    """Wrap the services once, in the process that runs the tasks (Django is set up by then)."""
    global _patched
    if _patched:
        return
    _patched = True
    from django.db import transaction

    from notifications import services

    send, deliver = services._send, services.deliver

    def paused_send(*args, **kw):
        if (KILL_TEST_DIR / "armed-before_commit").exists():
            with transaction.atomic():  # the service's own transaction becomes a savepoint inside this one
                sent = send(*args, **kw)
                pause("before_commit")
            return sent
        sent = send(*args, **kw)
        pause("after_commit")
        return sent

    def paused_deliver(**kw):
        status = deliver(**kw)
        pause("email_sent")
        return status

    services._send, services.deliver = paused_send, paused_deliver


class CountingEmailBackend(BaseEmailBackend):
    """Appends one line per e-mail to $KILL_TEST_DIR/mail.log: the test counts what really went out."""

    def send_messages(self, messages):
        with open(KILL_TEST_DIR / "mail.log", "a", encoding="utf-8") as log:
            for message in messages:
                log.write(f"{','.join(message.to)}\t{message.subject}\n")
        return len(messages)
