"""Every Excel export writes what people typed as text, never as a formula, and survives any
character a request can carry (`cppcc.xlsx_stream.cell_value`, OWASP "formula injection").

Each export is built from real records holding the hostile strings and read back with openpyxl."""

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone
from openpyxl import load_workbook

from activities import imports
from activities.models import Activity
from assessment import exports as assessment_exports
from assessment.models import AssessmentCategory, AssessmentScheme
from cppcc.xlsx_stream import cell_value, imported_text, write_sheet
from members import roster
from members.models import Member, MemberGroup
from proposals.exports import proposals_xlsx
from proposals.models import Assignment, Proposal, ProposalCategory
from reports import documents, statistics
from securitylog import exports as securitylog_exports
from securitylog.models import SecurityEvent
from tests.factories import HandlingUnitFactory, MemberFactory, TermFactory

LONG = "长" * 40000
# (typed, what the cell must hold). CR is read back as LF by any XML parser, so CR is compared as LF.
HOSTILE = [
    ("=1+1", "'=1+1"),
    ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
    ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\n=1"),
    (" =1", "' =1"),
    ("＝1+1", "'＝1+1"),
    ("a\x00b", "ab"),
    ("\x1b[31m红", "[31m红"),
    ("\x0b\x0c\x1f", None),
    ("\x01=2", "'=2"),
    ("👍🏽 提案", "👍🏽 提案"),
    ("\u202e案题反转", "\u202e案题反转"),
    ("<b>&amp;</b>", "<b>&amp;</b>"),
    ("<r>甲</r>", "<r>甲</r>"),  # XlsxWriter's constant_memory mode would copy it into the sheet as XML
    ("关于改造的建议", "关于改造的建议"),
]
TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def _stored(text: str) -> str:
    """`text` as the database can hold it: PostgreSQL refuses NUL outright (SQLite keeps it)."""
    return text.replace("\x00", "") if connection.vendor == "postgresql" else text


def _fit(text: str, model, field: str) -> str:
    """`text` cut to the column's length, as the database would hold it."""
    return _stored(text)[: model._meta.get_field(field).max_length]


def _read(data) -> list:
    raw = data.read() if hasattr(data, "read") else data
    workbook = load_workbook(io.BytesIO(raw))  # the file opens
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def _security_log(office):
    for typed, _ in HOSTILE:
        SecurityEvent.objects.create(
            action=SecurityEvent.Action.LOGIN_FAILED,
            actor_username=_fit(typed, SecurityEvent, "actor_username"),
            object_repr=_fit(typed, SecurityEvent, "object_repr"),
            path=_fit(typed, SecurityEvent, "path"),
            detail={"用户名": _stored(typed)},
        )
    SecurityEvent.objects.create(action=SecurityEvent.Action.LOGIN_FAILED, detail={"用户名": LONG})
    return securitylog_exports.events_workbook(SecurityEvent.objects.order_by("id"))


def _members():
    for typed, _ in HOSTILE:
        MemberFactory(
            name=_fit(typed, Member, "name"),
            employer=_fit(typed, Member, "employer"),
            title=_stored(typed),
            note=_stored(typed),
            group=MemberGroup.objects.create(name=_fit(typed, MemberGroup, "name")),
        )
    MemberFactory(note=LONG)


def _roster(office):
    _members()
    return roster.export_to_file(user=office, members=Member.objects.order_by("id"))


def _assessment(office):
    _members()
    scheme = AssessmentScheme.objects.create(year=2026, name="2026年度履职考核")
    AssessmentCategory.objects.create(scheme=scheme, name="参加会议", order=1, cap=Decimal(10))
    from assessment import engine

    return assessment_exports.export_to_file(year=2026, results=engine.score(year=2026))


def _attendance(office):
    _members()
    activity = Activity.objects.create(
        kind=Activity.Kind.TRAINING, title="=1+1", start_date=dt.date(2026, 4, 2), created_by=office
    )
    return imports.template_bytes(activity)


def _proposals(office):
    term = TermFactory()
    category = ProposalCategory.objects.get_or_create(name="经济建设", defaults={"order": 10})[0]
    submitted = timezone.make_aware(dt.datetime(2026, 3, 1, 9))
    proposer = MemberFactory(name="=cmd|' /C calc'!A0")
    for number, (typed, _) in enumerate(HOSTILE, start=1):
        proposal = Proposal.objects.create(
            term=term,
            number=number,
            title=_fit(typed, Proposal, "title"),
            category=category,
            lead_proposer=proposer,
            contact_name=_fit(typed, Proposal, "contact_name"),
            created_by=office,
            state="assigned",
            submitted_at=submitted,
            filed_at=submitted,
            is_key=True,
        )
        Assignment.objects.create(
            proposal=proposal,
            unit=HandlingUnitFactory(name=_fit(typed, HandlingUnitFactory._meta.model, "name")),
            role=Assignment.Role.LEAD,
            assigned_at=submitted,
            assigned_by=office,
            due_date=dt.date(2026, 6, 1),
            max_due_date=dt.date(2026, 9, 1),
            return_deadline=dt.date(2026, 3, 10),
        )


