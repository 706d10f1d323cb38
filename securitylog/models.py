"""The security-event log (等保2.0 安全审计): who did what security-relevant thing, when, from where.

Rows are written only through `securitylog.record`; on PostgreSQL a trigger refuses every UPDATE and
every DELETE of a row younger than the retention (see `securitylog/guard.py`).
"""

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone


class SecurityEvent(models.Model):
    class Action(models.TextChoices):
        LOGIN = "login", "登录"
        LOGIN_FAILED = "login_failed", "登录失败"
        LOCKED_OUT = "locked_out", "账号锁定"
        LOGOUT = "logout", "退出登录"
        DENIED = "denied", "拒绝访问"
        DECISION = "decision", "办理决定"
        VIEW_ID = "view_id", "查看完整身份证号码"
        EXPORT = "export", "导出/下载"
        PASSWORD_CHANGE = "password_change", "修改密码"
        ROLE_CHANGE = "role_change", "角色变更"
        PURGE = "purge", "清理过期日志"
        # issue 12: password resets by link, account details, API tokens and sign-outs
        RESET_REQUEST = "reset_request", "申请密码重置链接"
        PASSWORD_RESET = "password_reset", "通过链接重置密码"
        ACCOUNT_CHANGE = "account_change", "账号资料变更"
        TOKEN_REVOKE = "token_revoke", "注销令牌或登录"

    class Outcome(models.TextChoices):
        SUCCESS = "success", "成功"
        FAILURE = "failure", "失败"
        DENIED = "denied", "拒绝"

    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    # Plain values, not a foreign key: deleting a user must never touch (or be blocked by) the log.
    actor_id = models.BigIntegerField("操作人ID", null=True, blank=True, db_index=True)
    actor_username = models.CharField("操作人", max_length=150, blank=True, db_index=True)
    action = models.CharField("事件", max_length=20, choices=Action.choices, db_index=True)
    object_type = models.CharField("对象类型", max_length=100, blank=True)
    object_id = models.CharField("对象ID", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    outcome = models.CharField("结果", max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS)
    status_code = models.PositiveSmallIntegerField("响应状态", null=True, blank=True)
    ip = models.GenericIPAddressField("来源地址", null=True, blank=True)
    method = models.CharField("请求方法", max_length=10, blank=True)
    # The path only, never the query string: it may carry names or ID numbers typed into a search.
    path = models.CharField("请求路径", max_length=500, blank=True)
    detail = models.JSONField("详情", default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = "安全事件"
        verbose_name_plural = "安全事件"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="securitylog_object_idx"),
            models.Index(fields=["ip"], name="securitylog_ip_idx"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_username or '-'} {self.get_action_display()}"
