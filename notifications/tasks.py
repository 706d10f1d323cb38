"""Celery tasks: thin wrappers around the services, safe to run twice and to retry."""

import datetime as dt

from celery import shared_task
from django.conf import settings

from . import services


@shared_task(name="notifications.scan_deadlines", acks_late=True, reject_on_worker_lost=True)
def scan_deadlines(date: str | None = None) -> dict:
    """Daily scan. acks_late: a worker that dies mid-scan leaves the message for another worker;
    stages already written are then found and skipped, so nothing is sent twice."""
    result = services.scan(today=dt.date.fromisoformat(date) if date else None)
    return {"sent": len(result.sent), "already": result.already}


@shared_task(
    name="notifications.deliver_email",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=settings.REMINDER_EMAIL_MAX_ATTEMPTS,
    default_retry_delay=60,
)
def deliver_email(self, delivery_id: int) -> str:
    try:
        return services.email_deliver(delivery_id=delivery_id)
    except Exception as exc:
        # Back off 1, 2, 4 … minutes; the hourly sweep takes over if the retries run out.
        raise self.retry(exc=exc, countdown=60 * 2**self.request.retries) from exc


@shared_task(name="notifications.handoff", bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=5)
def handoff(self, lifecycle: str, content_type_id: int, object_id: int, key: str, actor_id: int | None) -> int:
    """The notices of one committed lifecycle event (`handoff.notify`, idempotent: safe to retry)."""
    from .handoff import notify

    try:
        return notify(lifecycle, content_type_id, object_id, key, actor_id)
    except Exception as exc:
        raise self.retry(exc=exc, countdown=2**self.request.retries) from exc


@shared_task(name="notifications.retry_email_deliveries", acks_late=True)
def retry_email_deliveries() -> int:
    """Re-queue e-mails that failed or never reached the broker."""
    ids = services.pending_email_ids(max_attempts=settings.REMINDER_EMAIL_MAX_ATTEMPTS)
    for pk in ids:
        deliver_email.delay(pk)
    return len(ids)
