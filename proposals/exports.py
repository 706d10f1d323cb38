"""Proposal exports: the filtered list as .xlsx (streamed rows) and one proposal as a printable .docx."""

import io

from django.utils import timezone
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from cppcc.xlsx_stream import write_sheet, xml_text

from .models import Reply
from .selectors import contact_phone_for

COLUMNS = [
    ("提案号", 12), ("案题", 40), ("类别", 12), ("提案方式", 10), ("第一提案人/提案单位", 18), ("附议人", 24),
    ("会议", 16), ("状态", 10), ("提交时间", 18), ("立案时间", 18), ("主办/分办单位", 28), ("会办单位", 24),
    ("答复期限", 12), ("逾期", 6), ("办理结果", 10), ("答复文号", 20), ("委员评价", 10), ("重点提案", 8),
    ("督办领导", 10), ("优秀提案", 8),
]  # fmt: skip


def _local(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


_ROW_FIELDS = (
    "id", "number", "title", "category__name", "kind", "lead_proposer__name", "collective_party__name",
    "collective_sector__name", "collective_group__name", "collective_committee__name", "session__name",
    "session__term__name", "state", "submitted_at", "filed_at", "satisfaction", "is_key", "is_excellent",
    "supervisor__first_name", "supervisor__last_name", "supervisor__username", "is_overdue",
)  # fmt: skip
_CHUNK = 2000


def _chunks(rows, size):
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _related(ids):
    """Co-signers, active assignments and their approved replies of a chunk of proposals: three queries."""
    from .models import Assignment, CoSigner

    cosigners: dict[int, list[str]] = {}
    for proposal_id, name in (
        CoSigner.objects.filter(proposal_id__in=ids)
        .order_by("proposal_id", "id")
        .values_list("proposal_id", "member__name")
    ):
        cosigners.setdefault(proposal_id, []).append(name)
    assignments: dict[int, list[tuple]] = {}
    assignment_ids = []
    for row in (
        Assignment.objects.filter(proposal_id__in=ids, is_active=True)
        .order_by("proposal_id", "role", "id")
        .values_list("proposal_id", "id", "role", "unit__name", "due_date")
    ):
        assignments.setdefault(row[0], []).append(row[1:])
        assignment_ids.append(row[1])
    replies: dict[int, list[tuple]] = {}
    for assignment_id, *reply in (
        Reply.objects.filter(assignment_id__in=assignment_ids, status=Reply.Status.APPROVED)
        .order_by("id")
        .values_list("assignment_id", "round", "submitted_at", "result", "letter_number")
    ):
        replies.setdefault(assignment_id, []).append(reply)
    return cosigners, assignments, replies


def proposals_xlsx(*, user, proposals):
    """Write every proposal of the (already scoped and filtered) queryset.

    Rows are read as plain values, 2,000 proposals at a time with three queries for their
    co-signers, units and replies, and streamed into the sheet (`cppcc.xlsx_stream`), so time and
    memory stay flat however many proposals there are.
    """
    from django.conf import settings

    from .models import Assignment, Proposal, Satisfaction, State

    role_labels = dict(Assignment.Role.choices)
    state_labels = dict(State.choices)
    kind_labels = dict(Proposal.Kind.choices)
    satisfaction_labels = dict(Satisfaction.choices)
    number_format = settings.PROPOSAL_NUMBER_FORMAT
    co_role = Assignment.Role.CO

    rows = _rows(proposals, number_format, co_role, role_labels, state_labels, kind_labels, satisfaction_labels)
    return write_sheet(title="提案", columns=COLUMNS, rows=rows)


def _rows(proposals, number_format, co_role, role_labels, state_labels, kind_labels, satisfaction_labels):
    from .models import Proposal

    zone = timezone.get_current_timezone()

    def local(value):
        return f"{value.astimezone(zone):%Y-%m-%d %H:%M}" if value else ""

    rows = proposals.values(*_ROW_FIELDS).iterator(chunk_size=_CHUNK)
    for chunk in _chunks(rows, _CHUNK):
        cosigners, assignments, replies = _related([p["id"] for p in chunk])
        for p in chunk:
            mine = assignments.get(p["id"], ())
            main = [a for a in mine if a[1] != co_role]
            latest = max((r for a in main for r in replies.get(a[0], ())), key=lambda r: (r[0], r[1]), default=None)
            if p["kind"] == Proposal.Kind.COLLECTIVE:
                proposer = (
                    p["collective_party__name"]
                    or p["collective_sector__name"]
                    or p["collective_group__name"]
                    or p["collective_committee__name"]
                    or "集体提案"
                )
            else:
                proposer = p["lead_proposer__name"] or ""
            supervisor = ""
            if p["supervisor__username"]:
                full = f"{p['supervisor__first_name']} {p['supervisor__last_name']}".strip()
                supervisor = full or p["supervisor__username"]
            yield (
                number_format.format(number=p["number"]) if p["number"] is not None else "",
                p["title"],
                p["category__name"],
                kind_labels.get(p["kind"], p["kind"]),
                proposer,
                "、".join(cosigners.get(p["id"], ())),
                f"{p['session__term__name']}{p['session__name']}" if p["session__name"] else "闭会期间",
                state_labels.get(p["state"], p["state"]),
                local(p["submitted_at"]),
                local(p["filed_at"]),
                "、".join(f"{a[2]}（{role_labels[a[1]]}）" for a in main),
                "、".join(a[2] for a in mine if a[1] == co_role),
                min((a[3] for a in main), default=None),
                "是" if p["is_overdue"] else "",
                latest[2] if latest else "",
                latest[3] if latest else "",
                satisfaction_labels.get(p["satisfaction"], "") if p["satisfaction"] else "",
                "是" if p["is_key"] else "",
                supervisor,
                "是" if p["is_excellent"] else "",
            )


def _set_cjk_font(document, name="宋体", size=12):
    style = document.styles["Normal"]
    style.font.name = name
    style.font.size = Pt(size)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), name)


