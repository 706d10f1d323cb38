"""The annual work report as documents: the Word draft, rendered with docxtpl from a template the office
owns, and the statistics workbook (`cppcc.xlsx_stream`).

Both read `report_context()` — `statistics.annual()` plus the handling units' table and the report's
title data — so the JSON API, the draft and the workbook always carry the same numbers. The tag list
on the documents page is generated from the same dict, so it cannot drift from what templates get.
Sections that other parts of the system add to `annual()` later (`opinions`, `assessment`) render
as soon as they are there: the default template guards them with `{%p if opinions %}`, and the
workbook writes any section it finds.
"""

import io
import re
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from docxtpl import DocxTemplate
from jinja2 import ChainableUndefined, StrictUndefined, TemplateError, TemplateSyntaxError, Undefined, UndefinedError
from jinja2.sandbox import SecurityError
from markupsafe import Markup

from activities.models import Activity, QuantityKind
from cppcc.audit import acting
from cppcc.errors import ApplicationError, PermissionDenied
from cppcc.roles import Role, has_role
from cppcc.xlsx_stream import Workbook, xml_text
from members.models import Session, Term

from . import figures, sandbox, statistics
from .models import ReportTemplate

DEFAULT_TEMPLATE = Path(__file__).resolve().parent / "templates_docx" / "work_report.docx"
MAX_TEMPLATE_BYTES = 10 * 1024 * 1024
# A .docx is a zip: refuse one that would unpack to far more than any report (a "zip bomb").
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
# The rendered draft: a template's loops cannot make it larger than this (see `reports.sandbox`).
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
PLACEHOLDER_DISTRICT = "XX区"

# --- what the numbers are called ----------------------------------------------------------------

SECTION_TITLES = {
    "period": "统计期间",
    "report": "报告信息",
    "activities": "履职活动",
    "participation": "委员参与",
    "proposals": "提案",
    "units": "承办单位",
    "regulations": "制度建设",
    "opinions": "社情民意信息",
    "assessment": "履职考核",
}

