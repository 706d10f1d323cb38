from django.apps import AppConfig
from django.conf import settings
from django.core import checks

LEGAL_MINIMUM_DAYS = 183  # 网络安全法 第二十一条: network logs are kept for no less than six months


def check_retention(app_configs=None, **kwargs):
    days = getattr(settings, "AUDIT_RETENTION_DAYS", None)
    if not isinstance(days, int) or days < LEGAL_MINIMUM_DAYS:
        return [
            checks.Error(
                f"AUDIT_RETENTION_DAYS={days!r}: 日志至少保存 {LEGAL_MINIMUM_DAYS} 天（网络安全法 第二十一条）。",
                hint=f"Set AUDIT_RETENTION_DAYS to {LEGAL_MINIMUM_DAYS} or more.",
                id="securitylog.E001",
            )
        ]
    return []


class SecuritylogConfig(AppConfig):
    name = "securitylog"
    verbose_name = "安全审计"

    def ready(self):
        from axes.signals import user_locked_out
        from django.contrib.auth import get_user_model
        from django.contrib.auth import signals as auth_signals
        from django.db.models.signals import m2m_changed, post_migrate, post_save

        from cppcc.lifecycle import event_recorded

        from . import guard, receivers

        checks.register(check_retention, checks.Tags.security)
        auth_signals.user_logged_in.connect(receivers.logged_in, dispatch_uid="securitylog.login")
        auth_signals.user_logged_out.connect(receivers.logged_out, dispatch_uid="securitylog.logout")
        auth_signals.user_login_failed.connect(receivers.login_failed, dispatch_uid="securitylog.login_failed")
        user_locked_out.connect(receivers.locked_out, dispatch_uid="securitylog.locked_out")
        User = get_user_model()
        post_save.connect(receivers.password_saved, sender=User, dispatch_uid="securitylog.password")
        m2m_changed.connect(receivers.groups_changed, sender=User.groups.through, dispatch_uid="securitylog.roles")
        event_recorded.connect(receivers.decision_recorded, dispatch_uid="securitylog.decision")
        post_migrate.connect(guard.refresh_after_migrate, sender=self, dispatch_uid="securitylog.guard")
