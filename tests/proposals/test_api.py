"""The proposals API: drafting, lists (filters, ordering, scoping), errors, the timeline, auth, queries."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.tokens import token_lookup
from members.models import HandlingUnit
from proposals import services
from proposals.models import Assignment, CoSigner, Proposal, ProposalCategory, ProposalEvent, State
from tests.factories import PartyFactory

URL = "/api/v1/proposals/"
PASSWORD = "Test-pass-2026"  # tests/factories.py


def detail(proposal, action=None):
    return f"{URL}{proposal.pk}/{action}/" if action else f"{URL}{proposal.pk}/"


def ids(response):
    assert response.status_code == 200, response.content.decode()
    return [row["id"] for row in response.json()["results"]]


def body(category, **extra):
    return {
        "title": "关于完善社区养老服务的建议",
        "category": category.pk,
        "background": "老龄化程度加深。",
        "suggestions": "增加日间照料中心。",
        **extra,
    }


# ---------------------------------------------------------------------------------------------
# Drafting
# ---------------------------------------------------------------------------------------------
def test_member_creates_a_draft_in_their_own_name(api_as, people, category, term):
    me, other = people["proposer"].member, people["outsider"].member
    response = api_as("proposer").post(
        URL,
        body(category, lead_proposer=other.pk, kind="collective", cosigners=[people["cosigner"].member.pk]),
        format="json",
    )
    assert response.status_code == 201, response.content.decode()
    data = response.json()
    assert (data["lead_proposer"], data["kind"], data["state"], data["term"]) == (me.pk, "individual", "draft", term.pk)
    assert data["proposer"] == "李建国"
    assert [c["name"] for c in data["cosigners"]] == ["王芳"]
    assert data["contact_name"] == "李建国"  # filled from the lead proposer
    assert data["allowed_actions"][:2] == ["update", "submit"]
    proposal = Proposal.objects.get(pk=data["id"])
    assert proposal.created_by == people["proposer"] and proposal.number is None
    assert list(proposal.events.values_list("action", "actor")) == [("create", people["proposer"].pk)]


def test_office_enters_a_collective_proposal(api_as, category):
    party = PartyFactory(name="民盟")
    response = api_as("office").post(URL, body(category, kind="collective", collective_party=party.pk), format="json")
    assert response.status_code == 201, response.content.decode()
    data = response.json()
    assert (data["kind"], data["lead_proposer"], data["collective_party"], data["proposer"]) == (
        "collective",
        None,
        party.pk,
        "民盟",
    )


def test_office_individual_proposal_needs_a_lead(api_as, category):
    response = api_as("office").post(URL, body(category, kind="individual"), format="json")
    assert response.status_code == 400
    assert "lead_proposer" in response.json()["errors"]
    assert not Proposal.objects.exists()


@pytest.mark.parametrize("who", ["unit_a", "leader"])
def test_units_and_leaders_do_not_write_proposals(api_as, category, who):
    response = api_as(who).post(URL, body(category), format="json")
    assert response.status_code == 403
    assert response.json()["message"]
    assert not Proposal.objects.exists()


@pytest.mark.parametrize("who", ["admin", "auditor"])
def test_admin_and_auditor_have_no_proposals_api(api_as, draft, walk, who):
    walk(draft(), "filed")
    assert api_as(who).get(URL).status_code == 403


def test_anonymous_is_refused(draft):
    draft()
    response = APIClient().get(URL)
    assert response.status_code in (401, 403)
    assert "results" not in response.json()


def test_update_draft_by_owner(api_as, people, draft):
    proposal = draft()
    response = api_as("proposer").patch(
        detail(proposal), {"title": "关于城中村改造的再建议", "cosigners": []}, format="json"
    )
    assert response.status_code == 200, response.content.decode()
    assert response.json()["title"] == "关于城中村改造的再建议"
    proposal.refresh_from_db()
    assert proposal.title == "关于城中村改造的再建议"
    assert not proposal.cosigners.exists()
    assert proposal.events.latest("id").action == "update"


def test_update_keeps_the_member_as_lead(api_as, people, draft):
    proposal = draft()
    response = api_as("proposer").patch(
        detail(proposal), {"lead_proposer": people["outsider"].member.pk}, format="json"
    )
    assert response.status_code == 200
    proposal.refresh_from_db()
    assert proposal.lead_proposer == people["proposer"].member


def test_update_after_submit_is_a_conflict(api_as, people, draft):
    proposal = draft()
    services.proposal_submit(actor=people["proposer"], proposal=proposal)
    response = api_as("proposer").patch(detail(proposal), {"title": "改题"}, format="json")
    assert response.status_code == 409
    assert "草稿" in response.json()["message"]
    proposal.refresh_from_db()
    assert proposal.title == "关于加快城中村改造的建议"


@pytest.mark.parametrize(
    ("who", "submitted", "status"),
    [
        ("cosigner", False, 403),  # sees the draft (to co-sign it) but may not edit it
        ("outsider", False, 404),
        ("office", False, 404),  # someone else's draft is invisible to the office
        ("office", True, 403),
        ("unit_a", False, 403),  # a unit never writes proposals: refused before the lookup
    ],
)
def test_update_by_someone_else(api_as, people, draft, who, submitted, status):
    proposal = draft()
    if submitted:
        services.proposal_submit(actor=people["proposer"], proposal=proposal)
    response = api_as(who).patch(detail(proposal), {"title": "被篡改的案题"}, format="json")
    assert response.status_code == status
    proposal.refresh_from_db()
    assert proposal.title == "关于加快城中村改造的建议"


# ---------------------------------------------------------------------------------------------
# Lists: filters, ordering, scoping
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def catalogue(people, draft, walk, category):
    """Proposals in several states, categories, years and units."""
    social = ProposalCategory.objects.get_or_create(name="社会建设")[0]
    p = {}
    p["draft"] = draft("关于草稿阶段的建议")
    p["submitted"] = walk(draft("关于发展社区养老服务的建议", category=social), "submitted")
    p["filed"] = walk(draft("关于治理河道污染的建议"), "filed")
    p["assigned_a"] = walk(draft("关于学校周边交通的建议"), "assigned", lead="a", co=())
    p["assigned_b"] = walk(draft("关于生态补偿机制的建议", background="涉及养老保险"), "assigned", lead="b", co=())
    p["replied"] = walk(draft("关于老旧小区加装电梯的建议"), "replied", lead="c", co=())
    services.proposal_set_flags(actor=people["office"], proposal=p["filed"], data={"is_key": True})
    # the replied one is past its feedback period: overdue
    Proposal.objects.filter(pk=p["replied"].pk).update(feedback_due=timezone.localdate() - dt.timedelta(days=3))
    # one proposal from an earlier year
    Proposal.objects.filter(pk=p["assigned_b"].pk).update(
        submitted_at=dt.datetime(2024, 3, 5, 9, tzinfo=dt.UTC), created_at=dt.datetime(2024, 3, 1, 9, tzinfo=dt.UTC)
    )
    return {k: Proposal.objects.get(pk=v.pk) for k, v in p.items()}


def _pks(catalogue, *keys):
    return {catalogue[k].pk for k in keys}


@pytest.mark.parametrize(
    ("query", "keys"),
    [
        ("state=filed", ["filed"]),
        ("state=assigned&state=submitted", ["assigned_a", "assigned_b", "submitted"]),
        ("category={social}", ["submitted"]),
        ("year=2024", ["assigned_b"]),
        ("unit={a}", ["assigned_a"]),
        ("unit={b}", ["assigned_b"]),
        ("is_key=true", ["filed"]),
        ("overdue=true", ["replied"]),
        ("q=养老", ["submitted", "assigned_b"]),  # title or background
        ("q=电梯", ["replied"]),
    ],
)
def test_list_filters(api_as, people, catalogue, query, keys):
    units = people["units"]
    social = ProposalCategory.objects.get_or_create(name="社会建设")[0]
    query = query.format(social=social.pk, a=units["a"].pk, b=units["b"].pk)
    response = api_as("office").get(f"{URL}?{query}")
    assert set(ids(response)) == _pks(catalogue, *keys)


def test_year_filter_counts_the_current_year(api_as, catalogue):
    year = timezone.localdate().year
    got = set(ids(api_as("office").get(f"{URL}?year={year}")))
    assert got == _pks(catalogue, "submitted", "filed", "assigned_a", "replied")


def test_overdue_false_is_the_complement(api_as, catalogue):
    got = set(ids(api_as("office").get(f"{URL}?overdue=false")))
    assert got == _pks(catalogue, "submitted", "filed", "assigned_a", "assigned_b")


def test_bad_filter_value_is_400(api_as, catalogue):
    response = api_as("office").get(f"{URL}?state=nonsense")
    assert response.status_code == 400
    assert "state" in response.json()["errors"]


def test_ordering(api_as, catalogue):
    office = api_as("office")
    numbered = [catalogue[k].pk for k in ("filed", "assigned_a", "assigned_b", "replied")]
    got = ids(office.get(f"{URL}?ordering=number&state=filed&state=assigned&state=replied"))
    assert got == numbered
    got = ids(office.get(f"{URL}?ordering=-number&state=filed&state=assigned&state=replied"))
    assert got == numbered[::-1]
    titles = [row["title"] for row in office.get(f"{URL}?ordering=title").json()["results"]]
    assert titles == sorted(titles)
    # default: newest first
    assert ids(office.get(URL))[0] == catalogue["replied"].pk


def test_list_rows_show_units_and_number(api_as, people, catalogue):
    rows = {r["id"]: r for r in api_as("office").get(URL).json()["results"]}
    row = rows[catalogue["assigned_a"].pk]
    assert row["number_display"] == "第0002号"
    assert [(u["unit_name"], u["role"]) for u in row["units"]] == [("区教育局", "lead")]
    assert rows[catalogue["replied"].pk]["feedback_overdue"] is True
    assert rows[catalogue["filed"].pk]["is_key"] is True


def test_unit_sees_only_its_own_assignments(api_as, people, catalogue):
    assert set(ids(api_as("unit_a").get(URL))) == _pks(catalogue, "assigned_a")
    assert set(ids(api_as("unit_b").get(URL))) == _pks(catalogue, "assigned_b")
    assert set(ids(api_as("unit_c").get(URL))) == _pks(catalogue, "replied")
    other = catalogue["assigned_a"]
    for path in (detail(other), detail(other, "events")):
        assert api_as("unit_b").get(path).status_code == 404
    # not even by filtering for the other unit
    assert ids(api_as("unit_b").get(f"{URL}?unit={people['units']['a'].pk}")) == []


def test_member_sees_own_and_cosigned_never_another_draft(api_as, people, catalogue):
    everything = {p.pk for p in catalogue.values()}
    assert set(ids(api_as("proposer").get(URL))) == everything
    assert set(ids(api_as("cosigner").get(URL))) == everything  # invited on all of them
    assert ids(api_as("outsider").get(URL)) == []
    assert api_as("outsider").get(detail(catalogue["draft"])).status_code == 404


def test_office_and_leader_see_a_draft_only_once_submitted(api_as, people, catalogue):
    others = {p.pk for k, p in catalogue.items() if k != "draft"}
    for who in ("office", "leader"):
        assert set(ids(api_as(who).get(URL))) == others, who
        assert api_as(who).get(detail(catalogue["draft"])).status_code == 404
    services.proposal_submit(actor=people["proposer"], proposal=catalogue["draft"])
    assert catalogue["draft"].pk in ids(api_as("office").get(URL))
    assert api_as("office").get(detail(catalogue["draft"])).status_code == 200


def test_unit_keeps_seeing_a_proposal_it_answered_after_reassignment(api_as, people, draft, walk):
    """A unit that returned a proposal (without replying) no longer sees it, nor after it is reassigned."""
    proposal = walk(draft(), "assigned", lead="a", co=())
    services.proposal_return(actor=people["unit_a"], proposal=proposal, unit_id=people["units"]["a"].pk, reason="错")
    assert ids(api_as("unit_a").get(URL)) == []
    services.proposal_assign(actor=people["office"], proposal=proposal, lead_unit=people["units"]["b"])
    assert ids(api_as("unit_b").get(URL)) == [proposal.pk]
    assert ids(api_as("unit_a").get(URL)) == []


# ---------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["999999/", "999999/events/", "abc/"])
def test_unknown_id_is_404_json(api_as, path):
    response = api_as("office").get(URL + path)
    assert response.status_code == 404
    assert response.json() == {"message": "未找到该记录。", "errors": {}}


def test_action_on_unknown_id_is_404_json(api_as):
    response = api_as("office").post(f"{URL}999999/file/", {}, format="json")
    assert response.status_code == 404
    assert response.json()["message"] == "未找到该记录。"


def test_create_with_bad_payload_is_400_with_field_errors(api_as, category):
    response = api_as("proposer").post(URL, {"category": 99999, "kind": "nonsense"}, format="json")
    assert response.status_code == 400
    data = response.json()
    assert {"title", "category", "kind"} <= set(data["errors"])
    assert data["message"].startswith("提交的数据有误")
    assert not Proposal.objects.exists()


@pytest.mark.parametrize(
    ("state", "who", "action", "payload", "field"),
    [
        ("submitted", "office", "reject", {"reason": "dislike"}, "reason"),
        ("submitted", "office", "merge", {"into": 999999}, "into"),
        ("submitted", "office", "return_for_revision", {}, "note"),
        ("filed", "office", "assign", {"lead_unit": 999999}, "lead_unit"),
        ("assigned", "unit_a", "accept", {}, "unit"),
        ("assigned", "office", "extend", {"unit": "UNIT_A", "due_date": "next month"}, "due_date"),
        ("handling", "unit_a", "reply", {"unit": "UNIT_A", "result": "D", "content": "答复"}, "result"),
        ("handling", "unit_a", "reply", {"unit": "UNIT_A", "result": "A", "content": ""}, "content"),
        ("replied", "proposer", "feedback", {"satisfaction": "so-so"}, "satisfaction"),
        ("filed", "office", "flags", {"is_key": "perhaps"}, "is_key"),
    ],
)
def test_action_with_bad_payload_is_400_with_field_errors(
    api_as, people, draft, walk, state, who, action, payload, field
):
    proposal = walk(draft(), state, co=())
    payload = {k: (people["units"]["a"].pk if v == "UNIT_A" else v) for k, v in payload.items()}
    events = proposal.events.count()
    response = api_as(who).post(detail(proposal, action), payload, format="json")
    assert response.status_code == 400, response.content.decode()
    data = response.json()
    assert field in data["errors"] and data["message"]
    proposal.refresh_from_db()
    assert proposal.state == state and proposal.events.count() == events


def test_wrong_role_is_403_before_payload_errors(api_as, draft, walk):
    proposal = walk(draft(), "submitted")
    response = api_as("leader").post(detail(proposal, "reject"), {"reason": "dislike"}, format="json")
    assert response.status_code == 403


def test_unit_not_assigned_to_a_proposal_is_refused(api_as, people, draft, walk):
    """A unit with access to the proposal cannot act for another unit's assignment (or a stranger unit)."""
    proposal = walk(draft(), "assigned", lead="a", co=("b",))
    response = api_as("unit_a").post(detail(proposal, "accept"), {"unit": people["units"]["c"].pk}, format="json")
    assert response.status_code == 403
    response = api_as("office").post(
        detail(proposal, "extend"), {"unit": people["units"]["c"].pk, "due_date": "2099-01-01"}, format="json"
    )
    assert response.status_code == 400
    assert "unit" in response.json()["errors"]