# Dotted path → label with its unit. Fields of list rows are named without an index
# (`units.lead`). A key missing here is still listed and written, under its own name.
LABELS = {
    "period.start": "起始日期",
    "period.end": "截止日期",
    "period.label": "期间名称（如“2026年”）",
    "report.district": "地区名称（设置 CPPCC_DISTRICT，未设置时为“XX区”）",
    "report.term": "届次（如“第九届”）",
    "report.session": "会议（如“第三次会议”）",
    "report.year": "报告年度",
    "report.next_year": "下一年度（工作安排）",
    "report.date": "生成日期",
    "activities.inspection_research": "视察调研（项）",
    "activities.inspections": "其中视察（次）",
    "activities.research": "其中调研（次）",
    "activities.supervision": "民主监督（次）",
    "activities.consultations": "协商活动（次）",
    "activities.plenary": "全体会议（次）",
    "activities.standing": "常委会议（次）",
    "activities.chair": "主席会议（次）",
    "activities.trainings": "学习培训（次）",
    "activities.group_events": "委员组活动（次）",
    "activities.exchanges": "跨组交流活动（次）",
    "activities.group_leader_exchanges": "委员组长交流活动（次）",
    "activities.assisted_research": "协助上级政协调研（次）",
    "activities.welfare": "社会公益活动（次）",
    "activities.poverty": "扶贫帮困活动（次）",
    "activities.publicity": "宣传报道活动（次）",
    "activities.donations_wan": "捐款捐物合计（万元：捐赠现金、物资价值及未分项的捐款捐物）",
    "activities.consultations_by_form": "协商活动按形式（次）",
    "activities.quantities": "工作报告数据合计（按数据项，各项单位见名称）",
    "activities.by_kind": "工作报告数据（按活动类型）",
    **{f"activities.by_kind.{value}": f"{name}活动的数据" for value, name in Activity.Kind.choices},
    "activities.highlights": "典型事例（按活动类型）",
    **{f"activities.highlights.{value}": f"典型事例：{name}" for value, name in Activity.Kind.choices},
    "activities.highlights.*.title": "活动",
    "activities.highlights.*.date": "日期",
    "activities.highlights.*.figures": "数据",
    "activities.highlights.*.text": "草稿中的表述",
    "activities.key_projects": "分包重点项目",
    "activities.key_projects.total": "委员分包的重点项目（个）",
    "activities.key_projects.over_one_yi": "其中总投资1亿元及以上（个）",
    "activities.key_projects.members": "分包项目的委员（位）",
    "activities.key_projects.names": "亿元以上项目名称",
    "activities.recommendations": "提出意见建议",
    "activities.recommendations.inspection": "视察提出（条）",
    "activities.recommendations.research": "调研提出（条）",
    "activities.recommendations.supervision": "民主监督提出（条）",
    "activities.recommendations.consultation": "协商成果提出（条）",
    "activities.recommendations.total": "合计（条）",
    "participation.poverty_members": "参加扶贫帮困活动的委员（位）",
    "participation.members": "参加各类活动的委员（位）",
    "participation.person_times": "参加各类活动（人次）",
    "participation.core_members": "参加视察调研和协商活动的委员（位）",
    "participation.core_person_times": "参加视察调研和协商活动（人次）",
    "participation.training_members": "参加学习培训的委员（位）",
    "participation.training_person_times": "参加学习培训（人次）",
    "participation.excused": "请假（人次）",
    "participation.absent": "缺席（人次）",
    "participation.attendance_rate": "活动出勤率（%）",
    "participation.training_attendance_rate": "培训出勤率（%）",
    "proposals.submitted": "收到提案（件，不含撤回）",
    "proposals.filed": "立案（件）",
    "proposals.not_filed": "不予立案（件）",
    "proposals.merged": "并案（件）",
    "proposals.converted": "转社情民意信息（件）",
    "proposals.withdrawn": "撤回（件）",
    "proposals.pending_review": "待审查（含退回修改）（件）",
    "proposals.collective": "集体提案（件）",
    "proposals.individual": "个人提案（件）",
    "proposals.collective_filed": "立案的集体提案（件）",
    "proposals.key": "重点提案（件）",
    "proposals.excellent": "优秀提案（件）",
    "proposals.closed": "已办结（件）",
    "proposals.in_handling": "办理中（件）",
    "proposals.replied": "已答复或办结（件）",
    "proposals.filing_rate": "立案率（%）",
    "proposals.filed_by_category": "立案提案按类别（件）",
    "proposals.filed_by_sector": "立案提案按界别（件）",
    "proposals.filed_by_party": "立案提案按党派（件）",
    "proposals.by_state": "提交的提案按状态（件）",
    "proposals.key_by_state": "重点提案按状态（件）",
    "proposals.by_unit": "交办情况（按承办单位）",
    "proposals.by_unit.unit": "承办单位",
    "proposals.by_unit.lead": "主办（件）",
    "proposals.by_unit.co": "会办（件）",
    "proposals.by_unit.split": "分办（件）",
    "proposals.replies": "答复情况",
    "proposals.replies.due": "应答复（件）",
    "proposals.replies.replied": "已答复（件）",
    "proposals.replies.on_time": "按期答复（件）",
    "proposals.replies.late": "逾期答复（件）",
    "proposals.replies.overdue": "逾期未答复（件）",
    "proposals.replies.on_time_rate": "按期答复率（%）",
    "proposals.replies.results": "办理结果（件）",
    "proposals.satisfaction": "委员评价",
    "proposals.satisfaction.total": "反馈评价（件）",
    "proposals.satisfaction.satisfied": "满意（件）",
    "proposals.satisfaction.basically_satisfied": "基本满意（件）",
    "proposals.satisfaction.unsatisfied": "不满意（件）",
    "proposals.satisfaction.rate": "满意率（%，含基本满意）",
    "proposals.monthly_submitted": "每月提交提案（件）",
    "proposals.key_list": "重点提案清单",
    "proposals.key_list.number": "提案号",
    "proposals.key_list.title": "案题",
    "proposals.key_list.state": "状态",
    "units": "承办单位办理情况",
    "units.unit": "承办单位",
    "units.lead": "主办（件）",
    "units.co": "会办（件）",
    "units.split": "分办（件）",
    "units.due": "应答复（件）",
    "units.replied": "已答复（件）",
    "units.on_time": "按期答复（件）",
    "units.overdue": "逾期未答复（件）",
    "units.on_time_rate": "按期答复率（%）",
    "regulations.total": "制定修订的意见或办法（个）",
    "regulations.rules": "其中规章制度（个）",
    "regulations.titles": "名称",
    "regulations.internal": "机关内部管理制度（项）",
    "regulations.internal_titles": "机关内部管理制度名称",
    "activities.poverty_companies": "对口帮扶中提供岗位的委员企业（家）",
    # Sections other parts of the system add; the default template reads these keys.
    "opinions.submitted": "反映社情民意信息（件）",
    "opinions.adopted": "被采用（件）",
    "opinions.instructed": "获领导批示（件）",
    "opinions.from_proposals": "其中由提案转来（件）",
    "opinions.adoptions": "采用（次，每级一次）",
    "opinions.by_level": "按采用层级（次）",
    "opinions.instructions": "领导批示（次）",
    "opinions.adoption_rate": "采用率（%）",
    "assessment.year": "考核年度",
    "assessment.assessed": "参加考评的委员（位）",
    "assessment.categories": "考核方面（个）",
    "assessment.category_names": "考核方面名称",
    "assessment.by_grade": "考评等次（位）",
    "assessment.outstanding_members": "优秀委员（名）",
    "assessment.outstanding_groups": "先进委员组（个）",
    "assessment.excellent_group_leaders": "优秀委员组长（名）",
}

