"""Work that finds its people: at every step of a proposal's way, who has it on their to-do list (from the
engine's allowed actions) and who is sent a hand-off notice when the step commits — nobody else.

The steps run through the services with their on-commit callbacks executed and Celery eager: the notices
are written by the same task the worker runs."""

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from cppcc.lifecycle import todo_items
from cppcc.roles import Role
from notifications.handoff import notify
from notifications.models import Notification
from proposals import services
from proposals.models import State

WATCHED = ("proposer", "cosigner", "outsider", "office", "office2", "unit_a", "unit_b", "unit_c", "leader")


@pytest.fixture
def crowd(people, make_user):
    return {**people, "office2": make_user(Role.OFFICE, username="office2")}


def todos(crowd) -> dict[str, list[str]]:
    found = {key: sorted(item.label for item in todo_items(crowd[key])) for key in WATCHED}
    return {key: labels for key, labels in found.items() if labels}


def notices_since(crowd, last_pk) -> dict[str, int]:
    counts = {}
    for notice in Notification.objects.filter(pk__gt=last_pk).select_related("recipient"):
        key = next(k for k in WATCHED if crowd[k].pk == notice.recipient_id)
        counts[key] = counts.get(key, 0) + 1
    return counts


def test_every_hand_off_reaches_the_next_actor_and_only_them(crowd, draft, eager, django_capture_on_commit_callbacks):
    u = crowd["units"]
    proposal = None

    def step(fn):
        nonlocal proposal
        last = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        with django_capture_on_commit_callbacks(execute=True):
            result = fn()
        proposal = result if result is not None and hasattr(result, "state") else proposal
        return todos(crowd), notices_since(crowd, last)

    office_review = {"office": ["审查提案"], "office2": ["审查提案"]}
    steps = [
        # (what happens, to-do lists afterwards, new notices)
        ("member writes a draft inviting a co-signer", lambda: draft(),
         {"proposer": ["修改并提交提案"], "cosigner": ["确认附议"]}, {"cosigner": 1}),
        ("member submits", lambda: services.proposal_submit(actor=crowd["proposer"], proposal=proposal),
         {"cosigner": ["确认附议"], **office_review}, {"office": 1, "office2": 1}),
        ("co-signer confirms", lambda: services.proposal_cosign(actor=crowd["cosigner"], proposal=proposal),
         office_review, {}),
        ("office files", lambda: services.proposal_file(actor=crowd["office"], proposal=proposal),
         {"office": ["交办提案"], "office2": ["交办提案"]}, {"office2": 1}),
        ("office assigns a lead and a co-unit",
         lambda: services.proposal_assign(actor=crowd["office"], proposal=proposal, lead_unit=u["a"],
                                          co_units=[u["b"]]),
         {"unit_a": ["签收交办"], "unit_b": ["签收交办"]}, {"unit_a": 1, "unit_b": 1}),
        ("lead unit signs",
         lambda: services.proposal_accept(actor=crowd["unit_a"], proposal=proposal, unit_id=u["a"].pk),
         {"unit_b": ["签收交办"]}, {}),
        # The lead unit waits for the co-unit's opinion (its reply is blocked, not on its list).
        ("co-unit signs: handling",
         lambda: services.proposal_accept(actor=crowd["unit_b"], proposal=proposal, unit_id=u["b"].pk),
         {"unit_b": ["提出会办意见"]}, {}),
        ("co-unit gives its opinion: the lead unit may reply",
         lambda: services.proposal_reply(actor=crowd["unit_b"], proposal=proposal, unit_id=u["b"].pk, result="B",
                                         content="会办意见"),
         {"unit_a": ["答复提案"]}, {"unit_a": 1}),
        ("lead unit replies",
         lambda: services.proposal_reply(actor=crowd["unit_a"], proposal=proposal, unit_id=u["a"].pk, result="A",
                                         content="已列入年度计划。", letter_number="教函〔2026〕12号"),
         {"office": ["审核答复"], "office2": ["审核答复"]}, {"office": 1, "office2": 1}),
        ("office approves the reply",
         lambda: services.proposal_approve_reply(actor=crowd["office"], proposal=proposal, unit_id=u["a"].pk),
         {"proposer": ["评价办理结果"]}, {"proposer": 1}),
        ("member gives feedback: closed",
         lambda: services.proposal_feedback(actor=crowd["proposer"], proposal=proposal, satisfaction="satisfied"),
         {}, {}),
    ]  # fmt: skip
    for what, fn, expected_todos, expected_notices in steps:
        got_todos, got_notices = step(fn)
        assert (what, got_todos) == (what, expected_todos)
        assert (what, got_notices) == (what, expected_notices)
    proposal.refresh_from_db()
    assert proposal.state == State.CLOSED


def test_a_notice_names_the_work_and_links_to_it(crowd, draft, walk, eager, django_capture_on_commit_callbacks):
    proposal = walk(draft(), "filed")
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_assign(actor=crowd["office"], proposal=proposal, lead_unit=crowd["units"]["a"])
    notice = Notification.objects.get(recipient=crowd["unit_a"])
    assert notice.title == f"待办：签收交办——提案《{proposal.title}》"
    assert notice.url == f"/proposals/{proposal.pk}/"
    assert notice.event_key.startswith("proposals.proposalevent:")
    # The to-do item of the unit carries its deadline: the assignment's due date.
    (item,) = todo_items(crowd["unit_a"])
    assert item.url == notice.url and item.due == proposal.assignments.get().due_date