# ---------------------------------------------------------------------------------------------
# Timeline, auth
# ---------------------------------------------------------------------------------------------
def test_events_timeline_in_order(api_as, people, draft, walk):
    proposal = walk(draft(), "replied")
    response = api_as("proposer").get(detail(proposal, "events"))
    assert response.status_code == 200
    events = response.json()
    assert [e["action"] for e in events] == [
        "create",
        "submit",
        "file",
        "assign",
        "accept",
        "accept",
        "reply",
        "reply",
        "approve_reply",
    ]
    ids_ = [e["id"] for e in events]
    assert ids_ == sorted(ids_)
    stamps = [e["created_at"] for e in events]
    assert stamps == sorted(stamps)
    # the chain of states has no gap
    for before, after in zip(events, events[1:], strict=False):
        assert after["from_state"] == before["to_state"]
    assert events[-1]["to_state"] == "replied" and events[-1]["to_state_display"] == "已答复"
    assert events[2]["actor"] == people["office"].pk and events[2]["data"] == {"number": 1}


def test_events_of_an_invisible_proposal_are_404(api_as, draft):
    proposal = draft()
    assert api_as("office").get(detail(proposal, "events")).status_code == 404
    assert api_as("cosigner").get(detail(proposal, "events")).status_code == 200


def test_token_auth(people, draft, walk):
    proposal = walk(draft(), "submitted")
    client = APIClient()
    response = client.post("/api/v1/auth/token/", {"username": "office", "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content.decode()
    token = response.json()["token"]
    assert token_lookup(token).user == people["office"]

    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert ids(client.get(URL)) == [proposal.pk]
    response = client.post(detail(proposal, "file"), {}, format="json")
    assert response.status_code == 200
    assert response.json()["number_display"] == "第0001号"

    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.get(URL)
    assert response.status_code in (401, 403)  # 403: the session authenticator comes first
    assert "results" not in response.json()


# ---------------------------------------------------------------------------------------------
# Queries: a page costs the same for 10 or 100 rows
# ---------------------------------------------------------------------------------------------
def _bulk(people, category, term, n):
    u, office = people["units"], people["office"]
    proposer, cosigner = people["proposer"].member, people["cosigner"].member
    party = PartyFactory(name="九三学社")
    social = ProposalCategory.objects.get_or_create(name="社会建设")[0]
    now = timezone.now()
    rows = []
    for i in range(1, n + 1):
        collective = i % 5 == 0
        rows.append(
            Proposal(
                term=term,
                number=i,
                title=f"关于第{i}个问题的建议",
                category=social if i % 2 else category,
                background="案由",
                suggestions="建议",
                kind=Proposal.Kind.COLLECTIVE if collective else Proposal.Kind.INDIVIDUAL,
                lead_proposer=None if collective else proposer,
                collective_party=party if collective else None,
                created_by=office if collective else people["proposer"],
                state=State.ASSIGNED,
                submitted_at=now,
                filed_at=now,
                is_key=i % 7 == 0,
                supervisor=people["leader"] if i % 3 == 0 else None,
            )
        )
    proposals = Proposal.objects.bulk_create(rows)
    today = timezone.localdate()
    deadlines = {"due_date": today, "max_due_date": today + dt.timedelta(days=90), "return_deadline": today}
    Assignment.objects.bulk_create(
        [
            Assignment(proposal=p, unit=unit, role=role, assigned_at=now, assigned_by=office, **deadlines)
            for p in proposals
            for unit, role in ((u["a"], Assignment.Role.LEAD), (u["b"], Assignment.Role.CO))
        ]
    )
    CoSigner.objects.bulk_create([CoSigner(proposal=p, member=cosigner) for p in proposals if p.lead_proposer_id])
    return proposals


@pytest.mark.parametrize("who", ["office", "unit_a", "proposer", "leader"])
@pytest.mark.parametrize("n", [10, 100])
def test_list_query_count_does_not_grow_with_rows(
    api_as, people, category, term, django_assert_max_num_queries, n, who
):
    _bulk(people, category, term, n)
    client = api_as(who)
    # roles, count, page, the page's assignments (with units): 4 today; one of slack
    with django_assert_max_num_queries(5):
        response = client.get(f"{URL}?page_size=100&overdue=false&ordering=-number")
    assert response.status_code == 200
    data = response.json()
    visible = n - n // 5 if who == "proposer" else n  # every fifth is a collective proposal entered by the office
    assert data["count"] == visible and len(data["results"]) == visible
    assert all(len(row["units"]) == 2 for row in data["results"])
    assert HandlingUnit.objects.count() == 3
    assert ProposalEvent.objects.count() == 0  # bulk rows: no events, nothing else to fetch


# ---------------------------------------------------------------------------------------------
# Form-encoded payloads mean the same as JSON
# ---------------------------------------------------------------------------------------------
def test_form_encoded_flags_by_a_leader_set_only_what_is_sent(api_as, draft, walk):
    """A form does not send unticked booleans; `is_excellent` must not appear out of nowhere (403)."""
    proposal = walk(draft(), "filed")
    response = api_as("leader").post(detail(proposal, "flags"), {"is_key": "true"}, format="multipart")
    assert response.status_code == 200, response.content.decode()
    proposal.refresh_from_db()
    assert (proposal.is_key, proposal.is_excellent) == (True, False)
    assert proposal.events.latest("id").data == {"is_key": True}


def test_form_encoded_approve_defaults_to_approval(api_as, people, draft, walk):
    proposal = walk(draft(), "handling", co=())
    unit = people["units"]["a"].pk
    reply = {"unit": unit, "result": "A", "content": "已解决"}
    assert api_as("unit_a").post(detail(proposal, "reply"), reply, format="multipart").status_code == 200
    response = api_as("office").post(detail(proposal, "approve_reply"), {"unit": unit}, format="multipart")
    assert response.status_code == 200
    assert response.json()["state"] == State.REPLIED


def test_form_encoded_assign_with_several_co_units(api_as, people, draft, walk):
    proposal = walk(draft(), "filed")
    u = people["units"]
    data = {"lead_unit": u["a"].pk, "co_units": [u["b"].pk, u["c"].pk]}
    response = api_as("office").post(detail(proposal, "assign"), data, format="multipart")
    assert response.status_code == 200, response.content.decode()
    assert sorted(proposal.assignments.values_list("unit__name", "role")) == sorted(
        [("区教育局", "lead"), ("区生态环境分局", "co"), ("区水务局", "co")]
    )


def test_list_rows_call_no_method_through_drf(api_as, catalogue, monkeypatch):
    """DRF inspects the signature of a method a field's source names, on every row, before calling it; the
    choice names (`*_display`) are looked up in the field's choices instead (`ChoiceDisplayField`)."""
    from rest_framework import fields

    called = []
    simple = fields.is_simple_callable
    monkeypatch.setattr(fields, "is_simple_callable", lambda obj: simple(obj) and not called.append(obj))
    response = api_as("office").get(URL)
    assert response.status_code == 200 and response.json()["count"] >= 5
    assert response.json()["results"][0]["state_display"]  # the names are still there
    assert called == []
