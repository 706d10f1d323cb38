from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cppcc.crypto import EncryptedCharField
from cppcc.limits import TEXT_MAX_LENGTH


class Reminder(models.Model):
    """One reminder stage of one deadline of one object — sent at most once (database constraint)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    kind = models.CharField("期限类型", max_length=40)
    deadline = models.DateField("期限")
    stage = models.CharField("提醒阶段", max_length=20)
    title = models.CharField("标题", max_length=200)
    url = models.CharField("链接", max_length=200, blank=True)
    escalated = models.BooleanField("已升级", default=False)
    created_at = models.DateTimeField("生成时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "提醒"
        verbose_name_plural = "提醒"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "kind", "deadline", "stage"], name="reminder_sent_once"
            )
        ]

    def __str__(self):
        return f"{self.title}（{self.stage}）"


class Notification(models.Model):
    """An in-app message to one user: a deadline reminder (`reminder`) or a hand-off notice (`event_key`)."""

    class Kind(models.TextChoices):
        HANDOFF = "handoff", "待办通知"
        REMINDER = "reminder", "期限提醒"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE, related_name="notifications"
    )
    reminder = models.ForeignKey(
        Reminder, verbose_name="提醒", on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    # A hand-off notice names the workflow event that caused it ("proposals.proposalevent:42"): one notice
    # per event and recipient, however often the delivery is attempted.
    event_key = models.CharField("事件", max_length=100, blank=True)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", max_length=TEXT_MAX_LENGTH, blank=True)
    url = models.CharField("链接", max_length=200, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]
        constraints = [
            models.UniqueConstraint(fields=["reminder", "recipient"], name="one_notification_per_reminder_recipient"),
            models.UniqueConstraint(
                fields=["event_key", "recipient"], condition=~Q(event_key=""), name="one_notice_per_event_recipient"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def kind(self) -> str:
        return self.Kind.REMINDER if self.reminder_id else self.Kind.HANDOFF


def _setting(name):
    return getattr(settings, name)


def default_handoff_email():
    return _setting("NOTIFY_DEFAULT_HANDOFF_EMAIL")


def default_handoff_sms():
    return _setting("NOTIFY_DEFAULT_HANDOFF_SMS")


def default_reminder_email():
    return _setting("NOTIFY_DEFAULT_REMINDER_EMAIL")


def default_reminder_sms():
    return _setting("NOTIFY_DEFAULT_REMINDER_SMS")


def default_quiet_start():
    return _setting("SMS_QUIET_START")


def default_quiet_end():
    return _setting("SMS_QUIET_END")


class NotificationPreference(models.Model):
    """How one user wants to be told, per kind of notice; in-app notices always arrive.

    No row until the user first saves the settings page: until then the defaults from settings apply
    (`channels.preference_for`)."""

    class EmailMode(models.TextChoices):
        OFF = "off", "不发送"
        INSTANT = "instant", "即时"
        DIGEST = "digest", "每日汇总"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="notification_preference"
    )
    handoff_email = models.CharField(
        "待办通知·邮件", max_length=10, choices=EmailMode.choices, default=default_handoff_email
    )
    handoff_sms = models.BooleanField("待办通知·短信", default=default_handoff_sms)
    reminder_email = models.CharField(
        "期限提醒·邮件", max_length=10, choices=EmailMode.choices, default=default_reminder_email
    )
    reminder_sms = models.BooleanField("期限提醒·短信", default=default_reminder_sms)
    quiet_start = models.TimeField("短信免打扰开始", default=default_quiet_start)
    quiet_end = models.TimeField("短信免打扰结束", default=default_quiet_end)
    # Empty: a number another app knows (a member's own phone, `channels.register_mobile_source`) is used.
    mobile = EncryptedCharField("接收短信的手机号码", max_length=20, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "通知设置"
        verbose_name_plural = "通知设置"

    def __str__(self):
        return f"{self.user}的通知设置"

    def email_mode(self, kind: str) -> str:
        return self.handoff_email if kind == Notification.Kind.HANDOFF else self.reminder_email

    def wants_sms(self, kind: str) -> bool:
        return self.handoff_sms if kind == Notification.Kind.HANDOFF else self.reminder_sms


class Delivery(models.Model):
    """One channel's delivery of one notice (a deadline reminder or a hand-off notice) to its recipient,
    with its attempts. Unique per notice and channel: a rerun, a retry or a second worker finds the row."""

    class Channel(models.TextChoices):
        IN_APP = "in_app", "站内"
        EMAIL = "email", "邮件"
        SMS = "sms", "短信"

    class Status(models.TextChoices):
        PENDING = "pending", "待发送"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"
        SKIPPED = "skipped", "无地址未发"

    notification = models.ForeignKey(
        Notification, verbose_name="通知", on_delete=models.CASCADE, related_name="deliveries"
    )
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    # Waits for the recipient's daily e-mail digest (sent at not_before) instead of going out alone.
    digest = models.BooleanField("每日汇总", default=False)
    # Not sent before this moment: the end of the recipient's SMS quiet hours, or the digest time.
    not_before = models.DateTimeField("最早发送时间", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    last_error = models.TextField("错误信息", max_length=TEXT_MAX_LENGTH, blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    created_at = models.DateTimeField("生成时间", default=timezone.now, db_index=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "发送记录"
        verbose_name_plural = "发送记录"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="one_delivery_per_notice_channel")
        ]
        indexes = [models.Index(fields=["status", "channel"]), models.Index(fields=["status", "not_before"])]

    def __str__(self):
        return f"{self.notification} → {self.recipient}（{self.get_channel_display()}）"
