"""The proposal pages: who may open what, actions posted through the pages, the draft form,
escaping, and lists whose cost does not grow with the number of rows."""

import datetime as dt
import io
from urllib.parse import unquote

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from proposals import services
from proposals.models import Assignment, CoSigner, Proposal, ProposalEvent, Reply, State

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

LIST_PAGES = ("mine", "list", "review", "board", "inbox", "create")
# Who may open which page: 200, 403 (role refused) or 302 (anonymous → login).
PAGE_ACCESS = {
    "anonymous": dict.fromkeys(LIST_PAGES, 302),
    "admin": dict.fromkeys(LIST_PAGES, 403),
    "auditor": dict.fromkeys(LIST_PAGES, 403),
    "proposer": {"mine": 200, "list": 403, "review": 403, "board": 403, "inbox": 403, "create": 200},
    "office": {"mine": 403, "list": 200, "review": 200, "board": 200, "inbox": 403, "create": 200},
    "leader": {"mine": 403, "list": 200, "review": 403, "board": 200, "inbox": 403, "create": 403},
    "unit_a": {"mine": 403, "list": 403, "review": 403, "board": 403, "inbox": 200, "create": 403},
}


@pytest.fixture
def page_as(client, people):
    def login(who):
        client.logout()
        if who != "anonymous":
            client.force_login(people[who] if isinstance(who, str) else who)
        return client

    return login


def flash(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def action_url(proposal, name):
    return reverse("proposals:action", args=[proposal.pk, name])


def detail_url(proposal):
    return reverse("proposals:detail", args=[proposal.pk])


# --- access ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "page", "status"),
    [(who, page, status) for who, pages in PAGE_ACCESS.items() for page, status in pages.items()],
    ids=[f"{who}-{page}" for who, pages in PAGE_ACCESS.items() for page in pages],
)
def test_page_access_by_role(page_as, who, page, status):
    url = reverse(f"proposals:{page}")
    response = page_as(who).get(url)
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("admin", 403),
        ("auditor", 403),
        ("proposer", 200),
        ("cosigner", 200),
        ("outsider", 404),
        ("office", 200),
        ("leader", 200),
        ("unit_a", 200),
        ("unit_b", 200),
        ("unit_c", 404),
    ],
)
def test_detail_is_scoped(page_as, draft, walk, who, status):
    proposal = walk(draft(), "assigned")  # lead unit a, co-unit b
    response = page_as(who).get(detail_url(proposal))
    assert response.status_code == status


@pytest.mark.parametrize(("who", "status"), [("office", 404), ("leader", 404), ("outsider", 404), ("proposer", 200)])
def test_someone_elses_draft_is_not_found(page_as, draft, who, status):
    assert page_as(who).get(detail_url(draft())).status_code == status


def test_wrong_id_is_404_not_500(page_as):
    client = page_as("office")
    assert client.get("/proposals/999999/").status_code == 404
    assert client.post("/proposals/999999/do/file/").status_code == 404


