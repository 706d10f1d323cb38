"""Proposal numbers: given at filing, sequential within a term, formatted by settings, never reused —
also when many staff file at the same instant (PostgreSQL only: SQLite serialises writers anyway)."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from cppcc.roles import user_roles
from members.models import Term
from proposals import services
from proposals.models import Proposal, ProposalCounter, State
from tests.factories import TermFactory


def _submitted(people, draft, n, **extra):
    proposals = []
    for i in range(n):
        proposal = draft(f"关于第{i + 1}个问题的建议", **extra)
        proposals.append(services.proposal_submit(actor=people["proposer"], proposal=proposal))
    return proposals


def _file(people, proposal):
    return services.proposal_file(actor=people["office"], proposal=proposal)


def test_numbers_follow_the_filing_order_not_the_submission_order(people, draft):
    first, second, third = _submitted(people, draft, 3)
    for proposal in (third, first, second):
        _file(people, proposal)
    numbers = {p.pk: p.number for p in Proposal.objects.all()}
    assert [numbers[p.pk] for p in (third, first, second)] == [1, 2, 3]
    third.refresh_from_db()
    assert third.number_display == "第0001号"
    assert str(third) == "第0001号 关于第3个问题的建议"
    assert third.events.get(action="file").data == {"number": 1}


def test_unfiled_proposals_have_no_number(people, draft, walk):
    proposal = walk(draft(), "submitted")
    assert (proposal.number, proposal.number_display) == (None, "")
    assert str(proposal) == proposal.title


def test_number_format_comes_from_settings(api_as, people, draft, settings):
    settings.PROPOSAL_NUMBER_FORMAT = "提案第{number:03d}号"
    (proposal,) = _submitted(people, draft, 1)
    response = api_as("office").post(f"/api/v1/proposals/{proposal.pk}/file/", {}, format="json")
    assert response.status_code == 200
    assert (response.json()["number"], response.json()["number_display"]) == (1, "提案第001号")


def test_rejected_merged_converted_take_no_number_and_leave_no_gap(people, draft):
    office = people["office"]
    p1, p2, p3, p4, p5 = _submitted(people, draft, 5)
    assert _file(people, p1).number == 1
    services.proposal_reject(actor=office, proposal=p2, reason="personal")
    services.proposal_merge(actor=office, proposal=p3, into=Proposal.objects.get(pk=p1.pk))
    services.proposal_convert(actor=office, proposal=p4)
    assert _file(people, p5).number == 2
    assert set(Proposal.objects.filter(number__isnull=True).values_list("state", flat=True)) == {
        State.NOT_FILED,
        State.MERGED,
        State.CONVERTED,
    }


def test_a_number_is_never_reused_even_after_the_last_numbered_proposal_is_deleted(people, draft):
    p1, p2, p3 = _submitted(people, draft, 3)
    _file(people, p1)
    _file(people, p2)
    Proposal.objects.filter(pk=p2.pk).delete()  # e.g. removed by an administrator
    assert _file(people, p3).number == 3
    assert ProposalCounter.objects.get(term=p3.term).last_number == 3


def test_returned_proposal_keeps_its_number_and_new_filings_continue(people, draft, walk):
    first = walk(draft(), "assigned")
    services.proposal_return(actor=people["unit_a"], proposal=first, unit_id=people["units"]["a"].pk, reason="错派")
    first.refresh_from_db()
    assert (first.state, first.number) == (State.FILED, 1)
    (second,) = _submitted(people, draft, 1)
    assert _file(people, second).number == 2


def _make_current(term):
    """A member drafts in the current term only: the other term becomes the current one for a while."""
    Term.objects.update(is_current=False)
    Term.objects.filter(pk=term.pk).update(is_current=True)
    term.refresh_from_db()
    return term


def test_each_term_has_its_own_sequence(people, draft, term):
    next_term = TermFactory(number=8, start_year=2017, end_year=2021, is_current=False)
    assert next_term.name == "第八届"
    a1, a2 = _submitted(people, draft, 2)
    (b1,) = _submitted(people, draft, 1, term=_make_current(next_term))
    _make_current(term)
    _file(people, a1)
    _file(people, a2)
    assert _file(people, b1).number == 1
    assert b1.term == next_term
    (b2,) = _submitted(people, draft, 1, term=_make_current(next_term))
    _make_current(term)
    assert _file(people, b2).number == 2
    (a3,) = _submitted(people, draft, 1)
    assert _file(people, a3).number == 3
    counters = dict(ProposalCounter.objects.values_list("term__number", "last_number"))
    assert counters == {9: 3, 8: 2}


@pytest.mark.xdist_group("postgres_concurrency")  # see pyproject [tool.pytest] markers
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrent transactions (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_concurrent_filing_gives_distinct_sequential_numbers(people, draft):
    proposals = _submitted(people, draft, 50)
    office = people["office"]
    user_roles(office)  # cache the roles on the shared user object before the threads start

    def file_one(pk):
        try:
            proposal = Proposal.objects.get(pk=pk)
            return services.proposal_file(actor=office, proposal=proposal).number
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        numbers = list(pool.map(file_one, [p.pk for p in proposals]))

    assert sorted(numbers) == list(range(1, 51))
    stored = sorted(Proposal.objects.values_list("number", flat=True))
    assert stored == list(range(1, 51))
    assert ProposalCounter.objects.get().last_number == 50
    assert set(Proposal.objects.values_list("state", flat=True)) == {State.FILED}
