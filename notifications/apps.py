from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "提醒与通知"

    def ready(self):
        # Each app's deadlines module registers its kinds of deadline with the registry.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("deadlines")

        # Hand-off notices: every committed lifecycle event (cppcc.lifecycle).
        from cppcc.lifecycle import event_committed

        from .handoff import on_event_committed

        event_committed.connect(on_event_committed, dispatch_uid="notifications.handoff")

        # A change of one's channel choices is in the change log; the mobile number never is.
        from auditlog.registry import auditlog

        from .models import NotificationPreference

        auditlog.register(NotificationPreference, mask_fields=["mobile"], mask_callable="cppcc.crypto.mask_all")