def test_delivered_once_however_often_it_is_attempted(crowd, draft, walk, eager, django_capture_on_commit_callbacks):
    proposal = walk(draft(), "filed")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.proposal_assign(actor=crowd["office"], proposal=proposal, lead_unit=crowd["units"]["a"])
    notice = Notification.objects.get(recipient=crowd["unit_a"])
    for callback in callbacks:  # the broker delivering the same event again
        callback()
    from django.contrib.contenttypes.models import ContentType

    args = ("proposal", ContentType.objects.get_for_model(proposal).pk, proposal.pk, notice.event_key, None)
    Notification.objects.filter(pk=notice.pk).update(read_at="2026-01-01T00:00:00Z")  # even once read
    assert notify(*args) == 0
    assert Notification.objects.filter(recipient=crowd["unit_a"]).count() == 1


def test_a_rolled_back_step_sends_nothing(crowd, draft, walk, eager, django_capture_on_commit_callbacks):
    proposal = walk(draft(), "filed")
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            services.proposal_assign(actor=crowd["office"], proposal=proposal, lead_unit=crowd["units"]["a"])
            raise RuntimeError("the request fails after the service")
    assert not Notification.objects.filter(recipient=crowd["unit_a"]).exists()
    assert todo_items(crowd["unit_a"]) == []


@pytest.mark.parametrize(
    "who, todo",
    [("unit_a", ["签收交办"]), ("unit_b", []), ("office", []), ("proposer", []), ("outsider", [])],
)
def test_the_api_lists_what_the_page_lists(crowd, draft, walk, client, who, todo):
    proposal = walk(draft(), "assigned", co=())
    api = APIClient()
    api.force_authenticate(crowd[who])
    body = api.get("/api/v1/todo/").json()
    assert [r["todo"] for r in body["results"]] == todo
    assert body["count"] == len(todo)
    client.force_login(crowd[who])
    page = client.get("/todo/").content.decode()
    if todo:
        assert f'href="/proposals/{proposal.pk}/"' in page and "签收交办" in page
    else:
        assert "暂无等待您处理的事项" in page


def test_the_unit_inbox_lists_open_work_first_by_deadline(crowd, draft, walk, client):
    closed = walk(draft("关于已经办结的建议"), "closed")
    late = walk(draft("关于期限较晚的建议"), "assigned", co=())
    early = walk(draft("关于期限较早的建议"), "handling", co=())
    late.assignments.update(due_date="2027-03-01")
    early.assignments.update(due_date="2027-01-15")
    client.force_login(crowd["unit_a"])
    html = client.get("/proposals/inbox/").content.decode()
    assert html.index(early.title) < html.index(late.title)
    assert closed.title not in html and "显示已办结的提案" in html
    html = client.get("/proposals/inbox/?finished=1").content.decode()
    assert html.index(early.title) < html.index(late.title) < html.index(closed.title)


def test_seeded_history_sends_no_notices_but_shows_on_the_to_do_list(
    crowd, draft, eager, django_capture_on_commit_callbacks
):
    from notifications.handoff import suppressed

    with suppressed(), django_capture_on_commit_callbacks(execute=True):
        draft()
    assert not Notification.objects.exists()
    assert [item.label for item in todo_items(crowd["cosigner"])] == ["确认附议"]


