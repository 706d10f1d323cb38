"""Hand-off notices: when a lifecycle event commits, whoever has work waiting on the record because of it
is told in-app — the office when a member submits, the unit when the office assigns, the office when a unit
replies, the member when the reply is approved…

Built once on the engine's domain events for every lifecycle: `on_event_committed` (connected in
`NotificationsConfig.ready()`) queues `notifications.handoff` with the event's identity; the Celery worker
runs `notify()`, which asks the lifecycle who has a to-do on the record now (`Lifecycle.next_actors`:
its audience filtered by `allowed()`, so nobody who may not see the record) and writes one notice per
recipient, with its e-mail and SMS deliveries as the recipient chose them (`services.deliveries_create`,
the same path as the deadline reminders). The notice carries the event's key under a unique constraint: a
repeated delivery, a retry or a second worker writes nothing twice. A rolled-back transition sends no
event, so no notice.
"""

import logging
import threading
from contextlib import contextmanager

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from cppcc.lifecycle import DomainEvent, lifecycle_named

from . import services
from .models import Notification

logger = logging.getLogger(__name__)
_quiet = threading.local()


@contextmanager
def suppressed():
    """No hand-off notices for the events committed inside (the demo's seeded history is not work that
    arrives now; the to-do lists still show what waits)."""
    previous = getattr(_quiet, "on", False)
    _quiet.on = True
    try:
        yield
    finally:
        _quiet.on = previous


def event_key(event: DomainEvent) -> str:
    """The event's identity: its timeline row ("proposals.proposalevent:42")."""
    row = event.row
    if row is None:
        return ""
    return f"{row._meta.label_lower}:{row.pk}"


def on_event_committed(sender, event: DomainEvent, **kwargs):
    """Queue the notices of a committed event; if the broker cannot take the task, write them now rather
    than lose them."""
    from .selectors import bump_todo_version

    bump_todo_version()
    key = event_key(event)
    if not key or getattr(_quiet, "on", False):
        return
    args = (
        event.lifecycle,
        ContentType.objects.get_for_model(event.obj).pk,
        event.obj.pk,
        key,
        getattr(event.actor, "pk", None),
    )
    from .tasks import handoff

    try:
        handoff.delay(*args)
    except Exception as exc:  # one line, no traceback: with the broker down this happens on every step
        logger.warning("Could not queue the hand-off notices of %s (%r); writing them now.", key, exc)
        notify(*args)


def notify(lifecycle_name: str, content_type_id: int, object_id: int, key: str, actor_id: int | None) -> int:
    """Write the hand-off notices of one event; returns how many were new. Idempotent."""
    lifecycle = lifecycle_named(lifecycle_name)
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    obj = model._default_manager.filter(pk=object_id).first() if model else None
    if lifecycle is None or obj is None:
        return 0
    already = set(Notification.objects.filter(event_key=key).values_list("recipient_id", flat=True))
    notices = []
    # The record itself, then the records its step hands work on to (an outcome reported on a topic).
    for target, record in [(lifecycle, obj), *lifecycle.handed_on(obj)]:
        if target.todo is None:
            continue
        url = target.todo.url(record)
        title = target.todo.title(record)
        # One unread notice of a waiting task is enough: a later event on the same record that leaves the
        # same work waiting (an edit, even one that retitles it) does not repeat it.
        unread = set(Notification.objects.filter(url=url, read_at__isnull=True).values_list("recipient_id", "title"))
        for user, todo in target.next_actors(record):
            waiting = f"待办：{todo}——"
            if (
                user.pk == actor_id
                or user.pk in already
                or any(pk == user.pk and heading.startswith(waiting) for pk, heading in unread)
            ):
                continue
            already.add(user.pk)
            notices.append(
                Notification(
                    recipient=user,
                    event_key=key,
                    title=f"{waiting}{target.noun}《{title}》"[:200],
                    body=f"{target.noun}当前状态为“{target.state_display(record)}”，请{todo}。",
                    url=url,
                )
            )
    # A second worker writing the same event at the same moment meets the unique constraint. The e-mail
    # and SMS deliveries (per each recipient's choices) are written with the notices and queued on commit.
    with transaction.atomic():
        Notification.objects.bulk_create(notices, ignore_conflicts=True)
        if notices:
            written = Notification.objects.filter(event_key=key, recipient__in=[n.recipient_id for n in notices])
            pending = services.deliveries_create(notices=list(written.select_related("recipient")))
            transaction.on_commit(lambda: services.queue_deliveries(pending))
    return len(notices)
