"""Proposal exports: the filtered list as .xlsx (streamed rows) and one proposal as a printable .docx."""

import io
import tempfile

from django.utils import timezone
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .models import Reply

COLUMNS = [
    ("提案号", 12), ("案题", 40), ("类别", 12), ("提案方式", 10), ("第一提案人/提案单位", 18), ("附议人", 24),
    ("会议", 16), ("状态", 10), ("提交时间", 18), ("立案时间", 18), ("主办/分办单位", 28), ("会办单位", 24),
    ("答复期限", 12), ("逾期", 6), ("办理结果", 10), ("答复文号", 20), ("委员评价", 10), ("重点提案", 8),
    ("督办领导", 10), ("优秀提案", 8),
]  # fmt: skip
_FILL = PatternFill("solid", fgColor="1F4E79")
_FONT = Font(bold=True, color="FFFFFF")


def _local(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def proposals_xlsx(*, user, proposals):
    """Write every proposal of the (already scoped and filtered) queryset, 500 rows at a time."""
    from django.db.models import Prefetch

    from .models import Assignment, CoSigner

    qs = proposals.select_related("supervisor", "session__term").prefetch_related(
        Prefetch("cosigners", queryset=CoSigner.objects.select_related("member")),
        Prefetch(
            "assignments",
            queryset=Assignment.objects.filter(is_active=True)
            .select_related("unit")
            .prefetch_related(Prefetch("replies", queryset=Reply.objects.filter(status=Reply.Status.APPROVED))),
            to_attr="export_assignments",
        ),
    )
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("提案")
    for index, (_, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    header = []
    for title, _ in COLUMNS:
        cell = WriteOnlyCell(ws, value=title)
        cell.fill, cell.font, cell.alignment = _FILL, _FONT, Alignment(horizontal="center")
        header.append(cell)
    ws.append(header)
    for p in qs.iterator(chunk_size=500):
        assignments = p.export_assignments
        main = [a for a in assignments if a.role != Assignment.Role.CO]
        co = [a for a in assignments if a.role == Assignment.Role.CO]
        replies = [r for a in main for r in a.replies.all()]
        latest = max(replies, key=lambda r: (r.round, r.submitted_at), default=None)
        ws.append(
            [
                p.number_display,
                p.title,
                p.category.name,
                p.get_kind_display(),
                p.proposer_display,
                "、".join(c.member.name for c in p.cosigners.all()),
                str(p.session) if p.session else "闭会期间",
                p.get_state_display(),
                _local(p.submitted_at),
                _local(p.filed_at),
                "、".join(f"{a.unit.name}（{a.get_role_display()}）" for a in main),
                "、".join(a.unit.name for a in co),
                min((a.due_date for a in main), default=None),
                "是" if getattr(p, "is_overdue", False) else "",
                latest.result if latest else "",
                latest.letter_number if latest else "",
                p.get_satisfaction_display() if p.satisfaction else "",
                "是" if p.is_key else "",
                (p.supervisor.get_full_name() or p.supervisor.username) if p.supervisor else "",
                "是" if p.is_excellent else "",
            ]
        )
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    wb.save(out)
    out.seek(0)
    return out


def _set_cjk_font(document, name="宋体", size=12):
    style = document.styles["Normal"]
    style.font.name = name
    style.font.size = Pt(size)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), name)


def _cell(cell, text, bold=False):
    cell.text = ""
    run = cell.paragraphs[0].add_run(text or "")
    run.bold = bold


def proposal_docx(proposal) -> io.BytesIO:
    """The customary proposal form (提案单): header table, 案由, 建议, and the handling record."""
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.6)
    _set_cjk_font(document)

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(f"政协{proposal.term.name}委员会提案")
    run.bold, run.font.size = True, Pt(20)
    run.font.name = "黑体"
    run._element.rPr.rFonts.set(qn("w:eastAsia"), "黑体")
    sub = document.add_paragraph()
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    session = str(proposal.session) if proposal.session else "闭会期间"
    sub.add_run(f"{session}　　提案号：{proposal.number_display or '（未立案）'}")

    cosigners = "、".join(c.member.name for c in proposal.cosigners.select_related("member"))
    rows = [
        ("案题", proposal.title),
        ("提案人", proposal.proposer_display),
        ("附议人", cosigners or "无"),
        ("类别", proposal.category.name),
        ("联系人", f"{proposal.contact_name}　{proposal.contact_phone}".strip()),
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
            document.add_paragraph(line)

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
