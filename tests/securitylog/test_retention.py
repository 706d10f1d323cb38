"""Retention: the purge removes exactly the rows past it; on PostgreSQL the database itself refuses
to change any security event or to delete a row (of either log) younger than the retention."""

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from cppcc.roles import Role
from securitylog import guard
from securitylog.models import SecurityEvent
from securitylog.services import audit_purge
from securitylog.tasks import purge

Action = SecurityEvent.Action
AGES = {"200d": 200, "184d": 184, "182d": 182, "fresh": 0}

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="the guard is PostgreSQL-only")


def _ago(days):
    return timezone.now() - dt.timedelta(days=days)


@pytest.fixture
def aged(db):
    """One security event and one change-log entry of each age."""
    content_type = ContentType.objects.get_for_model(SecurityEvent)
    rows = {}
    for name, days in AGES.items():
        rows[name] = (
            SecurityEvent.objects.create(action=Action.LOGIN, actor_username=name, at=_ago(days)),
            LogEntry.objects.create(
                content_type=content_type, object_pk=name, object_repr=name, action=0, timestamp=_ago(days)
            ),
        )
    return rows


def test_purge_removes_exactly_the_rows_older_than_the_retention(aged):
    result = audit_purge()
    assert (result["retention_days"], result["security_events"], result["log_entries"]) == (183, 2, 2)
    kept = set(SecurityEvent.objects.exclude(action=Action.PURGE).values_list("actor_username", flat=True))
    assert kept == {"182d", "fresh"}
    assert set(LogEntry.objects.filter(object_repr__in=AGES).values_list("object_repr", flat=True)) == {"182d", "fresh"}
    [event] = SecurityEvent.objects.filter(action=Action.PURGE)
    assert (event.detail["security_events"], event.detail["log_entries"]) == (2, 2)


def test_purge_task_is_idempotent(aged):
    assert purge.apply().get()["security_events"] == 2
    assert purge.apply().get()["security_events"] == 0
    assert SecurityEvent.objects.filter(action=Action.PURGE).count() == 2


def test_a_longer_retention_keeps_more(aged, settings):
    settings.AUDIT_RETENTION_DAYS = 190
    assert audit_purge()["security_events"] == 1  # only the 200-day row


def test_purge_is_scheduled_daily(settings):
    assert settings.CELERY_BEAT_SCHEDULE["purge-audit-logs"]["task"] == "securitylog.purge"


def test_guard_is_not_installed_on_other_databases(db):
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL installs it")
    assert guard.install(connection) is False


# --- PostgreSQL: the database refuses ---------------------------------------------------------------


def _refused(statement):
    with pytest.raises(DatabaseError, match="审计日志"), transaction.atomic():
        statement()


@on_postgresql
@pytest.mark.parametrize("age", ["fresh", "200d"])
def test_no_security_event_can_be_updated(aged, age):
    event, _ = aged[age]
    _refused(lambda: SecurityEvent.objects.filter(pk=event.pk).update(actor_username="someone-else"))
    event.refresh_from_db()
    assert event.actor_username == age


@on_postgresql
@pytest.mark.parametrize("age", ["fresh", "182d"])
def test_young_rows_cannot_be_deleted(aged, age):
    event, entry = aged[age]
    _refused(lambda: SecurityEvent.objects.filter(pk=event.pk).delete())
    _refused(lambda: LogEntry.objects.filter(pk=entry.pk).delete())
    with connection.cursor() as cursor:  # not through the ORM either
        _refused(lambda: cursor.execute("DELETE FROM securitylog_securityevent WHERE id = %s", [event.pk]))
    assert SecurityEvent.objects.filter(pk=event.pk).exists() and LogEntry.objects.filter(pk=entry.pk).exists()


@on_postgresql
def test_rows_past_the_retention_can_be_deleted(aged):
    event, entry = aged["184d"]
    assert SecurityEvent.objects.filter(pk=event.pk).delete()[0] == 1
    assert LogEntry.objects.filter(pk=entry.pk).delete()[0] == 1


@on_postgresql
def test_change_log_entries_cannot_be_edited(aged):
    _, entry = aged["fresh"]
    _refused(lambda: LogEntry.objects.filter(pk=entry.pk).update(changes_text="nothing happened"))


@on_postgresql
def test_deleting_a_user_may_still_null_the_change_log_actor(db, make_user):
    user = make_user(Role.OFFICE, username="leaving")
    content_type = ContentType.objects.get_for_model(SecurityEvent)
    entry = LogEntry.objects.create(
        content_type=content_type, object_pk="1", object_repr="x", action=0, actor=user, actor_email="l@example.org"
    )
    SecurityEvent.objects.create(action=Action.LOGIN, actor_id=user.pk, actor_username="leaving")
    user.delete()
    entry.refresh_from_db()
    assert (entry.actor_id, entry.actor_email) == (None, "l@example.org")
    assert SecurityEvent.objects.filter(actor_username="leaving").exists()  # the security log is untouched
    # …but the null-the-actor allowance covers only that: setting it to someone else is refused.
    other = make_user(username="other")
    _refused(lambda: LogEntry.objects.filter(pk=entry.pk).update(actor=other))


@on_postgresql
def test_the_guard_follows_a_longer_retention_but_never_goes_below_183_days(aged):
    guard.install(connection, days=190)  # DDL is transactional: the test's rollback restores the default
    _refused(lambda: SecurityEvent.objects.filter(pk=aged["184d"][0].pk).delete())
    guard.install(connection, days=30)
    _refused(lambda: SecurityEvent.objects.filter(pk=aged["182d"][0].pk).delete())
    assert SecurityEvent.objects.filter(pk=aged["184d"][0].pk).delete()[0] == 1


@on_postgresql
def test_purge_on_postgresql_passes_the_guard(aged):
    result = audit_purge()
    assert (result["security_events"], result["log_entries"]) == (2, 2)
    assert set(SecurityEvent.objects.exclude(action=Action.PURGE).values_list("actor_username", flat=True)) == {
        "182d",
        "fresh",
    }