# Lists already written elsewhere in the workbook (the 承办单位 sheet holds the per-unit figures).
WORKBOOK_SKIPS = {"proposals.by_unit"}
# Breakdowns whose entries have different units: no 合计 row.
NO_TOTAL = ("activities.quantities", "activities.by_kind.")
# Breakdowns over the whole catalogue, mostly zeros: the workbook and the tag list show what was recorded.
SPARSE = ("activities.by_kind.", "activities.highlights.")


def _code_labels() -> dict:
    """Chinese names of the codes that appear as keys or values (states, forms, result classes …)."""
    from consultations.models import Form
    from proposals.models import Satisfaction, State

    # The activity kinds and the work report's quantities (by their catalogue names) first: a state's or a
    # form's name wins where a code is shared.
    labels = dict(Activity.Kind.choices)
    quantities = QuantityKind.objects.values_list("code", "name", "unit")
    labels.update({code: f"{name}（{unit}）" for code, name, unit in quantities})
    labels.update({**dict(State.choices), **dict(Form.choices), **dict(Satisfaction.choices)})
    labels.update(
        {"A": "A类（已解决或基本解决）", "B": "B类（正在解决或列入计划解决）", "C": "C类（暂不能解决或留作参考）"}
    )
    try:  # the opinion reports' levels, once that part of the system is installed
        from opinions.models import OpinionLevel
    except ImportError:
        pass
    else:
        labels.update({value: f"{label}级" for value, label in OpinionLevel.choices})
    return labels


def label(path: str) -> str:
    """The Chinese name of a figure; `a.b.*.c` names field c of every list under a.b."""
    if path in LABELS:
        return LABELS[path]
    parts = path.split(".")
    for i in range(1, len(parts) - 1):
        wildcard = ".".join([*parts[:i], "*", *parts[i + 1 :]])
        if wildcard in LABELS:
            return LABELS[wildcard]
    return parts[-1]


# --- the data a template gets --------------------------------------------------------------------


def default_session(period: statistics.Period) -> Session | None:
    """The plenary session the report on `period` is given at: the first one opening after it ends."""
    return Session.objects.select_related("term").filter(start_date__gt=period.end).order_by("start_date").first()


def report_context(period: statistics.Period, *, session: Session | None = None) -> dict:
    """`annual(period)` plus `units` (each handling unit's figures) and `report` (title data)."""
    data = statistics.annual(period)
    data["units"] = statistics.unit_handling(period)
    data["report"] = _report_meta(period, session or default_session(period))
    return data


CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十 (the numbers of terms and sessions)."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


