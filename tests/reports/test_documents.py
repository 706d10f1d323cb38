"""The work-report draft (.docx) and the statistics workbook (.xlsx) carry the numbers of the JSON API
for the hand-counted `year_of_work`; uploaded templates are checked and a bad one never replaces the
good one; only office and leaders get in."""

import datetime as dt
import io
import re
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from reports import build_default_template, documents, statistics
from reports.models import ReportTemplate
from tests.factories import SessionFactory, TermFactory

YEAR = statistics.period_for(year=2026)
SENTENCE = (
    "全年常委会、专委会、委员组开展了{a[inspection_research]}项视察调研和{a[consultations]}次协商活动，"
    "有{p[core_members]}位委员{p[core_person_times]}人次参加，提交提案{r[submitted]}件，立案{r[filed]}件"
)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded templates go to a throwaway directory, never to var/private."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def api_numbers(year_of_work, api_client, people):
    api_client.force_authenticate(people["office"])
    response = api_client.get("/api/v1/reports/annual/", {"year": 2026})
    assert response.status_code == 200
    return response.json()


@pytest.fixture
def as_office(client_for, people):
    return client_for(people["office"])


@pytest.fixture
def extra_sections(monkeypatch):
    """The sections other parts of the system will add to `annual()`."""
    monkeypatch.setitem(statistics.SECTIONS, "opinions", lambda period: {"submitted": 7, "adopted": 3, "instructed": 1})
    monkeypatch.setitem(
        statistics.SECTIONS,
        "assessment",
        lambda period: {
            "assessed": 40,
            "outstanding_members": 5,
            "outstanding_groups": 2,
            "excellent_group_leaders": 2,
            "by_grade": {"优秀": 5, "合格": 33, "不合格": 2},
        },
    )


def _content(response) -> bytes:
    return b"".join(response.streaming_content)


def _docx(content: bytes):
    return Document(io.BytesIO(content))


def _text(document) -> str:
    return "\n".join(p.text for p in document.paragraphs)


def _table_rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def _docx_file(*paragraphs: str) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _upload(client, data: bytes, name="我们的模板.docx"):
    return client.post(reverse("reports:template_upload"), {"file": SimpleUploadedFile(name, data)})


def _sheet_pairs(sheet) -> dict:
    """Label → value of the two-column rows (a label written twice keeps its first value)."""
    pairs = {}
    for row in sheet.iter_rows(values_only=True):
        if len(row) >= 2 and isinstance(row[0], str) and row[1] is not None:
            pairs.setdefault(row[0], row[1])
    return pairs


def _block(sheet, title: str) -> dict:
    """The rows of the block headed `title`, up to the blank row that ends it."""
    rows = list(sheet.iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if row and row[0] == title)
    block = {}
    for row in rows[start + 2 :]:
        if not row or row[0] is None:
            break
        block[row[0]] = row[1]
    return block


def _scalars(section: dict, path: str):
    for key, value in section.items():
        if isinstance(value, dict):
            yield from _scalars(value, f"{path}.{key}")
        elif not isinstance(value, list):
            yield f"{path}.{key}", value


# --- the same numbers everywhere ---------------------------------------------------------------------


