"""Checks for uploaded files: size limit and type decided by the content, not by the name."""

from pathlib import PurePath

import filetype
from django.conf import settings

from cppcc.errors import ApplicationError

ALLOWED = {
    "application/pdf": (".pdf",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "application/msword": (".doc",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
}
_OLE2 = bytes.fromhex("D0CF11E0A1B11AE1")  # legacy .doc (Word 97–2003, WPS)


def _size(n: int) -> str:
    for unit, size in (("MB", 1024 * 1024), ("KB", 1024)):
        if n >= size:
            return f"{round(n / size, 1):g} {unit}"
    return f"{n} 字节"


def clean_name(name: str) -> str:
    return PurePath(name or "附件").name.replace("\x00", "")[:200] or "附件"


def validate(upload) -> str:
    """Return the detected MIME type, or raise ApplicationError with a clear message."""
    limit = settings.PROPOSAL_ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ApplicationError(
            f"附件“{clean_name(upload.name)}”超过 {_size(limit)} 的大小上限。",
            errors={"attachments": ["文件过大。"]},
        )
    if upload.size == 0:
        raise ApplicationError("附件为空文件。", errors={"attachments": ["文件为空。"]})
    head = upload.read(8192)
    upload.seek(0)
    detected = filetype.guess_mime(head)
    if detected is None and head.startswith(_OLE2):
        detected = "application/msword"
    suffix = PurePath(upload.name or "").suffix.lower()
    if detected not in ALLOWED or suffix not in ALLOWED[detected]:
        raise ApplicationError(
            f"附件“{clean_name(upload.name)}”的格式不受支持或与扩展名不符："
            "只接受 PDF、Word（.doc/.docx）和 PNG/JPEG 图片。",
            errors={"attachments": ["文件类型不受支持。"]},
        )
    return detected