def _proposal_list(office):
    _proposals(office)
    from proposals import selectors

    return proposals_xlsx(user=office, proposals=selectors.proposal_list(user=office).order_by("number"))


def _statistics(office):
    _proposals(office)
    return documents.statistics_xlsx(statistics.period_for(year=2026))


EXPORTS = {
    "security_log": _security_log,
    "roster": _roster,
    "assessment": _assessment,
    "attendance_template": _attendance,
    "proposals": _proposal_list,
    "statistics": _statistics,
}


@pytest.mark.parametrize("export", EXPORTS)
def test_every_export_writes_hostile_text_as_inert_text(export, office_user):
    cells = _read(EXPORTS[export](office_user))

    formulas = [c.coordinate for c in cells if c.data_type == "f"]
    assert not formulas, f"{export}: formula cells {formulas}"
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert all(isinstance(c.value, str) for c in cells if c.data_type == "s" and c.value is not None)
    # No text anywhere in the file begins (after spaces) like a formula, whoever wrote it.
    risky = [t for t in texts if t.lstrip(" ").startswith(TRIGGERS)]
    assert not risky, f"{export}: {risky}"
    held = "\n".join(texts).replace("\r", "\n")
    missing = [typed for typed, expected in HOSTILE if expected is not None and expected not in held]
    assert not missing, f"{export}: {missing}"
    assert all(len(t) <= 32767 for t in texts)


def test_the_helper_leaves_real_numbers_alone_and_never_raises():
    for value in (0, -5, 2.5, -1e-3, Decimal("-3.10"), True, dt.date(2026, 1, 2), None):
        assert cell_value(value) == value
    assert cell_value("-5") == "'-5"  # text that looks like a number is still text
    assert cell_value("lone \ud800 surrogate \uffff") == "lone  surrogate "
    assert cell_value(LONG).endswith("…") and len(cell_value(LONG)) == 32767
    out = write_sheet(title="x", columns=[("a", 10)], rows=[("\ud800=1",), ("\udfff",), ("=1",)])
    sheet = load_workbook(out)["x"]
    assert [sheet["A2"].value, sheet["A3"].value, sheet["A4"].value] == ["'=1", None, "'=1"]
    assert sheet["A4"].data_type == "s"


@pytest.mark.parametrize(
    "cell, typed", [("'=1+1", "=1+1"), ("'-2+3", "-2+3"), ("'@abc", "@abc"), ("'引号", "'引号"), (" 张三 ", "张三")]
)
def test_an_import_reads_back_what_an_export_wrote(cell, typed):
    assert imported_text(cell) == typed


@pytest.mark.django_db
def test_a_control_character_username_at_the_token_endpoint_leaves_the_log_exportable(client_for, auditor_user):
    from django.test import Client

    anonymous = Client()
    usernames = ["evil\x00\x1b[31m\x0b=cmd|' /C calc'!A0", "\x1b[31m\x0b=cmd", '=HYPERLINK("http://x","y")']
    for username in [*usernames, "\ud800", "a\x00b", ["x"], {"a": 1}]:
        response = anonymous.post(
            "/api/v1/auth/token/",
            data=json.dumps({"username": username, "password": "x"}),
            content_type="application/json",
        )
        assert response.status_code < 500
    assert SecurityEvent.objects.filter(action=SecurityEvent.Action.LOGIN_FAILED).exists()

    response = client_for(auditor_user).get("/audit/security/export/")
    assert response.status_code == 200
    cells = _read(b"".join(response.streaming_content) if response.streaming else response.content)
    assert not [c for c in cells if c.data_type == "f"]
    assert any(isinstance(c.value, str) and c.value.startswith("'=HYPERLINK") for c in cells)


def test_word_documents_carry_any_character(office_user):
    """The proposal form (python-docx) and the work-report draft (docxtpl) with the hostile names."""
    from docx import Document

    from proposals.exports import proposal_docx

    _proposals(office_user)
    for proposal in Proposal.objects.all():
        proposal.background = "\n".join(_stored(typed) for typed, _ in HOSTILE)
        text = "\n".join(p.text for p in Document(proposal_docx(proposal, user=office_user)).paragraphs)
        assert "=HYPERLINK" in text
    draft = documents.work_report_docx(statistics.period_for(year=2026))
    assert Document(draft).paragraphs
