"""Exports, tested at the function level (the views are wired elsewhere): the .xlsx list and the .docx form."""

import datetime as dt

import docx
import pytest
from django.utils import timezone
from openpyxl import load_workbook

from proposals import selectors, services
from proposals.exports import proposal_docx, proposals_xlsx
from proposals.models import Assignment, Proposal
from tests.factories import PartyFactory, SessionFactory

HEADER = [
    "提案号", "案题", "类别", "提案方式", "第一提案人/提案单位", "附议人", "会议", "状态", "提交时间", "立案时间",
    "主办/分办单位", "会办单位", "答复期限", "逾期", "办理结果", "答复文号", "委员评价", "重点提案", "督办领导",
    "优秀提案",
]  # fmt: skip
COL = {title: i for i, title in enumerate(HEADER)}


def read_xlsx(user, proposals=None):
    qs = selectors.proposal_list(user=user) if proposals is None else proposals
    out = proposals_xlsx(user=user, proposals=qs.order_by("number", "id"))
    workbook = load_workbook(out)
    assert workbook.sheetnames == ["提案"]
    rows = [list(r) for r in workbook["提案"].iter_rows(values_only=True)]
    return rows[0], rows[1:]


def by_title(rows):
    return {row[COL["案题"]]: row for row in rows}


def test_xlsx_header_and_one_row_per_proposal(people, draft, walk):
    walk(draft("关于甲的建议"), "filed")
    walk(draft("关于乙的建议"), "submitted")
    draft("关于丙的建议")  # a draft of the member: not the office's
    header, rows = read_xlsx(people["office"])
    assert header == HEADER
    assert sorted(r[COL["案题"]] for r in rows) == ["关于乙的建议", "关于甲的建议"]
    row = by_title(rows)["关于甲的建议"]
    assert row[COL["提案号"]] == "第0001号"
    assert row[COL["会议"]] == "闭会期间"
    assert by_title(rows)["关于乙的建议"][COL["提案号"]] in ("", None)


def test_xlsx_closed_proposal_shows_units_result_and_satisfaction(people, draft, walk):
    proposal = walk(draft("关于加快城中村改造的建议"), "closed")
    _, rows = read_xlsx(people["office"])
    (row,) = rows
    assert row[COL["提案号"]] == "第0001号"
    assert row[COL["类别"]] == "经济建设"
    assert row[COL["提案方式"]] == "个人提案"
    assert row[COL["第一提案人/提案单位"]] == "李建国"
    assert row[COL["附议人"]] == "王芳"
    assert row[COL["状态"]] == "已办结"
    assert row[COL["主办/分办单位"]] == "区教育局（主办）"
    assert row[COL["会办单位"]] == "区生态环境分局"
    lead = proposal.assignments.get(role=Assignment.Role.LEAD)
    assert row[COL["答复期限"]].date() == lead.due_date
    assert row[COL["办理结果"]] == "A"
    assert row[COL["答复文号"]] == "教函〔2026〕12号"
    assert row[COL["委员评价"]] == "满意"
    submitted = timezone.localtime(proposal.submitted_at).strftime("%Y-%m-%d %H:%M")
    assert row[COL["提交时间"]] == submitted


def test_xlsx_split_units_flags_collective_and_overdue(people, draft, walk, category):
    u = people["units"]
    split = walk(draft("关于分办的建议"), "filed")
    services.proposal_assign(actor=people["office"], proposal=split, split_units=[u["a"], u["c"]])
    Assignment.objects.filter(proposal=split).update(due_date=timezone.localdate() - dt.timedelta(days=1))
    services.proposal_set_flags(
        actor=people["leader"], proposal=split, data={"is_key": True, "supervisor": people["leader"]}
    )
    party = PartyFactory(name="民进")
    collective = services.proposal_create(
        actor=people["office"],
        data={
            "title": "关于集体提案的建议",
            "category": category,
            "background": "案由",
            "suggestions": "建议",
            "kind": Proposal.Kind.COLLECTIVE,
            "collective_party": party,
        },
    )
    services.proposal_submit(actor=people["office"], proposal=collective)
    rows = by_title(read_xlsx(people["office"])[1])

    row = rows["关于分办的建议"]
    assert row[COL["主办/分办单位"]] == "区教育局（分办）、区水务局（分办）"
    assert row[COL["会办单位"]] in ("", None)
    assert row[COL["逾期"]] == "是"
    assert row[COL["重点提案"]] == "是"
    assert row[COL["督办领导"]] == "leader"
    assert row[COL["办理结果"]] in ("", None)
    row = rows["关于集体提案的建议"]
    assert (row[COL["提案方式"]], row[COL["第一提案人/提案单位"]]) == ("集体提案", "民进")
    assert row[COL["逾期"]] in ("", None)


