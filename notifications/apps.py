from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "提醒与通知"

    def ready(self):
        # Each app's deadlines module registers its kinds of deadline with the registry.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("deadlines")
