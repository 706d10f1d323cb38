from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "统计报表"

    def ready(self):
        from auditlog.registry import auditlog

        from .models import ReportTemplate

        auditlog.register(ReportTemplate)