def test_word_draft_carries_the_numbers_of_the_api(as_office, api_numbers):
    response = as_office.get(reverse("reports:work_report"), {"year": 2026})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert "attachment" in response["Content-Disposition"]
    document = _docx(_content(response))  # python-docx opens it
    text = _text(document)

    a, p, r = api_numbers["activities"], api_numbers["participation"], api_numbers["proposals"]
    o = api_numbers["opinions"]
    assert SENTENCE.format(a=a, p=p, r=r) + f"，反映社情民意{o['submitted']}件。" in text
    # …and those are the hand-counted figures of the fixture (the converted proposal became a report).
    assert "开展了2项视察调研和1次协商活动，有2位委员3人次参加，提交提案7件，立案3件，反映社情民意1件。" in text
    assert r["collective_filed"] == 0 and "经审查立案3件，立案率42.9%" in text  # no "其中集体提案0件"
    # The sentence adds up: received 7 = filed 3 + merged 1 + converted 1 + not filed 1 + in review 1.
    assert "并案处理1件，转为社情民意信息1件，不予立案1件，尚在审查1件。" in text
    assert "立案提案中，经济建设类3件（见附表一）" in text
    assert "应答复2件，已答复2件，其中按期答复2件，按期答复率100%" in text
    assert "已解决或基本解决（A类）2件" in text
    assert "提案人反馈意见1件，其中满意1件，满意率100%" in text
    # A figure that is zero is left out of its sentence rather than printed as "0件"/"0次".
    zero = r"[^0-9.]0(?:件|次|位|个|项|起|篇|户次|人次|万元)"
    assert not re.search(zero, text), re.findall(r".{12}" + zero, text)
    assert "全年开展协商活动1次，其中专题协商1次" in text
    # The poverty paragraph names the poverty-relief companies only; the office's internal rules are
    # reported apart from the committee's 意见或办法, each title quoted once.
    assert "3家委员企业提供劳务用工岗位20个" in text and "家委员企业参与" not in text
    assert "制定和修订完善《政协委员履职管理办法》等1个意见或办法" in text
    assert "一年来，开展委员组长交流活动2次，委员组交叉联谊交流活动1次" in text
    assert "协助市政协开展专题调研任务1起" in text
    assert "制定修订完善《集体学习制度》等内部管理规范性制度1项" in text
    assert "《《" not in text
    # Each paragraph itemises its own kind's quantities: the welfare cash, the poverty goods.
    assert "全年组织委员参加社会公益活动1次，捐赠现金12.5万元，服务群众300人次。" in text
    assert "捐赠物资价值3万元，走访慰问25户次" in text
    assert "委员企业之间达成合作意向5个，为委员企业提供各类服务8起" in text
    assert "发布各类新闻信息40篇" in text
    assert "制定和修订完善《政协委员履职管理办法》等1个意见或办法" in text
    assert "培训出勤率50%" in text
    assert "2026年工作回顾" in text and "2027年工作安排" in text
    # Sections the system does not carry yet leave no trace, and no tag is left unfilled.
    assert "履职考评" not in text  # no assessment scheme for the fixture's year
    assert "{{" not in text and "{%" not in text

    categories, units = (_table_rows(t) for t in document.tables)
    assert categories[1:] == [["1", "经济建设", "3", "100%"], ["合计", "合计", str(r["filed"]), "100%"]]
    by_unit = {row[1]: row[2:] for row in units[1:-1]}
    assert by_unit["区教育局"] == ["2", "0", "0", "2", "2", "100%"]
    assert by_unit["区生态环境分局"] == ["0", "2", "0", "0", "0", "—"]  # a co-unit owes no reply
    assert units[-1][2:] == ["2", "2", "0", str(r["replies"]["due"]), str(r["replies"]["on_time"]), "100%"]


