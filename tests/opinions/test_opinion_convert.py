"""A proposal converted in review (转社情民意) arrives as a submitted social-opinion report, linked to it."""

import pytest

from cppcc.errors import Conflict
from opinions import services as opinion_services
from opinions.models import OpinionEvent, OpinionReport
from proposals import services as proposal_services
from proposals.models import Proposal, ProposalCategory
from proposals.models import State as ProposalState
from tests.factories import MemberFactory, PartyFactory, TermFactory

from .test_opinion_world import Cast


@pytest.fixture
def cast(db):
    TermFactory()
    return Cast()


def _proposal(cast, **extra):
    category = ProposalCategory.objects.get_or_create(name="社会建设", defaults={"order": 40})[0]
    third = MemberFactory(name="孙丽")
    proposal = proposal_services.proposal_create(
        actor=cast["author"],
        data={
            "title": "关于加强居家养老服务的建议",
            "category": category,
            "background": "老龄化加快，居家养老服务供给不足。",
            "suggestions": "一、增加社区养老服务站；二、发展助餐服务。",
            **extra,
        },
        cosigners=[cast.comember, third],
    )
    proposal_services.proposal_cosign(actor=cast["coauthor"], proposal=proposal)  # 孙丽 never confirms
    return proposal_services.proposal_submit(actor=cast["author"], proposal=proposal)


def test_convert_through_the_api_creates_the_linked_report(cast):
    proposal = _proposal(cast)
    response = cast.client("office").post(
        f"/api/v1/proposals/{proposal.pk}/convert/", {"note": "适宜以社情民意信息反映"}, format="json"
    )
    assert response.status_code == 200
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.CONVERTED

    report = OpinionReport.objects.get(proposal=proposal)
    assert report.state == "submitted" and report.submitted_at is not None
    assert report.title == proposal.title
    assert "居家养老服务供给不足" in report.content and "发展助餐服务" in report.content
    assert report.category.name == "社会"  # 社会建设 → 社会
    assert report.created_by == cast["author"]  # the one who wrote the text
    # Authors: the lead proposer and the co-signers who confirmed.
    assert [(a.member.name, a.is_lead) for a in report.authors.order_by("-is_lead", "id")] == [
        ("李建国", True), ("王芳", False)
    ]  # fmt: skip
    event = OpinionEvent.objects.get(report=report)
    assert (event.action, event.actor, event.to_state) == ("convert", cast["office"], "submitted")
    assert "适宜以社情民意信息反映" in event.note and event.data == {"proposal": proposal.pk}

    # It waits in the office's queue, and the proposer finds it among their reports.
    queue = cast.client("office").get("/api/v1/opinions/?state=submitted&from_proposal=true").json()
    assert [r["id"] for r in queue["results"]] == [report.pk]
    assert [r["proposal"] for r in cast.client("author").get("/api/v1/opinions/").json()["results"]] == [proposal.pk]
    assert cast.client("outsider").get(f"/api/v1/opinions/{report.pk}/").status_code == 404


def test_a_collective_proposal_converts_without_a_lead_author(cast):
    category = ProposalCategory.objects.get_or_create(name="生态文明建设", defaults={"order": 50})[0]
    proposal = proposal_services.proposal_create(
        actor=cast["office"],
        data={
            "title": "关于推进垃圾分类的建议",
            "category": category,
            "background": "分类投放点设置不合理。",
            "suggestions": "优化投放点布局。",
            "kind": Proposal.Kind.COLLECTIVE,
            "collective_party": PartyFactory(name="民盟"),
        },
    )
    proposal_services.proposal_submit(actor=cast["office"], proposal=proposal)
    proposal_services.proposal_convert(actor=cast["office"], proposal=proposal)
    report = OpinionReport.objects.get(proposal=proposal)
    assert report.category.name == "生态"
    assert not report.authors.exists()
    page = cast.client("office").get(f"/api/v1/opinions/{report.pk}/").json()
    assert page["authors"] == [] and page["state"] == "submitted"


def test_a_proposal_converts_once_and_a_failure_undoes_the_conversion(cast, monkeypatch):
    proposal = _proposal(cast)
    proposal_services.proposal_convert(actor=cast["office"], proposal=proposal)
    with pytest.raises(Conflict):
        opinion_services.opinion_from_proposal(actor=cast["office"], proposal=proposal)
    assert OpinionReport.objects.filter(proposal=proposal).count() == 1

    # If the report cannot be made, the proposal is not converted either: one transaction.
    second = _proposal(cast, title="关于发展普惠托育服务的建议")

    def broken(**kwargs):
        raise Conflict("模拟失败")

    monkeypatch.setattr(opinion_services, "opinion_from_proposal", broken)
    with pytest.raises(Conflict):
        proposal_services.proposal_convert(actor=cast["office"], proposal=second)
    second.refresh_from_db()
    assert second.state == ProposalState.SUBMITTED
    assert not second.events.filter(action="convert").exists()
