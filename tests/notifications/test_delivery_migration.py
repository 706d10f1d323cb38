"""Tying the deliveries to their notices (migrations 0004–0006) keeps every delivery record.

The database is taken back to the schema where a delivery belonged to a reminder (0003); a reminder with
two recipients' notices and in-app/e-mail deliveries is written there, plus a delivery whose notice was
deleted, then the schema is migrated forward: each delivery belongs to its reminder's notice of the same
recipient (one is made back, read, for the lost one), keeps its status, attempts and error, and its time
is the reminder's."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.factories import UserFactory

BEFORE = [("notifications", "0003_handoff_notices")]


def _migrate(targets):
    return MigrationExecutor(connection).migrate(targets).apps


@pytest.fixture
def old_apps(db):
    apps = _migrate(BEFORE)
    yield apps
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_each_delivery_belongs_to_its_reminders_notice(old_apps):
    unit, office = UserFactory(username="mig_unit"), UserFactory(username="mig_office")
    ContentType = old_apps.get_model("contenttypes", "ContentType")
    Reminder = old_apps.get_model("notifications", "Reminder")
    Notification = old_apps.get_model("notifications", "Notification")
    Delivery = old_apps.get_model("notifications", "Delivery")
    reminder = Reminder.objects.create(
        content_type=ContentType.objects.get(app_label="auth", model="user"), object_id=unit.pk,
        kind="proposal_reply", deadline=dt.date(2026, 12, 31), stage="d-3", title="第0001号提案答复",
        url="/proposals/1/",
    )  # fmt: skip
    made = timezone.now() - dt.timedelta(days=3)
    Reminder.objects.filter(pk=reminder.pk).update(created_at=made)
    unit_notice = Notification.objects.create(recipient_id=unit.pk, reminder=reminder, title="【3天后到期】答复")
    Delivery.objects.create(reminder=reminder, recipient_id=unit.pk, channel="in_app", status="sent", attempts=1)
    Delivery.objects.create(reminder=reminder, recipient_id=unit.pk, channel="email", status="failed", attempts=3,
                            last_error="SMTPServerDisconnected")  # fmt: skip
    # The office's notice was deleted; its e-mail delivery record must survive.
    Delivery.objects.create(reminder=reminder, recipient_id=office.pk, channel="email", status="sent", attempts=1)

    apps = _migrate([("notifications", "0006_delivery_belongs_to_notice")])
    Delivery = apps.get_model("notifications", "Delivery")
    Notification = apps.get_model("notifications", "Notification")
    rows = {
        (d.recipient_id, d.channel): (d.notification_id, d.status, d.attempts, d.last_error, d.created_at)
        for d in Delivery.objects.all()
    }
    assert rows[(unit.pk, "in_app")] == (unit_notice.pk, "sent", 1, "", made)
    assert rows[(unit.pk, "email")] == (unit_notice.pk, "failed", 3, "SMTPServerDisconnected", made)
    office_notice = Notification.objects.get(recipient_id=office.pk)
    assert office_notice.reminder_id == reminder.pk and office_notice.read_at is not None
    assert rows[(office.pk, "email")][:2] == (office_notice.pk, "sent")