def test_excel_workbook_carries_the_numbers_of_the_api(as_office, api_numbers):
    response = as_office.get(reverse("reports:statistics_xlsx"), {"year": 2026})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = load_workbook(io.BytesIO(_content(response)))
    # No 考核 scheme that year; every figure's definition, and the activity records they are counted from.
    assert workbook.sheetnames == ["活动与参与", "提案", "承办单位", "社情民意", "制度建设", "指标说明", "活动明细"]
    # Every figure is named in Chinese: no key name (from_proposals, adoption_rate …) shows.
    raw = {
        (sheet.title, value)
        for sheet in workbook.worksheets
        if sheet.title != "活动明细"  # the records themselves: their titles are what the office typed
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if isinstance(value, str) and re.search(r"[a-z_]{3,}", value) and not value.startswith("{{")
    }  # (a template tag is code, in the 指标说明 sheet's last column)
    assert raw == set()

    # Every named figure of the API, under its label, on its sheet (breakdowns are checked below).
    sheets = {"activities": "活动与参与", "participation": "活动与参与", "proposals": "提案", "regulations": "制度建设"}
    checked = 0
    for section, sheet_name in sheets.items():
        pairs = _sheet_pairs(workbook[sheet_name])
        for path, value in _scalars(api_numbers[section], section):
            if path not in documents.LABELS:
                continue
            assert pairs[documents.label(path)] == ("—" if value is None else value), path
            checked += 1
    assert checked > 60

    act, prop = _sheet_pairs(workbook["活动与参与"]), _sheet_pairs(workbook["提案"])
    assert (act["视察调研（项）"], act["协商活动（次）"], act[documents.label("activities.donations_wan")]) == (
        2,
        1,
        15.5,
    )
    # The quantities by their catalogue names, per kind of activity only what was recorded.
    assert _block(workbook["活动与参与"], "扶贫帮困活动的数据") == {
        "参与委员企业（家）": 3,
        "提供就业岗位（个）": 20,
        "捐赠物资价值（万元）": 3,
        "走访慰问（户次）": 25,
    }
    assert (act["参加视察调研和协商活动的委员（位）"], act["参加视察调研和协商活动（人次）"]) == (2, 3)
    assert (prop["收到提案（件，不含撤回）"], prop["立案（件）"], prop["立案率（%）"]) == (7, 3, 42.9)
    assert _block(workbook["提案"], "立案提案按类别（件）") == {"经济建设": 3, "合计": 3}
    assert _block(workbook["提案"], "提交的提案按状态（件）")["合计"] == 8  # every state, the withdrawn one too
    assert _block(workbook["提案"], "办理结果（件）")["合计"] == 2
    assert _block(workbook["活动与参与"], "协商活动按形式（次）") == {"专题协商": 1, "合计": 1}
    assert sum(_block(workbook["提案"], "每月提交提案（件）")[f"{m}月"] for m in range(1, 13)) == 7

    units = list(workbook["承办单位"].iter_rows(min_row=4, values_only=True))
    header, rows, total = units[0], {row[0]: row[1:] for row in units[1:3]}, units[3]
    assert header[:5] == ("承办单位", "主办（件）", "会办（件）", "分办（件）", "应答复（件）")
    assert rows["区教育局"] == (2, 0, 0, 2, 2, 2, 0, 100)
    assert rows["区生态环境分局"] == (0, 2, 0, 0, 0, 0, 0, "—")
    replies = api_numbers["proposals"]["replies"]
    assert total == ("合计", 2, 2, 0, replies["due"], replies["replied"], replies["on_time"], replies["overdue"], 100)


def test_unit_handling_adds_up_to_the_reply_figures(year_of_work):
    units = statistics.unit_handling(YEAR)
    proposals = statistics.proposals(YEAR)
    assert {u["unit"]: (u["lead"], u["co"], u["split"]) for u in units} == {
        row["unit"]: (row["lead"], row["co"], row["split"]) for row in proposals["by_unit"]
    }
    for key in ("due", "replied", "on_time", "overdue"):
        assert sum(u[key] for u in units) == proposals["replies"][key]


def test_sections_added_later_render_in_both_documents(year_of_work, as_office, extra_sections):
    text = _text(_docx(_content(as_office.get(reverse("reports:work_report"), {"year": 2026}))))
    assert "提交提案7件，立案3件，反映社情民意7件。" in text
    assert "全年收到委员反映社情民意信息7件，被采用3件，获领导批示1件。" in text
    assert (
        "参加考评委员40位，其中优秀5位、合格33位、不合格2位，评选出优秀委员5名、先进委员组2个和优秀委员组长2名" in text
    )

    workbook = load_workbook(io.BytesIO(_content(as_office.get(reverse("reports:statistics_xlsx"), {"year": 2026}))))
    assert workbook.sheetnames == [
        "活动与参与",
        "提案",
        "承办单位",
        "社情民意",
        "考核",
        "制度建设",
        "指标说明",
        "活动明细",
    ]
    assert _sheet_pairs(workbook["社情民意"])["被采用（件）"] == 3
    assert _block(workbook["考核"], "考评等次（位）") == {"优秀": 5, "合格": 33, "不合格": 2, "合计": 40}


def test_title_names_the_term_and_the_session_after_the_year(year_of_work, as_office, settings):
    settings.CPPCC_DISTRICT = "城关区"
    earlier = SessionFactory(term=TermFactory(), number=4, name="第四次会议", start_date=dt.date(2026, 1, 10))
    SessionFactory(term=TermFactory(), number=5, name="第五次会议", start_date=dt.date(2027, 1, 12))
    text = _text(_docx(_content(as_office.get(reverse("reports:work_report"), {"year": 2026}))))
    assert text.startswith("在政协城关区第九届委员会第五次会议上\n所作的工作报告")
    assert "我受政协城关区第九届委员会常务委员会委托" in text

    chosen = as_office.get(reverse("reports:work_report"), {"year": 2026, "session": earlier.pk})
    assert _text(_docx(_content(chosen))).startswith("在政协城关区第九届委员会第四次会议上")


