from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = "履职考核"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        for model in (
            models.AssessmentScheme,
            models.AssessmentCategory,
            models.AssessmentRule,
            models.AssessmentManualItem,
            models.AssessmentAward,
        ):
            auditlog.register(model)
