"""Abstract base models shared by every app (no tables of their own)."""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models

from . import uploads
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


def stored_file_path(instance, filename):
    """`<upload_kind>/<2 hex>/<32 hex><.suffix>`: random names, so the original name (kept in the row)
    never reaches the file system or a URL."""
    return f"{instance.upload_kind}/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}{Path(filename).suffix.lower()[:8]}"


class StoredFile(models.Model):
    """An uploaded file kept under MEDIA_ROOT: proposals' attachments, consultation outcome files (and,
    once moved, social-opinion attachments). A concrete subclass sets `upload_kind` (the folder under
    MEDIA_ROOT, and the key of its size limit in cppcc/uploads.py) and adds the foreign key of what the
    file belongs to; it is written only through `store()`, which validates the upload first."""

    upload_kind = ""

    file = models.FileField("文件", upload_to=stored_file_path, max_length=200)
    original_name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveIntegerField("大小")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["id"]

    def __str__(self):
        return self.original_name

    @classmethod
    def store(cls, upload, *, actor, **fields):
        """Check `upload` (size for the kind, type by content: cppcc/uploads.py) and save it as a new
        row with `fields` (the owner's foreign key). Raises ApplicationError for a refused file."""
        content_type = uploads.validate(upload, kind=cls.upload_kind)
        return cls.objects.create(
            file=upload,
            original_name=uploads.clean_name(upload.name),
            content_type=content_type,
            size=upload.size,
            uploaded_by=actor,
            **fields,
        )
