"""Housekeeping tasks run by Celery beat."""

from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone


@shared_task(name="cppcc.clear_expired_sessions", acks_late=True)
def clear_expired_sessions() -> int:
    """Delete expired login sessions (idempotent: running it twice deletes nothing more)."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
