"""A leader opens the documents page, downloads the year's work-report draft and statistics workbook,
and finds the year's filed proposals in them."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook
from playwright.sync_api import expect

from members.models import Member
from proposals import services
from proposals.models import ProposalCategory
from reports import statistics

from .conftest import login

pytestmark = pytest.mark.e2e


def _proposals(filed: int, submitted_only: int):
    # Categories come from a data migration, which a previous browser test's flush may have removed.
    category = ProposalCategory.objects.get_or_create(name="城乡建设", defaults={"order": 50})[0]
    member = Member.objects.get(user__username="m0001").user
    office = get_user_model().objects.get(username="office")
    for n in range(filed + submitted_only):
        proposal = services.proposal_create(
            actor=member,
            data={
                "title": f"关于老旧小区改造的第{n + 1}条建议",
                "category": category,
                "background": "老旧小区设施陈旧。",
                "suggestions": "分批改造。",
            },
        )
        proposal = services.proposal_submit(actor=member, proposal=proposal)
        if n < filed:
            services.proposal_file(actor=office, proposal=proposal)


def test_a_leader_downloads_the_work_report_draft(page, demo, tmp_path):
    _proposals(filed=3, submitted_only=1)
    year = timezone.localdate().year
    figures = statistics.proposals(statistics.period_for(year=year))
    assert (figures["submitted"], figures["filed"]) == (4, 3)

    login(page, "leader")
    page.goto("/reports/documents/")
    expect(page.get_by_role("heading", name="工作报告与统计表")).to_be_visible()
    expect(page.get_by_test_id("period-label")).to_have_text(f"{year}年")
    expect(page.get_by_test_id("template-in-use")).to_contain_text("系统默认模板")
    # The data picker: found by its Chinese name, with this year's value; the syntax one click away.
    picker = page.get_by_test_id("tags-proposals")
    page.get_by_placeholder("查找数据").fill("立案率")
    row = picker.locator("tr", has_text="立案率（%）")
    expect(row).to_be_visible()
    expect(row).to_contain_text("75")
    expect(picker.locator("tr", has_text="收到提案（件，不含撤回）")).to_be_hidden()
    expect(row.locator("code")).to_be_hidden()
    page.get_by_label("显示模板写法").check()
    expect(row.locator("code")).to_have_text("{{ proposals.filing_rate }}")
    expect(page.get_by_role("button", name="上传并启用")).to_have_count(0)  # the office's job

    with page.expect_download() as info:
        page.get_by_role("button", name="下载工作报告（Word）").click()
    download = info.value
    assert download.suggested_filename == f"{year}年工作报告（草稿）.docx"
    path = tmp_path / "report.docx"
    download.save_as(path)
    text = "\n".join(p.text for p in Document(path).paragraphs)
    assert f"提交提案{figures['submitted']}件，立案{figures['filed']}件，反映社情民意" in text
    assert text.startswith("在政协")

    with page.expect_download() as info:
        page.get_by_role("button", name="下载统计表（Excel）").click()
    path = tmp_path / "statistics.xlsx"
    info.value.save_as(path)
    rows = {row[0]: row[1] for row in load_workbook(path)["提案"].iter_rows(values_only=True) if row and row[0]}
    assert rows["立案（件）"] == figures["filed"]
