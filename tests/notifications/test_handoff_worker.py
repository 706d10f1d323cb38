"""Hand-off notices through a real Celery worker on a real Redis broker: a committed step is told to the next
actor within 5 seconds, a rolled-back step is told to nobody, and a task delivered three times for one event
writes one notice per recipient.

The steps run in this process through the services, exactly as a request runs them: the event commits and
`on_event_committed` queues `notifications.handoff` on the broker; a `celery worker` subprocess on a queue
of its own (so that no other worker on the shared Redis takes these tasks) writes the notices into the
test database. Runs where REDIS_URL is set and the database is PostgreSQL (CI starts both); skipped
elsewhere on a developer machine, and a failure in CI if Redis is missing.
"""

import subprocess
import time
import uuid

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from kombu import Connection

from cppcc.celery import app
from notifications.handoff import suppressed
from notifications.models import Notification
from notifications.tasks import handoff
from proposals import services

from .celery_worker import redis_url_or_skip, start_worker

WITHIN = 5.0  # seconds from the commit to the notice in the database
QUIET_MARGIN = 2.0  # how much longer than a delivered notice took we wait to be sure none comes

pytestmark = [pytest.mark.xdist_group("redis"), pytest.mark.django_db(transaction=True)]  # see pyproject markers


@pytest.fixture(scope="module")
def redis_url():
    return redis_url_or_skip()


@pytest.fixture(scope="module")
def worker(redis_url, django_db_setup, tmp_path_factory):
    """A worker on the test database, listening only on its own queue; started once for the module and
    waited for until it is ready, so that the latency measured is the delivery's, not the start-up's."""
    queue = f"cppcc-handoff-{uuid.uuid4().hex[:8]}"
    log_path = tmp_path_factory.mktemp("handoff-worker") / "worker.log"
    log = open(log_path, "w")  # noqa: SIM115  (closed below)
    process = start_worker(queue, redis_url, log)
    started = time.monotonic()
    try:
        while " ready." not in log_path.read_text():
            if process.poll() is not None or time.monotonic() - started > 90:
                pytest.fail(f"the worker did not start; its log:\n{log_path.read_text()[-4000:]}")
            time.sleep(0.1)
        yield {"queue": queue, "log": log_path, "process": process, "broker": redis_url}
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=20)
        log.close()


def _forget_broker_connections():
    # Celery keeps the connection and producer pools it made first (in the test settings, the filesystem
    # broker, if an earlier test queued anything); the next message must go to the broker configured now.
    app._pool = None
    app.amqp._producer_pool = None
    handoff._exec_options = None  # the queue the task is sent to is read once from the task


@pytest.fixture
def on_the_broker(worker, caplog):
    """This process queues its hand-off tasks on the worker's broker and queue, rather than running them;
    none may fall back to being written in this process (as they are when the broker cannot be reached)."""
    saved = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url, app.conf.task_always_eager = worker["broker"], False
    handoff.queue = worker["queue"]
    _forget_broker_connections()
    try:
        yield worker
        assert [r.getMessage() for r in caplog.records if r.name == "notifications.handoff"] == []
    finally:
        app.conf.broker_url, app.conf.task_always_eager = saved
        del handoff.queue
        _forget_broker_connections()


def _notices(proposal):
    return list(
        Notification.objects.filter(url=f"/proposals/{proposal.pk}/")
        .order_by("id")
        .values_list("recipient__username", "title")
    )


def _wait_for(condition, *, seconds, worker, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}; the worker's log:\n{worker['log'].read_text()[-4000:]}")


def _filed(draft, walk, title):
    with suppressed():  # the history before the step under test tells nobody
        return walk(draft(title=title), "filed")


def _assign_and_time_the_commit(people, proposal, **units):
    """The office assigns the proposal in a transaction of its own; returns the moment it committed."""
    committed = []
    with transaction.atomic():
        transaction.on_commit(lambda: committed.append(time.monotonic()))  # runs first: right after COMMIT
        services.proposal_assign(actor=people["office"], proposal=proposal, **units)
    return committed[0]


