"""Attachments: size limit, type judged by content, random storage names, permission-checked download."""

import io
import struct
import zlib
from pathlib import Path

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from proposals import services
from proposals.models import Attachment, Reply

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def _png_1x1() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1×1, 8-bit RGB
    pixels = zlib.compress(b"\x00\xff\x00\x00")  # filter byte + one red pixel
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def _docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("调研报告：城中村改造情况")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


PNG = _png_1x1()
DOCX = _docx()
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def upload_url(proposal):
    return f"/api/v1/proposals/{proposal.pk}/attachments/"


def upload(client, proposal, name, content):
    return client.post(upload_url(proposal), {"file": SimpleUploadedFile(name, content)}, format="multipart")


def stored_files(root: Path):
    return [p for p in root.rglob("*") if p.is_file()]


def download(client, url):
    response = client.get(url)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return response, content


def test_generated_png_is_a_valid_image():
    assert PNG.startswith(b"\x89PNG") and PNG[12:16] == b"IHDR"
    assert zlib.decompress(PNG[PNG.index(b"IDAT") + 4 : -16]) == b"\x00\xff\x00\x00"


@pytest.mark.parametrize(
    ("name", "content", "mime"),
    [("调研报告.pdf", PDF, "application/pdf"), ("现场照片.PNG", PNG, "image/png"), ("附件说明.docx", DOCX, DOCX_MIME)],
    ids=["pdf", "png", "docx"],
)
def test_accepted_types_are_stored_under_a_random_name(api_as, people, draft, media_root, name, content, mime):
    proposal = draft()
    response = upload(api_as("proposer"), proposal, name, content)
    assert response.status_code == 201, response.content.decode()
    data = response.json()
    assert (data["original_name"], data["content_type"], data["size"]) == (name, mime, len(content))
    assert data["url"] == reverse("proposals:attachment", args=[data["id"]])

    attachment = Attachment.objects.get(pk=data["id"])
    assert attachment.proposal == proposal and attachment.uploaded_by == people["proposer"]
    stored = Path(attachment.file.path)
    assert stored.is_relative_to(media_root)
    assert stored.read_bytes() == content
    assert attachment.file.name.startswith("proposals/")
    assert Path(name).stem not in attachment.file.name  # the original name never reaches the file system
    assert stored.suffix == Path(name).suffix.lower()
    assert stored_files(media_root) == [stored]
    assert proposal.events.latest("id").action == "attach"


def test_two_uploads_of_the_same_name_do_not_collide(api_as, draft, media_root):
    proposal = draft()
    client = api_as("proposer")
    first = upload(client, proposal, "报告.pdf", PDF).json()
    second = upload(client, proposal, "报告.pdf", PDF + b"%second\n").json()
    names = {Attachment.objects.get(pk=x["id"]).file.name for x in (first, second)}
    assert len(names) == 2
    assert len(stored_files(media_root)) == 2


def test_too_large_is_refused_with_a_clear_message_and_nothing_stored(api_as, draft, media_root, settings):
    settings.PROPOSAL_ATTACHMENT_MAX_BYTES = 1024 * 1024
    proposal = draft()
    big = PDF + b"0" * (1024 * 1024 + 1 - len(PDF))
    response = upload(api_as("proposer"), proposal, "大文件.pdf", big)
    assert response.status_code == 400
    data = response.json()
    assert "大文件.pdf" in data["message"] and "1 MB" in data["message"]
    assert "attachments" in data["errors"]
    assert not Attachment.objects.exists()
    assert stored_files(media_root) == []


def test_exactly_the_limit_is_accepted(api_as, draft, media_root, settings):
    settings.PROPOSAL_ATTACHMENT_MAX_BYTES = 4096
    content = PDF + b"0" * (4096 - len(PDF))
    assert upload(api_as("proposer"), draft(), "刚好.pdf", content).status_code == 201


