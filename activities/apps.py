from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = "履职活动"

    def ready(self):
        from auditlog.registry import auditlog

        for model in self.get_models():  # activities, attendance, regulations: every change is audited
            auditlog.register(model)