def _cell(cell, text, bold=False):
    cell.text = ""
    run = cell.paragraphs[0].add_run(xml_text(text or ""))
    run.bold = bold


def proposal_docx(proposal, *, user) -> io.BytesIO:
    """The customary proposal form (提案单): header table, 案由, 建议, and the handling record; the
    contact phone as `user` may see it."""

    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.6)
    _set_cjk_font(document)

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(xml_text(f"政协{proposal.term.name}委员会提案"))
    run.bold, run.font.size = True, Pt(20)
    run.font.name = "黑体"
    run._element.rPr.rFonts.set(qn("w:eastAsia"), "黑体")
    sub = document.add_paragraph()
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    session = str(proposal.session) if proposal.session else "闭会期间"
    sub.add_run(xml_text(f"{session}　　提案号：{proposal.number_display or '（未立案）'}"))

    cosigners = "、".join(c.member.name for c in proposal.cosigners.select_related("member"))
    rows = [
        ("案题", proposal.title),
        ("提案人", proposal.proposer_display),
        ("附议人", cosigners or "无"),
        ("类别", proposal.category.name),
        ("联系人", f"{proposal.contact_name}　{contact_phone_for(user=user, proposal=proposal)}".strip()),
        ("提交时间", _local(proposal.submitted_at)),
        ("状态", proposal.get_state_display()),
    ]
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].width, cells[1].width = Cm(3.2), Cm(12.6)
        _cell(cells[0], label, bold=True)
        _cell(cells[1], value)

    for heading, text in (("案由", proposal.background), ("建议", proposal.suggestions)):
        document.add_heading(heading, level=2)
        for line in (text or "").splitlines() or [""]:
            document.add_paragraph(xml_text(line))

    assignments = list(proposal.assignments.filter(is_active=True).select_related("unit"))
    if assignments:
        document.add_heading("办理情况", level=2)
        handling = document.add_table(rows=1, cols=4)
        handling.style = "Table Grid"
        for cell, text in zip(handling.rows[0].cells, ("承办单位", "办理方式", "答复期限", "办理结果"), strict=True):
            _cell(cell, text, bold=True)
        for a in assignments:
            reply = a.replies.filter(status=Reply.Status.APPROVED).order_by("-round", "-id").first()
            cells = handling.add_row().cells
            _cell(cells[0], a.unit.name)
            _cell(cells[1], a.get_role_display())
            _cell(cells[2], a.due_date.strftime("%Y-%m-%d"))
            _cell(cells[3], f"{reply.result}类 {reply.letter_number}".strip() if reply else "")
    out = io.BytesIO()
    document.save(out)
    out.seek(0)
    return out