# --- the template the office uploads ------------------------------------------------------------------


def test_an_uploaded_template_is_used_for_the_draft(year_of_work, as_office, people):
    response = _upload(
        as_office, _docx_file("{{ period.label }}立案{{ proposals.filed }}件，立案率{{ proposals.filing_rate|pct }}。")
    )
    assert response.status_code == 302
    template = ReportTemplate.objects.get(is_active=True)
    assert (template.original_name, template.uploaded_by) == ("我们的模板.docx", people["office"])
    draft = _text(_docx(_content(as_office.get(reverse("reports:work_report"), {"year": 2026}))))
    assert draft == "2026年立案3件，立案率42.9%。"
    downloaded = _content(as_office.get(reverse("reports:template_download")))
    assert "{{ proposals.filed }}" in _text(_docx(downloaded))

    # Back to the default: the upload stays on record, retired.
    assert as_office.post(reverse("reports:template_reset")).status_code == 302
    template.refresh_from_db()
    assert not template.is_active and template.retired_at is not None
    assert "所作的工作报告" in _text(_docx(_content(as_office.get(reverse("reports:work_report"), {"year": 2026}))))


def _zip(**files) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return out.getvalue()


@pytest.mark.parametrize(
    "data, message",
    [
        (b"%PDF-1.7 not a word document", "上传的文件不是 Word 文档（.docx）"),
        (_zip(**{"xl/workbook.xml": "<workbook/>"}), "上传的文件不是 Word 文档（.docx）"),
        (
            _docx_file("立案{{ proposals.filed 件"),
            "模板标签有语法错误（expected token &#x27;end of print statement&#x27;",
        ),
        (_docx_file("{% for name, n in proposals.filed_by_category.items() %}{{ name }}"), "模板标签有语法错误"),
        (_docx_file("立案{{ proposals.filedd }}件"), "模板使用了统计数据中没有的标签“filedd”"),
        (_docx_file("考核{{ assessment.assessed }}人"), "模板使用了统计数据中没有的标签“assessment”"),
        (_docx_file("{{ proposals.__class__.__mro__ }}"), "模板中含有不允许的操作"),
        (_docx_file("{{ proposals.filed / proposals.merged / 0 }}"), "模板中的计算无法用本期数据完成"),
    ],
    ids=[
        "not-a-zip",
        "zip-without-document",
        "unclosed-tag",
        "unclosed-loop",
        "misspelt-tag",
        "absent-section",
        "sandbox",
        "division-by-zero",
    ],  # fmt: skip
)
def test_a_bad_template_is_refused_and_the_old_one_stays(year_of_work, as_office, data, message):
    assert _upload(as_office, _docx_file("旧模板：立案{{ proposals.filed }}件")).status_code == 302
    good = ReportTemplate.objects.get(is_active=True)

    response = _upload(as_office, data, name="新模板.docx")
    assert response.status_code == 400
    page = response.content.decode()
    assert "模板未启用：" in page and message in page
    assert list(ReportTemplate.objects.filter(is_active=True)) == [good]
    assert ReportTemplate.objects.count() == 1
    draft = _text(_docx(_content(as_office.get(reverse("reports:work_report"), {"year": 2026}))))
    assert draft == "旧模板：立案3件"


def test_a_template_failing_on_a_period_gives_a_message_not_a_crash(year_of_work, as_office, people):
    # Checked at upload against this year; another year's data may still divide by zero.
    template = ReportTemplate(original_name="按比例.docx", size=1, uploaded_by=people["office"])
    template.file.save("t.docx", ContentFile(_docx_file("人均{{ proposals.filed / proposals.excellent }}件")))
    response = as_office.get(reverse("reports:work_report"), {"year": 2026}, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("reports:documents"))
    assert "模板中的计算无法用本期数据完成（ZeroDivisionError" in response.content.decode()


