"""E-mail and SMS of every notice: the SMS gateway against a local stub server (up, down, back up), the
channel choices per kind, SMS quiet hours, the daily digest and the office's view of failures."""

import datetime as dt
import json
import zoneinfo

import pytest
from celery.exceptions import Retry
from django.contrib.contenttypes.models import ContentType
from django.core import mail

from notifications import channels, services, sms
from notifications.models import Delivery, Notification, NotificationPreference, Reminder
from notifications.tasks import backoff
from notifications.tasks import deliver as deliver_task
from proposals import services as proposal_services

from .gateway_stub import GatewayStub, closed_port_url

SH = zoneinfo.ZoneInfo("Asia/Shanghai")
MOBILE = "13912345678"


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


@pytest.fixture
def gateway(settings):
    stub = GatewayStub()
    settings.SMS_BACKEND = "notifications.sms.HttpGatewayBackend"
    settings.SMS_GATEWAY_URL = stub.url
    settings.SMS_GATEWAY_TOKEN = "gw-token-42"
    settings.SMS_GATEWAY_TIMEOUT = 2
    yield stub
    stub.stop()


def opt_in(user, **data):
    return services.preference_save(actor=user, data={"mobile": MOBILE, **data})


def outbox(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def channels_of(user) -> set[str]:
    return set(Delivery.objects.filter(recipient=user).values_list("channel", flat=True))


# --- the HTTP gateway, against the local stub ---------------------------------------------------------


def test_an_sms_handoff_notice_reaches_the_gateway_once(
    people, draft, walk, eager, gateway, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(local(2026, 12, 8, 10, 0))
    unit_a = people["unit_a"]
    opt_in(unit_a, handoff_sms=True)
    proposal = walk(draft(), "filed")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        proposal_services.proposal_assign(actor=people["office"], proposal=proposal, lead_unit=people["units"]["a"])
    for callback in callbacks:  # the broker delivering the event and the delivery tasks again
        callback()

    assert [r["json"] for r in gateway.requests] == [
        {"mobile": MOBILE, "text": f"【区政协】待办：签收交办——提案《{proposal.title}》", "sign": "区政协"}
    ]
    (request,) = gateway.requests
    assert request["authorization"] == "Bearer gw-token-42"
    assert request["content_type"].startswith("application/json")
    sms_delivery = Delivery.objects.get(recipient=unit_a, channel=Delivery.Channel.SMS)
    assert (sms_delivery.status, sms_delivery.attempts) == (Delivery.Status.SENT, 1)
    assert sms_delivery.notification.title == f"待办：签收交办——提案《{proposal.title}》"
    assert channels_of(unit_a) == {"in_app", "sms"}  # hand-off e-mail is off unless chosen
    # Someone who did not opt in gets the in-app notice only.
    assert channels_of(people["unit_b"]) <= {"in_app"}


def test_gateway_down_retries_with_backoff_nothing_lost_and_the_office_sees_it(
    people, draft, walk, eager, gateway, settings, time_machine, monkeypatch, client,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    time_machine.move_to(local(2026, 12, 8, 10, 0))
    unit_a = people["unit_a"]
    opt_in(unit_a, handoff_sms=True)
    settings.SMS_GATEWAY_URL = closed_port_url()
    countdowns = []
    real_retry = deliver_task.retry

    def spy(*args, **kwargs):
        try:
            return real_retry(*args, **kwargs)
        except Retry:
            countdowns.append(kwargs["countdown"])
            raise

    monkeypatch.setattr(deliver_task, "retry", spy)
    monkeypatch.setattr(deliver_task, "max_retries", 3)
    proposal = walk(draft(), "filed")
    with django_capture_on_commit_callbacks(execute=True):
        proposal_services.proposal_assign(actor=people["office"], proposal=proposal, lead_unit=people["units"]["a"])

    failed = Delivery.objects.get(recipient=unit_a, channel=Delivery.Channel.SMS)
    assert (failed.status, failed.attempts) == (Delivery.Status.FAILED, 4)  # the first try and 3 retries
    assert failed.last_error.startswith("无法连接短信网关")
    assert MOBILE not in failed.last_error
    assert countdowns == [60, 120, 240]  # 1, 2, 4 minutes
    assert gateway.requests == []
    # The in-app notice is there regardless.
    assert Notification.objects.filter(recipient=unit_a, event_key__startswith="proposals.").count() == 1

    # The office sees the failure, its error and its attempts, with a 重试 button.
    client.force_login(people["office"])
    page = client.get("/notifications/reminders/", {"channel": "sms", "status": "failed"}).content.decode()
    assert "通知发送记录" in page
    assert proposal.title in page and "发送失败" in page and "无法连接短信网关" in page
    assert "<td>4</td>" in page and 'data-testid="retry-one"' in page

    # The gateway is back: the sweep sends it, once, however often it runs.
    settings.SMS_GATEWAY_URL = gateway.url
    with django_capture_on_commit_callbacks(execute=True):
        assert services.deliveries_sweep(max_attempts=8) == 1
        assert services.deliveries_sweep(max_attempts=8) == 0
    assert len(gateway.requests) == 1
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.last_error) == (Delivery.Status.SENT, 5, "")


def test_the_office_retries_a_failed_delivery_from_the_page(
    people, draft, walk, eager, gateway, settings, time_machine, client, django_capture_on_commit_callbacks
):
    time_machine.move_to(local(2026, 12, 8, 10, 0))
    opt_in(people["unit_a"], handoff_sms=True)
    gateway.status, gateway.body = 503, {"message": "网关维护中"}
    settings.SMS_GATEWAY_URL = gateway.url
    proposal = walk(draft(), "filed")
    with django_capture_on_commit_callbacks(execute=True):
        proposal_services.proposal_assign(actor=people["office"], proposal=proposal, lead_unit=people["units"]["a"])
    failed = Delivery.objects.get(channel=Delivery.Channel.SMS)
    assert failed.status == Delivery.Status.FAILED and "HTTP 503：网关维护中" in failed.last_error
    tries = len(gateway.requests)

    gateway.status, gateway.body = 200, {"code": 0}
    client.force_login(people["office"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/notifications/reminders/retry/", {"delivery": failed.pk}, follow=True)
    assert "已重新发送 1 条失败的通知" in response.content.decode()
    failed.refresh_from_db()
    assert failed.status == Delivery.Status.SENT and len(gateway.requests) == tries + 1
    client.force_login(people["unit_a"])
    assert client.post("/notifications/reminders/retry/", {"delivery": failed.pk}).status_code == 403


@pytest.mark.parametrize(
    "status, body, delay, expected",
    [
        (500, {"message": "内部错误"}, 0, "短信网关返回 HTTP 500：内部错误"),
        (200, {"code": 1, "msg": "签名未报备"}, 0, "短信网关拒绝发送：签名未报备"),
        (200, {"success": False, "error": "号码格式错误"}, 0, "短信网关拒绝发送：号码格式错误"),
        (200, {"ok": True}, 0, None),
        (200, "", 0, None),
        (200, {"code": 0}, 1.0, "短信网关超时（0.3 秒无应答）"),
    ],
)
def test_gateway_answers_read_as_success_or_a_readable_error(gateway, settings, status, body, delay, expected):
    gateway.status, gateway.body, gateway.delay = status, body, delay
    settings.SMS_GATEWAY_TIMEOUT = 0.3
    backend = sms.HttpGatewayBackend()
    if expected is None:
        backend.send(MOBILE, "【区政协】测试")
    else:
        with pytest.raises(sms.SmsError) as error:
            backend.send(MOBILE, "【区政协】测试")
        assert str(error.value) == expected
    assert gateway.requests[0]["json"] == {"mobile": MOBILE, "text": "【区政协】测试", "sign": "区政协"}


def test_gateway_closed_port_and_missing_url_are_readable_errors(settings):
    settings.SMS_GATEWAY_URL = closed_port_url()
    with pytest.raises(sms.SmsError, match="^无法连接短信网关"):
        sms.HttpGatewayBackend().send(MOBILE, "x")
    settings.SMS_GATEWAY_URL = ""
    with pytest.raises(sms.SmsError, match="SMS_GATEWAY_URL"):
        sms.HttpGatewayBackend().send(MOBILE, "x")


def test_backoff_doubles_from_one_minute():
    assert [backoff(n) for n in range(5)] == [60, 120, 240, 480, 960]


def test_file_and_console_backends(_sms_outbox, settings, caplog):
    sms.backend().send(MOBILE, "【区政协】文件")
    assert [(m["mobile"], m["text"]) for m in outbox(_sms_outbox)] == [(MOBILE, "【区政协】文件")]
    settings.SMS_BACKEND = "notifications.sms.ConsoleBackend"
    with caplog.at_level("INFO", logger="notifications.sms"):
        sms.backend().send(MOBILE, "【区政协】控制台")
    assert "139****5678" in caplog.text and MOBILE not in caplog.text


# --- channel choices --------------------------------------------------------------------------------


def _notice(user, kind: str) -> Notification:
    if kind == "reminder":
        reminder = Reminder.objects.create(
            content_type=ContentType.objects.get_for_model(user), object_id=user.pk, kind="proposal_reply",
            deadline=dt.date(2026, 12, 31), stage="d-3", title="第0001号提案答复",
        )  # fmt: skip
        return Notification.objects.create(recipient=user, reminder=reminder, title="【3天后到期】第0001号提案答复")
    return Notification.objects.create(recipient=user, event_key="proposals.proposalevent:1", title="待办：签收交办")


@pytest.mark.parametrize("kind", ["handoff", "reminder"])
@pytest.mark.parametrize("email_mode", ["off", "instant", "digest"])
@pytest.mark.parametrize("wants_sms", [False, True])
def test_channel_choices_decide_the_deliveries(make_user, kind, email_mode, wants_sms):
    user = make_user(email="weiyuan@example.gov.cn")
    other = "reminder" if kind == "handoff" else "handoff"
    # The other kind's choices are the opposite: they must not leak into this kind's deliveries.
    opt_in(user, **{f"{kind}_email": email_mode, f"{kind}_sms": wants_sms, f"{other}_email": "off",
                    f"{other}_sms": not wants_sms})  # fmt: skip
    notice = _notice(user, kind)
    pending = services.deliveries_create(notices=[notice], now=local(2026, 12, 8, 10, 0))

    rows = {d.channel: d for d in Delivery.objects.filter(notification=notice)}
    expected = {"in_app"} | ({"email"} if email_mode != "off" else set()) | ({"sms"} if wants_sms else set())
    assert set(rows) == expected
    assert rows["in_app"].status == Delivery.Status.SENT
    if "email" in rows:
        assert rows["email"].digest == (email_mode == "digest")
        assert (rows["email"].not_before == local(2026, 12, 8, 17, 30)) == (email_mode == "digest")
    instant = {rows[c].pk for c in rows if c != "in_app" and not rows[c].digest}
    assert set(pending) == instant  # what is queued at once


@pytest.mark.parametrize(
    "kind, expected",
    [("reminder", {"in_app", "email"}), ("handoff", {"in_app"})],
)
def test_defaults_before_a_user_chooses(make_user, kind, expected):
    user = make_user(email="danwei@example.gov.cn")
    assert not NotificationPreference.objects.filter(user=user).exists()
    notice = _notice(user, kind)
    services.deliveries_create(notices=[notice], now=local(2026, 12, 8, 10, 0))
    assert channels_of(user) == expected


def test_no_address_is_recorded_as_skipped(make_user):
    user = make_user()  # no e-mail, no mobile, not a member
    services.preference_save(actor=user, data={"reminder_email": "instant", "reminder_sms": True})
    services.deliveries_create(notices=[_notice(user, "reminder")], now=local(2026, 12, 8, 10, 0))
    rows = Delivery.objects.filter(recipient=user).exclude(channel="in_app")
    assert {d.channel: (d.status, d.last_error) for d in rows} == {
        "email": (Delivery.Status.SKIPPED, "未登记电子邮件地址"),
        "sms": (Delivery.Status.SKIPPED, "未登记手机号码"),
    }


def test_a_members_own_phone_receives_the_sms_unless_another_number_is_entered(people, _sms_outbox):
    proposer = people["proposer"]  # a member, whose phone is in the register
    phone = proposer.member.phone
    services.preference_save(actor=proposer, data={"reminder_sms": True})
    notice = _notice(proposer, "reminder")
    (pk,) = services.deliveries_create(notices=[notice], now=local(2026, 12, 8, 10, 0))[-1:]
    services.deliver(delivery_id=pk, now=local(2026, 12, 8, 10, 0))
    assert [m["mobile"] for m in outbox(_sms_outbox)] == [phone]
    opt_in(proposer)
    assert channels.channel("sms").address(proposer) == MOBILE


# --- quiet hours --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, end, at, expected",
    [
        ("22:00", "07:30", local(2026, 12, 7, 23, 0), local(2026, 12, 8, 7, 30)),
        ("22:00", "07:30", local(2026, 12, 8, 6, 0), local(2026, 12, 8, 7, 30)),
        ("22:00", "07:30", local(2026, 12, 8, 7, 30), None),
        ("22:00", "07:30", local(2026, 12, 8, 21, 59), None),
        ("12:00", "14:00", local(2026, 12, 8, 13, 0), local(2026, 12, 8, 14, 0)),
        ("12:00", "14:00", local(2026, 12, 8, 15, 0), None),
        ("00:00", "00:00", local(2026, 12, 8, 3, 0), None),
    ],
)
def test_quiet_hours(start, end, at, expected):
    preference = NotificationPreference(quiet_start=dt.time.fromisoformat(start), quiet_end=dt.time.fromisoformat(end))
    assert channels.quiet_until(preference, at) == expected


def test_an_sms_in_quiet_hours_waits_until_they_end(make_user, _sms_outbox, eager, time_machine,
                                                     django_capture_on_commit_callbacks):  # fmt: skip
    user = make_user()
    opt_in(user, reminder_sms=True, reminder_email="off")
    time_machine.move_to(local(2026, 12, 7, 23, 0))
    notice = _notice(user, "reminder")
    assert services.deliveries_create(notices=[notice]) == []  # nothing to send now
    held = Delivery.objects.get(recipient=user, channel=Delivery.Channel.SMS)
    assert (held.status, held.not_before) == (Delivery.Status.PENDING, local(2026, 12, 8, 7, 30))

    time_machine.move_to(local(2026, 12, 7, 23, 30))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.deliveries_sweep(max_attempts=8) == 0
    assert services.deliver(delivery_id=held.pk) == Delivery.Status.PENDING  # a stray task sends nothing either
    assert outbox(_sms_outbox) == []

    time_machine.move_to(local(2026, 12, 8, 7, 31))
    assert services.due_delivery_ids(max_attempts=8, deferred_only=True) == [held.pk]
    with django_capture_on_commit_callbacks(execute=True):
        assert services.deliveries_sweep(max_attempts=8) == 1
        assert services.deliveries_sweep(max_attempts=8) == 0
    assert [m["text"] for m in outbox(_sms_outbox)] == ["【区政协】【3天后到期】第0001号提案答复"]
    held.refresh_from_db()
    assert held.status == Delivery.Status.SENT


# --- daily digest -------------------------------------------------------------------------------


def test_the_daily_digest_lists_the_notices_in_one_mail_once(make_user, time_machine, settings):
    settings.SITE_URL = "https://zx.example.gov.cn"
    user = make_user(email="weiyuan@example.gov.cn", first_name="明", last_name="张")
    services.preference_save(actor=user, data={"handoff_email": "digest", "reminder_email": "digest"})
    time_machine.move_to(local(2026, 12, 8, 9, 0))
    handoff = _notice(user, "handoff")
    handoff.url = "/proposals/7/"
    handoff.save()
    reminder = _notice(user, "reminder")
    assert services.deliveries_create(notices=[handoff, reminder]) == []  # nothing sent one by one
    assert services.due_delivery_ids(max_attempts=8) == []

    assert services.send_digests(now=local(2026, 12, 8, 17, 0)) == 0  # not yet time
    # Past the digest time, the sweep still leaves them to the digest (never one mail each).
    assert services.due_delivery_ids(now=local(2026, 12, 8, 18, 0), max_attempts=8) == []
    assert mail.outbox == []
    assert services.send_digests(now=local(2026, 12, 8, 17, 30)) == 1
    assert services.send_digests(now=local(2026, 12, 8, 17, 31)) == 0  # a second run sends nothing

    (message,) = mail.outbox
    assert message.to == ["weiyuan@example.gov.cn"] and "2 条通知" in message.subject
    assert "1. 待办：签收交办\n   https://zx.example.gov.cn/proposals/7/" in message.body
    assert "2. 【3天后到期】第0001号提案答复" in message.body
    statuses = Delivery.objects.filter(recipient=user, channel="email").values_list("status", "attempts")
    assert set(statuses) == {(Delivery.Status.SENT, 1)}


def test_a_failed_digest_is_recorded_and_sent_by_a_later_run(make_user, monkeypatch):
    user = make_user(email="weiyuan@example.gov.cn")
    services.preference_save(actor=user, data={"reminder_email": "digest"})
    services.deliveries_create(notices=[_notice(user, "reminder")], now=local(2026, 12, 8, 9, 0))

    def down(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("notifications.channels.send_mail", down)
    assert services.send_digests(now=local(2026, 12, 8, 17, 30)) == 0
    row = Delivery.objects.get(recipient=user, channel="email")
    assert (row.status, row.attempts) == (Delivery.Status.FAILED, 1) and "mail server down" in row.last_error
    assert services.digests_due(now=local(2026, 12, 8, 18, 5), max_attempts=8)  # the sweep will run it again
    monkeypatch.undo()
    assert services.send_digests(now=local(2026, 12, 8, 18, 5)) == 1
    assert len(mail.outbox) == 1


def test_the_delivery_page_costs_the_same_for_more_rows(people, make_user, client, django_assert_max_num_queries):
    client.force_login(people["office"])

    def add(count):
        for i in range(count):
            user = make_user(email=f"u{i}-{count}@example.gov.cn")
            services.deliveries_create(notices=[_notice(user, "reminder")], now=local(2026, 12, 8, 10, 0))

    add(2)
    client.get("/notifications/reminders/")  # warm the session and caches
    with django_assert_max_num_queries(12) as few:
        client.get("/notifications/reminders/")
    add(8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/notifications/reminders/").content.decode()
    assert page.count('data-testid="delivery"') == 20  # in-app and e-mail of 10 reminders


def test_the_gateway_takes_only_an_http_address(settings):
    """A file: or ftp: address in SMS_GATEWAY_URL is refused before anything is opened."""
    from notifications.sms import HttpGatewayBackend, SmsError

    for url in ("file:///etc/passwd", "ftp://127.0.0.1/sms"):
        settings.SMS_GATEWAY_URL = url
        with pytest.raises(SmsError, match="须以 http:// 或 https:// 开头"):
            HttpGatewayBackend().send("13912345678", "【区政协】测试")
