"""Abstract base models shared by every app (no tables of their own)."""

from django.conf import settings
from django.db import models

from .limits import TEXT_MAX_LENGTH


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


class WorkflowEvent(models.Model):
    """One line of a record's timeline: who took which action, the states before and after, a note
    and the action's details. Each lifecycle's concrete event model adds the foreign keys of the
    records it is about and is written only by its lifecycle's `record()` / `move()`
    (cppcc/lifecycle.py). A subclass may narrow the state columns (e.g. with its state choices)."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    action = models.CharField("操作", max_length=30)
    from_state = models.CharField("原状态", max_length=20, blank=True)
    to_state = models.CharField("新状态", max_length=20, blank=True)
    note = models.TextField("说明", max_length=TEXT_MAX_LENGTH, blank=True)
    data = models.JSONField("数据", default=dict, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.action} {self.from_state}→{self.to_state}"