def test_xlsx_result_is_the_latest_round(people, draft, walk):
    proposal = walk(draft(), "replied")  # round 1: A
    services.proposal_feedback(actor=people["proposer"], proposal=proposal, satisfaction="unsatisfied", comment="否")
    u = people["units"]
    services.proposal_reply(actor=people["unit_b"], proposal=proposal, unit_id=u["b"].pk, result="C", content="意见")
    services.proposal_reply(
        actor=people["unit_a"],
        proposal=proposal,
        unit_id=u["a"].pk,
        result="C",
        content="二次答复",
        letter_number="二号",
    )
    services.proposal_approve_reply(actor=people["office"], proposal=proposal, unit_id=u["a"].pk)
    (row,) = read_xlsx(people["office"])[1]
    assert (row[COL["办理结果"]], row[COL["答复文号"]], row[COL["状态"]]) == ("C", "二号", "已答复")


def test_xlsx_contains_only_what_it_is_given(people, draft, walk):
    walk(draft("关于教育的建议"), "assigned", lead="a", co=())
    walk(draft("关于水务的建议"), "assigned", lead="c", co=())
    _, rows = read_xlsx(people["unit_c"])
    assert [r[COL["案题"]] for r in rows] == ["关于水务的建议"]


def test_xlsx_names_the_session(people, draft, walk, term):
    session = SessionFactory(term=term, number=3, name="第三次会议")
    walk(draft(session=session), "submitted")
    (row,) = read_xlsx(people["office"])[1]
    assert row[COL["会议"]] == "第九届第三次会议"


def test_xlsx_query_count_does_not_grow_with_rows(people, draft, walk, term, django_assert_max_num_queries):
    session = SessionFactory(term=term, number=3, name="第三次会议")
    counts = []
    for n in (2, 8):
        Proposal.objects.all().delete()
        for i in range(n):
            walk(draft(f"关于第{i}件事的建议", session=session), "assigned")
        qs = selectors.proposal_list(user=people["office"])
        with django_assert_max_num_queries(100) as captured:
            out = proposals_xlsx(user=people["office"], proposals=qs)
        counts.append(len(captured))
        rows = list(load_workbook(out)["提案"].iter_rows(values_only=True))[1:]
        assert len(rows) == n and {r[COL["会议"]] for r in rows} == {"第九届第三次会议"}
    assert counts[0] == counts[1], counts


# ---------------------------------------------------------------------------------------------
# The printable proposal form
# ---------------------------------------------------------------------------------------------
def read_docx(proposal, user=None):
    # The author's copy unless a reader is named (the contact phone depends on who prints).
    return docx.Document(proposal_docx(proposal, user=user or proposal.created_by))


def test_docx_has_the_term_title_table_and_text(people, draft, walk):
    proposal = walk(
        draft(background="城中村基础设施薄弱。\n消防通道不畅。", suggestions="一、统筹规划；\n二、分步实施。"),
        "filed",
    )
    document = read_docx(proposal)
    paragraphs = [p.text for p in document.paragraphs]
    assert "第九届" in paragraphs[0] and "提案" in paragraphs[0]
    assert "第0001号" in paragraphs[1] and "闭会期间" in paragraphs[1]

    table = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert table["案题"] == "关于加快城中村改造的建议"
    assert table["提案人"] == "李建国"
    assert table["附议人"] == "王芳"
    assert table["类别"] == "经济建设"
    assert table["状态"] == "已立案"

    for text in ("案由", "城中村基础设施薄弱。", "消防通道不畅。", "建议", "一、统筹规划；", "二、分步实施。"):
        assert text in paragraphs, text
    assert paragraphs.index("案由") < paragraphs.index("消防通道不畅。") < paragraphs.index("建议")
    assert len(document.tables) == 1  # no handling record before assignment


def test_docx_handling_record_after_reply(people, draft, walk):
    proposal = walk(draft(), "replied")
    document = read_docx(proposal)
    assert "办理情况" in [p.text for p in document.paragraphs]
    handling = [[c.text for c in row.cells] for row in document.tables[1].rows]
    assert handling[0] == ["承办单位", "办理方式", "答复期限", "办理结果"]
    rows = {r[0]: r for r in handling[1:]}
    lead_due = proposal.assignments.get(role=Assignment.Role.LEAD).due_date
    assert rows["区教育局"] == ["区教育局", "主办", lead_due.strftime("%Y-%m-%d"), "A类 教函〔2026〕12号"]
    assert rows["区生态环境分局"][1] == "会办"


def test_docx_of_a_draft_says_not_filed(draft):
    document = read_docx(draft())
    assert "（未立案）" in document.paragraphs[1].text


@pytest.mark.parametrize("session_name", ["第二次会议"])
def test_docx_names_the_session(draft, term, session_name):
    session = SessionFactory(term=term, number=2, name=session_name)
    document = read_docx(draft(session=session))
    assert "第九届第二次会议" in document.paragraphs[1].text