def _report_meta(period: statistics.Period, session: Session | None) -> dict:
    year = period.end.year + 1
    if session is not None:
        term, session_name = session.term, session.name
    else:
        term = (
            Term.objects.filter(start_year__lte=year, end_year__gte=year).first()
            or Term.objects.filter(is_current=True).first()
        )
        # No session recorded after the period yet: a term holds one plenary session a year, its first
        # in the year the term begins, so the report on 2026 is given at the term's (2027 − start + 1)th.
        session_name = f"第{cn_number(year - term.start_year + 1)}次会议" if term and year >= term.start_year else ""
    today = timezone.localdate()
    return {
        "district": getattr(settings, "CPPCC_DISTRICT", "") or PLACEHOLDER_DISTRICT,
        "term": term.name if term else "第X届",
        "session": session_name or "第X次会议",
        "year": period.start.year,
        "next_year": period.end.year + 1,
        "date": f"{today.year}年{today.month}月{today.day}日",
    }


# --- rendering the Word draft --------------------------------------------------------------------


class _CheckedUndefined(StrictUndefined):
    """Used when an uploaded template is checked: printing or looking into a tag the data does not
    have fails, so that a misspelt tag is caught at upload; testing it stays allowed and false, so that
    `{% if opinions %}` guards a section the system does not carry yet."""

    __slots__ = ()

    def __bool__(self):
        return False


def _finalize(value):
    if isinstance(value, Undefined):
        return value
    if value is None:
        return "—"
    if isinstance(value, str):
        # A unit name with a control character must not break the document; a macro's output
        # (already escaped) stays marked safe.
        return Markup(xml_text(value)) if isinstance(value, Markup) else xml_text(value)  # nosec B704
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _pct(value) -> str:
    """50.0 → "50%", 66.67 → "66.7%"; no figure (nothing to divide by) → "—"."""
    if value is None or isinstance(value, Undefined):
        return "—"
    return f"{round(float(value), 1):g}%"


def nonzero(*parts, sep: str = "、") -> str:
    """The counted phrases whose figure is not zero, joined: `nonzero("视察", 2, "次", "调研", 0, "次")` →
    "视察2次"; "" when every figure is zero (so that a sentence can be left out rather than say "0次")."""
    if len(parts) % 3:
        raise ValueError("nonzero() takes (text, figure, unit) triples")
    phrases = []
    for before, figure, after in zip(parts[0::3], parts[1::3], parts[2::3], strict=True):
        if isinstance(figure, Undefined) or not figure:
            continue
        shown = int(figure) if isinstance(figure, float) and figure.is_integer() else figure
        phrases.append(f"{before}{shown}{after}")
    return sep.join(phrases)


def _environment(*, strict: bool) -> sandbox.ReportSandbox:
    """Sandboxed and bounded (`reports.sandbox`), because the template is a file someone uploaded;
    autoescaped, because the values (unit names, titles) go into XML."""
    env = sandbox.ReportSandbox(
        autoescape=True, undefined=_CheckedUndefined if strict else ChainableUndefined, finalize=_finalize
    )
    codes = _code_labels()
    env.filters["pct"] = _pct
    env.filters["zh"] = lambda code: codes.get(str(code), code)
    env.globals["nonzero"] = nonzero
    return env


FILTERS = [
    ("pct", "{{ proposals.filing_rate|pct }}", "百分比：50.0 → 50%，无数据时为“—”"),
    ("zh", "{{ form|zh }}", "代码译为中文：special → 专题协商，filed → 已立案，A → A类…"),
    (
        "nonzero",
        '{{ nonzero("视察", activities.inspections, "次", "调研", activities.research, "次") }}',
        '只列出数字不为 0 的项，用“、”连接（sep="，" 改用逗号）；全为 0 时为空，可用 {% if %} 略去整句',
    ),
]


def _load(source) -> DocxTemplate:
    template = DocxTemplate(source)
    template.init_docx()  # reads the package now, so that a damaged file is told apart from a bad tag
    return template


def _render(template: DocxTemplate, context: dict, *, strict: bool) -> io.BytesIO:
    """Fill `template` in a child process bounded in time and memory; a template error, a failing
    calculation or an overrun is raised as an ApplicationError."""
    return io.BytesIO(sandbox.run_limited(_render_bounded, template, context, strict))


def _render_bounded(template: DocxTemplate, context: dict, strict: bool) -> bytes:
    try:
        template.render(context, jinja_env=_environment(strict=strict))
        out = io.BytesIO()
        template.save(out)
    except Exception as exc:
        # Jinja raises its own errors for tags, and Python's for a calculation in a tag ({{ a / b }}).
        raise _problem(exc) from exc
    if out.tell() > MAX_DOCUMENT_BYTES:
        raise ApplicationError(f"模板生成的文档超过 {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB，请检查模板中的循环。")
    return out.getvalue()


