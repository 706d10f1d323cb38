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


class OrderedNameModel(TimeStampedModel):
    """Reference data with a name and the office's own display order: the roster's sectors, parties,
    committees, groups and units, and the configurable categories of proposals and social-opinion
    reports (a subclass may narrow `name`)."""

    name = models.CharField("名称", max_length=100, unique=True)
    order = models.PositiveIntegerField("排序", default=100)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        abstract = True
        ordering = ["order", "id"]

    def __str__(self):
        return self.name


class ConfigurableCategory(OrderedNameModel):
    """The categories of a kind of record (提案类别, 社情民意类别 …): created by a data migration and
    editable by the office."""

    name = models.CharField("名称", max_length=50, unique=True)

    class Meta(OrderedNameModel.Meta):
        abstract = True


def optional_fk(to, verbose_name=None, **options):
    """An optional reference (null and blank allowed) that protects what it points to."""
    return models.ForeignKey(to, verbose_name=verbose_name, on_delete=models.PROTECT, null=True, blank=True, **options)


def user_fk(verbose_name=None, *, optional=False):
    """The user who did something to a record (录入人, 交办人, 审核人 …): protected, with no reverse
    accessor on the user."""
    if optional:
        return optional_fk(settings.AUTH_USER_MODEL, verbose_name, related_name="+")
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=verbose_name, on_delete=models.PROTECT, related_name="+"
    )


def feedback_fields():
    """A department's feedback on what was passed to it — 反馈内容, 反馈时间 and who gave it — for a
    model to unpack into fields of its own names (`feedback, feedback_at, feedback_by = feedback_fields()`)."""
    return (
        models.TextField("反馈内容", max_length=TEXT_MAX_LENGTH, blank=True),
        models.DateTimeField("反馈时间", null=True, blank=True),
        user_fk(optional=True),
    )


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
    never reaches the file system or a URL. The apps' first migrations name it by an older name in
    the app (`proposals.models._attachment_path` …), which each app binds to this function."""
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
    uploaded_by = user_fk()
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