def test_the_nav_badge_counts_the_work_and_follows_each_step(
    crowd, draft, walk, client, eager, django_capture_on_commit_callbacks
):
    proposal = walk(draft(), "filed")
    client.force_login(crowd["unit_a"])
    assert "nav-todo-count" not in client.get("/todo/badge/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_assign(actor=crowd["office"], proposal=proposal, lead_unit=crowd["units"]["a"])
    # The cached count was renewed by the committed step, not left to expire.
    html = client.get("/todo/badge/").content.decode()
    assert 'data-testid="nav-todo-count"' in html and ">1</span>" in html


def test_the_office_finds_the_replies_waiting_for_its_review(crowd, draft, walk, client):
    """待审核答复: a filter and a mark on the office's proposal list (and a menu entry to it)."""
    waiting = walk(draft("关于增设社区食堂的建议"), "handling", co=())
    services.proposal_reply(
        actor=crowd["unit_a"], proposal=waiting, unit_id=crowd["units"]["a"].pk, result="A", content="已办理。"
    )
    handled = walk(draft("关于改善公交线网的建议"), "replied", co=())
    walk(draft("关于建设口袋公园的建议"), "handling", co=())  # nothing replied yet

    client.force_login(crowd["office"])
    page = client.get("/proposals/", {"reply_pending": "true"}).content.decode()
    assert page.count('data-testid="proposal-row"') == 1 and waiting.title in page
    assert page.count('data-testid="reply-pending"') == 1
    everything = client.get("/proposals/").content.decode()
    assert everything.count('data-testid="reply-pending"') == 1 and handled.title in everything
    assert "/proposals/?reply_pending=true" in everything  # the menu entry
    assert "排序：最近创建的在前" in everything  # every list says how it is ordered
    others = client.get("/proposals/", {"reply_pending": "false"}).content.decode()
    assert waiting.title not in others and handled.title in others


def test_a_leader_follows_the_proposals_they_lead_or_supervise_and_the_overdue(crowd, draft, walk):
    """The leader's list: 督办重点提案 (key leader), 督办提案 (supervisor), 逾期未办结 (anyone's overdue case);
    nothing of proposals that are neither theirs nor late. Nobody else gets these follow-ups."""
    import datetime as dt

    from proposals.models import Assignment

    leader = crowd["leader"]
    led = walk(draft("关于推进垃圾分类的建议"), "handling", co=())
    supervised = walk(draft("关于完善养老服务的建议"), "assigned", co=())
    late = walk(draft("关于治理噪声污染的建议"), "handling", co=())
    walk(draft("关于建设口袋公园的建议"), "handling", co=())  # neither theirs nor late
    services.proposal_set_flags(actor=crowd["office"], proposal=led, data={"is_key": True, "key_leader": leader})
    services.proposal_set_flags(actor=crowd["office"], proposal=supervised, data={"supervisor": leader})
    Assignment.objects.filter(proposal=late).update(due_date=dt.date(2020, 3, 1))

    got = {(item.label, item.title, item.due) for item in todo_items(leader)}
    assert got == {
        ("督办重点提案", led.title, led.assignments.get().due_date),
        ("督办提案", supervised.title, supervised.assignments.get().due_date),
        ("逾期未办结", late.title, dt.date(2020, 3, 1)),
    }
    assert todo_items(leader)[0].title == late.title  # the overdue first
    assert {item.label for item in todo_items(crowd["office"])} <= {"审核答复", "交办提案", "审查提案"}


def test_a_unit_asks_for_more_time_and_the_office_decides(
    crowd, draft, walk, eager, django_capture_on_commit_callbacks
):
    """申请延期 → the office's to-do 审批延期申请 with one notice each → granted: the deadline moves and the
    request leaves every list; a refusal needs a reason and leaves the deadline as it was."""
    import datetime as dt

    from cppcc.errors import ApplicationError

    proposal = walk(draft(), "handling", co=())
    assignment = proposal.assignments.get()
    old_due, asked = assignment.due_date, assignment.due_date + dt.timedelta(days=30)
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_request_extension(
            actor=crowd["unit_a"], proposal=proposal, unit_id=crowd["units"]["a"].pk, due_date=asked,
            reason="需会同住建部门联合调研。",
        )  # fmt: skip
    assert todos(crowd) == {"unit_a": ["答复提案"], "office": ["审批延期申请"], "office2": ["审批延期申请"]}
    assert Notification.objects.filter(title__startswith="待办：审批延期申请").count() == 2

    with pytest.raises(ApplicationError, match="不同意延期时请写明意见"):
        services.proposal_decide_extension(
            actor=crowd["office"], proposal=proposal, unit_id=crowd["units"]["a"].pk, approve=False
        )
    services.proposal_decide_extension(actor=crowd["office"], proposal=proposal, unit_id=crowd["units"]["a"].pk)
    assignment.refresh_from_db()
    assert (assignment.due_date, assignment.extension_count, assignment.extension_requested_at) == (asked, 1, None)
    assert todos(crowd) == {"unit_a": ["答复提案"]}
    assert asked > old_due


def test_the_to_do_page_groups_the_work_by_kind(crowd, draft, walk, client):
    """The counts of each kind of work above the list; choosing one lists only that kind."""
    walk(draft("关于增设社区食堂的建议"), "submitted")
    walk(draft("关于改善公交线网的建议"), "submitted")
    walk(draft("关于建设口袋公园的建议"), "filed")
    client.force_login(crowd["office"])
    page = client.get("/todo/").content.decode()
    assert "审查提案 2" in page and "交办提案 1" in page and "全部 3" in page
    only = client.get("/todo/", {"kind": "交办提案"}).content.decode()
    assert "关于建设口袋公园的建议" in only and "关于增设社区食堂的建议" not in only


def test_an_item_says_how_many_days_are_left_and_a_returned_proposal_is_assigned_again(
    crowd, draft, walk, client, eager
):
    import datetime as dt

    from django.utils import timezone

    proposal = walk(draft(), "assigned", co=())
    proposal.assignments.update(due_date=timezone.localdate() + dt.timedelta(days=5))
    client.force_login(crowd["unit_a"])
    assert "还剩 5 天" in client.get("/todo/").content.decode()
    api = APIClient()
    api.force_authenticate(crowd["unit_a"])
    assert api.get("/api/v1/todo/").json()["results"][0]["days_left"] == 5

    unit_a = crowd["units"]["a"].pk
    services.proposal_return(actor=crowd["unit_a"], proposal=proposal, unit_id=unit_a, reason="职责不符")
    assert [item.label for item in todo_items(crowd["office"])] == ["重新交办（单位申请退回）"]
