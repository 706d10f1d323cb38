from celery import shared_task

from .services import audit_purge


@shared_task(name="securitylog.purge", acks_late=True)
def purge() -> dict:
    """Daily: delete audit rows past the retention (idempotent — a second run finds nothing)."""
    return audit_purge()