def test_action_url_refuses_get_and_anonymous(page_as, draft, walk):
    proposal = walk(draft(), "submitted")
    assert page_as("office").get(action_url(proposal, "file")).status_code == 405
    response = page_as("anonymous").post(action_url(proposal, "file"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert page_as("auditor").post(action_url(proposal, "file")).status_code == 403
    proposal.refresh_from_db()
    assert proposal.state == State.SUBMITTED


# --- actions through the pages -----------------------------------------------------------------------


def test_office_files_through_the_page(page_as, draft, walk):
    proposal = walk(draft(), "submitted")
    client = page_as("office")
    response = client.post(action_url(proposal, "file"), {"note": ""}, follow=True)
    proposal.refresh_from_db()
    assert proposal.state == State.FILED and proposal.number == 1
    assert response.redirect_chain[-1][0] == detail_url(proposal)
    html = response.content.decode()
    assert "已立案，提案号为第0001号。" in html


def test_full_walk_through_the_pages(page_as, people, draft, walk):
    """Every step posted as the forms post it; the co-units field carries several values."""
    u = people["units"]
    proposal = walk(draft(), "filed")
    client = page_as("office")
    client.post(action_url(proposal, "assign"), {"lead_unit": u["a"].pk, "co_units": [u["b"].pk, u["c"].pk]})
    proposal.refresh_from_db()
    assert proposal.state == State.ASSIGNED
    roles = dict(proposal.assignments.values_list("unit_id", "role"))
    assert roles == {u["a"].pk: "lead", u["b"].pk: "co", u["c"].pk: "co"}

    for key in ("a", "b", "c"):
        response = page_as(f"unit_{key}").post(action_url(proposal, "accept"), {"unit": u[key].pk})
        assert "已签收。" in flash(response)
    proposal.refresh_from_db()
    assert proposal.state == State.HANDLING

    for key in ("b", "c"):
        page_as(f"unit_{key}").post(
            action_url(proposal, "reply"), {"unit": u[key].pk, "result": "B", "content": "会办意见"}
        )
    response = page_as("unit_a").post(
        action_url(proposal, "reply"),
        {"unit": u["a"].pk, "result": "A", "content": "已解决。", "letter_number": "教函〔2026〕1号", "attachment": ""},
    )
    assert flash(response) == ["已提交答复。"]

    # The office sends the reply back once, then approves the corrected one as B.
    response = page_as("office").post(
        action_url(proposal, "approve_reply"),
        {"unit": u["a"].pk, "approve": "false", "result": "", "note": "请补充时限"},
    )
    assert flash(response) == ["答复已退回承办单位修改。"]
    assert Reply.objects.get(assignment__unit=u["a"]).status == Reply.Status.SENT_BACK
    page_as("unit_a").post(action_url(proposal, "reply"), {"unit": u["a"].pk, "result": "A", "content": "已补充时限。"})
    page_as("office").post(action_url(proposal, "approve_reply"), {"unit": u["a"].pk, "approve": "true", "result": "B"})
    proposal.refresh_from_db()
    assert proposal.state == State.REPLIED
    assert Reply.objects.filter(assignment__unit=u["a"], status=Reply.Status.APPROVED).get().result == "B"

    response = page_as("proposer").post(action_url(proposal, "feedback"), {"satisfaction": "satisfied", "comment": ""})
    proposal.refresh_from_db()
    assert proposal.state == State.CLOSED
    assert flash(response) == ["已提交评价。"]

    html = page_as("proposer").get(detail_url(proposal)).content.decode()
    for label in ("创建草稿", "提交", "立案", "交办", "签收", "答复", "审核答复", "评价"):
        assert f'<span class="fw-semibold">{label}</span>' in html


def test_refused_action_in_wrong_state_shows_the_error_and_changes_nothing(page_as, draft, walk):
    proposal = walk(draft(), "filed")
    events = ProposalEvent.objects.filter(proposal=proposal).count()
    response = page_as("office").post(action_url(proposal, "file"), follow=True)
    assert response.status_code == 200
    assert "提案当前状态为“已立案”，不能立案。" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.state == State.FILED and proposal.number == 1
    assert ProposalEvent.objects.filter(proposal=proposal).count() == events


def test_wrong_role_is_refused_with_a_message(page_as, draft, walk):
    proposal = walk(draft(), "submitted")
    response = page_as("proposer").post(action_url(proposal, "file"))
    assert response.status_code == 302
    assert any("无权" in m for m in flash(response))
    proposal.refresh_from_db()
    assert proposal.state == State.SUBMITTED


@pytest.mark.parametrize(
    ("state", "name", "data", "expected"),
    [
        ("submitted", "reject", {"reason": "", "note": ""}, "不立案理由："),
        ("submitted", "reject", {"reason": "other", "note": ""}, "理由为“其他”时须写明具体说明。"),
        ("submitted", "merge", {"into": "abc"}, "并入提案："),
        ("submitted", "return_for_revision", {"note": ""}, "意见："),
        ("filed", "assign", {"lead_unit": "", "co_units": []}, "主办单位：请指定主办单位或分办单位。"),
        ("filed", "assign", {"lead_unit": "99999"}, "主办单位："),
        ("assigned", "extend", {"unit": "", "due_date": "not-a-date"}, "新的答复期限："),
        ("submitted", "no_such_action", {}, "未知的操作"),
    ],
    ids=[
        "reject-no-reason",
        "reject-other-no-note",
        "merge-bad-id",
        "revision-no-note",
        "assign-empty",
        "assign-unknown-unit",
        "extend-bad-date",
        "unknown-action",
    ],
)
def test_bad_input_is_a_message_never_a_500(page_as, draft, walk, state, name, data, expected):
    proposal = walk(draft(), state)
    response = page_as("office").post(action_url(proposal, name), data)
    assert response.status_code == 302
    messages = flash(response)
    assert len(messages) == 1 and expected in messages[0], messages
    proposal.refresh_from_db()
    assert proposal.state == state


def test_leader_sets_key_and_supervisor_without_the_excellent_flag(page_as, people, draft, walk):
    proposal = walk(draft(), "filed")
    leader = people["leader"]
    response = page_as("leader").post(
        action_url(proposal, "flags"),
        {"is_key": ["false", "true"], "key_leader": leader.pk, "supervisor": leader.pk, "supervision_note": "按期办结"},
    )
    assert flash(response) == ["已保存重点/督办/优秀标记。"]
    proposal.refresh_from_db()
    assert proposal.is_key and proposal.key_leader == leader and proposal.supervisor == leader
    # Unchecking sends only the hidden "false".
    page_as("office").post(action_url(proposal, "flags"), {"is_key": "false", "is_excellent": ["false", "true"]})
    proposal.refresh_from_db()
    assert not proposal.is_key and proposal.key_leader is None and proposal.is_excellent


def test_return_for_revision_sends_the_office_back_to_the_queue(page_as, draft, walk):
    proposal = walk(draft(), "submitted")
    response = page_as("office").post(action_url(proposal, "return_for_revision"), {"note": "请补充数据"})
    assert response["Location"] == reverse("proposals:review")  # a draft again: no longer the office's to see
    proposal.refresh_from_db()
    assert proposal.state == State.DRAFT and proposal.revision_note == "请补充数据"
    html = page_as("proposer").get(detail_url(proposal)).content.decode()
    assert "请补充数据" in html


# --- detail page -------------------------------------------------------------------------------------


def test_detail_escapes_stored_markup(page_as, draft):
    proposal = draft(background="<script>alert(1)</script>\n第二段", suggestions="<b>加粗</b>")
    html = page_as("proposer").get(detail_url(proposal)).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;加粗&lt;/b&gt;" in html


def test_detail_shows_the_forms_of_the_allowed_actions_only(page_as, draft, walk):
    proposal = walk(draft(), "submitted")
    html = page_as("office").get(detail_url(proposal)).content.decode()
    for name in ("file", "reject", "merge", "convert", "return_for_revision"):
        assert action_url(proposal, name) in html
    assert action_url(proposal, "assign") not in html
    assert 'id="more-actions"' in html  # refusals sit in the collapsible panel
    assert html.index(action_url(proposal, "file")) < html.index(action_url(proposal, "reject"))

    html = page_as("leader").get(detail_url(proposal)).content.decode()
    assert "/do/" not in html  # a leader only reads a submitted proposal


def test_unit_sees_accept_then_reply(page_as, people, draft, walk):
    proposal = walk(draft(), "assigned")
    client = page_as("unit_a")
    html = client.get(detail_url(proposal)).content.decode()
    assert action_url(proposal, "accept") in html and action_url(proposal, "return") in html
    assert action_url(proposal, "reply") not in html
    client.post(action_url(proposal, "accept"), {"unit": people["units"]["a"].pk})
    html = client.get(detail_url(proposal)).content.decode()
    assert action_url(proposal, "accept") not in html


def test_detail_lists_assignments_replies_and_cosigners(page_as, draft, walk):
    proposal = walk(draft(), "replied")
    html = page_as("leader").get(detail_url(proposal)).content.decode()
    expected = ("区教育局", "区生态环境分局", "主办", "会办", "教函〔2026〕12号", "已列入年度计划。", "审核通过")
    for text in (*expected, "王芳", "待确认"):
        assert text in html, text


# --- lists ----------------------------------------------------------------------------------------


def test_mine_lists_own_and_cosigned_and_invitations(page_as, people, draft):
    mine = draft(title="本人的提案")
    other = services.proposal_create(
        actor=people["outsider"],
        data={"title": "别人的提案", "category": mine.category, "background": "x", "suggestions": "y"},
        cosigners=[people["proposer"].member],
    )
    client = page_as("proposer")
    html = client.get(reverse("proposals:mine")).content.decode()
    assert "本人的提案" in html and "别人的提案" in html
    assert "待确认的附议邀请（1）" in html

    response = client.post(action_url(other, "cosign"), {"next": reverse("proposals:mine")})
    assert response["Location"] == reverse("proposals:mine")
    assert CoSigner.objects.get(proposal=other, member=people["proposer"].member).confirmed_at is not None
    assert "待确认的附议邀请" not in client.get(reverse("proposals:mine")).content.decode()

    html = page_as("outsider").get(reverse("proposals:mine")).content.decode()
    assert "别人的提案" in html and "本人的提案" not in html


def test_next_must_stay_on_this_site(page_as, people, draft):
    proposal = draft()
    response = page_as("cosigner").post(action_url(proposal, "cosign"), {"next": "https://evil.example/"})
    assert response["Location"] == detail_url(proposal)


def test_review_queue_and_list_filters(page_as, people, draft, walk):
    submitted = walk(draft(title="待审查的提案"), "submitted")
    walk(draft(title="已立案的提案"), "filed")
    client = page_as("office")
    html = client.get(reverse("proposals:review")).content.decode()
    assert "待审查的提案" in html and "已立案的提案" not in html
    html = client.get(reverse("proposals:list"), {"state": "filed"}).content.decode()
    assert "已立案的提案" in html and "待审查的提案" not in html
    html = client.get(reverse("proposals:list"), {"q": "待审查"}).content.decode()
    assert "待审查的提案" in html and "已立案的提案" not in html
    assert submitted.title in client.get(reverse("proposals:list")).content.decode()


def test_htmx_request_gets_the_table_only(page_as, draft, walk):
    walk(draft(), "submitted")
    response = page_as("office").get(reverse("proposals:list"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and 'data-testid="proposal-row"' in html


def test_overdue_rows_carry_the_red_badge_and_come_first_on_the_board(page_as, people, draft, walk):
    late = walk(draft(title="逾期的提案"), "handling")
    walk(draft(title="按期的提案"), "handling")
    Assignment.objects.filter(proposal=late).update(due_date=dt.date(2020, 1, 1))
    html = page_as("office").get(reverse("proposals:board")).content.decode()
    assert html.index("逾期的提案") < html.index("按期的提案")
    assert html.count('<span class="badge text-bg-danger" title="答复逾期">逾期</span>') == 1
    html = page_as("unit_a").get(reverse("proposals:inbox")).content.decode()
    assert html.count(">逾期</span>") == 1
    html = page_as("office").get(reverse("proposals:list"), {"overdue": "true"}).content.decode()
    assert "逾期的提案" in html and "按期的提案" not in html


def test_inbox_shows_only_the_units_proposals(page_as, people, draft, walk):
    walk(draft(title="交教育局的提案"), "assigned", lead="a", co=())
    walk(draft(title="交水务局的提案"), "assigned", lead="c", co=())
    html = page_as("unit_a").get(reverse("proposals:inbox")).content.decode()
    assert "交教育局的提案" in html and "交水务局的提案" not in html
    assert "待签收" in html


def _many_proposals(people, draft, walk, count):
    """`count` proposals in a mix of open states, every one assigned to unit a (and b as co-unit)."""
    states = ("assigned", "handling", "replied")
    for i in range(count):
        walk(draft(title=f"提案{i:02d}"), states[i % len(states)])


# session, user, roles, count, filter choices (up to 4), rows, assignments — plus headroom for the
# site-wide context processors (e.g. the unread-notifications badge) of the base template.
QUERY_BOUND = 13


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


@pytest.mark.parametrize("count", [5, 25])
@pytest.mark.parametrize(
    ("who", "page"), [("office", "list"), ("leader", "board"), ("office", "board"), ("unit_a", "inbox")]
)
def test_lists_cost_the_same_for_5_or_25_proposals(
    page_as, people, draft, walk, django_assert_max_num_queries, who, page, count
):
    _many_proposals(people, draft, walk, count)
    client = page_as(who)
    # The unit's inbox lists finished proposals too with 显示已办结 (by default only open work).
    url = reverse(f"proposals:{page}") + ("?finished=1" if page == "inbox" else "")
    client.get(url)  # warm the session
    with django_assert_max_num_queries(QUERY_BOUND):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="proposal-row"') == min(count, 20)


@pytest.mark.parametrize(("who", "page"), [("office", "list"), ("office", "board"), ("unit_a", "inbox")])
def test_more_rows_add_no_queries(page_as, people, draft, walk, who, page):
    client = page_as(who)
    url = reverse(f"proposals:{page}")
    _many_proposals(people, draft, walk, 3)
    client.get(url)
    before = _queries(client, url)
    _many_proposals(people, draft, walk, 6)
    assert _queries(client, url) == before


# --- the draft form ----------------------------------------------------------------------------------


def draft_form(category, **overrides):
    data = {"title": "关于优化公交线路的建议", "category": category.pk, "session": "", "background": "线路重复。",
            "suggestions": "调整线路。", "cosigners": [], "contact_name": "", "contact_phone": ""}  # fmt: skip
    data.update(overrides)
    return data


def test_member_saves_a_draft_with_cosigners_and_an_attachment(page_as, people, category, media_root):
    upload = io.BytesIO(PNG)
    upload.name = "现场照片.png"
    response = page_as("proposer").post(
        reverse("proposals:create"),
        draft_form(category, cosigners=[people["cosigner"].member.pk], attachments=upload, save="1"),
    )
    proposal = Proposal.objects.get()
    assert response["Location"] == detail_url(proposal)
    assert proposal.state == State.DRAFT
    assert proposal.lead_proposer == people["proposer"].member
    assert [c.member for c in proposal.cosigners.all()] == [people["cosigner"].member]
    assert proposal.attachments.get().original_name == "现场照片.png"
    assert "已保存草稿“关于优化公交线路的建议”。" in flash(response)


def test_member_saves_and_submits(page_as, category):
    response = page_as("proposer").post(reverse("proposals:create"), draft_form(category, submit="1"))
    proposal = Proposal.objects.get()
    assert proposal.state == State.SUBMITTED
    assert response["Location"] == detail_url(proposal)


def test_submit_without_suggestions_keeps_the_form(page_as, category):
    response = page_as("proposer").post(reverse("proposals:create"), draft_form(category, suggestions="", submit="1"))
    assert response.status_code == 200
    assert "提交前须填写此项。" in response.content.decode()
    assert not Proposal.objects.exists()


def test_bad_attachment_is_a_field_error(page_as, category, media_root):
    upload = io.BytesIO(b"plain text, not a picture")
    upload.name = "说明.png"
    response = page_as("proposer").post(reverse("proposals:create"), draft_form(category, attachments=upload))
    assert response.status_code == 200
    html = response.content.decode()
    assert "文件类型不受支持。" in html and "is-invalid" in html
    assert not Proposal.objects.exists()


def test_office_enters_a_collective_proposal(page_as, category):
    from tests.factories import PartyFactory

    party = PartyFactory(name="民盟")
    client = page_as("office")
    response = client.post(
        reverse("proposals:create"), draft_form(category, kind="collective", collective_party=party.pk)
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert proposal.kind == Proposal.Kind.COLLECTIVE and proposal.collective_party == party
    assert proposal.proposer_display == "民盟"

    # Without a body the service's message lands on the form.
    response = client.post(reverse("proposals:create"), draft_form(category, kind="collective"))
    assert response.status_code == 200
    assert "请指定一个提案单位。" in response.content.decode()


def test_member_form_has_no_office_fields(page_as):
    html = page_as("proposer").get(reverse("proposals:create")).content.decode()
    assert 'name="lead_proposer"' not in html and 'name="kind"' not in html
    assert 'name="attachments"' in html and "multiple" in html
    html = page_as("office").get(reverse("proposals:create")).content.decode()
    assert 'name="lead_proposer"' in html and 'name="collective_party"' in html


def test_edit_page(page_as, people, draft, walk, category):
    proposal = draft()
    client = page_as("proposer")
    assert "城中村基础设施薄弱。" in client.get(reverse("proposals:edit", args=[proposal.pk])).content.decode()
    response = client.post(
        reverse("proposals:edit", args=[proposal.pk]), draft_form(category, title="改过的案题", cosigners=[])
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.title == "改过的案题" and not proposal.cosigners.exists()
    # The invited co-signer sees the draft but may not edit it; others do not see it at all.
    assert page_as("cosigner").get(reverse("proposals:edit", args=[proposal.pk])).status_code in (403, 404)
    assert page_as("outsider").get(reverse("proposals:edit", args=[proposal.pk])).status_code == 404
    # Once submitted, the edit page sends the proposer back to the detail with a message.
    walk(proposal, "submitted")
    response = page_as("proposer").get(reverse("proposals:edit", args=[proposal.pk]))
    assert response["Location"] == detail_url(proposal)
    assert "只有草稿可以修改" in flash(response)[0]


# --- downloads -------------------------------------------------------------------------------------


def test_export_and_print(page_as, draft, walk):
    pytest.importorskip("proposals.exports")
    proposal = walk(draft(), "filed")
    response = page_as("office").get(reverse("proposals:export"), {"state": "filed"})
    assert response.status_code == 200
    today = timezone.localdate().strftime("%Y%m%d")
    assert unquote(response["Content-Disposition"]).endswith(f"提案列表_{today}.xlsx")
    response = page_as("proposer").get(reverse("proposals:print", args=[proposal.pk]))
    assert response.status_code == 200
    assert unquote(response["Content-Disposition"]).endswith("提案_第0001号.docx")
    assert page_as("outsider").get(reverse("proposals:print", args=[proposal.pk])).status_code == 404
    assert page_as("unit_a").get(reverse("proposals:export")).status_code == 403
