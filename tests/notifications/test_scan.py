import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core import mail
from django.db import connection

from notifications import services
from notifications.models import Delivery, Notification, Reminder
from proposals import services as proposal_services


def _notified(user, kind=None):
    qs = Notification.objects.filter(recipient=user)
    if kind:
        qs = qs.filter(reminder__kind=kind)
    return list(qs.values_list("title", flat=True))


def test_reply_deadline_reminds_the_unit_at_each_offset_once(assigned, people):
    unit_a, unit_b = people["unit_a"], people["unit_b"]
    services.scan(today=dt.date(2026, 12, 1))
    assert not Reminder.objects.filter(kind="proposal_reply").exists()

    services.scan(today=dt.date(2026, 12, 16))
    services.scan(today=dt.date(2026, 12, 16))  # the same day again: nothing new
    services.scan(today=dt.date(2026, 12, 20))  # same stage, later day: nothing new
    reminders = Reminder.objects.filter(kind="proposal_reply")
    assert list(reminders.values_list("stage", flat=True)) == ["d-15"]
    replies = _notified(unit_a, "proposal_reply")
    assert len(replies) == 1 and "15天后到期" in replies[0]
    assert _notified(unit_b, "proposal_reply") == []  # a co-unit's opinion has no reply deadline of its own

    for day in (dt.date(2026, 12, 28), dt.date(2026, 12, 31)):
        services.scan(today=day)
    assert sorted(reminders.values_list("stage", flat=True)) == ["d-0", "d-15", "d-3"]


def test_overdue_escalates_to_office_then_to_the_supervising_leader(assigned, people, settings):
    settings.REMINDER_ESCALATE_AFTER_DAYS = 30
    proposal_services.proposal_set_flags(
        actor=people["leader"], proposal=assigned, data={"is_key": True, "key_leader": people["leader"]}
    )
    services.scan(today=dt.date(2027, 1, 1))
    assert len(_notified(people["unit_a"], "proposal_reply")) == 1
    assert len(_notified(people["office"], "proposal_reply")) == 1  # overdue: the office is told
    assert _notified(people["leader"]) == []

    services.scan(today=dt.date(2027, 1, 8))  # a week later: the second weekly reminder
    assert len(_notified(people["unit_a"], "proposal_reply")) == 2

    services.scan(today=dt.date(2027, 2, 5))  # 36 days overdue: the key proposal's leader too
    assert len(_notified(people["leader"], "proposal_reply")) == 1
    assert Reminder.objects.filter(stage="overdue-6", escalated=True).exists()


def test_return_window_reminds_units_that_have_not_accepted(assigned, people):
    services.scan(today=dt.date(2026, 12, 7))
    windows = Reminder.objects.filter(kind="proposal_return_window")
    assert windows.count() == 2  # unit a and unit b, stage d-3
    services.scan(today=dt.date(2026, 12, 11))  # the window closed: no overdue reminders for it
    assert windows.count() == 2


def test_feedback_deadline_reminds_the_proposer(draft, walk, people):
    proposal = walk(draft(), "replied")
    proposal.feedback_due = dt.date(2026, 12, 20)
    proposal.save(update_fields=["feedback_due"])
    services.scan(today=dt.date(2026, 12, 17))
    assert any("评价" in t for t in _notified(people["proposer"]))
    services.scan(today=dt.date(2026, 12, 21))
    assert len(_notified(people["office"], "proposal_feedback")) == 1  # overdue feedback goes to the office as well


def test_answered_deadlines_are_not_reminded(draft, walk, people):
    proposal = walk(draft(), "replied")  # the lead reply is approved
    proposal.assignments.update(due_date=dt.date(2026, 12, 1))
    services.scan(today=dt.date(2027, 1, 10))
    assert not Reminder.objects.filter(kind="proposal_reply").exists()


def test_dry_run_sends_nothing(assigned):
    result = services.scan(today=dt.date(2026, 12, 31), dry_run=True)
    assert [item["stage"] for item in result.sent if item["kind"] == "proposal_reply"] == ["d-0"]
    assert not Reminder.objects.exists() and not Notification.objects.exists()


def test_mail_goes_out_once_and_a_failure_is_recorded_and_retried(assigned, people, settings, monkeypatch):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    people["unit_a"].email = "jyj@example.gov.cn"
    people["unit_a"].save()
    services.scan(today=dt.date(2026, 12, 31))
    delivery = Delivery.objects.get(recipient=people["unit_a"], channel=Delivery.Channel.EMAIL)
    assert delivery.status == Delivery.Status.PENDING

    def down(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("notifications.channels.send_mail", down)
    with pytest.raises(ConnectionRefusedError):
        services.deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.FAILED, 1)
    assert "mail server down" in delivery.last_error
    # The in-app notification is there regardless.
    assert len(_notified(people["unit_a"], "proposal_reply")) == 1
    assert services.due_delivery_ids(max_attempts=8) == [delivery.pk]

    monkeypatch.undo()
    assert services.deliver(delivery_id=delivery.pk) == Delivery.Status.SENT
    assert services.deliver(delivery_id=delivery.pk) == Delivery.Status.SENT  # a duplicate task sends nothing
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["jyj@example.gov.cn"]
    assert services.due_delivery_ids(max_attempts=8) == []