def _problem(exc: Exception) -> ApplicationError:
    """A template error, told in the office's terms."""
    if isinstance(exc, TemplateSyntaxError):
        near = " ".join(line.strip() for line in getattr(exc, "docx_context", []) or [] if line.strip())
        where = f"出错位置附近的文字：“{near[:120]}”。" if near else ""
        return ApplicationError(
            f"模板标签有语法错误（{exc.message}）。{where}"
            "请检查 {{ }} 和 {% %} 是否成对、完整，并在 Word 中一次输入完整的标签。"
        )
    if isinstance(exc, UndefinedError):
        match = re.search(r"has no attribute '([^']+)'|'([^']+)' is undefined", exc.message or "")
        name = next((g for g in match.groups() if g), "") if match else ""
        return ApplicationError(
            f"模板使用了统计数据中没有的标签“{name or exc.message}”。请对照“可用标签”列表修改模板；"
            "尚未启用的部分请用 {% if 部分名 %} … {% endif %} 包围。"
        )
    if isinstance(exc, sandbox.TemplateLimitError):
        return ApplicationError(str(exc))
    if isinstance(exc, MemoryError | RecursionError):
        return ApplicationError("模板生成时超出内存或嵌套层数的上限，已停止。请减少模板中的循环、宏和计算。")
    if isinstance(exc, SecurityError):
        return ApplicationError("模板中含有不允许的操作，只能使用统计数据标签、条件和循环。")
    if isinstance(exc, TemplateError):
        return ApplicationError(f"模板无法生成文档（{exc.message}）。")
    return ApplicationError(f"模板中的计算无法用本期数据完成（{type(exc).__name__}：{exc}），请检查模板中的计算。")


def check_template(data: bytes, *, context: dict) -> None:
    """Refuse what is not a .docx (judged by content: a zip holding word/document.xml) or does not
    render `context` without an error."""
    if len(data) > MAX_TEMPLATE_BYTES:
        raise ApplicationError(f"模板文件不能超过 {MAX_TEMPLATE_BYTES // (1024 * 1024)} MB。")
    not_docx = ApplicationError(
        "上传的文件不是 Word 文档（.docx）。如为 .doc、.wps 等格式，请先在 Word 或 WPS 中“另存为” .docx 再上传。"
    )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise not_docx
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile:
        raise not_docx from None
    if "word/document.xml" not in {m.filename for m in members}:
        raise not_docx
    if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
        raise ApplicationError("模板文件解压后过大，请检查其中的图片或嵌入对象。")
    try:
        template = _load(io.BytesIO(data))
    except Exception as exc:
        # python-docx and lxml raise many kinds of errors on a damaged or unusual package; to the
        # office they all mean the same thing.
        raise ApplicationError(f"无法读取该 Word 文档（{type(exc).__name__}），请用 Word 重新保存后再上传。") from exc
    _render(template, context, strict=True)


def active_template() -> ReportTemplate | None:
    return ReportTemplate.objects.filter(is_active=True).select_related("uploaded_by").first()


def template_upload(*, actor, file) -> ReportTemplate:
    """Check the uploaded template against the current year's data and make it the one in use; a
    refused file leaves the template in use as it was."""
    if not has_role(actor, Role.OFFICE):
        raise PermissionDenied("只有机关工作人员可以更换工作报告模板。")
    data = file.read(MAX_TEMPLATE_BYTES + 1)
    check_template(data, context=report_context(statistics.period_for(year=timezone.localdate().year)))
    name = Path(file.name or "模板.docx").name[:200]
    with transaction.atomic(), acting(actor):
        ReportTemplate.objects.select_for_update().filter(is_active=True).update(
            is_active=False, retired_at=timezone.now()
        )
        template = ReportTemplate(original_name=name, size=len(data), uploaded_by=actor, is_active=True)
        template.file.save(name, ContentFile(data), save=False)
        template.save()
    return template