def test_a_committed_step_reaches_the_next_actor_within_five_seconds(on_the_broker, people, draft, walk):
    proposal = _filed(draft, walk, "关于加快城中村改造的建议")
    committed = _assign_and_time_the_commit(people, proposal, lead_unit=people["units"]["a"], co_units=[])
    seen = _wait_for(
        lambda: _notices(proposal) and time.monotonic(), seconds=30, worker=on_the_broker, what="the unit's notice"
    )

    print(f"hand-off notice in the database {seen - committed:.3f} s after the commit")
    assert seen - committed < WITHIN, f"the notice took {seen - committed:.2f} s after the commit"
    # The unit that must now sign for it, and nobody else (the office took the step).
    assert _notices(proposal) == [("unit_a", f"待办：签收交办——提案《{proposal.title}》")]


def test_a_rolled_back_step_is_told_to_nobody(on_the_broker, people, draft, walk):
    delivered = _filed(draft, walk, "关于完善社区养老服务的建议")
    rolled_back = _filed(draft, walk, "关于治理河道污染的建议")
    # A step that commits, to learn how long a delivery takes on this machine now.
    committed = _assign_and_time_the_commit(people, delivered, lead_unit=people["units"]["a"], co_units=[])
    seen = _wait_for(
        lambda: _notices(delivered) and time.monotonic(), seconds=30, worker=on_the_broker, what="the first notice"
    )

    with pytest.raises(RuntimeError), transaction.atomic():
        services.proposal_assign(actor=people["office"], proposal=rolled_back, lead_unit=people["units"]["c"])
        raise RuntimeError("the request fails after the service")
    time.sleep(seen - committed + QUIET_MARGIN)
    # The worker takes its queue in order: once a later step's notice is in, anything queued before it was run.
    later = _filed(draft, walk, "关于规范共享单车停放的建议")
    _assign_and_time_the_commit(people, later, lead_unit=people["units"]["b"], co_units=[])
    _wait_for(lambda: _notices(later), seconds=30, worker=on_the_broker, what="the later step's notice")

    rolled_back.refresh_from_db()
    assert rolled_back.state == "filed" and not rolled_back.assignments.exists()
    assert _notices(rolled_back) == []
    assert not Notification.objects.filter(recipient=people["unit_c"]).exists()


def test_a_task_delivered_three_times_writes_one_notice_per_recipient(on_the_broker, people, draft, walk):
    proposal = _filed(draft, walk, "关于加快城中村改造的建议")
    # The commit queues the task once; the broker then delivers the same event's task twice more.
    _assign_and_time_the_commit(people, proposal, lead_unit=people["units"]["a"], co_units=[people["units"]["b"]])
    event = proposal.events.order_by("id").last()
    assert event.action == "assign"
    args = (
        "proposal",
        ContentType.objects.get_for_model(proposal).pk,
        proposal.pk,
        f"{event._meta.label_lower}:{event.pk}",
        people["office"].pk,
    )
    with Connection(on_the_broker["broker"]) as broker:
        again = [handoff.apply_async(args, queue=on_the_broker["queue"], connection=broker).id for _ in range(2)]

    log = on_the_broker["log"]
    _wait_for(
        lambda: all(f"notifications.handoff[{task_id}] succeeded" in log.read_text() for task_id in again),
        seconds=30,
        worker=on_the_broker,
        what="the repeated deliveries",
    )
    # Each repeat found the event's notices written and wrote nothing.
    for task_id in again:
        done = f"notifications.handoff[{task_id}] succeeded"
        line = next(line for line in log.read_text().splitlines() if done in line)
        assert line.rstrip().endswith(": 0"), line
    heading = f"待办：签收交办——提案《{proposal.title}》"
    assert _notices(proposal) == [("unit_a", heading), ("unit_b", heading)]
