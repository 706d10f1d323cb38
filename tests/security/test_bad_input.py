"""Bad input, table by table: uploads judged by content and stored under random names, downloads served
as attachments, stored markup rendered escaped, CSRF enforced, malformed filters, ids, enums, dates and
SQL-ish strings answered with 4xx (never 5xx) and without leaking rows.

Uses the module-wide `world` of tests/security/conftest.py (member A's proposal, opinion and consultation
outcome with a PDF each, unit A, every role)."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from rest_framework.test import APIClient

from tests.security.conftest import MARK_PROPOSAL

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program cannot be run"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>'
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


PLAIN_ZIP = _zip({"readme.txt": b"not a document"})
# A .docx-shaped zip whose single member inflates ~1000x (200 MB from ~200 KB): a "zip bomb".
BOMB_DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"\x00" * (200 * 1024 * 1024)})

# (case, file name, content, expected status) — every row is refused unless it says 201.
UPLOADS = [
    ("pdf is accepted", "调研报告.pdf", PDF, 201),
    ("exe renamed .pdf", "invoice.pdf", EXE, 400),
    ("elf renamed .pdf", "report.pdf", ELF, 400),
    ("html renamed .docx", "page.docx", HTML, 400),
    ("svg with script renamed .png", "photo.png", SVG, 400),
    ("plain zip renamed .docx", "archive.docx", PLAIN_ZIP, 400),
    ("pdf content named .png", "photo.png", PDF, 400),
    ("html named .html", "page.html", HTML, 400),
    ("pdf named .exe", "setup.exe", PDF, 400),
    ("empty file", "empty.pdf", b"", 400),
    ("path traversal in name", "../../../etc/passwd.pdf", PDF, 201),
    ("nul byte in name", "恶意\x00名称.pdf", PDF, 201),  # names stay out of hex storage names
]

UPLOAD_TARGETS = {
    # target: (role uploading, URL template, world key of the object)
    "proposal": ("member", "/api/v1/proposals/{pk}/attachments/", "draft"),
    "opinion": ("member", "/api/v1/opinions/{pk}/attachments/", "opinion_draft"),
    "outcome": ("office", "/api/v1/consultation-outcomes/{pk}/files/", "outcome"),
}


def _upload(client, url, name, content):
    return client.post(url, {"file": SimpleUploadedFile(name, content)}, format="multipart")


@pytest.mark.parametrize("target", list(UPLOAD_TARGETS))
@pytest.mark.parametrize("case,name,content,expected", UPLOADS, ids=[row[0] for row in UPLOADS])
def test_uploads_are_judged_by_content(world, api_client_for, media_dir, target, case, name, content, expected):
    role, url, key = UPLOAD_TARGETS[target]
    before = {p for p in media_dir.rglob("*") if p.is_file()}
    response = _upload(api_client_for(role), url.format(pk=world[key].pk), name, content)
    assert response.status_code == expected, (case, response.content[:300])
    stored = {p for p in media_dir.rglob("*") if p.is_file()} - before
    if expected == 201:
        (path,) = stored
        # Random storage name: nothing of the original name reaches the file system.
        stem = name.replace("\x00", "").rsplit("/", 1)[-1].rsplit(".", 1)[0]
        assert stem not in str(path.relative_to(media_dir))
        assert ".." not in path.relative_to(media_dir).parts and path.read_bytes() == content
    else:
        assert not stored, "a refused upload leaves no file behind"
        assert response.json()["message"]


@pytest.mark.parametrize("target", list(UPLOAD_TARGETS))
def test_upload_above_the_size_setting_is_refused(world, api_client_for, media_dir, target):
    role, url, key = UPLOAD_TARGETS[target]
    with override_settings(PROPOSAL_ATTACHMENT_MAX_BYTES=1024):
        response = _upload(api_client_for(role), url.format(pk=world[key].pk), "big.pdf", PDF + b"0" * 2048)
    assert response.status_code == 400
    assert "大小上限" in response.json()["message"]


def test_zip_bomb_report_template_is_refused_without_unpacking(world, page_client):
    from reports.models import ReportTemplate

    response = page_client("office").post(
        "/reports/documents/template/", {"file": SimpleUploadedFile("模板.docx", BOMB_DOCX)}
    )
    assert len(BOMB_DOCX) < 1024 * 1024, "the bomb is small on the wire"
    assert response.status_code == 400
    assert "解压后过大" in response.content.decode()
    assert not ReportTemplate.objects.exists(), "the bomb did not become the template in use"


DOWNLOADS = [
    ("proposal attachment", "/proposals/attachments/{pk}/", "proposal_attachment", "office"),
    ("opinion attachment", "/opinions/attachments/{pk}/", "opinion_attachment", "office"),
    ("outcome file", "/consultations/outcome-files/{pk}/", "outcome_file", "office"),
]


@pytest.mark.parametrize("case,url,key,role", DOWNLOADS, ids=[row[0] for row in DOWNLOADS])
def test_files_are_served_as_attachments(world, page_client, case, url, key, role):
    response = page_client(role).get(url.format(pk=world[key].pk))
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/pdf"
    b"".join(response.streaming_content)


# --- stored markup renders escaped -------------------------------------------------------------------
XSS = '<script>alert("xss")</script><img src=x onerror=alert(1)>'
XSS_SHORT = '<script>alert("xss")</script>'  # fits the 50 characters of a member's name
ESCAPED = "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;"


def _store_markup(world):
    from activities.models import Activity
    from members.models import Member
    from proposals.models import Proposal
    from supervision.opinion_models import OpinionReport

    Proposal.objects.filter(pk=world["proposal"].pk).update(title="提案" + XSS, background="背景" + XSS)
    OpinionReport.objects.filter(pk=world["opinion"].pk).update(title="社情" + XSS, content="内容" + XSS)
    Member.objects.filter(pk=world["member_a"].pk).update(name="甲" + XSS_SHORT)
    Activity.objects.filter(pk=world["inspection"].activity_id).update(title="视察" + XSS)


PAGES = [
    ("proposal detail", "office", "/proposals/{proposal}/"),
    ("proposal detail (member)", "member", "/proposals/{proposal}/"),
    ("proposal list", "office", "/proposals/"),
    ("my proposals", "member", "/proposals/mine/"),
    ("unit inbox", "unit_a", "/proposals/inbox/"),
    ("opinion detail", "office", "/opinions/{opinion}/"),
    ("opinion list", "office", "/opinions/"),
    ("member detail", "office", "/members/{member_a}/"),
    ("member list", "office", "/members/"),
    ("inspection detail", "office", "/supervision/{inspection}/"),
    ("inspection list", "leader", "/supervision/"),
]


@pytest.mark.parametrize("case,role,url", PAGES, ids=[row[0] for row in PAGES])
def test_stored_markup_renders_escaped(world, page_client, case, role, url):
    _store_markup(world)
    path = url.format(**{k: world[k].pk for k in ("proposal", "opinion", "member_a", "inspection")})
    response = page_client(role).get(path, {"q": "", "name": XSS})
    assert response.status_code == 200, case
    html = response.content.decode()
    assert "<script>alert" not in html and "<img src=x onerror" not in html
    assert ESCAPED in html or "&lt;script&gt;" in html, f"{case}: the stored text is shown, escaped"


# --- CSRF --------------------------------------------------------------------------------------------
def test_csrf_login_form_without_token_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "sec_office", "password": "Test-pass-2026"})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_csrf_action_form_without_token_is_refused(world):
    from proposals.models import Proposal

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["member"])
    response = client.post(f"/proposals/{world['draft'].pk}/do/submit/", {})
    assert response.status_code == 403
    assert Proposal.objects.get(pk=world["draft"].pk).state == world["draft"].state


def test_csrf_action_form_with_token_goes_through(world):
    """The control case: the same session, with the token the page hands out, is not refused by CSRF."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["member"])
    page = client.get(f"/proposals/{world['draft'].pk}/")
    token = page.cookies["csrftoken"].value if "csrftoken" in page.cookies else page.context["csrf_token"]
    response = client.post(f"/proposals/{world['draft'].pk}/do/submit/", {"csrfmiddlewaretoken": str(token)})
    assert response.status_code != 403