def template_reset(*, actor) -> None:
    """Go back to the default template; uploads stay on record."""
    if not has_role(actor, Role.OFFICE):
        raise PermissionDenied("只有机关工作人员可以更换工作报告模板。")
    with transaction.atomic(), acting(actor):
        ReportTemplate.objects.filter(is_active=True).update(is_active=False, retired_at=timezone.now())


def template_file(template: ReportTemplate | None):
    """The template's bytes as an open binary file (the default one when `template` is None)."""
    if template is None:
        return DEFAULT_TEMPLATE.open("rb")
    try:
        return template.file.open("rb")
    except FileNotFoundError:
        raise ApplicationError("模板文件已丢失，请重新上传模板或恢复默认模板。") from None


def work_report_docx(period: statistics.Period, *, session: Session | None = None) -> io.BytesIO:
    """The work-report draft for `period` from the template in use.

    Unlike the check at upload, a tag without data prints nothing here: a figure that one year does
    not have (a category nobody wrote in) must not stop the office from getting its draft.
    """
    context = report_context(period, session=session)
    with template_file(active_template()) as source:
        return _render(_load(source), context, strict=False)


# --- the tag list ----------------------------------------------------------------------------------

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _access(path: str, key) -> str:
    # Dot access would find a dict's own methods first (`items`, `values` …) and cannot spell every key.
    if isinstance(key, str) and _IDENTIFIER.match(key) and not hasattr(dict, key):
        return f"{path}.{key}"
    return f"{path}[{key!r}]"