def test_size_message_states_a_limit_below_one_megabyte(api_as, draft, media_root, settings):
    settings.PROPOSAL_ATTACHMENT_MAX_BYTES = 500 * 1024
    content = PDF + b"0" * (600 * 1024)
    response = upload(api_as("proposer"), draft(), "扫描件.pdf", content)
    assert response.status_code == 400
    assert "0 MB" not in response.json()["message"]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("伪装.pdf", "这其实是一个文本文件。\n".encode()),
        ("照片.pdf", PNG),  # a real image, but not what its name says
        ("报告.docx", PDF),
        ("脚本.exe", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64),
        ("页面.html", b"<html><script>alert(1)</script></html>"),
    ],
    ids=["text-as-pdf", "png-as-pdf", "pdf-as-docx", "exe", "html"],
)
def test_content_that_does_not_match_an_allowed_type_is_refused(api_as, draft, media_root, name, content):
    response = upload(api_as("proposer"), draft(), name, content)
    assert response.status_code == 400
    data = response.json()
    assert "格式不受支持" in data["message"] and name in data["message"]
    assert "attachments" in data["errors"]
    assert not Attachment.objects.exists()
    assert stored_files(media_root) == []


def test_empty_file_is_refused(api_as, draft, media_root):
    response = upload(api_as("proposer"), draft(), "空.pdf", b"")
    assert response.status_code == 400
    assert "file" in response.json()["errors"] or "attachments" in response.json()["errors"]
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("cosigner", 403), ("outsider", 404), ("office", 404)])
def test_only_the_owner_attaches(api_as, draft, media_root, who, status):
    proposal = draft()
    assert upload(api_as(who), proposal, "附件.pdf", PDF).status_code == status
    assert stored_files(media_root) == []


def test_no_attachments_after_submission(api_as, people, draft, media_root):
    proposal = draft()
    services.proposal_submit(actor=people["proposer"], proposal=proposal)
    response = upload(api_as("proposer"), proposal, "补充.pdf", PDF)
    assert response.status_code == 409
    assert stored_files(media_root) == []


# ---------------------------------------------------------------------------------------------
# Download
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def attached(api_as, draft, media_root):
    proposal = draft()
    data = upload(api_as("proposer"), proposal, "调研报告 2026.pdf", PDF).json()
    return proposal, data["url"]


def test_owner_downloads_as_attachment_with_nosniff(client_for, people, attached):
    _, url = attached
    response, content = download(client_for(people["proposer"]), url)
    assert response.status_code == 200
    assert content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''" in disposition  # the Chinese original name, encoded
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("who", "submitted", "status"),
    [
        ("cosigner", False, 200),
        ("office", False, 404),  # the draft is not the office's yet
        ("office", True, 200),
        ("leader", True, 200),
        ("outsider", True, 404),
        ("unit_a", True, 404),
        ("admin", True, 403),
        ("auditor", True, 403),
    ],
)
def test_download_follows_the_visibility_of_the_proposal(client_for, people, attached, who, submitted, status):
    proposal, url = attached
    if submitted:
        services.proposal_submit(actor=people["proposer"], proposal=proposal)
    response, content = download(client_for(people[who]), url)
    assert response.status_code == status
    if status == 200:
        assert content == PDF
    else:
        assert PDF not in content


def test_anonymous_download_goes_to_login(client_for, attached):
    _, url = attached
    response = client_for(None).get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_unknown_attachment_is_404(client_for, people, media_root):
    response = client_for(people["office"]).get(reverse("proposals:attachment", args=[999999]))
    assert response.status_code == 404


def test_reply_letter_attachment_is_checked_stored_and_visible_to_unit_and_proposer(
    api_as, client_for, people, draft, walk, media_root
):
    proposal = walk(draft(), "handling", co=())
    reply_url = f"/api/v1/proposals/{proposal.pk}/reply/"
    unit = people["units"]["a"].pk
    bad = api_as("unit_a").post(
        reply_url,
        {"unit": unit, "result": "A", "content": "答复", "attachment": SimpleUploadedFile("答复函.pdf", b"plain")},
        format="multipart",
    )
    assert bad.status_code == 400
    assert not Reply.objects.exists() and stored_files(media_root) == []

    ok = api_as("unit_a").post(
        reply_url,
        {"unit": unit, "result": "A", "content": "答复", "attachment": SimpleUploadedFile("答复函.pdf", PDF)},
        format="multipart",
    )
    assert ok.status_code == 200, ok.content.decode()
    reply = Reply.objects.get()
    assert reply.attachment.original_name == "答复函.pdf" and reply.attachment.proposal == proposal
    url = reverse("proposals:attachment", args=[reply.attachment.pk])
    for who in ("unit_a", "proposer", "office"):
        assert download(client_for(people[who]), url)[0].status_code == 200, who
    assert download(client_for(people["unit_b"]), url)[0].status_code == 404