def test_celery_task_retries_a_failed_mail(assigned, people, settings, monkeypatch):
    from notifications import channels
    from notifications.tasks import deliver_email

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    people["unit_a"].email = "jyj@example.gov.cn"
    people["unit_a"].save()
    services.scan(today=dt.date(2026, 12, 31))
    delivery = Delivery.objects.get(channel=Delivery.Channel.EMAIL, recipient=people["unit_a"])
    calls = {"n": 0}
    real_send = channels.send_mail

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] < 3:
            raise TimeoutError("smtp timeout")
        return real_send(*args, **kwargs)

    monkeypatch.setattr("notifications.channels.send_mail", flaky)
    monkeypatch.setattr(deliver_email, "retry", lambda exc=None, countdown=None: _retry_now(deliver_email, exc))
    assert _run_with_retries(deliver_email, delivery.pk) == Delivery.Status.SENT
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, calls["n"]) == (Delivery.Status.SENT, 3, 3)
    assert len(mail.outbox) == 1


class _Retry(Exception):
    pass


def _retry_now(task, exc):
    return _Retry(exc)


def _run_with_retries(task, *args, limit=5):
    for _ in range(limit):
        try:
            return task.run(*args)
        except _Retry:
            continue
    raise AssertionError("never succeeded")


def test_a_crash_mid_scan_then_a_retry_sends_each_stage_once(draft, walk, people, monkeypatch):
    """The worker dies after the first reminder of a scan is committed; the redelivered task
    (acks_late) runs the scan again and sends only what was missing."""
    first = walk(draft("关于建设口袋公园的建议"), "assigned")
    second = walk(draft("关于推进垃圾分类的建议"), "assigned")
    for p in (first, second):
        p.assignments.update(due_date=dt.date(2026, 12, 31))
    real_send = services._send
    calls = {"n": 0}

    def crash_after_first(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise SystemExit("worker killed")
        return real_send(*args, **kwargs)

    monkeypatch.setattr(services, "_send", crash_after_first)
    with pytest.raises(SystemExit):
        services.scan(today=dt.date(2026, 12, 31))
    assert Reminder.objects.filter(kind="proposal_reply").count() == 1

    monkeypatch.setattr(services, "_send", real_send)
    services.scan(today=dt.date(2026, 12, 31))
    services.scan(today=dt.date(2026, 12, 31))
    assert Reminder.objects.filter(kind="proposal_reply").count() == 2
    assert Notification.objects.filter(recipient=people["unit_a"], reminder__kind="proposal_reply").count() == 2


@pytest.mark.xdist_group("postgres_concurrency")  # see pyproject [tool.pytest] markers
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent transactions need PostgreSQL")
def test_concurrent_scans_send_each_reminder_once(assigned, people):
    barrier = threading.Barrier(4)

    def run():
        try:
            barrier.wait(timeout=10)
            return services.scan(today=dt.date(2026, 12, 31))
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: run(), range(4)))
    sent = sum(len(r.sent) for r in results)
    assert sent == Reminder.objects.count() > 0
    assert Notification.objects.filter(recipient=people["unit_a"], reminder__kind="proposal_reply").count() == 1


def test_scan_query_count_does_not_grow_with_deadlines(draft, walk, django_assert_max_num_queries):
    """Reading the deadlines costs a fixed number of queries; writing costs a few per reminder sent."""
    for i in range(6):
        walk(draft(f"建议{i}"), "assigned")
    services.scan(today=dt.date(2026, 11, 1))  # nothing due yet: only the reads
    with django_assert_max_num_queries(12):
        services.scan(today=dt.date(2026, 11, 2))


def test_the_office_runs_the_scan_from_the_reminders_page(assigned, people, client, time_machine):
    """Today's scan at the click of 立即扫描: the reminders due today are sent, once however often it is clicked."""
    time_machine.move_to(dt.datetime(2026, 12, 16, 10, tzinfo=dt.UTC))
    client.force_login(people["office"])
    response = client.post("/notifications/reminders/scan/", follow=True)
    assert response.redirect_chain[-1][0] == "/notifications/reminders/"
    assert "已完成期限扫描：新发提醒 1 条" in response.content.decode()
    assert len(_notified(people["unit_a"], "proposal_reply")) == 1
    response = client.post("/notifications/reminders/scan/", follow=True)
    assert "新发提醒 0 条，已发过 1 条" in response.content.decode()
    assert len(_notified(people["unit_a"], "proposal_reply")) == 1
