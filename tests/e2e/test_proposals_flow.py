"""A proposal's whole life in the browser: drafted and submitted by a member, filed and assigned by the
office, accepted and answered by the unit, the reply approved, and the member's feedback closing it."""

import pytest
from playwright.sync_api import expect

from members.models import HandlingUnit, Member
from proposals.models import Proposal, ProposalCategory, State

from .conftest import expect_waiting, switch_user

pytestmark = pytest.mark.e2e

TITLE = "关于在老旧小区加装电梯的建议"


def open_proposal(page, list_link, title=TITLE):
    page.locator("nav").get_by_role("link", name=list_link).click()
    page.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", name=title)).to_be_visible()


def test_a_proposal_from_draft_to_closed(page, demo, notices_delivered):
    # Categories come from a data migration, which a previous browser test's flush may have removed.
    ProposalCategory.objects.get_or_create(name="城乡建设", defaults={"order": 50})
    proposer = Member.objects.get(user__username="m0001")
    cosigner = Member.objects.get(user__username="m0002")
    unit = HandlingUnit.objects.get(name="区住房和城乡建设局")
    unit_user = unit.users.get()  # unit12

    # 1. The member writes a draft, saves it, then submits it from the detail page.
    switch_user(page, "m0001")
    page.locator("nav").get_by_role("link", name="我的提案").click()
    page.get_by_role("link", name="撰写提案").click()
    page.get_by_label("案题").fill(TITLE)
    page.get_by_label("类别").select_option(label="城乡建设")
    page.get_by_label("案由").fill("我区老旧小区多为六层以下住宅，<script>alert(1)</script>老年居民上下楼困难。")
    page.get_by_label("建议").fill("一、简化审批流程；\n二、设立专项补贴。")
    page.get_by_label("附议委员").select_option(value=str(cosigner.pk))
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_text(f"已保存草稿“{TITLE}”。")).to_be_visible()
    expect(page.get_by_test_id("proposal-badges")).to_contain_text("草稿")
    expect(page.get_by_test_id("proposal-background")).to_contain_text("<script>alert(1)</script>")
    expect(page.get_by_test_id("cosigners")).to_contain_text(cosigner.name)
    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.get_by_text("已提交，等待提案委员会审查。")).to_be_visible()
    expect(page.get_by_test_id("proposal-badges")).to_contain_text("待审查")

    # 2. The office finds it in the review queue, files it and assigns a lead unit.
    switch_user(page, "office")
    expect_waiting(page, "审查提案", "提案", TITLE)
    page.locator("nav").get_by_role("button", name="提案管理").click()
    page.locator("nav").get_by_role("link", name="审查队列").click()
    expect(page.get_by_test_id("proposal-row")).to_have_count(1)
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("button", name="立案", exact=True).click()
    expect(page.get_by_text("已立案，提案号为第0001号。")).to_be_visible()
    expect(page.get_by_test_id("proposal-number")).to_have_text("第0001号")
    page.get_by_label("主办单位").select_option(label=unit.name)
    page.get_by_role("button", name="交办", exact=True).click()
    expect(page.get_by_text("已交办。")).to_be_visible()
    expect(page.get_by_test_id("assignment")).to_contain_text(unit.name)

    # 3. The unit finds it in its inbox, accepts it and replies with an A-class result.
    switch_user(page, unit_user.username)
    expect_waiting(page, "签收交办", "提案", TITLE)
    page.locator("nav").get_by_role("link", name="待办提案").click()
    row = page.get_by_test_id("proposal-row").filter(has_text=TITLE)
    expect(row).to_contain_text("待签收")
    row.get_by_role("link", name=TITLE).click()
    page.get_by_role("button", name="签收", exact=True).click()
    expect(page.get_by_text("已签收。")).to_be_visible()
    page.get_by_label("A类").check()
    page.get_by_label("答复文号").fill("建函〔2026〕8号")
    page.get_by_label("答复内容").fill("已将加装电梯纳入年度民生实事项目，简化了审批流程。")
    page.get_by_role("button", name="提交答复").click()
    expect(page.get_by_text("已提交答复。")).to_be_visible()
    expect(page.get_by_test_id("reply")).to_contain_text("待审核")

    # 4. The office approves the reply.
    switch_user(page, "office")
    expect_waiting(page, "审核答复", "提案", TITLE)
    page.goto(f"/proposals/{Proposal.objects.get(title=TITLE).pk}/")
    page.get_by_role("button", name="审核通过").click()
    expect(page.get_by_text("答复已审核通过。")).to_be_visible()
    expect(page.get_by_test_id("proposal-badges")).to_contain_text("已答复")

    # 5. The member reads the reply and is satisfied.
    switch_user(page, "m0001")
    expect_waiting(page, "评价办理结果", "提案", TITLE)
    open_proposal(page, "我的提案")
    expect(page.get_by_test_id("reply")).to_contain_text("建函〔2026〕8号")
    page.get_by_label("满意", exact=True).check()
    page.get_by_role("button", name="提交评价").click()
    expect(page.get_by_text("已提交评价。")).to_be_visible()
    expect(page.get_by_test_id("proposal-badges")).to_contain_text("已办结")
    expect(page.get_by_test_id("satisfaction")).to_have_text("满意")

    # The timeline shows every step, in order, with who took it.
    steps = page.get_by_test_id("timeline").locator("li")
    expect(steps).to_have_count(8)
    actions = [steps.nth(i).get_attribute("data-action") for i in range(8)]
    assert actions == ["create", "submit", "file", "assign", "accept", "reply", "approve_reply", "feedback"]
    for label in ("创建草稿", "提交", "立案", "交办", "签收", "答复", "审核答复", "评价"):
        expect(page.get_by_test_id("timeline")).to_contain_text(label)
    expect(steps.nth(2)).to_contain_text("待审查 → 已立案")
    expect(steps.nth(7)).to_contain_text("已答复 → 已办结")

    proposal = Proposal.objects.get(title=TITLE)
    assert proposal.state == State.CLOSED
    assert proposal.number == 1
    assert proposal.lead_proposer == proposer
    assert list(proposal.events.values_list("actor__username", flat=True)) == [
        "m0001", "m0001", "office", "office", unit_user.username, unit_user.username, "office", "m0001",
    ]  # fmt: skip


def test_unit_and_member_are_kept_out_of_office_pages(page, demo):
    switch_user(page, "m0001")
    nav = page.locator("nav")
    expect(nav.get_by_role("button", name="提案管理")).to_have_count(0)
    expect(nav.get_by_role("link", name="待办提案")).to_have_count(0)
    for path in ("/proposals/", "/proposals/review/", "/proposals/board/", "/proposals/inbox/"):
        assert page.goto(path).status == 403, path

    switch_user(page, "unit01")
    expect(page.locator("nav").get_by_role("link", name="我的提案")).to_have_count(0)
    assert page.goto("/proposals/mine/").status == 403
    assert page.goto("/proposals/inbox/").status == 200
