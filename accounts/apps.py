from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "账号安全"

    def ready(self):
        from . import signals  # noqa: F401
