from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = "履职考核"

    def ready(self):
        from auditlog.registry import auditlog

        for model in self.get_models():  # schemes, categories, rules, manual points, awards: all audited
            auditlog.register(model)