def _example(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _is_scalar(value) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def tag_list(context: dict) -> list[dict]:
    """Every tag a template can use, with its meaning and this period's value, grouped by section:
    walked from the data itself, so a key added to `annual()` is listed the day it appears."""
    codes = _code_labels()
    first = [key for key in ("report", "period") if key in context]
    sections = []
    for key in first + [key for key in context if key not in first]:
        rows: list[dict] = []
        _tags(rows, key, key, context[key], codes)
        sections.append({"key": key, "title": SECTION_TITLES.get(key, key), "tags": rows})
    return sections


def _tags(rows: list, expr: str, path: str, value, codes: dict, meaning: str = "") -> None:
    meaning = meaning or label(path)
    if isinstance(value, dict):
        if path.startswith(SPARSE) and not any(value.values()):
            return  # nothing recorded for this kind: its tags are those of any other kind
        breakdown = not value or (all(_is_scalar(v) for v in value.values()) and not _is_metric_block(path, value))
        if breakdown:
            rows.append(
                {
                    "tag": f"{{% for name, n in {expr}.items() %}}{{{{ name }}}}{{{{ n }}}}{{% endfor %}}",
                    "label": f"{meaning}：逐项列出",
                    "example": "、".join(f"{codes.get(str(k), k)} {_example(v)}" for k, v in value.items()) or "（无）",
                }
            )
        for k, v in value.items():
            entry = f"{meaning}：{codes.get(str(k), k)}" if breakdown else ""
            _tags(rows, _access(expr, k), f"{path}.{k}", v, codes, entry)
    elif isinstance(value, list) and (not value or isinstance(value[0], dict)):
        parent = path.rsplit(".", 1)[0]
        named = [p for p in LABELS if p.startswith((f"{path}.", f"{parent}.*."))]
        fields = list(value[0]) if value else [p.rsplit(".", 1)[-1] for p in named]
        rows.append(
            {
                "tag": f"{{%tr for row in {expr} %}}",
                "label": f"{meaning}：表格行循环（每行一条，{{%tr endfor %}} 结束）",
                "example": f"{len(value)} 行",
            }
        )
        for field in fields:
            rows.append(
                {
                    "tag": f"{{{{ {_access('row', field)} }}}}",
                    "label": f"　行内：{label(f'{path}.{field}')}",
                    "example": "",
                }
            )
    elif isinstance(value, list):
        rows.append(
            {
                "tag": f"{{% for item in {expr} %}}{{{{ item }}}}{{% endfor %}}",
                "label": f"{meaning}：逐项列出",
                "example": "、".join(_example(v) for v in value) or "（无）",
            }
        )
    else:
        how = figures.definition(path, codes, fallback="")[0]
        rows.append({"tag": f"{{{{ {expr} }}}}", "label": meaning, "example": _example(value), "meaning": how})


def _is_metric_block(path: str, value: dict) -> bool:
    """A nested group of named figures (答复情况, 委员评价), as opposed to a breakdown by category,
    state or form whose entries add up."""
    return all(f"{path}.{k}" in LABELS for k in value)


# --- the Excel workbook ----------------------------------------------------------------------------

# One named font for every cell: a bold cell without a name falls back differently from the
# workbook's default, and 宋体 is on every Chinese office machine.
_FONT = {"font_name": "宋体", "font_size": 11}
_HEAD = {**_FONT, "bold": True, "font_color": "#FFFFFF", "bg_color": "#1F4E79"}
_HEAD_ALIGN = {"align": "center", "valign": "vcenter", "text_wrap": True}
_TOTAL = {**_FONT, "bold": True, "bg_color": "#DDEBF7"}
_BLOCK = {**_FONT, "bold": True, "font_size": 12, "font_color": "#1F4E79"}
_TITLE = {**_FONT, "bold": True, "font_size": 14}
_GREY = {**_FONT, "font_color": "#6B7280"}
_NOTE = {**_FONT, "font_color": "#6B7280", "font_size": 9}
_BORDER = {"border": 1, "border_color": "#B4C6E7"}
_A4 = 9

SHEETS = [
    ("活动与参与", ("activities", "participation")),
    ("提案", ("proposals",)),
    ("承办单位", ("units",)),
    ("社情民意", ("opinions",)),
    ("考核", ("assessment",)),
    ("制度建设", ("regulations",)),
]
# The long text first, in the wide column A.
FIELD_ORDER = {"proposals.key_list": ["title", "number", "state"]}
CODE_FIELDS = {"state", "form", "level", "kind", "result"}
UNIT_COLUMNS = ["unit", "lead", "co", "split", "due", "replied", "on_time", "overdue", "on_time_rate"]
NOT_STATISTICS = {"period", "report"}


class _Sheet:
    """Rows appended top to bottom (the writer keeps memory flat), with styled cells."""

    def __init__(self, book: Workbook, title: str, widths: list[int], codes: dict, *, landscape=False):
        self.sheet = book.sheet(title, widths)
        self.ws = self.sheet.worksheet
        self.codes = codes
        # Printed on A4, as wide as the page and as long as it takes.
        self.ws.set_paper(_A4)
        self.ws.fit_to_pages(1, 0)
        if landscape:
            self.ws.set_landscape()
        else:
            self.ws.set_portrait()

    def _append(self, values, style: dict, *, border=True):
        if border:
            style = {**style, **_BORDER}
        cells, styles = [], []
        for value in values:
            cell_style = style
            if value is None:
                # No figure (nothing to divide by), in the numbers' column.
                value, cell_style = "—", {"align": "right", **style}
            elif isinstance(value, float) and value.is_integer():
                value = int(value)
            cells.append(value)
            styles.append(cell_style)
        self.sheet.append(cells, styles)

    def title(self, text: str, subtitle: str):
        self._append([text], _TITLE, border=False)
        self._append([subtitle], _GREY, border=False)
        self.gap()

    def block(self, text: str):
        self._append([text], _BLOCK, border=False)

    def header(self, *titles):
        self._append(titles, {**_HEAD, **_HEAD_ALIGN})

    def row(self, *values, total=False):
        self._append(values, _TOTAL if total else _FONT)

    def gap(self):
        self.sheet.skip()

    def note(self, text: str):
        self._append([text], _NOTE, border=False)

    # -- a section of `annual()`, whatever keys it has --

    def section(self, path: str, data: dict, heading: str):
        scalars = [(k, v) for k, v in data.items() if _is_scalar(v)]
        if scalars:
            self.block(heading)
            self.header("项目", "数值")
            for key, value in scalars:
                self.row(label(f"{path}.{key}"), value)
            self.gap()
        for key, value in data.items():
            sub = f"{path}.{key}"
            if sub in WORKBOOK_SKIPS or _is_scalar(value):
                continue
            if (
                isinstance(value, dict)
                and (not value or not _is_metric_block(sub, value))
                and all(_is_scalar(v) for v in value.values())
            ):
                self.breakdown(sub, value)
            elif isinstance(value, dict):
                self.section(sub, value, label(sub))
            elif isinstance(value, list):
                self.listing(sub, value)

    def breakdown(self, path: str, data: dict):
        if path.startswith(SPARSE):
            data = {k: v for k, v in data.items() if v}
            if not data:
                return
        self.block(label(path))
        self.header("分类", "数量")
        for key, value in data.items():
            self.row(self.codes.get(str(key), key), value)
        if not path.startswith(NO_TOTAL):
            numbers = [v for v in data.values() if isinstance(v, int | float) and not isinstance(v, bool)]
            self.row("合计", sum(numbers) if len(numbers) == len(data) else None, total=True)
        self.gap()

    def listing(self, path: str, rows: list):
        if path.startswith(SPARSE) and not rows:
            return
        self.block(label(path))
        if path.rsplit(".", 1)[-1].startswith("monthly"):
            self.header("月份", "数量")
            for month, value in enumerate(rows, start=1):
                self.row(f"{month}月", value)
            self.row("合计", sum(rows), total=True)
        elif rows and all(isinstance(r, dict) for r in rows):
            fields = FIELD_ORDER.get(path) or list(rows[0])
            self.header(*(label(f"{path}.{f}") for f in fields))
            for r in rows:
                self.row(*(self.codes.get(r.get(f), r.get(f)) if f in CODE_FIELDS else r.get(f) for f in fields))
        elif rows and all(_is_scalar(r) for r in rows):
            self.header("序号", "内容")
            for index, value in enumerate(rows, start=1):
                self.row(index, value)
        else:
            self.row("（无）")
        self.gap()


def statistics_xlsx(period: statistics.Period, *, context: dict | None = None):
    """The annual statistics workbook: one sheet per area, headers styled, breakdowns with totals.
    Returns a spooled temporary file, rewound, ready to stream."""
    context = context or report_context(period)
    codes = _code_labels()
    workbook = Workbook()
    subtitle = (
        f"统计期间：{context['period']['start']} 至 {context['period']['end']}　生成时间：{context['report']['date']}"
    )
    known = {key for _, keys in SHEETS for key in keys} | NOT_STATISTICS
    extra = [(SECTION_TITLES.get(key, key), (key,)) for key in context if key not in known]
    for title, keys in SHEETS + extra:
        present = [key for key in keys if context.get(key) is not None]
        if not present:
            continue  # a section the system does not carry (yet)
        if keys == ("units",):
            _unit_sheet(workbook, context, subtitle, codes)
            continue
        sheet = _Sheet(workbook, title[:31], [40, 16, 16, 16], codes)
        sheet.title(f"{context['period']['label']}{title}统计", subtitle)
        for key in present:
            value = context[key]
            if isinstance(value, dict):
                sheet.section(key, value, SECTION_TITLES.get(key, key))
            elif isinstance(value, list):
                sheet.listing(key, value)
    # Every figure with its definition and where its records are; the activity records themselves.
    definitions = workbook.table("指标说明", figures.FIGURE_COLUMNS)
    definitions.extend(figures.figure_rows(context, codes, label))
    activity_list = workbook.table(figures.ACTIVITY_LIST, figures.ACTIVITY_COLUMNS)
    activity_list.extend(figures.activity_rows(period))
    return workbook.close()


def _unit_sheet(workbook, context: dict, subtitle: str, codes: dict):
    units = context["units"]
    sheet = _Sheet(workbook, "承办单位", [30, 10, 10, 10, 12, 12, 12, 14, 16], codes, landscape=True)
    sheet.ws.freeze_panes(4, 1)  # the unit names and the header stay in view
    sheet.ws.repeat_rows(3)  # the header on every printed page
    sheet.title(f"{context['period']['label']}提案承办单位办理情况", subtitle)
    sheet.header(*(label(f"units.{c}") for c in UNIT_COLUMNS))
    for row in units:
        sheet.row(*(row.get(c) for c in UNIT_COLUMNS))
    totals = {c: sum(row[c] for row in units) for c in UNIT_COLUMNS[1:-1]}
    totals["on_time_rate"] = statistics._rate(totals["on_time"], totals["due"])
    sheet.row("合计", *(totals[c] for c in UNIT_COLUMNS[1:]), total=True)
    sheet.gap()
    sheet.note("注：主办、会办、分办为本期立案提案的交办件次；应答复及以后各列为答复期限在本期内的主办、分办件次。")