def test_a_guarded_section_may_be_absent(year_of_work, as_office):
    guarded = _docx_file(
        "立案{{ proposals.filed }}件{% if opinions %}，社情民意{{ opinions.submitted }}件{% endif %}。"
    )
    assert _upload(as_office, guarded).status_code == 302


def test_the_committed_default_template_is_what_the_script_builds(tmp_path):
    built = build_default_template.build(tmp_path / "work_report.docx")
    with zipfile.ZipFile(built) as fresh, zipfile.ZipFile(documents.DEFAULT_TEMPLATE) as committed:
        for part in ("word/document.xml", "word/styles.xml", "word/footer1.xml"):
            assert fresh.read(part) == committed.read(part), f"{part}: run `python -m reports.build_default_template`"


def test_the_default_template_checks_clean_against_real_data(year_of_work):
    documents.check_template(documents.DEFAULT_TEMPLATE.read_bytes(), context=documents.report_context(YEAR))


# --- the documents page ---------------------------------------------------------------------------------


def test_the_page_lists_every_tag_of_the_data(year_of_work, as_office, django_assert_max_num_queries, extra_sections):
    with django_assert_max_num_queries(50):
        response = as_office.get(reverse("reports:documents"), {"year": 2026})
    assert response.status_code == 200
    page = response.content.decode()
    listed = {row["tag"] for section in response.context["sections"] for row in section["tags"]}
    for section in ("activities", "participation", "proposals", "regulations", "opinions", "assessment"):
        figures = statistics.annual(YEAR)[section]
        for path, _ in _scalars(figures, section):
            parts = path.split(".")
            if parts[1] == "by_kind" and not any(figures["by_kind"][parts[2]].values()):
                continue  # a kind of activity with no quantity recorded: its tags are those of any other
            if path.isascii():  # keys in Chinese (category names …) are listed as ['经济建设'], below
                assert f"{{{{ {path} }}}}" in listed, path
    for tag in (
        "{{ proposals.replies.results.A }}",
        "{%tr for row in units %}",
        "{{ row.on_time_rate }}",
        "{{ report.session }}",
        "{% for name, n in proposals.filed_by_category.items() %}{{ name }}{{ n }}{% endfor %}",
        "{{ proposals.filed_by_category[&#x27;经济建设&#x27;] }}",
    ):
        assert tag.replace("&#x27;", "'") in listed or tag in page, tag
    assert "系统默认模板" in page and "上传并启用" in page


def test_leaders_see_the_page_without_the_upload_form(year_of_work, client_for, people):
    page = client_for(people["leader"]).get(reverse("reports:documents")).content.decode()
    assert "下载工作报告（Word）" in page and "上传并启用" not in page


ROLES = [("office", 200), ("leader", 200), ("proposer", 403), ("unit_a", 403), ("admin", 403), ("auditor", 403)]


@pytest.mark.parametrize(
    "name", ["reports:documents", "reports:work_report", "reports:statistics_xlsx", "reports:template_download"]
)
@pytest.mark.parametrize("role, status", [*ROLES, (None, 302)])
def test_only_office_and_leaders_get_the_documents(people, client_for, name, role, status):
    response = client_for(people[role] if role else None).get(reverse(name), {"year": 2026})
    assert response.status_code == status
    if role is None:
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role, status", [("office", 302), ("leader", 403), ("proposer", 403), ("unit_a", 403),
                                          ("admin", 403), ("auditor", 403), (None, 302)])  # fmt: skip
def test_only_the_office_changes_the_template(people, client_for, role, status):
    client = client_for(people[role] if role else None)
    response = _upload(client, _docx_file("立案{{ proposals.filed }}件"))
    assert response.status_code == status
    assert ReportTemplate.objects.filter(is_active=True).exists() == (role == "office")
    if role is None:
        assert response["Location"].startswith(reverse("login"))
    assert client.post(reverse("reports:template_reset")).status_code == status


def test_a_bad_period_is_reported_not_a_crash(as_office, year_of_work):
    response = as_office.get(reverse("reports:work_report"), {"year": "abc"}, follow=True)
    assert response.status_code == 200
    assert "统计期间有误" in response.content.decode()
