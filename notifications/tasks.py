"""Celery tasks: thin wrappers around the services, safe to run twice and to retry."""

import datetime as dt

from celery import shared_task
from django.conf import settings

from . import services


def backoff(retries: int) -> int:
    """Seconds before retry number `retries + 1` of a failed delivery: 1, 2, 4 … minutes."""
    return 60 * 2**retries


@shared_task(name="notifications.scan_deadlines", acks_late=True, reject_on_worker_lost=True)
def scan_deadlines(date: str | None = None) -> dict:
    """Daily scan. acks_late: a worker that dies mid-scan leaves the message for another worker;
    stages already written are then found and skipped, so nothing is sent twice."""
    result = services.scan(today=dt.date.fromisoformat(date) if date else None)
    return {"sent": len(result.sent), "already": result.already}


def _deliver(task, delivery_id: int) -> str:
    try:
        return services.deliver(delivery_id=delivery_id)
    except Exception as exc:
        # Back off 1, 2, 4 … minutes; the hourly sweep takes over if the retries run out.
        raise task.retry(exc=exc, countdown=backoff(task.request.retries)) from exc


_DELIVER_OPTIONS = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "max_retries": settings.NOTIFY_MAX_ATTEMPTS,
    "default_retry_delay": 60,
}


@shared_task(name="notifications.deliver", **_DELIVER_OPTIONS)
def deliver(self, delivery_id: int) -> str:
    """One e-mail or SMS delivery of a notice (idempotent under a row lock)."""
    return _deliver(self, delivery_id)


@shared_task(name="notifications.deliver_email", **_DELIVER_OPTIONS)
def deliver_email(self, delivery_id: int) -> str:
    """The former name of `deliver`, for messages queued before it was renamed."""
    return _deliver(self, delivery_id)


@shared_task(name="notifications.handoff", bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=5)
def handoff(self, lifecycle: str, content_type_id: int, object_id: int, key: str, actor_id: int | None) -> int:
    """The notices of one committed lifecycle event (`handoff.notify`, idempotent: safe to retry)."""
    from .handoff import notify

    try:
        return notify(lifecycle, content_type_id, object_id, key, actor_id)
    except Exception as exc:
        raise self.retry(exc=exc, countdown=2**self.request.retries) from exc


@shared_task(name="notifications.retry_deliveries", acks_late=True)
def retry_deliveries() -> int:
    """Hourly: re-queue e-mails and SMS that failed, never reached the broker or waited out quiet hours,
    and run the digest of anyone whose digest is due and not sent."""
    return services.deliveries_sweep(max_attempts=settings.NOTIFY_MAX_ATTEMPTS)


@shared_task(name="notifications.retry_email_deliveries", acks_late=True)
def retry_email_deliveries() -> int:
    """The former name of the sweep (a beat schedule stored before the rename may still name it)."""
    return retry_deliveries()


@shared_task(name="notifications.send_deferred", acks_late=True)
def send_deferred() -> int:
    """Every few minutes: the SMS held back by quiet hours whose quiet hours are over."""
    ids = services.due_delivery_ids(max_attempts=settings.NOTIFY_MAX_ATTEMPTS, deferred_only=True)
    services.queue_deliveries(ids)
    return len(ids)


@shared_task(name="notifications.send_digests", acks_late=True)
def send_digests(ignore_limit: bool = False) -> int:
    """The daily e-mail digests (NOTIFY_DIGEST_HOUR:NOTIFY_DIGEST_MINUTE): one mail per user, once."""
    return services.send_digests(ignore_limit=ignore_limit)
