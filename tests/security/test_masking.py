"""A mask is only a mask if nothing else restores it (issue 12, item 1).

Member A gets a real ID number, birth date and mobile. Then every role that may not see the full ID
number asks every GET page and every GET API operation of the project (the same discovery as the
route and API matrices, so a new route is walked too), plus the searches, the htmx fragment and the
roster writer; Excel answers are read back with openpyxl, Word with python-docx. No answer may carry
the full number, nor the month and day of birth in any common form — the masked number
(110105********1234) hides exactly the 8 birth digits, so the full date would give it back.
The office is the control: its answers do show the full number and date, so the collector works.
"""

import datetime as dt
import io
import re

import docx
import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from openpyxl import load_workbook

from members import idcard

from .conftest import active_roles
from .routes import fill, openapi_operations, page_routes
from .urlargs import API_OBJECTS, PAGE_KWARGS

# A birth date far from today: the world's own dates lie around today, and "03-14" in a timestamp
# must not pass for a leak.
_MONTH = 3 if timezone.localdate().month not in (2, 3, 4) else 9
BIRTH = dt.date(1975, _MONTH, 14)
ID_NUMBER = idcard.make("110105", BIRTH, 123)
PHONE = "13912345678"
UNIT_PHONE = "13800138000"  # unit A's contact: the office sees it in full, everyone else masked

_M, _D = BIRTH.month, BIRTH.day
BIRTH_FORMS = [
    # the year with month and day: 1975-03-14, 1975/3/14, 1975.03.14, 1975年3月14日, 19750314, 1975 03 14
    re.compile(rf"{BIRTH.year}\s*[-/.年]?\s*0?{_M}\s*[-/.月]?\s*{_D}(?!\d)"),
    # month and day alone, the way a date column or a birthday list writes them: 03-14, 3/14, 3月14日
    re.compile(rf"(?<![\dA-Za-z])0?{_M}\s*[-/.]\s*{_D}(?!\d)"),
    re.compile(rf"(?<!\d)0?{_M}\s*月\s*{_D}\s*日"),
]

# Roles that see member data masked or not at all; "member" is member A themself (ID masked).
MASKED_ROLES = [r for r in active_roles() if r not in ("anon", "office")]
# Roles that may not see A's mobile in full (A sees their own; the office sees it).
PHONE_MASKED_ROLES = [r for r in MASKED_ROLES if r != "member"]


