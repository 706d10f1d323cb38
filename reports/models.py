"""The Word template of the annual work report that the office uploads.

Every upload is kept; the one marked active is used, and with none active the committed default
(`reports/templates_docx/work_report.docx`) is. Writes go through `reports.documents`.
"""

import uuid

from django.db import models
from django.db.models import Q

from cppcc.models import user_fk


def _template_path(instance, filename):
    # A random name under MEDIA_ROOT (outside the web root); the original name stays in the row.
    return f"report_templates/{uuid.uuid4().hex}.docx"


class ReportTemplate(models.Model):
    file = models.FileField("模板文件", upload_to=_template_path, max_length=200)
    original_name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    is_active = models.BooleanField("正在使用", default=True)
    uploaded_by = user_fk("上传人")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    retired_at = models.DateTimeField("停用时间", null=True, blank=True)

    class Meta:
        verbose_name = "工作报告模板"
        verbose_name_plural = "工作报告模板"
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="one_active_report_template"
            )
        ]

    def __str__(self):
        return self.original_name