def test_csrf_api_session_post_without_token_is_refused(world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.users["member"])
    response = client.post("/api/v1/proposals/", {"title": "无令牌的提案"}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["message"]


# --- malformed query strings, ids, bodies ------------------------------------------------------------
LONG = "长" * 5000
SQLISH = ["' OR '1'='1", "1; DROP TABLE proposals_proposal; --", "1 UNION SELECT password FROM auth_user", '")--']

# (url, query, expected) — through the API as the office (a role that may read every list).
API_QUERIES = [
    ("/api/v1/proposals/", {"year": "abc"}, 400),
    ("/api/v1/proposals/", {"year": "-1e20"}, 400),
    ("/api/v1/proposals/", {"year": "99999999999999999999"}, 400),
    ("/api/v1/proposals/", {"year": "2024.5"}, 400),
    ("/api/v1/proposals/", {"state": "bogus"}, 400),
    ("/api/v1/proposals/", {"kind": LONG}, 400),
    ("/api/v1/proposals/", {"category": "abc"}, 400),
    ("/api/v1/proposals/", {"category": "99999999999999999999"}, 400),
    ("/api/v1/proposals/", {"session": "1 OR 1=1"}, 400),
    ("/api/v1/proposals/", {"unit": "-1"}, 400),
    ("/api/v1/proposals/", {"proposer": "\x00"}, 400),
    ("/api/v1/proposals/", {"page": "abc"}, 404),
    ("/api/v1/proposals/", {"page": "99999999999999999999"}, 404),
    ("/api/v1/proposals/", {"page_size": "-5"}, 200),
    ("/api/v1/proposals/", {"q": LONG}, 200),
    ("/api/v1/proposals/", {"q": "\x00"}, 400),
    ("/api/v1/inspections/", {"year": "-99999999999"}, 400),
    ("/api/v1/inspections/", {"type": "<script>"}, 400),
    ("/api/v1/recommendations/", {"year": "0"}, 400),
    ("/api/v1/recommendations/", {"inspection": "1e309"}, 400),
    ("/api/v1/consultation-topics/", {"year": "1e5"}, 400),
    ("/api/v1/consultation-topics/", {"quarter": "9"}, 400),
    ("/api/v1/consultation-activities/", {"year": "x"}, 400),
    ("/api/v1/consultation-outcomes/", {"state": ["accepted", "nope"]}, 400),
    ("/api/v1/activities/", {"year": "99999"}, 400),
    ("/api/v1/attendance/", {"year": "-5"}, 400),
    ("/api/v1/members/", {"sector": "abc"}, 400),
    ("/api/v1/members/", {"gender": "X" * 300}, 400),
    ("/api/v1/members/", {"q": LONG}, 200),
    ("/api/v1/opinions/", {"q": LONG}, 200),
    ("/api/v1/reports/annual/", {"year": "abc"}, 400),
    ("/api/v1/reports/annual/", {"year": "-1"}, 400),
    ("/api/v1/assessments/", {"year": "abc"}, 400),
]


@pytest.mark.parametrize("url,query,expected", API_QUERIES, ids=[f"{u}?{q}"[:60] for u, q, _ in API_QUERIES])
def test_bad_filter_values_answer_4xx(world, api_client_for, url, query, expected):
    response = api_client_for("office").get(url, query)
    assert response.status_code == expected, response.content[:300]
    if expected >= 400:
        assert set(response.json()) == {"message", "errors"}


API_PATHS = [
    ("/api/v1/proposals/abc/", 404),
    ("/api/v1/proposals/-1/", 404),
    ("/api/v1/proposals/99999999999999999999/", 404),
    ("/api/v1/proposals/1e3/", 404),
    ("/api/v1/proposals/%00/", 404),
    ("/api/v1/members/0x10/", 404),
    ("/api/v1/opinions/1%20OR%201=1/", 404),
    ("/api/v1/assessments/abc/", 404),
]


@pytest.mark.parametrize("url,expected", API_PATHS)
def test_bad_ids_in_paths_answer_404(world, api_client_for, url, expected):
    assert api_client_for("office").get(url).status_code == expected


# (url, role, JSON body, expected) — malformed bodies on writes.
API_BODIES = [
    ("/api/v1/proposals/", "member", {"title": "x" * 5000, "background": "b", "suggestions": "s"}, 400),
    ("/api/v1/proposals/", "member", {"title": "含\x00空字符", "background": "b", "suggestions": "s"}, 400),
    ("/api/v1/proposals/", "member", {"title": "t", "kind": "bogus", "background": "b", "suggestions": "s"}, 400),
    ("/api/v1/proposals/", "member", {"title": ["list"], "background": {"a": 1}}, 400),
    ("/api/v1/proposals/", "member", {"title": "t", "category": "1; DROP TABLE x"}, 400),
    (
        "/api/v1/inspections/",
        "office",
        {"type": "inspection", "title": "t", "topic": "t", "start_date": "2026-13-45"},
        400,
    ),
    (
        "/api/v1/inspections/",
        "office",
        {"type": "inspection", "title": "t", "topic": "t", "start_date": "99999-01-01"},
        400,
    ),
    ("/api/v1/inspections/", "office", {"type": "nope", "title": "t", "topic": "t", "start_date": "2026-01-01"}, 400),
    ("/api/v1/activities/", "office", {"kind": "training", "title": "t", "start_date": "yesterday"}, 400),
    ("/api/v1/members/", "office", {"name": "x", "birth_date": "1975-02-30", "id_number": "' OR 1=1"}, 400),
    ("/api/v1/consultation-plans/", "office", {"year": 10**30}, 400),
    ("/api/v1/terms/", "office", {"number": 99, "name": "第九十九届", "start_year": 2030, "end_year": 196}, 400),
    ("/api/v1/opinions/", "member", {"title": LONG, "content": "c"}, 400),
]


@pytest.mark.parametrize(
    "url,role,body,expected", API_BODIES, ids=[f"{r}:{u}#{i}" for i, (u, r, _, _) in enumerate(API_BODIES)]
)
def test_malformed_bodies_answer_400(world, api_client_for, url, role, body, expected):
    response = api_client_for(role).post(url, body, format="json")
    assert response.status_code == expected, response.content[:300]
    assert set(response.json()) == {"message", "errors"}


PAGE_QUERIES = [
    ("/proposals/", {"year": "-1e20"}),
    ("/proposals/", {"year": "abc", "state": "bogus", "category": "99999999999999999999"}),
    ("/proposals/", {"page": "abc"}),
    ("/proposals/", {"q": LONG}),
    ("/opinions/", {"q": LONG, "page": "-1"}),
    ("/members/", {"sector": "abc", "order": "bogus"}),
    ("/supervision/", {"year": "99999999999"}),
    ("/activities/", {"year": "1e400"}),
    ("/reports/dashboard/", {"year": "abc"}),
]


@pytest.mark.parametrize("url,query", PAGE_QUERIES, ids=[f"{u}?{q}"[:60] for u, q in PAGE_QUERIES])
def test_pages_with_bad_filters_do_not_fail(world, page_client, url, query):
    response = page_client("office").get(url, query)
    assert response.status_code in (200, 302, 400, 404), response.status_code


@pytest.mark.parametrize("value", SQLISH)
@pytest.mark.parametrize("url", ["/api/v1/proposals/", "/api/v1/opinions/", "/api/v1/members/"])
def test_sqlish_search_is_harmless(world, api_client_for, url, value):
    from proposals.models import Proposal

    before = Proposal.objects.count()
    response = api_client_for("other_member").get(url, {"q": value})
    assert response.status_code in (200, 403)
    assert MARK_PROPOSAL not in response.content.decode()
    assert Proposal.objects.count() == before


def test_count_of_bad_inputs():
    """The figure for the report: how many bad inputs these tables try."""
    refused_uploads = sum(1 for row in UPLOADS if row[3] != 201) * len(UPLOAD_TARGETS)
    total = (
        refused_uploads + len(UPLOAD_TARGETS) + 1  # oversize per target, zip bomb
        + len(PAGES) + 4  # stored markup pages, CSRF cases
        + len(API_QUERIES) + len(API_PATHS) + len(API_BODIES) + len(PAGE_QUERIES) + len(SQLISH) * 3
    )  # fmt: skip
    print(f"\nbad inputs tried: {total}")
    assert total >= 100
