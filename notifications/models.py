from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

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
    """An in-app message to one user."""

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


class Delivery(models.Model):
    """One channel's delivery of a reminder to one recipient, with its attempts."""

    class Channel(models.TextChoices):
        IN_APP = "in_app", "站内通知"
        EMAIL = "email", "电子邮件"

    class Status(models.TextChoices):
        PENDING = "pending", "待发送"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"
        SKIPPED = "skipped", "无地址未发"

    reminder = models.ForeignKey(Reminder, on_delete=models.CASCADE, related_name="deliveries")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    last_error = models.TextField("错误信息", max_length=TEXT_MAX_LENGTH, blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "发送记录"
        verbose_name_plural = "发送记录"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["reminder", "recipient", "channel"], name="one_delivery_per_channel")
        ]
        indexes = [models.Index(fields=["status", "channel"])]

    def __str__(self):
        return f"{self.reminder} → {self.recipient}（{self.get_channel_display()}）"
