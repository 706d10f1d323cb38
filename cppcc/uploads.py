"""The one set of checks for uploaded files (every `cppcc.models.StoredFile`: proposals' attachments,
consultation outcome files, social-opinion attachments): a size limit per kind of file, and the type
decided by the content, not by the name. Moved here from proposals/uploads.py."""

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
# The setting that caps each kind of stored file (`StoredFile.upload_kind`), read at upload time.
# Every kind shares the proposals' limit today; a kind given its own setting changes one line here.
SIZE_LIMITS = {
    "proposals": "PROPOSAL_ATTACHMENT_MAX_BYTES",
    "consultations": "PROPOSAL_ATTACHMENT_MAX_BYTES",
    "opinions": "PROPOSAL_ATTACHMENT_MAX_BYTES",
}
DEFAULT_LIMIT = "PROPOSAL_ATTACHMENT_MAX_BYTES"


def _size(n: int) -> str:
    for unit, size in (("MB", 1024 * 1024), ("KB", 1024)):
        if n >= size:
            return f"{round(n / size, 1):g} {unit}"
    return f"{n} 字节"


def clean_name(name: str) -> str:
    return PurePath(name or "附件").name.replace("\x00", "")[:200] or "附件"


def size_limit(kind: str | None = None) -> int:
    """The largest file, in bytes, accepted for `kind` (a `StoredFile.upload_kind`)."""
    return getattr(settings, SIZE_LIMITS.get(kind or "", DEFAULT_LIMIT))


def validate(upload, kind: str | None = None) -> str:
    """Return the detected MIME type, or raise ApplicationError with a clear message."""
    limit = size_limit(kind)
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
