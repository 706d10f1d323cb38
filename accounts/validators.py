"""Password rules beyond Django's own (等保2.0: complexity, and a record of when it was set)."""

import string

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils import timezone

CLASSES = (
    ("小写字母", frozenset(string.ascii_lowercase)),
    ("大写字母", frozenset(string.ascii_uppercase)),
    ("数字", frozenset(string.digits)),
    ("特殊符号", frozenset(string.punctuation)),
)


def character_classes(password: str) -> set[str]:
    return {name for name, chars in CLASSES if any(c in chars for c in password)}


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with its error in Chinese (Django 5.2's reworded message has no zh-hans translation)."""

    def get_error_message(self):
        return f"密码太短，至少需要 {self.min_length} 个字符。"

    def get_help_text(self):
        return f"密码至少 {self.min_length} 个字符。"


class CharacterClassValidator:
    """At least `min_classes` of: lower-case letters, upper-case letters, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        found = character_classes(password)
        if len(found) < self.min_classes:
            missing = "、".join(name for name, _ in CLASSES if name not in found)
            raise ValidationError(
                "密码须至少包含小写字母、大写字母、数字、特殊符号中的 %(min)d 类（当前缺少：%(missing)s）。",
                code="password_too_simple",
                params={"min": self.min_classes, "missing": missing},
            )

    def get_help_text(self):
        return f"密码须至少包含小写字母、大写字母、数字、特殊符号中的 {self.min_classes} 类。"


class PasswordChangeRecorder:
    """Records when a user's password was set, through the validators' `password_changed` hook.

    Django calls `password_changed` on every configured validator after `User.save()` stores a
    password given to `set_password()` — whatever path did it (change form, admin, shell) — so this
    is the one place that sees them all. A user who sets their own password is no longer required to
    change it; code that sets a password for someone else flags the account afterwards
    (`accounts.services.require_password_change`).
    """

    def validate(self, password, user=None):
        return None

    def password_changed(self, password, user=None):
        if user is None or user.pk is None:
            return
        from .models import AccountSecurity

        AccountSecurity.objects.update_or_create(
            user=user, defaults={"password_changed_at": timezone.now(), "must_change_password": False}
        )

    def get_help_text(self):
        from .policy import password_max_age_days

        days = password_max_age_days()
        return f"密码有效期 {days} 天，到期后须修改。" if days else ""
