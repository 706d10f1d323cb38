"""Per-account security state: when the password was last set and whether it must be changed."""

from django.conf import settings
from django.db import models


class AccountSecurity(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="账号", on_delete=models.CASCADE, related_name="security"
    )
    must_change_password = models.BooleanField(
        "须修改密码", default=False, help_text="由他人设置的初始密码或重置密码，首次登录须修改。"
    )
    password_changed_at = models.DateTimeField("密码设置时间", null=True, blank=True)

    class Meta:
        verbose_name = "账号安全状态"
        verbose_name_plural = "账号安全状态"

    def __str__(self):
        return f"{self.user}"


class ApiToken(models.Model):
    """An API token (`Authorization: Token <key>`). A user may hold several (one per device or script).

    Only a SHA-256 digest of the key is stored: the key is shown once, when it is issued. A token
    ends after `API_TOKEN_IDLE_TIMEOUT` seconds without use and at `expires_at` (issue time plus
    `API_TOKEN_ABSOLUTE_TIMEOUT`), and is deleted at password change, logout everywhere, lockout and
    when its owner revokes it (accounts/tokens.py).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="账号", on_delete=models.CASCADE, related_name="api_tokens"
    )
    digest = models.CharField("令牌摘要", max_length=64, unique=True)
    prefix = models.CharField("令牌前缀", max_length=8, help_text="令牌的前 8 位，便于本人辨认。")
    name = models.CharField("名称", max_length=200, blank=True, help_text="签发时的客户端（User-Agent）。")
    created_at = models.DateTimeField("签发时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", db_index=True)
    expires_at = models.DateTimeField("到期时间", db_index=True)

    class Meta:
        verbose_name = "API 令牌"
        verbose_name_plural = "API 令牌"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.user} · {self.prefix}…"