@pytest.fixture(scope="module")
def personal(world, django_db_blocker):
    """Member A's personal data, changed the way the office does it (so the change log has the change),
    A's proposal carrying A's mobile as its contact phone, unit A a contact phone."""
    from members import services as ms

    with django_db_blocker.unblock():
        ms.member_update(
            actor=world.users["office"],
            member=world["member_a"],
            data={"id_number": ID_NUMBER, "birth_date": BIRTH, "phone": PHONE, "note": "甲委员备注"},
        )
        unit = world["unit_a"]
        unit.contact_phone = UNIT_PHONE
        unit.save(update_fields=["contact_phone"])
        proposal = world["proposal"]
        proposal.contact_phone = PHONE
        proposal.save(update_fields=["contact_phone"])
    return world


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def text_of(response) -> str:
    """All the text an answer carries: HTML/JSON as sent, Excel cells, Word paragraphs and tables."""
    body = _body(response)
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:
        cells = []
        for sheet in load_workbook(io.BytesIO(body), read_only=True).worksheets:
            cells += [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
        return "\n".join(cells)
    if "wordprocessingml" in kind:
        document = docx.Document(io.BytesIO(body))
        parts = [p.text for p in document.paragraphs]
        parts += [c.text for t in document.tables for row in t.rows for c in row.cells]
        return "\n".join(parts)
    return body.decode("utf-8", errors="replace")


def leaks(text: str, *, phone: bool) -> list[str]:
    found = []
    if ID_NUMBER.lower() in text.lower():
        found.append("full ID number")
    found += [f"birth date ({m.group(0)!r})" for pattern in BIRTH_FORMS for m in [pattern.search(text)] if m]
    if phone and PHONE in text:
        found.append("full mobile number")
    if UNIT_PHONE in text:
        found.append("unit contact's full phone")
    return found


def _page_urls(world):
    for name, _pattern in page_routes():
        try:
            yield name, reverse(name, kwargs=PAGE_KWARGS[name](world.objects) if name in PAGE_KWARGS else None)
        except (NoReverseMatch, KeyError):
            pytest.fail(f"route {name!r} needs URL arguments in tests/security/urlargs.py")


def _api_urls(world):
    for method, path in openapi_operations():
        if method != "GET":
            continue
        if "{" in path:
            path = fill(path, world[API_OBJECTS[path.split("/")[3]]].pk)
        yield f"GET {path}", path


def answers(world, page_client, api_client_for, role):
    """(what, response) for every answer about members `role` can ask for with GET."""
    page, api = page_client(role), api_client_for(role)
    for name, url in _page_urls(world):
        yield name, page.get(url)
    # Searches and the fragment htmx swaps in.
    yield "members:list ?q", page.get(reverse("members:list"), {"q": "甲"})
    yield "members:list htmx", page.get(reverse("members:list"), {"q": "甲"}, HTTP_HX_REQUEST="true")
    for what, url in _api_urls(world):
        yield what, api.get(url)
    yield "GET /api/v1/members/?q", api.get("/api/v1/members/", {"q": "甲"})


@pytest.mark.parametrize("role", MASKED_ROLES)
def test_no_answer_gives_back_the_masked_id_number(personal, page_client, api_client_for, role):
    found = {}
    for what, response in answers(personal, page_client, api_client_for, role):
        assert response.status_code < 500, what
        problems = leaks(text_of(response), phone=role in PHONE_MASKED_ROLES)
        if problems:
            found[what] = problems
    assert not found, f"{role} can rebuild member A's ID number or reads A's mobile: {found}"


@pytest.mark.parametrize("role", MASKED_ROLES)
def test_roster_writer_gives_back_nothing(personal, role):
    """The roster export is the office's page; its writer applies the policy to anyone, so an export
    for another role stays safe."""
    from members import roster, selectors

    user = personal.users[role]
    out = roster.export_to_file(user=user, members=selectors.member_list(user=user))
    sheet = load_workbook(io.BytesIO(out.read()), read_only=True).worksheets[0]
    text = "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None)
    assert not leaks(text, phone=role in PHONE_MASKED_ROLES)


def test_the_collector_sees_what_the_office_sees(personal, page_client, api_client_for):
    """The control: the same collection as the office finds the full number, date and mobile — the
    patterns and the readers catch them where they are shown."""
    shown = {}
    for what, response in answers(personal, page_client, api_client_for, "office"):
        shown[what] = leaks(text_of(response), phone=True)
    for what in ("members:detail", "members:edit", "members:export", f"GET /api/v1/members/{personal['member_a'].pk}/"):
        assert "full ID number" in shown[what], what
        assert any(p.startswith("birth date") for p in shown[what]), what
    assert "full mobile number" in shown["proposals:print"]
    assert "unit contact's full phone" in shown["GET /api/v1/units/"]


def test_every_full_id_shown_is_on_the_security_log_once(personal, page_client, api_client_for):
    """Viewing a full ID number is a security event wherever it happens — page, edit form, API detail
    and list, export — one row per member per request."""
    from securitylog.models import SecurityEvent

    member = personal["member_a"]
    client, api = page_client("office"), api_client_for("office")
    for what, call in [
        ("detail page", lambda: client.get(reverse("members:detail", args=[member.pk]))),
        ("edit form", lambda: client.get(reverse("members:edit", args=[member.pk]))),
        ("export", lambda: _body(client.get(reverse("members:export")))),
        ("API detail", lambda: api.get(f"/api/v1/members/{member.pk}/")),
        ("API list", lambda: api.get("/api/v1/members/")),
    ]:
        views = SecurityEvent.objects.filter(action=SecurityEvent.Action.VIEW_ID, object_id=str(member.pk))
        before = views.count()
        call()
        assert views.count() == before + 1, what
    # A role that sees the number masked leaves no such event.
    before = SecurityEvent.objects.filter(action=SecurityEvent.Action.VIEW_ID).count()
    page_client("leader").get(reverse("members:detail", args=[member.pk]))
    api_client_for("leader").get(f"/api/v1/members/{member.pk}/")
    assert SecurityEvent.objects.filter(action=SecurityEvent.Action.VIEW_ID).count() == before
