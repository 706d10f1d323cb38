from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = "履职活动"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        for model in (models.Activity, models.Attendance, models.Regulation):
            auditlog.register(model)
