"""Writes of the audit trail beyond `record`: the retention purge."""

import datetime as dt

from auditlog.models import LogEntry
from django.db import transaction
from django.utils import timezone

from . import guard
from .models import SecurityEvent
from .recorder import Action, record


def audit_purge(*, actor=None) -> dict:
    """Delete security events and change-log entries older than the retention, and record that.

    Only rows older than `AUDIT_RETENTION_DAYS` go — on PostgreSQL the trigger refuses anything younger,
    so a wrong cut-off here fails loudly instead of deleting evidence.
    """
    days = guard.retention_days()
    cutoff = timezone.now() - dt.timedelta(days=days)
    with transaction.atomic():
        events, _ = SecurityEvent.objects.filter(at__lt=cutoff).delete()
        entries, _ = LogEntry.objects.filter(timestamp__lt=cutoff).delete()
    result = {"retention_days": days, "cutoff": cutoff.isoformat(), "security_events": events, "log_entries": entries}
    record(Action.PURGE, actor=actor, object_repr=f"{cutoff:%Y-%m-%d %H:%M} 之前", detail=result)
    return result
