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
